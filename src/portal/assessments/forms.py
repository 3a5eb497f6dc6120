"""Reading what people type into the self-assessment page.

The answers form is built from the framework (one input per rule, see docs/portal-self-
assessment.md), so it is a plain class rather than a Django Form: every leaf brings its own
fields. Numbers are read the Vietnamese way ("87,5", "1.234,5") by the core's cell reader
and kept as exact decimal strings, the way the core wants them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext, gettext_lazy

from dti.framework.model import (
    FormulaRule,
    Node,
)
from portal.answers import AnswerValue, PostedAnswer, answer_value, parse_typed_number
from portal.campaigns.forms import DeadlineField, reason_field
from portal.campaigns.models import Campaign, CampaignUnit
from portal.form_text import TextCheckedForm, control_character_message

NOTE_MAX_LENGTH = 5000


def value_field(code: str, input_name: str = "") -> str:
    return f"value:{code}:{input_name}" if input_name else f"value:{code}"


def note_field(code: str) -> str:
    return f"note:{code}"


def version_field(code: str) -> str:
    return f"version:{code}"


def loaded_field(code: str) -> str:
    return f"loaded:{code}"


class AnswersForm:
    """The answers posted for `leaves`; a leaf is read when the page carried its version
    field (an unticked Có/Không sends nothing else)."""

    def __init__(self, leaves: Iterable[Node], data: Mapping[str, str]):
        self.data = data
        self.text = _reader(data)
        self.leaves = [leaf for leaf in leaves if _fields(leaf.code)[2] in data]
        self.errors: dict[str, str] = {}  # field name -> message
        self.cleaned: dict[str, PostedAnswer] = {}
        for leaf in self.leaves:
            self._read(leaf)

    def is_valid(self) -> bool:
        return not self.errors

    def _read(self, leaf: Node) -> None:
        value_name, note_name, version_name, loaded_name = _fields(leaf.code)
        text = self.text
        value = self._value(leaf, value_name)
        note = text(note_name).strip()
        if len(note) > NOTE_MAX_LENGTH:
            self.errors[note_name] = gettext(
                "Thuyết minh dài %(length)s ký tự, tối đa %(max)s."
            ) % {"length": len(note), "max": NOTE_MAX_LENGTH}
        if (refused := control_character_message(note)) is not None:
            self.errors[note_name] = refused
        version = text(version_name)
        self.cleaned[leaf.code] = PostedAnswer(
            value, note, int(version) if version.isdigit() else 0, text(loaded_name)
        )

    def _value(self, leaf: Node, field: str) -> AnswerValue:
        rule = leaf.rule
        if isinstance(rule, FormulaRule):
            return self._formula(leaf, rule)
        text = self.text(field).strip()
        if not text:
            return None
        try:
            return answer_value(leaf, text)
        except ValueError as error:
            self.errors[field] = str(error)
            return None

    def _formula(self, leaf: Node, rule: FormulaRule) -> AnswerValue:
        values: dict[str, str] = {}
        for name in rule.inputs:
            field = value_field(leaf.code, name)
            text = self.text(field).strip()
            if not text:
                continue
            try:
                values[name] = str(parse_typed_number(text).value)
            except ValueError as error:
                self.errors[field] = str(error)
        return values or None


@lru_cache(maxsize=4096)  # a framework's criteria: the same few hundred codes every save
def _fields(code: str) -> tuple[str, str, str, str]:
    """The names of a criterion's value, note, version and loaded fields."""
    return value_field(code), note_field(code), version_field(code), loaded_field(code)


def _reader(data: Mapping[str, str]) -> Callable[[str], str]:
    """How a field's text is read from `data`, "" when absent: a request's form (QueryDict)
    gives a name's last value, as `data.get` does, read from its lists directly (a save
    reads 320 fields, and each `get` is three calls)."""
    if isinstance(data, MultiValueDict):
        lists = dict.get

        def last(field: str) -> str:
            values = lists(data, field)
            return str(values[-1]) if values else ""

        return last
    return lambda field: str(data.get(field, ""))


class EvidenceFileForm(TextCheckedForm):
    file = forms.FileField(
        label=gettext_lazy("Tệp minh chứng"),
        error_messages={"required": gettext_lazy("Chọn một tệp để tải lên.")},
    )


class SignedCopyForm(TextCheckedForm):
    """The signed PDF of the submission, on the approval: required where the province asks."""

    file = forms.FileField(
        label=gettext_lazy("Bản tự đánh giá (PDF) đã ký số"),
        error_messages={"required": gettext_lazy("Chọn tệp PDF đã ký số để tải lên.")},
    )

    def __init__(self, *args: Any, required: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].required = required


class EvidenceLinkForm(TextCheckedForm):
    url = forms.URLField(
        label=gettext_lazy("Liên kết"),
        max_length=200,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        error_messages={
            "required": gettext_lazy("Nhập địa chỉ liên kết."),
            "invalid": gettext_lazy("Địa chỉ liên kết không hợp lệ (cần dạng https://…)."),
        },
    )
    name = forms.CharField(label=gettext_lazy("Mô tả"), max_length=255, required=False)


class ReturnForm(TextCheckedForm):
    note = forms.CharField(
        label=gettext_lazy("Lý do trả lại"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Ghi rõ lý do trả lại để đơn vị sửa.")},
    )


class UnitsChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]  # generic in django-stubs only: not subscriptable at run time
    """Units of the campaign's progress table; a crafted value (another campaign's unit, not
    a number) is refused in the user's words (Django has no Vietnamese for two of these)."""

    default_error_messages = {
        "invalid_list": gettext_lazy("Danh sách đơn vị đã chọn không đọc được: chọn lại."),
        "invalid_choice": gettext_lazy(
            "Đơn vị đã chọn không có trong bảng tiến độ của đợt này: tải lại trang rồi chọn lại."
        ),
        "invalid_pk_value": gettext_lazy(
            "Đơn vị đã chọn không có trong bảng tiến độ của đợt này: tải lại trang rồi chọn lại."
        ),
    }

    def _check_values(self, value: Any) -> Any:
        """Every value a row's id as the page writes it, before any query: a number too
        large for the database would otherwise fail there, not here."""
        for one in value:
            if not (isinstance(one, str) and one.isascii() and one.isdigit() and len(one) <= 18):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value"
                )
        return super()._check_values(value)  # type: ignore[misc]  # django-stubs declare it private

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.unit.name)


class BulkForm(TextCheckedForm):
    """The office's action on the units ticked in a campaign's progress table."""

    action = forms.ChoiceField(
        choices=[
            ("remind", gettext_lazy("Nhắc các đơn vị đã chọn")),
            ("extend", gettext_lazy("Gia hạn các đơn vị đã chọn")),
        ]
    )
    units = UnitsChoiceField(
        CampaignUnit.objects.none(), label=gettext_lazy("Đơn vị"), required=False
    )
    until = DeadlineField(label=gettext_lazy("Gia hạn tự đánh giá đến"), required=False)
    reason = reason_field()

    def __init__(self, campaign: Campaign, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = campaign.units.select_related("unit", "campaign")  # type: ignore[attr-defined]  # Form.fields types every field as Field

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "extend" and not data.get("until") and "until" not in self.errors:
            self.add_error(
                "until", gettext("Nhập ngày gia hạn (dd/mm/yyyy HH:MM) rồi bấm Gia hạn.")
            )
        return data

"""Reading what the team types.

The scoring sheet reads each appraised value through the self-assessment's own parsing
(portal.assessments.forms.AnswersForm: the same inputs per rule, numbers the Vietnamese
way), the remark from the field the self-assessment uses for its note, and beside them the
supplement request and the verdict on each evidence file. The team page's forms follow."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy

from dti.framework.model import Node
from portal.accounts.models import User
from portal.appraisals.models import TeamMember, Verdict
from portal.appraisals.posted import PostedAppraisal, PostedVerdict
from portal.assessments.forms import AnswersForm
from portal.campaigns.deadlines import parse_deadline
from portal.campaigns.models import Campaign
from portal.form_text import TextCheckedForm, control_character_message
from portal.units.models import Unit

REMARK_MAX_LENGTH = 5000


def supplement_field(code: str) -> str:
    return f"supplement:{code}"


def request_field(code: str) -> str:
    return f"request:{code}"


def due_field(code: str) -> str:
    return f"due:{code}"


def confirm_field(code: str) -> str:
    return f"confirm:{code}"


class SheetForm:
    """The appraisals and verdicts posted by the scoring sheet. A criterion is read when the
    page carried its version field, an evidence file when it carried its verdict's."""

    def __init__(self, leaves: Iterable[Node], data: Mapping[str, Any]):
        self.answers = AnswersForm(leaves, data)
        self.data = data
        self.errors: dict[str, str] = dict(self.answers.errors)
        self.cleaned: dict[str, PostedAppraisal] = {}
        self.verdicts: dict[int, PostedVerdict] = {}
        for code, posted in self.answers.cleaned.items():
            self.cleaned[code] = PostedAppraisal(
                posted.value,
                posted.note,
                self._ticked(supplement_field(code)),
                self.text(request_field(code)).strip(),
                self._due(code),
                posted.version,
                self.text(f"loaded:{code}"),
                self._ticked(confirm_field(code)),
            )
        for name in data:
            if name.startswith("verdict_version:") and name[16:].isdigit():
                self._verdict(int(name[16:]))
        for code in self.cleaned:
            self._refuse_control_characters(request_field(code))

    def _refuse_control_characters(self, field: str) -> None:
        if (refused := control_character_message(self.text(field))) is not None:
            self.errors[field] = refused

    def is_valid(self) -> bool:
        return not self.errors

    def text(self, field: str) -> str:
        return str(self.data.get(field, ""))

    def _ticked(self, field: str) -> bool:
        return self.text(field) in ("on", "1", "yes")

    def _due(self, code: str) -> datetime | None:
        text = self.text(due_field(code)).strip()
        if not text or not self._ticked(supplement_field(code)):
            return None
        try:
            return parse_deadline(text)
        except ValidationError as error:
            self.errors[due_field(code)] = " ".join(error.messages)
            return None

    def _verdict(self, pk: int) -> None:
        verdict = self.text(f"verdict:{pk}")
        if verdict not in {"", *Verdict.values}:
            self.errors[f"verdict:{pk}"] = gettext("Chọn một kết luận trong danh sách.")
            verdict = ""
        version = self.text(f"verdict_version:{pk}")
        self._refuse_control_characters(f"verdict_note:{pk}")
        self.verdicts[pk] = PostedVerdict(
            verdict,
            self.text(f"verdict_note:{pk}").strip(),
            int(version) if version.isdigit() else 0,
            self.text(f"verdict_loaded:{pk}"),
        )


# ---- the team page ---------------------------------------------------------------------


class PersonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # generic in django-stubs only: not subscriptable at run time
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.username})"


class MemberChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # generic in django-stubs only: not subscriptable at run time
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.user)


class MemberForm(TextCheckedForm):
    user = PersonChoiceField(
        User.objects.none(),
        label=gettext_lazy("Người"),
        error_messages={
            "invalid_choice": gettext_lazy("Chỉ chọn được người có vai trò ở tỉnh của đợt."),
            "required": gettext_lazy("Chọn một người."),
        },
    )

    def __init__(self, campaign: Campaign, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = User.objects.filter(memberships__province_id=campaign.province_id).distinct()
        self.fields["user"].queryset = people.order_by("full_name", "username")  # type: ignore[attr-defined]  # Form.fields types every field as Field


class AssignmentForm(TextCheckedForm):
    """One line of assignment: a unit, a district's communes, or every unit; one main
    index or all of them. The service checks what the choices mean together."""

    member = MemberChoiceField(TeamMember.objects.none(), label=gettext_lazy("Thành viên"))
    unit = forms.ModelChoiceField(
        Unit.objects.none(),
        label=gettext_lazy("Đơn vị"),
        required=False,
        empty_label=gettext_lazy("— tất cả đơn vị —"),
    )
    district = forms.ModelChoiceField(
        Unit.objects.none(),
        label=gettext_lazy("hoặc các xã của huyện"),
        required=False,
        empty_label=gettext_lazy("— không —"),
    )
    index = forms.ChoiceField(label=gettext_lazy("Chỉ số chính"), required=False)

    def __init__(
        self, campaign: Campaign, indices: list[tuple[str, str]], *args: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = campaign.team.select_related("user")  # type: ignore[attr-defined]  # Form.fields types every field as Field
        in_scope = Unit.objects.filter(campaign_units__campaign=campaign)
        self.fields["unit"].queryset = in_scope.order_by("level", "name")  # type: ignore[attr-defined]  # Form.fields types every field as Field
        districts = Unit.objects.filter(children__campaign_units__campaign=campaign).distinct()
        self.fields["district"].queryset = districts.order_by("name")  # type: ignore[attr-defined]  # Form.fields types every field as Field
        choices = [("", gettext("— tất cả chỉ số —")), *indices]
        self.fields["index"].choices = choices  # type: ignore[attr-defined]  # Form.fields types every field as Field

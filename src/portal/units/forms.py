"""Forms of the unit registry. They only parse what people type; the services decide."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext, gettext_lazy

from dti.dates import DateError, checked_date
from portal.accounts.models import Province
from portal.form_text import TextCheckedForm
from portal.units.attributes import AttributeValue, format_value, parse_attributes
from portal.units.models import Lineage, Unit

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y"]
MAX_REGISTRY_BYTES = 5 * 1024 * 1024  # checked on the upload's size, before it is read


def _in_the_years_we_accept(value: date) -> None:
    try:
        checked_date(value)
    except DateError as error:
        raise ValidationError(str(error)) from None


def _date_field(label: _StrOrPromise) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_FORMATS,
        validators=[_in_the_years_we_accept],
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": gettext_lazy("Ngày không hợp lệ (cần dạng dd/mm/yyyy).")},
    )


class UnitForm(TextCheckedForm):
    code = forms.CharField(
        label=gettext_lazy("Mã"),
        max_length=64,
        help_text=gettext_lazy("Ví dụ: so-noi-vu, xa-an-nhon."),
    )
    name = forms.CharField(label=gettext_lazy("Tên"), max_length=300)
    level = forms.CharField(
        label=gettext_lazy("Khối"), max_length=32, help_text=gettext_lazy("so, huyen, xa, …")
    )
    parent = forms.ModelChoiceField(
        label=gettext_lazy("Đơn vị cấp trên"), queryset=Unit.objects.none(), required=False
    )
    attributes = forms.CharField(
        label=gettext_lazy("Thuộc tính"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Mỗi dòng một thuộc tính dạng tên = giá trị; giá trị là true/false, "
            "một số (3,5) hoặc chữ. Ví dụ: has_online_public_services = true"
        ),
    )
    aliases = forms.CharField(
        label=gettext_lazy("Tên khác"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Mỗi dòng một cách viết khác của tên (dùng khi đọc bảng đã công bố)."
        ),
    )
    active_from = _date_field(gettext_lazy("Hoạt động từ"))
    active_until = _date_field(gettext_lazy("Hoạt động đến"))

    def __init__(self, *args: Any, province: Province, unit: Unit | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        parents = Unit.objects.filter(province=province).order_by("level", "name")
        if unit is not None:
            parents = parents.exclude(pk=unit.pk)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]  # Form.fields types every field as Field

    @staticmethod
    def initial_for(unit: Unit) -> dict[str, Any]:
        return {
            "code": unit.code,
            "name": unit.name,
            "level": unit.level,
            "parent": unit.parent_id,
            "attributes": "\n".join(
                f"{k} = {format_value(unit.attributes[k])}" for k in sorted(unit.attributes)
            ),
            "aliases": "\n".join(unit.aliases),
            "active_from": unit.active_from,
            "active_until": unit.active_until,
        }

    def clean_attributes(self) -> dict[str, AttributeValue]:
        try:
            return parse_attributes(self.cleaned_data["attributes"].splitlines())
        except ValueError as error:
            raise forms.ValidationError(
                gettext("Thuộc tính: %(error)s.") % {"error": error}
            ) from error

    def clean_aliases(self) -> list[str]:
        lines = self.cleaned_data["aliases"].splitlines()
        return [line.strip() for line in lines if line.strip()]


class LineageForm(TextCheckedForm):
    predecessor = forms.ModelChoiceField(
        label=gettext_lazy("Đơn vị trước"), queryset=Unit.objects.none()
    )
    kind = forms.ChoiceField(label=gettext_lazy("Loại"), choices=Lineage.Kind.choices)
    successor = forms.ModelChoiceField(
        label=gettext_lazy("Đơn vị sau"), queryset=Unit.objects.none()
    )
    effective = forms.DateField(
        label=gettext_lazy("Có hiệu lực từ"),
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": gettext_lazy("Ngày không hợp lệ (cần dạng dd/mm/yyyy).")},
    )
    note = forms.CharField(
        label=gettext_lazy("Căn cứ"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Văn bản quyết định, ví dụ: Nghị quyết số 1662/NQ-UBTVQH15."),
    )

    def __init__(self, *args: Any, province: Province, **kwargs: Any):
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(province=province).order_by("level", "name")
        self.fields["predecessor"].queryset = units  # type: ignore[attr-defined]  # Form.fields types every field as Field
        self.fields["successor"].queryset = units  # type: ignore[attr-defined]  # Form.fields types every field as Field


class RegistryImportForm(TextCheckedForm):
    file = forms.FileField(label=gettext_lazy("Tệp Excel (.xlsx)"))

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if (upload.size or 0) > MAX_REGISTRY_BYTES:
            mb = MAX_REGISTRY_BYTES // (1024 * 1024)
            raise ValidationError(gettext("Tệp quá lớn: tối đa %(mb)s MB.") % {"mb": mb})
        return upload

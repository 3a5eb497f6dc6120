from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext, gettext_lazy

from portal.accounts.models import Province
from portal.accounts.permissions import PeopleScope
from portal.accounts.selectors import PeopleFilter
from portal.accounts.services import PersonRow
from portal.form_text import TextCheckedForm
from portal.roles import UNIT_ROLES, Role
from portal.units.models import Unit


class CodeForm(TextCheckedForm):
    """The second step: six digits from the authenticator app, or one recovery code."""

    code = forms.CharField(
        label=gettext_lazy("Mã xác thực"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


# ---- the office's administration of people -------------------------------------------


class UnitChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # generic in django-stubs only
    """A unit, shown with its province when the admin administers several."""

    def __init__(self, *args: Any, with_province: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.with_province = with_province

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.province.name})" if self.with_province else str(obj.name)


def _scope_units(scope: PeopleScope) -> QuerySet[Unit]:
    units = Unit.objects.select_related("province").order_by("province__name", "level", "name")
    if scope.province_ids is not None:
        units = units.filter(province_id__in=scope.province_ids)
    return units


class RoleForm(TextCheckedForm):
    """A role to hold: the role, the unit for a unit role (of one of the admin's provinces),
    the province for a province-wide role when the admin administers several."""

    # No role chosen in advance: a slip would otherwise give someone the office's rights.
    role = forms.ChoiceField(
        label=gettext_lazy("Vai trò"),
        choices=[("", gettext_lazy("— chọn vai trò —")), *Role.choices],
    )
    unit = UnitChoiceField(
        label=gettext_lazy("Đơn vị"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=gettext_lazy("— không (vai trò của cả tỉnh) —"),
        help_text=gettext_lazy("Cần cho cán bộ đầu mối và thủ trưởng đơn vị."),
    )
    province = forms.ModelChoiceField(
        label=gettext_lazy("Tỉnh"), queryset=Province.objects.none(), required=False
    )

    def __init__(self, *args: Any, scope: PeopleScope, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.scope = scope
        several = len(scope.provinces) > 1
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, UnitChoiceField)
        unit_field.queryset = _scope_units(scope)
        unit_field.with_province = several
        province_field = self.fields["province"]
        assert isinstance(province_field, forms.ModelChoiceField)
        province_field.queryset = Province.objects.filter(pk__in=[p.pk for p in scope.provinces])
        if not several:
            del self.fields["province"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role, unit = data.get("role"), data.get("unit")
        if role is None:
            return data
        if Role(role) in UNIT_ROLES:
            if unit is None:
                self.add_error("unit", gettext("Vai trò này cần chọn đơn vị."))
                return data
            data["province"] = unit.province
        else:
            if unit is not None:
                self.add_error(
                    "unit", gettext("Vai trò này áp dụng cho cả tỉnh: để trống ô đơn vị.")
                )
            if len(self.scope.provinces) == 1:
                data["province"] = self.scope.provinces[0]
            elif data.get("province") is None:
                self.add_error("province", gettext("Hãy chọn tỉnh cho vai trò này."))
        return data

    def held_role(self) -> tuple[Role, Province, Unit | None]:
        data = self.cleaned_data
        return Role(data["role"]), data["province"], data.get("unit")


class PersonCreateForm(RoleForm):
    full_name = forms.CharField(label=gettext_lazy("Họ và tên"), max_length=200)
    username = forms.CharField(
        label=gettext_lazy("Tên đăng nhập"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=gettext_lazy("Chữ, số và các dấu @ . + - _, không có dấu cách."),
    )
    email = forms.EmailField(
        label=gettext_lazy("Thư điện tử"),
        max_length=254,
        help_text=gettext_lazy("Thư mời đặt mật khẩu được gửi đến địa chỉ này."),
    )
    field_order = ["full_name", "username", "email", "role", "unit", "province"]

    def person_row(self) -> PersonRow:
        role, province, unit = self.held_role()
        data = self.cleaned_data
        return PersonRow(
            full_name=data["full_name"].strip(),
            username=data["username"].strip(),
            email=data["email"].strip(),
            role=role,
            province=province,
            unit=unit,
        )


class ReasonForm(TextCheckedForm):
    """What a confirmed change may say about why (kept in the audit trail)."""

    reason = forms.CharField(
        label=gettext_lazy("Lý do (không bắt buộc)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 30}),
    )


SORT_CHOICES = [
    ("name", gettext_lazy("Họ và tên")),
    ("-last_login", gettext_lazy("Lần đăng nhập gần nhất")),
]
ACTIVE_CHOICES = [
    ("", gettext_lazy("Tất cả")),
    ("1", gettext_lazy("Đang hoạt động")),
    ("0", gettext_lazy("Đã khoá")),
]


class PeopleFilterForm(TextCheckedForm):
    q = forms.CharField(label=gettext_lazy("Tìm"), max_length=100, required=False)
    role = forms.ChoiceField(
        label=gettext_lazy("Vai trò"),
        choices=[("", gettext_lazy("Mọi vai trò")), *Role.choices],
        required=False,
    )
    unit = UnitChoiceField(
        label=gettext_lazy("Đơn vị"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=gettext_lazy("Mọi đơn vị"),
    )
    active = forms.ChoiceField(
        label=gettext_lazy("Trạng thái"), choices=ACTIVE_CHOICES, required=False
    )
    sort = forms.ChoiceField(label=gettext_lazy("Sắp xếp"), choices=SORT_CHOICES, required=False)

    def __init__(self, *args: Any, scope: PeopleScope, **kwargs: Any):
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, UnitChoiceField)
        unit_field.queryset = _scope_units(scope)
        unit_field.with_province = len(scope.provinces) > 1

    def people_filter(self) -> PeopleFilter:
        """The filters, ignoring any that is not valid (a stale link still lists people)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        unit = data.get("unit") if "unit" not in self.errors else None
        active = data.get("active", "") if "active" not in self.errors else ""
        return PeopleFilter(
            query=data.get("q", "") if "q" not in self.errors else "",
            role=data.get("role", "") if "role" not in self.errors else "",
            unit=unit.pk if unit is not None else None,
            active=None if active == "" else active == "1",
            sort=(data.get("sort") or "name") if "sort" not in self.errors else "name",
        )


class ProfileForm(TextCheckedForm):
    full_name = forms.CharField(label=gettext_lazy("Họ và tên"), max_length=200)
    email = forms.EmailField(label=gettext_lazy("Thư điện tử"), max_length=254)


MAX_IMPORT_BYTES = 2 * 1024 * 1024  # checked on the upload's size, before it is read


class PeopleImportForm(TextCheckedForm):
    file = forms.FileField(label=gettext_lazy("Tệp Excel (.xlsx)"))
    province = forms.ModelChoiceField(label=gettext_lazy("Tỉnh"), queryset=Province.objects.none())

    def __init__(self, *args: Any, scope: PeopleScope, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.scope = scope
        province_field = self.fields["province"]
        assert isinstance(province_field, forms.ModelChoiceField)
        province_field.queryset = Province.objects.filter(pk__in=[p.pk for p in scope.provinces])
        if len(scope.provinces) == 1:
            del self.fields["province"]

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if (upload.size or 0) > MAX_IMPORT_BYTES:
            mb = MAX_IMPORT_BYTES // (1024 * 1024)
            raise ValidationError(gettext("Tệp quá lớn: tối đa %(mb)s MB.") % {"mb": mb})
        return upload

    def chosen_province(self) -> Province:
        if "province" in self.fields:
            province: Province = self.cleaned_data["province"]
            return province
        return self.scope.provinces[0]

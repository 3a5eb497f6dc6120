"""The office's and leadership's forms on the publication page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from portal.accounts.models import User
from portal.campaigns.models import Campaign, CampaignUnit
from portal.form_text import TextCheckedForm
from portal.publication.models import PublicationSettings
from portal.publication.services import MAX_NOTE
from portal.publication.verify import signers_of


class PublishForm(TextCheckedForm):
    change_note = forms.CharField(
        label=gettext_lazy("Lý do đính chính (bắt buộc khi đã công bố)"),
        max_length=MAX_NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RefuseForm(TextCheckedForm):
    note = forms.CharField(
        label=gettext_lazy("Lý do chưa phê duyệt"),
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class UnitChoiceForm(TextCheckedForm):
    campaign_unit = forms.ModelChoiceField(
        label=gettext_lazy("Đơn vị cần sửa kết quả"), queryset=CampaignUnit.objects.none()
    )

    def __init__(self, campaign: Campaign, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["campaign_unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            CampaignUnit.objects.filter(campaign=campaign, historic_result__isnull=False)
            .select_related("unit")
            .order_by("level", "unit__name")
        )
        field.label_from_instance = _unit_name  # type: ignore[method-assign,assignment]  # Django's documented hook


def _unit_name(campaign_unit: CampaignUnit) -> str:
    return campaign_unit.unit.name


class CorrectionForm(TextCheckedForm):
    """One field per main index of the unit's level, with its current score."""

    reason = forms.CharField(
        label=gettext_lazy("Lý do sửa (ghi vào nhật ký và ghi chú đính chính)"),
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, indices: list[tuple[str, str, Decimal, str]], *args: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.index_codes = []
        for code, name, maximum, current in indices:
            key = f"diem_{code}"
            self.index_codes.append((key, code))
            self.fields[key] = forms.CharField(
                label=f"{name} (tối đa {maximum.normalize():f})",
                initial=current,
                max_length=20,
            )
        self.order_fields([key for key, _ in self.index_codes] + ["reason"])

    def scores(self) -> dict[str, str]:
        return {code: self.cleaned_data[key] for key, code in self.index_codes}


class SettingsForm(TextCheckedForm):
    approval_required = forms.BooleanField(
        label=gettext_lazy("Lãnh đạo tỉnh phê duyệt trước khi công bố"), required=False
    )
    license_name = forms.CharField(label=gettext_lazy("Giấy phép dữ liệu mở"), max_length=100)
    license_url = forms.URLField(
        label=gettext_lazy("Địa chỉ văn bản giấy phép"), max_length=300, assume_scheme="https"
    )
    citation = forms.CharField(
        label=gettext_lazy("Cách trích dẫn"),
        max_length=500,
        required=False,
        help_text=gettext_lazy("Để trống: “<Tỉnh>, Kết quả đánh giá chuyển đổi số năm <năm>”."),
    )

    @classmethod
    def of(cls, stored: PublicationSettings, data: Any = None) -> SettingsForm:
        initial = {name: getattr(stored, name) for name in cls.base_fields}
        return cls(data, initial=initial)


class SignedReportForm(TextCheckedForm):
    """The signed PDF of the current version's report and who signed it (one of the
    province's office admins and leaders); `replace` is the office's confirmation that the
    signed report already kept is to be replaced."""

    pdf = forms.FileField(
        label=gettext_lazy("Tệp PDF báo cáo đã ký số"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    signer = forms.ModelChoiceField(
        label=gettext_lazy("Người ký"),
        queryset=User.objects.none(),
        help_text=gettext_lazy("Quản trị Sở chủ trì hoặc lãnh đạo tỉnh đã ký báo cáo."),
    )
    replace = forms.BooleanField(
        label=gettext_lazy(
            "Thay báo cáo đã ký đang có (tệp cũ không còn trên cổng công khai; nhật ký giữ "
            "dấu vết của nó)"
        ),
        required=False,
    )

    def __init__(self, province_id: int, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["signer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = signers_of(province_id)
        field.label_from_instance = _person  # type: ignore[method-assign,assignment]  # Django's documented hook


def _person(user: User) -> str:
    return user.full_name or user.username

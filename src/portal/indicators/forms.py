"""The office's forms: an import file with its source, and a new API token."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from portal.accounts.models import Province
from portal.campaigns.models import Campaign
from portal.form_text import TextCheckedForm
from portal.indicators.models import TOKEN_DAYS, TOKEN_MAX_DAYS


class UploadForm(TextCheckedForm):
    file = forms.FileField(
        label=gettext_lazy("Tệp số liệu (CSV, XLSX hoặc JSON)"),
        error_messages={
            "required": gettext_lazy("Chọn một tệp để nhập."),
            "empty": gettext_lazy("Tệp trống."),
        },
    )
    source = forms.CharField(
        label=gettext_lazy("Nguồn số liệu"),
        max_length=200,
        help_text=gettext_lazy(
            "Ví dụ: Cổng dịch vụ công tỉnh. Dùng cho các dòng không ghi nguồn riêng."
        ),
        error_messages={"required": gettext_lazy("Ghi nguồn của số liệu.")},
    )


class TokenForm(TextCheckedForm):
    name = forms.CharField(
        label=gettext_lazy("Tên (hệ thống dùng mã)"),
        max_length=100,
        error_messages={"required": gettext_lazy("Đặt tên cho mã, ví dụ: Cổng dịch vụ công.")},
    )
    campaign = forms.ModelChoiceField(
        label=gettext_lazy("Chỉ cho đợt đánh giá"),
        queryset=Campaign.objects.none(),
        required=False,
        empty_label=gettext_lazy("— mọi đợt đánh giá của tỉnh —"),
    )
    days = forms.IntegerField(
        label=gettext_lazy("Hiệu lực (ngày)"),
        initial=TOKEN_DAYS,
        required=False,
        min_value=1,
        max_value=TOKEN_MAX_DAYS,
        help_text=gettext_lazy("Mặc định 90 ngày, tối đa một năm; hết hạn thì tạo mã mới."),
        error_messages={
            "invalid": gettext_lazy("Số ngày hiệu lực phải là số nguyên (1 đến 366)."),
            "min_value": gettext_lazy("Số ngày hiệu lực phải từ 1 đến 366."),
            "max_value": gettext_lazy("Số ngày hiệu lực phải từ 1 đến 366."),
        },
    )

    def __init__(self, province: Province, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["campaign"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Campaign.objects.filter(province=province, historic=False)

    def clean_days(self) -> int:
        """Left empty: the default life of a token."""
        days = self.cleaned_data.get("days")
        return TOKEN_DAYS if days is None else int(days)

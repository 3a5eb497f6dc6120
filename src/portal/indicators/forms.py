"""The office's forms: an import file with its source, and a new API token."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from portal.accounts.models import Province
from portal.campaigns.models import Campaign
from portal.form_text import TextCheckedForm


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

    def __init__(self, province: Province, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["campaign"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Campaign.objects.filter(province=province, historic=False)

"""Forms of the framework pages. They only parse what people type; the services decide."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy

from portal.form_text import TextCheckedForm

LEVEL = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
    gettext_lazy("Mã khối chỉ gồm chữ cái không dấu, chữ số và các dấu _ . - (ví dụ: so, xa)."),
)


class _Placement(TextCheckedForm):
    year = forms.IntegerField(
        label=gettext_lazy("Năm đánh giá"), min_value=2000, max_value=2100,
        error_messages={"min_value": gettext_lazy("Năm phải từ 2000 đến 2100."),
                        "max_value": gettext_lazy("Năm phải từ 2000 đến 2100.")},
    )  # fmt: skip
    level = forms.CharField(
        label=gettext_lazy("Khối"), max_length=32, validators=[LEVEL],
        help_text=gettext_lazy("so (sở, ban, ngành), huyen, xa, … — khối dùng bộ chỉ số này."),
    )  # fmt: skip


class YamlImportForm(_Placement):
    file = forms.FileField(label=gettext_lazy("Tệp YAML (kind: framework)"))


class XlsxImportForm(_Placement):
    file = forms.FileField(label=gettext_lazy("Tệp Excel (.xlsx) theo mẫu"))


class CloneForm(_Placement):
    code = forms.CharField(label=gettext_lazy("Mã phiên bản mới"), max_length=64)
    name = forms.CharField(label=gettext_lazy("Tên phiên bản mới"), max_length=300)


class EditForm(_Placement):
    text = forms.CharField(
        label=gettext_lazy("Nội dung (YAML, phần framework: của tệp bộ chỉ số)"),
        widget=forms.Textarea(attrs={"rows": 30, "cols": 100, "spellcheck": "false"}),
        strip=False,
    )

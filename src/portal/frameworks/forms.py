"""Forms of the framework pages. They only parse what people type; the services decide."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import RegexValidator
from django.utils.translation import gettext, gettext_lazy

from portal.form_text import TextCheckedForm

LEVEL = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
    gettext_lazy("Mã khối chỉ gồm chữ cái không dấu, chữ số và các dấu _ . - (ví dụ: so, xa)."),
)


class _Placement(TextCheckedForm):
    year = forms.IntegerField(
        label=gettext_lazy("Năm đánh giá"),
        min_value=2000,
        max_value=2100,
        error_messages={
            "min_value": gettext_lazy("Năm phải từ 2000 đến 2100."),
            "max_value": gettext_lazy("Năm phải từ 2000 đến 2100."),
        },
    )
    level = forms.CharField(
        label=gettext_lazy("Khối"),
        max_length=32,
        validators=[LEVEL],
        help_text=gettext_lazy("so (sở, ban, ngành), huyen, xa, … — khối dùng bộ chỉ số này."),
    )


# Checked on the upload's size, before it is read: a framework file is tens of kilobytes
# (examples/ holds real ones of 6 to 13 KB). The YAML parser is pure Python, about 4.5 s a
# megabyte on the benchmark's machine, and it runs in the request: 512 KB bounds it to about
# 2 s (docs/decisions.md, "Framework and historic imports stay in the request").
MAX_YAML_BYTES = 512 * 1024
MAX_XLSX_BYTES = 5 * 1024 * 1024


def within_size(upload: UploadedFile, limit: int) -> UploadedFile:
    if (upload.size or 0) > limit:
        if limit % (1024 * 1024):
            message = gettext("Tệp quá lớn: tối đa %(kb)s KB.") % {"kb": limit // 1024}
        else:
            message = gettext("Tệp quá lớn: tối đa %(mb)s MB.") % {"mb": limit // (1024 * 1024)}
        raise ValidationError(message)
    return upload


class YamlImportForm(_Placement):
    file = forms.FileField(label=gettext_lazy("Tệp YAML (kind: framework)"))

    def clean_file(self) -> UploadedFile:
        return within_size(self.cleaned_data["file"], MAX_YAML_BYTES)


class XlsxImportForm(_Placement):
    file = forms.FileField(label=gettext_lazy("Tệp Excel (.xlsx) theo mẫu"))

    def clean_file(self) -> UploadedFile:
        return within_size(self.cleaned_data["file"], MAX_XLSX_BYTES)


class CloneForm(_Placement):
    code = forms.CharField(label=gettext_lazy("Mã phiên bản mới"), max_length=64)
    name = forms.CharField(label=gettext_lazy("Tên phiên bản mới"), max_length=300)


class EditForm(_Placement):
    text = forms.CharField(
        label=gettext_lazy("Nội dung (YAML, phần framework: của tệp bộ chỉ số)"),
        widget=forms.Textarea(attrs={"rows": 30, "cols": 100, "spellcheck": "false"}),
        strip=False,
    )

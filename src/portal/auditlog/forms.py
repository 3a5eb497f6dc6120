"""The filters of a campaign's log, read from the query string. A value that does not parse
is reported on the page and left out of the filter; the others still apply."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from portal.auditlog.selectors import MAX_ID, LogFilter
from portal.form_text import TextCheckedForm

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]  # dd/mm/yyyy in both languages (docs/i18n.md)


class LogFilterForm(TextCheckedForm):
    q = forms.CharField(label=gettext_lazy("Tìm"), required=False, max_length=100)
    unit = forms.IntegerField(
        label=gettext_lazy("Đơn vị"), required=False, min_value=1, max_value=MAX_ID
    )
    criterion = forms.CharField(label=gettext_lazy("Tiêu chí"), required=False, max_length=64)
    entity = forms.CharField(label=gettext_lazy("Đối tượng"), required=False, max_length=40)
    actor = forms.CharField(label=gettext_lazy("Người thực hiện"), required=False, max_length=201)
    entry = forms.IntegerField(
        label=gettext_lazy("Mục"), required=False, min_value=1, max_value=MAX_ID
    )
    since = forms.DateField(
        label=gettext_lazy("Từ ngày"),
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": gettext_lazy("Ngày phải có dạng dd/mm/yyyy.")},
    )
    until = forms.DateField(
        label=gettext_lazy("Đến ngày"),
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": gettext_lazy("Ngày phải có dạng dd/mm/yyyy.")},
    )

    def log_filter(self, **fixed: object) -> LogFilter:
        """The filter from what parsed; `fixed` values (a unit's or a criterion's page,
        from the URL) win over the query string."""
        self.is_valid()  # a field that does not parse is left out of cleaned_data
        parsed = {name: value for name, value in self.cleaned_data.items() if value is not None}
        parsed["q"] = " ".join(str(parsed.get("q", "")).split())
        return LogFilter(**{**parsed, **fixed})

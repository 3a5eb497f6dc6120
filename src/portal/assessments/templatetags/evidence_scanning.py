"""`{% evidence_scanning_notice %}`: one line on the office's pages saying, when it is so,
that evidence files are not scanned for viruses because no clamd is configured. Said
plainly, so nobody takes the portal's content checks for an anti-virus."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from portal.assessments.evidence_checks import scanner

register = template.Library()


@register.simple_tag
def evidence_scanning_notice() -> SafeString | str:
    if scanner() is not None:
        return ""
    return format_html(
        '<p class="muted" id="virus-scan">{}</p>',
        gettext("Tệp minh chứng chưa được quét virus (chưa cấu hình ClamAV)."),
    )

"""The office's words for a campaign's official report, and its own DOCX template: saved by
the office admin from /dot-danh-gia/<pk>/van-ban-bao-cao/, read by portal.campaigns.report.
A template is checked when it is uploaded by filling it once with the campaign's report, so
a faulty one is refused there, naming the placeholder, rather than at download."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from dti.reports.templates import TemplateError, render_template
from dti.text import file_label
from portal.accounts.models import User
from portal.campaigns.models import Campaign, CampaignReportTexts
from portal.campaigns.report import TEXT_LISTS, TEXT_STRINGS, campaign_report_model
from portal.campaigns.selectors import remark_slots
from portal.campaigns.services import record

MAX_TEMPLATE_BYTES = 5 * 1024 * 1024


def _stored(campaign: Campaign, user: User) -> CampaignReportTexts:
    stored = CampaignReportTexts.objects.filter(campaign=campaign).first()
    if stored is None:
        stored = CampaignReportTexts(campaign=campaign, updated_by=user)
    stored.updated_by = user
    return stored


@transaction.atomic
def report_texts_save(
    *, campaign: Campaign, user: User, texts: Mapping[str, str], remarks: Mapping[str, str]
) -> CampaignReportTexts:
    """Keep the office's texts (`texts`: field name -> text, lists one paragraph per line)
    and its remarks ("level.index" -> text, for the campaign's main indices only)."""
    slots = {slot.key for level in remark_slots(campaign) for slot in level.slots}
    unknown = sorted(set(remarks) - slots)
    if unknown:
        raise ValidationError(
            gettext("Không có chỉ số chính %(keys)s trong các khối của đợt.")
            % {"keys": ", ".join(unknown)}
        )
    stored = _stored(campaign, user)
    for name in (*TEXT_STRINGS, *TEXT_LISTS):
        setattr(stored, name, (texts.get(name) or "").strip())
    stored.remarks = {key: text.strip() for key, text in remarks.items() if text.strip()}
    stored.full_clean()
    stored.save()
    record(campaign, "report_texts", user)
    return stored


def _check_template(campaign: Campaign, content: bytes) -> None:
    if len(content) > MAX_TEMPLATE_BYTES:
        raise ValidationError(gettext("Tệp mẫu báo cáo lớn hơn 5 MB."))
    if not _is_docx(content):
        raise ValidationError(gettext("Tệp mẫu báo cáo không phải tệp Word (DOCX)."))
    try:  # with the charts, exactly as a download renders it: a template is hostile
        render_template(content, campaign_report_model(campaign))
    except TemplateError as error:
        raise ValidationError(
            gettext("Mẫu báo cáo không dùng được: %(problem)s") % {"problem": str(error)}
        ) from None


def _is_docx(content: bytes) -> bool:
    """By content, not by name: a zip package holding a Word document."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            return "word/document.xml" in package.namelist()
    except zipfile.BadZipFile:
        return False


@transaction.atomic
def report_template_set(
    *, campaign: Campaign, user: User, content: bytes, file_name: str
) -> CampaignReportTexts:
    """Keep the office's DOCX template once it fills without fault; nothing is saved else."""
    _check_template(campaign, content)
    stored = _stored(campaign, user)
    stored.template = content
    stored.template_name = file_label(file_name)
    stored.full_clean()
    stored.save()
    record(campaign, "report_template", user, stored.template_name)
    return stored


@transaction.atomic
def report_template_remove(*, campaign: Campaign, user: User) -> None:
    """Back to the core's layout."""
    stored = CampaignReportTexts.objects.filter(campaign=campaign).first()
    if stored is None or not stored.template:
        return
    stored.template = None
    stored.template_name = ""
    stored.updated_by = user
    stored.save()
    record(campaign, "report_template_remove", user)

"""The office's words for a campaign's official report, and its own DOCX template: saved by
the office admin from /dot-danh-gia/<pk>/van-ban-bao-cao/, read by portal.campaigns.report.
A template is checked when it is uploaded by filling it once with the campaign's report, so
a faulty one is refused there, naming the placeholder, rather than at download."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from dti.reports.texts import DEFAULT_DETAIL_DEPTH, MAX_DETAIL_DEPTH, MAX_ROBUSTNESS, Grouping
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


# The groupings an office may choose on its page. By former district ("parent"): each unit's
# parent in the portal's register of units (a published version keeps no parents, so its
# report lists such a level as one list).
PORTAL_GROUPINGS = (Grouping.NONE, Grouping.PARENT, Grouping.GROUP)


@transaction.atomic
def report_texts_save(
    *,
    campaign: Campaign,
    user: User,
    texts: Mapping[str, str],
    remarks: Mapping[str, str],
    layout: ReportLayout | None = None,
) -> CampaignReportTexts:
    """Keep the office's texts (`texts`: field name -> text, lists one paragraph per line),
    its remarks ("level.index" -> text, for the campaign's main indices only) and, when
    given, its layout choices (kept as they are when not)."""
    levels = remark_slots(campaign)
    slots = {slot.key for level in levels for slot in level.slots}
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
    if layout is not None:
        _check_layout(layout, {level.code for level in levels})
        stored.detail_depth = layout.detail_depth
        stored.robustness = layout.robustness
        stored.grouping = {
            level: choice for level, choice in layout.grouping.items() if choice != Grouping.NONE
        }
        stored.not_assessed = {
            level: text.strip() for level, text in layout.not_assessed.items() if text.strip()
        }
    stored.full_clean()
    stored.save()
    record(campaign, "report_texts", user)
    return stored


@dataclass(frozen=True)
class ReportLayout:
    """The office's choices of how the report is laid out (dti.reports.texts.ReportTexts):
    depth below the main indices, grouping and reason per level code."""

    detail_depth: int = DEFAULT_DETAIL_DEPTH
    robustness: int = 0  # the robustness annex's weight spread, percent; 0: none
    grouping: Mapping[str, str] = field(default_factory=dict)
    not_assessed: Mapping[str, str] = field(default_factory=dict)


def _check_layout(layout: ReportLayout, levels: set[str]) -> None:
    unknown = sorted((set(layout.grouping) | set(layout.not_assessed)) - levels)
    if unknown:
        raise ValidationError(
            gettext("Không có khối %(keys)s trong đợt đánh giá.") % {"keys": ", ".join(unknown)}
        )
    allowed = {choice.value for choice in PORTAL_GROUPINGS}
    wrong = sorted(level for level, choice in layout.grouping.items() if choice not in allowed)
    if wrong:
        raise ValidationError(
            gettext("Cách nhóm danh sách của khối %(keys)s không được hỗ trợ.")
            % {"keys": ", ".join(wrong)}
        )
    if not 0 <= layout.detail_depth <= MAX_DETAIL_DEPTH:
        raise ValidationError(
            gettext("Mức chi tiết phải từ 0 đến %(max)s.") % {"max": MAX_DETAIL_DEPTH}
        )
    if not 0 <= layout.robustness <= MAX_ROBUSTNESS:
        raise ValidationError(
            gettext("Biên độ trọng số của phụ lục độ tin cậy phải từ 0 đến %(max)s%%.")
            % {"max": MAX_ROBUSTNESS}
        )


def _check_template(campaign: Campaign, content: bytes) -> None:
    # the template engine (docxtpl, Jinja) loaded by the upload that needs it
    from dti.reports.templates import TemplateError, render_template

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


def report_template_set(
    *, campaign: Campaign, user: User, content: bytes, file_name: str
) -> CampaignReportTexts:
    """Keep the office's DOCX template once it fills without fault; nothing is saved else.
    It is filled before the transaction: a hostile template may take its whole confinement
    (dti.reports.confinement) to fail, and on SQLite a transaction holds the database's one
    write lock from its start."""
    _check_template(campaign, content)
    return _template_stored(campaign, user, content, file_name)


@transaction.atomic
def _template_stored(
    campaign: Campaign, user: User, content: bytes, file_name: str
) -> CampaignReportTexts:
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

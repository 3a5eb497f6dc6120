"""Corrections of published results: the office corrects a unit's result before a new
version (the level ranked again), and the log of what each published correction changed,
derived from the versions' rows, so it cannot disagree with them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext, gettext_lazy

from portal.accounts.models import User
from portal.audit.services import audit_record
from portal.campaigns.models import Campaign, CampaignUnit, HistoricResult
from portal.campaigns.report import campaign_report_results
from portal.campaigns.services import locked_campaign, record
from portal.publication.models import Version, VersionLevel, VersionRow
from portal.publication.selectors import decimal_or_none, framework_of, plain, versions_of
from portal.publication.services import note_checked, office_only
from portal.workflow import CampaignState


@transaction.atomic
def result_correct(
    *, campaign_unit: CampaignUnit, scores: Mapping[str, str], reason: str, user: User
) -> HistoricResult:
    """The office corrects a unit's main-index scores (a complaint upheld, a printing error):
    the level's ranks and classes are computed again for every unit. The public sees the
    change only once a new version is published."""
    campaign = locked_campaign(campaign_unit.campaign)
    office_only(user, campaign)
    if campaign.state not in (CampaignState.FINALIZED, CampaignState.PUBLISHED):
        raise ValidationError(gettext("Chỉ sửa kết quả đã chốt; trước đó, hãy sửa điểm thẩm định."))
    reason = note_checked(reason, gettext("Lý do"))
    if not reason:
        raise ValidationError(gettext("Hãy ghi lý do sửa kết quả."))
    result = HistoricResult.objects.select_for_update().get(campaign_unit=campaign_unit)
    framework = campaign.levels.get(level=campaign_unit.level).framework.build()
    maxima = {index.code: index.max for index in framework.main_indices}
    names = {index.code: index.name for index in framework.main_indices}
    new_scores = dict(result.index_scores)
    problems = []
    for code, text in scores.items():
        if code not in maxima:
            problems.append(gettext("Không có chỉ số chính “%(code)s”.") % {"code": code})
            continue
        value = _score(text, maxima[code])
        if value is None:
            problems.append(
                gettext("%(index)s: “%(text)s” không phải số điểm từ 0 đến %(max)s.")
                % {"index": names[code], "text": text, "max": maxima[code]}
            )
            continue
        new_scores[code] = f"{value.normalize():f}"
    if problems:
        raise ValidationError(problems)
    before = result.index_scores
    changed = {
        code: (before.get(code), value)
        for code, value in new_scores.items()
        if before.get(code) is None or Decimal(before[code]) != Decimal(value)
    }
    if not changed:
        raise ValidationError(gettext("Điểm không khác điểm đang lưu: không có gì để sửa."))
    result.index_scores = new_scores
    result.save(update_fields=["index_scores"])
    _rerank(campaign, campaign_unit.level)
    for code, (old, new) in changed.items():
        audit_record(
            actor=user,
            entity="result",
            action="correct",
            old=old,
            new=new,
            reason=reason,
            campaign=campaign,
            unit=campaign_unit.unit,
            criterion=code,
            entity_id=result.pk,
        )
    record(campaign, "result_correct", user, f"{campaign_unit.unit.name}: {reason}")
    result.refresh_from_db()
    return result


def _rerank(campaign: Campaign, level: str) -> None:
    """Every stored result of the level made equal to the core's evaluation again."""
    level_result = campaign_report_results(campaign)[level]
    rows = {row.unit: row for row in level_result.general.rows(level_result.scores.unit_ids)}
    stored = list(
        HistoricResult.objects.filter(
            campaign_unit__campaign=campaign, campaign_unit__level=level
        ).select_related("campaign_unit__unit")
    )
    for result in stored:
        row = rows[result.campaign_unit.unit.code]
        result.rank = row.rank
        result.total = row.total
        result.applicable_max = row.applicable_max
        result.value = row.value
        result.class_label = row.class_label or ""
    HistoricResult.objects.bulk_update(
        stored, ["rank", "total", "applicable_max", "value", "class_label"], batch_size=500
    )


def _score(text: str, maximum: Decimal) -> Decimal | None:
    """A corrected score: a number from 0 to the index's max, at most 4 decimals."""
    try:
        value = Decimal(str(text).strip().replace(",", "."))
    except InvalidOperation:
        return None
    if not value.is_finite() or not 0 <= value <= maximum:
        return None
    exponent = value.as_tuple().exponent
    return value if isinstance(exponent, int) and exponent >= -4 else None


# ---- the log of corrections ---------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    level: str
    unit: str
    figure: str
    old: str
    new: str


@dataclass
class Correction:
    version: Version
    previous: Version
    changes: list[Change]


def correction_log(campaign: Campaign) -> list[Correction]:
    """Every published correction of the campaign, newest first: each version against the
    one it superseded, unit by unit and figure by figure, with the version's change note."""
    versions = sorted(versions_of(campaign), key=lambda v: v.number)
    rows: dict[int, dict[tuple[str, str], VersionRow]] = {v.pk: {} for v in versions}
    for row in VersionRow.objects.filter(version__in=versions):
        rows[row.version_id][(row.level, row.unit_code)] = row
    names: dict[int, dict[str, str]] = {}
    for level in VersionLevel.objects.filter(version__in=versions):
        names.setdefault(level.version_id, {}).update(
            {index.code: index.name for index in framework_of(level).main_indices}
        )
    found = []
    for before, after in pairwise(versions):
        changes = _changes(rows[before.pk], rows[after.pk], names.get(after.pk, {}))
        found.append(Correction(after, before, changes))
    return list(reversed(found))


FIGURES = (
    ("rank", gettext_lazy("Hạng")),
    ("total", gettext_lazy("Tổng điểm")),
    ("value", gettext_lazy("Giá trị xếp hạng")),
    ("class_label", gettext_lazy("Xếp loại")),
)


def _changes(
    before: dict[tuple[str, str], VersionRow],
    after: dict[tuple[str, str], VersionRow],
    names: dict[str, str],
) -> list[Change]:
    changes = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        unit = (new or old).unit_name  # type: ignore[union-attr]  # one of them exists
        if old is None or new is None:
            changes.append(
                Change(
                    key[0],
                    unit,
                    gettext("Có trong bảng"),
                    gettext("có") if old else gettext("không"),
                    gettext("có") if new else gettext("không"),
                )
            )
            continue
        for name, label in FIGURES:
            a, b = getattr(old, name), getattr(new, name)
            if a != b:
                changes.append(Change(key[0], unit, str(label), _shown(a), _shown(b)))
        for code in sorted(set(old.indices) | set(new.indices)):
            a = (old.indices.get(code) or {}).get("score")
            b = (new.indices.get(code) or {}).get("score")
            if decimal_or_none(a) != decimal_or_none(b):
                changes.append(
                    Change(
                        key[0],
                        unit,
                        gettext("Điểm: %(index)s") % {"index": names.get(code, code)},
                        _shown(a),
                        _shown(b),
                    )
                )
    return changes


def _shown(value: object) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal):
        return plain(value)
    return str(value)

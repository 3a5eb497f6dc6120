"""The submission's snapshot: what the unit signed, as canonical JSON, and its SHA-256.

Canonical means sorted keys, no insignificant spaces, UTF-8, and only strings, booleans,
integers and nulls inside (numbers as exact decimal text), so the same answers always give
the same bytes and the same hash, whatever order the rows come from the database in and
after the JSON has been stored and read back."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from dti.framework.model import Framework
from portal.assessments.models import Answer, Evidence
from portal.campaigns.models import CampaignUnit
from portal.frameworks.scoring import score_answers
from portal.indicators.selectors import system_records, system_values_for

SNAPSHOT_VERSION = 1


def canonical_json(data: Any) -> bytes:
    return json.dumps(
        data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def snapshot_sha256(snapshot: Any) -> str:
    return hashlib.sha256(canonical_json(snapshot)).hexdigest()


def build_snapshot(
    campaign_unit: CampaignUnit,
    framework: Framework,
    answers: Iterable[Answer],
    evidence: Iterable[Evidence],
    system: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """Answers, notes, evidence (name, size, SHA-256, link), the values imported from the
    shared systems (value, source, measuring time) and the computed self-scores.

    `system`: the system values to score with, as the snapshot keeps them (system_records);
    None for the unit's current ones. Checking a signed snapshot passes the ones it kept: a
    value imported after the unit signed does not make its signature look forged."""
    answered = {
        a.criterion: {"value": a.value, "note": a.note}
        for a in answers
        if a.value is not None or a.note
    }
    if system is None:
        system = system_records(system_values_for(campaign_unit))
    values = {c: a["value"] for c, a in answered.items()}
    values.update({code: record["value"] for code, record in system.items()})
    live = score_answers(framework, campaign_unit.unit, values)
    snapshot = {
        "version": SNAPSHOT_VERSION,
        "campaign": {"id": campaign_unit.campaign_id, "year": campaign_unit.campaign.year},
        "unit": {"code": campaign_unit.unit.code, "name": campaign_unit.unit.name},
        "framework": framework.code,
        "answers": answered,
        "evidence": sorted(
            (_evidence(item) for item in evidence),
            key=lambda e: (e["criterion"], e["sha256"], e["url"], e["name"], e["size"]),
        ),
        "scores": {
            "nodes": _texts(live.scores),
            "applicable_max": _texts(live.maxima),
            "total": str(live.total),
            "total_applicable_max": str(live.applicable_max),
            "ratio": str(live.ratio),
            "class": live.class_label,
        },
    }
    if system:  # absent rather than empty: snapshots signed before imports existed still match
        snapshot["system"] = {code: dict(record) for code, record in system.items()}
    return snapshot


def _evidence(item: Evidence) -> dict[str, Any]:
    return {
        "criterion": item.criterion,
        "name": item.original_name,
        "size": item.size,
        "sha256": item.sha256,
        "url": item.url,
    }


def _texts(values: Mapping[str, Any]) -> dict[str, str]:
    return {code: str(value) for code, value in values.items()}

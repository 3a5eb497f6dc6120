"""Reading a campaign's audit trail: the entries a person may read (portal.auditlog.permissions),
filtered by unit, criterion, entity, person and date, newest first, a page at a time or all
of them for an export."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone, translation

from portal.audit.models import AuditEntry
from portal.audit.rows import (
    ANSWER_ENTITY,
    MEMO_SIZE,
    SAVE_ENTITY,
    Described,
    Line,
    LogRow,
    criterion_order,
    entity_label,
    lines,
    log_row,
    stored_json,
)
from portal.auditlog.permissions import LogScope
from portal.campaigns.models import CampaignLevel
from portal.units.models import Unit

PAGE_SIZE = 50
MAX_ID = 2**63 - 1  # the largest id a database holds: a larger one fails a query on SQLite
SAVE_LINES = 5  # the lines a page shows of a save, the others a link away (filter `entry`)
EXPORT_CHUNK = 2000


@dataclass(frozen=True)
class LogFilter:
    unit: int | None = None
    criterion: str = ""
    entity: str = ""
    actor: str = ""  # a person's id, or "=" and the name of an actor that is not a person
    since: date | None = None
    until: date | None = None
    q: str = ""  # words found in the person's name, the unit's name or the criterion
    entry: int | None = None  # one entry: a save with all its lines


@dataclass(frozen=True)
class FilterChoices:
    """What the filters offer: only what occurs in the part of the log the person reads."""

    units: dict[int, str]
    criteria: list[str]
    entities: list[tuple[str, str]]
    actors: list[tuple[str, str]]


# Entries written by the appraisal team about a unit; each names its round in old/new.
TEAM_ENTITIES = ("appraisal", "verdict")


def scope_entries(scope: LogScope) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.filter(campaign=scope.campaign)
    if scope.unit_ids is not None:
        entries = entries.filter(unit_id__in=scope.unit_ids)
    if scope.returned_rounds is not None:
        rounds = sorted(scope.returned_rounds)
        entries = entries.filter(
            ~Q(entity__in=TEAM_ENTITIES) | Q(new__round__in=rounds) | Q(old__round__in=rounds)
        )
    return entries


def log_entries(scope: LogScope, filters: LogFilter) -> QuerySet[AuditEntry]:
    entries = scope_entries(scope)
    if filters.entry is not None:
        entries = entries.filter(pk=filters.entry)
    if filters.unit is not None:
        entries = entries.filter(unit_id=filters.unit)
    if filters.criterion:  # an answer's own entry, or a save that changed it
        entries = entries.filter(_about(filters.criterion))
    if filters.entity == ANSWER_ENTITY:  # offered as one (filter_choices)
        entries = entries.filter(entity__in=(ANSWER_ENTITY, SAVE_ENTITY))
    elif filters.entity:
        entries = entries.filter(entity=filters.entity)
    if filters.actor.startswith("="):
        entries = entries.filter(actor__isnull=True, actor_name=filters.actor[1:])
    elif _an_id(filters.actor):
        entries = entries.filter(actor_id=int(filters.actor))
    if filters.since is not None:
        entries = entries.filter(at__date__gte=filters.since)  # in the portal's time zone
    if filters.until is not None:
        entries = entries.filter(at__date__lte=filters.until)
    for word in search_words(filters):
        entries = entries.filter(
            Q(actor_name__icontains=word)
            | Q(unit__name__icontains=word)
            | Q(criterion__icontains=word)
            | Q(entity=SAVE_ENTITY, new__has_key=word)  # a criterion's code, whole
        )
    return entries.order_by("-pk")


def _an_id(text: str) -> bool:
    """Digits of an id a database can hold ("²" is a digit to Python, not to int)."""
    return text.isascii() and text.isdigit() and int(text) <= MAX_ID


def search_words(filters: LogFilter) -> list[str]:
    """The words of the search that `log_entries` reads (at most 5)."""
    return filters.q.split()[:5]


def _about(criterion: str) -> Q:
    return Q(criterion=criterion) | Q(entity=SAVE_ENTITY, new__has_key=criterion)


def filter_choices(scope: LogScope) -> FilterChoices:
    """Five queries, whatever the size of the log."""
    entries = scope_entries(scope)
    criteria = entries.exclude(criterion="").values_list("criterion", flat=True)
    stored = entries.values_list("entity", flat=True).distinct().order_by("entity")
    entities = sorted({ANSWER_ENTITY if e == SAVE_ENTITY else e for e in stored})
    actors: dict[str, str] = {}
    for actor_id, name in entries.values_list("actor_id", "actor_name").distinct().order_by():
        actors[str(actor_id) if actor_id else f"={name}"] = name  # a person renamed: one choice
    return FilterChoices(
        units=unit_names(scope),
        criteria=sorted({*criteria.distinct().order_by(), *_saved_criteria(entries)}),
        entities=[(entity, entity_label(entity)) for entity in entities],
        actors=sorted(actors.items(), key=lambda item: item[1]),
    )


def unit_names(scope: LogScope) -> dict[int, str]:
    """The units the part of the log a person reads names, by name (one query): what the
    exports need of `filter_choices`."""
    entries = scope_entries(scope).exclude(unit=None).values("unit_id")
    return dict(Unit.objects.filter(pk__in=entries).order_by("name").values_list("pk", "name"))


def _saved_criteria(entries: QuerySet[AuditEntry]) -> list[str]:
    """The criteria the saves among `entries` changed: their new values' keys, listed by
    the database (one query, each save's JSON read there)."""
    saves = entries.filter(entity=SAVE_ENTITY).values("new").order_by()
    connection = connections[saves.db]
    try:
        inner, params = saves.query.get_compiler(using=saves.db).as_sql()
    except EmptyResultSet:  # a scope of no unit: nothing to list
        return []
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT DISTINCT k FROM ({inner}) s, jsonb_object_keys(s.new) k "  # noqa: S608  (the ORM's own SQL, its values as parameters)
            "WHERE jsonb_typeof(s.new) = 'object'"
        )
    else:
        sql = (
            f"SELECT DISTINCT j.key FROM ({inner}) s, json_each(s.new) j "  # noqa: S608  (the ORM's own SQL, its values as parameters)
            "WHERE json_type(s.new) = 'object'"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [key for (key,) in cursor.fetchall()]


def criterion_names(scope: LogScope) -> dict[str, str]:
    """Every criterion of the campaign's frameworks by code, for the page (one query)."""
    levels = CampaignLevel.objects.filter(campaign=scope.campaign).select_related("framework")
    return {node.code: node.name for level in levels for node in level.framework.build().all_nodes}


def log_page(scope: LogScope, filters: LogFilter, number: str | None) -> Page[AuditEntry]:
    """One page, newest first: a count and one select (a number out of range or not a
    number gives the last or the first page)."""
    return Paginator(log_entries(scope, filters), PAGE_SIZE).get_page(number)


def export_rows(
    scope: LogScope, filters: LogFilter, unit_names: dict[int, str]
) -> Iterator[LogRow]:
    """Every entry the filters keep, streamed: their columns read as plain rows (no model
    instance per entry), each stored value's text parsed and described once per export
    (the same answers, states and results recur through a campaign's log)."""
    language, zone = translation.get_language(), timezone.get_current_timezone()
    order, words = criterion_order(criterion_names(scope)), search_words(filters)
    memo: dict[tuple[str, str], Described] = {}
    texts: dict[str, tuple[Any, str]] = {}
    rows = log_entries(scope, filters).values_list(
        *Line._fields[:7], Cast("old", TextField()), Cast("new", TextField()), "reason"
    )
    for pk, at, actor, unit, criterion, entity, action, old, new, reason in rows.iterator(
        chunk_size=EXPORT_CHUNK
    ):
        (old_value, old_json), (new_value, new_json) = _parsed(texts, old), _parsed(texts, new)
        entry = Line(pk, at, actor, unit, criterion, entity, action, old_value, new_value, reason)
        if entity == SAVE_ENTITY:  # a line per criterion, each with its own values' JSON
            for line in lines(entry, filters.criterion, order, words):
                yield log_row(line, unit_names, language=language, zone=zone, memo=memo)
            continue
        yield log_row(
            entry, unit_names, language=language, zone=zone, memo=memo,
            stored=(old_json, new_json),
        )  # fmt: skip


def _parsed(texts: dict[str, tuple[Any, str]], text: str | None) -> tuple[Any, str]:
    """A stored value from its JSON text as the database gives it, and as the exports write
    it (portal.audit.rows.stored_json)."""
    if text is None:
        return None, ""
    found = texts.get(text)
    if found is None:
        if len(texts) >= MEMO_SIZE:
            texts.clear()
        value = json.loads(text)
        found = texts[text] = (value, stored_json(value))
    return found

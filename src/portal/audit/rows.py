"""Entries of the audit trail as people read them: labels for what changed and how, and the
old and new values written compactly (decimal comma, dates dd/mm/yyyy, states by name).
The page and the CSV/XLSX exports show the same `LogRow`s; building them runs no query.

A save of a unit's answers is one entry (SAVE_ENTITY) whose old and new values are keyed by
criterion; people read it as one line per criterion it changed, each an answer's change
(`lines`)."""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from functools import lru_cache
from typing import Any, NamedTuple, Protocol

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy

from portal.audit.models import AuditEntry
from portal.moments import moment_text
from portal.workflow import ACTION_LABELS, STATE_LABELS, Machine

# A save of a unit's answers: one entry, its old and new values keyed by criterion (an
# answer's {"value", "note"}; None as the old value of a first answer). Read as "answer"
# lines, one per criterion (`lines`); the log's filters offer the two as one.
SAVE_ENTITY = "answers"
ANSWER_ENTITY = "answer"  # one answer's change: a save's line, or an entry of its own
ENTITY_LABELS: dict[str, Promise] = {
    "answer": gettext_lazy("Giá trị tự đánh giá"),
    SAVE_ENTITY: gettext_lazy("Giá trị tự đánh giá"),
    "evidence": gettext_lazy("Minh chứng"),
    "submission": gettext_lazy("Bản tự đánh giá"),
    "submission_signature": gettext_lazy("Bản tự đánh giá đã ký số"),
    "campaign": gettext_lazy("Đợt đánh giá"),
    "deadline": gettext_lazy("Thời hạn"),
    "extension": gettext_lazy("Gia hạn"),
    "unit": gettext_lazy("Đơn vị trong phạm vi"),
    "level": gettext_lazy("Khối"),
    "round": gettext_lazy("Vòng thẩm định"),
    "appraisal": gettext_lazy("Điểm thẩm định"),
    "verdict": gettext_lazy("Kết luận về minh chứng"),
    "response": gettext_lazy("Phản hồi của đơn vị"),
    "system_value": gettext_lazy("Giá trị từ hệ thống nguồn"),
    "result": gettext_lazy("Kết quả"),
    "audit_head": gettext_lazy("Đầu chuỗi nhật ký"),
    "api_token": gettext_lazy("Mã truy cập API"),
    "signature_settings": gettext_lazy("Cài đặt chữ ký số"),
    "trust_root": gettext_lazy("Chứng thư gốc tin cậy"),
    "certificate_identity": gettext_lazy("Chứng thư số của người dùng"),
    "evidence_signature": gettext_lazy("Chữ ký số trên minh chứng"),
    "signed_report": gettext_lazy("Báo cáo đã ký số"),
}
VERB_LABELS: dict[str, Promise] = {
    **ACTION_LABELS,  # the workflow's moves: open, submit, approve…
    "create": gettext_lazy("Tạo"),
    "update": gettext_lazy("Sửa"),
    "add": gettext_lazy("Thêm"),
    "remove": gettext_lazy("Bỏ"),
    "set": gettext_lazy("Đặt"),
    "rebuild": gettext_lazy("Dựng lại"),
    "import": gettext_lazy("Nhập"),
    "final_set": gettext_lazy("Chọn vòng cuối"),
    "revoke": gettext_lazy("Thu hồi"),
    "claim": gettext_lazy("Đề nghị xác nhận"),
    "confirm": gettext_lazy("Xác nhận"),
    "refuse": gettext_lazy("Từ chối"),
    "check": gettext_lazy("Kiểm tra"),
    "recheck": gettext_lazy("Kiểm tra lại"),
    "recheck_campaign": gettext_lazy("Kiểm tra lại cả đợt"),
    "upload": gettext_lazy("Tải lên"),
    "replace": gettext_lazy("Thay"),
}
KEY_LABELS: dict[str, Promise] = {
    "note": gettext_lazy("thuyết minh"),
    "name": gettext_lazy("tên"),
    "url": gettext_lazy("liên kết"),
    "level": gettext_lazy("khối"),
    "framework": gettext_lazy("bộ chỉ số"),
    "title": gettext_lazy("tên đợt"),
    "year": gettext_lazy("năm"),
    "self_assessment_deadline": gettext_lazy("hạn tự đánh giá"),
    "appraisal_due": gettext_lazy("hạn thẩm định"),
    "supplement_due": gettext_lazy("hạn bổ sung"),
    "round": gettext_lazy("vòng"),
    "final": gettext_lazy("vòng cuối"),
    "remark": gettext_lazy("nhận xét"),
    "reply": gettext_lazy("giải trình"),
    "prefix": gettext_lazy("đầu mã"),
    "expires_at": gettext_lazy("hết hạn lúc"),
    "revoked_at": gettext_lazy("thu hồi lúc"),
    "submission_mode": gettext_lazy("chữ ký số bản tự đánh giá"),
    "unchecked_revocation_ok": gettext_lazy("chấp nhận chưa kiểm tra thu hồi"),
    "subject": gettext_lazy("chủ thể"),
    "not_after": gettext_lazy("hiệu lực đến"),
    "person": gettext_lazy("người dùng"),
    "issuer": gettext_lazy("nơi cấp"),
    "state": gettext_lazy("trạng thái"),
    "signer": gettext_lazy("người ký"),
    "signed_at": gettext_lazy("thời điểm ký"),
    "status": gettext_lazy("tình trạng"),
    "revocation_checked": gettext_lazy("đã kiểm tra thu hồi"),
    "checked": gettext_lazy("số tệp đã kiểm tra"),
    "changed": gettext_lazy("số tệp có kết quả khác"),
    "missing": gettext_lazy("số tệp không đọc được từ kho"),
    "every_pdf": gettext_lazy("mọi tệp PDF"),
    "size": gettext_lazy("dung lượng (byte)"),
}
# Keys of stored values that are codes for the machine, not words for people: the page
# shows them under "Chi tiết kỹ thuật" (the exports keep them).
TECHNICAL_KEYS = frozenset({"sha256", "fingerprint", "serial", "subject", "snapshot_sha256"})
# Entities whose old and new values are states of a workflow machine.
STATE_ENTITIES = {
    "campaign": Machine.CAMPAIGN,
    "submission": Machine.SUBMISSION,
    "round": Machine.ROUND,
}
# Entities whose values are codes of their own (the signatures app's choices, in words here:
# the trail sits below the apps it records).
CODE_ENTITIES: dict[str, dict[str, Promise]] = {
    "signature_settings": {
        "off": gettext_lazy("Không dùng"),
        "optional": gettext_lazy("Không bắt buộc"),
        "required": gettext_lazy("Bắt buộc"),
    },
    "certificate_identity": {
        "pending": gettext_lazy("Chờ xác nhận"),
        "confirmed": gettext_lazy("Đã xác nhận"),
        "refused": gettext_lazy("Đã từ chối"),
        "revoked": gettext_lazy("Đã thu hồi xác nhận"),
    },
    "submission_signature": {"valid": gettext_lazy("hợp lệ")},  # only a valid one is kept
    "evidence_signature": {  # assessments.SignatureStatus
        "valid": gettext_lazy("hợp lệ"),
        "untrusted": gettext_lazy("không rõ gốc tin cậy"),
        "expired": gettext_lazy("chứng thư đã hết hạn"),
        "revoked": gettext_lazy("chứng thư đã bị thu hồi"),
        "modified": gettext_lazy("bị thay đổi sau khi ký"),
        "broken": gettext_lazy("hỏng"),
        "unreadable": gettext_lazy("không đọc được tệp PDF để kiểm tra chữ ký"),
    },
}
DECIMAL = re.compile(r"-?\d+\.\d+")
MOMENT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?([+-]\d\d:\d\d|Z)?")
EMPTY = "—"
YES, NO, BLANK = gettext_lazy("Có"), gettext_lazy("Không"), gettext_lazy("(trống)")
_TRANSLATED: dict[tuple[str | None, int], str] = {}


def _tr(label: Promise | str, language: str | None) -> str:
    """A label of this module in `language` (the active one, read once per entry by the
    caller), translated once per language: an export of 100,000 entries reads the same few
    dozen labels again and again."""
    if isinstance(label, str):
        return label
    key = (language, id(label))  # the labels are this module's constants: ids stay
    found = _TRANSLATED.get(key)
    if found is None:
        found = _TRANSLATED[key] = str(label)
    return found


@dataclass(slots=True)  # not frozen: an export builds 100,000 of them, and frozen costs twice
class LogRow:
    id: int
    at: datetime  # in the portal's time zone
    actor: str
    unit_id: int | None
    unit: str
    criterion: str
    criterion_name: str
    entity: str
    what: str  # the entity and the action in words
    old: str  # as stored, in words (the exports)
    new: str
    old_plain: str  # as the page shows them, without codes and hashes
    new_plain: str
    changes_technical: str  # those codes and hashes, for the page's technical details
    reason: str  # as stored (the exports)
    reason_plain: str  # as the page shows it, without the hashes
    reason_technical: str  # the hashes it carried, for the page's technical details
    old_json: str  # the stored values themselves, for the exports
    new_json: str
    anchor: str = ""  # the row's id on the page: the entry's, a save's with the criterion
    more: int = 0  # on the last line a page shows of a save: how many lines it leaves out


_HASH = re.compile(r"(?:SHA-256\s*)?\b[0-9a-f]{64}\b")


def technical_split(text: str) -> tuple[str, str]:
    """A note as people read it, and the hashes it carried ('SHA-256 3f5a…') for a technical
    view: ("", "SHA-256 3f5a…") for a submission's note, (text, "") for one without."""
    hashes = [match.group(0) for match in _HASH.finditer(text)]
    if not hashes:
        return text, ""
    return re.sub(" {2,}", " ", _HASH.sub("", text)).strip(" ;,:"), "; ".join(hashes)


def log_rows(
    entries: Iterable[AuditEntry],
    unit_names: Mapping[int, str],
    criterion_names: Mapping[str, str] | None = None,
    *,
    criterion: str = "",
    words: Collection[str] = (),
    most: int | None = None,
) -> list[LogRow]:
    """The page's rows: each entry's `lines`, a save's in the order of `criterion_names`
    (the frameworks'), only `criterion`'s if the page is filtered by one (or the searched
    `words`' that it changed); at `most` lines of a save, the last saying how many it
    leaves out (a page of 50 saves of 80 answers would be 4,000 rows)."""
    order = criterion_order(criterion_names)
    rows = []
    for entry in entries:
        shown = lines(entry, criterion, order, words)
        left = len(shown) - most if most is not None and len(shown) > most else 0
        if left:
            shown = shown[:most]
        saved = entry.entity == SAVE_ENTITY  # its lines' anchors name their criteria
        rows += [
            log_row(
                line,
                unit_names,
                criterion_names,
                anchor=f"{line.pk}-{line.criterion}" if saved else "",
            )
            for line in shown
        ]
        if left:
            rows[-1].more = left
    return rows


def criterion_order(criterion_names: Mapping[str, str] | None) -> dict[str, int]:
    """Each criterion's place in the frameworks, from their names in that order."""
    return {code: place for place, code in enumerate(criterion_names or {})}


class Logged(Protocol):
    """What a row is built from: an entry, or its columns as an export reads them."""

    @property
    def pk(self) -> Any: ...
    @property
    def at(self) -> datetime: ...
    @property
    def actor_name(self) -> str: ...
    @property
    def unit_id(self) -> int | None: ...
    @property
    def criterion(self) -> str: ...
    @property
    def entity(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def old(self) -> Any: ...
    @property
    def new(self) -> Any: ...
    @property
    def reason(self) -> str: ...


class Line(NamedTuple):
    """An entry's columns that its row shows: an entry as an export reads them, or one
    criterion's change in a save, read as an answer's entry of its own (`lines`)."""

    pk: int
    at: datetime
    actor_name: str
    unit_id: int | None
    criterion: str
    entity: str
    action: str
    old: Any
    new: Any
    reason: str


def lines(
    entry: Logged,
    criterion: str = "",
    order: Mapping[str, int] | None = None,
    words: Collection[str] = (),
) -> list[Logged]:
    """An entry as people read it: a save's (SAVE_ENTITY) as one answer's change per
    criterion, by `order` (each code's place; the others after, by code), or `criterion`'s
    alone, or those of `words` (a search's) that are criteria it changed, if any is;
    any other entry as it is."""
    new, old = entry.new, entry.old
    if entry.entity != SAVE_ENTITY or not isinstance(new, dict):
        return [entry]
    old = old if isinstance(old, dict) else {}
    if criterion:
        codes = [criterion] if criterion in new else []
    else:
        places = order or {}
        found = [word for word in words if word in new]
        codes = sorted(found or new, key=lambda code: (places.get(code, len(places)), code))
    pk, at, actor, unit, action, reason = (
        entry.pk, entry.at, entry.actor_name, entry.unit_id, entry.action, entry.reason
    )  # fmt: skip
    return [
        Line(pk, at, actor, unit, code, ANSWER_ENTITY, action, old.get(code), new[code], reason)
        for code in codes
    ]


Described = tuple[str, str, str]  # a value in words, without its codes, and its codes


def log_row(
    entry: Logged,
    unit_names: Mapping[int, str],
    criterion_names: Mapping[str, str] | None = None,
    *,
    language: str | None = None,
    zone: tzinfo | None = None,
    memo: dict[tuple[str, str], Described] | None = None,
    stored: tuple[str, str] | None = None,
    anchor: str = "",
) -> LogRow:
    """`criterion_names`: the page shows a criterion by its name (the exports keep the code).
    `language` and `zone`: the active ones, which an export of many entries reads once;
    `memo`: the words of the values already described in it (most values recur);
    `stored`: the old and new values as `stored_json` writes them, when already known;
    `anchor`: the row's id on the page, if not the entry's."""
    reason, technical = technical_split(entry.reason)
    language = language or get_language()
    old_json, new_json = stored or (stored_json(entry.old), stored_json(entry.new))
    if memo is None:
        old_words = _described(entry.old, entry.entity, language)
        new_words = _described(entry.new, entry.entity, language)
    else:
        old_words = _remembered(memo, entry.old, old_json, entry.entity, language)
        new_words = _remembered(memo, entry.new, new_json, entry.entity, language)
    old, old_plain, old_technical = old_words
    new, new_plain, new_technical = new_words
    names = criterion_names or {}
    return LogRow(
        id=entry.pk,
        anchor=anchor or str(entry.pk),
        at=timezone.localtime(entry.at, zone),
        actor=entry.actor_name,
        unit_id=entry.unit_id,
        unit=unit_names.get(entry.unit_id, "") if entry.unit_id else "",
        criterion=entry.criterion,
        criterion_name=names.get(entry.criterion, entry.criterion),
        entity=entry.entity,
        what=what_changed(entry.entity, entry.action, language),
        old=old,
        new=new,
        old_plain=old_plain,
        new_plain=new_plain,
        changes_technical="; ".join(t for t in (old_technical, new_technical) if t),
        reason=entry.reason,
        reason_plain=reason,
        reason_technical=technical,
        old_json=old_json,
        new_json=new_json,
    )


MEMO_SIZE = 20_000  # values an export remembers the words of at most


def _remembered(
    memo: dict[tuple[str, str], Described], value: Any, stored: str, entity: str, language: str
) -> Described:
    key = (entity, stored)  # the value's JSON, sorted: equal values, equal keys
    found = memo.get(key)
    if found is None:
        if len(memo) >= MEMO_SIZE:
            memo.clear()
        found = memo[key] = _described(value, entity, language)
    return found


def _described(value: Any, entity: str, language: str | None) -> Described:
    """A stored value in words, and split as `_value_split` splits it: the words computed
    once when the value carries no codes apart (nearly every entry)."""
    coded = (isinstance(value, dict) and bool(TECHNICAL_KEYS & value.keys())) or (
        isinstance(value, list) and bool(value) and all(isinstance(i, dict) for i in value)
    )
    if coded:
        return (_value_text(value, entity, language), *_value_split(value, entity))
    text = _value_text(value, entity, language)
    plain, codes = technical_split(text) if _HASH.search(text) else (text, "")
    return text, plain, codes


def _value_split(value: Any, entity: str) -> tuple[str, str]:
    """A stored value in words without its codes (an evidence file's SHA-256), and those
    codes apart: ("tên: real.pdf", "sha256: ad5b…") for an added file."""
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        parts = [_value_split(item, entity) for item in value]  # a file's signatures, say
        return ", ".join(plain for plain, _ in parts), "; ".join(c for _, c in parts if c)
    if isinstance(value, dict) and TECHNICAL_KEYS & value.keys():
        plain = {k: v for k, v in value.items() if k not in TECHNICAL_KEYS}
        codes = [f"{key}: {value[key]}" for key in sorted(TECHNICAL_KEYS & value.keys())]
        return (value_text(plain, entity) if plain else EMPTY), "; ".join(codes)
    text = value_text(value, entity)
    return technical_split(text) if _HASH.search(text) else (text, "")


def stored_json(value: Any) -> str:
    """A stored value as the exports write it: compact JSON, keys in order ("" for none)."""
    return (
        ""
        if value is None
        else json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    )


def entity_label(entity: str, language: str | None = None) -> str:
    return _tr(ENTITY_LABELS.get(entity, entity), language or get_language())


def what_changed(entity: str, action: str, language: str | None = None) -> str:
    return _what_changed(entity, action, language or get_language())


@lru_cache(maxsize=1024)  # the labels are fixed: an export of 100,000 entries asks each once
def _what_changed(entity: str, action: str, language: str) -> str:
    verb = VERB_LABELS.get(action)
    return f"{entity_label(entity, language)}: {_tr(verb, language).lower() if verb else action}"


def value_text(value: Any, entity: str = "") -> str:
    """A stored JSON value in a few words: 87,5 · Có · 31/01/2026 17:00 · name: value; …"""
    return _value_text(value, entity, get_language())


def _value_text(value: Any, entity: str, language: str | None) -> str:
    if value is None:
        return EMPTY
    if isinstance(value, bool):
        return _tr(YES, language) if value else _tr(NO, language)
    if isinstance(value, int | float):
        return str(value).replace(".", ",")
    if isinstance(value, str):
        return _text(value, entity, language)
    if isinstance(value, list):
        return ", ".join(_value_text(item, entity, language) for item in value) or EMPTY
    if isinstance(value, dict):
        return _mapping_text(value, entity, language)
    return str(value)


def _text(value: str, entity: str, language: str | None) -> str:
    machine = STATE_ENTITIES.get(entity)
    if machine is not None:
        for state, label in STATE_LABELS[machine].items():
            if state == value:
                return _tr(label, language)
    coded = CODE_ENTITIES.get(entity, {}).get(value)
    if coded is not None:
        return _tr(coded, language)
    if DECIMAL.fullmatch(value):
        return value.replace(".", ",")
    if MOMENT.fullmatch(value):
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return moment_text(moment)
    return value if value else _tr(BLANK, language)


def _mapping_text(value: Mapping[str, Any], entity: str, language: str | None) -> str:
    """An answer ({"value", "note"}) reads as its value then its note; other mappings as
    name: value pairs, by name (PostgreSQL's jsonb does not keep the order they came in)."""
    parts = []
    if "value" in value:
        parts.append(_value_text(value["value"], entity, language))
    for key, item in sorted(value.items()):
        if key == "value" or (key == "note" and not item):
            continue
        label = _tr(KEY_LABELS.get(key, key), language)
        parts.append(f"{label}: {_value_text(item, entity, language)}")
    return "; ".join(parts) or EMPTY

"""Accepting a name a report prints for a unit ("Sở Du Lịch Tỉnh" for "Sở Du lịch") as that
unit's alias, written back into the campaign file so the next audit reads it.

The file is edited as text, in the unit's own entry, so its comments and layout stay as the
office wrote them: the name is added to the unit's `aliases: [...]`, or an `aliases` line is
added under its `name`. The campaign is then loaded again; if it does not load, the file is
put back as it was and the error says why.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from dti.campaign import Campaign, load_campaign
from dti.framework.documents import DocumentError
from dti.names import normalize_label


class AliasError(ValueError):
    pass


def parse_acceptance(text: str) -> tuple[str, str]:
    """ "PRINTED=UNIT" -> (printed, unit name)."""
    printed, sep, unit = text.partition("=")
    if not sep or not printed.strip() or not unit.strip():
        raise AliasError(f"“{text}”: cần dạng “TÊN IN TRONG BÁO CÁO=TÊN ĐƠN VỊ”")
    return printed.strip(), unit.strip()


def accept_alias(path: Path, campaign: Campaign, printed: str, unit_name: str) -> Campaign:
    """The campaign after adding `printed` to the aliases of the unit named `unit_name`."""
    if any(ch in printed for ch in "\n\r\t") or len(printed) > 200:
        raise AliasError(f"“{printed[:40]}”: tên không hợp lệ")
    unit = next(
        (
            u
            for level in campaign.levels.values()
            for u in level.units
            if normalize_label(u.name) == normalize_label(unit_name) or u.id == unit_name
        ),
        None,
    )
    if unit is None:
        raise AliasError(f"không có đơn vị “{unit_name}” trong {path.name}")
    if normalize_label(printed) in {normalize_label(x) for x in (unit.name, *unit.aliases)}:
        return campaign
    # A name that already reads as another unit (as the audit reads names: without "UBND",
    # "huyện"…, or "tỉnh" after an agency's name) would make both names ambiguous.
    forms = (printed, re.sub(r"\s+tỉnh$", "", printed, flags=re.I))
    found = {lv.names.find(x) for lv in campaign.levels.values() for x in forms} - {None, unit.id}
    other = next(
        (u for level in campaign.levels.values() for u in level.units if u.id in found), None
    )
    if other is not None:
        raise AliasError(
            f"“{printed}” đã được hiểu là đơn vị {other.name}: không thể ghi là tên khác của"
            f" {unit.name}"
        )
    original = path.read_text(encoding="utf-8")
    path.write_text(_with_alias(original, unit.id, printed, path.name), encoding="utf-8")
    try:
        return load_campaign(path)
    except DocumentError as error:
        path.write_text(original, encoding="utf-8")
        raise AliasError(f"không ghi được bí danh “{printed}”: {error}") from error


def _with_alias(text: str, unit_id: str, printed: str, file: str) -> str:
    lines = text.splitlines(keepends=True)
    start = next(
        (
            i
            for i, line in enumerate(lines)
            if re.match(rf"^\s*-\s+id:\s*[\"']?{re.escape(unit_id)}[\"']?\s*(#.*)?$", line)
        ),
        None,
    )
    if start is None:
        raise AliasError(f"không tìm thấy mục “id: {unit_id}” trong {file}")
    indent = len(lines[start]) - len(lines[start].lstrip(" -"))
    end = start + 1
    while (
        end < len(lines)
        and (not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip(" ")) >= indent)
        and not lines[end].lstrip().startswith("- ")
    ):
        end += 1
    quoted = json.dumps(printed, ensure_ascii=False)
    for i in range(start + 1, end):
        match = re.match(r"^(\s*aliases:\s*\[)(.*)(\]\s*(#.*)?)$", lines[i].rstrip("\n"))
        if match:
            inner = match.group(2).strip()
            items = f"{inner}, {quoted}" if inner else quoted
            lines[i] = f"{match.group(1)}{items}{match.group(3)}\n"
            return "".join(lines)
        if re.match(r"^\s*aliases:", lines[i]):
            raise AliasError(f"mục aliases của “{unit_id}” trong {file} không ở dạng [..]")
    name = next((i for i in range(start, end) if re.match(r"^[\s-]*name:", lines[i])), start)
    lines.insert(name + 1, f"{' ' * indent}aliases: [{quoted}]\n")
    return "".join(lines)

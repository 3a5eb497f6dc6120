"""Reading a framework's `index_rankings`: how each main index's ranking compares units.

The default, when the file says nothing, is inherited from the general ranking; a bare
`decimals` (the older form) and an override given as a number state ratio decimals. Every
unknown key and bad value is a problem naming its path. See docs/frameworks.md,
"Per-index rankings".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from dti.framework.model import IndexCompare, IndexRanking, IndexRankings, RankingPolicy, Ties

Fail = Callable[[str, str], None]  # (path, message)

_Choice = TypeVar("_Choice", IndexCompare, Ties)

KEYS = ("compare", "decimals", "ties")
DECIMALS = range(0, 5)  # as the schema's `decimals`


@dataclass(frozen=True)
class Inherited:
    """What per-index rankings take from the general ranking when the file does not say."""

    general: RankingPolicy
    score_decimals: int

    def ranking(self) -> IndexRanking:
        """Comparable as the general ranking is: the ratio at its decimals when it ranks
        percents of applicable max, else points at the framework's score decimals; its ties."""
        compare = IndexCompare.RATIO if self.general.percent else IndexCompare.POINTS
        return IndexRanking(compare, self.decimals(compare), self.general.ties)

    def decimals(self, compare: IndexCompare) -> int:
        """The decimals of a comparison the file states without its decimals."""
        if compare is IndexCompare.POINTS:
            return self.score_decimals
        return self.general.decimals if self.general.percent else 1


def index_rankings(raw: object, inherited: Inherited, path: str, fail: Fail) -> IndexRankings:
    """The default per-index ranking and each index's own; problems go to `fail`."""
    if not isinstance(raw, Mapping):
        fail(path, "phải là một bảng khoá: giá trị (compare, decimals, ties, overrides)")
        return IndexRankings(inherited.ranking())
    stated = _fields(raw, (*KEYS, "overrides"), path, fail)
    if "decimals" in stated and "compare" not in stated:
        stated["compare"] = IndexCompare.RATIO
    default = _resolved(stated, inherited.ranking(), inherited)
    overrides = raw.get("overrides", {})
    if not isinstance(overrides, Mapping):
        fail(f"{path}.overrides", "phải là một bảng khoá: mã chỉ số chính → cách xếp hạng")
        return IndexRankings(default)
    per_index = {}
    for code, value in overrides.items():
        where = f"{path}.overrides.{code}"
        if isinstance(value, Mapping):
            fields = _fields(value, KEYS, where, fail)
        elif _decimals_ok(value):
            fields = {"compare": IndexCompare.RATIO, "decimals": value}
        else:
            fail(
                where,
                "phải là số chữ số thập phân của tỷ lệ (từ 0 đến 4) hoặc một bảng khoá "
                f"compare, decimals, ties; không phải {value!r}",
            )
            continue
        per_index[str(code)] = _resolved(fields, default, inherited)
    return IndexRankings(default, per_index)


def _fields(
    raw: Mapping[str, Any], allowed: Sequence[str], path: str, fail: Fail
) -> dict[str, Any]:
    """The valid fields stated; each unknown key and bad value is a problem."""
    for key in raw:
        if key not in allowed:
            fail(f"{path}.{key}", f"khoá '{key}' không được phép ở đây; dùng: {', '.join(allowed)}")
    fields: dict[str, Any] = {}
    if "compare" in raw:
        fields["compare"] = _choice(IndexCompare, raw["compare"], f"{path}.compare", fail)
    if "ties" in raw:
        fields["ties"] = _choice(Ties, raw["ties"], f"{path}.ties", fail)
    if "decimals" in raw:
        if _decimals_ok(raw["decimals"]):
            fields["decimals"] = raw["decimals"]
        else:
            fail(
                f"{path}.decimals", f"phải là số nguyên từ 0 đến 4, không phải {raw['decimals']!r}"
            )
    return {key: value for key, value in fields.items() if value is not None}


def _choice(kind: type[_Choice], value: object, path: str, fail: Fail) -> _Choice | None:
    names = [member.value for member in kind]
    if isinstance(value, str) and value in names:
        return kind(value)
    fail(path, f"giá trị {value!r} không hợp lệ; chọn một trong: {', '.join(names)}")
    return None


def _decimals_ok(value: object) -> bool:
    return type(value) is int and value in DECIMALS


def _resolved(stated: Mapping[str, Any], base: IndexRanking, inherited: Inherited) -> IndexRanking:
    """What `stated` says, the rest from `base`; decimals left unsaid on another comparison
    than the base's are that comparison's own default."""
    compare: IndexCompare = stated.get("compare", base.compare)
    decimals = base.decimals if compare is base.compare else inherited.decimals(compare)
    return IndexRanking(
        compare=compare,
        decimals=int(stated.get("decimals", decimals)),
        ties=stated.get("ties", base.ties),
    )

"""The framework's policies as sheets: "Chính sách" (one parameter per row: Tham số, Giá
trị, Ghi chú), "Nhóm xếp hạng" (peer groups, one per row, with the ranking fields they
override), "Xếp hạng từng chỉ số" (a main index's own ranking given as a mapping, one per
row) and "Điểm thưởng, trừ" (adjustments). A blank value is a field not stated."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from portal.frameworks.vocabulary import ADJUSTMENT_LABELS, normalize, reader
from portal.frameworks.workbook.cells import (
    CellError,
    number,
    number_cell,
    number_text,
    text,
    whole_number,
)

POLICY_SHEET = "Chính sách"
POLICY_COLUMNS = ("Tham số", "Giá trị", "Ghi chú")
GROUP_SHEET = "Nhóm xếp hạng"
ADJUSTMENT_SHEET = "Điểm thưởng, trừ"
ADJUSTMENT_COLUMNS = ("Mã", "Tên", "Điểm tối đa", "Loại")
INDEX_SHEET = "Xếp hạng từng chỉ số"
INDEX_COLUMNS = ("Mã chỉ số chính", "Giá trị so sánh", "Số chữ số thập phân", "Đồng hạng")
INDEX_COMPARE = ("points", "ratio")
INDEX_TIES = ("dense", "competition")


@dataclass(frozen=True)
class Parameter:
    label: str
    path: tuple[str, ...]
    write: Callable[[Any], Any]
    read: Callable[[Any], Any]
    note: str


def _enum(*values: str) -> tuple[Callable[[Any], Any], Callable[[Any], Any]]:
    def read(value: Any) -> str:
        if normalize(text(value)) not in values:
            raise CellError(f"“{text(value)}” không hợp lệ; chọn một trong: {', '.join(values)}")
        return normalize(text(value))

    return str, read


def _classes_text(bands: Sequence[Mapping[str, Any]]) -> str:
    def label(band: Mapping[str, Any]) -> str:
        aliases = band.get("aliases")
        return f"{band['label']} [{', '.join(aliases)}]" if aliases else str(band["label"])

    return "; ".join(f"{label(b)}:{number_text(b['min'])}" for b in bands)


def _read_classes(value: Any) -> list[dict[str, Any]]:
    bands = []
    for item in (i.strip() for i in text(value).split(";") if i.strip()):
        head, colon, low = item.rpartition(":")
        if not colon or not head.strip():
            raise CellError(f"“{item}” phải có dạng nhãn:từ điểm (ví dụ: Tốt:80)")
        band: dict[str, Any] = {"label": head.strip(), "min": number(low)}
        if head.strip().endswith("]") and "[" in head:
            name, _, inner = head.strip()[:-1].partition("[")
            band["label"] = name.strip()
            band["aliases"] = [a.strip() for a in inner.split(",") if a.strip()]
        bands.append(band)
    return bands


def _overrides_text(overrides: Mapping[str, Any]) -> str | None:
    """The overrides given as numbers (ratio decimals, the older form); those given as
    mappings are rows of the sheet INDEX_SHEET."""
    numbers = [(code, value) for code, value in overrides.items() if type(value) is int]
    return "; ".join(f"{code}={decimals}" for code, decimals in numbers) or None


def _read_overrides(value: Any) -> dict[str, int]:
    found: dict[str, int] = {}
    for item in (i.strip() for i in text(value).split(";") if i.strip()):
        code, equals, decimals = item.partition("=")
        if not equals:
            raise CellError(f"“{item}” phải có dạng mã chỉ số=số chữ số (ví dụ: nhan_thuc_so=1)")
        found[code.strip()] = whole_number(decimals)
    return found


_TEXT = (str, text)
_WHOLE = (int, whole_number)
RANKING = [
    Parameter("Cách so sánh", ("comparability",), *_enum(
        "ratio_to_applicable_max", "remove_block", "plain_total", "national_weighted"),
        "ratio_to_applicable_max (tỷ lệ trên điểm tối đa áp dụng), remove_block (loại một khối "
        "điểm), plain_total (tổng điểm), national_weighted (DTI quốc gia, trọng số / 1000)"),
    Parameter("Số chữ số thập phân", ("decimals",), *_WHOLE,
              "số chữ số thập phân của giá trị xếp hạng (mặc định 1, 2, 2, 4 theo cách so sánh)"),
    Parameter("Đồng hạng", ("ties",), *_enum("dense", "competition"),
              "dense: 6, 6, 7 — competition: 1, 2, 2, 4"),
    Parameter("So sánh theo", ("compare",), *_enum("displayed", "exact"),
              "displayed (giá trị hiển thị, mặc định) hoặc exact (giá trị chính xác)"),
    Parameter("Khối bị loại", ("block",), *_TEXT, "remove_block: mã tiêu chí có điểm bị loại"),
    Parameter("Trừ theo", ("subtract",), *_enum("max", "score"),
              "remove_block: max (điểm tối đa của khối, mặc định) hoặc score (điểm đạt)"),
    Parameter("Xếp loại", ("classification", "bands"), _classes_text, _read_classes,
              "từ cao xuống thấp, ví dụ: Tốt:80; Khá:65; Trung bình [TB]:50; Yếu:0"),
    Parameter("Cơ sở xếp loại", ("classification", "basis"), *_enum(
        "value", "percent_of_framework_max", "percent_of_applicable_max",
        "percent_of_comparable_max"), "so sánh mức xếp loại với giá trị nào"),
    Parameter("Số chữ số thập phân xếp loại", ("classification", "decimals"), *_WHOLE,
              "làm tròn trước khi so với mức xếp loại"),
]  # fmt: skip
POLICY = [
    Parameter("Mã bộ chỉ số", ("code",), *_TEXT, "bắt buộc; chữ không dấu, số, - và _"),
    Parameter("Tên bộ chỉ số", ("name",), *_TEXT, "bắt buộc"),
    Parameter("Văn bản ban hành", ("source",), *_TEXT, "ví dụ: Quyết định số 1901/QĐ-UBND"),
    Parameter("Số chữ số thập phân của điểm", ("score_decimals",), *_WHOLE,
              "điểm từng tiêu chí làm tròn nửa lên (mặc định 2)"),
    *(Parameter(p.label, ("ranking", *p.path), p.write, p.read, p.note) for p in RANKING),
    Parameter("Xếp hạng từng chỉ số: giá trị so sánh", ("index_rankings", "compare"),
              *_enum(*INDEX_COMPARE), "points (điểm của chỉ số) hoặc ratio (tỷ lệ % trên điểm "
              "tối đa áp dụng); để trống: như xếp hạng chung (tỷ lệ nếu xếp hạng chung theo "
              "ratio_to_applicable_max, nếu không thì điểm)"),
    Parameter("Xếp hạng từng chỉ số: số chữ số thập phân", ("index_rankings", "decimals"),
              *_WHOLE, "của điểm hoặc của phần trăm, từ 0 đến 4; điền mà để trống giá trị so "
              "sánh thì là phần trăm"),
    Parameter("Xếp hạng từng chỉ số: đồng hạng", ("index_rankings", "ties"),
              *_enum(*INDEX_TIES), "dense hoặc competition; để trống: như xếp hạng chung"),
    Parameter("Xếp hạng từng chỉ số: số chữ số thập phân riêng", ("index_rankings", "overrides"),
              _overrides_text, _read_overrides, "phần trăm riêng của một chỉ số, ví dụ: "
              f"nhan_thuc_so=1; the_che_so=0 (cách khác: sheet {INDEX_SHEET})"),
]  # fmt: skip
GROUP_COLUMNS = ("Mã", "Tên", "Điều kiện", *(p.label for p in RANKING))


def get(mapping: Mapping[str, Any], path: Sequence[str]) -> Any:
    for step in path:
        if not isinstance(mapping, Mapping) or step not in mapping:
            return None
        mapping = mapping[step]
    return mapping


def put(mapping: dict[str, Any], path: Sequence[str], value: Any) -> None:
    for step in path[:-1]:
        mapping = mapping.setdefault(step, {})
    mapping[path[-1]] = value


def policy_rows(framework: Mapping[str, Any]) -> Iterator[list[Any]]:
    for parameter in POLICY:
        value = get(framework, parameter.path)
        yield [parameter.label, None if value is None else parameter.write(value), parameter.note]


def group_rows(framework: Mapping[str, Any]) -> Iterator[list[Any]]:
    for group in framework.get("groups", []):
        ranking = group.get("ranking", {})
        values = [get(ranking, p.path) for p in RANKING]
        yield [group["code"], group["name"], group["when"]] + [
            None if v is None else p.write(v) for p, v in zip(RANKING, values, strict=True)
        ]


def index_ranking_rows(framework: Mapping[str, Any]) -> Iterator[list[Any]]:
    """One row per main index whose own ranking is a mapping; a blank cell: not stated."""
    overrides = get(framework, ("index_rankings", "overrides")) or {}
    for code, ranking in overrides.items():
        if isinstance(ranking, Mapping):
            yield [code, *(ranking.get(key) for key in INDEX_KEYS)]


INDEX_KEYS = ("compare", "decimals", "ties")  # the keys of INDEX_COLUMNS after the code
_INDEX_READERS = (_enum(*INDEX_COMPARE)[1], whole_number, _enum(*INDEX_TIES)[1])


def read_index_ranking(
    cells: Mapping[str, Any], fail: Callable[[str, str], None]
) -> tuple[str, dict[str, Any]]:
    """A row of INDEX_SHEET: the main index's code and the fields its ranking states."""
    code = text(cells[INDEX_COLUMNS[0]])
    if not code:
        fail(INDEX_COLUMNS[0], "không được để trống")
    ranking: dict[str, Any] = {}
    for column, key, read in zip(INDEX_COLUMNS[1:], INDEX_KEYS, _INDEX_READERS, strict=True):
        if text(cells[column]):
            try:
                ranking[key] = read(cells[column])
            except CellError as error:
                fail(column, error.message)
    return code, ranking


def adjustment_rows(framework: Mapping[str, Any]) -> Iterator[list[Any]]:
    for item in framework.get("adjustments", []):
        kind = ADJUSTMENT_LABELS[item["kind"]] if "kind" in item else None
        yield [item["code"], item["name"], number_cell(item["max"]), kind]


PARAMETERS_BY_LABEL = {normalize(p.label): p for p in POLICY}
_ADJUSTMENT_KINDS = reader(ADJUSTMENT_LABELS)


def read_parameter(framework: dict[str, Any], label: Any, value: Any) -> str:
    """Put one "Chính sách" row into the mapping; CellError names the bad cell's column."""
    parameter = PARAMETERS_BY_LABEL.get(normalize(text(label)))
    if parameter is None:
        raise CellError(f"không có tham số “{text(label)}”", "Tham số")
    if text(value):
        put(framework, parameter.path, parameter.read(value))
    return parameter.label


def read_group(cells: Mapping[str, Any], fail: Callable[[str, str], None]) -> dict[str, Any]:
    group: dict[str, Any] = {
        "code": text(cells["Mã"]),
        "name": text(cells["Tên"]),
        "when": text(cells["Điều kiện"]),
    }
    for column in ("Mã", "Tên", "Điều kiện"):
        if not group[{"Mã": "code", "Tên": "name", "Điều kiện": "when"}[column]]:
            fail(column, "không được để trống")
    ranking: dict[str, Any] = {}
    for parameter in RANKING:
        if text(cells[parameter.label]):
            try:
                put(ranking, parameter.path, parameter.read(cells[parameter.label]))
            except CellError as error:
                fail(parameter.label, error.message)
    if ranking:
        group["ranking"] = ranking
    return group


def read_adjustment(cells: Mapping[str, Any], fail: Callable[[str, str], None]) -> dict[str, Any]:
    item: dict[str, Any] = {"code": text(cells["Mã"]), "name": text(cells["Tên"])}
    for column in ("Mã", "Tên", "Điểm tối đa"):
        if not text(cells[column]):
            fail(column, "không được để trống")
    if text(cells["Điểm tối đa"]):
        try:
            item["max"] = number(cells["Điểm tối đa"])
        except CellError as error:
            fail("Điểm tối đa", error.message)
    if text(cells["Loại"]):
        kind = _ADJUSTMENT_KINDS.get(normalize(text(cells["Loại"])))
        if kind is None:
            fail("Loại", f"“{text(cells['Loại'])}” không hợp lệ; chọn thưởng hoặc trừ")
        else:
            item["kind"] = kind
    return item

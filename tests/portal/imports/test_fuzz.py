"""Every import path, fed generated input (hypothesis): only the path's documented refusal,
never another exception (a 500), and a refused import writes nothing: the row counts and a
checksum of the contents of every table an import may touch are equal before and after.

Function-scoped fixtures (the cast, the database) are shared by the examples of a test, which
is what the property needs: each example starts from the state the previous refusal left, and
must leave it unchanged (hence HealthCheck.function_scoped_fixture is suppressed)."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
from datetime import date, datetime, time
from decimal import Decimal

from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from dti.campaign import load_campaign
from dti.framework.documents import DocumentError, load_yaml_text
from dti.tables.model import TableError
from dti.tables.published import interpret
from dti.tables.raw import TableReadError
from dti.tables.reader import read_table_bytes
from portal.accounts.models import Province
from portal.assessments.forms import AnswersForm, value_field, version_field
from portal.audit.models import AuditEntry
from portal.frameworks import services as frameworks
from portal.frameworks.models import FrameworkVersion
from portal.indicators import services as indicators
from portal.indicators.models import ImportBatch, SystemValue
from portal.indicators.rows import ImportRefused
from portal.units import services as units
from portal.units.models import Lineage, Unit
from portal.units.workbook import UNIT_COLUMNS
from tests.core.seeds import BINHDINH, table
from tests.portal.frameworks.test_workbook import HAND_NODES, HAND_POLICY, filled
from tests.portal.indicators.conftest import GOOD_ROWS, HEADER, xlsx_bytes

FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
TOUCHED = (SystemValue, ImportBatch, AuditEntry, Unit, Lineage, FrameworkVersion, Province)

HOSTILE_TEXT = st.sampled_from([
    "1e309", "-1e309", "NaN", "Infinity", "1E+999999999", "9" * 100_000, "1.200", "-0",
    "01/01/0001", "31/12/9999", "\ud800", "\x00", "=1+1", "‮", "", " ", "-", "1,5%", "0x1F",
])  # fmt: skip
CELLS = st.one_of(
    HOSTILE_TEXT,
    st.text(max_size=40),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.dates(min_value=date(1, 1, 1)),
    st.datetimes(min_value=datetime(1, 1, 1)),
    st.times(),
)


def checksum() -> tuple[tuple[int, str], ...]:
    """(row count, digest of every row) of each table an import may write."""
    result = []
    for model in TOUCHED:
        rows = sorted(repr(row) for row in model.objects.values_list())
        result.append((len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest()))
    return tuple(result)


def spreadsheet_value(value: object) -> object:
    """What a spreadsheet cell can hold (openpyxl refuses control characters, Decimals)."""
    if isinstance(value, str):
        return "".join(c for c in value if c.isprintable())[:32_000]
    if isinstance(value, Decimal):
        return float(value) if value.is_finite() and abs(value) < 10**300 else str(value)
    if isinstance(value, int) and abs(value) > 10**15:
        return str(value)
    if isinstance(value, time):
        return value.replace(tzinfo=None)
    return value


def book(header: tuple[str, ...], rows: list[list[object]], title: str = "Sheet") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    sheet.append(list(header))
    for row in rows:
        sheet.append([spreadsheet_value(value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def refused_or_done(call, *refusals: type[Exception]) -> None:  # type: ignore[no-untyped-def]
    """`call()` either succeeds or raises one of `refusals`, having written nothing."""
    before = checksum()
    try:
        call()
    except refusals:
        assert checksum() == before


# ---- system values: CSV, XLSX, JSON, the API -------------------------------------------


def _rows(cells: list[object]) -> list[list[object]]:
    rows = [list(GOOD_ROWS[0]), list(GOOD_ROWS[1])]
    for i, value in enumerate(cells):
        rows[i // len(HEADER) % 2][i % len(HEADER)] = value
    return rows


@FUZZ
@given(cells=st.lists(CELLS, min_size=1, max_size=12), kind=st.sampled_from(["csv", "xlsx"]))
def test_a_generated_system_values_file_is_imported_or_refused_whole(cast, cells, kind):
    rows = _rows(cells)
    if kind == "csv":
        lines = [";".join(HEADER)] + [
            ";".join(str(value).replace(";", ",").replace("\n", " ") for value in row)
            for row in rows
        ]
        data = "\r\n".join(lines).encode("utf-8", "surrogatepass")  # as a broken exporter would
    else:
        data = xlsx_bytes([[spreadsheet_value(v) for v in row] for row in rows])
    refused_or_done(
        lambda: indicators.system_values_upload(
            campaign=cast.campaign,
            actor=cast.quang,
            data=data,
            file_name=f"f.{kind}",
            source="Cổng DVC",
        ),
        ImportRefused,
        ValidationError,
    )


JSON_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.text(max_size=20),
        HOSTILE_TEXT,
        st.integers(min_value=-(10**30), max_value=10**30),
        st.floats(allow_nan=False, allow_infinity=False),
    ),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
NUMBER_LITERALS = st.sampled_from(
    ["1e309", "-1e309", "1E+999999999", "9" * 5000, "NaN", "Infinity", "-0.0", "1e-400"]
)


def _document(cast, items: list[dict[str, object]], literal: str | None) -> str:  # type: ignore[no-untyped-def]
    body = {"campaign": cast.campaign.pk, "source": "Cổng DVC", "values": items}
    text = json.dumps(body)
    return text.replace('"@N@"', literal, 1) if literal is not None else text


@FUZZ
@given(
    changes=st.dictionaries(st.sampled_from((*HEADER, "extra")), JSON_VALUES, max_size=4),
    literal=st.none() | NUMBER_LITERALS,
    surrogate=st.booleans(),
)
def test_a_generated_api_push_answers_a_documented_status_and_writes_nothing_when_refused(
    cast, client, changes, literal, surrogate
):
    from portal.indicators.services import api_token_create

    _, token = api_token_create(province=cast.province, actor=cast.quang, name="Cổng DVC")
    items: list[dict[str, object]] = [
        {k: v for k, v in zip(HEADER, row, strict=True) if v != ""} for row in GOOD_ROWS
    ]
    items[0].update(changes)
    if literal is not None:
        items[0]["value"] = "@N@"
    text = _document(cast, items, literal)
    if surrogate:
        text = text.replace("Cổng DVC", "Cổng \\ud800", 1)
    before = checksum()
    response = client.post(
        "/api/indicators",
        text,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code in (200, 400, 409, 422), response.content[:300]
    if response.status_code != 200:
        after = checksum()
        # The token's last use is stamped even on a refusal: compare everything else.
        assert after[:2] + after[3:] == before[:2] + before[3:]


# ---- the self-assessment page ------------------------------------------------------------


@FUZZ
@given(
    typed=st.dictionaries(
        st.sampled_from(["nts_tuyen_truyen", "cqs_ky_so", "nts_ke_hoach", "tcs_quy_che"]),
        st.one_of(HOSTILE_TEXT, st.text()),
    )
)
def test_a_generated_self_assessment_is_read_or_refused_field_by_field(cast, typed):
    framework = cast.framework.build()
    data = {}
    for code, text in typed.items():
        data[version_field(code)] = "0"
        data[value_field(code)] = text
    form = AnswersForm(list(framework.leaves), data)
    for code in typed:
        if value_field(code) not in form.errors:
            assert code in form.cleaned


# ---- units workbook, framework workbook and YAML ------------------------------------------


@FUZZ
@given(
    rows=st.lists(st.lists(CELLS, min_size=3, max_size=len(UNIT_COLUMNS)), min_size=1, max_size=4)
)
def test_a_generated_units_workbook_is_imported_or_refused_whole(cast, rows):
    data = book(UNIT_COLUMNS, rows, "Đơn vị")
    refused_or_done(
        lambda: units.registry_import(province=cast.province, data=data), ValidationError
    )


@FUZZ
@given(row=st.integers(min_value=1, max_value=len(HAND_NODES) - 1),
       column=st.integers(min_value=0, max_value=9), value=CELLS)  # fmt: skip
def test_a_generated_framework_workbook_is_imported_or_refused_whole(cast, row, column, value):
    nodes = [list(r) + [None] * (10 - len(r)) for r in HAND_NODES]
    nodes[row][column] = spreadsheet_value(value)
    data = filled(nodes, HAND_POLICY)
    refused_or_done(
        lambda: frameworks.framework_import_xlsx(
            province=cast.province, year=2026, level="so", data=data, user=cast.quang
        ),
        ValidationError,
    )


YAML_SCALARS = st.sampled_from([
    "1.0e+309", ".inf", ".nan", "9" * 5000, "0x" + "f" * 100, "*a", "&a 1", "[" * 200,
    "{a: *b}", "!!python/object:os.system", "2025-01-01", "0001-01-01", "~", "'\ud800'",
])  # fmt: skip


@FUZZ
@given(
    lines=st.lists(
        st.tuples(
            st.sampled_from(["code", "max", "name", "nodes", "rule"]),
            st.one_of(YAML_SCALARS, st.text(max_size=20)),
        ),
        max_size=6,
    )
)
def test_a_generated_framework_yaml_is_imported_or_refused_whole(cast, lines):
    text = "kind: framework\n" + "".join(f"{key}: {value}\n" for key, value in lines)
    data = text.encode("utf-8", "surrogatepass")
    refused_or_done(
        lambda: frameworks.framework_import_yaml(
            province=cast.province,
            year=2026,
            level="so",
            data=data,
            file="f.yaml",
            user=cast.quang,
        ),
        ValidationError,
    )


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=200))
def test_any_yaml_text_is_a_document_or_a_document_error(text):
    with contextlib.suppress(DocumentError):
        load_yaml_text(text, "f.yaml")


# ---- published tables (the core reader) ---------------------------------------------------

CAMPAIGN = load_campaign(BINHDINH)
TABLE_LINES = table("binhdinh-2023", "bang-1-tong-the-cap-so.tsv").read_text("utf-8").splitlines()


@settings(max_examples=40, deadline=None)
@given(line=st.integers(min_value=0, max_value=len(TABLE_LINES) - 1),
       column=st.integers(min_value=0, max_value=11), value=st.one_of(HOSTILE_TEXT, st.text()))  # fmt: skip
def test_a_generated_published_table_is_read_or_refused_with_table_errors(line, column, value):
    lines = [row.split("\t") for row in TABLE_LINES]
    if column < len(lines[line]):
        lines[line][column] = value.replace("\t", " ").replace("\n", " ")
    data = "\n".join("\t".join(row) for row in lines).encode("utf-8", "surrogatepass")
    with contextlib.suppress(TableReadError, TableError):
        interpret(read_table_bytes(data, source="bang-1.tsv"), CAMPAIGN, level="so")

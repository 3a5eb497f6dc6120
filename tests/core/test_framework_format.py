"""The framework file format: the examples are valid against the JSON Schema, and every
kind of mistake is reported with the file, the path in the tree and what is wrong."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import jsonschema
import pytest
import yaml

from dti.campaign import load_campaign
from dti.framework.documents import SCHEMA, DocumentError, load_yaml
from dti.framework.loader import load_framework_file
from tests.conftest import EXAMPLES, REPO

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))


def test_schema_file_is_a_valid_json_schema():
    schema = json.loads((REPO / "src/dti/framework/schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_examples_are_valid_against_the_schema(path):
    jsonschema.Draft202012Validator(SCHEMA).validate(
        yaml.safe_load(path.read_text(encoding="utf-8"))
    )
    assert load_campaign(path).levels


def test_examples_cover_the_three_level_shapes():
    levels = {code for path in EXAMPLE_FILES for code in load_campaign(path).levels}
    assert {"so", "huyen", "xa"} <= levels


def test_numbers_are_read_exactly():
    campaign = load_campaign(EXAMPLES / "binhphuoc-2024.yaml")
    framework = campaign.level("so").framework
    assert framework.by_code["hoat_dong_chinh_quyen_so"].max == 200
    assert str(framework.max) == "600"


CAMPAIGN_HEAD = """\
dti: 1
kind: campaign
province: Tỉnh Thử
year: 2025
levels:
  - code: xa
    name: Xã
    framework:
      code: thu
      name: Bộ thử
"""


def write(tmp_path: Path, body: str, head: str = CAMPAIGN_HEAD) -> Path:
    path = tmp_path / "thu.yaml"
    path.write_text(head + textwrap.dedent(body), encoding="utf-8")
    return path


NODES_OK = """\
      ranking: {comparability: plain_total}
      nodes:
        - code: a
          name: Chỉ số A
          children:
            - {code: a1, name: A1, max: 10}
            - {code: a2, name: A2, max: 5}
units:
  - {id: x1, name: Xã 1, level: xa}
"""


def problems(path: Path) -> str:
    with pytest.raises(DocumentError) as caught:
        load_campaign(path)
    return str(caught.value)


def test_a_valid_minimal_campaign_loads(tmp_path):
    campaign = load_campaign(write(tmp_path, NODES_OK))
    assert campaign.level("xa").framework.by_code["a"].max == 15


@pytest.mark.parametrize(
    ("edit", "path", "message"),
    [
        (("children:\n", "max: 20\n          children:\n"), "levels[xa].framework.nodes[a].max",
         "khác tổng điểm tối đa của các tiêu chí con (15)"),
        (("{code: a2, name: A2, max: 5}", "{code: a2, name: A2}"), "nodes[a].children[a2]",
         "phải có điểm tối đa"),
        (("{code: a2, name: A2, max: 5}", "{code: a1, name: A2, max: 5}"), "levels[xa].framework.nodes",
         "mã tiêu chí 'a1' bị trùng"),
        (("{code: a2, name: A2, max: 5}", "{code: a2, name: A2, max: 5, rule: {type: magic}}"),
         "children[a2].rule", "loại 'magic' không hợp lệ; chọn một trong: entered, yes_no"),
        (("{code: a2, name: A2, max: 5}",
          "{code: a2, name: A2, max: 5, rule: {type: choice, options: [{value: x, points: 9}, {value: y, points: 0}]}}"),
         "children[a2].rule", "mức 9 điểm vượt điểm tối đa 5"),
        (("{code: a2, name: A2, max: 5}",
          "{code: a2, name: A2, max: 5, rule: {type: bands, bands: [{min: 50, points: 2}, {min: 90, points: 5}]}}"),
         "children[a2].rule.bands", "từ cao xuống thấp"),
        (("{code: a2, name: A2, max: 5}",
          "{code: a2, name: A2, max: 5, rule: {type: formula, inputs: [x], expression: 'x + y'}}"),
         "children[a2].rule.expression", "y"),
        (("{code: a2, name: A2, max: 5}",
          "{code: a2, name: A2, max: 5, rule: {type: formula, inputs: [x, z], expression: 'x * 2'}}"),
         "children[a2].rule.inputs", "không dùng: z"),
        (("{code: a2, name: A2, max: 5}",
          "{code: a2, name: A2, max: 5, rule: {type: formula, inputs: [{name: x}], expression: 'x'}}"),
         "children[a2].rule", "inputs"),
        (("{code: a2, name: A2, max: 5}",
          "{code: a2, name: A2, max: 5, rule: {type: formula, inputs: [x, {name: x, label: X}], expression: 'x'}}"),
         "children[a2].rule.inputs", "tên đầu vào bị trùng"),
        (("{code: a2, name: A2, max: 5}", "{code: a2, name: A2, max: 5, applies_when: 'co_dvc and'}"),
         "children[a2].applies_when", "co_dvc and"),
        (("ranking: {comparability: plain_total}", "ranking: {comparability: remove_block}"),
         "levels[xa].framework.ranking", "cần 'block'"),
        (("ranking: {comparability: plain_total}", "ranking: {comparability: remove_block, block: zz}"),
         "framework.ranking.block", "không có tiêu chí mã 'zz'"),
        (("ranking: {comparability: plain_total}", "ranking: {comparability: national_weighted}"),
         "framework.ranking", "cần trọng số"),
        (("ranking: {comparability: plain_total}",
          "ranking: {comparability: plain_total}\n      index_rankings: {overrides: {a1: 1}}"),
         "framework.index_rankings.overrides", "'a1' không phải chỉ số chính"),
        (("ranking: {comparability: plain_total}",
          "ranking: {comparability: plain_total}\n      index_rankings: {compare: percent}"),
         "framework.index_rankings.compare", "'percent' không hợp lệ; chọn một trong: points, ratio"),
        (("ranking: {comparability: plain_total}",
          "ranking: {comparability: plain_total}\n      index_rankings: {precision: 2}"),
         "framework.index_rankings", "trường không được phép: precision"),
        (("ranking: {comparability: plain_total}",
          "ranking: {comparability: plain_total}\n      index_rankings: {overrides: {a: {compare: points, decimals: 7}}}"),
         "framework.index_rankings.overrides.a.decimals", "nhỏ hơn hoặc bằng 4"),
        (("ranking: {comparability: plain_total}",
          "ranking: {comparability: plain_total}\n      index_rankings: {overrides: {a: {ties: olympic}}}"),
         "framework.index_rankings.overrides.a.ties", "'olympic' không hợp lệ"),
        (("{code: a2, name: A2, max: 5}", "{code: a2, name: A2, max: năm}"),
         "children[a2].max", "phải là một số"),
        (("{code: a2, name: A2, max: 5}", "{code: a2, name: A2, max: -5}"),
         "children[a2].max", "lớn hơn hoặc bằng 0"),
        (("{code: a2, name: A2, max: 5}", "{code: a2, name: A2, max: 5, colour: red}"),
         "children[a2]", "trường không được phép: colour"),
        (("{id: x1, name: Xã 1, level: xa}", "{id: x1, name: Xã 1, level: huyen}"),
         "units[x1].level", "không có khối 'huyen'"),
        (("{id: x1, name: Xã 1, level: xa}", "{id: x1, name: Xã 1, level: xa, parent: h9}"),
         "units[x1].parent", "không có đơn vị mã 'h9'"),
        (("{id: x1, name: Xã 1, level: xa}", "{id: x1, name: Xã 1, level: xa}\n  - {id: x1, name: Xã 2, level: xa}"),
         "units[x1]", "bị trùng"),
        (("{code: a2, name: A2, max: 5}", "{code: a2, name: A2, max: 5, applies_when: co_dvc}"),
         "units[x1].attributes", "thiếu thuộc tính: co_dvc"),
        (("{id: x1, name: Xã 1, level: xa}", "{id: x1, name: Xã 1, level: xa, previous_class: Giỏi}"),
         "units[x1].previous_class", "không nhận ra xếp loại"),
        (("units:", "tables: [{file: b.tsv, level: xa, index: zz}]\nunits:"),
         "tables[b.tsv].index", "'zz' không phải chỉ số chính"),
    ],
)  # fmt: skip
def test_each_mistake_names_file_path_and_problem(tmp_path, edit, path, message):
    old, new = edit
    assert old in NODES_OK
    text = problems(write(tmp_path, NODES_OK.replace(old, new, 1)))
    assert "thu.yaml" in text
    assert path in text
    assert message in text


def test_all_problems_are_reported_at_once(tmp_path):
    body = NODES_OK.replace("{code: a2, name: A2, max: 5}", "{code: a1, name: A2}")
    text = problems(write(tmp_path, body))
    assert "bị trùng" in text and "phải có điểm tối đa" in text


def test_duplicate_yaml_keys_are_refused(tmp_path):
    text = problems(
        write(tmp_path, NODES_OK.replace("name: Chỉ số A", "name: Chỉ số A\n          name: B"))
    )
    assert "khoá 'name' bị lặp lại" in text


def test_yaml_syntax_errors_name_line_and_column(tmp_path):
    text = problems(
        write(
            tmp_path,
            NODES_OK.replace("{code: a1, name: A1, max: 10}", "{code: a1, name: [A1, max: 10}"),
        )
    )
    assert "dòng" in text and "cột" in text and "lỗi cú pháp YAML" in text


def test_a_file_of_another_kind_is_refused(tmp_path):
    path = write(tmp_path, "", head="dti: 1\nkind: report\n")
    with pytest.raises(DocumentError, match="kind: phải là 'framework' hoặc 'campaign'"):
        load_yaml(path) and load_campaign(path)


def test_a_standalone_framework_file_and_a_campaign_referring_to_it(tmp_path):
    framework = tmp_path / "khung.yaml"
    framework.write_text(
        "dti: 1\nkind: framework\nframework:\n  code: k\n  name: Khung\n"
        "  ranking: {comparability: plain_total}\n  nodes:\n    - {code: a, name: A, max: 100}\n",
        encoding="utf-8",
    )
    assert load_framework_file(framework).max == 100
    campaign = write(
        tmp_path,
        "",
        head=CAMPAIGN_HEAD.split("    framework:")[0] + "    framework: khung.yaml\nunits: []\n",
    )
    assert load_campaign(campaign).level("xa").framework.code == "k"


def test_aliases_must_not_name_two_main_indices(tmp_path):
    body = (
        NODES_OK.replace(
            "          children:", "          aliases: [Chỉ số B]\n          children:", 1
        )
        .replace("units:", "")
        .replace("  - {id: x1, name: Xã 1, level: xa}\n", "")
    )
    body += "        - {code: b, name: Chỉ số B, max: 5}\nunits: []\n"
    assert "trùng với tiêu chí" in problems(write(tmp_path, body))


def test_a_formulas_inputs_carry_their_labels_and_the_rule_its_description(tmp_path):
    rule = (
        "{type: formula, description: Mỗi hồ sơ một điểm, expression: 'online + paper',"
        " inputs: [{name: online, label: Số hồ sơ trực tuyến}, paper]}"
    )
    body = NODES_OK.replace(
        "{code: a2, name: A2, max: 5}", f"{{code: a2, name: A2, max: 5, rule: {rule}}}"
    )
    leaf = load_campaign(write(tmp_path, body)).level("xa").framework.by_code["a2"]
    assert leaf.rule.inputs == ("online", "paper")
    assert (leaf.rule.label("online"), leaf.rule.label("paper")) == ("Số hồ sơ trực tuyến", "paper")
    assert leaf.rule.description == "Mỗi hồ sơ một điểm"


def test_the_example_formula_labels_its_inputs():
    framework = load_campaign(EXAMPLES / "mau-2025.yaml").level("xa").framework
    rule = framework.by_code["cqs_dvctt"].rule
    assert [rule.label(name) for name in rule.inputs] == ["Số hồ sơ trực tuyến", "Tổng số hồ sơ"]

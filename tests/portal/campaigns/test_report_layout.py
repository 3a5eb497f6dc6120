"""The office admin chooses on the report-texts page how the report is laid out: how deep
below the main indices, how each level's long lists are grouped, and why a level without
results was not assessed. Other roles are refused; hostile values are refused and nothing
is saved; the choices reach the report and survive publication."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from dti.reports.texts import Grouping, ReportTexts
from portal.campaigns.models import Campaign, CampaignLevel, CampaignReportTexts
from portal.campaigns.report import campaign_report_model, report_texts
from portal.campaigns.report_texts import ReportLayout, report_texts_save
from portal.publication.snapshot import _texts_json, texts_of
from tests.portal.campaigns.conftest import REFUSED, person
from tests.portal.campaigns.test_report_download import published  # noqa: F401
from tests.portal.campaigns.test_report_texts import page

REASON = "Khối huyện được đánh giá theo kế hoạch riêng, công bố sau."
DISTRICTS = "UBND huyện, thị xã, thành phố"


@pytest.fixture
def with_districts(published) -> Campaign:  # noqa: F811
    """Bình Định's agencies imported with their results, and a level of districts added
    with a framework but no results."""
    agencies = CampaignLevel.objects.get(campaign=published, level="so")
    CampaignLevel.objects.create(
        campaign=published, level="huyen", name=DISTRICTS, framework=agencies.framework
    )
    return published


def levels(campaign: Campaign) -> list[str]:
    return list(
        CampaignLevel.objects.filter(campaign=campaign)
        .order_by("pk")
        .values_list("level", flat=True)
    )


def layout_state(campaign: Campaign) -> list[tuple[object, ...]]:
    return list(
        CampaignReportTexts.objects.filter(campaign=campaign).values_list(
            "detail_depth", "grouping", "not_assessed"
        )
    )


def test_the_campaign_has_a_level_without_results(with_districts):
    assert levels(with_districts) == ["so", "huyen"]
    assert [level.code for level in campaign_report_model(with_districts).levels] == ["so"]


@pytest.mark.parametrize(("who", "status"), REFUSED)
def test_it_refuses_the_layout_to_everyone_but_the_office_admin(cast, with_districts, who, status):
    client = cast.client(person(cast, who))
    data = {"detail_depth": "0", "grouping__so": "group", "not_assessed__huyen": REASON}
    assert client.post(page(with_districts), data).status_code == status
    assert layout_state(with_districts) == []


def test_it_shows_a_grouping_and_a_reason_per_level(cast, with_districts):
    content = cast.client(cast.quang).get(page(with_districts)).content.decode()
    for level in ("so", "huyen"):
        assert f'name="grouping__{level}"' in content
        assert f'name="not_assessed__{level}"' in content
    assert 'name="detail_depth"' in content
    assert f"Trình bày khối {DISTRICTS}" in content


def test_the_saved_layout_reaches_the_report(cast, with_districts):
    client = cast.client(cast.quang)
    data = {"detail_depth": "2", "grouping__so": "group", "not_assessed__huyen": f"  {REASON} "}
    assert client.post(page(with_districts), data).status_code == 302
    assert layout_state(with_districts) == [(2, {"so": "group"}, {"huyen": REASON})]
    texts = report_texts(with_districts)
    assert (texts.detail_depth, texts.grouping_of("so"), texts.grouping_of("huyen")) == (
        2,
        Grouping.GROUP,
        Grouping.NONE,
    )
    report = campaign_report_model(with_districts)
    assert [(u.code, u.name, u.reason) for u in report.unassessed] == [("huyen", DISTRICTS, REASON)]
    page_text = client.get(page(with_districts)).content.decode()
    assert REASON in page_text and 'value="group" selected' in page_text


def test_one_list_is_kept_as_no_choice(cast, with_districts):
    client = cast.client(cast.quang)
    client.post(page(with_districts), {"grouping__so": "group"})
    client.post(page(with_districts), {"grouping__so": "none", "grouping__huyen": ""})
    assert layout_state(with_districts) == [(1, {}, {})]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"detail_depth": "9"}, "detail_depth"),
        ({"detail_depth": "-1"}, "detail_depth"),
        ({"detail_depth": "một"}, "detail_depth"),
        ({"grouping__so": "district"}, "grouping__so"),
        ({"grouping__so": "<script>"}, "grouping__so"),
        ({"not_assessed__huyen": "Lý do\x1b"}, "not_assessed__huyen"),
        ({"not_assessed__huyen": "x" * 2001}, "not_assessed__huyen"),
    ],
)
def test_hostile_layout_values_are_refused_and_nothing_is_saved(cast, with_districts, data, field):
    response = cast.client(cast.quang).post(page(with_districts), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert layout_state(with_districts) == []


@pytest.mark.parametrize(
    ("layout", "message"),
    [
        (ReportLayout(grouping={"xa": "group"}), "Không có khối xa"),
        (ReportLayout(not_assessed={"tinh": "…"}), "Không có khối tinh"),
        (ReportLayout(grouping={"so": "district"}), "không được hỗ trợ"),
        (ReportLayout(detail_depth=6), "từ 0 đến 5"),
    ],
)
def test_the_service_refuses_what_the_form_cannot_send(cast, with_districts, layout, message):
    with pytest.raises(ValidationError, match=message):
        report_texts_save(
            campaign=with_districts, user=cast.quang, texts={}, remarks={}, layout=layout
        )
    assert layout_state(with_districts) == []


def test_the_layout_survives_publication():
    texts = ReportTexts(
        detail_depth=0, grouping={"so": Grouping.GROUP}, not_assessed={"huyen": REASON}
    )
    kept = texts_of({"texts": _texts_json(texts)})
    assert (kept.detail_depth, dict(kept.grouping), dict(kept.not_assessed)) == (
        0,
        {"so": Grouping.GROUP},
        {"huyen": REASON},
    )


def test_a_published_version_says_which_levels_were_not_assessed_and_why(cast, with_districts):
    from portal.publication.report import version_report
    from portal.publication.services import publication_request

    report_texts_save(
        campaign=with_districts,
        user=cast.quang,
        texts={},
        remarks={},
        layout=ReportLayout(not_assessed={"huyen": REASON}),
    )
    version = publication_request(
        campaign=with_districts, user=cast.quang, change_note="Thêm khối huyện chưa đánh giá."
    )
    assert version.context["unassessed"] == [{"level": "huyen", "name": DISTRICTS}]
    report = version_report(version)
    assert [level.code for level in report.levels] == ["so"]
    assert [(u.code, u.name, u.reason) for u in report.unassessed] == [("huyen", DISTRICTS, REASON)]


def test_a_level_grouped_by_former_district_lists_each_districts_units_under_its_name(
    cast, with_districts, django_assert_max_num_queries
):
    """The units' parents in the register (former districts no longer in the campaign) title
    the sections; units without one come last under "Khác"; every unit once, ranks kept."""
    from portal.units.models import Unit

    agencies = list(
        Unit.objects.filter(campaign_units__campaign=with_districts, level="so").order_by("code")
    )
    province = agencies[0].province
    former = [
        Unit.objects.create(province=province, code=f"huyen-cu-{n}", name=name, level="huyen")
        for n, name in enumerate(("Huyện Tuy Phước (cũ)", "Huyện An Nhơn (cũ)"))
    ]
    for position, unit in enumerate(agencies[:10]):
        Unit.objects.filter(pk=unit.pk).update(parent=former[position % 2])
    report_texts_save(
        campaign=with_districts,
        user=cast.quang,
        texts={},
        remarks={},
        layout=ReportLayout(grouping={"so": "parent"}),
    )
    with django_assert_max_num_queries(12):  # the parents come with the units
        report = campaign_report_model(with_districts, compare=False)
    general = report.level("so").appendices[0].tables[0]
    titles = [title for _, title in general.sections]
    assert titles == ["Huyện Tuy Phước (cũ)", "Huyện An Nhơn (cũ)", "Khác"]  # by parent code
    starts = [row for row, _ in general.sections]
    assert starts[0] == 0 and starts[1] == 5 and starts[2] == 10
    assert sorted(general.unit_ids) == sorted(u.code for u in agencies)
    for start, stop in zip(starts, [*starts[1:], len(general.rows)], strict=True):
        ranks = [row[0].value for row in general.rows[start:stop]]
        assert ranks == sorted(ranks)

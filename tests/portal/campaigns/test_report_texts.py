"""The office admin keeps the report's texts and its own DOCX template per campaign at
/dot-danh-gia/<pk>/van-ban-bao-cao/; the downloaded report uses them. A template that does
not fill is refused at upload, naming the placeholder, and nothing is saved."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from portal.campaigns.models import Campaign, CampaignEvent, CampaignReportTexts
from portal.campaigns.selectors import remark_slots
from tests.core.test_reports_template_sandbox import chart_escape
from tests.portal.campaigns.conftest import REFUSED, person
from tests.portal.campaigns.test_report_download import (  # noqa: F401
    docx_text,
    download,
    published,
    url,
)
from tests.portal.jobs import job_of, run_jobs


def page(campaign: Campaign) -> str:
    return f"/dot-danh-gia/{campaign.pk}/van-ban-bao-cao/"


def template_docx(*paragraphs: str) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def upload(client, campaign: Campaign, content: bytes, name: str = "mau.docx"):  # type: ignore[no-untyped-def]
    file = SimpleUploadedFile(name, content)
    return client.post(f"{page(campaign)}mau/", {"template": file})


def saved_state(campaign: Campaign) -> tuple[object, ...]:
    return (
        list(
            CampaignReportTexts.objects.filter(campaign=campaign).values_list("template", "remarks")
        ),
        CampaignEvent.objects.filter(campaign=campaign).count(),
    )


def test_the_office_asks_for_the_robustness_annex_and_gets_it_in_the_report(cast, published):  # noqa: F811
    client = cast.client(cast.quang)
    response = client.post(page(published), {"robustness": "10"})
    assert response.status_code == 302
    assert CampaignReportTexts.objects.get(campaign=published).robustness == 10
    assert 'name="robustness" value="10"' in client.get(page(published)).content.decode()
    text = docx_text(download(client, published, "docx").content)
    assert "ĐỘ TIN CẬY CỦA THỨ HẠNG CHUNG KHỐI" in text
    assert "±10%" in text


def test_an_annex_spread_out_of_bounds_is_refused_and_nothing_is_saved(cast, published):  # noqa: F811
    client = cast.client(cast.quang)
    before = saved_state(published)
    response = client.post(page(published), {"robustness": "95"})
    assert response.status_code == 200
    assert "Nhập một số từ 0 đến 90." in response.content.decode()
    assert saved_state(published) == before
    assert not CampaignReportTexts.objects.filter(campaign=published, robustness=95).exists()


@pytest.mark.parametrize(("who", "status"), REFUSED)
def test_it_refuses_everyone_but_the_office_admin(cast, published, who, status):  # noqa: F811
    client = cast.client(person(cast, who))
    before = saved_state(published)
    assert client.get(page(published)).status_code == status
    assert client.post(page(published), {"recommendations": "X"}).status_code == status
    assert upload(client, published, template_docx("{{ province }}")).status_code == status
    assert client.post(f"{page(published)}mau/bo/").status_code == status
    assert saved_state(published) == before


def test_it_lists_a_remark_box_per_main_index_with_its_name(cast, published):  # noqa: F811
    response = cast.client(cast.quang).get(page(published))
    assert response.status_code == 200
    content = response.content.decode()
    slots = remark_slots(published)[0].slots
    assert len(slots) >= 5
    for slot in slots:
        assert f'name="remark__{slot.key}"' in content
        assert slot.name in content
    assert "Nhận xét theo chỉ số chính — khối Sở, ban, ngành" in content


def test_saved_texts_appear_in_the_downloaded_docx(cast, published):  # noqa: F811
    client = cast.client(cast.quang)
    slot = remark_slots(published)[0].slots[0]
    data = {
        "issuing_body": "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
        "recommendations": "Đầu tư hạ tầng số cho cấp huyện.\nĐào tạo cán bộ chuyên trách.",
        "signer_name": "Nguyễn Văn An",
        f"remark__{slot.key}": "Chỉ số này cần cải thiện rõ rệt.",
    }
    response = client.post(page(published), data)
    assert response.status_code == 302
    stored = CampaignReportTexts.objects.get(campaign=published)
    assert stored.remarks == {slot.key: "Chỉ số này cần cải thiện rõ rệt."}
    assert stored.updated_by == cast.quang
    text = docx_text(download(client, published, "docx").content)
    assert "Chỉ số này cần cải thiện rõ rệt." in text
    assert "Đầu tư hạ tầng số cho cấp huyện." in text
    assert "Đào tạo cán bộ chuyên trách." in text
    assert "Nguyễn Văn An" in text
    assert "Chỉ số này cần cải thiện rõ rệt." in client.get(page(published)).content.decode()


def test_the_office_template_fills_the_docx_download(cast, published):  # noqa: F811
    client = cast.client(cast.quang)
    client.post(page(published), {"recommendations": "Tăng cường an toàn thông tin."})
    template = template_docx(
        "BÁO CÁO CỦA TỈNH {{ province }} NĂM {{ year }}",
        "{% for r in recommendations %}{{ r }} {% endfor %}",
        "{% for level in levels %}Khối {{ level.name }}: {{ level.unit_count }} đơn vị{% endfor %}",
    )
    response = upload(client, published, template)
    assert response.status_code == 302
    assert CampaignReportTexts.objects.get(campaign=published).template_name == "mau.docx"
    assert "Đang dùng mẫu “mau.docx”" in client.get(page(published)).content.decode()
    text = docx_text(download(client, published, "docx").content)
    assert "BÁO CÁO CỦA TỈNH Bình Định NĂM 2023" in text
    assert "Tăng cường an toàn thông tin." in text
    assert "Khối Sở, ban, ngành: 21 đơn vị" in text
    assert "Phụ lục I".upper() not in text  # the office's layout, not the core's


def test_removing_the_template_goes_back_to_the_default_layout(cast, published):  # noqa: F811
    client = cast.client(cast.quang)
    upload(client, published, template_docx("Mẫu riêng {{ year }}"))
    assert client.post(f"{page(published)}mau/bo/").status_code == 302
    assert not CampaignReportTexts.objects.get(campaign=published).template
    text = docx_text(download(client, published, "docx").content)
    assert "Mẫu riêng" not in text and "Phụ lục I".upper() in text


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(template_docx("Số {{ so_van_ban }}"), "so_van_ban", id="unknown-placeholder"),
        pytest.param(template_docx("Kính gửi {{ parent_body }"), "parent_body", id="broken-tag"),
        pytest.param(b"PK not really a docx", "không phải tệp Word", id="not-a-docx"),
        pytest.param(b"x" * (5 * 1024 * 1024 + 1), "lớn hơn 5 MB", id="too-large"),
    ],
)
def test_a_template_that_does_not_fill_is_refused(cast, published, content, expected):  # noqa: F811
    client = cast.client(cast.quang)
    before = saved_state(published)
    response = upload(client, published, content)
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert saved_state(published) == before


def test_a_refused_template_keeps_the_previous_one(cast, published):  # noqa: F811
    client = cast.client(cast.quang)
    upload(client, published, template_docx("Mẫu cũ {{ year }}"))
    upload(client, published, template_docx("{{ khong_co }}"), name="moi.docx")
    assert CampaignReportTexts.objects.get(campaign=published).template_name == "mau.docx"


@pytest.mark.parametrize(("who", "shown"), [("quang", True), ("hoa", False), ("hung", False)])
def test_the_campaign_page_links_the_texts_for_the_office_admin_only(cast, published, who, shown):  # noqa: F811
    content = cast.client(getattr(cast, who)).get(f"/dot-danh-gia/{published.pk}/").content
    assert (f'href="{page(published)}"' in content.decode()) is shown


def test_a_stored_template_that_no_longer_fills_is_explained(cast, published):  # noqa: F811
    CampaignReportTexts.objects.create(
        campaign=published,
        updated_by=cast.quang,
        template=template_docx("{{ khong_co }}"),
        template_name="cu.docx",
    )
    content = failed(cast.client(cast.quang), published, "docx")
    assert "khong_co" in content


def failed(client, campaign, fmt: str) -> str:  # type: ignore[no-untyped-def]
    """The report the worker could not make: its job's page, saying why, with no file."""
    job = job_of(client.post(url(campaign, fmt)))
    run_jobs()
    job.refresh_from_db()
    assert job.state == "failed" and not job.file_size
    content = client.get(f"/viec/{job.pk}/").content.decode()
    assert "Không làm được" in content
    return content


def assert_refused_and_ran_nothing(cast, published, paragraphs, marker):  # type: ignore[no-untyped-def]  # noqa: F811
    """An upload of a hostile template is refused with the reason shown, nothing is stored,
    and the command in it never ran; the page's text, for the caller's own checks."""
    before = saved_state(published)
    response = upload(cast.client(cast.quang), published, template_docx(*paragraphs))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Mẫu báo cáo không dùng được" in content
    assert saved_state(published) == before
    assert not marker.exists()
    return content


def test_a_template_that_reaches_python_internals_is_refused_and_runs_nothing(
    cast,
    published,  # noqa: F811
    tmp_path,
):
    marker = tmp_path / "pwned"
    payload = f"{{{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}}}"
    content = assert_refused_and_ran_nothing(cast, published, ["Báo cáo", payload], marker)
    assert "“cycler”" in content


def test_a_stored_hostile_template_runs_nothing_on_download(cast, published):  # noqa: F811
    payload = "{{ ''.__class__.__mro__[1].__subclasses__() }}"
    CampaignReportTexts.objects.create(
        campaign=published,
        updated_by=cast.quang,
        template=template_docx(payload),
        template_name="doc.docx",
    )
    content = failed(cast.client(cast.quang), published, "docx")
    assert "__class__" in content
    assert "_io.TextIOWrapper" not in content


def test_a_template_that_reaches_the_document_through_a_chart_is_refused_at_upload(
    cast,
    published,  # noqa: F811
    tmp_path,
):
    marker = tmp_path / "pwned"
    assert_refused_and_ran_nothing(cast, published, [chart_escape(marker)], marker)


def test_the_page_itself_lists_the_fields_a_template_may_use(cast):
    from dti.reports.templates import template_context
    from tests.core.reports import report
    from tests.core.seeds import BINHPHUOC

    html = cast.client(cast.quang).get(page(cast.campaign)).content.decode()
    assert "docs/" not in html  # no pointer to a file the office cannot open
    listed = html.split('id="template-fields"', 1)[1].split("</details>", 1)[0]
    context = template_context(report(BINHPHUOC))
    for name in context:
        assert f"<code>{{{{ {name} }}}}</code>" in listed, name
    for name in context["levels"][0]:
        assert f"<code>{name}</code>" in listed, name


def test_the_pdf_of_an_office_template_goes_through_libreoffice_the_standard_one_does_not(
    cast,
    published,  # noqa: F811
    monkeypatch,
):
    """The standard layout's PDF is drawn directly from the report data; the office's own
    template exists only as a DOCX, so LibreOffice converts that one."""
    converted: list[bytes] = []

    def libreoffice(docx: bytes) -> bytes:
        converted.append(docx)
        return b"%PDF-1.7 converted"

    monkeypatch.setattr("portal.campaigns.report.convert_to_pdf", libreoffice)
    client = cast.client(cast.quang)
    standard = download(client, published, "pdf")
    assert standard.status_code == 200 and standard.content.startswith(b"%PDF-")
    assert converted == []
    assert upload(client, published, template_docx("BÁO CÁO CỦA {{ province }}")).status_code == 302
    response = download(client, published, "pdf")
    assert response.content == b"%PDF-1.7 converted"
    assert "BÁO CÁO CỦA Bình Định" in docx_text(converted[0])


@pytest.mark.django_db(transaction=True)
def test_a_template_is_filled_before_its_transaction_opens(cast, published, monkeypatch):  # noqa: F811
    """A hostile template may take its whole confinement to fail; on SQLite a transaction
    holds the database's one write lock from its start, so every save would wait for it."""
    from django.db import connection

    from dti.reports import templates

    filled_in: list[bool] = []
    render = templates.render_template  # loaded by the check that fills it

    def watched(*args, **kwargs):  # type: ignore[no-untyped-def]
        filled_in.append(connection.in_atomic_block)
        return render(*args, **kwargs)

    monkeypatch.setattr(templates, "render_template", watched)
    response = upload(cast.client(cast.quang), published, template_docx("{{ province }}"))
    assert response.status_code == 302
    assert filled_in == [False]
    assert CampaignReportTexts.objects.get(campaign=published).template_name == "mau.docx"

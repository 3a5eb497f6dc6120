"""Helpers for the self-assessment tests: evidence stored in a temporary folder, and the
form's fields read from the page the way a browser would post them."""

from __future__ import annotations

import io
import zipfile
from html.parser import HTMLParser

import pytest
from django.http import HttpResponse

from portal.campaigns.models import CampaignUnit

# A real one-page PDF (cross-reference table and all): an unreadable PDF is refused.
PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
    b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n"
    b"0000000115 00000 n \ntrailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n186\n%%EOF\n"
)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 44
    + b"\x80\x00\x00\x00"
)


def office_file(part: str) -> bytes:
    """A minimal DOCX (part "word") or XLSX (part "xl"): a zip with the parts Office needs."""
    name = "word/document.xml" if part == "word" else "xl/workbook.xml"
    return zip_of({"[Content_Types].xml": '<?xml version="1.0"?><Types/>', name: "<document/>"})


def zip_of(members: dict[str, str]) -> bytes:
    """A zip with a fixed timestamp: the same bytes every run, so parametrized test ids built
    from them are the same in every xdist worker."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()


def pytest_configure(config: pytest.Config) -> None:
    # test_browser_form.py is marked like tests/browser (which registers it when collected)
    config.addinivalue_line("markers", "browser: drives the real pages in headless Chromium")


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    return settings.EVIDENCE_ROOT


# What the page that asks first posts back: only then does a move or a deletion happen.
CONFIRMED = {"confirmed": "1"}


def url(name: str, campaign_unit: CampaignUnit, *args: object) -> str:
    from django.urls import reverse

    return reverse(f"assessments:{name}", args=[campaign_unit.pk, *args])


class FormFields(HTMLParser):
    """The name/value pairs a browser posts for the form with id `form`: its controls are
    those inside it without a `form` attribute, and those anywhere naming it in theirs."""

    def __init__(self, form: str):
        super().__init__()
        self.form, self.inside = form, False
        self.fields: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("id") == self.form
            return
        owner = a.get("form", self.form if self.inside else None)
        if tag in ("input", "select", "textarea") and owner != self.form:
            return  # an <option> belongs to the <select> it is in
        if tag == "input" and a.get("type") == "radio":
            if "checked" in a:
                self.fields[a["name"]] = a["value"]
        elif tag == "input" and a.get("type") not in ("submit", "file"):
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a["name"]
            self.fields.setdefault(a["name"], "")
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields[a["name"]] = ""

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag == "form":
            self.inside = False
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self._textarea:
            self.fields[self._textarea] += data


def form_fields(response: HttpResponse) -> dict[str, str]:
    """The answers form's fields as the page renders them (what "Lưu nháp" would post)."""
    parser = FormFields("answers")
    parser.feed(response.content.decode())
    return parser.fields


# Every criterion Sở Nội vụ must answer, typed the Vietnamese way.
COMPLETE = {
    "value:nts_ke_hoach": "yes",
    "value:nts_tuyen_truyen": "4",
    "value:tcs_quy_che": "day_du",
    "value:cqs_ky_so": "87,5",
    "value:cqs_so_hoa": "75",
    "value:xhs_danh_gia": "20",
}


def save(client, campaign_unit: CampaignUnit, **changes: str) -> HttpResponse:  # type: ignore[no-untyped-def]
    """Open the form, change some fields (by field name, ':' written '__'), press Lưu nháp."""
    fields = form_fields(client.get(url("form", campaign_unit)))
    fields.update({name.replace("__", ":"): value for name, value in changes.items()})
    return client.post(url("save", campaign_unit), fields)


def save_fields(client, campaign_unit: CampaignUnit, values: dict[str, str]) -> HttpResponse:  # type: ignore[no-untyped-def]
    fields = form_fields(client.get(url("form", campaign_unit)))
    fields.update(values)
    return client.post(url("save", campaign_unit), fields)


def set_source(cast, code: str, source: str) -> None:  # type: ignore[no-untyped-def]
    """Change who provides one criterion in the cast's framework (e.g. the system-sourced
    formula becomes a unit-declared one, to exercise formula inputs)."""
    document = cast.framework.document

    def walk(nodes):  # type: ignore[no-untyped-def]
        for node in nodes:
            if node["code"] == code:
                node["source"] = source
            walk(node.get("children", []))

    walk(document["nodes"])
    cast.framework.save()


@pytest.fixture
def unit_formula(cast):  # type: ignore[no-untyped-def]
    """The formula criterion cqs_dvctt declared by the unit (online, total), applying only to
    units with online public services (Sở Nội vụ: yes; Sở Tư pháp: no)."""
    set_source(cast, "cqs_dvctt", "unit")
    return cast


def criterion_block(html: str, code: str) -> str:
    """A criterion's own block on its page (`<article id="tc-…">`)."""
    start = html.index(f'id="tc-{code}"')
    return html[start : html.index("</article>", start)]


def notice_in_block(response: HttpResponse, code: str, text: str, *, ok: bool) -> None:
    """`text` is printed inside the criterion's block, announced as status or alert, and
    nowhere else on the page; the criterion's code appears in no message."""
    html = response.content.decode()
    block = criterion_block(html, code)
    role = "status" if ok else "alert"
    assert f'role="{role}">{text}' in block.replace("&amp;", "&"), block[:600]
    assert html.count(text) == 1
    assert f"{code}: " not in html


@pytest.fixture
def sent(cast):  # type: ignore[no-untyped-def]
    """Sở Nội vụ's self-assessment, complete with a note and one evidence file, sent by Lan
    for Minh's approval."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from portal.assessments import services

    save_fields(
        cast.client(cast.lan),
        cast.noi_vu_campaign_unit,
        {**COMPLETE, "note:cqs_ky_so": "Theo hệ thống QLVB"},
    )
    services.evidence_add_file(
        campaign_unit=cast.noi_vu_campaign_unit,
        actor=cast.lan,
        criterion="nts_ke_hoach",
        upload=SimpleUploadedFile("ke-hoach.pdf", PDF),
    )
    services.submission_submit(campaign_unit=cast.noi_vu_campaign_unit, actor=cast.lan)
    return cast


def require_signatures(cast, pki, mode: str = "required"):  # type: ignore[no-untyped-def]
    """Tỉnh Mẫu's office asks for the unit head's signature (`mode`), trusts the test PKI's
    root, and has confirmed a certificate as Minh's: the Person he signs with is returned."""
    from portal.signatures.models import CertificateIdentity
    from portal.signatures.services import (
        identity_confirm,
        signature_settings_save,
        trust_root_add,
    )

    signature_settings_save(
        province=cast.province,
        actor=cast.quang,
        submission_mode=mode,
        unchecked_revocation_ok=True,
    )
    trust_root_add(province=cast.province, actor=cast.quang, data=pki.root_der)
    minh = pki.person("Trần Văn Minh")
    identity = CertificateIdentity.objects.create(
        user=cast.minh,
        fingerprint=minh.fingerprint,
        name=minh.name,
        subject=f"CN={minh.name}",
        issuer="Cơ quan chứng thực thử nghiệm - cấp 2",
        serial=format(minh.cert.serial_number, "x"),
    )
    identity_confirm(identity=identity, actor=cast.quang, province=cast.province)
    return minh

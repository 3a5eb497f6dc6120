"""The signed official report: the office uploads the signed PDF of a published version's
report; it is kept only when it verifies (intact, unchanged since signing, a certificate of
the province's trust roots, the version's hash in it, a signer the office confirmed who is
the office or leadership), each refusal naming the check; the public then downloads it and
reads who signed it and what the check found, on a page rebuilt for it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from dti.signatures import hash_keywords
from portal.accounts.models import Membership, User
from portal.audit.models import AuditEntry
from portal.publication.models import SignedReport, Version
from portal.publication.report import report_keywords
from portal.publication.selectors import generation
from portal.roles import Role
from tests.portal.conftest import sign_in
from tests.portal.public.conftest import Published, published_province
from tests.portal.publication.signed import confirmed, report_pdf, trusted

pytestmark = pytest.mark.django_db


@dataclass
class Office:
    published: Published
    admin: User
    leader: User
    reporter: User
    signer: object  # pki.person: the office admin's certificate, confirmed

    @property
    def version(self) -> Version:
        return self.published.version

    @property
    def upload_url(self) -> str:
        return f"/cong-bo/phien-ban/{self.version.pk}/bao-cao-da-ky/"


@pytest.fixture
def office(db: None, pki) -> Office:
    cache.clear()
    published = published_province(3)
    province, admin = published.province, published.admin
    trusted(province, pki, admin)
    leader = User.objects.create_user(username="lanh-dao", full_name="Lê Văn Lãnh")
    Membership.objects.create(user=leader, province=province, role=Role.LEADERSHIP)
    reporter = User.objects.create_user(username="bao-cao", full_name="Ngô Thị Báo")
    Membership.objects.create(
        user=reporter, province=province, role=Role.REPORTER, unit=published.units[0]
    )
    signer = pki.person("Nguyễn Văn An")
    confirmed(admin, signer, admin)
    return Office(published, admin, leader, reporter, signer)


def upload(client: Client, office: Office, data: bytes, **extra: str):
    return client.post(
        office.upload_url, {"pdf": _file(data), **extra}, follow=True, HTTP_ACCEPT="text/html"
    )


def _file(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("bao-cao-da-ky.pdf", data, content_type="application/pdf")


def office_client(office: Office, user: User | None = None) -> Client:
    return sign_in(Client(), user or office.admin)


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_a_good_signature_is_kept_served_and_shown(office, pki):
    signed = pki.sign(report_pdf(pki, office.version), office.signer)
    client = office_client(office)
    response = upload(client, office, signed)
    assert response.status_code == 200
    assert "Đã nhận báo cáo đã ký số" in messages_of(response)
    kept = SignedReport.objects.get(version=office.version)
    assert bytes(kept.content) == signed
    assert kept.status == "valid" and kept.signer_name == "Nguyễn Văn An"
    assert kept.uploaded_by == office.admin
    entry = AuditEntry.objects.get(entity="signed_report", action="upload")
    assert entry.new["sha256"] == kept.sha256
    # The office's card says who signed it.
    page = response.content.decode()
    assert "Báo cáo có chữ ký số của Nguyễn Văn An" in page
    # The public downloads the signed bytes.
    download = Client().get(office.published.url("bao-cao.pdf"))
    assert download.status_code == 200
    assert download.content == signed
    assert download["Content-Type"] == "application/pdf"
    numbered = Client().get(office.published.url("phien-ban-1/bao-cao.pdf"))
    assert numbered.content == signed


def test_the_public_page_says_who_signed_and_what_the_check_found(office, pki):
    public = Client()
    before = public.get(office.published.url()).content.decode()  # cached now
    assert "chữ ký số" not in before
    key = generation()
    signed = pki.sign(report_pdf(pki, office.version), office.signer)
    upload(office_client(office), office, signed)
    assert generation() != key  # the cached pages are dropped
    page = public.get(office.published.url()).content.decode()
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert f"Báo cáo PDF có chữ ký số của Nguyễn Văn An, ký ngày {today}" in page
    assert "đã kiểm tra: hợp lệ" in page
    # The test PKI embeds no revocation data: said plainly.
    kept = SignedReport.objects.get()
    assert kept.revocation_checked is False
    assert "chưa kiểm tra thu hồi" in page
    assert kept.signer_fingerprint not in page  # no hash for the citizen
    assert kept.sha256 not in page


def refused(office: Office, pki, data: bytes, *needles: str) -> str:
    response = upload(office_client(office), office, data)
    assert response.status_code == 200
    said = messages_of(response)
    assert "Chưa nhận báo cáo đã ký số" in said
    for needle in needles:
        assert needle in said, said
    assert not SignedReport.objects.exists()  # nothing kept
    assert AuditEntry.objects.filter(entity="signed_report", action="refuse").exists()
    return said


def test_a_byte_changed_after_signing_is_refused(office, pki):
    marked = report_pdf(pki, office.version, "Tong diem ABCDEF")
    signed = pki.sign(marked, office.signer)
    assert signed.count(b"ABCDEF") == 1  # the page's text, inside the signed bytes
    refused(office, pki, signed.replace(b"ABCDEF", b"ABCDEG"), "bị hỏng")


def test_a_signed_copy_of_another_version_is_refused(office, pki):
    other = pki.pdf(keywords=hash_keywords("0" * 64), text="Báo cáo phiên bản khác")
    refused(office, pki, pki.sign(other, office.signer), "mã băm")


def test_a_certificate_of_an_unknown_root_is_refused(office, pki):
    stranger = pki.stranger("Trần Thị Lạ")
    confirmed(office.admin, stranger, office.admin)
    said = refused(office, pki, pki.sign(report_pdf(pki, office.version), stranger))
    assert "gốc tin cậy" in said


def test_an_expired_certificate_is_refused(office, pki):
    expired = pki.expired("Phạm Văn Cũ")
    confirmed(office.admin, expired, office.admin)
    refused(office, pki, pki.sign(report_pdf(pki, office.version), expired), "hết hạn")


def test_a_signer_the_office_has_not_confirmed_is_refused(office, pki):
    unknown = pki.person("Đỗ Văn Mới")
    refused(
        office, pki, pki.sign(report_pdf(pki, office.version), unknown), "chưa được Sở xác nhận"
    )


def test_a_confirmed_signer_who_is_neither_office_nor_leadership_is_refused(office, pki):
    person = pki.person("Ngô Thị Báo")
    confirmed(office.reporter, person, office.admin)
    refused(
        office,
        pki,
        pki.sign(report_pdf(pki, office.version), person),
        "không phải là quản trị Sở chủ trì hay lãnh đạo tỉnh",
    )


def test_a_leaders_signature_is_official(office, pki):
    person = pki.person("Lê Văn Lãnh")
    confirmed(office.leader, person, office.admin)
    upload(office_client(office), office, pki.sign(report_pdf(pki, office.version), person))
    assert SignedReport.objects.get().signer_name == "Lê Văn Lãnh"


def test_an_unsigned_or_unreadable_file_is_refused(office, pki):
    refused(office, pki, report_pdf(pki, office.version))
    refused(office, pki, b"%PDF-1.7\nnot really a PDF\n", "PDF")
    refused(office, pki, b"\x00\x01 random bytes" * 50, "PDF")


def test_a_file_too_large_is_refused_before_it_is_read(office, pki, settings):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    response = upload(office_client(office), office, b"%PDF-" + b"0" * (1024 * 1024 + 1))
    assert "Tệp quá lớn: tối đa 1 MB" in messages_of(response)
    assert not SignedReport.objects.exists()
    assert not AuditEntry.objects.filter(entity="signed_report").exists()


def test_replacing_needs_the_offices_confirmation_and_keeps_the_old_hash(office, pki):
    client = office_client(office)
    first = pki.sign(report_pdf(pki, office.version), office.signer)
    upload(client, office, first)
    old = SignedReport.objects.get().sha256
    second = pki.sign(report_pdf(pki, office.version, "Lần 2"), office.signer)
    response = upload(client, office, second)
    assert "hãy xác nhận để thay" in messages_of(response)
    assert SignedReport.objects.get().sha256 == old
    upload(client, office, second, replace="on")
    kept = SignedReport.objects.get()
    assert bytes(kept.content) == second
    entry = AuditEntry.objects.get(entity="signed_report", action="replace")
    assert entry.old["sha256"] == old and entry.new["sha256"] == kept.sha256
    assert Client().get(office.published.url("bao-cao.pdf")).content == second


@pytest.mark.parametrize("who", ["leader", "reporter"])
def test_only_the_office_uploads(office, pki, who):
    signed = pki.sign(report_pdf(pki, office.version), office.signer)
    client = office_client(office, getattr(office, who))
    response = client.post(office.upload_url, {"pdf": _file(signed)})
    assert response.status_code == 403
    assert not SignedReport.objects.exists()


def test_anonymous_and_outsiders_cannot_upload(office, pki):
    signed = pki.sign(report_pdf(pki, office.version), office.signer)
    response = Client().post(office.upload_url, {"pdf": _file(signed)})
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]
    outsider_province = published_province(2, "tinh-ngoai", "Tỉnh Ngoài")
    outsider = sign_in(Client(), outsider_province.admin)
    assert outsider.post(office.upload_url, {"pdf": _file(signed)}).status_code == 404
    assert not SignedReport.objects.exists()


def test_the_card_shows_to_the_office_and_leadership_the_form_to_the_office(office):
    manage = f"/cong-bo/{office.published.campaign.pk}/"
    office_page = office_client(office).get(manage).content.decode()
    assert "Báo cáo đã ký số" in office_page
    assert 'enctype="multipart/form-data"' in office_page
    assert f"/cong-bo/phien-ban/{office.version.pk}/bao-cao-de-ky.pdf" in office_page
    leader_page = office_client(office, office.leader).get(manage).content.decode()
    assert "Báo cáo đã ký số" in leader_page
    assert 'enctype="multipart/form-data"' not in leader_page


def test_a_version_not_published_or_unknown_is_404(office, pki):
    pending = Version.objects.create(
        campaign=office.published.campaign,
        number=2,
        digest="1" * 64,
        requested_by=office.admin,
        requested_at=timezone.now(),
    )
    client = office_client(office)
    signed = pki.sign(report_pdf(pki, office.version), office.signer)
    for pk in (pending.pk, 999999):
        assert (
            client.post(
                f"/cong-bo/phien-ban/{pk}/bao-cao-da-ky/", {"pdf": _file(signed)}
            ).status_code
            == 404
        )
        assert client.get(f"/cong-bo/phien-ban/{pk}/bao-cao-de-ky.pdf").status_code == 404


@pytest.mark.slow
def test_the_report_the_portal_makes_is_the_one_to_sign(office, pki):
    """A real LibreOffice conversion: the DOCX's keywords carry the version's hash, but
    LibreOffice splits them into words in the PDF, so the portal sets them again; the
    office downloads that PDF, signs it, and it verifies."""
    import io

    from docx import Document
    from pyhanko.pdf_utils.reader import PdfFileReader

    from dti.reports.pdf import convert_to_pdf
    from portal.publication.report import published_report

    version = office.version
    expected = hash_keywords(version.digest)
    docx = published_report(version, "docx").content
    assert expected in Document(io.BytesIO(docx)).core_properties.keywords
    raw = PdfFileReader(io.BytesIO(convert_to_pdf(docx))).trailer["/Info"]
    assert expected not in str(raw["/Keywords"])  # what LibreOffice makes of it
    response = office_client(office).get(f"/cong-bo/phien-ban/{version.pk}/bao-cao-de-ky.pdf")
    assert response.status_code == 200
    info = PdfFileReader(io.BytesIO(response.content)).trailer["/Info"]
    assert str(info["/Keywords"]) == report_keywords(version)
    assert expected in str(info["/Keywords"])
    signed = pki.sign(response.content, office.signer)
    upload(office_client(office), office, signed)
    assert SignedReport.objects.get().status == "valid"
    assert Client().get(office.published.url("bao-cao.pdf")).content == signed
    # The DOCX and XLSX stay the portal's.
    assert Client().get(office.published.url("bao-cao.docx")).content == docx

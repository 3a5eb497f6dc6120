"""The signed official report: the office uploads the signed PDF of a published version's
report and names who signed it (an office admin or a leader of the province); it is kept
only when it verifies (intact, unchanged since signing, a certificate of the province's
trust roots, the version's hash in it, the certificate confirmed as the named person's),
each refusal naming the check; the public then downloads it and reads who signed it and
what the check found, on a page rebuilt for it."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from docx import Document
from pyhanko.pdf_utils.reader import PdfFileReader

from dti.reports.pdf import convert_to_pdf, keywords_of
from dti.signatures import hash_keywords, verify_pdf
from portal.accounts.models import Membership, User
from portal.audit.models import AuditEntry
from portal.publication.models import SignedReport, Version
from portal.publication.report import published_report, report_keywords
from portal.publication.selectors import generation
from portal.publication.verify import signed_report_upload
from portal.roles import Role
from portal.signatures.models import CertificateIdentity, IdentityState
from tests.portal.conftest import sign_in
from tests.portal.public.conftest import Published, published_province
from tests.portal.publication.signed import confirmed, report_pdf, trusted
from tests.signing import pdf

pytestmark = pytest.mark.django_db


@dataclass
class Office:
    published: Published
    admin: User
    leader: User
    reporter: User
    signer: Any  # tests.signing.Person: the leader's certificate, confirmed

    @property
    def version(self) -> Version:
        return self.published.version

    @property
    def upload_url(self) -> str:
        return f"/cong-bo/phien-ban/{self.version.pk}/bao-cao-da-ky/"


@pytest.fixture
def office(db: None, pki: Any) -> Office:
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
    signer = pki.person("Lê Văn Lãnh")
    confirmed(leader, signer, admin)
    return Office(published, admin, leader, reporter, signer)


def _file(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("bao-cao-da-ky.pdf", data, content_type="application/pdf")


def upload(client: Client, office: Office, data: bytes, signer: User | None = None, **extra: str):
    fields = {"pdf": _file(data), "signer": str((signer or office.leader).pk), **extra}
    return client.post(office.upload_url, fields, follow=True)


def office_client(office: Office, user: User | None = None) -> Client:
    return sign_in(Client(), user or office.admin)


def messages_of(response: Any) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def signed_by_leader(pki: Any, office: Office, text: str = "Báo cáo kết quả DTI") -> bytes:
    return pki.sign(report_pdf(office.version, text), office.signer)


def test_a_good_signature_is_kept_served_and_shown(office, pki):
    signed = signed_by_leader(pki, office)
    response = upload(office_client(office), office, signed)
    assert response.status_code == 200
    assert "Đã nhận báo cáo đã ký số" in messages_of(response)
    kept = SignedReport.objects.get(version=office.version)
    assert bytes(kept.content) == signed
    assert kept.status == "valid" and kept.signer_name == "Lê Văn Lãnh"
    assert kept.uploaded_by == office.admin and kept.signer_fingerprint == office.signer.fingerprint
    entry = AuditEntry.objects.get(entity="signed_report", action="upload")
    assert entry.new["sha256"] == kept.sha256
    assert "Báo cáo có chữ ký số của Lê Văn Lãnh" in response.content.decode()  # the card
    # The public downloads the signed bytes, current and numbered; the DOCX stays the portal's.
    for tail in ("bao-cao.pdf", "phien-ban-1/bao-cao.pdf"):
        download = Client().get(office.published.url(tail))
        assert download.status_code == 200
        assert download.content == signed
        assert download["Content-Type"] == "application/pdf"


def test_the_public_page_says_who_signed_and_what_the_check_found(office, pki):
    public = Client()
    before = public.get(office.published.url()).content.decode()  # cached now
    assert "chữ ký số" not in before
    key = generation()
    upload(office_client(office), office, signed_by_leader(pki, office))
    assert generation() != key  # the cached pages are dropped
    page = public.get(office.published.url()).content.decode()
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert f"Báo cáo PDF có chữ ký số của Lê Văn Lãnh, ký ngày {today}" in page
    assert "đã kiểm tra: hợp lệ" in page
    kept = SignedReport.objects.get()
    assert kept.revocation_checked is False  # the test PKI's signature embeds none
    assert "chưa kiểm tra thu hồi" in page
    assert kept.signer_fingerprint not in page and kept.sha256 not in page


def test_the_public_page_says_when_revocation_was_checked(office, pki):
    signed = pki.with_revocation_data(signed_by_leader(pki, office))
    upload(office_client(office), office, signed)
    assert SignedReport.objects.get().revocation_checked is True
    page = Client().get(office.published.url()).content.decode()
    assert "đã kiểm tra: hợp lệ" in page and "chưa kiểm tra thu hồi" not in page


def refused(office: Office, data: bytes, *needles: str, signer: User | None = None) -> str:
    response = upload(office_client(office), office, data, signer)
    assert response.status_code == 200
    said = messages_of(response)
    assert "Chưa nhận báo cáo đã ký số" in said
    for needle in needles:
        assert needle in said, said
    assert not SignedReport.objects.exists()  # nothing kept
    assert AuditEntry.objects.filter(entity="signed_report", action="refuse").exists()
    return said


def test_a_byte_changed_after_signing_is_refused(office, pki):
    signed = signed_by_leader(pki, office)
    at = signed.index(b"/Keywords") - 40  # inside the signed bytes
    tampered = signed[:at] + bytes([signed[at] ^ 0x01]) + signed[at + 1 :]
    refused(office, tampered, "chữ ký bị hỏng")


def test_a_signed_copy_of_another_version_is_refused(office, pki):
    other = pdf(keywords=hash_keywords("0" * 64), text="Báo cáo phiên bản khác")
    refused(office, pki.sign(other, office.signer), "mã băm khác")


def test_a_certificate_of_an_unknown_root_is_refused(office, pki):
    stranger = pki.stranger("Lê Văn Lãnh")
    confirmed(office.leader, stranger, office.admin)
    refused(office, pki.sign(report_pdf(office.version), stranger), "gốc tin cậy")


def test_an_expired_certificate_is_refused(office, pki):
    expired = pki.expired("Lê Văn Lãnh")
    confirmed(office.leader, expired, office.admin)
    refused(office, pki.sign(report_pdf(office.version), expired), "hết hạn")


def test_a_new_certificate_is_claimed_for_the_signer_named_then_confirmed(office, pki):
    """The office names the admin as signer; his certificate is nobody's yet: refused and
    claimed for him, once; confirmed by the office, the same file is accepted."""
    own = pki.person("Văn phòng Sở")
    signed = pki.sign(report_pdf(office.version), own)
    refused(office, signed, "chưa được Sở chủ trì xác nhận", signer=office.admin)
    refused(office, signed, signer=office.admin)
    claim = CertificateIdentity.objects.get(fingerprint=own.fingerprint)
    assert claim.user == office.admin and claim.state == IdentityState.PENDING
    CertificateIdentity.objects.filter(pk=claim.pk).update(state=IdentityState.CONFIRMED)
    upload(office_client(office), office, signed, office.admin)
    assert SignedReport.objects.get().signer_name == "Văn phòng Sở"


def test_a_certificate_confirmed_as_another_persons_is_refused(office, pki):
    refused(office, signed_by_leader(pki, office), "không phải là", signer=office.admin)


def test_a_signer_who_is_neither_office_nor_leadership_is_refused(office, pki):
    person = pki.person("Ngô Thị Báo")
    confirmed(office.reporter, person, office.admin)
    signed = pki.sign(report_pdf(office.version), person)
    response = upload(office_client(office), office, signed, office.reporter)
    said = messages_of(response)
    assert said and "Đã nhận" not in said  # not a choice of the form
    assert not SignedReport.objects.exists()
    with pytest.raises(ValidationError, match="không phải là quản trị Sở chủ trì"):
        signed_report_upload(
            version=office.version, user=office.admin, signer=office.reporter, data=signed
        )


def test_an_unsigned_or_unreadable_file_is_refused(office):
    refused(office, report_pdf(office.version), "không có chữ ký")
    refused(office, b"%PDF-1.7\nnot really a PDF\n", "PDF")
    refused(office, b"\x00\x01 random bytes" * 50, "PDF")


def test_a_file_too_large_is_refused_before_it_is_read(office, settings):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    response = upload(office_client(office), office, b"%PDF-" + b"0" * (1024 * 1024 + 1))
    assert "Tệp quá lớn: tối đa 1 MB" in messages_of(response)
    assert not SignedReport.objects.exists()
    assert not AuditEntry.objects.filter(entity="signed_report").exists()


def test_replacing_needs_the_offices_confirmation_and_keeps_the_old_hash(office, pki):
    client = office_client(office)
    upload(client, office, signed_by_leader(pki, office))
    old = SignedReport.objects.get().sha256
    second = signed_by_leader(pki, office, "Lần 2")
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
    client = office_client(office, getattr(office, who))
    fields = {"pdf": _file(signed_by_leader(pki, office)), "signer": office.leader.pk}
    assert client.post(office.upload_url, fields).status_code == 403
    assert not SignedReport.objects.exists()


def test_anonymous_and_outsiders_cannot_upload(office, pki):
    fields = {"pdf": _file(signed_by_leader(pki, office)), "signer": office.leader.pk}
    response = Client().post(office.upload_url, fields)
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]
    outsider = published_province(2, "tinh-ngoai", "Tỉnh Ngoài").admin
    fields["pdf"] = _file(signed_by_leader(pki, office))
    assert sign_in(Client(), outsider).post(office.upload_url, fields).status_code == 404
    assert not SignedReport.objects.exists()


def test_the_card_shows_to_the_office_and_leadership_the_form_to_the_office(office, pki):
    manage = f"/cong-bo/{office.published.campaign.pk}/"
    office_page = office_client(office).get(manage).content.decode()
    assert "Báo cáo đã ký số" in office_page
    assert 'enctype="multipart/form-data"' in office_page
    assert f"/cong-bo/phien-ban/{office.version.pk}/bao-cao-de-ky.pdf" in office_page
    assert "Lê Văn Lãnh" in office_page  # a signer to choose
    assert "Ngô Thị Báo" not in office_page
    leader_page = office_client(office, office.leader).get(manage).content.decode()
    assert "Báo cáo đã ký số" in leader_page
    assert 'enctype="multipart/form-data"' not in leader_page


def test_a_version_not_published_or_unknown_is_404(office, pki):
    signed = signed_by_leader(pki, office)  # of the published version
    pending = Version.objects.create(
        campaign=office.published.campaign,
        number=2,
        digest="1" * 64,
        requested_by=office.admin,
        requested_at=timezone.now(),
    )
    client = office_client(office)
    for pk in (pending.pk, 999999):
        fields = {"pdf": _file(signed), "signer": office.leader.pk}
        assert client.post(f"/cong-bo/phien-ban/{pk}/bao-cao-da-ky/", fields).status_code == 404
        assert client.get(f"/cong-bo/phien-ban/{pk}/bao-cao-de-ky.pdf").status_code == 404


def test_a_kept_pdf_without_the_hash_gets_it_on_its_way_to_the_signer(office):
    """A PDF kept before reports carried the hash: the office's copy has it, on top of the
    kept bytes; the public's copy stays as kept."""
    from portal.publication.models import VersionFile

    old = pdf(keywords="DTI, chuyển đổi số", text="Báo cáo cũ")
    VersionFile.objects.create(
        version=office.version, fmt="pdf", name="cu.pdf", content=old, sha256="-"
    )
    response = office_client(office).get(
        f"/cong-bo/phien-ban/{office.version.pk}/bao-cao-de-ky.pdf"
    )
    assert response.status_code == 200
    assert response.content.startswith(old)  # an update appended
    assert keywords_of(response.content) == report_keywords(office.version)
    assert Client().get(office.published.url("bao-cao.pdf")).content == old
    # Leadership downloads it too (the signer may be a leader); a reporter may not.
    to_sign = f"/cong-bo/phien-ban/{office.version.pk}/bao-cao-de-ky.pdf"
    leaders = office_client(office, office.leader).get(to_sign)
    assert leaders.status_code == 200
    assert keywords_of(leaders.content) == report_keywords(office.version)
    assert office_client(office, office.reporter).get(to_sign).status_code == 403


@pytest.mark.slow
def test_the_report_the_portal_makes_is_the_one_to_sign(office, pki):
    """The DOCX's keywords carry the version's hash. A real LibreOffice conversion would
    split them into words; the portal draws the PDF itself, with the keywords exactly as
    the DOCX's. The office downloads that PDF, has it signed, and it verifies."""
    version = office.version
    expected = hash_keywords(version.digest)
    docx = published_report(version, "docx").content
    assert expected in Document(io.BytesIO(docx)).core_properties.keywords
    assert expected not in keywords_of(convert_to_pdf(docx))  # what LibreOffice makes of it
    response = office_client(office).get(f"/cong-bo/phien-ban/{version.pk}/bao-cao-de-ky.pdf")
    assert response.status_code == 200
    info = PdfFileReader(io.BytesIO(response.content)).trailer["/Info"]
    assert str(info["/Keywords"]) == report_keywords(version)
    signed = pki.sign(response.content, office.signer)
    upload(office_client(office), office, signed)
    assert SignedReport.objects.get().status == "valid"
    assert Client().get(office.published.url("bao-cao.pdf")).content == signed
    assert Client().get(office.published.url("bao-cao.docx")).content == docx


@pytest.mark.slow
def test_where_the_portal_signs_its_pdfs_the_report_carries_both_signatures(
    office, pki, tmp_path, settings
):
    """With the organisation's certificate set (DTI_SIGNING_PKCS12), the report the portal
    makes is signed by the portal; the leader signs on top, and the upload is accepted."""
    portal = pki.person("Sở Khoa học và Công nghệ tỉnh Thử nghiệm")
    (tmp_path / "portal.p12").write_bytes(portal.pkcs12(b"bi mat"))
    (tmp_path / "passphrase").write_text("bi mat\n")
    settings.DTI_SIGNING_PKCS12 = str(tmp_path / "portal.p12")
    settings.DTI_SIGNING_PASSPHRASE_FILE = str(tmp_path / "passphrase")
    settings.DTI_SIGNING_TSA_URL = ""
    made = published_report(office.version, "pdf").content
    (own,) = verify_pdf(made, [pki.root_der])
    assert own.valid and own.signer.name == portal.name
    assert own.carried_hash == office.version.digest
    signed = pki.sign(made, office.signer, field_name="Signature2")
    upload(office_client(office), office, signed)
    kept = SignedReport.objects.get()
    assert kept.signer_name == "Lê Văn Lãnh" and kept.status == "valid"
    assert [s.signer.name for s in verify_pdf(signed, [pki.root_der])] == [
        portal.name,
        "Lê Văn Lãnh",
    ]


@pytest.mark.slow
def test_a_pdf_the_portal_cannot_sign_is_not_kept_and_the_page_says_so(office, tmp_path, settings):
    from portal.publication.models import VersionFile

    (tmp_path / "hong.p12").write_bytes(b"not a PKCS#12 file")
    settings.DTI_SIGNING_PKCS12 = str(tmp_path / "hong.p12")
    settings.DTI_SIGNING_PASSPHRASE_FILE = ""
    response = Client().get(office.published.url("bao-cao.pdf"))
    assert response.status_code == 503
    assert "Chưa tạo được báo cáo PDF" in response.content.decode()
    assert not VersionFile.objects.filter(fmt="pdf").exists()
    to_sign = f"/cong-bo/phien-ban/{office.version.pk}/bao-cao-de-ky.pdf"
    response = office_client(office).get(to_sign, follow=True)
    assert "Chưa tạo được báo cáo PDF" in messages_of(response)


@pytest.mark.django_db(transaction=True)
def test_a_refusal_is_recorded_outside_any_request_transaction(office, pki):
    """As in production (autocommit, no transaction around the request): the refusal's
    entry is written and stays, though nothing else is kept."""
    with pytest.raises(ValidationError):
        signed_report_upload(
            version=office.version, user=office.admin, signer=office.leader, data=b"%PDF-1.7"
        )
    assert AuditEntry.objects.filter(entity="signed_report", action="refuse").count() == 1
    assert not SignedReport.objects.exists()

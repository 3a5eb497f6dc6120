"""Signed evidence: a PDF's signatures are checked as it is uploaded (with the province's
trust roots, pyHanko through portal.signatures), one row per signature, a badge next to the
file on the unit's page and the team's sheet; a broken or unreadable PDF is still the unit's
evidence; a campaign's PDFs are checked again once the office trusts their root."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.assessments.evidence_files import evidence_signatures_recheck
from portal.assessments.evidence_signatures import signatures_found
from portal.assessments.models import Evidence, EvidenceSignature, SignatureStatus, Submission
from portal.audit.models import AuditEntry
from portal.audit.rows import log_row
from portal.signatures.services import trust_root_add
from tests.portal.assessments.conftest import PDF, PNG, criterion_block, url
from tests.portal.conftest import Cast
from tests.signing import pdf

CRITERION = "nts_ke_hoach"
SIGNER = "Nguyễn Văn An"


def upload(cast: Cast, name: str, content: bytes):  # type: ignore[no-untyped-def]
    client = cast.client(cast.lan)
    target = url("evidence_upload", cast.noi_vu_campaign_unit, CRITERION)
    return client.post(target, {"file": SimpleUploadedFile(name, content)}, follow=True)


def trust(cast: Cast, pki) -> None:  # type: ignore[no-untyped-def]
    """The office of the cast's province trusts the test PKI's root."""
    trust_root_add(province=cast.province, actor=cast.quang, data=pki.root_der)


def signed(pki, who: str = SIGNER, keywords: str = "quyet-dinh-ke-hoach") -> bytes:  # type: ignore[no-untyped-def]
    return pki.sign(pdf(keywords=keywords, text="Kế hoạch chuyển đổi số"), pki.person(who))


def badges(html: str) -> list[tuple[str, str]]:
    """(tone, text) of each signature badge, whitespace collapsed."""
    found = re.findall(r'<span class="badge (\w+)" data-signature="\w+">(.*?)</span>', html, re.S)
    return [(tone, " ".join(text.split())) for tone, text in found]


def today() -> str:
    return timezone.localdate().strftime("%d/%m/%Y")


def test_a_signed_pdf_of_a_trusted_root_is_valid(cast: Cast, pki):  # type: ignore[no-untyped-def]
    trust(cast, pki)
    response = upload(cast, "quyet-dinh.pdf", signed(pki))
    [row] = EvidenceSignature.objects.all()
    assert (row.signer_name, row.status, row.position) == (SIGNER, SignatureStatus.VALID, 0)
    assert row.signed_at is not None and row.checked_at is not None
    assert len(row.fingerprint) == 64
    block = criterion_block(response.content.decode(), CRITERION)
    assert badges(block) == [("ok", f"Ký số: {SIGNER}, {today()} — hợp lệ")]
    entry = AuditEntry.objects.get(entity="evidence_signature")
    assert (entry.action, entry.actor, entry.criterion) == ("check", cast.lan, CRITERION)
    assert entry.new[0]["status"] == "valid" and entry.new[0]["signer"] == SIGNER


def test_the_trail_reads_a_check_in_words_with_the_fingerprint_apart(cast: Cast, pki):  # type: ignore[no-untyped-def]
    trust(cast, pki)
    upload(cast, "quyet-dinh.pdf", signed(pki))
    entry = AuditEntry.objects.get(entity="evidence_signature")
    row = log_row(entry, {})
    assert row.what == "Chữ ký số trên minh chứng: kiểm tra"
    assert f"người ký: {SIGNER}" in row.new_plain and "tình trạng: hợp lệ" in row.new_plain
    fingerprint = entry.new[0]["fingerprint"]
    assert fingerprint not in row.new_plain and fingerprint in row.changes_technical
    assert row.reason_plain == "quyet-dinh.pdf"


def test_a_signature_of_an_unknown_root_is_untrusted(cast: Cast, pki):  # type: ignore[no-untyped-def]
    trust(cast, pki)
    stranger = pki.sign(pdf(keywords="x", text="Quyết định"), pki.stranger("Trần Thị Lạ"))
    response = upload(cast, "quyet-dinh.pdf", stranger)
    [row] = EvidenceSignature.objects.all()
    assert row.status == SignatureStatus.UNTRUSTED
    block = criterion_block(response.content.decode(), CRITERION)
    assert badges(block) == [("warn", f"Ký số: Trần Thị Lạ, {today()} — không rõ gốc tin cậy")]


def test_a_pdf_changed_after_signing_is_broken_but_kept(cast: Cast, pki):  # type: ignore[no-untyped-def]
    trust(cast, pki)
    data = signed(pki)
    at = data.index(b"/Keywords") - 40  # inside the signed bytes, not the signature's own
    tampered = data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]
    response = upload(cast, "quyet-dinh.pdf", tampered)
    assert Evidence.objects.count() == 1  # the unit's file, whatever its signature says
    [row] = EvidenceSignature.objects.all()
    assert row.status == SignatureStatus.BROKEN
    [(tone, text)] = badges(criterion_block(response.content.decode(), CRITERION))
    assert tone == "bad"
    assert text.startswith(f"Ký số: {SIGNER}") and text.endswith("— hỏng")


@pytest.mark.parametrize(
    ("name", "content"), [("ke-hoach.pdf", PDF), ("anh.png", PNG)], ids=["unsigned-pdf", "png"]
)
def test_an_unsigned_or_other_file_has_no_signature_and_no_badge(cast: Cast, name, content):  # type: ignore[no-untyped-def]
    response = upload(cast, name, content)
    assert Evidence.objects.count() == 1
    assert not EvidenceSignature.objects.exists()
    assert badges(response.content.decode()) == []
    assert not AuditEntry.objects.filter(entity="evidence_signature").exists()


def test_random_bytes_named_pdf_are_refused_plainly_never_a_500(cast: Cast):
    """The evidence checks refuse a file no PDF reader can parse (before any signature
    check): a clear message on the criterion, nothing stored."""
    response = upload(cast, "quyet-dinh.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 8)
    assert response.status_code == 200
    assert "quyet-dinh.pdf" in criterion_block(response.content.decode(), CRITERION)
    assert not Evidence.objects.exists() and not EvidenceSignature.objects.exists()


def test_a_pdf_only_a_lenient_reader_repairs_is_kept_as_unreadable(cast: Cast):
    """A wrong cross-reference offset: pypdf (the hostile-content check) repairs it and
    accepts the file; pyHanko will not read it. The unit's file is kept, the badge says
    its signatures could not be checked, and nothing fails."""
    broken = PDF.replace(b"startxref\n186", b"startxref\n999")
    response = upload(cast, "quyet-dinh.pdf", broken)
    assert response.status_code == 200
    assert Evidence.objects.get().original_name == "quyet-dinh.pdf"
    [row] = EvidenceSignature.objects.all()
    assert (row.status, row.signer_name) == (SignatureStatus.UNREADABLE, "")
    block = criterion_block(response.content.decode(), CRITERION)
    assert badges(block) == [("bad", "Ký số: không đọc được tệp PDF để kiểm tra")]
    entry = AuditEntry.objects.get(entity="evidence_signature")
    assert entry.new == [
        {"signer": "", "signed_at": None, "status": "unreadable", "revocation_checked": False,
         "fingerprint": ""}
    ]  # fmt: skip


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7\n" + bytes(range(256)) * 8, b"not a pdf at all", b""],
    ids=["garbage-after-header", "text", "empty"],
)
def test_a_file_the_signature_check_cannot_read_is_unreadable(cast: Cast, data):  # type: ignore[no-untyped-def]
    [row] = signatures_found(province=cast.province, data=data)
    assert (row.status, row.signer_name, row.signed_at) == (SignatureStatus.UNREADABLE, "", None)
    assert row.tone == "bad"


def test_an_unreadable_row_shows_its_own_badge(cast: Cast):
    evidence = file_evidence(cast, "hong.pdf")
    EvidenceSignature.objects.create(
        evidence=evidence, status=SignatureStatus.UNREADABLE, checked_at=timezone.now()
    )
    html = cast.client(cast.lan).get(url("form", cast.noi_vu_campaign_unit)).content.decode()
    assert badges(html) == [("bad", "Ký số: không đọc được tệp PDF để kiểm tra")]


def test_the_recheck_after_a_new_root_turns_untrusted_into_valid(cast: Cast, pki, capsys):  # type: ignore[no-untyped-def]
    upload(cast, "quyet-dinh.pdf", signed(pki))
    upload(cast, "ke-hoach.pdf", PDF)  # unsigned: a new root changes nothing for it
    assert EvidenceSignature.objects.get().status == SignatureStatus.UNTRUSTED
    trust(cast, pki)
    call_command("evidence_signatures_recheck", str(cast.campaign.pk))
    assert "đã kiểm tra 1 tệp PDF, 1 tệp có kết quả khác trước, 0 tệp" in capsys.readouterr().out
    row = EvidenceSignature.objects.get()
    assert (row.status, row.signer_name) == (SignatureStatus.VALID, SIGNER)
    change = AuditEntry.objects.get(entity="evidence_signature", action="recheck")
    assert change.old[0]["status"] == "untrusted" and change.new[0]["status"] == "valid"
    run = AuditEntry.objects.get(entity="evidence_signature", action="recheck_campaign")
    assert run.new == {"checked": 1, "changed": 1, "missing": 0, "every_pdf": False}
    assert run.actor is None and run.actor_name == "evidence_signatures_recheck"
    assert "số tệp đã kiểm tra: 1" in log_row(run, {}).new_plain
    again = evidence_signatures_recheck(campaign=cast.campaign, actor=cast.quang, every_pdf=True)
    assert (again.checked, again.changed, again.missing) == (2, 0, 0)  # the unsigned one too
    assert AuditEntry.objects.filter(entity="evidence_signature", action="recheck").count() == 1


def test_the_recheck_counts_a_file_gone_from_the_disk(cast: Cast, pki, evidence_root):  # type: ignore[no-untyped-def]
    upload(cast, "quyet-dinh.pdf", signed(pki))
    for path in evidence_root.rglob("*"):
        if path.is_file():
            path.unlink()
    done = evidence_signatures_recheck(campaign=cast.campaign)
    assert (done.checked, done.changed, done.missing) == (0, 0, 1)
    assert EvidenceSignature.objects.get().status == SignatureStatus.UNTRUSTED


@pytest.mark.parametrize("argument", ["999999", "abc", "99999999999999999999"])
def test_the_command_refuses_an_unknown_campaign(cast: Cast, argument):  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match="không có đợt đánh giá này"):
        call_command("evidence_signatures_recheck", argument)


# ---- no query per file ----------------------------------------------------------------------


def file_evidence(cast: Cast, name: str, criterion: str = CRITERION) -> Evidence:
    submission, _ = Submission.objects.get_or_create(campaign_unit=cast.noi_vu_campaign_unit)
    return Evidence.objects.create(
        submission=submission,
        criterion=criterion,
        stored_name=f"ab/{name}",
        original_name=name,
        content_type="application/pdf",
        size=1000,
        sha256="0" * 64,
        uploaded_by=cast.lan,
    )


def signed_files(cast: Cast, count: int) -> None:
    """`count` files, each with a valid and an untrusted signature, over two criteria."""
    for n in range(count):
        criterion = CRITERION if n % 2 else "nts_tuyen_truyen"
        evidence = file_evidence(cast, f"van-ban-{n}.pdf", criterion)
        for position, status in enumerate([SignatureStatus.VALID, SignatureStatus.UNTRUSTED]):
            EvidenceSignature.objects.create(
                evidence=evidence,
                position=position,
                signer_name=f"Người ký {n}",
                signed_at=timezone.now(),
                status=status,
                revocation_checked=True,
                checked_at=timezone.now(),
            )


def test_the_badges_cost_one_query_whatever_the_number_of_files(
    cast: Cast, django_assert_max_num_queries
):  # type: ignore[no-untyped-def]
    client = cast.client(cast.lan)
    page = url("form", cast.noi_vu_campaign_unit)
    signed_files(cast, 1)
    client.get(page)  # the session and the framework's cache, once
    with CaptureQueriesContext(connection) as one_file:
        assert len(badges(client.get(page).content.decode())) == 2
    signed_files(cast, 11)  # 12 files now, with 24 signatures
    with django_assert_max_num_queries(len(one_file)):
        assert len(badges(client.get(page).content.decode())) == 24


# ---- the office's re-check --------------------------------------------------------------


def recheck_url(cast: Cast) -> str:
    return reverse("assessments:evidence_signatures_recheck", args=[cast.campaign.pk])


def test_the_office_rechecks_from_the_campaign_page(cast: Cast, pki):  # type: ignore[no-untyped-def]
    upload(cast, "quyet-dinh.pdf", signed(pki))
    trust(cast, pki)
    client = cast.client(cast.quang)
    page = client.get(reverse("campaigns:detail", args=[cast.campaign.pk])).content.decode()
    assert f'action="{recheck_url(cast)}"' in page
    assert "Kiểm tra lại chữ ký số của minh chứng" in page
    html = client.post(recheck_url(cast), follow=True).content.decode()
    assert "Đã kiểm tra lại chữ ký số của 1 tệp minh chứng; 1 tệp có kết quả khác trước." in html
    assert EvidenceSignature.objects.get().status == SignatureStatus.VALID
    run = AuditEntry.objects.get(entity="evidence_signature", action="recheck_campaign")
    assert run.actor == cast.quang
    assert client.get(recheck_url(cast)).status_code == 405


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 302), ("khoa", 404), ("thao", 403), ("lan", 403), ("hoa", 403), ("hung", 403)],
)
def test_no_one_else_rechecks(cast: Cast, who, status):  # type: ignore[no-untyped-def]
    client = cast.client(getattr(cast, who) if who else None)
    assert client.post(recheck_url(cast)).status_code == status
    assert not AuditEntry.objects.filter(entity="evidence_signature").exists()
    if who in {"lan", "hoa", "hung"}:
        page = client.get(reverse("campaigns:detail", args=[cast.campaign.pk])).content.decode()
        assert recheck_url(cast) not in page


def test_an_unknown_campaign_is_not_found(cast: Cast):
    assert (
        cast.client(cast.quang).post("/tu-danh-gia/dot/999999/kiem-tra-chu-ky-so/").status_code
        == 404
    )


def test_all_checks_the_files_uploaded_before_signatures_were_checked(cast: Cast, pki, capsys):  # type: ignore[no-untyped-def]
    upload(cast, "quyet-dinh.pdf", signed(pki))
    EvidenceSignature.objects.all().delete()  # as if uploaded before the check existed
    call_command("evidence_signatures_recheck", str(cast.campaign.pk))
    assert "đã kiểm tra 0 tệp PDF" in capsys.readouterr().out
    call_command("evidence_signatures_recheck", str(cast.campaign.pk), "--all")
    assert "đã kiểm tra 1 tệp PDF, 1 tệp có kết quả khác trước" in capsys.readouterr().out
    assert EvidenceSignature.objects.get().status == SignatureStatus.UNTRUSTED

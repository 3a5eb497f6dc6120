"""Evidence files: what a file really is (by its content, never its name), where it is kept
(in the evidence store, portal.evidence_store: a folder or a bucket, with a random name),
and the upload guard that stops reading an oversized upload instead of spooling it to disk."""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePosixPath
from typing import IO

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext

from dti.fixedpoint import format_vi, round_half_up
from dti.text import file_label
from portal import evidence_store
from portal.accounts.models import User
from portal.assessments.evidence_checks import check_quota, check_upload
from portal.assessments.evidence_signatures import (
    RECHECK_ACTOR,
    campaign_pdfs,
    signatures_found,
    signatures_keep,
)
from portal.assessments.models import Evidence, EvidenceSignature, Submission
from portal.audit.services import audit_record
from portal.campaigns.models import AppraisalRound, Campaign, CampaignUnit


@dataclass(frozen=True)
class Kind:
    label: str
    content_type: str


KINDS = {
    "pdf": Kind("PDF", "application/pdf"),
    "docx": Kind("DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": Kind("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "png": Kind("PNG", "image/png"),
    "jpeg": Kind("JPEG", "image/jpeg"),
}
EXTENSIONS = {
    "pdf": "pdf",
    "docx": "docx",
    "xlsx": "xlsx",
    "png": "png",
    "jpg": "jpeg",
    "jpeg": "jpeg",
}
ACCEPTED = "PDF, DOCX, XLSX, PNG, JPEG"
# A multipart body carries the file plus boundaries and a few small fields.
MULTIPART_ALLOWANCE = 64 * 1024


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    size: int
    sha256: str


def megabytes(size: int) -> str:
    """Sizes for messages: 20 MB, 1,5 MB."""
    value = round_half_up(Decimal(size) / (1024 * 1024), 1)
    whole = value == value.to_integral_value()
    return f"{format_vi(value.quantize(Decimal(1)) if whole else value)} MB"


def too_large_message(size: int) -> str:
    limit = megabytes(settings.EVIDENCE_MAX_BYTES)
    if size > settings.EVIDENCE_MAX_BYTES:
        message = gettext("Tệp quá lớn (%(size)s); mỗi tệp minh chứng tối đa %(limit)s.")
        return message % {"size": megabytes(size), "limit": limit}
    return gettext("Tệp quá lớn; mỗi tệp minh chứng tối đa %(limit)s.") % {"limit": limit}


def request_too_large(request: HttpRequest, limit: int | None = None) -> bool:
    """Refuse before reading the body: the declared length already exceeds the limit of one
    file (an evidence file's unless `limit` says otherwise) and the form around it."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > (settings.EVIDENCE_MAX_BYTES if limit is None else limit) + MULTIPART_ALLOWANCE


def declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class SizeGuard(FileUploadHandler):
    """First upload handler: stops the upload (without reading the rest of the body) as soon
    as a file passes the limit, whatever length the client declared."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.tripped = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > settings.EVIDENCE_MAX_BYTES:
            self.tripped = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def kind_of(upload: UploadedFile) -> Kind:
    """The accepted kind the file's name claims, checked against its content."""
    name = upload.name or ""
    extension = PurePosixPath(name).suffix.lower().lstrip(".")
    claimed = EXTENSIONS.get(extension)
    if claimed is None:
        raise ValidationError(
            gettext("Chỉ nhận tệp %(accepted)s; “%(name)s” không thuộc các loại này.")
            % {"accepted": ACCEPTED, "name": name}
        )
    actual = detect(upload)
    if actual != claimed:
        found = (
            gettext("nội dung là %(kind)s") % {"kind": KINDS[actual].label}
            if actual
            else gettext("không nhận ra nội dung")
        )
        raise ValidationError(
            gettext(
                "Tệp “%(name)s” không phải %(kind)s (%(found)s); "
                "chỉ nhận tệp %(accepted)s đúng với phần mở rộng."
            )
            % {"name": name, "kind": KINDS[claimed].label, "found": found, "accepted": ACCEPTED}
        )
    return KINDS[claimed]


def detect(upload: UploadedFile) -> str | None:
    """pdf, docx, xlsx, png or jpeg from the bytes themselves; None for anything else."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(upload)
    guessed = filetype.guess(head)
    if guessed is None:
        return None
    return {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpeg"}.get(guessed.mime)


def _office_kind(upload: UploadedFile) -> str | None:
    """DOCX and XLSX are zip files: [Content_Types].xml plus the word/ or xl/ parts."""
    try:
        with zipfile.ZipFile(upload.file) as archive:  # type: ignore[arg-type]  # an upload's file is open: never None
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names or any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    return None


def store(upload: UploadedFile) -> StoredFile:
    """Keep the upload in the evidence store (a folder or a bucket: portal.evidence_store)
    under a random name, hashed and measured first: an oversized upload is refused before
    anything is written, and a store that cannot take it says so as a form error."""
    stored_name = evidence_store.new_name()
    digest, size = hashlib.sha256(), 0
    upload.seek(0)
    for chunk in upload.chunks():
        size += len(chunk)
        if size > settings.EVIDENCE_MAX_BYTES:
            raise ValidationError(too_large_message(size))
        digest.update(chunk)
    upload.seek(0)
    try:
        evidence_store.save(stored_name, upload.file)  # type: ignore[arg-type]  # an upload's file is open: never None
    except evidence_store.EvidenceStoreError:
        raise ValidationError(
            gettext("Chưa lưu được tệp vào kho minh chứng. Vui lòng thử lại sau ít phút.")
        ) from None
    return StoredFile(stored_name, size, digest.hexdigest())


def open_stored(stored_name: str) -> IO[bytes]:
    return evidence_store.open_file(stored_name)


def remove_stored(stored_name: str) -> None:
    """Remove a stored file; never raises: it runs once the row is gone (on commit) or while
    another error is being reported, and a store that fails then leaves the file behind,
    logged with its name (portal.evidence_store), rather than an error for a done deed."""
    try:
        evidence_store.remove(stored_name)
    except OSError:
        return


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed every check of `add_upload`, in the evidence store, its row not
    written yet; `signatures`: what a check of a PDF's signatures found (unsaved rows)."""

    stored: StoredFile
    kind: Kind
    name: str  # as the person named the file, made safe to show (file_label)
    signatures: list[EvidenceSignature]
    # set once the transaction that wrote its row has committed (`add_checked`)
    committed: list[bool] = field(default_factory=list)


def add_upload(
    *,
    campaign_unit: CampaignUnit,
    upload: UploadedFile,
    write: Callable[[CheckedUpload], Evidence],
) -> Evidence:
    """Check an uploaded file (size, type by content, then the unit's quota, hostile content
    and viruses: evidence_checks), check a PDF's signatures, store it, then `write` its row:
    the caller's transaction, which takes its locks, checks again what may have changed
    meanwhile (who may add evidence now) and calls `add_checked`.

    The checks and the store run before that transaction, with no lock held: inspecting a
    20 MB PDF takes up to seconds, and on SQLite a transaction that writes holds the
    database's one write lock from its start, so every save of every unit would wait for it
    (docs/decisions.md, 22). If anything fails the stored file is removed again: no orphan
    file is left in the store."""
    if upload.size is None or upload.size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(too_large_message(upload.size or 0))
    kind = kind_of(upload)
    data = check_upload(campaign_unit_id=campaign_unit.pk, upload=upload)  # before any write
    signatures: list[EvidenceSignature] = []
    if kind.content_type == KINDS["pdf"].content_type:  # checked as it arrives
        signatures = signatures_found(province=campaign_unit.campaign.province, data=data)
    stored = store(upload)
    checked = CheckedUpload(stored, kind, file_label(upload.name or ""), signatures)
    try:
        return write(checked)
    except BaseException:
        # its row not committed: the file goes too. Committed, and something after the
        # commit failed (a notification's queueing): the row's file stays.
        if not checked.committed:
            remove_stored(stored.stored_name)
        raise


def add_checked(
    *,
    submission: Submission,
    criterion: str,
    checked: CheckedUpload,
    actor: User,
    record: Callable[[Evidence], None],
    round: AppraisalRound | None = None,
) -> Evidence:
    """The row of an upload `add_upload` checked and stored, in the caller's transaction:
    the unit's quota counted again under the submission's lock (another file of the unit may
    have been written since the check), the row saved, `record`ed (the caller's audit and
    workflow) and the signatures found kept."""
    # first of what runs once the transaction commits: what the caller's record asks then
    # (a notification's queueing) may fail after the row is stored
    transaction.on_commit(lambda: checked.committed.append(True))
    check_quota(submission, checked.name, checked.stored.size)
    evidence = Evidence(
        submission=submission,
        criterion=criterion,
        stored_name=checked.stored.stored_name,
        original_name=checked.name,
        content_type=checked.kind.content_type,
        size=checked.stored.size,
        sha256=checked.stored.sha256,
        uploaded_by=actor,
        round=round,
    )
    evidence.full_clean()
    evidence.save()
    record(evidence)
    if evidence.content_type == KINDS["pdf"].content_type:
        signatures_keep(evidence=evidence, rows=checked.signatures, actor=actor, action="check")
    return evidence


def read_stored(stored_name: str) -> bytes:
    return evidence_store.read(stored_name)


@dataclass(frozen=True)
class Recheck:
    """What a campaign's re-check did: PDF files checked, files whose signatures now read
    differently, files the store could not give (missing, or the store failing: their rows
    left as they were)."""

    checked: int
    changed: int
    missing: int


def evidence_signatures_recheck(
    *, campaign: Campaign, actor: User | None = None, every_pdf: bool = False
) -> Recheck:
    """Check the signed PDF evidence of the campaign again (every PDF with `every_pdf`) with
    the province's trust roots as they are now, after the office added one, say. Each file
    is checked with no lock held, then its rows written in a transaction of their own, so a
    long run holds no lock for long; each change is audited, and the run itself once."""
    checked = changed = missing = 0
    for evidence in campaign_pdfs(campaign, every_pdf=every_pdf):
        try:
            data = read_stored(evidence.stored_name)
        except OSError:  # not in the store, or the store failed (logged): not checked
            missing += 1
            continue
        rows = signatures_found(province=campaign.province, data=data)  # before the lock
        with transaction.atomic():
            changed += signatures_keep(evidence=evidence, rows=rows, actor=actor, action="recheck")
        checked += 1
    audit_record(
        actor=actor,
        actor_name="" if actor else RECHECK_ACTOR,
        entity="evidence_signature",
        action="recheck_campaign",
        new={"checked": checked, "changed": changed, "missing": missing, "every_pdf": every_pdf},
        campaign=campaign,
    )
    return Recheck(checked, changed, missing)


def download(evidence: Evidence) -> HttpResponseBase:
    """The stored file of an evidence row, as an attachment the browser will not sniff."""
    if not evidence.stored_name:
        raise Http404(gettext("Minh chứng này là liên kết, không có tệp."))
    return download_stored(
        evidence.stored_name,
        evidence.original_name,
        evidence.content_type or "application/octet-stream",
    )


def download_stored(stored_name: str, filename: str, content_type: str) -> HttpResponseBase:
    """A file of the evidence store (evidence, a signed submission) as an attachment."""
    try:
        handle = open_stored(stored_name)
    except FileNotFoundError:
        raise Http404(gettext("Không tìm thấy tệp minh chứng.")) from None
    except evidence_store.EvidenceStoreError:  # logged by the store, with its cause
        return HttpResponse(
            gettext("Kho minh chứng tạm thời chưa trả lời. Vui lòng tải lại sau ít phút."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response

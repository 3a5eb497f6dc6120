"""A unit's self-assessment: answers per criterion, evidence, and the signed submission."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from portal.campaigns.models import CampaignUnit
from portal.workflow import SUBMISSION_STATE_LABELS, SubmissionState


class Submission(models.Model):
    campaign_unit = models.OneToOneField(
        CampaignUnit, on_delete=models.CASCADE, related_name="submission"
    )
    state = models.CharField(
        gettext_lazy("trạng thái"),
        max_length=20,
        default=SubmissionState.NOT_STARTED,
        choices=[(s.value, SUBMISSION_STATE_LABELS[s]) for s in SubmissionState],
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # answers + notes + evidence hashes + computed scores as signed (see snapshot.py)
    snapshot = models.JSONField(gettext_lazy("bản chốt"), null=True, blank=True)
    snapshot_sha256 = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"{self.campaign_unit}: {self.get_state_display()}"


class Answer(models.Model):
    """The value a unit declares for one criterion (raw input, or the score itself)."""

    # Found by the unique index on (submission, criterion), which starts with it: an index of
    # its own would be one more entry to write for every answer a save inserts.
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="answers", db_index=False
    )
    criterion = models.CharField(gettext_lazy("tiêu chí"), max_length=64)
    # None: not answered yet (a note may be kept before the value is known).
    value = models.JSONField(gettext_lazy("giá trị"), null=True, blank=True)
    note = models.TextField(gettext_lazy("thuyết minh"), blank=True)
    version = models.PositiveIntegerField(
        default=1
    )  # optimistic locking: two people, one criterion
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["submission", "criterion"], name="answer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.submission.campaign_unit}: {self.criterion}"


class Evidence(models.Model):
    """A file or a link supporting a criterion. Files are stored outside the web root."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="evidence")
    criterion = models.CharField(gettext_lazy("tiêu chí"), max_length=64)
    url = models.URLField(gettext_lazy("liên kết"), blank=True)
    stored_name = models.CharField(max_length=200, blank=True)  # name in the evidence store
    original_name = models.CharField(gettext_lazy("tên tệp"), max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Supplemented while this appraisal round's results were returned; None: filed with the
    # self-assessment (and part of its signed snapshot).
    round = models.ForeignKey(
        "campaigns.AppraisalRound",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
    )

    class Meta:
        ordering = ["criterion", "uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(url="") | ~models.Q(stored_name=""),
                name="evidence_file_or_link",
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.original_name or self.url}"


class SignatureStatus(models.TextChoices):
    """What a check found of one signature in an evidence PDF (the statuses of
    portal.signatures), or that pyHanko could not read the file at all."""

    VALID = "valid", gettext_lazy("hợp lệ")
    UNTRUSTED = "untrusted", gettext_lazy("không rõ gốc tin cậy")
    EXPIRED = "expired", gettext_lazy("chứng thư đã hết hạn")
    REVOKED = "revoked", gettext_lazy("chứng thư đã bị thu hồi")
    MODIFIED = "modified", gettext_lazy("bị thay đổi sau khi ký")
    BROKEN = "broken", gettext_lazy("hỏng")
    UNREADABLE = "unreadable", gettext_lazy("không đọc được tệp PDF để kiểm tra chữ ký")


class EvidenceSignature(models.Model):
    """One signature found in a PDF evidence file at its last check (on upload, or when the
    office re-checks the campaign after adding a trust root). An unsigned file has no row; a
    file pyHanko cannot read has one row with status UNREADABLE and no signer. A re-check
    replaces the file's rows."""

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="signatures")
    position = models.PositiveSmallIntegerField(default=0)  # order of the signature in the file
    signer_name = models.CharField(gettext_lazy("người ký"), max_length=255, blank=True)
    signed_at = models.DateTimeField(gettext_lazy("thời điểm ký"), null=True, blank=True)
    status = models.CharField(
        gettext_lazy("tình trạng"), max_length=20, choices=SignatureStatus.choices
    )
    revocation_checked = models.BooleanField(default=False)
    fingerprint = models.CharField(max_length=64, blank=True)  # SHA-256 of the certificate
    checked_at = models.DateTimeField(gettext_lazy("kiểm tra lúc"))

    class Meta:
        ordering = ["evidence", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["evidence", "position"], name="evidence_signature_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.evidence}: {self.signer_name or '-'} ({self.status})"

    @property
    def tone(self) -> str:
        """The badge's colour: ok for a valid signature, warn where the signature holds but
        its certificate cannot be vouched for, bad where the file is not what was signed."""
        return SIGNATURE_TONES.get(self.status, "bad")


SIGNATURE_TONES: dict[str, str] = {
    SignatureStatus.VALID: "ok",
    SignatureStatus.UNTRUSTED: "warn",
    SignatureStatus.EXPIRED: "warn",
}


class SubmissionEvent(models.Model):
    """Who moved the submission, when, and why."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=30)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.submission}: {self.action} ({self.actor})"


class SubmissionSignature(models.Model):
    """A signed PDF of the submission that the unit head uploaded when approving it.

    The file is kept in the evidence store (evidence_files); the row keeps what the
    verification found then. A return or a reopen leaves the rows as history: the page shows
    the one made for the current snapshot only."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="signatures")
    snapshot_sha256 = models.CharField(max_length=64)  # the snapshot the PDF was made from
    stored_name = models.CharField(max_length=200)  # name in the evidence store
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)  # of the signed file
    signer_name = models.CharField(gettext_lazy("người ký"), max_length=255)
    signer_fingerprint = models.CharField(max_length=64)
    signed_at = models.DateTimeField(gettext_lazy("thời điểm ký"), null=True, blank=True)
    status = models.CharField(gettext_lazy("kết quả kiểm tra"), max_length=20)
    status_label = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.submission}: {self.signer_name} ({self.status})"

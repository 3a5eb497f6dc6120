"""What a province decides about digital signatures (docs/signatures.md): whether a unit
head signs his submission, the trust roots its certificates must chain to, and which
certificate belongs to which person.

A certificate names a person (its CN) but nothing ties it to an account of the portal: the
first time a person signs with a certificate, a `CertificateIdentity` is recorded as pending
and the office confirms (or refuses) that the certificate is his. Only a confirmed identity
makes a signature the approver's."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from portal.accounts.models import Province


class SubmissionMode(models.TextChoices):
    """Whether a unit head signs the PDF of his unit's submission."""

    OFF = "off", gettext_lazy("Không dùng")
    OPTIONAL = "optional", gettext_lazy("Không bắt buộc")
    REQUIRED = "required", gettext_lazy("Bắt buộc")


class SignatureSettings(models.Model):
    """One row per province, written the first time its office saves the settings; until
    then `selectors.settings_of` answers the defaults below, unsaved."""

    province = models.OneToOneField(
        Province, on_delete=models.CASCADE, related_name="signature_settings"
    )
    submission_mode = models.CharField(
        gettext_lazy("chữ ký số của thủ trưởng trên bản tự đánh giá"),
        max_length=10,
        choices=SubmissionMode.choices,
        default=SubmissionMode.OFF,
    )
    # Most signed PDFs carry no revocation data (OCSP or CRL) and the portal fetches
    # nothing at run time: refusing them all would make signing unusable.
    unchecked_revocation_ok = models.BooleanField(
        gettext_lazy("chấp nhận chữ ký chưa kiểm tra được việc thu hồi chứng thư"), default=True
    )

    class Meta:
        verbose_name = gettext_lazy("cài đặt chữ ký số")
        verbose_name_plural = gettext_lazy("cài đặt chữ ký số")

    def __str__(self) -> str:
        return str(self.province)


class TrustRoot(models.Model):
    """A CA certificate the office uploaded: signatures of the province verify only if their
    certificate chains to one of these (nothing is downloaded at run time)."""

    province = models.ForeignKey(Province, on_delete=models.CASCADE, related_name="trust_roots")
    name = models.CharField(gettext_lazy("tên"), max_length=300)
    der = models.BinaryField()
    fingerprint = models.CharField(max_length=64)  # SHA-256 of the DER, hex
    subject = models.TextField()
    not_after = models.DateTimeField(gettext_lazy("hiệu lực đến"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("chứng thư gốc tin cậy")
        verbose_name_plural = gettext_lazy("chứng thư gốc tin cậy")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "fingerprint"], name="trust_root_once_per_province"
            )
        ]

    def __str__(self) -> str:
        return self.name


class IdentityState(models.TextChoices):
    PENDING = "pending", gettext_lazy("Chờ xác nhận")
    CONFIRMED = "confirmed", gettext_lazy("Đã xác nhận")
    REFUSED = "refused", gettext_lazy("Đã từ chối")
    REVOKED = "revoked", gettext_lazy("Đã thu hồi xác nhận")


class CertificateIdentity(models.Model):
    """A certificate claimed by a person (he signed with it), and the office's decision.
    One row per person and certificate: signing again with it claims nothing new."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificate_identities"
    )
    fingerprint = models.CharField(max_length=64)  # SHA-256 of the certificate's DER, hex
    name = models.CharField(gettext_lazy("tên trên chứng thư"), max_length=300)
    subject = models.TextField()
    issuer = models.TextField(gettext_lazy("nơi cấp"))
    serial = models.CharField(max_length=100)
    not_after = models.DateTimeField(gettext_lazy("hiệu lực đến"), null=True, blank=True)
    state = models.CharField(
        gettext_lazy("trạng thái"),
        max_length=10,
        choices=IdentityState.choices,
        default=IdentityState.PENDING,
    )
    claimed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(gettext_lazy("lý do"), blank=True)  # of a refusal or revocation

    class Meta:
        verbose_name = gettext_lazy("chứng thư số của người dùng")
        verbose_name_plural = gettext_lazy("chứng thư số của người dùng")
        ordering = ["claimed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "fingerprint"], name="certificate_identity_once_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"

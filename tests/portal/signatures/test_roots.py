"""Trust roots: the office uploads a CA certificate (PEM or DER) and removes one after a
confirmation. A hostile upload is refused with its reason in words: too large (before
anything parses it), not a certificate, a person's certificate rather than a CA's, expired."""

from __future__ import annotations

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from portal.audit.models import AuditEntry
from portal.signatures.models import TrustRoot
from portal.signatures.selectors import root_certificates
from tests.portal.meanwhile import in_transaction
from tests.portal.signatures.conftest import certificate, province_page

pytestmark = pytest.mark.django_db


def add_url(cast) -> str:  # type: ignore[no-untyped-def]
    return f"{province_page(cast.province)}goc-tin-cay/them/"


def upload(client, cast, data: bytes, name: str = "goc.pem"):  # type: ignore[no-untyped-def]
    return client.post(add_url(cast), {"file": SimpleUploadedFile(name, data)})


def test_a_pem_root_is_added_listed_with_its_validity_and_audited(cast):
    client = cast.client(cast.quang)
    response = upload(client, cast, certificate("Root CA Thử nghiệm"))
    assert response.status_code == 302
    root = TrustRoot.objects.get()
    assert (root.name, root.province, root.added_by) == (
        "Root CA Thử nghiệm",
        cast.province,
        cast.quang,
    )
    assert root_certificates(cast.province) == (bytes(root.der),)
    content = client.get(province_page(cast.province)).content.decode()
    assert "Root CA Thử nghiệm" in content
    assert timezone.localtime(root.not_after).strftime("%d/%m/%Y") in content  # the province's day
    assert root.fingerprint not in content  # no codes for a civil servant
    entry = AuditEntry.objects.get(entity="trust_root")
    assert (entry.action, entry.province, entry.new["name"]) == ("add", cast.province, root.name)


def test_a_der_root_is_added_and_the_same_root_twice_is_refused(cast):
    client = cast.client(cast.quang)
    data = certificate("Root DER", pem=False)
    assert upload(client, cast, data, "goc.cer").status_code == 302
    again = upload(client, cast, data, "goc.cer")
    assert again.status_code == 400
    assert "“Root DER” đã có trong danh sách" in again.content.decode()
    assert TrustRoot.objects.count() == 1


def test_a_ten_megabyte_file_is_refused_before_anything_reads_it(cast, monkeypatch):
    parsed = []
    monkeypatch.setattr("portal.signatures.services.parse_root", lambda data: parsed.append(data))
    response = upload(cast.client(cast.quang), cast, os.urandom(10 * 1024 * 1024), "to.pem")
    assert response.status_code == 413
    assert "Tệp quá lớn: chứng thư gốc tối đa 64 KB" in response.content.decode()
    assert parsed == [] and not TrustRoot.objects.exists()


def test_a_file_just_over_the_limit_is_refused_by_the_service_too(cast):
    from django.core.exceptions import ValidationError

    from portal.signatures.services import MAX_ROOT_BYTES, trust_root_add

    with pytest.raises(ValidationError, match="tối đa 64 KB"):
        trust_root_add(province=cast.province, actor=cast.quang, data=b"0" * (MAX_ROOT_BYTES + 1))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (os.urandom(2048), "Không đọc được chứng thư"),
        (b"", "rỗng"),  # Django's own refusal of an empty file
        (b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "Không đọc được"),
        (certificate("Nguyễn Văn An", ca=False), "không phải là chứng thư gốc"),
        (certificate("Root cũ", days=30, start_days_ago=60), "“Root cũ” đã hết hạn ngày"),
    ],
    ids=["random-bytes", "empty", "bad-pem", "leaf", "expired"],
)
def test_a_file_that_is_not_a_valid_ca_certificate_is_refused_with_its_reason(cast, data, reason):
    response = upload(cast.client(cast.quang), cast, data)
    assert response.status_code == 400
    content = response.content.decode()
    assert reason in content
    assert (
        not TrustRoot.objects.exists()
        and not AuditEntry.objects.filter(entity="trust_root").exists()
    )


def test_removing_a_root_asks_first_and_then_removes_it_once(cast):
    client = cast.client(cast.quang)
    upload(client, cast, certificate("Root gỡ"))
    root = TrustRoot.objects.get()
    url = f"{province_page(cast.province)}goc-tin-cay/{root.pk}/go/"
    asked = client.post(url)
    assert asked.status_code == 200 and "Gỡ chứng thư gốc" in asked.content.decode()
    assert TrustRoot.objects.filter(pk=root.pk).exists()  # the unconfirmed post changes nothing
    assert client.post(url, {"confirmed": "1"}).status_code == 302
    assert not TrustRoot.objects.exists()
    assert client.post(url, {"confirmed": "1"}).status_code == 404
    entry = AuditEntry.objects.get(entity="trust_root", action="remove")
    assert entry.old["name"] == "Root gỡ"


def test_roots_are_the_provinces_own(cast):
    upload(cast.client(cast.khoa), cast, certificate("Root tỉnh khác"))  # 404: not his
    assert not TrustRoot.objects.exists()
    other = cast.client(cast.khoa)
    response = other.post(
        f"/chu-ky-so/tinh/{cast.other_province.code}/goc-tin-cay/them/",
        {"file": SimpleUploadedFile("goc.pem", certificate("Root tỉnh khác"))},
    )
    assert response.status_code == 302
    root = TrustRoot.objects.get()
    assert root_certificates(cast.province) == ()
    url = f"{province_page(cast.province)}goc-tin-cay/{root.pk}/go/"
    assert cast.client(cast.quang).post(url, {"confirmed": "1"}).status_code == 404
    assert TrustRoot.objects.filter(pk=root.pk).exists()


@pytest.mark.parametrize("who", ["hoa", "lan", "hung"])
def test_only_the_office_admin_adds_or_removes_roots(cast, who):
    upload(cast.client(cast.quang), cast, certificate("Root"))
    root = TrustRoot.objects.get()
    client = cast.client(getattr(cast, who))
    assert upload(client, cast, certificate("Root khác")).status_code == 403
    url = f"{province_page(cast.province)}goc-tin-cay/{root.pk}/go/"
    assert client.post(url, {"confirmed": "1"}).status_code == 403
    assert list(TrustRoot.objects.values_list("name", flat=True)) == ["Root"]


@pytest.mark.django_db(transaction=True)
def test_the_certificate_is_read_before_the_transaction_opens(cast, monkeypatch):
    """On SQLite a transaction holds the database's one write lock from its start: the
    certificate is parsed (its library loaded by a process's first root) before it."""
    from portal.signatures import services

    read_in_transaction = in_transaction(monkeypatch, services, "parse_root")
    services.trust_root_add(
        province=cast.province, actor=cast.quang, data=certificate("Root CA Trước giao dịch")
    )
    assert read_in_transaction == [False]
    assert TrustRoot.objects.get().name == "Root CA Trước giao dịch"
    assert AuditEntry.objects.filter(entity="trust_root", action="add").count() == 1

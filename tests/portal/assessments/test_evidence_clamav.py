"""ClamAV, when configured, scans every evidence file before it is stored, over a real socket
to a small clamd speaking the real INSTREAM protocol (tests/core/fake_clamd.py): an infected
file is refused naming the signature; a clamd that cannot answer refuses the upload (fail
closed) and is logged; without clamd, the office's campaign page says files are not scanned."""

from __future__ import annotations

import logging
import os

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.assessments.models import Evidence
from portal.audit.models import AuditEntry
from portal.env import env_address
from tests.core.fake_clamd import EICAR, fake_clamd, fake_clamd_tcp
from tests.core.hostile import PLAIN_PDF
from tests.portal.assessments.conftest import criterion_block, url
from tests.portal.conftest import Cast
from tests.portal.fresh_settings import fresh_settings

INFECTED_PDF = PLAIN_PDF + EICAR + b"\n"


def upload(cast: Cast, name: str, content: bytes):  # type: ignore[no-untyped-def]
    target = url("evidence_upload", cast.noi_vu_campaign_unit, "nts_ke_hoach")
    return cast.client(cast.lan).post(
        target, {"file": SimpleUploadedFile(name, content)}, follow=True
    )


def nothing_stored(evidence_root) -> bool:  # type: ignore[no-untyped-def]
    files = [p for p in evidence_root.rglob("*") if p.is_file()] if evidence_root.exists() else []
    return files == [] and Evidence.objects.count() == 0 and AuditEntry.objects.count() == 0


@pytest.fixture
def socket_path(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.CLAMAV_SOCKET = str(tmp_path / "clamd.sock")
    return tmp_path / "clamd.sock"


def test_an_infected_file_is_refused_naming_the_signature(cast: Cast, socket_path, evidence_root):
    with fake_clamd(socket_path) as clamd:
        page = upload(cast, "ke-hoach.pdf", INFECTED_PDF).content.decode()
    assert (
        'role="alert">Tệp “ke-hoach.pdf” có virus (Eicar-Test-Signature), không được chấp nhận.'
        in (criterion_block(page, "nts_ke_hoach"))
    )
    assert clamd.received == [INFECTED_PDF]
    assert nothing_stored(evidence_root)


def test_a_clean_file_is_scanned_then_stored(cast: Cast, socket_path):
    with fake_clamd(socket_path) as clamd:
        page = upload(cast, "ke-hoach.pdf", PLAIN_PDF).content.decode()
    assert "Đã thêm tệp “ke-hoach.pdf”." in page
    assert clamd.received == [PLAIN_PDF]
    assert Evidence.objects.get().original_name == "ke-hoach.pdf"


def test_an_unreachable_clamd_refuses_the_upload_and_is_logged(
    cast: Cast, socket_path, evidence_root, caplog
):
    with caplog.at_level(logging.ERROR, logger="portal.assessments.evidence_checks"):
        page = upload(cast, "ke-hoach.pdf", PLAIN_PDF).content.decode()  # nobody listens
    assert "Tệp “ke-hoach.pdf” chưa được nhận: không kiểm tra được virus, thử lại sau." in page
    assert nothing_stored(evidence_root)
    assert "clamd could not scan the evidence file 'ke-hoach.pdf'" in caplog.text


def test_a_clamd_error_is_not_taken_for_clean(cast: Cast, socket_path, evidence_root):
    with fake_clamd(socket_path, answer=b"INSTREAM size limit exceeded. ERROR\0"):
        page = upload(cast, "ke-hoach.pdf", PLAIN_PDF).content.decode()
    assert "không kiểm tra được virus, thử lại sau" in page
    assert nothing_stored(evidence_root)


def test_clamd_over_tcp(cast: Cast, settings, evidence_root):
    with fake_clamd_tcp() as (clamd, port):
        settings.CLAMAV_HOST, settings.CLAMAV_PORT = "127.0.0.1", port
        page = upload(cast, "ke-hoach.pdf", INFECTED_PDF).content.decode()
    assert "có virus (Eicar-Test-Signature)" in page
    assert clamd.received == [INFECTED_PDF]
    assert nothing_stored(evidence_root)


def test_the_office_is_told_when_files_are_not_scanned(cast: Cast, settings, tmp_path):
    page = reverse("campaigns:detail", args=[cast.campaign.pk])
    notice = "Tệp minh chứng chưa được quét virus (chưa cấu hình ClamAV)."
    assert notice in cast.client(cast.quang).get(page).content.decode()
    settings.CLAMAV_SOCKET = str(tmp_path / "clamd.sock")
    assert notice not in cast.client(cast.quang).get(page).content.decode()


def test_a_bad_clamd_address_stops_the_portal_at_start(monkeypatch):
    secret = os.environ["DTI_SECRET_KEY"]  # the tests' own (tests/environment.py)
    with pytest.raises(ImproperlyConfigured) as error:
        fresh_settings(monkeypatch, DTI_SECRET_KEY=secret, DTI_CLAMAV_ADDRESS="clamav")
    assert "DTI_CLAMAV_ADDRESS='clamav': expected host:port" in str(error.value)


@pytest.mark.parametrize(
    ("text", "address"),
    [("clamav:3310", ("clamav", 3310)), ("[::1]:3310", ("::1", 3310)), ("", ("", 0))],
)
def test_an_address_is_host_and_port(monkeypatch, text, address):
    monkeypatch.setenv("DTI_CLAMAV_ADDRESS", text)
    assert env_address("DTI_CLAMAV_ADDRESS") == address


@pytest.mark.parametrize("text", ["clamav", ":3310", "clamav:", "clamav:99999", "clamav:x"])
def test_a_bad_address_names_the_variable(monkeypatch, text):
    monkeypatch.setenv("DTI_CLAMAV_ADDRESS", text)
    with pytest.raises(ImproperlyConfigured, match=r"DTI_CLAMAV_ADDRESS=.*expected host:port"):
        env_address("DTI_CLAMAV_ADDRESS")

"""Two app servers on one PostgreSQL 15 database, sharing one evidence store and one folder
of job files (docs/deployment.md), as a deployment behind a load balancer runs them, the
evidence store being a shared folder or an S3-compatible bucket (moto's server): the
demo loaded once; Lan signs in on server A and her session works on server B; a file she
uploads through A downloads whole through B; an answer saved on B shows on A's form; a
log's XLSX asked for on B is made by the one task worker and downloads through A. PostgreSQL
comes from scripts/with-postgres (a throwaway cluster, torn down when its stdin closes);
every server runs under `timeout` and is stopped by its PID."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
import requests

from tests.bucket import new_bucket
from tests.conftest import REPO, TABLES
from tests.deploy.processes import manage, start, stop, wait_for
from tests.deploy.test_stack import free_port
from tests.portal.assessments.conftest import PDF, FormFields

pytestmark = pytest.mark.slow  # a PostgreSQL cluster, the demo, two servers and a worker

HOST = "127.0.0.1"
LIFETIME_S = 400
PASSWORD = "dti-demo-2025"  # the demo's, printed on its login page


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    """A throwaway PostgreSQL 15 (scripts/with-postgres) for as long as the module runs."""
    holder = subprocess.Popen(
        ["scripts/with-postgres", sys.executable, "-c",
         "import os, sys; print(os.environ['DTI_DATABASE_URL'], flush=True); sys.stdin.read()"],
        cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout is not None and holder.stdin is not None
    url = holder.stdout.readline().strip()
    assert url.startswith("postgresql://"), url
    try:
        yield url
    finally:
        holder.stdin.close()  # the command ends: with-postgres stops its server, removes it
        holder.wait(timeout=60)


def token(page: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found is not None
    return found[1]


@pytest.mark.parametrize("store", ["folder", "bucket"])
def test_two_app_servers_share_one_database_and_one_evidence_store(
    database, tmp_path, store, request
):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DTI_", "DJANGO_"))}
    env.update(
        DTI_DEBUG="1",  # plain HTTP to 127.0.0.1: cookies without "Secure"
        DTI_SECRET_KEY="two-servers-one-key-" + "k" * 40,  # one key: one session for both
        DTI_DATABASE_URL=database,
        DTI_EVIDENCE_ROOT=str(tmp_path / "shared" / "evidence"),
        DTI_JOB_FILES_ROOT=str(tmp_path / "shared" / "job-files"),
        DTI_AUDIT_ANCHOR_DIR=str(tmp_path / "shared" / "anchor"),
        DTI_WORKERS="2",
        DTI_LOG_FORMAT="text",
    )
    bucket = None
    if store == "bucket":  # S3-compatible storage instead of a network folder
        bucket = new_bucket(request.getfixturevalue("s3_endpoint"))
        env.update(bucket.env())
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "load_demo", "--tables", str(TABLES))
    pk, campaign = manage(env, "shell", "-c", (
        "from portal.campaigns.models import CampaignUnit; "
        "row = CampaignUnit.objects.get(unit__code='so-noi-vu', unit__province__code='binh-dinh', "
        "campaign__state='open'); print(row.pk, row.campaign_id)"
    )).splitlines()[-1].split()  # fmt: skip
    log = tmp_path / "servers.log"
    ports = free_port(), free_port()
    gunicorn = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py",
                "portal.wsgi:application"]  # fmt: skip
    processes = [
        start(gunicorn, {**env, "DTI_BIND": f"{HOST}:{port}"}, log, LIFETIME_S) for port in ports
    ]
    processes.append(start([sys.executable, "manage.py", "worker"], env, log, LIFETIME_S))
    a, b = (f"http://{HOST}:{port}" for port in ports)
    try:
        for base in (a, b):
            wait_for(f"{base}/tai-khoan/dang-nhap/", log)
        browser = requests.Session()  # one browser, sent to either server by the balancer
        login = browser.get(f"{a}/tai-khoan/dang-nhap/", timeout=30).text
        signed_in = browser.post(
            f"{a}/tai-khoan/dang-nhap/",
            data={"csrfmiddlewaretoken": token(login), "username": "lan", "password": PASSWORD},
            allow_redirects=False, timeout=30,
        )  # fmt: skip
        assert signed_in.status_code == 302, signed_in.text[:500]
        form = f"/tu-danh-gia/{pk}/"
        on_b = browser.get(b + form, timeout=30)
        assert on_b.status_code == 200 and "Nguyễn Thị Lan" in on_b.text  # the session

        before = set(bucket.objects()) if bucket is not None else set()
        uploaded = browser.post(
            f"{a}{form}minh-chung/nts_ke_hoach/tai-len/",
            data={"csrfmiddlewaretoken": token(on_b.text)},
            files={"file": (f"ke-hoach-{store}.pdf", PDF, "application/pdf")},
            allow_redirects=False, timeout=30,
        )  # fmt: skip
        assert uploaded.status_code == 302, uploaded.text[:500]
        page_b = browser.get(b + form, timeout=30).text
        link = re.search(
            rf'href="({form}minh-chung/\d+/tai-ve/)"[^>]*>ke-hoach-{store}\.pdf', page_b
        )
        assert link is not None, "server B does not list the file uploaded through A"
        assert browser.get(b + link[1], timeout=30).content == PDF
        if bucket is not None:  # kept in the bucket, not on either server's disk
            added = {k: v for k, v in bucket.objects().items() if k not in before}
            assert list(added.values()) == [PDF]
            assert not any(p.is_file() for p in (tmp_path / "shared" / "evidence").rglob("*"))

        fields = FormFields("answers")
        fields.feed(page_b)
        fields.fields["value:cqs_ky_so"] = "66"
        saved = browser.post(f"{b}{form}luu-nhap/", data=fields.fields, allow_redirects=False,
                             timeout=30)  # fmt: skip
        assert saved.status_code == 302, saved.text[:500]
        shown = FormFields("answers")
        shown.feed(browser.get(a + form, timeout=30).text)
        assert shown.fields["value:cqs_ky_so"] == "66"

        log_page = browser.get(f"{b}/nhat-ky/dot/{campaign}/", timeout=30).text
        asked = browser.post(
            f"{b}/nhat-ky/dot/{campaign}/nhat-ky.xlsx",
            data={"csrfmiddlewaretoken": token(log_page), "query": ""},
            allow_redirects=False, timeout=30,
        )  # fmt: skip
        assert asked.status_code == 302 and asked.headers["Location"].startswith("/viec/")
        job = asked.headers["Location"]
        deadline = time.monotonic() + 60
        while "tai-ve" not in browser.get(a + job, timeout=30).text:
            assert time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
            time.sleep(0.5)
        made = browser.get(f"{a}{job}tai-ve", timeout=30)
        assert made.status_code == 200 and made.content.startswith(b"PK")  # a workbook
    finally:
        for process in processes:
            stop(process)

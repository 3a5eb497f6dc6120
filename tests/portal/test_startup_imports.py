"""A server process starts without the libraries of its rare requests: WeasyPrint, pyHanko,
the report renderers, the spreadsheet and PDF libraries are loaded by the request or job
that uses them, not by every gunicorn worker that may never serve one (some 75 MB each,
docs/deployment.md, "Memory"). Checked in a new Python process with production settings,
every view of the URL configuration and every middleware loaded."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

# What a request loads when it needs it; each a top-level package a server process could
# otherwise carry from its start.
ON_FIRST_USE = {
    "weasyprint": "the submission's PDF",
    "pyhanko": "signing or verifying a PDF",
    "pyhanko_certvalidator": "verifying a PDF's signatures",
    "docx": "a report's DOCX",
    "docxtpl": "an office's report template",
    "jinja2": "an office's report template",
    "reportlab": "a report's or a unit brief's PDF",
    "openpyxl": "reading or writing a workbook",
    "xlsxwriter": "the audit trail's XLSX",
    "pypdf": "inspecting an evidence PDF",
    "cryptography": "an office's trust root, a signature",
    "asn1crypto": "an office's trust root, a signature's certificates",
    "qrcode": "the second factor's enrolment",
    "PIL": "images, through the libraries above",
    "fontTools": "fonts, through the libraries above",
    "matplotlib": "a report's charts",
}

STARTED = """
import json, sys
import django
django.setup()
from django.urls import get_resolver

def load(patterns):
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            load(pattern.url_patterns)
        else:
            pattern.callback  # the view's module imported
load(get_resolver().url_patterns)
import portal.wsgi  # the portal's handler, as gunicorn loads it: every middleware
started = sorted({name.split(".")[0] for name in sys.modules})
import dti.reports.direct_pdf  # a first report drawn: its renderer loaded now
print(json.dumps({"started": started, "drawn": "reportlab" in sys.modules}))
"""


def started_modules(folder: Path) -> dict[str, object]:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(folder),
        "PYTHONPATH": str(REPO / "src"),
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DTI_DEBUG": "false",
        "DTI_SECRET_KEY": secrets.token_urlsafe(64),
        "DTI_ALLOWED_HOSTS": "127.0.0.1",
        "DTI_DATABASE_URL": f"sqlite:///{folder / 'portal.sqlite3'}",
        "DTI_AUDIT_ANCHOR_DIR": str(folder / "anchor"),
        "DTI_EVIDENCE_ROOT": str(folder / "evidence"),
        "DTI_STATIC_ROOT": str(folder / "static"),
        "DTI_JOB_FILES_ROOT": str(folder / "jobs"),
    }
    done = subprocess.run(
        [sys.executable, "-c", STARTED],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return result


def test_a_server_process_starts_without_the_libraries_of_its_rare_requests(tmp_path):
    found = started_modules(tmp_path)
    carried = {name: why for name, why in ON_FIRST_USE.items() if name in found["started"]}
    assert not carried, f"loaded at start, where a request should load them: {carried}"
    assert found["drawn"]  # and loaded once asked for: the check sees them when they are there

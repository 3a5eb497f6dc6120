"""The production stack as docs/deployment.md installs it, on 127.0.0.1: Caddy from Debian
with the repository's own proxy configuration (deploy/caddy/dti.caddy) and a certificate of
its local authority, in front of `scripts/serve` (what `make serve` runs: gunicorn with
deploy/gunicorn.conf.py, DEBUG off, production settings, static files collected). Every
request goes through the proxy over HTTPS, verified against that authority, as a browser
would. Both servers run under `timeout` and are stopped by their PIDs."""

from __future__ import annotations

import json
import os
import re
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.conftest import REPO
from tests.deploy.processes import start, stop

pytestmark = pytest.mark.slow  # two servers, a migrated database, collectstatic

HOST = "127.0.0.1"
LIFETIME_S = 600  # both servers stop by themselves after this, whatever happens here
START_TIMEOUT_S = 120
PASSWORD = "mat-khau-thu-nghiem-2026"
# the proxy's wait for a request's head, here (deploy/caddy/servers.caddy: 10 s)
READ_HEADER_TIMEOUT_S = 2


@dataclass(frozen=True)
class Stack:
    https: str  # https://127.0.0.1:port, through Caddy
    http: str  # Caddy's plain HTTP port, which only redirects
    app: str  # gunicorn itself, plain HTTP, as a probe on the server sees it
    root_certificate: Path  # Caddy's local authority: what `verify=` trusts
    app_log: Path
    static_root: Path

    def get(self, path: str, **options: object) -> requests.Response:
        return requests.get(
            self.https + path, verify=str(self.root_certificate), timeout=30, **options
        )  # type: ignore[arg-type]  # requests' keyword arguments, passed on as given


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for(url: str, process: subprocess.Popen[bytes], log: Path, **options: object) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if requests.get(url, timeout=2, **options).status_code == 200:  # type: ignore[arg-type]  # passed on as given
                return
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.3)
    pytest.fail(f"{url} did not answer:\n{log.read_text(errors='replace')[-3000:]}")


def production_environment(folder: Path, app_port: int) -> dict[str, str]:
    """Production's settings as docs/deployment.md writes them in /etc/dti/dti.env: nothing
    of the tests' own environment (tests/environment.py) passes."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DTI_", "DJANGO_"))}
    env.update(
        DTI_BIND=f"{HOST}:{app_port}",
        DTI_WORKERS="2",
        DTI_THREADS="2",
        DTI_SECRET_KEY_FILE=str(folder / "secret-key"),
        DTI_DATABASE_URL=f"sqlite:///{folder / 'dti.sqlite3'}",
        DTI_STATIC_ROOT=str(folder / "static"),
        DTI_EVIDENCE_ROOT=str(folder / "evidence"),
        DTI_AUDIT_ANCHOR_DIR=str(folder / "anchor"),
        DTI_JOB_FILES_ROOT=str(folder / "job-files"),
        DTI_ALLOWED_HOSTS=HOST,
        DTI_SSL_REDIRECT="true",
        DTI_HSTS_SECONDS="3600",
        DTI_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
        DTI_PROXY_COUNT="1",
        BIN=str(Path(sys.executable).parent),
    )
    return env


def caddyfile(folder: Path, http_port: int, https_port: int) -> Path:
    path = folder / "Caddyfile"
    path.write_text(
        "{\n"
        "\tadmin off\n"
        f"\thttp_port {http_port}\n"
        f"\thttps_port {https_port}\n"
        "\tskip_install_trust\n"
        f"\tstorage file_system {folder / 'caddy'}\n"
        f"\timport {REPO / 'deploy' / 'caddy' / 'servers.caddy'}\n"
        "}\n"
        f"https://{HOST}:{https_port} {{\n"
        "\ttls internal\n"
        f"\timport {REPO / 'deploy' / 'caddy' / 'dti.caddy'}\n"
        "}\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    folder = tmp_path_factory.mktemp("stack")
    app_port, http_port, https_port = free_port(), free_port(), free_port()
    env = production_environment(folder, app_port)
    app_log = folder / "app.log"
    app = start(["scripts/serve"], env, app_log, LIFETIME_S)
    caddy_log = folder / "caddy.log"
    caddy_env = {**env, "DTI_UPSTREAM": f"{HOST}:{app_port}", "HOME": str(folder),
                 "XDG_DATA_HOME": str(folder), "XDG_CONFIG_HOME": str(folder),
                 # production's 10 s, shortened so that a test may wait for it
                 "DTI_PROXY_READ_HEADER_TIMEOUT": f"{READ_HEADER_TIMEOUT_S}s"}  # fmt: skip
    config = caddyfile(folder, http_port, https_port)
    caddy = start(["caddy", "run", "--config", str(config), "--adapter", "caddyfile"],
                  caddy_env, caddy_log, LIFETIME_S)  # fmt: skip
    try:
        wait_for(f"http://{HOST}:{app_port}/healthz", app, app_log)
        root = folder / "caddy" / "pki" / "authorities" / "local" / "root.crt"
        wait_for(f"https://{HOST}:{https_port}/healthz", caddy, caddy_log, verify=str(root))
        subprocess.run(
            [sys.executable, "manage.py", "shell", "-c",
             "from portal.accounts.models import User; "
             f"User.objects.create_user('thu-nghiem', password='{PASSWORD}', full_name='Thử Nghiệm')"],
            cwd=REPO, env={**env, "DTI_SECRET_KEY": (folder / "secret-key").read_text().strip()},
            check=True, capture_output=True,
        )  # fmt: skip
        yield Stack(
            https=f"https://{HOST}:{https_port}",
            http=f"http://{HOST}:{http_port}",
            app=f"http://{HOST}:{app_port}",
            root_certificate=root,
            app_log=app_log,
            static_root=folder / "static",
        )
    finally:
        stop(caddy)
        stop(app)


def test_pages_come_over_https_compressed_with_hsts_and_a_request_id(stack: Stack):
    response = stack.get("/ket-qua/", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert "Kết quả" in response.text
    assert response.headers["Strict-Transport-Security"].startswith("max-age=3600")
    assert response.headers["Content-Encoding"] == "gzip"
    # Caddy's id for the request, kept by the portal and returned
    assert re.fullmatch(r"[0-9a-f-]{36}", response.headers["X-Request-ID"])


def test_plain_http_is_sent_to_https(stack: Stack):
    response = requests.get(stack.http + "/ket-qua/", allow_redirects=False, timeout=30)
    assert response.status_code in {301, 308}
    # on port 443 in production; Caddy's redirect names no port, as browsers expect there
    assert re.fullmatch(r"https://127\.0\.0\.1(:\d+)?/ket-qua/", response.headers["Location"])


def test_the_app_server_alone_redirects_to_https_but_answers_a_probe(stack: Stack):
    page = requests.get(stack.app + "/ket-qua/", allow_redirects=False, timeout=30)
    assert page.status_code == 301 and page.headers["Location"].startswith("https://")
    health = requests.get(stack.app + "/healthz", timeout=30)
    assert health.status_code == 200
    checks = health.json()["checks"]
    assert {name for name, check in checks.items() if check["ok"]} == {
        "database", "evidence", "evidence_disk", "audit_anchor", "audit_anchor_disk",
        "job_files", "job_files_disk", "worker",
    }  # fmt: skip
    assert checks["worker"]["detail"].startswith("1 running")  # scripts/serve started it


def test_the_proxy_serves_requests_at_once_over_connections_the_app_server_closes(stack: Stack):
    # keep-alive off behind the proxy (deploy/gunicorn.conf.py): each request a connection of
    # its own, taken by a worker with a thread free (portal.server_worker)
    assert requests.get(stack.app + "/healthz", timeout=30).headers["Connection"] == "close"
    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(lambda _: stack.get("/healthz").status_code, range(60)))
    assert answers == [200] * 60


def test_a_slow_upload_waits_in_the_proxy_not_in_a_server_thread(stack: Stack):
    """A phone on a slow link sends its file for minutes; whoever fetches a CSRF cookie can
    send a body at a byte a second. The app server has 4 threads (2 workers of 2 here, 2 a
    core in production): if the proxy passed on bodies as they arrive, 4 slow ones would hold
    every thread and nobody else would get a page. Caddy reads the whole body before it passes
    the request on (deploy/caddy/dti.caddy), so the threads stay free."""
    verify = str(stack.root_certificate)
    login = stack.https + "/tai-khoan/dang-nhap/"
    page = requests.get(login, verify=verify, timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token is not None
    cookie = page.cookies["csrftoken"]
    start_of_body = f"csrfmiddlewaretoken={token[1]}&username=thu-nghiem&password=".encode()
    head = (
        f"POST /tai-khoan/dang-nhap/ HTTP/1.1\r\nHost: {stack.https.removeprefix('https://')}\r\n"
        f"Cookie: csrftoken={cookie}\r\nOrigin: {stack.https}\r\nReferer: {login}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(start_of_body) + 100_000}\r\n\r\n"
    ).encode()
    context = ssl.create_default_context(cafile=verify)
    host, port = stack.https.removeprefix("https://").split(":")
    slow = []
    try:
        for _ in range(6):  # more than the app server's threads, as many as 3 cores' in production
            connection = context.wrap_socket(
                socket.create_connection((host, int(port)), timeout=30), server_hostname=host
            )
            connection.sendall(head + start_of_body)  # and the rest never comes
            slow.append(connection)
        time.sleep(1)  # time enough for the proxy to pass them on, if it did
        started = time.monotonic()
        try:
            health = requests.get(stack.https + "/healthz", verify=verify, timeout=10)
        except requests.Timeout:
            pytest.fail("the slow bodies held every thread of the app server")
        assert health.status_code == 200
        assert time.monotonic() - started < 5
    finally:
        for connection in slow:
            connection.close()


def test_the_proxy_closes_a_connection_whose_request_head_never_ends(stack: Stack):
    """Half a request's head, then nothing (the "slowloris" attack): left open, thousands of
    them would cost the proxy a goroutine and a socket each for as long as their sender
    likes. The proxy closes each once its wait for a head is over."""
    verify = str(stack.root_certificate)
    context = ssl.create_default_context(cafile=verify)
    host, port = stack.https.removeprefix("https://").split(":")
    wait = READ_HEADER_TIMEOUT_S + 8
    with context.wrap_socket(
        socket.create_connection((host, int(port)), timeout=wait), server_hostname=host
    ) as connection:
        started = time.monotonic()
        connection.sendall(f"GET /healthz HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: ".encode())
        try:
            answer = connection.recv(4096)  # b"": closed; or a refusal, then closed
        except (ssl.SSLError, ConnectionResetError):
            answer = b""
        except TimeoutError:
            pytest.fail(f"the half-sent request was still open after {wait} s")
    assert answer == b"" or answer.startswith(b"HTTP/1.1 4"), answer[:100]
    assert time.monotonic() - started >= READ_HEADER_TIMEOUT_S - 0.5


def test_static_files_have_hashed_names_and_are_cached_for_a_year(stack: Stack):
    page = stack.get("/ket-qua/").text
    stylesheets = re.findall(r'href="(/static/[^"]+\.css)"', page)
    assert stylesheets
    # every script the pages may load: the portal's own and the front-end packages
    manifest = json.loads((stack.static_root / "staticfiles.json").read_text())["paths"]
    scripts = [f"/static/{hashed}" for name, hashed in manifest.items()
               if name.endswith(".js") and name.startswith(("portal/", "vendor/"))]  # fmt: skip
    assert any("htmx" in script for script in scripts)
    for asset in stylesheets + scripts:
        assert re.search(r"\.[0-9a-f]{12}\.(css|js)$", asset), asset
        response = stack.get(asset, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200, asset
        assert "immutable" in response.headers["Cache-Control"], asset
        assert response.headers.get("Content-Encoding") == "gzip", asset


def test_a_person_signs_in_through_the_proxy(stack: Stack):
    """CSRF over HTTPS behind a proxy, the classic first-deployment failure: the cookie is
    Secure, the form posts back, the session works."""
    verify = str(stack.root_certificate)  # per request: REQUESTS_CA_BUNDLE beats a session's
    with requests.Session() as browser:
        login = browser.get(stack.https + "/tai-khoan/dang-nhap/", verify=verify, timeout=30)
        assert login.status_code == 200
        assert "secure" in login.headers["Set-Cookie"].lower()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text)
        assert token is not None
        signed_in = browser.post(
            stack.https + "/tai-khoan/dang-nhap/",
            data={"csrfmiddlewaretoken": token[1], "username": "thu-nghiem", "password": PASSWORD},
            headers={"Referer": stack.https + "/tai-khoan/dang-nhap/"},
            allow_redirects=False,
            verify=verify,
            timeout=30,
        )
        assert signed_in.status_code == 302, signed_in.text[:500]
        session = browser.cookies.get_dict()
        assert "sessionid" in session
        home = browser.get(stack.https + "/", verify=verify, timeout=30)
        assert home.status_code == 200 and "Thử Nghiệm" in home.text


def test_a_request_error_is_one_json_line_carrying_the_request_id(stack: Stack):
    response = stack.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    request_id = response.headers["X-Request-ID"]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        lines = [line for line in stack.app_log.read_text().splitlines() if request_id in line]
        logged = [json.loads(line) for line in lines if line.startswith("{")]
        if logged and any(f"id={request_id}" in line for line in lines):
            break
        time.sleep(0.2)
    assert [(line["logger"], line["status"], line["path"]) for line in logged] == [
        ("django.request", 404, "/khong-co-trang-nay/")
    ]
    assert any(f"id={request_id}" in line for line in lines)  # gunicorn's access log

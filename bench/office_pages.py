"""The office's pages at commune scale, measured in bench_writes' scene (one level of 3,300
communes in appraisal, 80 answers each): the campaign's page as the office admin reads it
and the appraisal's dashboard as the chair reads it, through Django's whole request stack
in this process. Each page's size in HTML (the target: about 200 KB at most, so a phone
reads it) and time, against a floor measured in the same run: /healthz, the portal's
minimal view (three small queries and a small JSON answer)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench_engine import Timing, measure, status

TARGET_KB = 200


@dataclass(frozen=True)
class PageLine:
    what: str
    size: int  # bytes of HTML
    timed: Timing
    floor: Timing
    queries: int

    @property
    def met(self) -> bool:
        return self.size <= TARGET_KB * 1024


def _client(user: Any) -> Any:
    """A browser signed in as `user`, second factor passed as the login page leaves it."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def office_pages(
    scene: Any, campaign_pk: int, runs: int, queries: Callable[[Callable[[], object]], int]
) -> list[PageLine]:
    from django.utils import timezone

    from portal.jobs.services import worker_beat

    worker_beat("bench", "localhost", 0, timezone.now())  # /healthz needs a worker's beat
    floor_client = _client(scene.reporter)

    def floor() -> object:
        response = floor_client.get("/healthz")
        assert response.status_code == 200, response.content
        return response

    floor_timing = measure(floor, runs)
    lines = []
    for what, user, path in (
        ("campaign page (office admin)", scene.office, f"/dot-danh-gia/{campaign_pk}/"),
        ("appraisal dashboard (chair)", scene.chair, f"/tham-dinh/dot/{campaign_pk}/"),
        ("results overview, live (office admin)", scene.office, f"/phan-tich/dot/{campaign_pk}/"),
        (
            "how sure each rank is, 1,000 draws (office admin)",
            scene.office,
            f"/phan-tich/dot/{campaign_pk}/do-tin-cay/",
        ),
    ):
        client = _client(user)

        def page(client: Any = client, path: str = path) -> bytes:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            return bytes(response.content)

        size = len(page())
        lines.append(PageLine(what, size, measure(page, runs), floor_timing, queries(page)))
    return lines


def section(units: int, lines: list[PageLine]) -> str:
    rows = "\n".join(
        f"| {line.what} | {line.size / 1024:,.0f} | {line.timed.median:.3f} | "
        f"{line.floor.median * 1000:.1f} ms | {line.timed.median / line.floor.median:.0f}× | "
        f"{line.queries} | {status(line.met)} |"
        for line in lines
    )
    return f"""## The office's pages at {units:,} communes

The campaign's page, the appraisal's dashboard and two analysis pages of that campaign
(scored live from round 1's values, docs/portal-analysis.md), through the whole
request stack (middleware, second factor, templates) in this process; the floor is
`/healthz` in the same run. The tables of units are read 100 a page (docs/portal-campaigns.md):
the target is at most {TARGET_KB} KB of HTML a page, so a phone reads it.

| page | HTML (KB) | median (s) | floor | ratio | queries | ≤ {TARGET_KB} KB |
|---|---:|---:|---:|---:|---:|---|
{rows}
"""

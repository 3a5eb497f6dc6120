"""The journeys of the load benchmark (bench/bench_load.py), as locust users: run by locust
in a process of its own (gevent), reading the scene from the JSON file named by
DTI_LOAD_SCENE and writing what the portal acknowledged to DTI_LOAD_ACKED when the run
ends. Imports nothing of the portal.

- a citizen browses the published results: the national landing page, a province's
  ranking (first and last page), units' pages, the ranking's CSV;
- a commune's reporter opens the form and saves all 80 answers, again and again, as on
  deadline day (each reporter keeps one commune: one person's saves follow one another);
- an appraiser opens the scoring sheet of a commune assigned to them and saves a score
  for every criterion, posting back the form as the page gave it;
- the office reads the campaign's page, its audit trail, the appraisal's dashboard, and
  downloads the audit trail as CSV.

A request counts as failed when its status is not the one a browser expects (200, or the
redirect that acknowledges a save)."""

from __future__ import annotations

import itertools
import json
import os
import random
from html.parser import HTMLParser
from typing import Any

from locust import HttpUser, between, events, task
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

SCENE: dict[str, Any] = json.loads(open(os.environ["DTI_LOAD_SCENE"], encoding="utf-8").read())  # noqa: SIM115  (read once at import)
# how many users of each journey: as many reporters and appraisers as people to play, at most
COUNTS: dict[str, int] = SCENE["users"]
REPORTERS = iter(SCENE["reporters"])
APPRAISERS = iter(SCENE["appraisers"])
TIMEOUT_S = 300.0  # a save unanswered after this long counts as failed (it may be stored)
# campaign unit → [saves acknowledged, the value the last one wrote, unanswered save or None]
ACKED: dict[int, list[Any]] = {}


# as the proxy in front of the portal sends them: the request came over HTTPS (else every page
# but /healthz redirects to https://, which this plain-HTTP server does not speak)
HEADERS = {"X-Forwarded-Proto": "https", "Accept-Language": "vi"}


class Form(HTMLParser):
    """The fields a browser posts from the page's form whose action ends with `action`: those
    inside it, and those outside that name it (`form="answers"`, as the sheet's cells do)."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside, self.id = action, False, None
        self.fields: dict[str, str] = {}
        self.textarea: str | None = None
        self.select: str | None = None

    def _ours(self, a: dict[str, str]) -> bool:
        return self.inside or (self.id is not None and a.get("form") == self.id)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("action", "").endswith(self.action)
            if self.inside:
                self.id = a.get("id")
        elif tag == "option" and self.select is not None and "selected" in a:
            self.fields[self.select] = a.get("value", "")
        elif not a.get("name") or not self._ours(a):
            return
        elif tag == "input":
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            if a.get("type") not in ("submit", "file", "button"):
                self.fields[a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self.textarea = a["name"]
            self.fields[self.textarea] = ""
        elif tag == "select":
            self.select = a["name"]
            self.fields.setdefault(self.select, "")

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.fields[self.textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None


class Person(HttpUser):
    abstract = True
    wait_time = between(2, 10)  # a citizen reads a page before the next

    def on_start(self) -> None:
        self.client.headers.update(HEADERS)
        # A page asked for on a kept-alive connection that the server closed meanwhile is
        # asked again once, on a new one, as a browser does (production's gunicorn closes
        # each connection after its answer); a save (POST) never is, and an answer (even
        # 500) is never asked again.
        again = Retry(total=1, connect=1, read=1, status=0, other=0,
                      allowed_methods=frozenset({"GET"}), raise_on_status=False)  # fmt: skip
        self.client.mount("http://", HTTPAdapter(max_retries=again))


class Signed(Person):
    abstract = True

    def sign_in(self, person: dict[str, Any]) -> None:
        Person.on_start(self)
        self.csrf = person["csrf"]
        self.client.cookies.set("sessionid", person["session"])
        self.client.cookies.set("csrftoken", self.csrf)

    def post(self, path: str, fields: dict[str, str], name: str) -> int:
        headers = {"Referer": f"https://{self.host.split('//')[-1]}{path}"}
        with self.client.post(
            path, data={**fields, "csrfmiddlewaretoken": self.csrf}, headers=headers,
            allow_redirects=False, timeout=TIMEOUT_S, name=name, catch_response=True,
        ) as answer:  # fmt: skip
            if answer.status_code != 302:
                answer.failure(f"{answer.status_code or answer.error} instead of 302")
            return int(answer.status_code or 0)

    def get(self, path: str, name: str) -> str:
        with self.client.get(path, name=name, timeout=TIMEOUT_S, catch_response=True) as page:
            if page.status_code != 200:
                page.failure(f"{page.status_code or page.error} instead of 200")
            return page.text or ""


class Probe(Person):
    """The minimal view (three small queries), asked for in the same load: the floor the
    journeys' times are compared with."""

    fixed_count = COUNTS["probe"]
    wait_time = between(1, 4)

    @task
    def health(self) -> None:
        with self.client.get("/healthz", name="floor: /healthz", catch_response=True) as page:
            if page.status_code != 200:
                page.failure(f"{page.status_code or page.error} instead of 200")


class Citizen(Person):
    fixed_count = COUNTS["citizen"]

    @task
    def browse(self) -> None:
        path = random.choice(SCENE["public"])  # noqa: S311  (which page, not a secret)
        kind = "csv" if path.endswith(".csv") else "ranking" if "/don-vi/" not in path else "unit"
        kind = "landing" if path == "/ket-qua/" else kind
        with self.client.get(path, name=f"public: {kind}", catch_response=True) as page:
            if page.status_code != 200:
                page.failure(f"{page.status_code or page.error} instead of 200")


class Reporter(Signed):
    fixed_count = COUNTS["reporter"]
    wait_time = between(10, 30)  # types and checks answers between two saves

    def on_start(self) -> None:
        person = next(REPORTERS)
        self.sign_in(person)
        self.unit = person["unit"]
        self.acked = ACKED.setdefault(self.unit, [0, None, None])

    @task
    def save(self) -> None:
        form = f"/tu-danh-gia/{self.unit}/"
        self.get(form, "reporter: form")
        saves, previous, _ = self.acked
        value = str((saves + 1) % 2 + 1)
        loaded = SCENE["loaded"][previous] if previous is not None else ""
        fields = {}
        for code in SCENE["codes"]:
            fields.update({f"value:{code}": value, f"note:{code}": "",
                           f"version:{code}": str(saves), f"loaded:{code}": loaded})  # fmt: skip
        status = self.post(f"{form}luu-nhap/", fields, "reporter: save")
        if status == 302:
            self.acked[:] = [saves + 1, value, None]
        elif status == 0:  # no answer: stored or not, the check accepts either
            self.acked[2] = [saves + 1, value]


class Appraiser(Signed):
    fixed_count = COUNTS["appraiser"]
    wait_time = between(10, 30)  # reads the evidence between two sheets

    def on_start(self) -> None:
        person = next(APPRAISERS)
        self.sign_in(person)
        self.units = itertools.cycle(person["units"])
        self.turn = 0

    @task
    def score(self) -> None:
        sheet = f"/tham-dinh/don-vi/{next(self.units)}/vong/1/"
        form = Form("luu/")
        form.feed(self.get(sheet, "appraiser: sheet"))
        self.turn += 1
        for name in [n for n in form.fields if n.startswith("value:")]:
            form.fields[name] = str(self.turn % 2 + 1)
            # a score other than the unit's own needs the team's reason, as the sheet says
            form.fields[f"note:{name[6:]}"] = f"Theo minh chứng, lượt chấm {self.turn}"
        form.fields.pop("csrfmiddlewaretoken", None)
        self.post(f"{sheet}luu/", form.fields, "appraiser: save")


class Office(Signed):
    fixed_count = COUNTS["office"]
    wait_time = between(5, 20)

    def on_start(self) -> None:
        self.sign_in(SCENE["office"])

    @task(3)
    def read(self) -> None:
        self.get(random.choice(SCENE["office"]["paths"]), "office: page")  # noqa: S311

    @task
    def download(self) -> None:
        self.get(SCENE["office"]["csv"], "office: audit trail CSV")


@events.quitting.add_listener
def _write_acked(environment: Any, **kwargs: Any) -> None:
    with open(os.environ["DTI_LOAD_ACKED"], "w", encoding="utf-8") as out:
        json.dump(ACKED, out)

"""The progress table's search, filters, order and pages, read from the campaign page's query
string (GET parameters): what the office asks to see of a campaign's units. At 3,300
communes a level's table is read PAGE_SIZE units a page (`trang_<level>`), so the page stays
small on a phone; the filters, the export and "select all" still reach every unit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from django.utils.translation import gettext_lazy

from portal.workflow import SubmissionState

S = SubmissionState
LATE = "late"
PAGE_SIZE = 100  # units of one level on a page
PAGE_PREFIX = "trang_"  # trang_<level>=<n>: the page of that level's table
MAX_PAGE = 10_000
SORTS = {
    "ten": gettext_lazy("Tên đơn vị"),
    "trang-thai": gettext_lazy("Trạng thái"),
    "diem": gettext_lazy("Điểm (cao trước)"),
}
STATE_ORDER = {S.NOT_STARTED: 0, S.DRAFT: 1, S.SUBMITTED: 2, S.APPROVED: 3}


@dataclass(frozen=True)
class ProgressQuery:
    """What the progress table shows: a name search, filters by state, level and peer group,
    late units only, an order, the page of each level's table; `select_all` ticks every unit
    shown (the "select all" link works without JavaScript)."""

    text: str = ""
    state: str = ""  # a submission state, or LATE
    level: str = ""
    group: str = ""  # a peer group's code in the level's framework
    late: bool = False
    sort: str = ""  # a key of SORTS; '' keeps the page's order (rank, else level and name)
    select_all: bool = False
    pages: tuple[tuple[str, int], ...] = ()  # (level, page) other than the first

    @property
    def filtered(self) -> bool:
        return bool(self.text or self.state or self.level or self.group or self.late)

    def page_of(self, level: str) -> int:
        return dict(self.pages).get(level, 1)

    def params(self, **changes: object) -> str:
        """The query string of these choices (with `changes`), for links and the export;
        the pages are kept, unless the choices change (a new filter starts at page 1)."""
        values = {
            "q": self.text,
            "trang_thai": self.state,
            "khoi": self.level,
            "nhom": self.group,
            "tre_han": "1" if self.late else "",
            "sap_xep": self.sort,
            "chon": "tat-ca" if self.select_all else "",
        }
        values |= {key: str(value) for key, value in changes.items()}
        if not set(changes) - {"chon"}:
            values |= {f"{PAGE_PREFIX}{level}": str(page) for level, page in self.pages}
        return urlencode({key: value for key, value in values.items() if value})

    def page_params(self, level: str, page: int) -> str:
        """These choices on another page of one level's table."""
        pages = dict(self.pages) | {level: page}
        kept = tuple((code, number) for code, number in pages.items() if number > 1)
        return ProgressQuery(**{**self.__dict__, "pages": kept}).params()

    @property
    def select_all_params(self) -> str:
        return self.params(chon="tat-ca")

    @property
    def late_params(self) -> str:
        """Only the late units, every one of them ticked."""
        return ProgressQuery(late=True, select_all=True).params()

    @property
    def export_params(self) -> str:
        """Every unit the choices keep, whatever the page: the export, "select all"."""
        return ProgressQuery(**{**self.__dict__, "select_all": False, "pages": ()}).params()


def progress_query(data: Mapping[str, str]) -> ProgressQuery:
    """The choices read from the query string; a value the page does not offer is ignored."""
    state = data.get("trang_thai", "")
    sort = data.get("sap_xep", "")
    return ProgressQuery(
        text=" ".join(data.get("q", "").split())[:100],
        state=state if state in STATE_ORDER or state == LATE else "",
        level=data.get("khoi", "")[:32],
        group=data.get("nhom", "")[:64],
        late=data.get("tre_han", "") == "1",
        sort=sort if sort in SORTS else "",
        select_all=data.get("chon", "") == "tat-ca",
        pages=tuple(sorted(_pages(data).items())),
    )


def _pages(data: Mapping[str, str]) -> dict[str, int]:
    pages = {}
    for key in list(data)[:50]:
        value = str(data.get(key, ""))
        if key.startswith(PAGE_PREFIX) and value.isdigit() and len(key) <= 40:
            page = int(value)
            if 1 < page <= MAX_PAGE:
                pages[key.removeprefix(PAGE_PREFIX)] = page
    return pages

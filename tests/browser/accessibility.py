"""What every page of the browser journeys must pass: axe-core's WCAG 2.1 A/AA rules with no
serious or critical violation, and no horizontal scroll of the page itself at the width the
test gave the browser (a wide table scrolls inside its own frame, the page does not).

axe-core comes from npm, pinned by package-lock.json (installed by `make`); the Python
package axe-playwright-python only injects it and runs it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

AXE_CORE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
BLOCKING = frozenset({"serious", "critical"})

_axe: Any = None  # axe_playwright_python is untyped


def axe() -> Any:
    global _axe
    if _axe is None:
        if not AXE_CORE.exists():
            raise AssertionError(f"{AXE_CORE} is missing: run `make test` (npm ci installs it)")
        _axe = Axe.from_file(AXE_CORE)
    return _axe


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page as shown now, one line each
    (rule, impact, how many elements, the first element's selector)."""
    results = axe().run(page, options=RULES)
    lines = []
    for violation in results.response["violations"]:
        if violation["impact"] in BLOCKING:
            nodes = violation["nodes"]
            first = nodes[0]["target"] if nodes else ""
            lines.append(f"{violation['id']} ({violation['impact']}, {len(nodes)}×): {first}")
    return lines


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the browser's window (0: none)."""
    width: int = page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - window.innerWidth"
    )
    return max(0, width)


def assert_accessible(page: Page) -> None:
    """No serious or critical axe-core violation, and no horizontal scroll of the page."""
    problems = serious_violations(page)
    assert not problems, f"{page.url}: axe-core found\n" + "\n".join(problems)
    overflow = horizontal_overflow(page)
    assert not overflow, f"{page.url}: the page scrolls sideways by {overflow} px"

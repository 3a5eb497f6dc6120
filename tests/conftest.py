"""Paths every test shares. The published tables are read where they live, in
shared/reference/tables/ next to the repository: never copied into it."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
TABLES = REPO.parent / "shared" / "reference" / "tables"

if not TABLES.is_dir():  # fail loudly: these tests must not pass vacuously
    raise RuntimeError(
        f"Published reference tables not found at {TABLES}: check out shared/ beside the repo"
    )

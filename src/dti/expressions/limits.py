"""Size and precision limits of expressions (see the package docstring)."""

from __future__ import annotations

from typing import Final

MAX_LENGTH: Final = 1000
MAX_DEPTH: Final = 40
MAX_DIGITS: Final = 30
MAX_ROUND_PLACES: Final = 10
PRECISION: Final = 28

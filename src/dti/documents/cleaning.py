"""Text as the readers hand it on: NFC, no control characters, single spaces."""

from __future__ import annotations

import re
import unicodedata

from dti.text import clean_text

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u3000]+")


def clean(text: str) -> str:
    """NFC, without control characters, runs of spaces (and no-break spaces) as one space;
    line breaks inside a cell or paragraph become spaces."""
    text = unicodedata.normalize("NFC", clean_text(text))
    return _SPACES.sub(" ", text.replace("\r", " ").replace("\n", " ")).strip()

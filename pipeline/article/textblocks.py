"""Line and block helpers shared by the article readers."""

from __future__ import annotations

import datetime as dt
import re
from typing import Iterator

_LINE_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f]")  # \x04 would split a msgid for msgfmt
_DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%B %d, %Y", "%d %b %Y", "%b %d, %Y")


def raw_blocks(text: str, first_line: int = 1) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(lineno, lines)`` for each blank-line separated block."""
    lines: list[str] = []
    start = first_line
    for offset, line in enumerate(text.split("\n")):
        stripped = clean_line(line)
        if stripped:
            if not lines:
                start = first_line + offset
            lines.append(stripped)
        elif lines:
            yield start, lines
            lines = []
    if lines:
        yield start, lines


def clean_line(line: str) -> str:
    """Normalise one line: strip, collapse runs of blanks, drop invisible junk."""
    line = line.replace("\u00a0", " ").replace("\ufeff", "").replace("\u200b", "")
    # Characters other tools read as line breaks (polib, str.splitlines) become spaces.
    line = _CONTROLS.sub("", _LINE_BREAKS.sub(" ", line))
    return re.sub(r"[ \t]+", " ", line).strip()


def parse_date(text: str) -> dt.date | None:
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


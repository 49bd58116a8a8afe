"""Checks of the ``safety`` group: bidi controls, control characters, live markup.

They also run on fuzzy entries, since a reviewer's editor displays them.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterator

from ..textpatterns import ISOLATES, TAG
from .registry import Unit, register

# --------------------------------------------------------------------------- safety

_EMBEDDINGS = re.compile("[\u202a-\u202e]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\ufff9-\ufffb\ufffe\uffff]")
_DANGEROUS = re.compile(r"<\s*/?\s*(?:script|iframe|object|embed|style|link|meta|form|base|svg|math)\b"
                        r"|\bon[a-z]+\s*=|javascript\s*:|data\s*:\s*text/html", re.I)
_BIDI_NAMES = {"\u202a": "LRE", "\u202b": "RLE", "\u202c": "PDF", "\u202d": "LRO", "\u202e": "RLO"}


@register("bidi-controls", "error", "safety", fuzzy=True)
def bidi_controls(u: Unit) -> Iterator[str]:
    """No bidi embedding or override controls (U+202A–U+202E).

    They reorder what a reader sees (the "Trojan Source" trick); isolates
    U+2066–U+2069 and the marks LRM/RLM/ALM are the safe tools.
    """
    found = _EMBEDDINGS.findall(u.target)
    if found:
        names = sorted({_BIDI_NAMES[c] for c in found})
        opened = sum(1 for c in found if c != "\u202c") - found.count("\u202c")
        note = f", {opened} not closed by PDF" if opened > 0 else ""
        yield (f"bidi embedding/override control{'s' if len(names) > 1 else ''} "
               f"{', '.join(names)}{note}: use isolates (LRI/RLI … PDI) or marks")


@register("bidi-isolates", "error", "safety", fuzzy=True)
def bidi_isolates(u: Unit) -> Iterator[str]:
    """Bidi isolates balanced: every LRI/RLI/FSI closed by a PDI."""
    if not ISOLATES.search(u.target):
        return
    depth = 0
    for ch in u.target:
        if ch in "\u2066\u2067\u2068":
            depth += 1
        elif ch == "\u2069":
            depth -= 1
            if depth < 0:
                yield "PDI (U+2069) without an isolate to close"
                return
    if depth:
        yield f"{depth} bidi isolate{'s' if depth > 1 else ''} (LRI/RLI/FSI) not closed by PDI"


@register("control-chars", "error", "safety", fuzzy=True)
def control_chars(u: Unit) -> Iterator[str]:
    """No NUL, control characters or invisible format characters (tab and newline aside)."""
    found = sorted({c for c in _CONTROL.findall(u.target) if c not in u.source})
    if found:
        yield "control character" + ("s " if len(found) > 1 else " ") + \
            ", ".join(f"U+{ord(c):04X}" for c in found)


@register("markup", "error", "safety", fuzzy=True)
def markup(u: Unit) -> Iterator[str]:
    """No HTML or script markup that the source does not have (never <script>, on…=, javascript:)."""
    if "<" not in u.target and "=" not in u.target and ":" not in u.target:
        return  # nothing a dangerous pattern or a tag could start with
    source_danger = Counter(m.group().lower().replace(" ", "") for m in _DANGEROUS.finditer(u.source))
    danger = Counter(m.group().lower().replace(" ", "") for m in _DANGEROUS.finditer(u.target))
    if danger - source_danger:
        yield f"dangerous markup {', '.join(sorted(danger - source_danger))!r}"
        return
    src = Counter(m.group(1).lower() for m in TAG.finditer(u.source))
    tgt = Counter(m.group(1).lower() for m in TAG.finditer(u.target))
    extra = sorted((tgt - src).keys())
    if extra:
        yield f"markup not in the source: {', '.join('<' + t + '>' for t in extra)}"

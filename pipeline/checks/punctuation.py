"""Checks of the ``punctuation`` group: sentence ends and brackets, script-aware
(، ؛ ؟ count as , ; ? in ar and ckb).
"""

from __future__ import annotations

import re
from typing import Iterator

from ..textpatterns import strip_protected
from .registry import Unit, register

# --------------------------------------------------------------------------- punctuation

_END_CLASSES = {".": ".", "۔": ".", "?": "?", "؟": "?", "!": "!", ":": ":", ";": ";", "؛": ";",
                "…": "…", ",": ",", "،": ","}
_CLOSERS = " \t\n)]}\"'»”’›\u200e\u200f\u061c\u2069"


_ABBREVIATION = re.compile(
    r"(?:^|\s)(?:(?:[A-Za-z]\.)+[A-Za-z]|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|Mon|Tue|Wed|"
    r"Thu|Fri|Sat|Sun|etc|Inc|Ltd|Co|Corp|Jr|Sr|Dr|St|Mr|Mrs|Ms|Gen|Col|Maj|Lt|Sgt|Gov|No|vs|approx)\.$",
    re.I)


def _end_class(text: str) -> str | None:
    text = text.rstrip(_CLOSERS)
    if text.endswith("..."):
        return "…"
    return _END_CLASSES.get(text[-1:]) if text else None


@register("end-punctuation", "warning", "punctuation")
def end_punctuation(u: Unit) -> Iterator[str]:
    """Translation ends like its source (، ؛ ؟ ۔ count as , ; ? .).

    Closing quotes, brackets, spaces and bidi marks are looked through.
    """
    src, tgt = _end_class(u.source), _end_class(u.target)
    if src == tgt or u.plural and u.form not in (None, 0, 1):
        return
    if src == "." and not tgt and _ABBREVIATION.search(u.source.rstrip(_CLOSERS)):
        return  # "Jan.", "6 a.m.": the period belongs to an English abbreviation
    if src and not tgt:
        yield f"source ends with {src!r}, the translation does not"
    elif tgt and not src:
        yield f"translation ends with {tgt!r}, the source does not"
    elif src and tgt:
        yield f"source ends with {src!r}, the translation with {tgt!r}"


_PAIRS = (("(", ")"), ("[", "]"), ("{", "}"), ("«", "»"), ("“", "”"), ("‹", "›"))


def _bracket_faults(text: str, rtl: bool = False) -> list[str]:
    faults = []
    if rtl:
        # “ and ” are not bidi-mirrored, so in RTL text writers often type ” first
        # to make it look right: only their count can be judged.
        if (text.count("“") + text.count("”")) % 2:
            faults.append("odd number of “ ” quotes")
        text = text.replace("“", "").replace("”", "")
    for open_, close in _PAIRS:
        if open_ not in text and close not in text:
            continue  # the common case, without a loop over every character
        depth = 0
        for ch in text:
            if ch == open_:
                depth += 1
            elif ch == close:
                depth -= 1
                if depth < 0:
                    break
        if depth < 0:
            faults.append(f"{close!r} before its {open_!r}")
        elif depth > 0:
            faults.append(f"{open_!r} not closed")
    if text.count('"') % 2:
        faults.append("odd number of \" quotes")
    return faults


@register("brackets", "warning", "punctuation")
def brackets(u: Unit) -> Iterator[str]:
    """Quotes and brackets balanced (when they are in the source)."""
    rtl = u.script == "Arab"
    source_faults = set(_bracket_faults(strip_protected(u.source), rtl))
    for fault in _bracket_faults(strip_protected(u.target), rtl):
        if fault not in source_faults:
            yield f"unbalanced: {fault}"

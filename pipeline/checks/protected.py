"""Checks of the ``protected`` group: masks, URLs, credits and glossary terms kept.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterator

from ..article.inline import plain
from ..segment import MARKUP_FLAG
from ..textpatterns import BIDI_MARKS, BRACKETED, EMAIL, MASK_PATTERN, URL
from .registry import Unit, register

# --------------------------------------------------------------------------- protected

@register("masks", "error", "protected", fuzzy=True)
def masks(u: Unit) -> Iterator[str]:
    """No machine-translation mask tokens left, and the source's ones kept."""
    src = Counter(m.group() for m in MASK_PATTERN.finditer(u.source))
    tgt = Counter(m.group() for m in MASK_PATTERN.finditer(u.target))
    extra = tgt - src
    if extra:
        yield f"mask token{'s' if len(extra) > 1 else ''} left in the translation: {' '.join(sorted(extra))}"
    if not u.plural and src - tgt:
        yield f"mask tokens of the source missing: {' '.join(sorted(src - tgt))}"


@register("urls", "error", "protected")
def urls(u: Unit) -> Iterator[str]:
    """URLs and e-mail addresses kept exactly as in the source.

    In an ``md-text`` entry only what readers see counts (a link's target is
    the ``inline`` group's business: a translator may repoint it).
    """
    both = u.source + "\n" + u.target
    if "@" not in both and "://" not in both and "www." not in both.lower():
        return  # neither pattern can match
    source, target = u.source, u.target
    if MARKUP_FLAG in u.entry.flags:
        source, target = plain(source), plain(target)
    for pattern in (URL, EMAIL):
        for m in pattern.finditer(source):
            if m.group() not in target:
                yield f"{'URL' if pattern is URL else 'address'} {m.group()!r} changed or missing"
        for m in pattern.finditer(target):
            if m.group() not in source:
                yield f"{'URL' if pattern is URL else 'address'} {m.group()!r} not in the source"


_CREDIT = re.compile(r"\[[^\[\]\n]{1,120}/[^\[\]\n]{1,120}\]\s*$")


@register("credits", "warning", "protected")
def credits(u: Unit) -> Iterator[str]:
    """A closing photo credit ``[Name/Agency]`` stays a bracketed credit."""
    if _CREDIT.search(u.source.strip()) and not BRACKETED.search(u.target):
        yield "the source's bracketed credit [Name/Agency] is missing"


_TASHKEEL = re.compile("[\u064b-\u065f\u0670\u0640]")


def _match_form(text: str) -> str:
    """Fold what inflection and typing vary: case, diacritics, tatweel, bidi marks, alef forms."""
    text = BIDI_MARKS.sub("", _TASHKEEL.sub("", text))
    return text.translate(_ALEFS).casefold()


_ALEFS = str.maketrans("أإآ", "ااا")


@register("glossary", "warning", "protected")
def glossary(u: Unit) -> Iterator[str]:
    """Glossary terms rendered as the glossary says (do-not-translate terms kept).

    Matching ignores case, Arabic diacritics and tatweel, so attached
    prefixes and suffixes (و، ب، ال، -ê, -a) do not count as deviations.
    """
    if u.glossary is None:
        return
    target = _match_form(u.target)
    for term, rendering in u.terms:
        if _match_form(rendering) in target:
            continue
        # Arabic ل + ال contracts to لل ("للتحالف"): accept the contracted form too.
        if rendering.startswith("ال") and _match_form("ل" + rendering[1:]) in target:
            continue
        if term == rendering:
            yield f"do-not-translate term {term!r} not kept as written"
        else:
            yield f"{term!r} should be rendered {rendering!r}"

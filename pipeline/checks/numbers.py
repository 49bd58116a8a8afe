"""Checks of the ``numbers`` group: the same numbers in any digit script.
"""

from __future__ import annotations

import functools
import re
from typing import Iterator

from ..article.inline import plain
from ..segment import MARKUP_FLAG
from ..textpatterns import NUMBER, normalise_digits, strip_protected
from .registry import Unit, register

_SMALL = re.compile(r"(?<![\w.,/:-])([0-2])(?![\w.,/:%-])")


@functools.lru_cache(maxsize=2048)
def numbers_in(text: str) -> frozenset[str]:
    """Return the numbers of *text*, separators dropped, any digit script.

    >>> sorted(numbers_in("On March 29th, 1,500 troops; 2.5% of [X1X] %d"))
    ['1500', '25', '29']
    >>> sorted(numbers_in("في ٢٩ آذار، ١٬٥٠٠ جندي؛ ٢٫٥٪"))
    ['1500', '25', '29']
    """
    text = strip_protected(normalise_digits(text))
    out = set()
    for m in NUMBER.finditer(text):
        digits = _NON_DIGIT.sub("", m.group())
        out.add(digits.lstrip("0") or "0")
    return frozenset(out)


_NON_DIGIT = re.compile(r"\D")


# --------------------------------------------------------------------------- numbers

@register("numbers", "error", "numbers")
def numbers(u: Unit) -> Iterator[str]:
    """Same numbers in source and translation (any digit script).

    Arabic-Indic and Extended Arabic-Indic digits count as their ASCII
    values, ٫ ٬ as decimal and thousands separators, bidi marks are ignored.
    A plural form may spell its number out, so it is only checked for
    numbers the source does not have.
    """
    source, target = u.source, u.target
    if MARKUP_FLAG in u.entry.flags:
        # Inline markup: the numbers readers see. A link target (which a translator may
        # repoint, /news/2024/... → /ar/news/2025/...) is the inline group's business.
        source, target = plain(source), plain(target)
    src = set().union(*(numbers_in(s) for s in u.sources)) if u.plural else numbers_in(source)
    tgt = numbers_in(target)
    if not u.plural:
        # 0, 1 and 2 standing alone are often words ("no items", Arabic dual "ملفان").
        spelt = set(_SMALL.findall(strip_protected(normalise_digits(source))))
        missing = sorted(src - tgt - spelt, key=lambda x: (len(x), x))
        if missing:
            yield f"number{'s' if len(missing) > 1 else ''} {', '.join(missing)} of the source missing"
    extra = sorted(tgt - src, key=lambda x: (len(x), x))
    if extra:
        yield f"number{'s' if len(extra) > 1 else ''} {', '.join(extra)} not in the source"

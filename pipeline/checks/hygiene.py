"""Checks of the ``hygiene`` group: copies of the source, engine garbage, blanks, whitespace.
"""

from __future__ import annotations

import re
from typing import Iterator

from ..textpatterns import PROSE_WORD, TWO_LETTERS, WORD_SPLIT, short, strip_protected
from ..config import DEFAULT_LIMITS
from .registry import Unit, register

# --------------------------------------------------------------------------- hygiene

@register("identical", "warning", "hygiene")
def identical(u: Unit) -> Iterator[str]:
    """Translation not simply a copy of the source.

    Only for text of two or more words with at least one lower-case word:
    single words and capitalised runs are names (``Django``, ``Flash
    Player``, ``Ahmad al-Rubaye/AFP``); do-not-translate terms are fine.
    """
    if u.target.strip() != u.source.strip():
        return
    prose = strip_protected(u.source)
    for target in u.term_targets:
        prose = prose.replace(target, " ")
    words = [w for w in WORD_SPLIT.split(prose) if TWO_LETTERS.search(w)]
    # Names and credits ("Flash Player", "Ahmad al-Rubaye/AFP") have no lower-case word.
    prose_words = [w for w in words if PROSE_WORD.fullmatch(w)]
    if len(words) >= 2 and prose_words:
        yield "translation identical to the source"


_GARBAGE = re.compile(
    r"MYMEMORY WARNING|USED ALL AVAILABLE FREE TRANSLATIONS|QUERY LENGTH LIMIT EXCEEDED|"
    r"PLEASE SELECT TWO DISTINCT LANGUAGES|INVALID (?:SOURCE |TARGET )?LANGUAGE PAIR|"
    r"'LANGPAIR=' IS AN INVALID|NO QUERY SPECIFIED|Too Many Requests|"
    r"Traceback \(most recent call last\)|<!DOCTYPE html|<html\b|^\s*(?:None|null|undefined)\s*$",
    re.I)


@register("engine-garbage", "error", "hygiene", fuzzy=True)
def engine_garbage(u: Unit) -> Iterator[str]:
    """No engine garbage: quota warnings, error pages, "None"."""
    m = _GARBAGE.search(u.target)
    if m and not _GARBAGE.search(u.source):
        yield f"engine garbage instead of a translation: {short(m.group().strip(), 40)!r}"


@register("blank", "error", "hygiene")
def blank(u: Unit) -> Iterator[str]:
    """No whitespace-only translations, no empty plural form beside filled ones."""
    if u.target and not u.target.strip():
        yield "translation is only whitespace"
    elif not u.target and u.plural:
        yield f"plural form msgstr[{u.form}] is empty while other forms are translated"


#: A translation longer than this is refused (the default ``[tool.newsloc.limits] entry_chars``).
ENTRY_CHARS = DEFAULT_LIMITS["entry_chars"]


@register("too-long", "error", "hygiene", fuzzy=True)
def too_long(u: Unit) -> Iterator[str]:
    """No runaway translation: at most ten times the source (plus 200) and 20,000 characters.

    A 1 MB translation used to pass every check; a model or an engine that
    loops, or a paste gone wrong, ends here instead of in an edition.
    """
    limit = min(ENTRY_CHARS, 10 * len(u.source) + 200)
    if len(u.target) > limit:
        yield (f"translation of {len(u.target):,} characters for a source of {len(u.source):,} "
               f"(at most {limit:,})")


@register("whitespace", "warning", "hygiene")
def whitespace(u: Unit) -> Iterator[str]:
    """Leading and trailing spaces as in the source."""
    if not u.target.strip():
        return
    for side, get in (("leading", lambda s: s[:len(s) - len(s.lstrip(" \t"))]),
                      ("trailing", lambda s: s[len(s.rstrip(" \t")):])):
        if get(u.source) != get(u.target):
            yield f"{side} whitespace differs from the source"

"""Protection: keep what an engine must not touch out of its hands.

Before a text goes to an engine, these spans are replaced by mask tokens
``[X0X]``, ``[X1X]`` ... (numbered in order of appearance):

* URLs (``https://...``, ``www....``) and e-mail addresses;
* bracketed credits (``[Ahmad al-Rubaye/AFP]``), kept verbatim;
* glossary terms (:mod:`pipeline.glossary`), restored as their approved
  rendering in the target language (or unchanged if do-not-translate);
* numbers (``250,000``, ``29`` in ``29th``, ``2.5``, ``1500``), so figures
  are never rounded, reformatted or lost.

The token shape ``[X0X]`` is the one Weblate uses with Google, Microsoft and
LibreTranslate: engines pass it through as an opaque word. Restoring is
lenient about what engines do to it (spaces inside the brackets, digits
turned into Arabic-Indic ``[X١X]``) and strict about the rest: every token
must come back exactly once. A result that lost, duplicated, invented or
garbled a token raises :class:`MaskError` and is never written.

The msgid's leading and trailing whitespace (which engines strip) is put
back around the result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..textpatterns import (EMAIL, MASK_CREDIT, MASK_GARBLED, MASK_NUMBER, MASK_PATTERN, MASK_URL,
                           TRAILING_URL_PUNCT)

if TYPE_CHECKING:
    from .glossary import Glossary


#: Kinds of span, in priority order when two start at the same place.
KINDS = ("url", "email", "credit", "term", "number")


def token(index: int) -> str:
    """Return the mask token for *index*.

    >>> token(3)
    '[X3X]'
    """
    return f"[X{index}X]"


class MaskError(ValueError):
    """An engine's result lost or garbled a mask token."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class Masked:
    """A text ready for an engine, and what restoring it needs."""

    text: str                       # masked and stripped: what is sent
    restore_as: tuple[str, ...]     # replacement for token i
    kinds: tuple[str, ...] = field(default=())
    lead: str = ""
    trail: str = ""

    @property
    def only_masks(self) -> bool:
        """True when nothing translatable is left (e.g. ``1500 / 1500``)."""
        return not re.search(r"[^\W\d_]", MASK_PATTERN.sub("", self.text))


def _spans(text: str, glossary: "Glossary | None") -> list[tuple[int, int, str, str]]:
    """Return candidate spans (start, end, kind, restore_as)."""
    found: list[tuple[int, int, str, str]] = []
    for m in MASK_URL.finditer(text):
        url = m.group(0).rstrip(TRAILING_URL_PUNCT)
        found.append((m.start(), m.start() + len(url), "url", url))
    for m in EMAIL.finditer(text):
        found.append((m.start(), m.end(), "email", m.group(0)))
    for m in MASK_CREDIT.finditer(text):
        if not MASK_PATTERN.fullmatch(m.group(0)):
            found.append((m.start(), m.end(), "credit", m.group(0)))
    if glossary is not None:
        for start, end, target in glossary.spans(text):
            found.append((start, end, "term", target))
    for m in MASK_NUMBER.finditer(text):
        found.append((m.start(), m.end(), "number", m.group(0)))
    return found


def mask(text: str, glossary: "Glossary | None" = None) -> Masked:
    """Mask numbers, URLs, e-mails, credits and glossary terms of *text*.

    >>> m = mask("  Sorties cost $250,000 per day, see https://x.org.")
    >>> m.text, m.restore_as, m.lead
    ('Sorties cost $[X0X] per day, see [X1X].', ('250,000', 'https://x.org'), '  ')
    """
    core = text.strip()
    lead = text[:len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()):] if core else ""
    candidates = sorted(_spans(core, glossary),
                        key=lambda s: (s[0], -(s[1] - s[0]), KINDS.index(s[2])))
    pieces: list[str] = []
    restore_as: list[str] = []
    kinds: list[str] = []
    pos = 0
    for start, end, kind, replacement in candidates:
        if start < pos or end <= start:
            continue  # overlaps a span already taken
        pieces.append(core[pos:start])
        pieces.append(token(len(restore_as)))
        restore_as.append(replacement)
        kinds.append(kind)
        pos = end
    pieces.append(core[pos:])
    return Masked("".join(pieces), tuple(restore_as), tuple(kinds), lead, trail)


def check_masks(masked: Masked, result: str) -> None:
    """Raise MaskError unless *result* holds every token of *masked* exactly once."""
    seen: list[int] = []
    for m in MASK_PATTERN.finditer(result):
        seen.append(int(m.group(1)))  # int() reads Arabic-Indic digits too
    expected = set(range(len(masked.restore_as)))
    unknown = sorted(i for i in set(seen) if i not in expected)
    if unknown:
        raise MaskError(f"invented placeholder {token(unknown[0])}")
    doubled = sorted(i for i in set(seen) if seen.count(i) > 1)
    if doubled:
        raise MaskError(f"placeholder {token(doubled[0])} repeated "
                        f"({masked.restore_as[doubled[0]]!r})")
    lost = sorted(expected - set(seen))
    if lost:
        what = ", ".join(repr(masked.restore_as[i]) for i in lost[:3])
        garbled = MASK_GARBLED.search(MASK_PATTERN.sub("", result))
        verb = "garbled" if garbled else "lost"
        raise MaskError(f"{verb} placeholder{'s' if len(lost) > 1 else ''} for {what}")
    if MASK_GARBLED.search(MASK_PATTERN.sub("", result)):
        raise MaskError("garbled placeholder in the result")


def restore(masked: Masked, result: str) -> str:
    """Put the masked spans and the outer whitespace back into an engine's *result*.

    >>> m = mask("Cost: 250,000 dollars\\n")
    >>> restore(m, " التكلفة: [X0X] دولار ")
    'التكلفة: 250,000 دولار\\n'
    """
    check_masks(masked, result)
    text = MASK_PATTERN.sub(lambda m: masked.restore_as[int(m.group(1))], result)
    return masked.lead + text.strip() + masked.trail


def unmask_source(masked: Masked) -> str:
    """Return the source text back from *masked* with glossary renderings applied.

    Used for texts with nothing left to translate (only numbers, URLs, ...).
    """
    return restore(masked, masked.text)

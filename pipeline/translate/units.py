"""The translation unit: one sentence's translation, as the memory and TMX files hold it."""

from __future__ import annotations

from typing import NamedTuple


class Unit(NamedTuple):
    """One translation the memory can offer (a named tuple: tens of thousands are built per load)."""

    source: str
    target: str
    lang: str
    origin: str               # article slug, or "tmx:<file>" for imported units
    path: str = ""            # file it was read from, relative to the project root
    line: int | None = None   # line of the entry in that file, when known
    imported: bool = False
    obsolete: bool = False    # from an obsolete (#~) entry: reusable, but no longer published
    foreign: bool = False     # another desk's, from a shared memory: a suggestion, never reviewed


def normalize_space(text: str) -> str:
    """Collapse runs of whitespace, as the segmenter does.

    >>> normalize_space("  two\\n words ")
    'two words'
    """
    return " ".join(text.split())

"""The article model: blocks that carry a role, in reading order, inside frames.

A plain-text scrape gives a flat list of blocks. Markdown and HTML articles
also have structure: lists, quotes, tables and figures. Each block carries
the containers it stands in as :class:`Frame` records (outermost first), so
the tree is rebuilt by grouping consecutive blocks on their frames; the text
of a block from Markdown or HTML is inline CommonMark (``markup=True``, see
:mod:`.inline`). The full contract is in ``docs/articles.md``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Roles a block can carry, in the order they usually appear.
ROLES = ("section", "headline", "byline", "dateline", "date", "caption",
         "credit", "subhead", "paragraph", "quote", "item", "header_cell", "cell",
         "alt", "code", "html", "rule")

#: Roles whose text is one segment (never split into sentences).
WHOLE_ROLES = frozenset({"section", "headline", "byline", "dateline", "credit", "subhead",
                         "item", "header_cell", "cell", "alt"})

#: Roles that are not text to translate: metadata, code, raw HTML, rules.
UNTRANSLATED_ROLES = frozenset({"date", "code", "html", "rule"})

#: Kinds of container a block can stand in.
FRAME_KINDS = ("list", "item", "quote", "table", "row", "figure")


@dataclass(frozen=True)
class Frame:
    """A container (list, list item, quote, table, row, figure) around blocks.

    ``id`` is unique within the article, so two adjacent lists are told apart.
    """

    kind: str
    id: int
    attrs: dict[str, Any] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if self.kind not in FRAME_KINDS:
            raise ValueError(f"unknown frame kind {self.kind!r}")


@dataclass(frozen=True)
class Block:
    """One unit of an article: its role, its text and where it starts.

    ``frames`` are the containers the block stands in (outermost first);
    ``attrs`` are facts of the block itself (a subhead's ``level``, a cell's
    ``col`` and ``align``, an image's ``src`` and ``title``, a code block's
    ``info``); ``markup`` says the text is inline CommonMark.
    """

    role: str
    text: str
    lineno: int
    frames: tuple[Frame, ...] = ()
    attrs: dict[str, Any] = field(default_factory=dict, hash=False)
    markup: bool = False

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")

    def frame(self, kind: str) -> Frame | None:
        """The innermost frame of *kind* around the block, if any."""
        return next((f for f in reversed(self.frames) if f.kind == kind), None)


@dataclass(frozen=True)
class Article:
    """An English article as the pipeline understands it.

    ``format`` is ``"text"``, ``"markdown"`` or ``"html"``; ``warnings`` are
    things the reader skipped or did not know (the CLI prints them).
    """

    path: Path
    blocks: tuple[Block, ...]
    meta: dict[str, Any] = field(default_factory=dict, compare=False)
    format: str = "text"
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @property
    def slug(self) -> str:
        return self.path.stem

    @property
    def headline(self) -> str:
        return next(b.text for b in self.blocks if b.role == "headline")

    @property
    def date(self) -> dt.date | None:
        value = self.meta.get("date")
        return value if isinstance(value, dt.date) else None

    def by_role(self, role: str) -> list[Block]:
        return [b for b in self.blocks if b.role == role]

"""The article model: blocks that carry a role, in reading order."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Roles a block can carry, in the order they usually appear.
ROLES = ("section", "headline", "byline", "dateline", "date", "caption",
         "credit", "subhead", "paragraph")

#: Roles whose text is one segment (never split into sentences).
WHOLE_ROLES = frozenset({"section", "headline", "byline", "dateline", "credit", "subhead"})

#: Roles that are metadata, not text to translate.
UNTRANSLATED_ROLES = frozenset({"date"})


@dataclass(frozen=True)
class Block:
    """One unit of an article: its role, its text and where it starts."""

    role: str
    text: str
    lineno: int

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")


@dataclass(frozen=True)
class Article:
    """An English article as the pipeline understands it."""

    path: Path
    blocks: tuple[Block, ...]
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

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

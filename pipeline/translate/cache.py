"""The machine-translation cache: nothing is paid for twice.

A table of the state store (:mod:`pipeline.state.store`; or of the shared
PostgreSQL memory when ``[tool.newsloc.memory] url`` is set, so desks on
one database share what engines produced) maps (engine, source locale,
target locale, text) to what the engine produced: the final, unmasked
translation as written to the catalogue. Texts are stored whole and
compared on lookup (the key is a SHA-256 prefix), so a hash collision cannot
return a wrong translation. Pieces of a text that was split for an engine's
length limit are cached as texts of their own.

Each row also records a fingerprint of the glossary renderings that were
applied: :meth:`MTCache.lookup` (the translate stage) ignores a row made
under other glossary terms, while :meth:`MTCache.get` (status: post-edit
distance) returns it regardless.

Each result is written (committed) as it arrives, so a run killed at any
moment keeps everything it received: nothing is paid for twice. Concurrent
writers are safe: the key is unique and each row is written whole
(``ON CONFLICT ... DO UPDATE``: the last writer's result stands, as a
re-translation under new glossary terms should).
"""

from __future__ import annotations

import time
from typing import Iterable, Iterator

from ..config import Project
from ..state.db import chunks
from ..state.store import shared_db, text_key


class MTCache:
    """A persistent map (engine, source, target, text) → machine translation."""

    def __init__(self, db) -> None:
        self.db = db

    @classmethod
    def for_project(cls, project: Project) -> "MTCache":
        return cls(shared_db(project))

    def get(self, engine: str, source: str, target: str, text: str) -> str | None:
        """Return what *engine* produced for *text*, or None."""
        row = self._row(engine, source, target, text)
        return row[0] if row else None

    def lookup(self, engine: str, source: str, target: str, text: str,
               glossary: str = "") -> str | None:
        """Return the cached result only if it was made under the same glossary terms."""
        row = self._row(engine, source, target, text)
        return row[0] if row and row[1] == glossary else None

    def _row(self, engine: str, source: str, target: str, text: str) -> tuple | None:
        key = text_key(text)
        for result, glossary, stored in self.db.execute(
                "SELECT result, glossary, text FROM mt WHERE engine = ? AND source = ? "
                "AND target = ? AND key = ?", (engine, source, target, key)):
            if stored == text:
                return result, glossary
        return None

    def lookup_many(self, engine: str, source: str, target: str, texts: list[str],
                    glossary_of) -> dict[str, str]:
        """:meth:`lookup` for many texts in a few queries: text → result (hits only).

        *glossary_of(text)* is the glossary fingerprint each text's result must carry.
        """
        return {text: result for text, result, glossary in self._rows_many(engine, source, target, texts)
                if glossary == glossary_of(text)}

    def get_many(self, engine: str, source: str, target: str, texts: Iterable[str]) -> dict[str, str]:
        """:meth:`get` for many texts in a few queries: text → result (hits only; any glossary)."""
        return {text: result for text, result, _glossary in self._rows_many(engine, source, target, texts)}

    def _rows_many(self, engine: str, source: str, target: str, texts: Iterable[str]
                   ) -> Iterator[tuple[str, str, str]]:
        """(text, result, glossary) of the cached *texts*, 500 keys a query."""
        by_key = {text_key(t): t for t in texts}
        keys = list(by_key)
        for part in chunks(keys):
            marks = ",".join("?" * len(part))
            for key, stored, result, glossary in self.db.execute(
                    "SELECT key, text, result, glossary FROM mt WHERE engine = ? AND source = ? "
                    f"AND target = ? AND key IN ({marks})", (engine, source, target, *part)):
                text = by_key.get(key)
                if text is not None and stored == text:
                    yield text, result, glossary

    def put(self, engine: str, source: str, target: str, text: str, result: str,
            glossary: str = "") -> None:
        """Store (and commit) one result."""
        self.db.execute(
            "INSERT INTO mt (engine, source, target, key, text, result, glossary, created) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (engine, source, target, key) DO UPDATE "
            "SET text = excluded.text, result = excluded.result, glossary = excluded.glossary, "
            "created = excluded.created",
            (engine, source, target, text_key(text), text, result, glossary, time.time()))

    def mark(self) -> float | None:
        """When the cache last changed (its newest row): a record made at the same mark is current."""
        row = self.db.one("SELECT MAX(created) FROM mt")
        return row[0] if row else None

    def __len__(self) -> int:
        return self.db.one("SELECT COUNT(*) FROM mt")[0]

    def close(self) -> None:
        """Nothing to write (every result is committed as it arrives); the database stays open."""

    def __enter__(self) -> "MTCache":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

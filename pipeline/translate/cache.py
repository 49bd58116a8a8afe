"""The machine-translation cache: nothing is paid for twice.

A SQLite file at ``<project>/.newsloc/cache.sqlite`` (``.newsloc/`` is
ignored by git) maps (engine, source locale, target locale, text) to what
the engine produced: the final, unmasked translation as written to the
catalogue. Texts are stored whole, so a hash collision cannot return a
wrong translation. Pieces of a text that was split for an engine's length
limit are cached as texts of their own.

Each row also records a fingerprint of the glossary renderings that were
applied: :meth:`MTCache.lookup` (the translate stage) ignores a row made
under other glossary terms, while :meth:`MTCache.get` (status: post-edit
distance) returns it regardless.

Rows are committed as they are written (WAL journal), so an interrupted run
keeps everything it received. The cache is derived state: deleting the
file only costs requests.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from ..config import Project
from ..errors import PipelineError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS mt (
    engine   TEXT NOT NULL,
    source   TEXT NOT NULL,
    target   TEXT NOT NULL,
    text     TEXT NOT NULL,
    result   TEXT NOT NULL,
    glossary TEXT NOT NULL DEFAULT '',
    created  REAL NOT NULL,
    PRIMARY KEY (engine, source, target, text)
) WITHOUT ROWID;
"""


def cache_path(project: Project) -> Path:
    """Return where the project's MT cache lives."""
    return project.state_dir / "cache.sqlite"


class MTCache:
    """A persistent map (engine, source, target, text) → machine translation."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
        except (sqlite3.Error, OSError) as exc:
            raise PipelineError(f"cannot open the MT cache: {exc}", path=self.path) from exc

    def get(self, engine: str, source: str, target: str, text: str) -> str | None:
        """Return what *engine* produced for *text*, or None."""
        row = self._row(engine, source, target, text)
        return row[0] if row else None

    def lookup(self, engine: str, source: str, target: str, text: str,
               glossary: str = "") -> str | None:
        """Return the cached result only if it was made under the same glossary terms."""
        row = self._row(engine, source, target, text)
        return row[0] if row and row[1] == glossary else None

    def _row(self, engine, source, target, text):
        with self._lock:
            try:
                return self._db.execute(
                    "SELECT result, glossary FROM mt WHERE engine=? AND source=? AND target=? "
                    "AND text=?", (engine, source, target, text)).fetchone()
            except sqlite3.Error as exc:
                raise PipelineError(f"cannot read the MT cache: {exc}", path=self.path) from exc

    def put(self, engine: str, source: str, target: str, text: str, result: str,
            glossary: str = "") -> None:
        """Store (and commit) one result."""
        with self._lock:
            try:
                with self._db:
                    self._db.execute(
                        "INSERT OR REPLACE INTO mt (engine, source, target, text, result, glossary,"
                        " created) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (engine, source, target, text, result, glossary, time.time()))
            except sqlite3.Error as exc:
                raise PipelineError(f"cannot write the MT cache: {exc}", path=self.path) from exc

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM mt").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> "MTCache":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

"""One small SQL interface over the two backends of the state store.

The store's SQL is written once, with ``?`` placeholders and the syntax both
SQLite (≥ 3.24) and PostgreSQL (≥ 12) accept (``ON CONFLICT``, no
``INSERT OR ...``); :class:`Db` runs it on an SQLite connection (stdlib
:mod:`sqlite3`), :class:`pipeline.state.postgres.PgDb` on a psycopg 3
connection. Nothing else in the package talks to a database driver.

Both backends run in autocommit mode; :meth:`Db.transaction` groups
statements (``BEGIN IMMEDIATE`` on SQLite, so a second writer waits for the
lock instead of failing half-way).
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from ..errors import PipelineError
from ..fsutil import refuse_link


#: Values one ``IN (...)`` list carries (well under SQLite's and PostgreSQL's parameter limits).
IN_CHUNK = 500


def chunks(items: Sequence, size: int = IN_CHUNK) -> Iterator[Sequence]:
    """*items* in slices of *size*: one query each.

    >>> [list(c) for c in chunks([1, 2, 3], 2)]
    [[1, 2], [3]]
    """
    for k in range(0, len(items), size):
        yield items[k:k + size]


class StateError(PipelineError):
    """The state store cannot be opened, read or written."""


class Db:
    """An SQLite database of the state store (one connection, thread-safe by a lock)."""

    kind = "sqlite"

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path) if str(path) != ":memory:" else None
        self.name = str(path)
        self.lock = threading.RLock()
        self._depth = 0
        try:
            if self.path is not None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                for name in (self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm")):
                    refuse_link(name, error=StateError)  # SQLite would write through it
            self.conn = sqlite3.connect(self.name, timeout=60, isolation_level=None,
                                        check_same_thread=False)
            if self.path is not None:
                self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=OFF")
        except (sqlite3.Error, OSError) as exc:
            raise StateError(f"cannot open the state store: {exc}", path=self.path) from exc

    def _fail(self, exc: Exception, what: str = "use") -> StateError:
        return StateError(f"cannot {what} the state store: {exc}", path=self.path)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        with self.lock:
            try:
                return self.conn.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise self._fail(exc) from exc

    def stream(self, sql: str, params: Sequence[Any] = (), *, size: int = 5000) -> Iterator[tuple]:
        """The rows of a query, fetched *size* at a time (one block held, not all rows)."""
        with self.lock:
            try:
                cur = self.conn.execute(sql, params)
            except sqlite3.Error as exc:
                raise self._fail(exc) from exc
        while True:
            with self.lock:
                try:
                    rows = cur.fetchmany(size)
                except sqlite3.Error as exc:
                    raise self._fail(exc) from exc
            if not rows:
                return
            yield from rows

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple | None:
        rows = self.execute(sql, params)
        return rows[0] if rows else None

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with self.lock:
            try:
                self.conn.executemany(sql, rows)
            except sqlite3.Error as exc:
                raise self._fail(exc) from exc

    def script(self, sql: str) -> None:
        with self.lock:
            try:
                self.conn.executescript(sql)
            except sqlite3.Error as exc:
                raise self._fail(exc) from exc

    @contextlib.contextmanager
    def transaction(self) -> Iterator["Db"]:
        """Run the block in one transaction (nested blocks join the outer one)."""
        with self.lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self
                finally:
                    self._depth -= 1
                return
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise self._fail(exc, "lock") from exc
            self._depth = 1
            try:
                yield self
            except BaseException:
                self._depth = 0
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
                raise
            self._depth = 0
            try:
                self.conn.execute("COMMIT")
            except sqlite3.Error as exc:
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
                raise self._fail(exc, "write") from exc

    def close(self) -> None:
        with self.lock:
            with contextlib.suppress(sqlite3.Error):
                self.conn.close()

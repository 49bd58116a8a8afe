"""PostgreSQL through psycopg 3: the shared translation memory and MT cache.

The only module that imports :mod:`psycopg`. :class:`PgDb` offers the
interface of :class:`pipeline.state.db.Db` (statements with ``?``
placeholders, :meth:`transaction`), so the memory and the cache run the
same SQL on both backends. The connection is in autocommit mode; writers
group their statements in transactions and rely on unique keys with
``ON CONFLICT``, so several desks (processes, machines) can write at once.
"""

from __future__ import annotations

import contextlib
import re
import threading
from typing import Any, Iterable, Iterator, Sequence

from ..redact import redact_url
from .db import StateError

_PLACEHOLDER = re.compile(r"\?")


def _pg(sql: str) -> str:
    # Portable SQL never contains a literal "%"; PostgreSQL-only statements
    # (arrays, unnest) use "%s" placeholders themselves and pass raw=True.
    return _PLACEHOLDER.sub("%s", sql)


class PgDb:
    """A psycopg 3 connection with the :class:`~pipeline.state.db.Db` interface."""

    kind = "postgresql"

    def __init__(self, url: str) -> None:
        try:
            import psycopg
        except ImportError as exc:  # pragma: no cover - a declared dependency
            raise StateError("the PostgreSQL memory needs psycopg 3: pip install 'psycopg[binary]'") from exc
        self._psycopg = psycopg
        self.name = redact_url(url)   # no password (address or query) in any message
        self.path = None
        self.lock = threading.RLock()
        self._tx: Any = None
        try:
            # synchronous_commit off: a commit returns before its WAL reaches the disk.
            # Everything here is derived or re-requestable (memory rows are rebuilt from the
            # PO files, a lost cache row costs one request), and a killed client still loses
            # nothing it committed; only a crash of the database server can lose the last
            # fraction of a second. It takes a round trip's fsync off every cached result.
            self.conn = psycopg.connect(url, autocommit=True, connect_timeout=15,
                                        options="-c synchronous_commit=off")
        except psycopg.Error as exc:
            raise StateError(f"cannot connect to the shared memory {self.name}: "
                             f"{str(exc).strip().splitlines()[0] if str(exc).strip() else exc}") from exc

    def _fail(self, exc: Exception) -> StateError:
        text = str(exc).strip().splitlines()
        return StateError(f"shared memory {self.name}: {text[0] if text else type(exc).__name__}")

    def execute(self, sql: str, params: Sequence[Any] = (), *, raw: bool = False) -> list[tuple]:
        with self.lock:
            try:
                cur = self.conn.execute(sql if raw else _pg(sql), params or None)
                return cur.fetchall() if cur.description is not None else []
            except self._psycopg.Error as exc:
                raise self._fail(exc) from exc

    def stream(self, sql: str, params: Sequence[Any] = (), *, size: int = 5000) -> Iterator[tuple]:
        """The rows of a query through a server-side cursor, *size* at a time (in a
        transaction of its own: the connection takes no other statement meanwhile)."""
        with self.lock:
            try:
                with self.conn.transaction(), self.conn.cursor(name="newsloc_stream") as cur:
                    cur.execute(_pg(sql), params or None)
                    while rows := cur.fetchmany(size):
                        yield from rows
            except self._psycopg.Error as exc:
                raise self._fail(exc) from exc

    def one(self, sql: str, params: Sequence[Any] = (), *, raw: bool = False) -> tuple | None:
        rows = self.execute(sql, params, raw=raw)
        return rows[0] if rows else None

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = list(rows)
        if not rows:
            return
        with self.lock:
            try:
                with self.conn.cursor() as cur:
                    cur.executemany(_pg(sql), rows)
            except self._psycopg.Error as exc:
                raise self._fail(exc) from exc

    def copy(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """Append *rows* to *table* with ``COPY FROM STDIN`` (bulk loads: a cold memory build
        writes millions of postings; ``executemany`` costs a statement each). No
        ``ON CONFLICT``: callers copy only rows no one else can hold."""
        with self.lock:
            try:
                with self.conn.cursor() as cur:
                    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as out:
                        for row in rows:
                            out.write_row(row)
            except self._psycopg.Error as exc:
                raise self._fail(exc) from exc

    def script(self, sql: str) -> None:
        with self.lock:
            try:
                for statement in (s.strip() for s in sql.split(";")):
                    if statement:
                        self.conn.execute(statement)
            except self._psycopg.Error as exc:
                raise self._fail(exc) from exc

    @contextlib.contextmanager
    def transaction(self) -> Iterator["PgDb"]:
        with self.lock:
            try:
                tx = self.conn.transaction()
                tx.__enter__()
            except self._psycopg.Error as exc:
                raise self._fail(exc) from exc
            try:
                yield self
            except BaseException as exc:
                with contextlib.suppress(self._psycopg.Error):
                    tx.__exit__(type(exc), exc, exc.__traceback__)
                raise
            try:
                tx.__exit__(None, None, None)
            except self._psycopg.Error as exc:
                raise self._fail(exc) from exc

    def close(self) -> None:
        with self.lock:
            with contextlib.suppress(self._psycopg.Error):
                self.conn.close()

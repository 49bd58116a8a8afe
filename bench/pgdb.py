"""A throw-away PostgreSQL database for a benchmark run (bench/state.py, bench/tm.py)."""

from __future__ import annotations

import contextlib
import uuid


@contextlib.contextmanager
def pg_database(url: str | None):
    """A fresh PostgreSQL database on the server at *url* (its URL), dropped afterwards; None without *url*."""
    if url is None:
        yield None
        return
    import psycopg
    from urllib.parse import urlsplit, urlunsplit
    admin = psycopg.connect(url, autocommit=True)
    name = f"newsloc_bench_{uuid.uuid4().hex[:8]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(url)
    try:
        yield urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

"""Fresh PostgreSQL databases for tests, on the server `.ci/run` starts (NEWSLOC_TEST_PG_URL).

The fixtures (``pg_databases``, ``memory_backend``) are in conftest.py.

In CI a missing server is an error; elsewhere the PostgreSQL variants skip.
Start one locally with ``eval "$(.ci/pg-test-cluster start /tmp/pg)"``.
"""

from __future__ import annotations

import os
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

from pipeline.state.store import close_shared

URL_ENV = "NEWSLOC_TEST_PG_URL"


def server_url() -> str:
    url = os.environ.get(URL_ENV)
    if not url:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{URL_ENV} is not set: .ci/run starts a PostgreSQL cluster for the tests")
        pytest.skip(f"no PostgreSQL for the tests ({URL_ENV} unset; see tests/support_pg.py)")
    return url


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


class Databases:
    """Creates throw-away databases on the test server and drops them afterwards."""

    def __init__(self, url: str) -> None:
        import psycopg
        self.url = url
        self.admin = psycopg.connect(url, autocommit=True)
        self.made: list[str] = []

    def new(self) -> str:
        name = f"newsloc_t_{uuid.uuid4().hex[:12]}"
        self.admin.execute(f'CREATE DATABASE "{name}"')
        self.made.append(name)
        return _with_database(self.url, name)

    def drop_all(self) -> None:
        close_shared()
        for name in self.made:
            self.admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.admin.close()

"""The suite's fixtures and options: throw-away projects, a CLI runner, loopback servers, golden files.

Markers (declared in pyproject.toml): ``slow`` (corpus-scale, child
processes, real waits), ``browser`` (Debian's chromium), ``shared`` (reads
``../shared``, see :mod:`tests.paths`). The fast loop while working is
``python3 -m pytest -m "not slow"``; CI runs everything.
"""

from __future__ import annotations

import difflib
import errno
import fcntl
import gzip
import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from .mtserver import MTServer
from .chatserver import ChatServer
from .paths import GOLDEN, KIRKUK, REPO, SEED, SHARED
from .support_guarantees import GatedServer
from .support_pg import Databases, server_url
from .tools import IN_CI



def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="Rewrite the golden files under tests/golden from the current output "
                          "(then review the diff).")


def pytest_configure(config):
    if IN_CI and not SHARED.is_dir() and not hasattr(config, "workerinput"):
        raise pytest.UsageError(
            f"CI=true but the shared test data folder {SHARED} is missing: the tests marked "
            "'shared' (BBC corpus, real PO files, Golden Rules) must run in CI. Lay out ../shared "
            "beside the checkout or set NEWSLOC_SHARED.")


#: Fixtures that make a test end to end over HTTP (a loopback server and real
#: clients, timeouts and retries): such a test is ``slow``, out of the fast loop.
SERVERS = {"mt", "chat", "gated"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if SERVERS & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
    # Slow tests first: xdist hands out tests in this order, so the long ones
    # start early on both workers and the short ones fill in behind them
    # instead of one worker finishing a corpus test alone at the end.
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
    if SHARED.is_dir():
        return
    skip = pytest.mark.skip(reason=f"shared test data not found at {SHARED} (set NEWSLOC_SHARED); "
                                   "an error in CI")
    for item in items:
        if item.get_closest_marker("shared"):
            item.add_marker(skip, append=False)


# -- golden files ---------------------------------------------------------

class Golden:
    """Compare output with files under ``tests/golden``; only ``--update-golden`` writes them.

    A missing golden file fails like a different one: the test that compares
    never creates its own reference.
    """

    def __init__(self, root: Path, update: bool) -> None:
        self.root = root
        self.update = update

    def check_bytes(self, name: str, produced: bytes) -> None:
        path = self.root / name
        if self.update:
            if not path.is_file() or path.read_bytes() != produced:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(produced)
            return
        if not path.is_file():
            pytest.fail(f"golden file tests/golden/{name} is missing: review the output, then run "
                        "pytest --update-golden", pytrace=False)
        expected = path.read_bytes()
        if produced != expected:
            try:
                diff = "\n".join(difflib.unified_diff(
                    expected.decode("utf-8").splitlines(), produced.decode("utf-8").splitlines(),
                    f"tests/golden/{name}", "produced", lineterm="", n=1))
            except UnicodeDecodeError:
                diff = f"{len(expected)} bytes expected, {len(produced)} produced"
            pytest.fail(f"output differs from tests/golden/{name} (review, then pytest "
                        f"--update-golden):\n{diff[:6000]}", pytrace=False)

    def check_text(self, name: str, produced: str) -> None:
        self.check_bytes(name, produced.encode("utf-8"))

    def check_file(self, name: str, produced: Path) -> None:
        self.check_bytes(name, produced.read_bytes())

    def check_entry(self, name: str, key: str, value) -> None:
        """Compare *value* with entry *key* of the gzipped JSON document *name*."""
        path = self.root / name
        if self.update:
            fd = os.open(self.root, os.O_RDONLY)   # parallel workers update one document in turn
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                doc = _read_json_gz(path) if path.is_file() else {}
                if doc.get(key) != value:
                    doc[key] = value
                    with gzip.GzipFile(path, "wb", mtime=0) as fh:
                        fh.write(json.dumps(doc, ensure_ascii=False, indent=1,
                                            sort_keys=True).encode("utf-8"))
            finally:
                os.close(fd)
            return
        assert value == self.entry(name, key), f"differs from entry {key!r} of tests/golden/{name}"

    def entry(self, name: str, key: str):
        """Entry *key* of the gzipped JSON document *name* (fails when it is missing)."""
        path = self.root / name
        if not path.is_file():
            pytest.fail(f"golden file tests/golden/{name} is missing (pytest --update-golden)",
                        pytrace=False)
        doc = _read_json_gz(path)
        if key not in doc:
            pytest.fail(f"tests/golden/{name} has no entry {key!r} (pytest --update-golden)",
                        pytrace=False)
        return doc[key]


def _read_json_gz(path: Path):
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)


@pytest.fixture
def golden(request) -> Golden:
    return Golden(GOLDEN, request.config.getoption("--update-golden"))


# -- projects and runners -------------------------------------------------

@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch):
    """Reproducible headers: POT-Creation-Date and friends come from this epoch."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the sample project (pyproject, articles, locales) in tmp_path."""
    root = tmp_path / "desk"
    root.mkdir()
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    shutil.copytree(REPO / "articles", root / "articles")
    if (REPO / "locales").is_dir():
        shutil.copytree(REPO / "locales", root / "locales")
    return root


@pytest.fixture
def empty_project(tmp_path: Path) -> Path:
    """A project with the seed article and no catalogues yet."""
    root = tmp_path / "fresh"
    (root / "articles").mkdir(parents=True)
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    shutil.copy(SEED, root / "articles" / SEED.name)
    return root


@pytest.fixture
def kirkuk(tmp_path: Path) -> Path:
    """The small newsroom of tests/data/export: a dated Markdown article, reviewed ar/ckb/ku catalogues."""
    root = tmp_path / "desk"
    shutil.copytree(KIRKUK, root)
    return root


@pytest.fixture
def full_disk(monkeypatch):
    """``full_disk(".po")``: renaming onto a file whose name ends so fails with ENOSPC.

    ``full_disk(None)`` frees the disk again.
    """
    from pipeline import fsutil
    real_replace = os.replace

    def fill(suffix: str | None) -> None:
        def replace(src, dst):
            if suffix is not None and str(dst).endswith(suffix):
                raise OSError(errno.ENOSPC, "No space left on device")
            return real_replace(src, dst)
        monkeypatch.setattr(fsutil.os, "replace", replace)
    return fill


# -- loopback machine-translation servers ---------------------------------

@pytest.fixture
def mt():
    """A loopback MT server (tests/mtserver.py) on a free port of 127.0.0.1."""
    server = MTServer().start()
    yield server
    server.stop()


@pytest.fixture
def chat():
    """A loopback chat-completions server (tests/chatserver.py) for the llm engine."""
    server = ChatServer().start()
    yield server
    server.stop()


@pytest.fixture
def gated():
    """The loopback LibreTranslate server with a gate that holds answers back (support_guarantees)."""
    server = GatedServer()
    yield server
    server.stop()


# -- PostgreSQL (tests/support_pg.py) ----------------------------------------

@pytest.fixture
def pg_databases():
    dbs = Databases(server_url())
    try:
        yield dbs
    finally:
        dbs.drop_all()


@pytest.fixture(params=["sqlite", "postgresql"])
def memory_backend(request, monkeypatch):
    """Run a test on the project's own SQLite store, then on a shared PostgreSQL memory."""
    monkeypatch.delenv("NEWSLOC_MEMORY_URL", raising=False)
    if request.param == "sqlite":
        yield None
        return
    dbs = Databases(server_url())
    url = dbs.new()
    monkeypatch.setenv("NEWSLOC_MEMORY_URL", url)
    try:
        yield url
    finally:
        dbs.drop_all()

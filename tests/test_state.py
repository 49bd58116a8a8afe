"""The state store (.newsloc/state.sqlite): no-op runs read metadata, old state is taken over,
the schema is versioned, the stage keys follow the code."""

from __future__ import annotations

import json
import os
import sqlite3
import time

import pytest

from pipeline.catalog import load_catalog
from pipeline.cli import cli
from pipeline.config import load_project
from pipeline.state import manifest as manifest_mod
from pipeline.state.schema import VERSION
from pipeline.state.store import close_store, open_store, store_path

from .paths import SEED_SLUG


def run(runner, root, *args):
    result = runner.invoke(cli, ["--root", str(root), *args])
    return result


def age_files(root, seconds: float = 60.0) -> None:
    """Move every file's modification time into the past (as if written a minute ago)."""
    past = time.time() - seconds
    for folder, _dirs, files in os.walk(root):
        if ".newsloc" in folder:
            continue
        for name in files:
            os.utime(os.path.join(folder, name), (past, past))


def test_noop_commands_read_metadata_not_files(runner, empty_project):
    root = empty_project
    assert run(runner, root, "extract").exit_code == 0
    assert run(runner, root, "translate", "--engine", "fake").exit_code == 0
    for command in ("status", "check", "export"):
        run(runner, root, command)
    age_files(root)  # stat data changed (ctime): each file is hashed once more...
    for command in ("extract", "status", "check", "export"):
        run(runner, root, command)
    store = open_store(load_project(root))
    for command in ("extract", "status", "check", "export"):  # ...then never again
        store.hashed = 0
        result = run(runner, root, command)
        assert result.exit_code in (0, 1), result.output
        assert store.hashed == 0, f"{command} read {store.hashed} file(s) to digest them"


def test_an_edit_that_keeps_size_and_mtime_is_still_seen(runner, empty_project):
    root = empty_project
    assert run(runner, root, "extract").exit_code == 0
    age_files(root)
    run(runner, root, "extract")
    article = next((root / "articles").iterdir())
    st = article.stat()
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("Iraq", "Iraz", 1), encoding="utf-8")  # same size
    os.utime(article, ns=(st.st_atime_ns, st.st_mtime_ns))  # same mtime: only the ctime tells
    result = run(runner, root, "extract")
    assert result.exit_code == 0, result.output
    pot = load_catalog(root / "locales" / "templates" / f"{SEED_SLUG}.pot")
    assert any("Iraz" in e.msgid for e in pot)


def _old_cache(path, rows) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE mt (engine TEXT NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL, "
               "text TEXT NOT NULL, result TEXT NOT NULL, glossary TEXT NOT NULL DEFAULT '', "
               "created REAL NOT NULL, PRIMARY KEY (engine, source, target, text)) WITHOUT ROWID")
    db.executemany("INSERT INTO mt VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    db.commit()
    db.close()


def test_old_state_folder_is_taken_over_without_loss(runner, empty_project):
    """A .newsloc/ of the previous version: the MT cache is kept, the rest rebuilt, old files gone."""
    root = empty_project
    assert run(runner, root, "extract").exit_code == 0
    msgid = next(e.msgid for e in load_catalog(root / "locales" / "templates" / f"{SEED_SLUG}.pot")
                 if e.msgid)
    close_store()
    state = root / ".newsloc"
    store_path(load_project(root)).unlink()
    (state / "manifest").mkdir()
    (state / "manifest" / "extract.json").write_text('{"format": 1, "key": "k", "records": {}}')
    (state / "memory").mkdir()
    (state / "memory" / "index.json").write_text('{"version": 2, "files": {}}')
    _old_cache(state / "cache.sqlite", [("fake", "en", "ckb", msgid, "پاشەکەوتکراو", "", 1.0)])
    result = run(runner, root, "translate", "--engine", "fake", "--lang", "ckb")
    assert result.exit_code == 0, result.output
    assert "1 cache hit(s)" in result.output
    po = {e.msgid: e for e in load_catalog(root / "locales" / "ckb" / f"{SEED_SLUG}.po")}
    assert po[msgid].msgstr == "پاشەکەوتکراو"  # from the old cache: not paid twice
    assert not (state / "cache.sqlite").exists() and not (state / "manifest").exists()
    assert not (state / "memory").exists()
    assert run(runner, root, "extract").exit_code == 0  # manifests rebuilt: same bytes


@pytest.fixture
def newer_store(runner, empty_project):
    """An extracted project whose store was written by a newer newsloc (closed again after the test)."""
    assert run(runner, empty_project, "extract").exit_code == 0
    close_store()
    db = sqlite3.connect(store_path(load_project(empty_project)))
    db.execute(f"PRAGMA user_version = {VERSION + 1}")
    db.commit()
    db.close()
    yield empty_project
    close_store()


def test_store_of_a_newer_version_is_refused_with_one_line(runner, newer_store):
    result = run(runner, newer_store, "translate", "--engine", "fake")
    assert result.exit_code != 0
    assert "newer newsloc" in result.output and "state.sqlite" in result.output


def test_status_answers_without_a_usable_store(runner, newer_store):
    """status reads the catalogues themselves when the store cannot be used (it used to stop)."""
    result = run(runner, newer_store, "status")
    assert result.exit_code == 0, result.output
    assert "UNTRANSLATED" in result.output and "Error" not in result.output


def test_stage_keys_follow_the_code(tmp_path, monkeypatch):
    """No module list to keep: any file of the package changes every stage key."""
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "a.py").write_text("x = 1\n")
    (package / "sub" / "b.py").write_text("y = 1\n")
    monkeypatch.setattr(manifest_mod, "_PACKAGE_DIR", package)
    manifest_mod.code_digest.cache_clear()
    try:
        first = manifest_mod.stage_key("extract")
        manifest_mod.code_digest.cache_clear()
        (package / "sub" / "b.py").write_text("y = 2\n")
        assert manifest_mod.stage_key("extract") != first
        manifest_mod.code_digest.cache_clear()
        (package / "sub" / "c.py").write_text("")  # a module added (or moved here)
        second = manifest_mod.stage_key("extract")
        manifest_mod.code_digest.cache_clear()
        assert manifest_mod.stage_key("extract") == second
    finally:
        manifest_mod.code_digest.cache_clear()


def test_findings_are_plain_json_records(runner, empty_project):
    root = empty_project
    assert run(runner, root, "extract").exit_code == 0
    run(runner, root, "check")
    rows = open_store(load_project(root)).db.execute(
        "SELECT data FROM records WHERE stage = 'check'")
    records = [json.loads(data) for (data,) in rows]
    assert records and all(isinstance(r.get("findings", []), list) for r in records)

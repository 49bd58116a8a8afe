"""Real processes: kill -9 and Ctrl-C mid-run, two runs at once, a translator saving meanwhile.

Each test starts ``python -m pipeline ...`` as a child process against a
loopback LibreTranslate server (tests/mtserver.py) whose answers can be held
back by a gate, so the test knows when the child is mid-run.
"""

from __future__ import annotations

import shutil
import signal
import time
from pathlib import Path

import pytest

from pipeline.catalog import count_entries, is_reviewed, load_catalog, save_catalog
from pipeline.cli import cli
from pipeline.config import load_project
from pipeline.state.store import store_path
from pipeline.translate.cache import MTCache

from .paths import REPO, SEED, SEED_SLUG
from .support_guarantees import (assert_catalogues_valid, mt_entries, newsloc, reviewed_snapshot,
                                 run_newsloc, temp_files, translate_args, write_articles)

pytestmark = pytest.mark.slow  # child processes, killed and waited for

LANGS = ("ar", "ckb", "ku")


@pytest.fixture
def desk(tmp_path: Path, runner) -> Path:
    """The seed article with its reviewed catalogues, plus 8 untranslated reports."""
    root = tmp_path / "desk"
    root.mkdir()
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    with open(root / "pyproject.toml", "a", encoding="utf-8") as fh:
        fh.write("\n[tool.newsloc.translate]\ntimeout = 5\n")
    (root / "articles").mkdir()
    shutil.copy(SEED, root / "articles" / SEED.name)
    shutil.copytree(REPO / "locales", root / "locales")
    write_articles(root, 8)
    result = runner.invoke(cli, ["--root", str(root), "extract"])
    assert result.exit_code == 0, result.output
    return root


def untranslated(root: Path) -> int:
    return sum(count_entries(load_catalog(p)).untranslated
               for p in (root / "locales").rglob("*.po"))


def cached(root: Path) -> set[tuple[str, str]]:
    """(target, text) pairs the MT cache holds: every answer the child received."""
    project = load_project(root)
    if not store_path(project).exists():
        return set()
    rows = MTCache.for_project(project).db.execute("SELECT target, text FROM mt WHERE engine='libre'")
    return {(t, x) for t, x in rows}


def finish(proc, timeout: float = 30) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["kill-9", "ctrl-c"])
def test_interrupted_translate_leaves_valid_catalogues_and_resumes(desk, gated, sig):
    reviewed = reviewed_snapshot(desk)
    todo = untranslated(desk)
    assert todo >= 150
    gated.server.latency = 0.01
    proc = newsloc(desk, *translate_args(gated.url))
    gated.wait_requests(todo // 3, proc=proc)
    time.sleep(0.05)
    proc.send_signal(sig)
    code, out, err = finish(proc)
    if sig == signal.SIGINT:
        assert code == 130, (out, err)
        assert "Interrupted: everything received is saved" in err
    else:
        assert code == -signal.SIGKILL

    # Every catalogue valid, reviewed entries byte-identical.
    assert_catalogues_valid(desk)
    assert reviewed_snapshot(desk) == reviewed
    received = cached(desk)
    assert received, "nothing received before the interruption: the test proved nothing"
    kept = mt_entries(desk)
    # Ctrl-C: everything received should be in the catalogues themselves
    # (checked at the end); kill -9: at least in the cache, checked by the rerun.
    msgids = {(p.parent.name, e.msgid) for p in (desk / "locales").rglob("*.po")
              for e in load_catalog(p)}
    not_saved = (received & msgids) - {(p.parent.name, msgid) for p, msgid in kept}

    # The next run resumes: nothing received is asked for again, the rest is filled.
    gated.server.log.clear()
    rerun = run_newsloc(desk, *translate_args(gated.url))
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    asked = {(r["target"], r["q"]) for r in gated.requests()}
    assert not asked & received, "paid twice for " + repr(sorted(asked & received)[:3])
    assert len(asked) < todo
    assert untranslated(desk) == 0
    assert_catalogues_valid(desk)
    assert reviewed_snapshot(desk) == reviewed
    final = mt_entries(desk)
    assert all(final.get(k) == v for k, v in kept.items())
    assert not temp_files(desk)
    if sig == signal.SIGINT:
        # Ctrl-C saves every suggestion that reached the pipeline; none is left
        # only in the cache (pending fills are kept until their save lands).
        assert not not_saved, f"{len(not_saved)} received suggestion(s) not saved on Ctrl-C"


def test_second_run_gets_a_clear_lock_message_or_waits(desk, gated):
    gated.gate.clear()  # the first run reads, sends, and waits for answers: lock held
    first = newsloc(desk, *translate_args(gated.url))
    gated.wait_requests(1, proc=first)
    before = {p: p.read_bytes() for p in (desk / "locales").rglob("*.po")}

    for args in (["extract"], translate_args(gated.url)):
        second = run_newsloc(desk, *args, timeout=30)
        assert second.returncode == 1, second.stdout + second.stderr
        message = second.stderr
        assert "another newsloc run is writing this project" in message
        assert f"pid {first.pid}" in message and "translate --engine libre" in message
        assert "--wait SECONDS" in message
        assert len(message.strip().splitlines()) == 1
    late = run_newsloc(desk, "extract", "--wait", "0.5")
    assert late.returncode == 1 and "still held after waiting 0.5 s" in late.stderr
    assert {p: p.read_bytes() for p in before} == before  # the refused runs wrote nothing

    waiting = newsloc(desk, "extract", "--wait", "60")
    said = waiting.stderr.readline()  # returns once the child says it waits
    assert "waiting for the project lock" in said, said
    assert waiting.poll() is None, "a run with --wait must wait for the lock"
    gated.gate.set()
    code, out, err = finish(first)
    assert code == 0, out + err
    code, out, err = finish(waiting)
    assert code == 0, out + err
    assert untranslated(desk) == 0
    assert_catalogues_valid(desk)


def test_lock_of_a_killed_run_is_recovered(desk, gated):
    gated.gate.clear()
    first = newsloc(desk, *translate_args(gated.url))
    gated.wait_requests(1, proc=first)
    first.kill()
    finish(first)
    # A temporary file such as a run killed mid-write leaves behind.
    stale = desk / "locales" / "ar" / f".{SEED_SLUG}.po.abc123xy.newsloc.tmp"
    stale.write_text("half a catalogue", encoding="utf-8")
    again = run_newsloc(desk, "extract")  # no --wait: a held lock would fail at once, not wait
    assert again.returncode == 0, again.stdout + again.stderr
    assert not stale.exists()
    assert_catalogues_valid(desk)


def test_translator_save_during_translate_is_kept(desk, gated):
    """Poedit saves a catalogue while translate waits for the engine: the save wins."""
    gated.gate.clear()
    proc = newsloc(desk, *translate_args(gated.url))
    gated.wait_requests(1, proc=proc)  # the child has read every catalogue

    # The translator corrects a reviewed entry of the seed and translates one
    # of the empty entries of a report, then saves (as Poedit: whole file).
    seed_po = desk / "locales" / "ar" / f"{SEED_SLUG}.po"
    po = load_catalog(seed_po)
    corrected = next(e for e in po if is_reviewed(e) and e.msgid)
    corrected.msgstr = "تصحيح المترجم: " + corrected.msgstr
    save_catalog(po, seed_po)
    report_po = desk / "locales" / "ar" / "report-002.po"
    po = load_catalog(report_po)
    mine = next(e for e in po if not e.msgstr and e.msgid)
    mine.msgstr = "ترجمة المترجم"
    save_catalog(po, report_po)
    saved = {seed_po: seed_po.read_bytes()}

    gated.gate.set()
    code, out, err = finish(proc)
    assert code == 0, out + err
    assert "a translator edited those entries meanwhile" in err
    assert seed_po.read_bytes() == saved[seed_po]  # nothing to add there: untouched
    entries = {e.msgid: e for e in load_catalog(report_po)}
    assert entries[mine.msgid].msgstr == "ترجمة المترجم"
    assert "fuzzy" not in entries[mine.msgid].flags
    assert all(e.msgstr for e in entries.values() if e.msgid)  # the rest still filled
    assert untranslated(desk) == 0
    assert_catalogues_valid(desk)


def test_killed_extract_leaves_valid_catalogues(tmp_path):
    """kill -9 at several moments of a long extract: never a broken catalogue."""
    root = tmp_path / "big"
    root.mkdir()
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    write_articles(root, 40, sentences=9)
    first = run_newsloc(root, "extract")
    assert first.returncode == 0, first.stderr
    for path in sorted((root / "articles").glob("*.txt")):  # every article edited
        path.write_text(path.read_text(encoding="utf-8").replace(" on day ", " on the day "),
                        encoding="utf-8")
    for delay in (0.5, 0.7, 0.9):
        proc = newsloc(root, "extract")
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL if delay != 0.7 else signal.SIGINT)
        finish(proc)
        assert_catalogues_valid(root)
    done = run_newsloc(root, "extract")
    assert done.returncode == 0, done.stderr
    assert_catalogues_valid(root)
    assert not temp_files(root)
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    shutil.copy(REPO / "pyproject.toml", fresh / "pyproject.toml")
    shutil.copytree(root / "articles", fresh / "articles")
    assert run_newsloc(fresh, "extract").returncode == 0
    for pot in sorted((fresh / "locales" / "templates").glob("*.pot")):
        assert (root / "locales" / "templates" / pot.name).read_bytes() == pot.read_bytes()


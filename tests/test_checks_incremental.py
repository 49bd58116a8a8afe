"""The fast check: same findings as before, from the cache when nothing changed, any --jobs.

The golden file ``tests/golden/checks_equivalence.json.gz`` holds the JSON
output of ``newsloc check`` from before the check stage was made streaming,
cached and parallel, on the project of :mod:`tests.support_checks`; every
path through the new code must print exactly those findings.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from pipeline import checks
from pipeline.checks.project import tm_summary, units_summary
from pipeline.cli import cli
from pipeline.config import load_project

from .paths import PO_REAL
from .support_state import forget_stage, stages
from .support_checks import SEED_SLUG, _quote, make_check_project, normalised

pytestmark = [pytest.mark.shared, pytest.mark.slow]  # a 42-article project, checked again and again

CHECKS = "checks_equivalence.json.gz"
STATUS = "status_equivalence.json.gz"


@pytest.fixture
def desk(tmp_path: Path) -> Path:
    return make_check_project(tmp_path / "desk")


def check_json(runner, root: Path, *args: str) -> tuple[dict, int, str]:
    result = runner.invoke(cli, ["--root", str(root), "check", "--json", *args])
    return normalised(result.stdout, root), result.exit_code, result.stdout


@pytest.fixture
def counted(monkeypatch) -> list[str]:
    """Count calls of the numbers check (an entry check) and of whole-file checks."""
    calls: list[str] = []
    for name in ("numbers", "file"):
        original = checks.CHECKS[name]

        def counting(arg, _func=original.func, _name=name):
            calls.append(_name)
            return _func(arg)
        monkeypatch.setitem(checks.CHECKS, name, dataclasses.replace(original, func=counting))
    return calls


def test_findings_equal_the_golden_cold_cached_and_parallel(runner, desk, golden):
    for args in (["--jobs", "1"], ["--jobs", "1"], ["--jobs", "2", "--force"], ["--jobs", "2"]):
        doc, code, _ = check_json(runner, desk, *args)
        golden.check_entry(CHECKS, "project", doc)
        golden.check_entry(CHECKS, "project_exit", code)
    doc, _, _ = check_json(runner, desk, "--fuzzy", "--lang", "ckb")
    golden.check_entry(CHECKS, "fuzzy_ckb", doc)
    files = [str(p) for p in sorted(PO_REAL.glob("*.po"))]
    for args in (["--jobs", "1"], ["--jobs", "2"], ["--jobs", "2"]):
        doc, code, _ = check_json(runner, desk, *args, *files)
        golden.check_entry(CHECKS, "real", doc)
        golden.check_entry(CHECKS, "real_exit", code)


def test_blocks_and_a_pool_started_midway_print_the_golden(runner, desk, golden, monkeypatch, counted):
    """Catalogues are read, checked and recorded a block at a time: block edges change nothing."""
    from pipeline.checks import project as check_project
    monkeypatch.setattr(check_project, "BLOCK", 7)
    monkeypatch.setattr(check_project, "POOL_THRESHOLD", 3)
    text = runner.invoke(cli, ["--root", str(desk), "check", "--jobs", "2"]).output
    po = sorted((desk / "locales" / "ckb").glob("*.po"))[5]  # one changed catalogue, blocks in: in-process
    po.write_text(po.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    for args in (["--jobs", "2"], ["--jobs", "1"], ["--jobs", "2", "--force"]):
        doc, code, _ = check_json(runner, desk, *args)
        golden.check_entry(CHECKS, "project", doc)
        golden.check_entry(CHECKS, "project_exit", code)
    # Earlier blocks all cached, a later one with enough changed catalogues: the pool starts there.
    events: list[str] = []
    real_start, real_map = check_project.start_pool, check_project.map_chunks
    monkeypatch.setattr(check_project, "start_pool", lambda *a, **k: events.append(
        "pool" if k["work"] >= 3 else "no pool") or real_start(*a, **k))
    monkeypatch.setattr(check_project, "map_chunks", lambda *a, **k: events.append("block") or real_map(*a, **k))
    for po in sorted((desk / "locales" / "ku").glob("*.po"))[-4:]:
        po.write_text(po.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    doc, code, _ = check_json(runner, desk, "--jobs", "2")
    golden.check_entry(CHECKS, "project", doc)
    golden.check_entry(CHECKS, "project_exit", code)
    assert "pool" in events and events.index("pool") > 0 and "block" in events[:events.index("pool")], events
    monkeypatch.setattr(check_project, "start_pool", real_start)
    monkeypatch.setattr(check_project, "map_chunks", real_map)
    counted.clear()
    again = runner.invoke(cli, ["--root", str(desk), "check", "--jobs", "2"]).output
    assert counted == [] and again.splitlines()[:-1] == text.splitlines()[:-1]


def test_noop_check_uses_the_cache(runner, desk, counted):
    first, _, _ = check_json(runner, desk, "--jobs", "1")
    readable = counted.count("file")  # unreadable files end at the reader, before any check
    assert len(first["files"]) - 20 < readable < len(first["files"])
    counted.clear()
    again, _, _ = check_json(runner, desk, "--jobs", "1")
    assert again == first and counted == []
    result = runner.invoke(cli, ["--root", str(desk), "check", "--jobs", "1"])
    assert f"({len(first['files'])} unchanged since the last check)" in result.output
    counted.clear()
    forced, _, _ = check_json(runner, desk, "--jobs", "1", "--force")
    assert forced == first and counted.count("file") == readable


def _consistency_calls(monkeypatch) -> list[str]:
    from pipeline.checks import consistency
    calls: list[str] = []
    original = consistency.find_inconsistencies

    def counting(project, lang, **kwargs):
        calls.append(lang)
        return original(project, lang, **kwargs)
    monkeypatch.setattr(consistency, "find_inconsistencies", counting)
    return calls


def _shared_sentence(desk: Path) -> tuple[Path, str, str, str]:
    """A ckb catalogue, a msgid another one shares translated otherwise: (path, msgid, ours, theirs)."""
    from pipeline.catalog import load_catalog
    stories = sorted((desk / "locales" / "ckb").glob("story-*.po"))
    for a in stories:
        try:
            ours = {e.msgid: e for e in load_catalog(a)}
        except Exception:
            continue
        for b in stories:
            if b == a:
                continue
            try:
                theirs = load_catalog(b)
            except Exception:
                continue
            for e in theirs:
                mine = ours.get(e.msgid)
                if mine and mine.msgstr and e.msgstr and mine.msgstr != e.msgstr and not e.flags \
                        and not mine.flags and "\n" not in e.msgid:
                    return a, e.msgid, mine.msgstr, e.msgstr
    raise AssertionError("no shared sentence")


def test_po_edit_rechecks_that_catalogue_and_its_language(runner, desk, counted, monkeypatch):
    before, _, _ = check_json(runner, desk, "--jobs", "1")
    inconsistencies = _consistency_calls(monkeypatch)
    po, msgid, ours, theirs = _shared_sentence(desk)
    text = po.read_text(encoding="utf-8")
    old = f"msgid {_quote(msgid)}\nmsgstr {_quote(ours)}\n"
    assert old in text
    po.write_text(text.replace(old, f"msgid {_quote(msgid)}\nmsgstr {_quote(theirs)}\n"), encoding="utf-8")
    counted.clear()
    after, _, _ = check_json(runner, desk, "--jobs", "1")
    assert counted.count("file") == 1  # only the edited catalogue was read
    assert inconsistencies == ["ckb"]  # only its language's project-scope check ran again
    assert after != before
    forced, _, _ = check_json(runner, desk, "--jobs", "1", "--force")
    assert after == forced
    changed = [f for f in after["findings"] if f not in before["findings"]] + \
              [f for f in before["findings"] if f not in after["findings"]]
    assert {f["path"].split("/")[1] for f in changed} == {"ckb"}
    assert any(f["check"] == "consistency" and f["path"] == f"locales/ckb/{po.name}" for f in changed)


def test_glossary_edit_rechecks_that_language(runner, desk, counted):
    check_json(runner, desk, "--jobs", "1", "--lang", "ku", "--force")
    ku_readable = counted.count("file")
    first, _, _ = check_json(runner, desk, "--jobs", "1")
    glossary = desk / "locales" / "ku" / "glossary.csv"
    glossary.write_text(glossary.read_text(encoding="utf-8") + "Shares,Pişk,\n", encoding="utf-8")
    counted.clear()
    after, _, _ = check_json(runner, desk, "--jobs", "1")
    assert counted.count("file") == ku_readable
    new = [f for f in after["findings"] if f not in first["findings"]]
    assert new and all(f["path"].startswith("locales/ku/") and f["check"] == "glossary" for f in new)
    forced, _, _ = check_json(runner, desk, "--jobs", "1", "--force")
    assert after == forced


def test_one_article_check_sees_the_whole_language_for_consistency(runner, desk):
    full, _, _ = check_json(runner, desk, "--jobs", "1", "--force")
    for warm in (False, True):
        if not warm:
            for stage in stages(desk):
                if stage.startswith("check"):
                    forget_stage(desk, stage)
        one, _, _ = check_json(runner, desk, "story-03", "--jobs", "1")
        wanted = [f for f in full["findings"] if Path(f["path"]).stem == "story-03"]
        assert one["findings"] == wanted and any(f["check"] == "consistency" for f in wanted)


def test_tm_summary_agrees_with_the_memory_units(desk):
    from pipeline.catalog import load_catalog
    from pipeline.translate.memory import read_catalog_units
    project = load_project(desk)
    seen = 0
    for po_path in sorted((desk / "locales").glob("*/*.po")):
        try:
            units = read_catalog_units(project, po_path)
        except Exception:
            continue
        assert tm_summary(load_catalog(po_path)) == units_summary(units), po_path
        seen += 1
    assert seen > 100


def test_check_project_api_and_seed(desk):
    project = load_project(desk)
    targets = [(project.catalog_path(SEED_SLUG, lang), lang) for lang in ("ar", "ckb", "ku")]
    one = checks.check_project(project, targets, use_cache=False)
    assert one == checks.check_project(project, targets, jobs=2) == checks.check_project(project, targets)


# ----------------------------------------------------------------- status

def test_status_equals_the_golden_cold_cached_and_parallel(runner, desk, golden, monkeypatch):
    from pipeline import status
    reads: list[Path] = []
    original = status.summarise

    def counting(source, **kwargs):
        reads.append(source)
        return original(source, **kwargs)
    monkeypatch.setattr(status, "summarise", counting)
    for args in (["--jobs", "1"], ["--jobs", "1"], ["--jobs", "2"]):
        result = runner.invoke(cli, ["--root", str(desk), "status", "--json", *args])
        golden.check_entry(STATUS, "json", json.loads(result.stdout.replace(str(desk) + "/", "")))
        if args == ["--jobs", "1"] and reads:
            first, reads[:] = len(reads), []
    assert first > 100 and reads == []  # the second and third runs parsed nothing
    result = runner.invoke(cli, ["--root", str(desk), "status"])
    # Column widths follow the longest cell (an error names the temporary path): compare words.
    golden.check_entry(STATUS, "table", " ".join(result.stdout.replace(str(desk) + "/", "").split()))
    po = desk / "locales" / "ar" / f"{SEED_SLUG}.po"
    po.write_text(po.read_text(encoding="utf-8") + '\nmsgid "A new sentence."\nmsgstr ""\n', encoding="utf-8")
    result = runner.invoke(cli, ["--root", str(desk), "status", "--json", "--jobs", "1"])
    assert reads == [po]
    cached = json.loads(result.stdout)
    row = next(r for r in cached["catalogues"] if r["path"] == str(po))
    assert row["untranslated"]["segments"] == 1 + next(
        r for r in golden.entry(STATUS, "json")["catalogues"]
        if r["path"].endswith(f"ar/{SEED_SLUG}.po"))["untranslated"]["segments"]
    forget_stage(desk, "status")
    result = runner.invoke(cli, ["--root", str(desk), "status", "--json", "--jobs", "2"])
    assert json.loads(result.stdout) == cached


def test_a_store_that_refuses_saves_still_spares_unchanged_catalogues(runner, desk, counted, monkeypatch,
                                                                       caplog):
    """A read-only checkout: the first refused save stops the writing, not the use of the
    records already there (later blocks' unchanged catalogues are not checked again)."""
    from pipeline.checks import project as check_project
    from pipeline.errors import PipelineError
    from pipeline.state.store import Store
    first, _, _ = check_json(runner, desk, "--jobs", "1")
    monkeypatch.setattr(check_project, "BLOCK", 7)
    pos = sorted((desk / "locales" / "ckb").glob("*.po"))
    pos[0].write_text(pos[0].read_text(encoding="utf-8") + "\n", encoding="utf-8")  # first block

    def refuse(*_args, **_kwargs):
        raise PipelineError("attempt to write a readonly database")
    monkeypatch.setattr(Store, "save_records", refuse)
    counted.clear()
    result = runner.invoke(cli, ["--root", str(desk), "check", "--jobs", "1"])
    assert "cannot save the check records" in caplog.text
    assert counted.count("file") == 1  # the edited catalogue only
    assert f"({len(first['files']) - 1} unchanged since the last check)" in result.output

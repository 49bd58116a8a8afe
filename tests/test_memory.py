"""Translation memory: matching, pre-translation, the derived index, consistency."""

from __future__ import annotations

import os
import random

import pytest

from pipeline.catalog import load_catalog, save_catalog
from pipeline.config import load_project
from pipeline.state.store import close_store
from pipeline.translate.memory import Match, Memory, find_inconsistencies, index_path, load_memory
from pipeline.translate.pretranslate import MemoryPretranslator
from pipeline.translate.units import Unit
from pipeline.translate.run import pretranslate_catalogs

from .support_memory import (FLOOD, NEAR_NEW, NEAR_OLD, NEW, SHARED, STORM, article, entries,
                             make_project, review, stand_in, storm_and_flood)


@pytest.fixture
def desk(tmp_path):
    """Two articles sharing sentences; the first one reviewed in Arabic."""
    return storm_and_flood(tmp_path / "desk")


def test_exact_and_fuzzy_matches_across_articles(desk):
    project = load_project(desk)
    memory = load_memory(project)
    exact = memory.lookup(SHARED, "ar")
    assert exact is not None and exact.exact and exact.unit.origin == "storm"
    assert exact.unit.target == stand_in("ar", SHARED)
    near = memory.lookup(NEAR_NEW, "ar")
    assert near is not None and not near.exact and 75 <= near.score < 100
    assert near.unit.source == NEAR_OLD and near.percent == 98
    assert memory.lookup(NEW, "ar") is None
    assert memory.lookup(SHARED, "ckb") is None  # per language


def test_pretranslate_writes_provenance_scores_and_previous_source(desk):
    project = load_project(desk)
    result = pretranslate_catalogs(project, ["flood"], ["ar"])
    assert (result.report.exact, result.report.fuzzy, result.report.reviewed) == (1, 1, 0)
    assert result.report.unmatched == ["Flood waters recede in the north", NEW]
    got = entries(desk, "flood", "ar")
    assert got[SHARED].msgstr == stand_in("ar", SHARED)
    assert "fuzzy" in got[SHARED].flags and got[SHARED].previous_msgid is None
    assert "TM 100% from storm" in got[SHARED].comment.split("\n")
    assert got[NEAR_NEW].msgstr == stand_in("ar", NEAR_OLD)
    assert "fuzzy" in got[NEAR_NEW].flags and got[NEAR_NEW].previous_msgid == NEAR_OLD
    assert "TM 98% from storm" in got[NEAR_NEW].comment.split("\n")
    assert got[NEW].msgstr == ""
    text = project.catalog_path("flood", "ar").read_text(encoding="utf-8")
    assert "#. TM 100% from storm\n" in text and "#. TM 98% from storm\n" in text
    assert f'#| "{NEAR_OLD}"' in text  # the previous source, as msgmerge --previous writes it


def test_provenance_survives_re_extraction(desk):
    project = load_project(desk)
    pretranslate_catalogs(project, ["flood"], ["ar"])
    from pipeline.extract import extract_article
    extract_article(project, project.find_article("flood"))
    got = entries(desk, "flood", "ar")
    assert "TM 100% from storm" in got[SHARED].comment
    assert "TM 98% from storm" in got[NEAR_NEW].comment


def test_exact_is_reviewed_setting(tmp_path):
    root = make_project(tmp_path / "d", {"storm.txt": STORM, "flood.txt": FLOOD},
                        extra_toml="\n[tool.newsloc.memory]\nexact_is_reviewed = true\n")
    review(root, "storm", "ar")
    result = pretranslate_catalogs(load_project(root), ["flood"], ["ar"])
    assert (result.report.reviewed, result.report.fuzzy) == (1, 1)
    got = entries(root, "flood", "ar")
    assert "fuzzy" not in got[SHARED].flags and "TM 100% from storm" in got[SHARED].comment
    assert "fuzzy" in got[NEAR_NEW].flags


def test_ambiguous_exact_match_is_never_taken_as_reviewed(tmp_path):
    third = article("Another storm story", SHARED)
    root = make_project(tmp_path / "d", {"storm.txt": STORM, "flood.txt": FLOOD, "third.txt": third},
                        extra_toml="\n[tool.newsloc.memory]\nexact_is_reviewed = true\n")
    review(root, "storm", "ar")
    review(root, "third", "ar", lambda s: "ترجمة أخرى" if s == SHARED else None)
    pretranslate_catalogs(load_project(root), ["flood"], ["ar"])
    got = entries(root, "flood", "ar")
    assert "fuzzy" in got[SHARED].flags  # two translations in the memory: a human decides


def test_reviewed_entry_never_replaced(desk):
    project = load_project(desk)
    mine = "ترجمة المحرر"
    review(desk, "flood", "ar", lambda s: mine if s == SHARED else None)
    before = project.catalog_path("flood", "ar").read_bytes()
    entry_before = str(entries(desk, "flood", "ar")[SHARED])
    result = pretranslate_catalogs(project, ["flood"], ["ar"], retranslate=True)
    assert result.report.exact == 0
    got = entries(desk, "flood", "ar")
    assert str(got[SHARED]) == entry_before and got[SHARED].msgstr == mine
    assert project.catalog_path("flood", "ar").read_bytes() != before  # the others were filled


def test_fuzzy_entry_kept_unless_retranslate(desk):
    project = load_project(desk)
    path = project.catalog_path("flood", "ar")
    po = load_catalog(path)
    for e in po:
        if e.msgid == SHARED:
            e.msgstr, e.flags = "مسودة", ["fuzzy"]
    save_catalog(po, path)
    pretranslate_catalogs(project, ["flood"], ["ar"])
    assert entries(desk, "flood", "ar")[SHARED].msgstr == "مسودة"
    pretranslate_catalogs(project, ["flood"], ["ar"], retranslate=True)
    assert entries(desk, "flood", "ar")[SHARED].msgstr == stand_in("ar", SHARED)


def test_memory_rebuilt_after_translator_edits_po(desk):
    project = load_project(desk)
    first = load_memory(project)
    assert index_path(project).is_file() and "locales/ar/storm.po" in first.rebuilt
    again = load_memory(project)
    assert again.rebuilt == []  # nothing changed: the index answers
    # A translator corrects one translation (same byte length, same mtime: only the hash tells).
    path = project.catalog_path("storm", "ar")
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    old = stand_in("ar", SHARED)
    new = old.replace("[ar]", "[AR]")
    head = '"' + old[:12]  # the msgstr may be wrapped: edit its first line
    assert text.count(head) == 1
    path.write_text(text.replace(head, '"' + new[:12]), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    edited = load_memory(project)
    assert edited.rebuilt == ["locales/ar/storm.po"]
    assert edited.lookup(SHARED, "ar").unit.target == new
    # A translator un-reviews the entry (marks it fuzzy): it leaves the memory.
    po = load_catalog(path)
    for e in po:
        if e.msgid == SHARED:
            e.flags.append("fuzzy")
    save_catalog(po, path)
    assert load_memory(project).exact(SHARED, "ar") is None


def test_unchanged_archive_is_answered_by_chunk_digests(desk, monkeypatch):
    """An archive whose memory files did not change is not compared file by file;
    an edit in place (same size and mtime) and a removed file still are found."""
    import pipeline.translate.memory as memory_module
    from pipeline.state.tm import TMTables

    project = load_project(desk)
    load_memory(project)
    later = memory_module.time.time() + 10  # files older than the racy window at the next sync
    monkeypatch.setattr(memory_module.time, "time", lambda: later)
    assert load_memory(project).rebuilt == []
    compared = []
    real_stamps = TMTables.file_stamps
    monkeypatch.setattr(TMTables, "file_stamps",
                        lambda self, desk, paths=None: compared.append(paths) or real_stamps(self, desk, paths))
    assert load_memory(project).exact(SHARED, "ar") is not None
    assert compared == []  # chunk digests match: no per-file row is read
    path = project.catalog_path("storm", "ar")
    st = path.stat()
    old = stand_in("ar", SHARED)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"' + old[:12], '"' + old.replace("[ar]", "[AR]")[:12]), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    edited = load_memory(project)
    assert compared and "locales/ar/storm.po" in compared[0] and edited.rebuilt == ["locales/ar/storm.po"]
    assert edited.lookup(SHARED, "ar").unit.target == old.replace("[ar]", "[AR]")
    path.unlink()
    assert load_memory(project).exact(SHARED, "ar") is None


def test_index_is_derived(desk):
    project = load_project(desk)
    load_memory(project)
    close_store()  # between two runs: a damaged store is moved aside and rebuilt
    index_path(project).write_text("{not json" * 100, encoding="utf-8")
    assert load_memory(project).exact(SHARED, "ar") is not None
    close_store()
    index_path(project).unlink()
    assert load_memory(project).exact(SHARED, "ar") is not None


def test_broken_catalogue_left_out_not_fatal(desk):
    project = load_project(desk)
    (project.locales_dir / "ar" / "broken.po").write_text('msgid "x\nmsgstr ""\n', encoding="utf-8")
    memory = load_memory(project)
    assert memory.exact(SHARED, "ar") is not None
    assert len(memory.skipped) == 1 and "broken.po" in str(memory.skipped[0])


def test_glossary_po_is_not_memory(desk):
    project = load_project(desk)
    (project.locales_dir / "ar" / "glossary.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "ISIS"\nmsgstr "داعش"\n', encoding="utf-8")
    assert load_memory(project).exact("ISIS", "ar") is None


def test_consistency_reports_same_sentence_translated_differently(desk):
    review(desk, "flood", "ar", lambda s: "ترجمة مختلفة" if s == SHARED else None)
    project = load_project(desk)
    found = [f for f in find_inconsistencies(project, "ar") if f.kind == "memory"]
    assert {f.path.name for f in found} == {"storm.po", "flood.po"}
    assert all(f.source == SHARED and f.line for f in found)
    flood = next(f for f in found if f.path.name == "flood.po")
    assert "storm" in flood.message and stand_in("ar", SHARED)[:10] in flood.message
    # Same translation up to spacing and bidi marks: consistent.
    review(desk, "flood", "ar", lambda s: "  " + stand_in("ar", s) + "\u200f" if s == SHARED else None)
    assert not [f for f in find_inconsistencies(project, "ar") if f.kind == "memory"]


def test_match_percent_never_rounds_up_to_100():
    unit = Unit("a", "b", "ar", "x")
    assert Match(unit, 99.7).percent == 99 and Match(unit, 100.0).percent == 100
    assert Match(unit, 99.7).provenance == "TM 99% from x"


def test_pretranslation_keeps_outer_whitespace(tmp_path):
    memory = Memory([Unit("Hello there.", "مرحبا هناك.", "ar", "a")])
    step = MemoryPretranslator(load_project(tmp_path), memory=memory)
    out = step(None, "ar", ["Hello there.\n"])
    assert step.served.exact == 1 and out["Hello there.\n"][0] == "مرحبا هناك.\n"


def _sentence(rng: random.Random, words: list[str]) -> str:
    return " ".join(rng.choice(words) for _ in range(rng.randint(8, 30))).capitalize() + "."


def test_prefiltered_fuzzy_lookup_agrees_with_brute_force():
    """20,000 segments: the prefiltered lookup finds what a full scan finds (bench/tm.py times it)."""
    rng = random.Random(7)
    vocabulary = [f"w{i}" for i in range(3000)] + ["the", "of", "and", "to", "in", "said"] * 50
    sources = list({_sentence(rng, vocabulary) for _ in range(20000)})
    memory = Memory(Unit(s, s.upper(), "ar", f"a{i % 900}") for i, s in enumerate(sources))
    queries = []
    for s in rng.sample(sources, 30):  # edited sentences: one word changed
        words = s.split()
        words[rng.randrange(len(words))] = "changed"
        queries.append(" ".join(words))
    queries += [_sentence(rng, vocabulary) for _ in range(10)]  # unknown sentences
    memory.lookup("warm up", "ar")
    found = [memory.lookup(q, "ar") for q in queries]
    from rapidfuzz import fuzz, process
    for q, match in zip(queries, found):
        best = process.extractOne(q, sources, scorer=fuzz.ratio, score_cutoff=75)
        if best is None:
            assert match is None
        else:
            assert match is not None and match.score == pytest.approx(best[1])


def test_consistency_reports_names_rendered_differently_from_glossary(tmp_path):
    text = article("Coalition keeps up pressure on ISIS",
                   "Officials in Kirkuk said ISIS cells were hiding in the hills.",
                   "The AFP photographer said the raid lasted two hours.")
    root = make_project(tmp_path / "d", {"raid.txt": text})
    (root / "locales" / "ar" / "glossary.csv").write_text(
        "term,translation,note\nISIS,داعش,\nAFP,,agency name\n", encoding="utf-8")
    review(root, "raid", "ar", {
        "Coalition keeps up pressure on ISIS": "التحالف يواصل الضغط على داعش",
        "Officials in Kirkuk said ISIS cells were hiding in the hills.":
            "قال مسؤولون في كركوك إن خلايا الدولة الإسلامية تختبئ في التلال.",
        "The AFP photographer said the raid lasted two hours.":
            "قال مصور وكالة الصحافة الفرنسية إن المداهمة استمرت ساعتين.",
    }.get)
    found = [f for f in find_inconsistencies(load_project(root), "ar") if f.kind == "glossary"]
    assert sorted(f.message.split(" should")[0] for f in found) == ["'AFP'", "'ISIS'"]
    assert all(f.path.name == "raid.po" and f.line for f in found)
    assert "rendered 'داعش'" in next(f.message for f in found if "ISIS" in f.message)
    assert "kept as written" in next(f.message for f in found if "AFP" in f.message)


def test_check_reports_cross_article_inconsistency(desk):
    from pipeline import checks
    review(desk, "flood", "ar", lambda s: "ترجمة مختلفة" if s == SHARED else None)
    project = load_project(desk)
    target = [(project.catalog_path("flood", "ar"), "ar")]
    found = [f for f in checks.check_project(project, target) if f.check == "consistency"]
    assert len(found) == 1 and found[0].severity == "warning"
    assert found[0].path.endswith("flood.po") and "storm" in found[0].message

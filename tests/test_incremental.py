"""Incremental extraction: skipping never changes what is written, and hides no merge.

The invariant: a run that uses the manifest leaves exactly the bytes a run
that ignores it (``force``) would leave, after any sequence of edits to
articles, catalogues and templates. On top: a run with nothing to do
writes nothing and does not even segment; deleting ``.newsloc/`` is safe.
"""

from __future__ import annotations

import os
import shutil

import pytest

from pipeline import extract as extract_mod
from pipeline import segment as segment_mod
from pipeline.catalog import load_catalog, save_catalog
from pipeline.cli import cli
from pipeline.config import load_project
from pipeline.extract import extract_articles
from pipeline.state.manifest import Manifest, digest_path
from pipeline.state.store import close_store, open_store, store_path

from .support_state import stage_records
from .support_perf import edit_article, make_project, mtimes, tree

N = 10


@pytest.fixture
def desk(tmp_path):
    root = make_project(tmp_path / "desk", synthetic=N)
    project = load_project(root)
    summary = extract_articles(project, jobs=1)
    assert summary.written == N * 4 and summary.skipped == 0
    return project


def no_segmenting(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("segmented an article that was up to date")
    monkeypatch.setattr(segment_mod, "segment_article", refuse)


def translate_all(project, slug, lang, prefix):
    po_path = project.catalog_path(slug, lang)
    po = load_catalog(po_path)
    for entry in po:
        if not entry.obsolete:
            entry.msgstr = f"{prefix}{entry.msgid}"
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    save_catalog(po, po_path)


def test_noop_run_writes_nothing_and_segments_nothing(desk, monkeypatch):
    before = mtimes(desk.root, "locales")
    records_before = stage_records(desk, "extract")
    no_segmenting(monkeypatch)
    summary = extract_articles(desk, jobs=2)
    assert (summary.skipped, summary.written, summary.unchanged) == (N, 0, N * 4)
    assert summary.articles == N and summary.entries > 0 and not summary.errors
    assert mtimes(desk.root, "locales") == before
    assert stage_records(desk, "extract") == records_before


def test_touch_without_change_is_still_up_to_date(desk, monkeypatch):
    for path in list(desk.articles_dir.iterdir()) + list(desk.locales_dir.rglob("*.po")):
        os.utime(path, None)  # new mtime, same bytes
    no_segmenting(monkeypatch)
    assert extract_articles(desk, jobs=1).skipped == N


def test_editing_one_article_costs_one_article(desk, monkeypatch):
    path = desk.articles_dir / "story-02.txt"
    edit_article(path, "closes.", "closes, an editor wrote.")
    before = mtimes(desk.root, "locales")
    calls = []
    real = extract_mod._prepare
    monkeypatch.setattr(extract_mod, "_prepare", lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    summary = extract_articles(desk, jobs=1)
    assert calls == [path]
    assert summary.skipped == N - 1 and summary.written == 4
    after = mtimes(desk.root, "locales")
    changed = sorted(k for k in after if after[k] != before.get(k))
    assert changed == ["ar/story-02.po", "ckb/story-02.po", "ku/story-02.po",
                       "templates/story-02.pot"]


def test_translator_edit_of_an_old_copy_is_merged_next_run(desk, tmp_path):
    """A translator saves a PO made against the old article: the next run must merge it."""
    slug, lang = "story-04", "ar"
    po_path = desk.catalog_path(slug, lang)
    translate_all(desk, slug, lang, "AR:")
    old_copy = po_path.read_bytes()
    extract_articles(desk, jobs=1)
    edit_article(desk.articles_dir / f"{slug}.txt", "closes.", "closes at last.")
    extract_articles(desk, jobs=1)
    # The translator's tool saves its stale copy over the merged catalogue.
    po_path.write_bytes(old_copy)
    twin = load_project(shutil.copytree(desk.root, tmp_path / "twin"))
    summary = extract_articles(desk, jobs=1)
    assert summary.skipped == N - 1
    assert po_path.read_bytes() != old_copy
    po = load_catalog(po_path)
    new = [e for e in po if e.msgid.endswith("closes at last.")]
    assert new and "fuzzy" in new[0].flags and new[0].msgstr.startswith("AR:")
    # ... exactly as a run that trusts no manifest merges it.
    extract_articles(twin, jobs=1, force=True)
    assert tree(desk.root) == tree(twin.root)


def test_edit_keeping_size_and_mtime_is_noticed(desk):
    """Content hashes, not clocks: a same-size edit with the old mtime is still seen."""
    po_path = desk.catalog_path("story-01", "ku")
    translate_all(desk, "story-01", "ku", "KU:")
    extract_articles(desk, jobs=1)
    data = po_path.read_bytes()
    stat = po_path.stat()
    swapped = data.replace(b'msgstr "KU:', b'msgstr "XU:', 1)
    assert len(swapped) == len(data) and swapped != data
    po_path.write_bytes(swapped)
    os.utime(po_path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    record = Manifest.load(desk, "extract", extract_mod.extract_key(desk)).get(
        "articles/story-01.txt")
    assert record["langs"]["ku"][2] != digest_path(po_path)
    summary = extract_articles(desk, jobs=1)
    assert summary.skipped == N - 1  # story-01 was looked at again


def test_lang_subset_then_full_run_merges_the_others(desk):
    slug = "story-05"
    edit_article(desk.articles_dir / f"{slug}.txt", "closes.", "closes for good.")
    extract_articles(desk, languages=["ckb"], jobs=1)
    ar = desk.catalog_path(slug, "ar")
    assert "closes for good." not in ar.read_text(encoding="utf-8")
    summary = extract_articles(desk, jobs=1)
    assert summary.skipped == N - 1
    for lang in ("ar", "ku", "ckb"):
        assert "closes for good." in desk.catalog_path(slug, lang).read_text(encoding="utf-8")


def test_missing_or_hand_edited_outputs_are_rebuilt(desk, tmp_path):
    reference = tree(desk.root)
    desk.catalog_path("story-03", "ckb").unlink()
    pot = desk.template_path("story-06")
    pot.write_text(pot.read_text(encoding="utf-8").replace("msgid", "msgid ", 1), encoding="utf-8")
    summary = extract_articles(desk, jobs=1)
    assert summary.skipped == N - 2 and not summary.errors
    assert tree(desk.root) == reference


def test_deleting_state_is_safe(desk):
    reference, before = tree(desk.root), mtimes(desk.root)
    shutil.rmtree(desk.state_dir)
    summary = extract_articles(desk, jobs=2)
    assert summary.skipped == 0 and summary.written == 0  # redone, same bytes, untouched
    assert tree(desk.root) == reference and mtimes(desk.root) == before
    assert extract_articles(desk, jobs=1).skipped == N


@pytest.mark.parametrize("damage", ["file", "empty file", "record", "key"])
def test_damaged_or_foreign_manifest_means_redo(desk, damage):
    if damage.endswith("file"):  # the store itself (between two runs): moved aside, rebuilt
        close_store()
        store_path(desk).write_bytes(b"" if damage == "empty file" else b"{not a database" * 100)
    elif damage == "record":
        open_store(desk).db.execute("UPDATE records SET data = '{not json' WHERE stage = 'extract'")
    else:  # records made by other code or settings
        open_store(desk).db.execute("UPDATE stages SET key = 'x' WHERE stage = 'extract'")
    summary = extract_articles(desk, jobs=1)
    assert summary.skipped == 0 and summary.written == 0 and not summary.errors
    assert extract_articles(desk, jobs=1).skipped == N


def test_code_or_settings_change_invalidates(desk, monkeypatch):
    monkeypatch.setattr(extract_mod, "extract_key", lambda project: "another newsloc")
    assert extract_articles(desk, jobs=1).skipped == 0


def test_failing_article_is_reported_every_run(desk):
    (desk.articles_dir / "empty.txt").write_text("\n", encoding="utf-8")
    for _ in range(2):
        summary = extract_articles(desk, jobs=1)
        assert [e.path.name for e in summary.errors] == ["empty.txt"]
        assert summary.skipped == N


def test_removed_article_is_forgotten(desk):
    (desk.articles_dir / "story-06.txt").unlink()
    extract_articles(desk, jobs=1)
    records = stage_records(desk, "extract")
    assert "articles/story-06.txt" not in records and len(records) == N - 1


def test_subset_run_keeps_other_records(desk):
    extract_articles(desk, [desk.articles_dir / "story-01.txt"], jobs=1, force=True)
    assert extract_articles(desk, jobs=1).skipped == N


def test_cli_reports_skips_and_force_redoes(desk, runner):
    result = runner.invoke(cli, ["--root", str(desk.root), "extract"])
    assert result.exit_code == 0, result.output
    assert f"{N} article(s) up to date, skipped" in result.output
    assert "0 file(s) written" in result.output
    forced = runner.invoke(cli, ["--root", str(desk.root), "extract", "--force", "-j", "1"])
    assert forced.exit_code == 0 and "skipped" not in forced.output
    assert "0 file(s) written" in forced.output


@pytest.mark.shared
@pytest.mark.slow
def test_bbc_edits_incremental_equals_forced(tmp_path):
    """Edits to 1 in 10 articles and a translator's work: incremental == forced, step by step."""
    inc = load_project(make_project(tmp_path / "inc", bbc=24))
    full = load_project(make_project(tmp_path / "full", bbc=24))
    extract_articles(inc, jobs=2)
    extract_articles(full, jobs=1, force=True)
    assert tree(inc.root) == tree(full.root)
    paths = inc.article_paths()
    for step in range(2):
        for project in (inc, full):
            for path in project.article_paths()[step::10]:
                edit_article(path)
            slug = project.article_paths()[step + 1].stem
            translate_all(project, slug, "ckb", f"CKB{step}:")
        summary = extract_articles(inc, jobs=2)
        assert summary.skipped == len(paths) - len(paths[step::10]) - 1
        extract_articles(full, jobs=1, force=True)
        assert tree(inc.root) == tree(full.root)


def test_translator_edit_costs_a_merge_not_a_segmentation(desk, tmp_path, monkeypatch):
    translate_all(desk, "story-08", "ckb", "CKB:")
    twin = load_project(shutil.copytree(desk.root, tmp_path / "twin"))
    no_segmenting(monkeypatch)  # the template on disk is trusted: its digest is on record
    summary = extract_articles(desk, jobs=1)
    assert summary.skipped == N - 1 and not summary.errors
    monkeypatch.undo()
    extract_articles(twin, jobs=1, force=True)
    assert tree(desk.root) == tree(twin.root)


def test_translator_saving_during_the_merge_keeps_their_file(desk, monkeypatch):
    """A PO saved between the merge's read and its write is not overwritten; next run merges it."""
    slug = "story-09"
    edit_article(desk.articles_dir / f"{slug}.txt", "closes.", "closes late.")
    po_path = desk.catalog_path(slug, "ar")
    saved = po_path.read_bytes() + b'\n# saved by Poedit meanwhile\nmsgid "Meanwhile"\nmsgstr "AR"\n'
    real = extract_mod._write_batch

    def translator_saves_first(pendings):
        if any(path == po_path for pending in pendings for path, _ in pending.writes):
            po_path.write_bytes(saved)
        return real(pendings)

    monkeypatch.setattr(extract_mod, "_write_batch", translator_saves_first)
    summary = extract_articles(desk, jobs=1)
    assert [e.path for e in summary.errors] == [po_path]
    assert po_path.read_bytes() == saved  # the translator's save survived
    monkeypatch.undo()
    summary = extract_articles(desk, jobs=1)  # not recorded as done: merged now
    assert not summary.errors and summary.skipped == N - 1
    text = po_path.read_text(encoding="utf-8")
    assert "closes late." in text and 'msgstr "AR"' in text

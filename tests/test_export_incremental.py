"""Incremental and parallel export: skip what has not changed, same bytes with any --jobs."""

from __future__ import annotations

import codecs
import json
import shutil
from pathlib import Path

import pytest

from pipeline.export import run as export
from pipeline.catalog import load_catalog, save_catalog
from pipeline.cli import cli
from pipeline.config import load_project

from .paths import KIRKUK_SLUG
from .support_state import forget_stage, stage_records
from .support_perf import make_project, tree

SLUG = KIRKUK_SLUG
LANGS = ("ar", "ckb", "ku")


@pytest.fixture
def desk(kirkuk: Path) -> Path:
    return kirkuk


@pytest.fixture
def renders(monkeypatch) -> list[tuple[str, str]]:
    """Every (slug, lang) export renders during the test, in order."""
    seen: list[tuple[str, str]] = []
    monkeypatch.setattr(export, "on_render", lambda slug, lang: seen.append((slug, lang)))
    return seen


def run(runner, root: Path, *args: str):
    return runner.invoke(cli, ["--root", str(root), *args])


def edition_files(root: Path, sub: str = "editions") -> dict[str, tuple[bytes, int]]:
    base = root / sub
    return {p.relative_to(base).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(base.rglob("*")) if p.is_file()}


def set_msgstr(root: Path, lang: str, msgid: str, msgstr: str, slug: str = SLUG) -> None:
    path = root / "locales" / lang / f"{slug}.po"
    po = load_catalog(path)
    next(e for e in po if e.msgid == msgid).msgstr = msgstr
    save_catalog(po, path)


# --------------------------------------------------------------------------- skipping

def test_noop_export_renders_nothing_and_touches_nothing(runner, desk, renders):
    assert run(runner, desk, "export").exit_code == 0
    assert sorted(renders) == [(SLUG, lang) for lang in LANGS]
    before = edition_files(desk)
    renders.clear()
    result = run(runner, desk, "export")
    assert result.exit_code == 0, result.output
    assert renders == []
    assert "3 edition(s) exported, 0 skipped: 0 file(s) written" in result.output
    assert f"ar/{SLUG}: unchanged" in result.output
    assert edition_files(desk) == before
    assert len(stage_records(desk, "export")) == 3


def test_po_edit_rerenders_that_language_only(runner, desk, renders):
    assert run(runner, desk, "export").exit_code == 0
    renders.clear()
    set_msgstr(desk, "ckb", "Flights will resume next week.", "فڕینەکان هەفتەی داهاتوو دەست پێدەکەنەوە!")
    result = run(runner, desk, "export")
    assert result.exit_code == 0, result.output
    assert renders == [(SLUG, "ckb")]
    assert "دەست پێدەکەنەوە!" in (desk / "editions" / "ckb" / f"{SLUG}.html").read_text(encoding="utf-8")
    renders.clear()
    assert run(runner, desk, "export").exit_code == 0
    assert renders == []


def test_article_edit_rerenders_every_language(runner, desk, renders):
    assert run(runner, desk, "export").exit_code == 0
    renders.clear()
    article = desk / "articles" / f"{SLUG}.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nA late paragraph.\n", encoding="utf-8")
    result = run(runner, desk, "export")
    # The new paragraph is not in any catalogue yet: every language is refused, and
    # the editions already published stay as they were.
    assert sorted(renders) == [(SLUG, lang) for lang in LANGS]
    assert result.exit_code == 1 and "missing from the catalogue" in result.output


@pytest.mark.parametrize("damage", ["delete", "edit"])
def test_missing_or_changed_edition_file_is_rendered_again(runner, desk, renders, damage):
    assert run(runner, desk, "export").exit_code == 0
    clean = {k: v[0] for k, v in edition_files(desk).items()}
    victim = desk / "editions" / "ku" / f"{SLUG}.md"
    proof = desk / "editions" / "proof" / "ar" / f"{SLUG}.html"
    if damage == "delete":
        victim.unlink()
        proof.unlink()
    else:
        victim.write_text("hand-edited\n", encoding="utf-8")
        proof.write_bytes(proof.read_bytes()[:-10])
    renders.clear()
    result = run(runner, desk, "export")
    assert result.exit_code == 0, result.output
    assert sorted(renders) == [(SLUG, "ar"), (SLUG, "ku")]
    assert "2 file(s) written" in result.output
    assert {k: v[0] for k, v in edition_files(desk).items()} == clean


def test_refused_edition_is_remembered_with_its_reason(runner, desk, renders):
    path = desk / "locales" / "ar" / f"{SLUG}.po"
    po = load_catalog(path)
    next(e for e in po if e.msgid == "Flights will resume next week.").flags.append("fuzzy")
    save_catalog(po, path)
    first = run(runner, desk, "export")
    renders.clear()
    again = run(runner, desk, "export")
    assert again.exit_code == 0 and renders == []
    assert f"ar/{SLUG}: skipped: 1 of 12 segment(s) not reviewed" in again.output
    assert first.output.splitlines()[-1].startswith("2 edition(s) exported, 1 skipped: 13 file(s)")
    assert again.output.splitlines()[-1].startswith("2 edition(s) exported, 1 skipped: 0 file(s)")
    assert not (desk / "editions" / "ar" / f"{SLUG}.html").exists()


@pytest.mark.parametrize("change", ["policy", "settings", "format", "glossary", "force"])
def test_changed_settings_rerender_everything(runner, desk, renders, change):
    assert run(runner, desk, "export").exit_code == 0
    renders.clear()
    args = ["export"]
    if change == "policy":
        args += ["--min-reviewed", "50"]
    elif change == "settings":
        pyproject = desk / "pyproject.toml"
        pyproject.write_text(pyproject.read_text(encoding="utf-8")
                             + '\ndigits = { ckb = "latn" }\n', encoding="utf-8")
    elif change == "format":
        args += ["--format", "html"]
    elif change == "glossary":  # proof pages show check findings, which read the glossary
        (desk / "locales" / "ar" / "glossary.csv").write_text("Kirkuk,كركوك\n", encoding="utf-8")
    else:
        args += ["--force"]
    result = run(runner, desk, *args)
    assert result.exit_code == 0, result.output
    assert sorted(renders) == [(SLUG, lang) for lang in LANGS]
    renders.clear()
    assert run(runner, desk, *[a for a in args if a != "--force"]).exit_code == 0
    assert renders == []


def test_template_change_invalidates_every_record(desk, monkeypatch, tmp_path):
    project = load_project(desk)
    settings = export.export_settings(project)
    job = export._Job(project, settings, settings.formats, project.editions_dir,
                      export.Policy(), settings.proof)
    key = export.export_key(job)
    assert export.export_key(job) == key  # deterministic
    package = tmp_path / "package"
    shutil.copytree(export._PACKAGE / "templates", package / "templates")
    monkeypatch.setattr(export, "_PACKAGE", package)
    assert export.export_key(job) == key
    page = package / "templates" / "edition.html"
    page.write_text(page.read_text(encoding="utf-8").replace("<body", "<body data-x"),
                    encoding="utf-8")
    assert export.export_key(job) != key


def test_template_change_rerenders(runner, desk, renders, monkeypatch):
    assert run(runner, desk, "export").exit_code == 0
    renders.clear()
    monkeypatch.setattr(export, "export_key", lambda job: "templates edited")
    assert run(runner, desk, "export").exit_code == 0
    assert sorted(renders) == [(SLUG, lang) for lang in LANGS]


def test_deleting_the_manifest_gives_the_same_bytes(runner, desk, renders):
    assert run(runner, desk, "export").exit_code == 0
    before = edition_files(desk)
    shutil.rmtree(desk / ".newsloc")
    result = run(runner, desk, "export")
    assert result.exit_code == 0 and "0 file(s) written" in result.output
    assert len(renders) == 6 and edition_files(desk) == before


def test_one_article_then_all_keeps_index_and_records(runner, desk, renders):
    from .paths import REPO, SEED_SLUG
    shutil.copy(REPO / "articles" / f"{SEED_SLUG}.txt", desk / "articles")
    for lang in LANGS:
        shutil.copy(REPO / "locales" / lang / f"{SEED_SLUG}.po", desk / "locales" / lang)
    assert run(runner, desk, "export", SLUG, "--lang", "ar").exit_code == 0
    renders.clear()
    assert run(runner, desk, "export").exit_code == 0
    assert (SLUG, "ar") not in renders and len(renders) == 5
    index = json.loads((desk / "editions" / "ar" / "index.json").read_text(encoding="utf-8"))
    assert [e["slug"] for e in index["editions"]] == [SLUG, SEED_SLUG]
    # An article removed from the desk is forgotten by the manifest, its edition kept.
    (desk / "articles" / f"{SEED_SLUG}.txt").unlink()
    assert run(runner, desk, "export").exit_code == 0
    records = stage_records(desk, "export")
    assert sorted(records) == sorted(f"{lang}/articles/{SLUG}.md" for lang in LANGS)
    assert (desk / "editions" / "ar" / f"{SEED_SLUG}.html").is_file()


# --------------------------------------------------------------------------- parallel

def _stand_in(text: str, lang: str) -> str:
    arabic = "".join(c for c in map(chr, range(0x0620, 0x06D4)) if c.isalpha())[:52]
    latin = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    if lang == "ku":
        return codecs.encode(text, "rot13")
    return text.translate(str.maketrans(latin, arabic))


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory) -> Path:
    """Twelve synthetic articles, extracted, every catalogue reviewed by a stand-in, one fuzzy."""
    from click.testing import CliRunner
    root = make_project(tmp_path_factory.mktemp("par") / "desk", synthetic=12)
    assert CliRunner().invoke(cli, ["--root", str(root), "extract", "--jobs", "1"]).exit_code == 0
    for po_path in sorted((root / "locales").glob("*/*.po")):
        po = load_catalog(po_path)
        for entry in po:
            entry.msgstr = _stand_in(entry.msgid, po_path.parent.name)
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        if po_path.name == "story-04.po" and po_path.parent.name == "ckb":
            po[len(po) - 1].flags.append("fuzzy")  # one refused edition
        save_catalog(po, po_path)
    return root


def test_jobs_two_writes_the_bytes_of_jobs_one(runner, newsroom, tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    first = run(runner, newsroom, "export", "--jobs", "1", "--out", str(one))
    second = run(runner, newsroom, "export", "--jobs", "2", "--out", str(two))
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert first.output == second.output.replace(str(two), str(one))
    assert "ckb/story-04: skipped" in first.output
    files = tree(tmp_path, "one")
    assert len(files) == 12 * 3 * 4 - 3 + 2 * 3  # 3 formats + proof, minus refused, + indexes
    assert files == tree(tmp_path, "two")


def test_parallel_rerun_after_edits_matches_a_cold_single_process_run(runner, newsroom, tmp_path,
                                                                      renders):
    work = tmp_path / "desk"
    shutil.copytree(newsroom, work, symlinks=False)
    assert run(runner, work, "export", "--jobs", "2").exit_code == 0
    set_msgstr(work, "ar", load_catalog(work / "locales" / "ar" / "story-07.po")[0].msgid,
               "نص جديد", slug="story-07")
    (work / "editions" / "ku" / "story-01.txt").unlink()
    renders.clear()
    assert run(runner, work, "export", "--jobs", "2").exit_code == 0
    assert sorted(renders) == [("story-01", "ku"), ("story-07", "ar")]  # in-process: few to do
    cold = tmp_path / "cold"
    shutil.copytree(work, cold, symlinks=False)
    shutil.rmtree(cold / "editions")
    shutil.rmtree(cold / ".newsloc")
    assert run(runner, cold, "export", "--jobs", "1").exit_code == 0
    assert tree(work, "editions") == tree(cold, "editions")


def test_blocks_of_a_few_articles_write_the_bytes_of_one_block(runner, newsroom, tmp_path, monkeypatch,
                                                               renders):
    """Records are read and saved a block of articles at a time: block edges change nothing."""
    whole = run(runner, newsroom, "export", "--jobs", "1", "--out", str(tmp_path / "whole"))
    assert whole.exit_code == 0, whole.output
    work = tmp_path / "desk"
    shutil.copytree(newsroom, work, symlinks=False)
    shutil.rmtree(work / ".newsloc", ignore_errors=True)
    monkeypatch.setattr(export, "BLOCK", 5)  # 12 articles: three blocks, saved after 5 and 10
    monkeypatch.setattr(export, "POOL_THRESHOLD", 2)
    out = tmp_path / "blocks"
    blocks = run(runner, work, "export", "--jobs", "2", "--out", str(out))
    assert blocks.output == whole.output.replace(str(tmp_path / "whole"), str(out))
    assert tree(tmp_path, "blocks") == tree(tmp_path, "whole")
    assert len(stage_records(work, "export")) == 12 * 3
    renders.clear()
    again = run(runner, work, "export", "--jobs", "2", "--out", str(out))
    assert renders == [] and "0 file(s) written" in again.output


# --------------------------------------------------------------------------- proof pages and check

def test_proof_pages_reuse_check_records_with_the_same_bytes(runner, desk, monkeypatch, tmp_path):
    set_msgstr(desk, "ar", "The repairs cost $250,000, officials said.", "كلفت الإصلاحات مبلغاً كبيراً.")
    run(runner, desk, "check")  # exits 1 (a number is missing); records its findings
    assert stage_records(desk, "check")
    from pipeline import checks
    real = checks.check_catalog
    calls = []
    monkeypatch.setattr(export, "check_catalog",
                        lambda *a, **k: calls.append(a) or real(*a, **k))
    assert run(runner, desk, "export", "--out", str(tmp_path / "cached")).exit_code == 0
    assert calls == []  # every catalogue's findings came from check's records
    forget_stage(desk, "check")
    assert run(runner, desk, "export", "--out", str(tmp_path / "computed")).exit_code == 0
    assert len(calls) == 3
    proof = tree(tmp_path, "cached")["proof/ar/" + SLUG + ".html"].decode()
    assert "error · numbers:" in proof
    assert tree(tmp_path, "cached") == tree(tmp_path, "computed")


def test_stale_check_records_are_not_used(runner, desk, monkeypatch, tmp_path):
    run(runner, desk, "check")
    set_msgstr(desk, "ar", "The repairs cost $250,000, officials said.", "كلفت الإصلاحات مبلغاً كبيراً.")
    from pipeline import checks
    real = checks.check_catalog
    calls = []
    monkeypatch.setattr(export, "check_catalog",
                        lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    assert run(runner, desk, "export").exit_code == 0
    assert calls == ["ar"]  # the edited catalogue is checked here; the others were recorded
    proof = (desk / "editions" / "proof" / "ar" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert "error · numbers:" in proof

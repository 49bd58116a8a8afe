"""Issue 13: sizes have limits with clear messages; a failed write is counted right.

A 50 MB single-line article took 1.1 GB to extract, a 1 MB translation
passed check, a million-row glossary made translate take 150 s,
``NEWSLOC_JOBS=100000`` started 300 processes; on a full disk extract said
"0 file(s) written" after replacing 3 of 4 files, and export stopped at the
first failed edition.
"""

from __future__ import annotations

from pipeline.catalog import load_catalog, save_catalog
from pipeline.cli import cli
from pipeline.parallel import max_jobs, resolve_jobs

from .paths import SEED, SEED_SLUG


def newsloc(runner, root, *args, **kwargs):
    return runner.invoke(cli, ["--root", str(root), *args], **kwargs)


def limits(root, text: str) -> None:
    with open(root / "pyproject.toml", "a", encoding="utf-8") as fh:
        fh.write(f"\n[tool.newsloc.limits]\n{text}\n")


def test_article_over_the_size_limit_is_refused_before_reading(runner, empty_project):
    limits(empty_project, "article_bytes = 2048")
    result = newsloc(runner, empty_project, "extract")
    assert result.exit_code == 1
    assert f"{SEED.name}: article of {SEED.stat().st_size:,} bytes; the limit is 2,048" in result.output
    assert "article_bytes" in result.output
    assert not (empty_project / "locales" / "templates" / f"{SEED_SLUG}.pot").exists()


def test_segment_over_the_entry_limit_names_its_line(runner, empty_project):
    limits(empty_project, "entry_chars = 200")
    (empty_project / "articles" / "long.md").write_text(
        "---\ntitle: A long one\n---\n\nShort first paragraph.\n\n" + "word " * 80 + "\n",
        encoding="utf-8")
    result = newsloc(runner, empty_project, "extract", "long")
    assert result.exit_code == 1
    assert "long.md:7: a segment of" in result.output and "entry_chars" in result.output


def test_glossary_over_the_limit_is_refused(runner, project):
    limits(project, "glossary_terms = 2")
    (project / "locales" / "ar" / "glossary.csv").write_text(
        "term,translation\nISIS,داعش\nK1,K1\nKirkuk,كركوك\n", encoding="utf-8")
    po_path = project / "locales" / "ar" / f"{SEED_SLUG}.po"
    po = load_catalog(po_path)
    next(e for e in po if e.msgid and not e.obsolete).msgstr = ""
    save_catalog(po, po_path)
    result = newsloc(runner, project, "translate", "--engine", "fake", "--lang", "ar")
    assert result.exit_code == 1
    assert "glossary.csv: glossary of 3 terms; the limit is 2" in result.output


def test_a_runaway_translation_fails_check(runner, project):
    po_path = project / "locales" / "ar" / f"{SEED_SLUG}.po"
    po = load_catalog(po_path)
    entry = next(e for e in po if e.msgid == "Iraq News")
    entry.msgstr = "أخبار العراق " * 80_000           # about 1 MB
    save_catalog(po, po_path)
    result = newsloc(runner, project, "check", "--lang", "ar")
    assert result.exit_code == 1
    assert "too-long" in result.output


def test_job_count_is_capped(runner, empty_project):
    result = newsloc(runner, empty_project, "extract", env={"NEWSLOC_JOBS": "100000"})
    assert result.exit_code == 2
    assert "--jobs" in result.output and str(max_jobs()) in result.output
    assert resolve_jobs(100_000) == max_jobs()


def test_full_disk_extract_counts_what_it_wrote(runner, empty_project, full_disk):
    full_disk(f"ku/{SEED_SLUG}.po")
    result = newsloc(runner, empty_project, "extract")
    assert result.exit_code == 1
    assert "3 file(s) written" in result.output, result.output
    assert f"ku/{SEED_SLUG}.po: cannot write: No space left on device" in result.output
    full_disk(None)
    again = newsloc(runner, empty_project, "extract")
    assert again.exit_code == 0 and "1 file(s) written, 3 unchanged" in again.output


def test_full_disk_export_reports_every_failed_edition(runner, kirkuk, full_disk):
    full_disk(".md")
    result = newsloc(runner, kirkuk, "export")
    assert result.exit_code == 1
    failed = [line for line in result.output.splitlines() if "No space left on device" in line]
    assert len(failed) == 3 and {line.split("/")[0] for line in failed} == {"ar", "ckb", "ku"}
    assert (kirkuk / "editions" / "ar" / "index.html").is_file()   # the rest is written

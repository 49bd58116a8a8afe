"""Parallel extraction: the bytes written do not depend on the number of jobs.

Reference: ``extract_article`` called article by article, in one process,
on a fresh project (the cold single-process run). Every other path (the
batch in-process, a pool of workers, CliRunner ``--jobs``) must leave the
very same files. Also: the sped-up pySBD segmenter gives pySBD's output.
"""

from __future__ import annotations

import pysbd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import extract as extract_mod
from pipeline.cli import cli
from pipeline.config import load_project
from pipeline.extract import extract_article, extract_articles
from pipeline.sbd import _FastSegmenter

from .paths import BBC
from .support_perf import make_project, tree



def reference(root):
    """Cold, single process, article by article through the public one-article API."""
    project = load_project(root)
    for path in project.article_paths():
        extract_article(project, path)
    return tree(root)


def test_jobs_one_and_many_write_identical_bytes(tmp_path):
    ref = reference(make_project(tmp_path / "ref", synthetic=16))
    assert len(ref) == 16 * 4
    for jobs in (1, 2, 3):
        root = make_project(tmp_path / f"j{jobs}", synthetic=16)
        summary = extract_articles(load_project(root), jobs=jobs)
        assert summary.written == 16 * 4 and not summary.errors
        assert summary.jobs == jobs  # the pool really ran with that many workers
        assert tree(root) == ref, f"--jobs {jobs} differs from the single-process run"


def test_small_batches_stay_in_process(tmp_path):
    root = make_project(tmp_path / "p", synthetic=extract_mod.POOL_THRESHOLD - 1)
    summary = extract_articles(load_project(root), jobs=4)
    assert summary.jobs == 1


def test_cli_jobs_option(tmp_path, runner):
    ref = reference(make_project(tmp_path / "ref", synthetic=12))
    root = make_project(tmp_path / "cli", synthetic=12)
    result = runner.invoke(cli, ["--root", str(root), "extract", "--jobs", "2"])
    assert result.exit_code == 0, result.output
    assert "12 article(s)" in result.output and "48 file(s) written" in result.output
    assert tree(root) == ref
    bad = runner.invoke(cli, ["--root", str(root), "extract", "--jobs", "0"])
    assert bad.exit_code == 2 and "--jobs" in bad.output
    assert "--jobs" in runner.invoke(cli, ["extract", "--help"]).output


def test_errors_from_workers_name_the_file(tmp_path):
    root = make_project(tmp_path / "p", synthetic=12)
    (root / "articles" / "broken.txt").write_bytes(b"\xff\xfe not utf-8\n")
    project = load_project(root)
    (project.locales_dir / "ar").mkdir(parents=True)
    bad_po = project.catalog_path("story-01", "ar")
    bad_po.write_text('msgid "x"\nmsgstr "unterminated\n', encoding="utf-8")
    summary = extract_articles(project, jobs=2)
    assert summary.jobs == 2
    messages = sorted(str(e) for e in summary.errors)
    assert len(messages) == 2
    assert any("broken.txt" in m and "UTF-8" in m for m in messages)
    assert any(str(bad_po) in m for m in messages)
    assert {type(e).__name__ for e in summary.errors} == {"ArticleError", "CatalogError"}
    assert bad_po.read_text(encoding="utf-8").startswith('msgid "x"')  # refused, untouched
    assert summary.articles == 12  # the refused catalogue does not fail its article


@pytest.mark.shared
@pytest.mark.slow
def test_bbc_sample_identical_with_one_job_or_two(tmp_path):
    ref = reference(make_project(tmp_path / "ref", bbc=30))
    assert len(ref) == 30 * 4
    for jobs in (1, 2):
        root = make_project(tmp_path / f"j{jobs}", bbc=30)
        summary = extract_articles(load_project(root), jobs=jobs)
        assert not summary.errors
        assert tree(root) == ref
    # Occurrences name the article inside the project, not the archive it links to.
    pot = next((tmp_path / "j2" / "locales" / "templates").glob("*.pot")).read_text()
    assert "#: articles/" in pot and str(BBC) not in pot


# ---------------------------------------------------------------- segmenter speed-ups

_TOKENS = ["Mr.", "Mrs", "Gen.", "gen.", "GEN.", "No.", "no.", "5", "(2)", "U.S.", "u.s.",
           "e.g.", "i.e.", "Ph.D.", "Inc.", "St.", "a.m.", "p.m.", "al.", "also", "the",
           "Smith", "said", "fell", ".", "?", "!", ",", "\"", "It", "The", "I", "ibid.",
           "\u0130bid.", "\u0131t", "Ave.", "Jan.", "jan", "etc.", "vs.", "fig.", "Fig. 3",
           "£5.5m", "3.2%", "ltd.", "Ltd.", "Co.", "co.", "Mt.", "mt", "\u212aelvin", "ſt."]

_stock = pysbd.Segmenter(language="en", clean=False, char_span=False)
_fast = _FastSegmenter("en")


@pytest.mark.parametrize("text", [
    "Joint Operations Command spokesman Maj. Gen. Tahseen al-Khafaji told Diyaruna. It ended.",
    "At 5 a.m. Mr. Smith went to the bank. He left.",
    "Shell is to pay $1m (£522,000) to the ex-finance chief. He left on 31 Dec. 2004 at 3 p.m. today.",
    "It cost no. 5 and No. 6 of the U.S. series, e.g. this one. Then i.e. that one.",
    "The \u0130bid. case and St. Paul. Also ſt. and \u212aelvin. Done.",
    "Repeat. Repeat. Repeat.",
    "",
])
def test_fast_segmenter_matches_pysbd(text):
    assert _fast.segment(text) == _stock.segment(text)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_TOKENS), min_size=1, max_size=40))
def test_fast_segmenter_matches_pysbd_on_random_wire_copy(tokens):
    text = " ".join(tokens)
    assert _fast.segment(text) == _stock.segment(text)

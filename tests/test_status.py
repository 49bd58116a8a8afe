"""Review status: states per article and language, percent reviewed, post-edit distance per engine."""

from __future__ import annotations

import json

import pytest

from pipeline.catalog import load_catalog, save_catalog
from pipeline.cli import cli
from pipeline.config import load_project
from pipeline.translate.cache import MTCache
from pipeline.status import catalog_status, classify

from .paths import SEED_SLUG


@pytest.fixture
def staged(project):
    """The sample project with the ar catalogue put in every review state."""
    proj = load_project(project)
    path = proj.catalog_path(SEED_SLUG, "ar")
    po = load_catalog(path)
    entries = [e for e in po if not e.obsolete]
    untranslated, machine, outdated, draft, edited, accepted, lost = entries[:7]
    untranslated.msgstr = ""
    machine.flags.append("fuzzy")
    machine.comment += "\nMT: libre 2026-11-23"
    outdated.flags.append("fuzzy")
    outdated.previous_msgid = "An older sentence"
    outdated.comment += "\nMT: libre 2026-11-20"
    draft.flags.append("fuzzy")
    for entry in (edited, accepted):
        entry.comment += "\nMT: libre 2026-11-23"
    lost.comment += "\nMT: google 2026-11-23"  # no cache record: n/a
    save_catalog(po, path)
    with MTCache.for_project(proj) as cache:
        cache.put("libre", "en", "ar", edited.msgid, edited.msgstr[:len(edited.msgstr) // 2] + "xxxx")
        cache.put("libre", "en", "ar", accepted.msgid, accepted.msgstr)
    words = {name: len(e.msgid.split()) for name, e in
             zip(("untranslated", "machine", "outdated", "draft"), entries[:4])}
    return proj, len(entries), words, sum(len(e.msgid.split()) for e in entries)


def test_states_words_and_percent(staged):
    proj, total, words, all_words = staged
    st = catalog_status(proj, SEED_SLUG, "ar")
    assert st.segments == total and st.words == all_words
    assert (st.states["untranslated"].segments, st.states["untranslated"].words) == (1, words["untranslated"])
    assert (st.states["machine"].segments, st.states["machine"].words) == (1, words["machine"])
    assert st.states["outdated"].segments == 2  # source changed, and fuzzy without provenance
    assert st.states["outdated"].words == words["outdated"] + words["draft"]
    assert st.states["reviewed"].segments == total - 4
    assert st.percent_reviewed == pytest.approx(100 * st.states["reviewed"].words / all_words)


def test_post_edit_distance_per_engine_and_na_without_record(staged):
    proj, *_ = staged
    st = catalog_status(proj, SEED_SLUG, "ar")
    libre = st.post_edit["libre"]
    assert libre.measured == 2 and libre.unchanged == 1
    assert 10 < libre.mean < 60  # half rewritten once, untouched once
    google = st.post_edit["google"]
    assert google.measured == 0 and google.no_record == 1 and google.mean is None


def test_status_without_a_cache_reports_na_and_creates_nothing(project):
    proj = load_project(project)
    path = proj.catalog_path(SEED_SLUG, "ckb")
    po = load_catalog(path)
    next(e for e in po if not e.obsolete).comment += "\nMT: google 2026-11-23"
    save_catalog(po, path)
    st = catalog_status(proj, SEED_SLUG, "ckb")
    assert st.post_edit["google"].no_record == 1
    assert len(MTCache.for_project(proj)) == 0  # nothing was written to report on it


def test_status_cli_table_and_json(runner, staged):
    proj, total, words, _ = staged
    result = runner.invoke(cli, ["--root", str(proj.root), "status"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:3] == ["ARTICLE", "LANG", "UNTRANSLATED"]
    ar = next(l for l in lines if " ar " in l and l.startswith("coalition"))
    assert f"1 ({words['untranslated']}w)" in ar and "libre" in ar and "google n/a" in ar
    result = runner.invoke(cli, ["--root", str(proj.root), "status", "--json", "--lang", "ar"])
    doc = json.loads(result.output)
    [row] = doc["catalogues"]
    assert row["lang"] == "ar" and row["segments"] == total
    assert row["machine"] == {"segments": 1, "words": words["machine"]}
    assert row["post_edit"]["libre"]["measured"] == 2
    assert row["post_edit"]["google"]["mean_distance"] is None
    assert doc["languages"]["ar"]["post_edit"]["libre"]["unchanged"] == 1


def test_status_seed_catalogues_fully_reviewed(runner, project):
    result = runner.invoke(cli, ["--root", str(project), "status", "--json"])
    assert result.exit_code == 0
    rows = json.loads(result.output)["catalogues"]
    assert {r["lang"] for r in rows} == {"ar", "ckb", "ku"}
    assert all(r["percent_reviewed"] == 100.0 and r["untranslated"]["segments"] == 0 for r in rows)


def test_status_of_a_fresh_project_counts_from_the_template(runner, empty_project):
    assert runner.invoke(cli, ["--root", str(empty_project), "status"]).output.count("not extracted") == 3
    runner.invoke(cli, ["--root", str(empty_project), "extract", "--lang", "ar"])
    result = runner.invoke(cli, ["--root", str(empty_project), "status"])
    assert result.exit_code == 0, result.output
    assert "no catalogue yet" in result.output and "0%" in result.output


def test_status_broken_catalogue_is_one_line_error(runner, project):
    path = project / "locales" / "ku" / f"{SEED_SLUG}.po"
    path.write_bytes(path.read_bytes()[:-5])  # truncated inside the last string
    before = path.read_bytes()
    result = runner.invoke(cli, ["--root", str(project), "status"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output and str(path) in result.output
    assert path.read_bytes() == before


class _E:
    def __init__(self, msgstr="", flags=(), previous=None, comment=""):
        self.msgstr, self.msgstr_plural, self.flags = msgstr, {}, list(flags)
        self.previous_msgid, self.comment, self.obsolete = previous, comment, False


@pytest.mark.parametrize("entry,state", [
    (_E(), "untranslated"),
    (_E("", ["fuzzy"], comment="MT: google 2026-01-01"), "untranslated"),
    (_E("x", ["fuzzy"], comment="paragraph\nMT: google 2026-01-01"), "machine"),
    (_E("x", ["fuzzy"], comment="TM 96% other-article"), "machine"),
    (_E("x", ["fuzzy"], previous="old", comment="MT: google 2026-01-01"), "outdated"),
    (_E("x", ["fuzzy"]), "outdated"),
    (_E("x", comment="MT: google 2026-01-01"), "reviewed"),
])
def test_classify(entry, state):
    assert classify(entry) == state


def test_status_forgets_the_records_of_a_deleted_catalogue(runner, staged):
    """The reviewed MT entries kept per catalogue ("status-mt") go with the catalogue."""
    from .support_state import stage_records
    proj, *_ = staged
    item = f"locales/ar/{SEED_SLUG}.po"
    assert runner.invoke(cli, ["--root", str(proj.root), "status"]).exit_code == 0
    assert item in stage_records(proj.root, "status") and item in stage_records(proj.root, "status-mt")
    proj.catalog_path(SEED_SLUG, "ar").unlink()
    result = runner.invoke(cli, ["--root", str(proj.root), "status"])
    assert result.exit_code == 0 and "no catalogue yet" in result.output
    assert item not in stage_records(proj.root, "status")
    assert item not in stage_records(proj.root, "status-mt")
    assert f"locales/ku/{SEED_SLUG}.po" in stage_records(proj.root, "status")


def test_status_streams_the_same_report_in_chunks(runner, staged, monkeypatch):
    """Rows worked out a few articles at a time print the bytes of one pass over everything."""
    from pipeline import status
    from pipeline.config import slug_for
    from .support_state import forget_stage
    proj, *_ = staged
    seed = proj.article_paths()[0]
    for n in range(4):  # articles without catalogues, with a template, with a broken catalogue
        (proj.articles_dir / f"extra-{n}{seed.suffix}").write_bytes(seed.read_bytes())
    assert runner.invoke(cli, ["--root", str(proj.root), "extract", "extra-1", "extra-2"]).exit_code == 0
    proj.catalog_path("extra-1", "ckb").unlink()
    broken = proj.catalog_path("extra-2", "ku")
    broken.write_bytes(broken.read_bytes()[:-5])

    def report(*args):
        result = runner.invoke(cli, ["--root", str(proj.root), "status", *args])
        assert result.exit_code == 1 and "Error: " in result.stderr
        return result.stdout
    whole = report(), report("--json")
    rows = status.project_status(proj, proj.article_paths(), proj.languages, use_cache=False)
    assert whole[1] == json.dumps(status.status_dict(rows), ensure_ascii=False, indent=2) + "\n"
    assert [r.article for r in rows[::3]] == [slug_for(p) for p in proj.article_paths()]
    monkeypatch.setattr(status, "CHUNK", 1)
    monkeypatch.setattr(status, "SPOOL_BYTES", 10)  # the table's cells go through a file
    forget_stage(proj.root, "status")
    for _ in range(2):  # read again, then from the records
        assert (report(), report("--json")) == whole
    assert runner.invoke(cli, ["--root", str(proj.root), "status", "--jobs", "2"]).stdout == whole[0]


def test_post_edit_distance_from_either_cache_backend(memory_backend, staged, runner):
    """The bulk MT cache lookups of status give the same distances on SQLite and a shared PostgreSQL."""
    proj, *_ = staged  # its MT cache rows went to the backend of this run
    for _ in range(2):  # measured, then from the records
        result = runner.invoke(cli, ["--root", str(proj.root), "status", "--json", "--lang", "ar"])
        assert result.exit_code == 0, result.output
        [row] = json.loads(result.stdout)["catalogues"]
        assert row["post_edit"]["libre"]["measured"] == 2 and row["post_edit"]["libre"]["unchanged"] == 1
        assert row["post_edit"]["google"] == {"measured": 0, "mean_distance": None, "unchanged": 0,
                                              "no_record": 1}

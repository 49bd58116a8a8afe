"""Done when: a second article repeating sentences of the seed is pre-translated
from the seed's reviewed catalogues without any engine call."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.catalog import load_catalog
from pipeline.cli import cli
from pipeline.config import load_project

from .paths import SEED_SLUG
from .support_memory import entries, review, stand_in

FOLLOWUP = Path(__file__).parent / "data" / "memory" / "coalition-keeps-up-air-support.txt"
SLUG = FOLLOWUP.stem
REPEATED = ("Air support provided by the international coalition over the past few months has been "
            "essential to the success of Iraqi military operations to rout the \"Islamic State of Iraq "
            "and Syria\" (ISIS), Iraqi military officials and analysts said.")
EDITED = ("These sorties can cost $300,000 per day, al-Khafaji noted, even without factoring in the "
          "cost of ammunition and missiles.")
SEED_EDITED = EDITED.replace("$300,000", "$250,000")
NEW = "Farmers in the area have been asked to report any suspicious movement to the security forces."


@pytest.fixture
def desk(empty_project, runner):
    """The seed, reviewed in every language (stand-ins), and the follow-up article."""
    assert runner.invoke(cli, ["--root", str(empty_project), "extract"]).exit_code == 0
    for lang in ("ar", "ckb", "ku"):
        review(empty_project, SEED_SLUG, lang)
    shutil.copy(FOLLOWUP, empty_project / "articles" / FOLLOWUP.name)
    result = runner.invoke(cli, ["--root", str(empty_project), "extract", SLUG])
    assert result.exit_code == 0, result.output
    return empty_project


def test_second_article_pretranslated_from_seed_without_engine(desk, runner, monkeypatch):
    # Any engine request would have to go through deep-translator: make it explode.
    import pipeline.translate.engines as engines
    monkeypatch.setitem(engines.ENGINES, "google", lambda *a: pytest.fail("engine asked"))
    seed_before = {lang: (desk / "locales" / lang / f"{SEED_SLUG}.po").read_bytes()
                   for lang in ("ar", "ckb", "ku")}
    result = runner.invoke(cli, ["--root", str(desk), "translate", SLUG, "--engine", "memory"])
    assert result.exit_code == 0, result.output
    assert "memory: " in result.output and "not in the memory, left untranslated" in result.output
    for lang in ("ar", "ckb", "ku"):
        got = entries(desk, SLUG, lang)
        exact = got[REPEATED]
        assert exact.msgstr == stand_in(lang, REPEATED) and "fuzzy" in exact.flags
        assert f"TM 100% from {SEED_SLUG}" in exact.comment.split("\n")
        near = got[EDITED]
        assert near.msgstr == stand_in(lang, SEED_EDITED) and "fuzzy" in near.flags
        assert near.previous_msgid == SEED_EDITED
        assert any(line.startswith("TM 9") and line.endswith(f"% from {SEED_SLUG}")
                   for line in near.comment.split("\n"))
        assert got[NEW].msgstr == "" and "fuzzy" not in got[NEW].flags
        assert got["Iraq News"].msgstr == stand_in(lang, "Iraq News")  # section labels repeat too
        text = (desk / "locales" / lang / f"{SLUG}.po").read_text(encoding="utf-8")
        assert f"#. TM 100% from {SEED_SLUG}\n" in text and "MT:" not in text
        # the seed's reviewed catalogue is untouched
        assert (desk / "locales" / lang / f"{SEED_SLUG}.po").read_bytes() == seed_before[lang]
    # Running again changes nothing (exact and fuzzy fills are no longer untranslated).
    again = runner.invoke(cli, ["--root", str(desk), "translate", SLUG, "--engine", "memory"])
    assert again.exit_code == 0 and "0 file(s) written" in again.output


def test_only_what_memory_cannot_serve_goes_to_the_engine(desk, runner):
    result = runner.invoke(cli, ["--root", str(desk), "translate", SLUG, "--lang", "ar",
                                 "--engine", "fake"])
    assert result.exit_code == 0, result.output
    got = entries(desk, SLUG, "ar")
    assert f"TM 100% from {SEED_SLUG}" in got[REPEATED].comment
    assert "MT: fake" not in got[REPEATED].comment
    assert any(line.startswith("MT: fake") for line in got[NEW].comment.split("\n"))
    sent = [e for e in got.values() if "MT: fake" in (e.comment or "")]
    tm = [e for e in got.values() if "TM " in (e.comment or "")]
    assert tm and sent and len(tm) + len(sent) == len(got)


def test_no_memory_option_asks_the_engine_for_everything(desk, runner):
    result = runner.invoke(cli, ["--root", str(desk), "translate", SLUG, "--lang", "ar",
                                 "--engine", "fake", "--no-memory"])
    assert result.exit_code == 0, result.output
    assert not [e for e in entries(desk, SLUG, "ar").values() if "TM " in (e.comment or "")]


def test_exact_is_reviewed_through_translate(desk, runner):
    pyproject = desk / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8")
                         + "\n[tool.newsloc.memory]\nexact_is_reviewed = true\n", encoding="utf-8")
    result = runner.invoke(cli, ["--root", str(desk), "translate", SLUG, "--lang", "ku",
                                 "--engine", "memory"])
    assert result.exit_code == 0, result.output
    got = entries(desk, SLUG, "ku")
    assert "fuzzy" not in got[REPEATED].flags and f"TM 100% from {SEED_SLUG}" in got[REPEATED].comment
    assert "fuzzy" in got[EDITED].flags


def test_repo_seed_catalogues_serve_the_followup(project, runner):
    """With the sample project's own reviewed seed catalogues (when they are reviewed)."""
    po = load_catalog(load_project(project).catalog_path(SEED_SLUG, "ar"))
    reviewed = {e.msgid: e.msgstr for e in po if not e.obsolete and e.msgstr and "fuzzy" not in e.flags}
    if REPEATED not in reviewed:
        pytest.skip("the sample seed catalogue is not reviewed")
    shutil.copy(FOLLOWUP, project / "articles" / FOLLOWUP.name)
    assert runner.invoke(cli, ["--root", str(project), "extract", SLUG]).exit_code == 0
    result = runner.invoke(cli, ["--root", str(project), "translate", SLUG, "--engine", "memory"])
    assert result.exit_code == 0, result.output
    got = entries(project, SLUG, "ar")
    assert got[REPEATED].msgstr == reviewed[REPEATED]
    assert f"TM 100% from {SEED_SLUG}" in got[REPEATED].comment

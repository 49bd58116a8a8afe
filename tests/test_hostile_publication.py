"""Issue 13: nothing published wrong.

A reviewed translation that ``check`` reports as an error (a number
changed, a bidi override) was still published; the Markdown front matter
and ``index.json`` carried raw ``<script>`` strings from translations.
"""

from __future__ import annotations

import json
import re

import pytest

from .paths import KIRKUK_SLUG as SLUG
from .test_export import run, set_entry, snapshot

REPAIRS = "The repairs cost $250,000, officials said."
HEADLINE = "Kirkuk air base reopens to coalition flights"


@pytest.mark.parametrize("msgstr,check", [
    ("وقال مسؤولون إن الإصلاحات كلّفت 520,000 دولار.", "numbers"),         # a number changed
    ("وقال مسؤولون إن الإصلاحات \u202eكلّفت 250,000 دولار.", "bidi"),       # an override
])
def test_check_error_in_a_reviewed_entry_blocks_that_edition(runner, kirkuk, msgstr, check):
    assert run(runner, kirkuk, "export").exit_code == 0
    published = snapshot(kirkuk / "editions" / "ar")
    set_entry(kirkuk, "ar", REPAIRS, msgstr=msgstr)
    result = run(runner, kirkuk, "export", "--force")
    assert result.exit_code == 0, result.output                   # ckb and ku still go out
    refusal = next(line for line in result.output.splitlines() if line.startswith(f"ar/{SLUG}"))
    assert "check error in a reviewed entry" in refusal and "--allow-check-errors" in refusal
    assert "The repairs cost" in refusal and f"{SLUG}.po:" in refusal
    assert check in refusal, refusal
    now = snapshot(kirkuk / "editions" / "ar")
    assert {k: v for k, v in now.items() if SLUG in k and not k.startswith("proof")} == \
        {k: v for k, v in published.items() if SLUG in k and not k.startswith("proof")}
    forced = run(runner, kirkuk, "export", "--allow-check-errors")
    assert forced.exit_code == 0
    assert re.search(rf"ar/{SLUG}: written WITH \d+ CHECK ERROR\(S\) in reviewed entries", forced.output)
    assert snapshot(kirkuk / "editions" / "ar")[f"{SLUG}.txt"] != published[f"{SLUG}.txt"]


def test_structured_outputs_carry_text_never_markup(runner, kirkuk):
    set_entry(kirkuk, "ar", HEADLINE, msgstr='قاعدة <script>alert("x")</script> كركوك <b>تُفتح</b>')
    result = run(runner, kirkuk, "export", "--lang", "ar", "--allow-check-errors")
    assert result.exit_code == 0, result.output
    md = (kirkuk / "editions" / "ar" / f"{SLUG}.md").read_text(encoding="utf-8")
    front = md.split("\n---\n", 1)[0]
    assert "<" not in front and 'title: "قاعدة alert(\\"x\\") كركوك تُفتح"' in front
    index = json.loads((kirkuk / "editions" / "ar" / "index.json").read_text(encoding="utf-8"))
    headline = index["editions"][0]["headline"]
    assert "<" not in headline and "alert" in headline and "تُفتح" in headline


def test_checks_that_crash_refuse_the_edition_instead_of_waving_it_through(runner, kirkuk, monkeypatch):
    """A bug in a check must not publish an unchecked edition; the proof page still goes out."""
    from pipeline.export import run as export_run

    def crash(po_path, lang, project, **_):
        raise RuntimeError("a check bug")
    monkeypatch.setattr(export_run, "check_catalog", crash)
    result = run(runner, kirkuk, "export", "--lang", "ar")
    assert result.exit_code == 1, result.output
    assert "the checks could not run" in result.output and "a check bug" in result.output
    assert not (kirkuk / "editions" / "ar" / f"{SLUG}.html").exists()
    assert (kirkuk / "editions" / "proof" / "ar" / f"{SLUG}.html").is_file()
    forced = run(runner, kirkuk, "export", "--lang", "ar", "--allow-check-errors")
    assert forced.exit_code == 0, forced.output
    assert (kirkuk / "editions" / "ar" / f"{SLUG}.html").is_file()

"""Export: editions as editors run them (CliRunner) and the core rules under them."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from pipeline.catalog import load_catalog, save_catalog
from pipeline.cli import cli
from pipeline.config import load_project
from pipeline.export import Policy, assemble_edition, export_editions, join_sentences, render_edition
from pipeline.export import run as export_run
from pipeline.export.bidi import bidi_chunks, md_escape
from pipeline.article import read_article

from .paths import KIRKUK_SLUG, REPO, SEED_SLUG

SLUG = KIRKUK_SLUG
LANGS = ("ar", "ckb", "ku")
FORMATS = ("html", "md", "txt")


@pytest.fixture
def desk(kirkuk: Path) -> Path:
    return kirkuk


def run(runner, root: Path, *args: str):
    return runner.invoke(cli, ["--root", str(root), *args])


def set_entry(root: Path, lang: str, msgid: str, *, msgstr: str | None = None,
              fuzzy: bool | None = None, slug: str = SLUG) -> None:
    """Edit one entry of a catalogue as a translator (or an MT run) would."""
    path = root / "locales" / lang / f"{slug}.po"
    po = load_catalog(path)
    entry = next(e for e in po if e.msgid == msgid)
    if msgstr is not None:
        entry.msgstr = msgstr
    if fuzzy is True and "fuzzy" not in entry.flags:
        entry.flags.append("fuzzy")
    if fuzzy is False and "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
    save_catalog(po, path)


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


# --------------------------------------------------------------------------- golden editions

@pytest.mark.parametrize("lang", LANGS)
def test_golden_editions_of_test_article(runner, desk, lang, golden):
    result = run(runner, desk, "export", "--lang", lang)
    assert result.exit_code == 0, result.output
    for name in [f"{SLUG}.{fmt}" for fmt in FORMATS] + ["index.html"]:
        golden.check_file(f"editions/kirkuk/{lang}/{name}", desk / "editions" / lang / name)


@pytest.mark.parametrize("lang", LANGS)
def test_golden_editions_of_seed(runner, project, lang, golden):
    """The seed with the team's reviewed catalogues: what `newsloc build` publishes."""
    result = run(runner, project, "export", SEED_SLUG, "--lang", lang)
    assert result.exit_code == 0, result.output
    for fmt in FORMATS:
        name = f"{SEED_SLUG}.{fmt}"
        golden.check_file(f"editions/seed/{lang}/{name}", project / "editions" / lang / name)


# --------------------------------------------------------------------------- structure and locale

def test_edition_keeps_structure_and_locale_formatting(runner, desk):
    assert run(runner, desk, "export").exit_code == 0
    html = (desk / "editions" / "ar" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in html
    assert '<p class="sections"><span>أخبار العراق</span><span>أمن</span></p>' in html
    assert "<h1>قاعدة جوية في كركوك تُفتح مجدداً أمام رحلات التحالف</h1>" in html
    assert '<p class="byline">بقلم سارة أحمد في كركوك</p>' in html
    # Iraqi month name and Arabic-Indic digits (ar_IQ's CLDR numbering system).
    assert '<time datetime="2026-04-02">نُشر في ٢ نيسان ٢٠٢٦</time>' in html
    assert '<span class="credit">الصورة: أحمد الربيعي/<bdi>AFP</bdi></span>' in html
    assert '<span class="dateline">كركوك</span> – ' in html
    assert "<h2>مسؤولون يرحّبون بالخطوة</h2>" in html
    # Two sentences joined by one space, numbers localised, K1 and the URL isolated.
    assert "الجوية يوم الخميس. وستُستأنف الرحلات" in html
    assert "كلّفت ٢٥٠٬٠٠٠ دولار" in html
    assert "<bdi>K1</bdi>" in html and "<bdi>https://example.org/k1-report</bdi>." in html
    assert '"Noto Naskh Arabic", "Noto Sans Arabic"' in html
    ckb = (desk / "editions" / "ckb" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert '<html lang="ckb" dir="rtl">' in ckb and "٢ی نیسانی ٢٠٢٦" in ckb
    ku = (desk / "editions" / "ku" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert '<html lang="ku" dir="ltr">' in ku and "Di 2ê nîsana 2026an de hat weşandin" in ku
    assert "250.000 dolar" in ku and "<bdi>" not in ku.split("<body>")[1]


def test_digits_policy_is_configurable(runner, desk):
    pyproject = desk / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8")
                         .replace('locale = { ar = "ar_IQ" }',
                                  'locale = { ar = "ar_IQ" }\ndigits = { ar = "latn", ku = "arab" }'),
                         encoding="utf-8")
    assert run(runner, desk, "export", "--format", "txt").exit_code == 0
    ar = (desk / "editions" / "ar" / f"{SLUG}.txt").read_text(encoding="utf-8")
    assert "نُشر في 2 نيسان 2026" in ar and "250,000" in ar
    ku = (desk / "editions" / "ku" / f"{SLUG}.txt").read_text(encoding="utf-8")
    assert "٢ê nîsana ٢٠٢٦an" in ku
    assert "K1" in ku  # digits inside Latin tokens never change


def test_bad_export_settings_name_the_file(runner, desk):
    pyproject = desk / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8") + 'digits = { ar = "roman" }\n',
                         encoding="utf-8")
    result = run(runner, desk, "export")
    assert result.exit_code == 2  # a bad setting is bad usage (issue 13)
    assert "pyproject.toml" in result.output and "digits.ar" in result.output
    assert not (desk / "editions").exists()


def test_markdown_and_text_use_unicode_isolates(runner, desk):
    assert run(runner, desk, "export").exit_code == 0
    md = (desk / "editions" / "ar" / f"{SLUG}.md").read_text(encoding="utf-8")
    assert md.startswith('---\ntitle: "قاعدة جوية في كركوك')
    assert 'lang: "ar"\ndir: "rtl"\ndate: 2026-04-02\n' in md
    assert "\u2066https://example.org/k1-report\u2069" in md
    assert "\u2066K1\u2069" in md
    txt = (desk / "editions" / "ckb" / f"{SLUG}.txt").read_text(encoding="utf-8")
    assert "\u2066K1\u2069" in txt
    assert "  " not in txt  # no doubled spaces where sentences meet


# --------------------------------------------------------------------------- escaping

def test_script_in_a_translation_is_text(runner, desk):
    evil = 'وقال مسؤولون <script>alert("x")</script> & [link](http://evil) *bold*'
    set_entry(desk, "ar", "The repairs cost $250,000, officials said.", msgstr=evil)
    refused = run(runner, desk, "export", "--lang", "ar")         # check errors block it (issue 13)
    assert refused.exit_code == 1 and "check error in a reviewed entry" in refused.output
    assert run(runner, desk, "export", "--lang", "ar", "--allow-check-errors").exit_code == 0
    html = (desk / "editions" / "ar" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert "<script" not in html
    assert "&lt;<bdi>script</bdi>&gt;" in html and "&amp;" in html
    md = (desk / "editions" / "ar" / f"{SLUG}.md").read_text(encoding="utf-8")
    assert not re.search(r"(?<!\\)<", md)  # every < is backslash-escaped: no raw HTML
    assert r"\<script\>" in md and r"\*bold\*" in md and r"\[link\]" in md
    txt = (desk / "editions" / "ar" / f"{SLUG}.txt").read_text(encoding="utf-8")
    assert "<script>" in txt  # plain text shows it as the translator typed it
    proof = (desk / "editions" / "proof" / "ar" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert "<script" not in proof


# --------------------------------------------------------------------------- publication policy

def test_fuzzy_segment_blocks_export_and_keeps_old_edition(runner, desk):
    assert run(runner, desk, "export", "--lang", "ar").exit_code == 0
    before = snapshot(desk / "editions" / "ar")
    set_entry(desk, "ar", "Flights will resume next week.", msgstr="ستعود الرحلات", fuzzy=True)
    result = run(runner, desk, "export", "--lang", "ar")
    assert result.exit_code == 1
    assert "ar/kirkuk-air-base-reopens: skipped: 1 of 12 segment(s) not reviewed" in result.output
    assert "--min-reviewed" in result.output
    assert snapshot(desk / "editions" / "ar") == before  # byte- and mtime-identical


def test_refusal_of_one_language_does_not_fail_the_others(runner, desk):
    set_entry(desk, "ckb", "Flights will resume next week.", fuzzy=True)
    result = run(runner, desk, "export")
    assert result.exit_code == 0, result.output
    assert "ckb/kirkuk-air-base-reopens: skipped" in result.output
    assert "2 edition(s) exported, 1 skipped" in result.output
    assert not (desk / "editions" / "ckb" / f"{SLUG}.html").exists()
    # The proof page is written anyway: it is how an editor sees what blocks it.
    proof = (desk / "editions" / "proof" / "ckb" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert "Not publishable" in proof and '<tr class="fuzzy">' in proof


def test_min_reviewed_falls_back_to_marked_source(runner, desk):
    set_entry(desk, "ar", "Flights will resume next week.", msgstr="ستُستأنف الرحلات (آلي)", fuzzy=True)
    result = run(runner, desk, "export", "--lang", "ar", "--min-reviewed", "90")
    assert result.exit_code == 0, result.output
    assert "ar/kirkuk-air-base-reopens: written (partial)" in result.output
    html = (desk / "editions" / "ar" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert '<span class="source" lang="en" dir="ltr">Flights will resume next week.</span>' in html
    assert "[النص الأصلي، لم يُترجَم بعد]" in html
    assert "(آلي)" not in html  # machine text only with --machine
    assert 'class="notice"' in html and '<meta name="newsloc-status" content="partial">' in html
    index = json.loads((desk / "editions" / "ar" / "index.json").read_text(encoding="utf-8"))
    assert index["editions"][0]["partial"] is True
    txt = (desk / "editions" / "ar" / f"{SLUG}.txt").read_text(encoding="utf-8")
    assert "\u2066Flights will resume next week.\u2069 [النص الأصلي، لم يُترجَم بعد]" in txt


def test_machine_flag_shows_fuzzy_text_marked(runner, desk):
    set_entry(desk, "ar", "Flights will resume next week.", msgstr="ستُستأنف الرحلات (آلي).", fuzzy=True)
    result = run(runner, desk, "export", "--lang", "ar", "--min-reviewed", "90", "--machine")
    assert result.exit_code == 0, result.output
    html = (desk / "editions" / "ar" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert ('<span class="machine">ستُستأنف الرحلات (آلي).</span> '
            '<small class="flag">[ترجمة آلية، لم تُراجَع بعد]</small>') in html
    md = (desk / "editions" / "ar" / f"{SLUG}.md").read_text(encoding="utf-8")
    assert "ستُستأنف الرحلات (آلي). *\\[ترجمة آلية، لم تُراجَع بعد\\]*" in md


def test_below_min_reviewed_is_skipped_with_reason(runner, desk):
    for msgid in ("Flights will resume next week.", "Officials welcome the move",
                  "The repairs cost $250,000, officials said."):
        set_entry(desk, "ku", msgid, fuzzy=True)
    result = run(runner, desk, "export", "--lang", "ku", "--min-reviewed", "80")
    assert result.exit_code == 1
    assert "3 of 12 segment(s) not reviewed (75% reviewed, below --min-reviewed 80)" in result.output


def test_headline_must_always_be_reviewed(runner, desk):
    set_entry(desk, "ar", "Kirkuk air base reopens to coalition flights", fuzzy=True)
    result = run(runner, desk, "export", "--lang", "ar", "--min-reviewed", "0", "--machine")
    assert result.exit_code == 1
    assert "headline not reviewed" in result.output


def test_machine_needs_min_reviewed(runner, desk):
    result = run(runner, desk, "export", "--machine")
    assert result.exit_code == 2 and "--min-reviewed" in result.output


def test_untranslated_project_exports_nothing_and_fails(runner, empty_project):
    assert run(runner, empty_project, "extract").exit_code == 0
    result = run(runner, empty_project, "export")
    assert result.exit_code == 1
    assert "0 edition(s) exported, 3 skipped" in result.output
    assert "headline not reviewed" in result.output


def test_missing_catalogue_is_reported(runner, desk):
    (desk / "locales" / "ku" / f"{SLUG}.po").unlink()
    result = run(runner, desk, "export", "--lang", "ku")
    assert result.exit_code == 1
    assert "no catalogue" in result.output and "newsloc extract" in result.output


def test_article_edited_after_review_is_refused_until_reviewed(runner, desk):
    article = desk / "articles" / f"{SLUG}.md"
    article.write_text(article.read_text(encoding="utf-8").replace(
        "Flights will resume next week.", "Flights will resume on Monday."), encoding="utf-8")
    result = run(runner, desk, "export", "--lang", "ar")
    assert result.exit_code == 1
    assert "missing from the catalogue" in result.output


# --------------------------------------------------------------------------- incremental, index, proof

def test_export_again_rewrites_nothing(runner, desk):
    assert run(runner, desk, "export").exit_code == 0
    before = snapshot(desk / "editions")
    result = run(runner, desk, "export")
    assert result.exit_code == 0
    assert "0 file(s) written" in result.output
    assert snapshot(desk / "editions") == before


def test_index_keeps_articles_exported_earlier(runner, desk):
    shutil.copy(REPO / "articles" / f"{SEED_SLUG}.txt", desk / "articles")
    for lang in LANGS:
        shutil.copy(REPO / "locales" / lang / f"{SEED_SLUG}.po", desk / "locales" / lang)
    assert run(runner, desk, "export").exit_code == 0
    assert run(runner, desk, "export", SLUG, "--lang", "ar").exit_code == 0
    index = json.loads((desk / "editions" / "ar" / "index.json").read_text(encoding="utf-8"))
    assert [e["slug"] for e in index["editions"]] == [SLUG, SEED_SLUG]  # dated first, newest first
    html = (desk / "editions" / "ar" / "index.html").read_text(encoding="utf-8")
    assert f'<a href="{SEED_SLUG}.html">' in html and f'<a href="{SLUG}.html">' in html
    assert "<title>المقالات · العربية</title>" in html


def test_proof_page_is_bilingual_with_states(runner, desk):
    set_entry(desk, "ckb", "Flights will resume next week.", fuzzy=True)
    assert run(runner, desk, "export", "--lang", "ckb", "--min-reviewed", "50").exit_code == 0
    proof = (desk / "editions" / "proof" / "ckb" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert '<html lang="en" dir="ltr">' in proof
    assert '<td class="translation" lang="ckb" dir="rtl">' in proof
    assert "Flights will resume next week." in proof and "فڕینەکان هەفتەی داهاتوو" in proof
    assert "11 of 12 segment(s) reviewed" in proof and "1 fuzzy" in proof
    assert "Publishable under the current policy (min reviewed 50%)" in proof


def test_proof_page_shows_check_findings(runner, desk, monkeypatch):
    """When the check stage is installed, its findings appear next to their segment."""
    from dataclasses import dataclass

    @dataclass
    class Finding:
        path: Path
        lineno: int
        msgid: str
        check: str
        severity: str
        message: str

    calls = []

    def check_catalog(po_path, lang, project, **_):
        calls.append((Path(po_path).name, lang))
        return [Finding(po_path, 40, "The repairs cost $250,000, officials said.", "numbers",
                        "error", "number 250,000 <missing> in the translation"),
                Finding(po_path, 1, "", "header", "warning", "Last-Translator is empty")]

    monkeypatch.setattr(export_run, "check_catalog", check_catalog)
    assert run(runner, desk, "export", "--lang", "ar", "--allow-check-errors").exit_code == 0
    assert calls == [(f"{SLUG}.po", "ar")]
    proof = (desk / "editions" / "proof" / "ar" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert ('<div class="error">error · numbers: number 250,000 &lt;missing&gt; in the '
            'translation</div>') in proof
    assert '<li class="warning">header: Last-Translator is empty</li>' in proof


def test_out_and_format_options(runner, desk, tmp_path):
    out = tmp_path / "site"
    result = run(runner, desk, "export", "--format", "html,txt", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (out / "ar").iterdir()) == [
        "index.html", "index.json", f"{SLUG}.html", f"{SLUG}.txt"]
    assert not (desk / "editions").exists()
    bad = run(runner, desk, "export", "--format", "pdf")
    assert bad.exit_code == 2 and "html, md, txt" in bad.output


# --------------------------------------------------------------------------- build

def test_build_on_a_fresh_checkout_publishes_the_seed(runner, project):
    shutil.rmtree(project / "editions", ignore_errors=True)
    result = run(runner, project, "build")
    assert result.exit_code == 0, result.output
    assert "translate: no engine configured" in result.output
    for lang in LANGS:
        for fmt in FORMATS:
            assert (project / "editions" / lang / f"{SEED_SLUG}.{fmt}").is_file()
        assert (project / "editions" / lang / "index.html").is_file()
    again = run(runner, project, "build")
    assert "0 file(s) written" in again.output.splitlines()[-1]


def test_build_with_an_unreachable_engine_goes_on_offline(runner, project):
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8")
                         + '\n[tool.newsloc.translate]\nengine = "libre"\n'
                         + 'url = "http://127.0.0.1:9/"\n', encoding="utf-8")
    # One segment left untranslated, so translate has work for the (dead) engine.
    set_entry(project, "ku", "Security", msgstr="", slug=SEED_SLUG)
    result = run(runner, project, "build", "--wait", "0")
    assert result.exit_code == 0, result.output
    assert "translate: libre not usable" in result.output and "going on offline" in result.output
    assert "ku/coalition-helps-iraq-sustain-anti-isis-fight: skipped" in result.output
    assert (project / "editions" / "ckb" / f"{SEED_SLUG}.html").is_file()
    assert not (project / "editions" / "ku" / f"{SEED_SLUG}.html").exists()


# --------------------------------------------------------------------------- core units

def test_join_sentences_never_doubles_spaces():
    assert join_sentences(["أولى.  ", "", "  ثانية."], "ckb") == "أولى. ثانية."
    assert join_sentences(["Yek.", "Du."], "ku") == "Yek. Du."


def test_bidi_chunks_isolate_latin_runs_only_in_rtl():
    assert bidi_chunks("بلغت $250,000 و IRGC-QF.", "rtl") == [
        ("بلغت ", False), ("$250,000", True), (" و ", False), ("IRGC-QF", True), (".", False)]
    assert bidi_chunks("Li Kerkûkê", "ltr") == [("Li Kerkûkê", False)]
    assert bidi_chunks("navê کەرکووک", "ltr") == [("navê ", False), ("کەرکووک", True)]


def test_md_escape_neutralises_markup():
    assert md_escape("# not a heading") == "\\# not a heading"
    assert md_escape("a_b & <i>") == "a\\_b \\& \\<i\\>"


def test_assemble_edition_refuses_with_reason_and_renders_in_memory(desk):
    project = load_project(desk)
    article = read_article(desk / "articles" / f"{SLUG}.md")
    po = load_catalog(desk / "locales" / "ar" / f"{SLUG}.po")
    edition = assemble_edition(project, article, "ar", po)
    assert edition.direction == "rtl" and not edition.partial
    assert render_edition(edition, "txt").startswith("أخبار العراق · أمن\n\n")
    po[5].flags.append("fuzzy")
    from pipeline.errors import ExportError
    with pytest.raises(ExportError, match="not reviewed"):
        assemble_edition(project, article, "ar", po)
    assert assemble_edition(project, article, "ar", po, policy=Policy(min_reviewed=50)).partial


def test_export_editions_core_reports_outcomes(desk):
    report = export_editions(load_project(desk), languages=["ku"], formats=["txt"])
    assert [(o.lang, o.status) for o in report.outcomes] == [("ku", "written")]
    assert (desk / "editions" / "ku" / f"{SLUG}.txt").is_file()
    assert not (desk / "editions" / "ku" / "index.html").exists()  # the index is HTML


def test_help_shows_examples(runner):
    for command in ("export", "build"):
        result = runner.invoke(cli, [command, "--help"])
        assert result.exit_code == 0 and "Example" in result.output

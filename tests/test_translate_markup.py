"""Machine translation keeps every inline span of a Markdown/HTML article's entries.

A real Markdown article and the same article as a web page are extracted, then
translated by the real LibreTranslate client against the loopback server
(tests/mtserver.py). Link targets never reach the engine, link text does; an
answer that loses, repeats, crosses or empties a span leaves its entry
untranslated and is counted in the summary.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline.article.inline import Link, parse, walk
from pipeline.catalog import load_catalog, save_catalog
from pipeline.cli import cli
from pipeline.segment import MARKUP_FLAG
from pipeline.translate.protect import MaskError, mask, restore

from .support_mt import set_translate_config

RICH = Path(__file__).resolve().parent / "data" / "rich"
SLUGS = ("press-freedom-report", "press-freedom-page")


@pytest.fixture
def rich(tmp_path: Path, runner) -> Path:
    root = tmp_path / "desk"
    shutil.copytree(RICH, root)
    result = runner.invoke(cli, ["--root", str(root), "extract"])
    assert result.exit_code == 0, result.output
    set_translate_config(root, "rate = 0\nretries = 0\nbackoff = 0.01")
    return root


def _entries(root: Path, lang: str = "ar"):
    for slug in SLUGS:
        yield from (e for e in load_catalog(root / "locales" / lang / f"{slug}.po") if not e.obsolete)


def _shape(text: str):
    """The spans of *text* (without words), in order."""
    return [(type(n).__name__, getattr(n, "href", None), getattr(n, "src", None))
            for n in walk(parse(text)) if type(n).__name__ != "Text"]


def translate(runner, root: Path, mt, *extra: str):
    return runner.invoke(cli, ["--root", str(root), "translate", "--engine", "libre",
                               "--url", mt.url, "--lang", "ar", *extra])


def test_spans_kept_link_targets_never_sent(runner, rich, mt):
    marked = [e for e in _entries(rich) if MARKUP_FLAG in e.flags]
    assert len(marked) >= 8  # links, bold, italics in both articles
    result = translate(runner, rich, mt)
    assert result.exit_code == 0, result.output
    sent = " ".join(r["q"] for r in mt.translations())
    assert "example.org" not in sent and "](" not in sent and "**" not in sent
    assert "parliamentary report" in sent            # the link's words are translated
    for entry in _entries(rich):
        assert entry.msgstr and "fuzzy" in entry.flags, entry
        assert _shape(entry.msgstr) == _shape(entry.msgid), (entry.msgid, entry.msgstr)
    report = next(e for e in _entries(rich) if "parliamentary report" in e.msgid)
    link = next(n for n in walk(parse(report.msgstr)) if isinstance(n, Link))
    assert link.href == "https://example.org/report" and link.title == "Report"
    assert "PARLIAMENTARY REPORT" in "".join(n.text for n in walk(link.children) if hasattr(n, "text"))
    # The result is the article's syntax, escaped where the engine's words need it.
    assert report.msgstr.startswith("«ar» ") and "**TUESDAY**" in report.msgstr


@pytest.mark.parametrize("mode,kind", [("swap", "broken span"), ("double", "repeated"),
                                       ("lose", "lost placeholder"), ("empty-span", "broken span")])
def test_broken_spans_refused_and_counted(runner, rich, mt, mode, kind):
    mt.mode = mode
    result = translate(runner, rich, mt)
    assert result.exit_code == 1, result.output
    assert kind in result.output
    marked = [e for e in _entries(rich) if MARKUP_FLAG in e.flags and _shape(e.msgid)]
    refused = [e for e in marked if not e.msgstr]
    assert refused, "the broken answers should have been refused"
    left = [e for e in _entries(rich) if not e.msgstr]
    assert f"{len(left)} failed" in result.output          # counted in the summary
    for entry in _entries(rich):  # what was written kept every span of its source
        if entry.msgstr:
            assert _shape(entry.msgstr) == _shape(entry.msgid) or mode == "swap", entry
            assert sorted(_shape(entry.msgstr)) == sorted(_shape(entry.msgid)), entry
    mt.mode = "ok"
    again = translate(runner, rich, mt)
    assert again.exit_code == 0, again.output
    assert all(e.msgstr for e in _entries(rich))


def test_reordered_and_nested_spans_are_accepted():
    masked = mask("On **Tuesday**, see the [report](https://x.org/r \"R\") and `code`.", markup=True)
    assert masked.text == "On [X0X]Tuesday[X1X], see the [X2X]report[X3X] and [X4X]."
    # Arabic word order: the link first, the bold day after; spaces inside spans move out.
    out = restore(masked, "انظر [X2X] التقرير [X3X] يوم [X0X] الثلاثاء [X1X] و [X4X]")
    assert out == 'انظر [التقرير](https://x.org/r "R") يوم **الثلاثاء** و `code`'
    # An engine's own asterisks and brackets are words, escaped: never new markup.
    out = restore(masked, "[X0X]*T*[X1X] [X2X]r [x][X3X] [X4X]")
    assert out == "**\\*T\\***" + ' [r \\[x\\]](https://x.org/r "R") `code`'
    for broken, reason in [("[X1X]T[X0X] [X2X]r[X3X] [X4X]", "broken span"),
                           ("[X0X]T [X2X]r[X1X][X3X] [X4X]", "broken span"),
                           ("[X0X][X1X] [X2X]r[X3X] [X4X]", "broken span"),
                           ("x[X0X]«T»[X1X]y [X2X]r[X3X] [X4X]", "broken markup"),
                           ("[X0X]T[X1X] [X2X]r[X3X] [X4X] [X4X]", "repeated")]:
        with pytest.raises(MaskError, match=reason):
            restore(masked, broken)


def test_plain_entries_are_masked_as_before():
    text = "Sorties cost $250,000 a day *sic*, see https://x.org."
    assert mask(text).text == "Sorties cost $[X0X] a day *sic*, see [X1X]."
    assert restore(mask(text), "[X0X] *x* [X1X]") == "250,000 *x* https://x.org"


def test_llm_engine_sees_neither_link_targets_nor_markup(runner, rich, chat):
    """The article-level engine gets masked items and a context of words only."""
    # A reviewed neighbour with a link: it goes as context, as its words.
    for slug in SLUGS:
        path = rich / "locales" / "ar" / f"{slug}.po"
        po = load_catalog(path)
        for entry in po:
            if entry.msgid.startswith("The full text"):
                entry.msgstr = "النص الكامل على [موقع البرلمان](https://example.org/ar/parliament)."
        save_catalog(po, path)
    result = runner.invoke(cli, ["--root", str(rich), "translate", "--engine", "llm", "--url", chat.url,
                                 "--model", "m", "--no-memory", "--lang", "ar"])
    assert result.exit_code == 0, result.output
    sent = json.dumps(chat.requests(), ensure_ascii=False)
    assert chat.requests() and "example.org" not in sent and "](" not in sent
    assert "موقع البرلمان" in sent                    # the reviewed neighbour's words did go
    for entry in _entries(rich):
        if entry.msgstr:
            assert _shape(entry.msgstr) == _shape(entry.msgid) or "ar/parliament" in entry.msgstr, entry

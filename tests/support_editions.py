"""Helpers for the edition tests: a rich test desk, a translator who keeps the markup, HTML shapes."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from lxml import html as lxml_html

from pipeline.catalog import load_catalog, save_catalog
from pipeline.cli import cli
from pipeline.segment import MARKUP_FLAG
from pipeline.textpatterns import MASK_PATTERN
from pipeline.translate.protect import mask, restore

RICH = Path(__file__).resolve().parent / "data" / "rich"
SLUGS = ("press-freedom-report", "press-freedom-page")
#: What the translator writes for an English word, per language (Sorani with its own letters).
WORDS = {"ar": ["تقرير", "البرلمان", "حرية", "الصحافة"], "ckb": ["ڕاپۆرت", "پەرلەمان", "ئازادی", "ڕۆژنامە"],
         "ku": ["rapor", "parlamento", "azadî", "çapemenî"]}
_WORD = re.compile(rf"{MASK_PATTERN.pattern}|[A-Za-z][A-Za-z']*")


def translate_keeping_markup(msgid: str, lang: str, markup: bool) -> str:
    """A translator's version of *msgid*: every English word replaced, every span kept."""
    masked = mask(msgid, markup=markup)
    words = WORDS[lang]
    counter = iter(range(10 ** 6))

    def word(m: re.Match) -> str:
        return m.group() if MASK_PATTERN.fullmatch(m.group()) else words[next(counter) % len(words)]
    return restore(masked, _WORD.sub(word, masked.text))


def review(root: Path, langs=("ar", "ckb", "ku"), slugs=SLUGS) -> None:
    """Fill every entry as a reviewer would: translated, markup kept, not fuzzy."""
    for lang in langs:
        for slug in slugs:
            path = root / "locales" / lang / f"{slug}.po"
            po = load_catalog(path)
            for entry in po:
                if entry.obsolete:
                    continue
                entry.msgstr = translate_keeping_markup(entry.msgid, lang, MARKUP_FLAG in entry.flags)
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
            save_catalog(po, path)


def rich_desk(tmp: Path, runner, *, reviewed: bool = True) -> Path:
    """The rich articles (Markdown, and the same as a web page) extracted, reviewed, exported."""
    root = tmp / "desk"
    shutil.copytree(RICH, root)
    for args in (["extract"], ["translate", "--engine", "fake"]):
        result = runner.invoke(cli, ["--root", str(root), *args])
        assert result.exit_code == 0, result.output
    if reviewed:
        review(root)
        result = runner.invoke(cli, ["--root", str(root), "export"])
        assert result.exit_code == 0, result.output
    return root


def body_of(page: str):
    """The edition's body (the <article> between its header and footer) as an lxml element."""
    doc = lxml_html.document_fromstring(page)
    article = doc.find(".//article")
    for part in article.findall("header") + article.findall("footer"):
        article.remove(part)
    return article

"""Editions of Markdown and HTML articles keep the source's structure (issue 11, item 7).

The rich test articles (tests/data/rich: a Markdown article and the same article as a
web page with site chrome) go through extract, translate --engine fake, review and
export; the editions are read back with lxml and markdown-it-py.
"""

from __future__ import annotations

import re

import pytest
from lxml import html as lxml_html

from pipeline.article.inline import markdown
from pipeline.catalog import load_catalog, save_catalog
from pipeline.cli import cli

from .support_editions import SLUGS, body_of, rich_desk, translate_keeping_markup

ARABIC = re.compile(r"[\u0600-\u06FF]")


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    from click.testing import CliRunner
    return rich_desk(tmp_path_factory.mktemp("structure"), CliRunner())


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("lang", ["ar", "ckb"])
def test_html_edition_has_the_structure(desk, slug, lang):
    page = (desk / "editions" / lang / f"{slug}.html").read_text(encoding="utf-8")
    body = body_of(page)
    assert lxml_html.document_fromstring(page).get("dir") == "rtl"
    links = [(a.get("href"), a.text_content()) for a in body.iter("a")]
    assert [href for href, _ in links] == ["https://example.org/report", "https://example.org/parliament"]
    assert all(ARABIC.search(words) for _, words in links)          # link text is translated
    assert [len(list(x.iter("li"))) for x in body.iter("ul", "ol")] == [3, 3]
    assert body.find(".//ol") is not None and body.find(".//ol").get("start") is None
    assert len(list(body.iter("strong"))) == 2 and len(list(body.iter("em"))) == 2
    quote = body.find(".//blockquote")
    assert quote is not None and ARABIC.search(quote.text_content())
    table = body.find(".//table")
    assert [th.get("style") for th in table.iter("th")] == ["text-align: start", "text-align: end"]
    assert len(list(table.iter("td"))) == 4
    assert re.search("12|١٢", table.text_content())               # ckb writes Arabic-Indic digits
    figure = body.find(".//figure")
    img = figure.find("img")
    assert img.get("src") == "parliament.png" and ARABIC.search(img.get("alt"))
    caption = figure.find("figcaption")
    assert ARABIC.search(caption.text_content()) and caption.find("span[@class='credit']") is not None
    assert body.find(".//h2") is not None
    # Nothing of the page's chrome made it in, and no script anywhere.
    assert "Subscribe" not in page and "Most read" not in page and "<script" not in page


def test_markdown_edition_renders_to_the_html_editions_structure(desk):
    for slug in SLUGS:
        md = (desk / "editions" / "ar" / f"{slug}.md").read_text(encoding="utf-8")
        body_md = md.split("\n---\n", 2)[1]
        rendered = lxml_html.fragment_fromstring(markdown().render(body_md), create_parent="div")
        page = body_of((desk / "editions" / "ar" / f"{slug}.html").read_text(encoding="utf-8"))

        def shape(el):
            return [(e.tag, e.get("href") or e.get("src")) for e in el.iter()
                    if e.tag in ("a", "strong", "em", "ul", "ol", "li", "blockquote", "table", "th", "td",
                                 "img", "h2", "h3")]
        # The Markdown edition's header (# headline, **byline**) is not in the HTML body, and a
        # figure's caption is written as newsloc reads one: an emphasis after the image.
        md_shape = shape(rendered)
        assert md_shape[0] == ("strong", None)
        md_shape = [s for k, s in enumerate(md_shape[1:]) if not (s == ("em", None) and md_shape[k][0] == "img")]
        assert md_shape == shape(page)


def test_text_edition_is_readable(desk):
    text = (desk / "editions" / "ar" / "press-freedom-report.txt").read_text(encoding="utf-8")
    assert "(\u2066https://example.org/report\u2069)" in text      # a link reads: words (address)
    assert re.search(r"^\u200f?• ", text, re.M) and re.search(r"^\u200f?1\. ", text, re.M)
    assert re.search(r"^\u200f?> ", text, re.M)
    assert "**" not in text and "](" not in text


def test_html_article_and_markdown_article_give_the_same_edition(desk):
    for lang in ("ar", "ckb", "ku"):
        for fmt in ("html", "md", "txt"):
            one, other = (desk / "editions" / lang / f"{slug}.{fmt}" for slug in SLUGS)
            strip = (lambda s: re.sub(r"press-freedom-(report|page)(\.(md|html))?", "SLUG", s))
            assert strip(one.read_text(encoding="utf-8")) == strip(other.read_text(encoding="utf-8")), (lang, fmt)


def test_translation_markup_is_never_live_and_bad_targets_never_written(tmp_path, runner):
    root = rich_desk(tmp_path, runner)
    path = root / "locales" / "ar" / "press-freedom-report.po"
    po = load_catalog(path)
    for entry in po:
        if "parliamentary report" in entry.msgid:
            entry.msgstr = ('<script>alert(1)</script> نشر [التقرير](javascript:alert(1)) '
                            '![x](data:image/png;base64,AAAA) **يوم** *الثلاثاء* <img src=x onerror=alert(1)>')
        elif entry.msgid.startswith("The full text"):
            entry.msgstr = "النص على [موقع البرلمان](https://example.org/ar/parliament \"عنوان\")."
    save_catalog(po, path)
    assert runner.invoke(cli, ["--root", str(root), "export", "--lang", "ar",
                               "--allow-check-errors"]).exit_code == 0
    page = (root / "editions" / "ar" / "press-freedom-report.html").read_text(encoding="utf-8")
    body = body_of(page)
    assert not list(body.iter("script")) and "onerror" not in [a for e in body.iter() for a in e.attrib]
    assert "&lt;script&gt;" in page                                      # shown, never run
    assert [a.get("href") for a in body.iter("a")] == ["https://example.org/ar/parliament"]
    assert [img.get("src") for img in body.iter("img")] == ["parliament.png"]
    md = (root / "editions" / "ar" / "press-freedom-report.md").read_text(encoding="utf-8")
    rendered = lxml_html.fragment_fromstring(markdown().render(md.split("\n---\n", 2)[1]),
                                             create_parent="div")
    assert not list(rendered.iter("script")) and "onerror" not in [a for e in rendered.iter() for a in e.attrib]
    assert [a.get("href") for a in rendered.iter("a")] == ["https://example.org/ar/parliament"]
    assert [img.get("src") for img in rendered.iter("img")] == ["parliament.png"]


def test_unreviewed_markup_entries_are_labelled_and_keep_their_spans(tmp_path, runner):
    root = rich_desk(tmp_path, runner, reviewed=False)
    result = runner.invoke(cli, ["--root", str(root), "export", "--lang", "ar", "--min-reviewed", "0",
                                 "--machine"])
    assert result.exit_code != 0 or "headline not reviewed" in result.output  # the headline must be reviewed
    for slug in SLUGS:
        path = root / "locales" / "ar" / f"{slug}.po"
        po = load_catalog(path)
        for entry in po:
            if entry.msgid.startswith("Parliament publishes"):
                entry.msgstr = translate_keeping_markup(entry.msgid, "ar", False)
                entry.flags = [f for f in entry.flags if f != "fuzzy"]
        save_catalog(po, path)
    result = runner.invoke(cli, ["--root", str(root), "export", "--lang", "ar", "--min-reviewed", "0",
                                 "--machine"])
    assert result.exit_code == 0, result.output
    body = body_of((root / "editions" / "ar" / "press-freedom-report.html").read_text(encoding="utf-8"))
    machine = body.find(".//span[@class='machine']")
    assert machine is not None and machine.find(".//a").get("href") == "https://example.org/report"

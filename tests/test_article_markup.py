"""Markdown and HTML articles: every block type, inline markup, segmentation, extract, bad input."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline.article import inline, parse_article, read_article
from pipeline.catalog import load_catalog
from pipeline.cli import cli
from pipeline.errors import ArticleError
from pipeline.segment import segment_article, split_marked

from .paths import SEED
from .support_letters import article_letters, letters, shown_letters

DATA = Path(__file__).parent / "data" / "articles"


def blocks(art, *roles):
    return [(b.role, b.text) for b in art.blocks if not roles or b.role in roles]


def md(body: str, front: str = "title: The headline\n"):
    return parse_article("story.md", f"---\n{front}---\n\n{body}")


# --------------------------------------------------------------------------- Markdown blocks

def test_markdown_subheads_are_demoted_below_the_headline():
    art = md("# Body heading\n\nText.\n\n## Second\n\n###### Deep\n")
    assert [(b.text, b.attrs["level"]) for b in art.by_role("subhead")] == [
        ("Body heading", 2), ("Second", 3), ("Deep", 6)]
    # Without any level-1 heading in the body, levels stay as written.
    art = md("## Second\n\nText.\n")
    assert art.by_role("subhead")[0].attrs["level"] == 2


def test_markdown_title_from_first_heading_keeps_its_markup():
    art = parse_article("a.md", "# The *big* title\n\nBody.\n")
    assert art.headline == "The *big* title"
    assert art.blocks[0].markup


def test_markdown_paragraph_keeps_inline_markup_canonically():
    art = md("On __Tuesday__ a [report](https://example.org/r 'Report') was _long_ and `x = 1`\n"
             "and ~~old~~ &amp; &copy; \\*not\\*; see [ref][r].\n\n[r]: https://r.example/\n")
    assert blocks(art, "paragraph") == [(
        "paragraph",
        'On **Tuesday** a [report](https://example.org/r "Report") was *long* and `x = 1` '
        "and ~~old~~ & \u00a9 \\*not\\*; see [ref](https://r.example/).")]


def test_markdown_hard_break_is_backslash_newline():
    art = md("Line one\\\nline two  \nline three\n")
    assert art.by_role("paragraph")[0].text == "Line one\\\nline two\\\nline three"


def test_markdown_lists_one_block_per_item_with_nesting():
    art = md("- First\n- Second\n  - Nested *one*\n- \n\n3. Three\n4. Four\n")
    items = art.by_role("item")
    assert [b.text for b in items] == ["First", "Second", "Nested *one*", "", "Three", "Four"]
    outer = items[0].frames[0]
    assert outer.kind == "list" and outer.attrs == {"ordered": False, "start": None, "tight": True}
    assert [f.kind for f in items[2].frames] == ["list", "item", "list", "item"]
    assert items[2].frames[1] == items[1].frames[1]  # the nested list is inside item 2
    ordered = items[4].frames[0]
    assert ordered.attrs["ordered"] and ordered.attrs["start"] == 3 and ordered.id != outer.id
    assert [f.attrs["index"] for f in (items[4].frames[1], items[5].frames[1])] == [1, 2]


def test_markdown_loose_list_item_with_two_paragraphs():
    art = md("- First para.\n\n  Second para.\n- Next\n")
    items = art.by_role("item")
    assert [b.text for b in items] == ["First para.", "Second para.", "Next"]
    assert items[0].frames == items[1].frames and not items[0].frames[0].attrs["tight"]


def test_markdown_quote_table_code_html_rule():
    art = md("> Quoted. Twice.\n>\n> > Inner\n\n"
             "| A | B |\n|:--|--:|\n| 1 | x \\| y |\n| | **z** |\n\n"
             "```python\nprint('hi')\n```\n\n    indented code\n\n"
             "<div class=\"box\">Raw <b>HTML</b></div>\n\n<!-- a comment -->\n\n***\n")
    assert blocks(art, "quote") == [("quote", "Quoted. Twice."), ("quote", "Inner")]
    assert [f.kind for f in art.by_role("quote")[1].frames] == ["quote", "quote"]
    cells = [(b.role, b.text, b.frame("row").attrs["index"], b.attrs["col"], b.attrs["align"])
             for b in art.blocks if b.role in ("cell", "header_cell")]
    assert cells == [("header_cell", "A", 1, 1, "left"), ("header_cell", "B", 1, 2, "right"),
                     ("cell", "1", 2, 1, "left"), ("cell", "x | y", 2, 2, "right"),
                     ("cell", "", 3, 1, "left"), ("cell", "**z**", 3, 2, "right")]
    assert art.by_role("cell")[0].frame("table").attrs == {"align": ("left", "right"), "cols": 2}
    assert [(b.text, b.attrs["info"]) for b in art.by_role("code")] == [
        ("print('hi')", "python"), ("indented code", "")]
    assert blocks(art, "html") == [("html", '<div class="box">Raw <b>HTML</b></div>')]
    assert len(art.by_role("rule")) == 1
    assert "a comment" not in str(art.blocks)


def test_markdown_figure_image_caption_credit():
    art = md("![Protesters in *Tahrir*](https://example.org/p.jpg \"Tahrir\")\n\n"
             "*Protesters gather in Baghdad.* [Ahmad al-Rubaye/AFP]\n\n"
             "![Second](/s.png)\n\n*Only a caption.* Photo: Jane Doe\n\n"
             "An inline ![icon](/i.png) stays in the text.\n")
    assert blocks(art, "alt", "caption", "credit") == [
        ("alt", "Protesters in *Tahrir*"), ("caption", "Protesters gather in Baghdad."),
        ("credit", "Ahmad al-Rubaye/AFP"), ("alt", "Second"), ("caption", "Only a caption."),
        ("credit", "Jane Doe")]
    alt = art.by_role("alt")[0]
    assert alt.attrs == {"src": "https://example.org/p.jpg", "title": "Tahrir"}
    figure = alt.frame("figure")
    assert art.by_role("caption")[0].frame("figure") == figure
    assert art.by_role("alt")[1].frame("figure") != figure
    assert art.by_role("paragraph")[0].text == "An inline ![icon](/i.png) stays in the text."


def test_markdown_front_matter_values_are_plain_text():
    art = md("Body.\n", "title: A *starred* title\nbyline: By Jane_Doe\n")
    assert art.headline == "A *starred* title" and not art.blocks[0].markup
    assert art.by_role("paragraph")[0].markup


# --------------------------------------------------------------------------- HTML

PAGE = """<!DOCTYPE html>
<html><head><title>Budget debate | Example News</title><style>p{color:red}</style>
<script>var s = "Script words";</script></head><body>
<header class="site-header"><nav><a href="/">Home news</a></nav></header>
<div class="cookie-banner">We use cookies. <button>Accept</button></div>
<main><article>
<header><h1>Parliament debates the <em>budget</em></h1>
<p class="byline">By <a href="/authors/jane">Jane Doe</a> in Baghdad</p>
<time datetime="2024-03-05T10:00:00Z">5 March 2024</time></header>
<p>The session opened on <b>Tuesday</b> with a <a href="https://example.org/r" title="Report">report.
It was</a> <i>long</i>. Dr. Smith spoke.</p>
<!-- editor's note -->
<h2>Background</h2><h3>Deeper</h3>
<ul><li>First</li><li>Second <code>x</code><ul><li>Nested</li></ul></li></ul>
<ol start="3"><li>Three</li></ol>
<blockquote><p>A block quote.</p></blockquote>
<table><thead><tr><th align="left">Province</th><th style="text-align: right">Budget</th></tr></thead>
<tbody><tr><td>Basra</td><td></td></tr></tbody></table>
<figure><img src="/p.jpg" alt="Protesters in Tahrir" title="T">
<figcaption>Protesters gather. <span class="credit">Ahmad al-Rubaye/AFP</span></figcaption></figure>
<pre><code class="language-python">print("x")</code></pre><hr>
<iframe src="https://video.example/embed">Iframe words</iframe>
<form><label>Form words</label><input name="q"></form>
<p>Line one<br>line two &amp; &copy; *not em* <a href="javascript:alert(1)">bad link</a>
<marquee>Moving</marquee> <blink>Blink</blink> <marquee>Again</marquee>.</p>
<div class="share-tools"><a href="https://twitter.com/share">Share words</a></div>
</article>
<aside><h3>Related words</h3></aside></main>
<footer>Footer words</footer></body></html>
"""


def test_html_page_roles_from_markup(tmp_path):
    path = tmp_path / "budget.html"
    path.write_text(PAGE, encoding="utf-8")
    art = read_article(path)
    assert art.format == "html"
    assert art.headline == "Parliament debates the *budget*"
    assert blocks(art, "byline", "date") == [("byline", "By [Jane Doe](/authors/jane) in Baghdad"),
                                             ("date", "2024-03-05")]
    assert art.date is not None and art.date.isoformat() == "2024-03-05"
    assert blocks(art, "paragraph")[0][1] == (
        'The session opened on **Tuesday** with a [report. It was](https://example.org/r "Report") '
        "*long*. Dr. Smith spoke.")
    assert [(b.text, b.attrs["level"]) for b in art.by_role("subhead")] == [("Background", 2),
                                                                             ("Deeper", 3)]
    assert [b.text for b in art.by_role("item")] == ["First", "Second `x`", "Nested", "Three"]
    assert art.by_role("item")[3].frames[0].attrs == {"ordered": True, "start": 3, "tight": True}
    assert blocks(art, "quote") == [("quote", "A block quote.")]
    assert [(b.role, b.text, b.attrs["col"]) for b in art.blocks if "cell" in b.role] == [
        ("header_cell", "Province", 1), ("header_cell", "Budget", 2), ("cell", "Basra", 1),
        ("cell", "", 2)]
    assert blocks(art, "alt", "caption", "credit") == [
        ("alt", "Protesters in Tahrir"), ("caption", "Protesters gather."),
        ("credit", "Ahmad al-Rubaye/AFP")]
    assert art.by_role("alt")[0].attrs == {"src": "/p.jpg", "title": "T"}
    assert blocks(art, "code") == [("code", 'print("x")')]
    assert art.by_role("code")[0].attrs == {"info": "python"}
    assert len(art.by_role("rule")) == 1
    last = art.by_role("paragraph")[-1].text
    assert last == "Line one\\\nline two & \u00a9 \\*not em\\* bad link Moving Blink Again."


def test_html_chrome_scripts_forms_never_reach_blocks(tmp_path):
    path = tmp_path / "budget.html"
    path.write_text(PAGE, encoding="utf-8")
    text = str(read_article(path).blocks)
    for words in ("Script words", "Home news", "cookies", "Iframe words", "Form words",
                  "Share words", "Related words", "Footer words", "editor's note", "p{color",
                  "javascript"):
        assert words not in text


def test_html_unknown_elements_reported_once_each(tmp_path):
    path = tmp_path / "budget.html"
    path.write_text(PAGE, encoding="utf-8")
    warnings = read_article(path).warnings
    assert sum("<marquee>" in w for w in warnings) == 1
    assert sum("<blink>" in w for w in warnings) == 1
    assert any("javascript:" in w for w in warnings)


def test_html_fragment_from_a_cms():
    art = parse_article("cms.html", "<h1>Title here</h1>\n<p>One <strong>bold</strong> claim.</p>\n"
                        "<img src='/a.png' alt='A map'>")
    assert blocks(art) == [("headline", "Title here"), ("paragraph", "One **bold** claim."),
                           ("alt", "A map")]
    assert art.blocks[1].lineno == 2


def test_html_title_element_stands_in_for_a_missing_h1():
    art = parse_article("t.html", "<html><head><title>From *title* | Example News</title></head>"
                        "<body><p>Body.</p></body></html>")
    assert art.headline == "From \\*title\\*"


# --------------------------------------------------------------------------- segmentation

def test_sentence_end_inside_a_span_never_cuts_it():
    text = ("See [the report. It is long](https://x.org). Then **one. Two** ends. "
            "A `code. Span` here. Done.")
    assert split_marked(text) == ["See [the report. It is long](https://x.org).",
                                  "Then **one. Two** ends.", "A `code. Span` here.", "Done."]


def test_segments_carry_markup_place_and_flags():
    art = md("Plain words. **Bold** words.\n\n- Item *one*\n  - Sub\n\n| H |\n|---|\n| c |\n\n"
             "![Alt](/a.png)\n\n*Caption.* [AFP]\n")
    segs = segment_article(art)
    got = [(s.source, s.context, s.flags) for s in segs[1:]]
    assert got == [
        ("Plain words.", "paragraph, sentence 1 of 2", ()),
        ("**Bold** words.", "paragraph, sentence 2 of 2", ("md-text",)),
        ("Item *one*", "list item 1", ("md-text",)),
        ("Sub", "list item 1.1", ()),
        ("H", "table cell r1c1 (header)", ()),
        ("c", "table cell r2c1", ()),
        ("Alt", "image description (alt text), figure 1", ()),
        ("Caption.", "photo caption, figure 1", ()),
        ("AFP", "photo credit (photographer/agency: transliterate, do not translate), figure 1", ()),
    ]


def test_code_html_and_rules_are_never_segments():
    art = md("Text.\n\n```\ncode words\n```\n\n<div>html words</div>\n\n---\n")
    sources = [s.source for s in segment_article(art)]
    assert sources == ["The headline", "Text."]


# --------------------------------------------------------------------------- CLI end to end

ARTICLE_MD = """---
title: Parliament debates the budget
byline: By Jane Doe in Baghdad
---

The session opened on **Tuesday** with a [parliamentary report](https://example.org/report "Report"). It was *long*.

- First bullet
- Second bullet

| Province | Budget |
|----------|--------|
| Basra    | 1.2bn  |

![Protesters in Tahrir Square](https://example.org/p.jpg)

*Protesters gather in Baghdad.* [Ahmad al-Rubaye/AFP]
"""


@pytest.fixture
def desk(empty_project: Path) -> Path:
    (empty_project / "articles" / "budget.md").write_text(ARTICLE_MD, encoding="utf-8")
    (empty_project / "articles" / "page.html").write_text(PAGE, encoding="utf-8")
    return empty_project


def test_extract_writes_flags_and_places(runner, desk):
    result = runner.invoke(cli, ["--root", str(desk), "extract"])
    assert result.exit_code == 0, result.output
    pot = (desk / "locales" / "templates" / "budget.pot").read_text(encoding="utf-8")
    entries = {e.msgid: e for e in load_catalog(desk / "locales" / "templates" / "budget.pot")}
    first = entries['The session opened on **Tuesday** with a [parliamentary report]'
                    '(https://example.org/report "Report").']
    assert (first.comment, first.occurrences, first.flags) == (
        "paragraph, sentence 1 of 2", [("articles/budget.md", "6")], ["md-text"])
    second = entries["Second bullet"]
    assert (second.comment, second.occurrences, second.flags) == (
        "list item 2", [("articles/budget.md", "9")], [])
    assert "#. table cell r1c2 (header)" in pot and "#. table cell r2c1" in pot
    assert '#. image description (alt text), figure 1' in pot
    po = load_catalog(desk / "locales" / "ckb" / "page.po")
    entry = next(e for e in po if e.msgid.startswith("The session opened"))
    assert entry.flags == ["md-text"]
    assert "Script words" not in (desk / "locales" / "templates" / "page.pot").read_text("utf-8")
    # Warnings about the HTML page are printed, once each.
    assert result.output.count("<marquee>") == 1 and "page.html" in result.output


def test_show_prints_new_roles_and_places(runner, desk):
    result = runner.invoke(cli, ["--root", str(desk), "show", "budget"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any(" item " in l and "[list item 2]" in l and "Second bullet" in l for l in lines)
    assert any(" header_cell " in l and "[table cell r1c1 (header)]" in l for l in lines)
    assert any(" alt " in l and "https://example.org/p.jpg" in l for l in lines)
    result = runner.invoke(cli, ["--root", str(desk), "show", "--segments", "budget"])
    assert any("1/1  [table cell r2c1] Basra" in l for l in result.output.splitlines())


def test_plain_text_seed_reads_exactly_as_before(tmp_path):
    art = read_article(SEED)
    assert art.format == "text"
    assert all(not b.markup and not b.frames for b in art.blocks)
    assert all(s.flags == () and s.place == "" for s in segment_article(art))


@pytest.mark.parametrize("name, data, message, lineno", [
    ("open.md", b"---\ntitle: x\n\nBody.\n", "never closed", 1),
    ("nothing.md", b"---\ntitle: T\n---\n\n[r]: https://x.org\n\n<!-- only a comment -->\n",
     "parses to nothing", 4),
    ("binary.html", b"<html>\x00\x01\x02\x89PNG", "binary file", None),
    ("empty.html", b"<html><body><script>x()</script><nav>Menu</nav></body></html>",
     "no article content", 1),
    ("text.html", b"Just words, no markup.\n", "no HTML markup", 1),
])
def test_bad_input_is_one_line_exit_1_nothing_written(runner, empty_project, name, data, message,
                                                     lineno):
    path = empty_project / "articles" / name
    path.write_bytes(data)
    result = runner.invoke(cli, ["--root", str(empty_project), "extract", str(path)])
    assert result.exit_code == 1
    errors = [l for l in result.output.splitlines() if l.startswith("Error:")]
    assert len(errors) == 1 and message in errors[0] and name in errors[0]
    if lineno is not None:
        assert f"{name}:{lineno}:" in errors[0]
    assert not (empty_project / "locales" / "templates" / f"{path.stem}.pot").exists()


# --------------------------------------------------------------------------- properties

BODY = st.lists(st.sampled_from([
    "Word", "two", ". ", "\n", "\n\n", "- ", "1. ", "> ", "# ", "## ", "*", "**", "_", "`", "~~",
    "[", "](", ")", "![", "<https://a.b/c>", "|", "---", "\n|---|---|\n", "    ", "```", "\\",
    "&amp;", "&#42;", "<b>", "</b>", "<div>", "<!--", "-->", "\"", "'", "[r]: /u\n", "é", "\u00a0",
]), max_size=40).map("".join)


@pytest.mark.parametrize("kind", ["md", "html"])
@settings(max_examples=125, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=BODY)
@example(body="- a\n  - b\n\n> q\n")
def test_reading_never_crashes_nor_loses_words(kind, body):
    """Random Markdown, read as a Markdown article and, rendered, as an HTML one."""
    html = inline.markdown().render(body)
    name, text = ("story.md", "---\ntitle: T\n---\n\n" + body) if kind == "md" else \
        ("story.html", "<h1>T</h1>\n" + html)
    try:
        art = parse_article(name, text)
    except ArticleError:
        return
    segment_article(art)
    missing = shown_letters(html) - article_letters(art)
    assert not missing, (text, missing)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=BODY)
def test_inline_text_is_canonical_and_keeps_words(text):
    canon = inline.canonical(text)
    assert inline.canonical(canon) == canon
    assert " ".join(inline.plain(canon).split()) == " ".join(inline.plain(text).split())
    for piece in split_marked(canon):
        assert inline.canonical(piece) == piece  # no segment cuts a span


# --------------------------------------------------------------------------- upgrading catalogues

OLD_PO = '''msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: ckb\\n"

#. paragraph
#: articles/old.md:5
msgid "On __Tuesday__ the *minister* said AT&amp;T paid."
msgstr "سێشەممە **وەزیر** وتی AT&T پارەی دا."

#. paragraph
#: articles/old.md:7
#, python-format, no-wrap
msgid "Plain words stay."
msgstr "وشەکان دەمێننەوە."
'''


def test_translations_survive_a_change_of_representation(runner, empty_project):
    """An entry whose msgid changes only in how the markup is spelled keeps its translation (fuzzy, #|)."""
    root = empty_project
    (root / "articles" / "old.md").write_text(
        "---\ntitle: Old story\n---\n\nOn __Tuesday__ the _minister_ said AT&amp;T paid.\n\n"
        "Plain words stay.\n", encoding="utf-8")
    (root / "locales" / "ckb").mkdir(parents=True, exist_ok=True)
    (root / "locales" / "ckb" / "old.po").write_text(OLD_PO, encoding="utf-8")
    result = runner.invoke(cli, ["--root", str(root), "extract", "--lang", "ckb"])
    assert result.exit_code == 0, result.output
    po = load_catalog(root / "locales" / "ckb" / "old.po")
    entry = next(e for e in po if not e.obsolete and e.msgid.startswith("On "))
    assert entry.msgid == "On **Tuesday** the *minister* said AT&T paid."
    assert entry.msgstr == "سێشەممە **وەزیر** وتی AT&T پارەی دا."
    assert sorted(entry.flags) == ["fuzzy", "md-text"]
    assert entry.previous_msgid == "On __Tuesday__ the *minister* said AT&amp;T paid."
    plain = next(e for e in po if e.msgid == "Plain words stay.")
    assert sorted(plain.flags) == ["no-wrap", "python-format"] and plain.msgstr  # translator's flags kept
    # The old entry also stays, obsolete, as every unmatched translation does.
    assert [e.msgid for e in po if e.obsolete] == [entry.previous_msgid]


def test_md_text_flag_follows_the_source_and_leaves_other_flags(runner, empty_project):
    root = empty_project
    article = root / "articles" / "flags.md"
    article.write_text("---\ntitle: Flags\n---\n\nA **bold** claim.\n", encoding="utf-8")
    assert runner.invoke(cli, ["--root", str(root), "extract", "--lang", "ar"]).exit_code == 0
    po_path = root / "locales" / "ar" / "flags.po"
    po = load_catalog(po_path)
    entry = next(e for e in po if e.msgid == "A **bold** claim.")
    assert entry.flags == ["md-text"]
    entry.msgstr, entry.flags = "ادعاء **جريء**.", ["md-text", "no-wrap"]
    from pipeline.catalog import save_catalog
    save_catalog(po, po_path)
    # The same words without markup: the flag goes, the translator's flag and work stay.
    article.write_text("---\ntitle: Flags\n---\n\nA bold claim.\n", encoding="utf-8")
    assert runner.invoke(cli, ["--root", str(root), "extract", "--lang", "ar"]).exit_code == 0
    entry = next(e for e in load_catalog(po_path) if e.msgid == "A bold claim.")
    assert sorted(entry.flags) == ["fuzzy", "no-wrap"] and entry.msgstr == "ادعاء **جريء**."
    assert entry.previous_msgid == "A **bold** claim."


def test_html_table_caption_and_page_without_article_element():
    page = ("<html><head><title>Budget passes | Example News</title></head><body>"
            "<header class='masthead'><h1>Example News</h1><nav><a href='/'>Home</a></nav></header>"
            "<div><p>First paragraph.</p><table><caption>Spending by province</caption>"
            "<tr><th>Province</th></tr><tr><td>Basra</td></tr></table></div>"
            "<footer>Footer</footer></body></html>")
    art = parse_article("p.html", page)
    assert art.headline == "Budget passes"
    assert blocks(art, "caption", "header_cell", "cell") == [
        ("caption", "Spending by province"), ("header_cell", "Province"), ("cell", "Basra")]
    assert art.by_role("caption")[0].frame("table") is not None
    assert "Example News" not in str(art.blocks) and "Footer" not in str(art.blocks)


_TAGS = ["p", "div", "span", "b", "i", "em", "strong", "a", "ul", "ol", "li", "blockquote", "table",
         "tr", "td", "th", "thead", "figure", "figcaption", "img", "br", "pre", "code", "h2", "h3",
         "section", "marquee", "x-widget", "script", "iframe", "form", "small", "s", "q", "hr", "dl",
         "dt", "dd", "caption", "time"]
_WORDS = st.sampled_from(["Alpha", "beta", "Gamma.", "delta", " ", "Eps!", "zeta", "*", "_", "[x]",
                          "&amp;", "\n", "2.5bn"])


@st.composite
def _html(draw, depth=0):
    if depth > 3 or draw(st.integers(0, 3)) == 0:
        return draw(_WORDS)
    tag = draw(st.sampled_from(_TAGS))
    if tag == "img":
        return f'<img src="/i.png" alt="{draw(_WORDS)}">'
    if tag in ("br", "hr"):
        return f"<{tag}>"
    href = draw(st.sampled_from(["/x", "https://e.org/a b", "javascript:x", "", "#f"]))
    attrs = f' href="{href}"' if tag == "a" else ""
    kids = "".join(draw(st.lists(_html(depth + 1), max_size=4)))
    return f"<{tag}{attrs}>{kids}</{tag}>"


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=st.lists(_html(), min_size=1, max_size=5).map("".join))
@example(body="Alpha<ul>Alpha</ul>")
@example(body="Alpha<figure>Alpha<img src='/i.png' alt='beta'><figcaption>Gamma</figcaption></figure>")
def test_html_reader_on_any_markup_keeps_every_shown_word(body):
    """Random markup: every letter a reader sees (outside scripts, forms, iframes) is read."""
    from pipeline.article.html import DROPPED
    page = "<h1>T</h1>" + body
    try:
        art = parse_article("r.html", page)
    except ArticleError:
        return
    segment_article(art)
    doc = lxml.html.document_fromstring(page)
    for el in list(doc.iter(*DROPPED)):
        if el.getparent() is not None:
            el.drop_tree()
    shown = letters(doc.text_content())
    for img in doc.iter("img"):
        if not any(a.tag in ("pre", "code") for a in img.iterancestors()):  # code keeps its text only
            shown += letters(img.get("alt") or "")
    missing = shown - article_letters(art)
    assert not missing, (page, missing)


def test_saved_page_in_a_declared_legacy_charset(tmp_path):
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
            "</head><body><h1>Caf\u00e9 reopens</h1><p>Prices rose 5\u2013 10% \u201cquickly\u201d.</p>"
            "</body></html>")
    path = tmp_path / "cafe.html"
    path.write_bytes(page.encode("cp1252"))
    art = read_article(path)
    assert art.headline == "Caf\u00e9 reopens"
    assert art.by_role("paragraph")[0].text == "Prices rose 5\u2013 10% \u201cquickly\u201d."
    # Undeclared non-UTF-8 bytes are still refused, naming the line.
    path.write_bytes(b"<h1>Title</h1>\n<p>Caf\xe9</p>")
    with pytest.raises(ArticleError, match="not UTF-8"):
        read_article(path)


def test_front_matter_photo_with_an_address_is_a_figure():
    art = md("Body.\n", "title: T\nimage:\n  src: /lead.jpg\n  alt: Protesters in Tahrir\n"
                        "  caption: Protesters gather.\n  credit: '[AFP]'\n")
    assert blocks(art, "alt", "caption", "credit") == [
        ("alt", "Protesters in Tahrir"), ("caption", "Protesters gather."), ("credit", "AFP")]
    figure = art.by_role("alt")[0].frame("figure")
    assert figure is not None and art.by_role("credit")[0].frame("figure") == figure
    assert art.by_role("alt")[0].attrs["src"] == "/lead.jpg" and not art.blocks[0].markup
    # Without an address, caption and credit stand alone as they always did.
    art = md("Body.\n", "title: T\nimage: {caption: C., credit: D}\n")
    assert all(not b.frames for b in art.blocks)

"""The article reader: roles, the scrape's quirks, Markdown front matter, bad input."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.article import parse_article, read_article
from pipeline.errors import ArticleError

from .paths import BBC, SEED


@pytest.fixture(scope="module")
def seed():
    return read_article(SEED)


def test_seed_roles_in_reading_order(seed):
    roles = [b.role for b in seed.blocks]
    assert roles[:6] == ["section", "section", "headline", "byline", "caption", "credit"]
    assert roles.count("subhead") == 2
    assert set(roles[6:]) == {"paragraph", "subhead"}


def test_seed_texts(seed):
    by_role = {role: [b.text for b in seed.by_role(role)] for role in
               ("section", "headline", "byline", "caption", "credit", "subhead")}
    assert by_role["section"] == ["Iraq News", "Security"]
    assert by_role["headline"] == ["Coalition helps Iraq sustain anti-ISIS fight: officials"]
    assert by_role["byline"] == ["By Hassan al-Obaidi in Baghdad"]
    assert by_role["subhead"] == ["Coalition has stepped in", "Iranian propaganda fails"]
    assert by_role["credit"] == ["Ahmad al-Rubaye/AFP"]
    assert by_role["caption"] == [
        "Iraqi soldiers and a US army soldier serving as part of the international coalition "
        "against ISIS, walk around at the K1 Air Base northwest of Kirkuk on March 29th."]
    assert seed.headline == by_role["headline"][0]


def test_seed_caption_kept_once_and_credit_separate(seed):
    captions = seed.by_role("caption")
    assert len(captions) == 1
    assert "[" not in captions[0].text and "AFP" not in captions[0].text


def test_seed_furniture_dropped(seed):
    text = "\n".join(b.text for b in seed.blocks)
    for furniture in ("Do you like this article?", "Comment(s)", "Comment Policy",
                      "Denotes Required Field", "1500 / 1500"):
        assert furniture not in text
    assert seed.blocks[-1].text.endswith("security and stability of Iraq.")


def test_seed_line_numbers_point_into_the_file(seed):
    lines = SEED.read_text(encoding="utf-8").split("\n")
    for block in seed.blocks:
        first_words = " ".join(block.text.split()[:3])
        assert first_words in lines[block.lineno - 1], block


def test_paragraph_count(seed):
    assert len(seed.by_role("paragraph")) == 20


@pytest.mark.shared
def test_bbc_articles_have_headline_and_paragraphs():
    paths = sorted(BBC.glob("*/*.txt"))[:60]
    for path in paths:
        article = read_article(path)
        assert article.blocks[0].role == "headline", path
        assert article.by_role("paragraph"), path
        assert not article.by_role("caption")


def test_wire_dateline_becomes_its_own_block(tmp_path):
    art = parse_article(tmp_path / "wire.txt",
                        "Forces retake town\n\nBAGHDAD (AFP) - Iraqi forces retook the town on Monday. "
                        "More follows.\n\nSecond paragraph here.\n")
    assert [(b.role, b.text) for b in art.blocks[:3]] == [
        ("headline", "Forces retake town"), ("dateline", "BAGHDAD (AFP)"),
        ("paragraph", "Iraqi forces retook the town on Monday. More follows.")]


def test_date_line_in_plain_text(tmp_path):
    art = parse_article(tmp_path / "d.txt", "Headline here\n\n29 March 2021\n\nBody text.\n")
    assert art.date == dt.date(2021, 3, 29)
    assert [b.role for b in art.blocks] == ["headline", "date", "paragraph"]


MARKDOWN = """\
---
title: Iraq opens new border crossing with Syria
byline: By Sara Ahmed in Erbil
dateline: ERBIL
date: 2026-03-29
section: [Iraq News, Economy]
image:
  caption: Trucks wait at the Rabia crossing on March 28th.
  credit: Safin Hamed/AFP
---

The crossing will handle 500 trucks a day, officials said. Trade is expected to grow.

## A long wait

Drivers waited for 3 days at the border, said Lt. Col. Ali Hassan.
"""


def test_markdown_front_matter(tmp_path):
    path = tmp_path / "border.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    art = read_article(path)
    assert [(b.role, b.text) for b in art.blocks] == [
        ("section", "Iraq News"), ("section", "Economy"),
        ("headline", "Iraq opens new border crossing with Syria"),
        ("byline", "By Sara Ahmed in Erbil"), ("dateline", "ERBIL"), ("date", "2026-03-29"),
        ("caption", "Trucks wait at the Rabia crossing on March 28th."),
        ("credit", "Safin Hamed/AFP"),
        ("paragraph", "The crossing will handle 500 trucks a day, officials said. "
                      "Trade is expected to grow."),
        ("subhead", "A long wait"),
        ("paragraph", 'Drivers waited for 3 days at the border, said Lt. Col. Ali Hassan.'),
    ]
    assert art.date == dt.date(2026, 3, 29)
    assert art.by_role("headline")[0].lineno == 2
    assert art.by_role("subhead")[0].lineno == 14
    assert art.by_role("caption")[0].lineno == 8


def test_markdown_title_from_heading(tmp_path):
    art = parse_article(tmp_path / "a.md", "# Plain title\n\nBody.\n")
    assert art.headline == "Plain title"


@pytest.mark.parametrize("name, data, message, lineno", [
    ("empty.txt", b"", "empty article", None),
    ("blank.txt", b"  \n\n \t\n", "empty article", None),
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file", None),
    ("latin1.txt", "Headline\n\nCaf\u00e9 society.\n".encode("latin-1"), "not UTF-8", 3),
    ("furniture.txt", b"Do you like this article?\n\n0 Comment(s)\n", "no headline", None),
    ("para.txt", ("word " * 100).encode() + b"\n", "no headline", 1),
    ("bad.md", b"---\ntitle: [unclosed\n---\nBody.\n", "front matter", 2),
    ("open.md", b"---\ntitle: x\nBody.\n", "never closed", 1),
    ("notitle.md", b"---\nbyline: By X\n---\n\nBody.\n", "no headline", 1),
    ("baddate.md", b"---\ntitle: T\ndate: someday\n---\n\nBody.\n", "date", 3),
])
def test_unreadable_input_is_one_clear_error(tmp_path, name, data, message, lineno):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ArticleError) as info:
        read_article(path)
    err = info.value
    assert message in str(err)
    assert str(err).startswith(str(path))
    assert "\n" not in str(err)
    assert err.lineno == lineno


def test_missing_file(tmp_path):
    with pytest.raises(ArticleError, match="no such file"):
        read_article(tmp_path / "nope.txt")


def test_crlf_and_bom_are_read(tmp_path):
    path = tmp_path / "win.txt"
    path.write_bytes("\ufeffHeadline\r\n\r\nFirst paragraph.\r\n".encode("utf-8"))
    art = read_article(path)
    assert [b.text for b in art.blocks] == ["Headline", "First paragraph."]

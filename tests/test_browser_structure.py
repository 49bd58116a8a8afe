"""Done when (issue 11): the Arabic and Sorani editions of a rich article, read in Chromium.

A Markdown article with a linked sentence, bold and italic words, a bullet list, a
numbered list, a block quote, a table and an image with caption and credit, and the
same article as a web page with site chrome around it (tests/data/rich), go through
``extract``, ``translate --engine fake``, review (every msgstr set with its markup,
fuzzy removed) and ``export``. Debian's chromium opens the ar and ckb HTML editions
and the test checks what a reader sees: the links are clickable and go where the
source's go, the emphasis is bold and italic, the lists are lists with their
markers on the right, the quote is a quote, the table runs right to left, the figure
shows the image with its translated alt text, caption and credit; nothing overflows
on a desktop or a phone. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path

import pytest

from .paths import REPO
from .support_browser import CHROMIUM_CANDIDATES, Browser
from .support_editions import SLUGS, rich_desk
from .tools import require

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("chromium")]

ARTIFACTS = REPO / "test-artifacts"
ARABIC = re.compile(r"[\u0600-\u06FF]")


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A one-colour PNG: the article's photo (editions reference images, they do not copy them)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


@pytest.fixture(scope="module")
def editions(tmp_path_factory) -> Path:
    from click.testing import CliRunner
    root = rich_desk(tmp_path_factory.mktemp("rich-browser"), CliRunner())
    for lang in ("ar", "ckb"):
        (root / "editions" / lang / "parliament.png").write_bytes(png(480, 200, (70, 110, 150)))
    return root / "editions"


@pytest.fixture(scope="module")
def browser():
    b = Browser(require(*CHROMIUM_CANDIDATES, install="chromium fonts-noto-core"))
    yield b
    b.close()


READ = """(() => {
  const article = document.querySelector('article');
  const style = e => getComputedStyle(e);
  const box = e => e.getBoundingClientRect();
  const textBox = e => { const r = document.createRange(); r.selectNodeContents(e);
                         const rects = [...r.getClientRects()]; return rects[0]; };
  const links = [...article.querySelectorAll('a[href^="https://example.org"]')].map(a => {
    a.scrollIntoView({block: 'center'});
    const r = a.getClientRects()[0];
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return {href: a.href, text: a.textContent, clickable: a === hit || a.contains(hit),
            cursor: style(a).cursor, underlined: style(a).textDecorationLine.includes('underline')};
  });
  const lists = [...article.querySelectorAll('ul, ol')].map(l => {
    const lb = box(l);
    return {tag: l.tagName, dir: style(l).direction, marker: style(l.children[0]).listStyleType,
            items: [...l.children].filter(li => style(li).display === 'list-item').length,
            // Right to left: each item's text starts at the list's right, indented for the marker.
            rightAligned: [...l.children].every(li => {
              const t = textBox(li); return t && lb.right - t.right > 8 && lb.right - t.right < 60
                                               && t.left - lb.left > 0; })};
  });
  const quote = article.querySelector('blockquote');
  const table = article.querySelector('table');
  const ths = [...table.querySelectorAll('th')].map(box);
  const tds = [...table.querySelectorAll('tr:last-child td')].map(box);
  const img = article.querySelector('figure img');
  const caption = article.querySelector('figure figcaption');
  return {
    dir: style(document.documentElement).direction,
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    links, lists,
    strong: [...article.querySelectorAll('strong')].map(s => ({w: +style(s).fontWeight, t: s.textContent})),
    em: [...article.querySelectorAll('em')].map(s => ({i: style(s).fontStyle, t: s.textContent})),
    quote: quote && {dir: style(quote).direction, text: quote.textContent,
                     indented: box(quote.querySelector('p')).right < box(article).right - 4},
    table: {dir: style(table).direction, firstOnRight: ths[0].left > ths[1].left,
            cellsOnRight: tds[0].left > tds[1].left,
            headers: [...table.querySelectorAll('th')].map(t => t.textContent)},
    figure: img && {alt: img.alt, loaded: img.complete && img.naturalWidth > 0,
                    caption: caption.textContent,
                    credit: caption.querySelector('.credit') && caption.querySelector('.credit').textContent},
  };
})()"""


@pytest.mark.parametrize("width", [1000, 360])
@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("lang", ["ar", "ckb"])
def test_rich_edition_in_chromium(browser, editions, lang, slug, width):
    page = browser.open((editions / lang / f"{slug}.html").as_uri(), width=width, height=900)
    seen = page.evaluate(READ)
    assert seen["dir"] == "rtl"
    assert seen["overflow"] <= 0, f"{seen['overflow']}px of horizontal overflow"
    # Links: clickable, with the source's targets, their words translated.
    assert [link["href"] for link in seen["links"]] == ["https://example.org/report",
                                                         "https://example.org/parliament"]
    for link in seen["links"]:
        assert link["clickable"] and link["cursor"] == "pointer" and link["underlined"], link
        assert ARABIC.search(link["text"]), link
    # Emphasis.
    assert len(seen["strong"]) == 2 and all(s["w"] >= 600 for s in seen["strong"])
    assert len(seen["em"]) == 2 and all(e["i"] == "italic" for e in seen["em"])
    # Lists: a bullet list and a numbered list, right to left.
    numbers = "arabic-indic" if lang == "ckb" else "decimal"   # as the edition writes its digits
    assert [(x["tag"], x["marker"], x["items"]) for x in seen["lists"]] == [("UL", "disc", 3),
                                                                          ("OL", numbers, 3)]
    for x in seen["lists"]:
        assert x["dir"] == "rtl" and x["rightAligned"], x
    # The quote.
    assert seen["quote"]["dir"] == "rtl" and ARABIC.search(seen["quote"]["text"]) and seen["quote"]["indented"]
    # The table runs right to left: its first column is on the right.
    assert seen["table"]["dir"] == "rtl" and seen["table"]["firstOnRight"] and seen["table"]["cellsOnRight"]
    assert all(ARABIC.search(h) for h in seen["table"]["headers"])
    # The figure: the image, its translated alt text, caption and credit.
    figure = seen["figure"]
    assert figure["loaded"], "the photo did not load"
    assert ARABIC.search(figure["alt"]) and "Reporters" not in figure["alt"]
    assert ARABIC.search(figure["caption"]) and figure["credit"] and ARABIC.search(figure["credit"])
    page.screenshot(ARTIFACTS / f"rich-{lang}-{slug}-{width}.png")

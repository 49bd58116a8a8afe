"""A real browser reads the Arabic and Sorani editions: direction, fonts, no overflow.

Debian's chromium (installed by .ci/run, with fonts-noto-core) opens the HTML
editions headless. The test asserts what a reader would notice: the page runs
right to left, the Arabic-script text is drawn with an Arabic font that has
its glyphs (no fallback to a font without them, no tofu), and nothing is wider
than the window, on a desktop and on a phone. Screenshots are kept in
``test-artifacts/`` for a human to look at.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from pipeline.cli import cli

from .paths import KIRKUK, REPO
from .support_browser import CHROMIUM_CANDIDATES, Browser
from .tools import require

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("chromium")]

ARTIFACTS = REPO / "test-artifacts"
ARABIC_LETTER = re.compile(r"[\u0620-\u064A\u0671-\u06D3]")
ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]")
SORANI_LETTERS = set("ڕڵێۆەھپچژگڤ")


@pytest.fixture(scope="module")
def chromium() -> str:
    return require(*CHROMIUM_CANDIDATES, install="chromium fonts-noto-core")


@pytest.fixture(scope="module")
def editions(tmp_path_factory) -> Path:
    """Editions of the seed (reviewed catalogues) and of the dated test article."""
    from click.testing import CliRunner
    root = tmp_path_factory.mktemp("browser") / "desk"
    shutil.copytree(KIRKUK, root)
    shutil.copy(REPO / "articles" / "coalition-helps-iraq-sustain-anti-isis-fight.txt",
                root / "articles")
    for lang in ("ar", "ckb", "ku"):
        shutil.copy(REPO / "locales" / lang / "coalition-helps-iraq-sustain-anti-isis-fight.po",
                    root / "locales" / lang)
    shutil.copy(REPO / "locales" / "templates" / "coalition-helps-iraq-sustain-anti-isis-fight.pot",
                root / "locales" / "templates")
    result = CliRunner().invoke(cli, ["--root", str(root), "export", "--format", "html"])
    assert result.exit_code == 0, result.output
    return root / "editions"


@pytest.fixture(scope="module")
def browser(chromium):
    b = Browser(chromium)
    yield b
    b.close()


CASES = [(lang, slug, width)
         for lang in ("ar", "ckb")
         for slug in ("coalition-helps-iraq-sustain-anti-isis-fight", "kirkuk-air-base-reopens")
         for width in (1000, 360)]


@pytest.mark.parametrize("lang,slug,width", CASES)
def test_rtl_edition_in_chromium(browser, editions, lang, slug, width):
    page = browser.open((editions / lang / f"{slug}.html").as_uri(), width=width, height=900)
    state = page.evaluate("""({
        dir: getComputedStyle(document.documentElement).direction,
        bodyDir: getComputedStyle(document.querySelector('article p:not(.sections)')).direction,
        lang: document.documentElement.lang,
        scroll: document.documentElement.scrollWidth,
        client: document.documentElement.clientWidth,
        wide: [...document.querySelectorAll('body *')]
              .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
                        || e.getBoundingClientRect().left < -1)
              .map(e => e.tagName + ':' + e.textContent.slice(0, 40)),
    })""")
    assert state["lang"] == lang
    assert state["dir"] == "rtl" and state["bodyDir"] == "rtl"
    assert state["scroll"] <= state["client"], f"horizontal overflow: {state}"
    assert state["wide"] == [], f"elements outside the page: {state['wide']}"

    # Fonts: every Arabic-script text node of the body is drawn by an Arabic font
    # of our stack, which therefore has the glyphs (Chromium would otherwise fall
    # back to another font, and it would be listed here).
    nodes = [n for n in page.text_nodes("h1, article p, figcaption, h2")
             if ARABIC_LETTER.search(n.get("nodeValue", ""))]
    assert nodes, "no Arabic-script text found"
    letters_seen: set[str] = set()
    for node in nodes:
        fonts = page.fonts_for(node["nodeId"])
        text = node["nodeValue"]
        families = {f["familyName"] for f in fonts if f["glyphCount"]}
        assert "Noto Naskh Arabic" in families, f"{text[:40]!r} drawn with {fonts}"
        # Other fonts may only have drawn the characters that are not Arabic
        # script (dashes, quotes, Latin): never an Arabic or Sorani letter.
        others = sum(f["glyphCount"] for f in fonts if "Arabic" not in f["familyName"])
        non_arabic = sum(1 for ch in text if not ch.isspace() and not ARABIC_SCRIPT.match(ch))
        assert others <= non_arabic, (
            f"{text[:40]!r} drawn with {fonts}: a fallback font drew Arabic-script letters")
        letters_seen |= set(node["nodeValue"])
    if lang == "ckb":
        assert letters_seen & SORANI_LETTERS, "the Sorani page should exercise Sorani letters"
    page.screenshot(ARTIFACTS / f"edition-{lang}-{slug}-{width}.png")


def test_ltr_kurmanji_edition_in_chromium(browser, editions):
    page = browser.open((editions / "ku" / "kirkuk-air-base-reopens.html").as_uri(), width=360)
    state = page.evaluate("""({dir: getComputedStyle(document.documentElement).direction,
        scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth})""")
    assert state["dir"] == "ltr"
    assert state["scroll"] <= state["client"]
    page.screenshot(ARTIFACTS / "edition-ku-kirkuk-air-base-reopens-360.png")


def test_bdi_keeps_latin_runs_in_order(browser, editions):
    """In the Arabic edition the isolated K1 and URL display left to right, in order."""
    page = browser.open((editions / "ar" / "kirkuk-air-base-reopens.html").as_uri())
    runs = page.evaluate("""[...document.querySelectorAll('bdi')].map(b => {
        const r = document.createRange(); r.selectNodeContents(b);
        const rects = [...r.getClientRects()];
        return {text: b.textContent, dir: getComputedStyle(b).direction,
                bidi: getComputedStyle(b).unicodeBidi, lines: rects.length};
    })""")
    texts = [r["text"] for r in runs]
    assert "K1" in texts and "https://example.org/k1-report" in texts
    for run in runs:
        assert run["bidi"] == "isolate"

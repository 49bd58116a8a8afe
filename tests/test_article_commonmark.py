"""The readers on the CommonMark spec's 655 examples: never a crash, never a lost word.

Every example is read as the body of a Markdown article and, rendered to
HTML by markdown-it-py, as an HTML article. Either the reader refuses it
with one ArticleError (an example that is only a link definition has
nothing to translate), or every letter a browser would show (text and
image descriptions) is in the article's blocks.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.article import inline, parse_article
from pipeline.errors import ArticleError
from pipeline.segment import segment_article

from .support_letters import article_letters, shown_letters

SPEC = json.loads((Path(__file__).parent / "data" / "commonmark" / "spec.json").read_text("utf-8"))


def read(name: str, text: str):
    try:
        art = parse_article(name, text)
    except ArticleError as exc:
        assert "\n" not in str(exc)
        return None
    segment_article(art)
    return art


def markdown_loss(case) -> str | None:
    """What the Markdown reader loses of one example (None: nothing)."""
    art = read("spec.md", "---\ntitle: Spec example\n---\n\n" + case["markdown"])
    shown = shown_letters(inline.markdown().render(case["markdown"]))
    if art is None:
        return "refused an example that shows words" if shown else None
    missing = shown - article_letters(art)
    return f"lost {''.join(sorted(missing.elements()))!r}" if missing else None


def html_loss(case) -> str | None:
    """What the HTML reader loses of one example rendered to HTML (None: nothing)."""
    rendered = inline.markdown().render(case["markdown"])
    art = read("spec.html", "<h1>Spec example</h1>\n" + rendered)
    shown = shown_letters(rendered)
    if art is None:
        return "refused an example that shows words" if shown else None
    missing = shown - article_letters(art)
    return f"lost {''.join(sorted(missing.elements()))!r}" if missing else None


@pytest.mark.parametrize("loss", [markdown_loss, html_loss], ids=["markdown", "html"])
def test_readers_keep_every_word_of_the_spec_examples(loss):
    failures = [(case["example"], case["markdown"], why) for case in SPEC
                if (why := loss(case)) is not None]
    assert not failures, f"{len(failures)} of {len(SPEC)} examples: {failures[:5]}"

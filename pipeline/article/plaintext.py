"""Plain-text articles (``.txt``), as scraped from a news site or as in the BBC corpus.

Blocks are separated by blank lines. At the top, an optional block of short
*section* labels (one per line, e.g. "Iraq News" / "Security"), then the
*headline*, an optional *byline* ("By NAME in PLACE") and an optional
publication *date* line. A block that ends with a bracketed credit
("... [Ahmad al-Rubaye/AFP]") is a photo *caption* followed by its *credit*;
scrapes repeat the caption, and a repeat is kept once. Short lines without
closing punctuation between paragraphs are *subheads*. A wire dateline
("BAGHDAD (AFP) -") opening the first paragraph becomes a *dateline* block.
The site furniture at the end ("Do you like this article?", "0 Comment(s)",
"Comment Policy ...") is dropped: it never reaches a translator.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import ArticleError
from .model import Article, Block
from .textblocks import parse_date, raw_blocks

# Site furniture that starts the tail of a scrape; it and everything after it
# are dropped. Anchored, whole-block patterns, so that a paragraph merely
# mentioning comments survives.
_FURNITURE = [re.compile(p, re.IGNORECASE) for p in (
    r"do you like this article\??",
    r"\d+\s+comment\(s\).*",
    r"comment policy\b.*",
    r"\*?\s*denotes required field.*",
    r"(share|share this article|related articles?|read more|advertisement)\s*:?",
)]

_CREDIT = re.compile(r"^(?P<caption>.*\S)\s*\[(?P<credit>[^\[\]]{2,120})\]\s*$", re.S)
_BYLINE = re.compile(r"^By\s+[A-Z\u00C0-\u024F][^\n]{1,150}$")
_DATELINE = re.compile(
    r"^(?P<dateline>[A-Z][A-Z'.-]+(?:[ -][A-Z][A-Z'.-]+)*"       # BAGHDAD, NEW YORK
    r"(?:,\s+[A-Z][a-z]+\.?(?:\s+\d{1,2})?)?"                      # , Iraq / , March 29
    r"(?:\s+\((?:[A-Za-z][A-Za-z .&-]{0,30})\))?)"                # (AFP)
    r"\s+(?:-|--|\u2013|\u2014)\s+(?=\S)"
)
_SENTENCE_END = tuple('.?!:;,"\u201d\u2019)…')
_MAX_SUBHEAD_WORDS = 10
_MAX_SECTION_WORDS = 4



def _is_furniture(text: str) -> bool:
    return any(p.fullmatch(text) for p in _FURNITURE)


def _looks_like_label(line: str) -> bool:
    return (len(line.split()) <= _MAX_SECTION_WORDS and not line.endswith(_SENTENCE_END)
            and line[:1].isupper())


def _looks_like_subhead(text: str) -> bool:
    words = text.split()
    return (1 <= len(words) <= _MAX_SUBHEAD_WORDS and text[:1].isupper()
            and not text.endswith(_SENTENCE_END) and "\n" not in text
            and not _CREDIT.match(text))



def parse_plain(path: Path, text: str) -> Article:
    raw = list(raw_blocks(text))
    # Drop the furniture tail: the first furniture block and all after it.
    for i, (_, lines) in enumerate(raw):
        if _is_furniture(" ".join(lines)) or _is_furniture(lines[0]):
            raw = raw[:i]
            break
    if not raw:
        raise ArticleError("no headline: the article has no text before the site furniture",
                           path=path)
    blocks: list[Block] = []
    meta: dict[str, Any] = {}
    i = 0
    # Section labels: a first block of several short label lines, followed by more text.
    lineno, lines = raw[0]
    if len(raw) > 1 and len(lines) > 1 and all(_looks_like_label(x) for x in lines):
        blocks.extend(Block("section", line, lineno + k) for k, line in enumerate(lines))
        i = 1
    elif len(raw) > 2 and len(lines) == 1 and _looks_like_label(lines[0]) and \
            len(raw[1][1]) == 1 and not raw[1][1][0].endswith(_SENTENCE_END) and \
            len(raw[1][1][0].split()) > _MAX_SECTION_WORDS and not _BYLINE.match(raw[1][1][0]):
        # One short label line, then a longer headline line.
        blocks.append(Block("section", lines[0], lineno))
        i = 1
    # Headline: the next block, on one line (a multi-line first block is joined).
    lineno, lines = raw[i]
    headline = " ".join(lines)
    if len(headline) > 300:
        raise ArticleError("no headline: the first block is a paragraph, not a headline",
                           path=path, lineno=lineno)
    blocks.append(Block("headline", headline, lineno))
    i += 1
    seen_captions: set[str] = set()
    first_paragraph = True
    for lineno, lines in raw[i:]:
        body = " ".join(lines)
        if len(blocks) <= 4 and _BYLINE.match(body) and not blocks[-1].role == "paragraph" \
                and not any(b.role == "byline" for b in blocks):
            blocks.append(Block("byline", body, lineno))
            continue
        if "date" not in meta and first_paragraph and (date := parse_date(body)):
            meta["date"] = date
            blocks.append(Block("date", body, lineno))
            continue
        match = _CREDIT.match(body)
        if match:
            key = body
            if key in seen_captions:
                continue  # scrapes repeat the photo caption: keep it once
            seen_captions.add(key)
            blocks.append(Block("caption", match["caption"], lineno))
            blocks.append(Block("credit", match["credit"].strip(), lineno))
            continue
        if not first_paragraph and _looks_like_subhead(body):
            blocks.append(Block("subhead", body, lineno))
            continue
        if first_paragraph and (dl := _DATELINE.match(body)):
            blocks.append(Block("dateline", dl["dateline"], lineno))
            body = body[dl.end():]
        blocks.append(Block("paragraph", body, lineno))
        first_paragraph = False
    return Article(path=path, blocks=tuple(blocks), meta=meta)


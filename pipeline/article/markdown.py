"""Markdown articles (``.md``) with YAML front matter, the form editors write new articles in.

Front-matter keys (see :mod:`.frontmatter`): ``title`` (required), ``section``
(string or list), ``byline``, ``dateline``, ``date`` (YYYY-MM-DD), and the
photo as ``image: {caption: ..., credit: ...}`` (or ``caption``/``credit`` at
the top level). In the body, ``## Heading`` lines are subheads and the other
blank-line separated blocks are paragraphs.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from ..errors import ArticleError
from .frontmatter import split_front_matter
from .model import Article, Block
from .textblocks import clean_line, parse_date, raw_blocks

def parse_markdown(path: Path, text: str) -> Article:
    front, body, body_start, lines = split_front_matter(path, text)
    blocks: list[Block] = []
    meta: dict[str, Any] = {}

    def line_of(key: str) -> int:
        for k, line in enumerate(lines[:body_start], start=1):
            if re.match(rf"\s*{re.escape(key)}\s*:", line):
                return k
        return 1

    sections = front.get("section") or front.get("sections") or []
    if isinstance(sections, str):
        sections = [sections]
    for label in sections:
        blocks.append(Block("section", clean_line(str(label)), line_of("section")))

    title = front.get("title") or front.get("headline")
    raw = list(raw_blocks(body, body_start))
    if not title:
        # A first "# Title" line in the body stands in for a missing title key.
        if raw and raw[0][1][0].startswith("# "):
            title = raw[0][1][0][2:]
            raw = raw[1:]
        else:
            raise ArticleError("no headline: front matter has no 'title' and the body "
                               "does not start with '# Title'", path=path, lineno=1)
    blocks.append(Block("headline", clean_line(str(title)), line_of("title")))
    if front.get("byline"):
        blocks.append(Block("byline", clean_line(str(front["byline"])), line_of("byline")))
    if front.get("dateline"):
        blocks.append(Block("dateline", clean_line(str(front["dateline"])), line_of("dateline")))
    if front.get("date"):
        value = front["date"]
        if isinstance(value, dt.datetime):
            value = value.date()
        if not isinstance(value, dt.date):
            value = parse_date(str(value))
            if value is None:
                raise ArticleError(f"date {front['date']!r} is not YYYY-MM-DD",
                                   path=path, lineno=line_of("date"))
        meta["date"] = value
        blocks.append(Block("date", value.isoformat(), line_of("date")))
    image = front.get("image") if isinstance(front.get("image"), dict) else {}
    caption = image.get("caption") or front.get("caption") or front.get("image_caption")
    credit = image.get("credit") or front.get("credit") or front.get("image_credit")
    if caption:
        blocks.append(Block("caption", clean_line(str(caption)), line_of("caption")))
    if credit:
        blocks.append(Block("credit", clean_line(str(credit)).strip("[]"), line_of("credit")))
    for k in ("author", "tags", "slug", "image"):
        if k in front:
            meta[k] = front[k]
    for lineno, block_lines in raw:
        first = block_lines[0]
        if re.match(r"#{1,6}\s", first) and len(block_lines) == 1:
            blocks.append(Block("subhead", first.lstrip("#").strip(), lineno))
            continue
        blocks.append(Block("paragraph", " ".join(block_lines), lineno))
    return Article(path=path, blocks=tuple(blocks), meta=meta)

"""Markdown articles (``.md``) with YAML front matter, the form editors write new articles in.

Front-matter keys (see :mod:`.frontmatter`): ``title``, ``section`` (string or
list), ``byline``, ``dateline``, ``date`` (YYYY-MM-DD), and the photo as
``image: {src: ..., alt: ..., caption: ..., credit: ...}`` (or ``caption``/
``credit``/``image_alt`` at the top level, ``image: URL``). With a ``src`` the
photo is a figure (its ``alt`` translated, its address kept); without one,
the caption and credit stand alone as before. Front-matter values are plain
text.

The body is CommonMark with GFM tables and strikethrough, parsed by
markdown-it-py (see :mod:`.inline`). Every block gets a role:

* a first ``# Title`` stands in for a missing ``title``; other headings are
  subheads, one level lower when the body uses ``#`` at all (the headline is
  the page's only level 1);
* paragraphs; list items (``item``, one entry each, nested lists too); block
  quotes (``quote``); table cells (``cell``, ``header_cell``);
* a paragraph holding only an image is a *figure*: its alt text (``alt``) is
  translated, its source kept; a next paragraph that is one emphasis
  (``*Caption* [Credit]`` or ``*Caption* Photo: Credit``) is its caption and
  credit;
* code blocks (``code``), HTML blocks (``html``) and thematic breaks
  (``rule``) are kept and never translated; HTML comments are dropped.

Inline markup stays in the text as canonical inline CommonMark; link
reference definitions are resolved into the links that use them.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from ..errors import ArticleError
from . import inline
from .frontmatter import split_front_matter
from .model import Article, Block, Frame
from .textblocks import clean_line, parse_date

_CREDIT_TEXT = re.compile(r"^\s*(?:\[(?P<bracket>[^\[\]]{1,120})\]|(?:photo|picture|image|credit)s?\s*:\s*"
                          r"(?P<label>.{1,120}?))\s*$", re.IGNORECASE | re.S)
_COMMENT_ONLY = re.compile(r"^\s*(?:<!--.*?-->\s*)+$", re.S)


def parse_markdown(path: Path, text: str) -> Article:
    """Read a Markdown article (front matter + CommonMark body)."""
    front, body, body_start, key_lines = split_front_matter(path, text)
    blocks: list[Block] = []
    meta: dict[str, Any] = {}

    def line_of(*keys: str) -> int:
        """The line of the first of *keys* the front matter has (the key the value came from)."""
        return next((key_lines[k] for k in keys if k in key_lines), 1)

    sections = front.get("section") or front.get("sections") or []
    if isinstance(sections, str):  # frontmatter._check_types allows a string or a list
        sections = [sections]
    for label in sections:
        blocks.append(Block("section", clean_line(str(label)), line_of("section", "sections")))

    reader = _BodyReader(path, body, body_start)
    title = front.get("title") or front.get("headline")
    if title:
        blocks.append(Block("headline", clean_line(str(title)), line_of("title", "headline")))
    else:
        heading = reader.take_title()
        if heading is None:
            raise ArticleError("no headline: front matter has no 'title' and the body "
                               "does not start with '# Title'", path=path, lineno=1)
        blocks.append(heading)
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
    src = image.get("src") or (front.get("image") if isinstance(front.get("image"), str) else None)
    figure: tuple[Frame, ...] = ()
    if src:
        # The lead photo with its address: a figure, as in the body.
        figure = (reader.frame("figure", source="front matter"),)
        alt = image.get("alt") or front.get("image_alt") or ""
        blocks.append(Block("alt", clean_line(str(alt)), line_of("image"), figure,
                            {"src": str(src), "title": None}))
    if caption:
        blocks.append(Block("caption", clean_line(str(caption)),
                            line_of("image.caption", "caption", "image_caption"), figure))
    if credit:
        blocks.append(Block("credit", clean_line(str(credit)).strip("[]"),
                            line_of("image.credit", "credit", "image_credit"), figure))
    for k in ("author", "tags", "slug", "image"):
        if k in front:
            meta[k] = front[k]
    body_blocks = reader.read()
    if body.strip() and not body_blocks and not title:
        pass  # the body was only the title: a headline-only article, as before
    elif body.strip() and not body_blocks:
        raise ArticleError("the Markdown body parses to nothing (only link definitions, "
                           "comments or blank markup)", path=path, lineno=body_start)
    blocks.extend(body_blocks)
    if not any(b.text.strip() for b in blocks if b.role not in ("date", "rule")):
        raise ArticleError("the article has no text to translate", path=path, lineno=body_start)
    return Article(path=path, blocks=tuple(blocks), meta=meta, format="markdown",
                   warnings=tuple(reader.warnings))


class _BodyReader:
    """Walk markdown-it's block tokens, keeping a stack of open frames."""

    def __init__(self, path: Path, body: str, body_start: int) -> None:
        self.path = path
        self.body_start = body_start
        self.tokens = inline.markdown().parse(_clean_source(body))
        self.pos = 0
        self.warnings: list[str] = []
        self.next_id = 0
        self.shift = 0

    # ------------------------------------------------------------ helpers

    def frame(self, kind: str, **attrs: Any) -> Frame:
        """A new frame, its id unique within the article."""
        self.next_id += 1
        return Frame(kind, self.next_id, attrs)

    def _line(self, tok) -> int:
        return self.body_start + (tok.map[0] if tok.map else 0)

    def _text(self, inline_tok) -> str:
        nodes = inline.from_tokens(inline_tok.children or [])
        return inline.write(nodes)[0]

    def take_title(self) -> Block | None:
        """Take a first ``# Title`` of the body as the headline."""
        toks = self.tokens
        if len(toks) >= 3 and toks[0].type == "heading_open" and toks[0].tag == "h1":
            block = Block("headline", self._text(toks[1]), self._line(toks[0]), markup=True)
            self.pos = 3
            return block
        return None

    # ------------------------------------------------------------ walking

    def read(self) -> list[Block]:
        if any(t.type == "heading_open" and t.tag == "h1" for t in self.tokens[self.pos:]):
            self.shift = 1  # the body uses "#": every body heading moves below the headline
        out: list[Block] = []
        frames: list[Frame] = []
        items: list[int] = []   # item counter of each open list
        rows: list[int] = []    # row counter of each open table
        cols: list[int] = []    # cell counter of the open row
        toks = self.tokens
        while self.pos < len(toks):
            tok = toks[self.pos]
            kind = tok.type
            here = tuple(frames)
            if kind == "heading_open":
                level = min(6, int(tok.tag[1:]) + self.shift)
                out.append(Block("subhead", self._text(toks[self.pos + 1]), self._line(tok),
                                 here, {"level": level}, markup=True))
                self.pos += 3
                continue
            if kind == "paragraph_open":
                self.pos = self._paragraph(out, here)
                continue
            if kind in ("bullet_list_open", "ordered_list_open"):
                ordered = kind == "ordered_list_open"
                start = int(tok.attrs.get("start", 1)) if ordered else None
                frames.append(self.frame("list", ordered=ordered, start=start,
                                          tight=self._tight(self.pos)))
                items.append(0)
            elif kind in ("bullet_list_close", "ordered_list_close"):
                frames.pop()
                items.pop()
            elif kind == "list_item_open":
                items[-1] += 1
                frames.append(self.frame("item", index=items[-1]))
                if toks[self.pos + 1].type == "list_item_close":  # an empty item
                    out.append(Block("item", "", self._line(tok), tuple(frames), markup=True))
            elif kind == "list_item_close":
                frames.pop()
            elif kind == "blockquote_open":
                frames.append(self.frame("quote"))
                if toks[self.pos + 1].type == "blockquote_close":
                    out.append(Block("quote", "", self._line(tok), tuple(frames), markup=True))
            elif kind == "blockquote_close":
                frames.pop()
            elif kind == "table_open":
                align, ncols = self._table_shape(self.pos)
                frames.append(self.frame("table", align=align, cols=ncols))
                rows.append(0)
            elif kind == "table_close":
                frames.pop()
                rows.pop()
            elif kind == "tr_open":
                rows[-1] += 1
                head = toks[self.pos + 1].type == "th_open"
                frames.append(self.frame("row", index=rows[-1], head=head))
                cols.append(0)
            elif kind == "tr_close":
                frames.pop()
                cols.pop()
            elif kind in ("th_open", "td_open"):
                cols[-1] += 1
                role = "header_cell" if kind == "th_open" else "cell"
                text = self._text(toks[self.pos + 1])
                out.append(Block(role, text, self._line(toks[self.pos + 1]) if toks[self.pos + 1].map
                                 else (out[-1].lineno if out else self.body_start), here,
                                 {"col": cols[-1], "align": _align(tok)}, markup=True))
                self.pos += 3
                continue
            elif kind in ("fence", "code_block"):
                out.append(Block("code", tok.content.rstrip("\n"), self._line(tok), here,
                                 {"info": tok.info.strip()}))
            elif kind == "html_block":
                if not _COMMENT_ONLY.match(tok.content):
                    out.append(Block("html", tok.content.rstrip("\n"), self._line(tok), here))
            elif kind == "hr":
                out.append(Block("rule", "", self._line(tok), here))
            elif kind in ("thead_open", "thead_close", "tbody_open", "tbody_close"):
                pass
            else:  # a token this reader does not know: keep its text, say so once
                self._warn(f"unknown Markdown block {kind!r}", tok)
                if tok.type == "inline":
                    out.append(Block("paragraph", self._text(tok), self._line(tok), here, markup=True))
            self.pos += 1
        return out

    def _paragraph(self, out: list[Block], here: tuple[Frame, ...]) -> int:
        """Read the paragraph at self.pos (maybe a figure); return the next position."""
        toks = self.tokens
        open_tok, inline_tok = toks[self.pos], toks[self.pos + 1]
        nodes = inline.clean(inline.from_tokens(inline_tok.children or []))
        lineno = self._line(open_tok)
        nxt = self.pos + 3
        if len(nodes) == 1 and isinstance(nodes[0], inline.Image) and not any(
                f.kind in ("table",) for f in here):
            image = nodes[0]
            figure = here + (self.frame("figure", source="markdown"),)
            out.append(Block("alt", inline.write(image.children)[0], lineno, figure,
                             {"src": image.src, "title": image.title}, markup=True))
            # A next paragraph that is one emphasis is the caption (and credit).
            if nxt + 2 < len(toks) and toks[nxt].type == "paragraph_open" and \
                    toks[nxt].level == open_tok.level:
                cap_nodes = inline.clean(inline.from_tokens(toks[nxt + 1].children or []))
                caption = _caption(cap_nodes)
                if caption is not None:
                    cap_line = self._line(toks[nxt])
                    out.append(Block("caption", caption[0], cap_line, figure, markup=True))
                    if caption[1]:
                        out.append(Block("credit", caption[1], cap_line, figure, markup=True))
                    nxt += 3
            return nxt
        frame = here[-1].kind if here else None
        role = {"item": "item", "quote": "quote"}.get(frame or "", "paragraph")
        out.append(Block(role, inline.write(nodes)[0], lineno, here, markup=True))
        return nxt

    def _tight(self, pos: int) -> bool:
        """True when the list opened at *pos* is tight (its paragraphs are hidden)."""
        level = self.tokens[pos].level
        for tok in self.tokens[pos + 1:]:
            if tok.level == level and tok.nesting == -1:
                return True
            if tok.type == "paragraph_open" and tok.level == level + 2:
                return tok.hidden
        return True

    def _table_shape(self, pos: int) -> tuple[tuple[str | None, ...], int]:
        align: list[str | None] = []
        for tok in self.tokens[pos + 1:]:
            if tok.type == "th_open":
                align.append(_align(tok))
            elif tok.type == "tr_close":
                break
        return tuple(align), len(align)

    def _warn(self, message: str, tok) -> None:
        text = f"{message} (line {self._line(tok)}): its text is read as a paragraph"
        if not any(w.startswith(message) for w in self.warnings):
            self.warnings.append(text)


def _align(tok) -> str | None:
    style = tok.attrs.get("style", "") if tok.attrs else ""
    m = re.search(r"text-align:\s*(left|center|right)", str(style))
    return m.group(1) if m else None


def _caption(nodes: list) -> tuple[str, str] | None:
    """``(caption, credit)`` when *nodes* are one emphasis, maybe followed by a credit."""
    if not nodes or not isinstance(nodes[0], inline.Em):
        return None
    rest = nodes[1:]
    credit = ""
    if rest:
        if len(rest) != 1 or not isinstance(rest[0], inline.Text):
            return None
        m = _CREDIT_TEXT.match(rest[0].text)
        if m is None:
            return None
        credit = inline.write([inline.Text(m["bracket"] or m["label"])])[0]
    return inline.write(nodes[0].children)[0], credit


_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029\x85\ufeff\u200b]")


def _clean_source(body: str) -> str:
    """Drop control characters other tools would read as line breaks or junk."""
    return _CONTROLS.sub(lambda m: "" if m.group() in "\ufeff\u200b" else " ", body)

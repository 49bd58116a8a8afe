"""HTML articles (``.html``): a CMS export fragment or a whole saved web page.

Parsed with lxml's HTML parser (the only module that imports it). On a whole
page the article is the first ``<article>``, else ``<main>`` (or
``role="main"``, ``itemprop="articleBody"``), else the ``<body>`` without its
site chrome. Roles come from the markup:

* ``h1`` → headline (the page ``<title>`` when there is no ``h1``); further
  ``h1``–``h6`` → subheads (level 2–6); an element with class ``byline`` or
  ``author``, ``rel="author"`` or ``<address>`` → byline; the first
  ``<time datetime>`` before the text → date;
* ``p`` → paragraph (``quote`` inside ``blockquote``, ``item`` inside
  ``li``); ``ul``/``ol``/``li`` → lists; ``table`` → cells (``th`` and cells
  of ``thead`` are header cells); ``img`` standing alone and ``figure`` →
  figure (``alt``, ``caption`` from ``figcaption``, ``credit`` from its
  ``.credit``/``small``/``cite`` or a trailing ``[credit]``); ``pre`` →
  code (never translated); ``hr`` → rule;
* inline ``a``, ``strong``/``b``, ``em``/``i``, ``code``/``kbd``/``samp``,
  ``br``, ``s``/``del``/``strike`` and ``img`` become inline CommonMark (see
  :mod:`.inline`); other known inline elements (``span``, ``abbr``,
  ``time``...) keep their words only.

Scripts, styles, iframes, forms, media, comments and site chrome (``nav``,
``aside``, ``footer``, a page ``header``, and blocks whose class or id names
sharing, comments, related links, newsletters, adverts...) never reach a
block. A link whose target is not http(s), mailto, a fragment or relative
keeps its words and loses the link. An element newsloc does not know is read
for its text and reported once per article in :attr:`Article.warnings`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import lxml.etree
import lxml.html

from ..errors import ArticleError
from ..textpatterns import safe_link_target
from . import inline
from .model import Article, Block, Frame
from .textblocks import parse_date

#: Elements that never reach a catalogue (with everything inside them).
DROPPED = frozenset("""
script style iframe frame frameset form noscript template svg math canvas object embed
video audio source track picture-source button input select option textarea label
nav aside footer link meta base head title map area dialog menu fieldset legend
progress meter output datalist
""".split())

#: Elements read as blocks.
BLOCKS = frozenset("""
p h1 h2 h3 h4 h5 h6 ul ol li blockquote table thead tbody tfoot tr th td caption colgroup col
figure figcaption img pre hr div section article main header hgroup address body html
center details summary dl dt dd
""".split())

#: Inline elements kept as markup.
MARKUP = frozenset("a strong b em i code kbd samp tt br s del strike img".split())

#: Inline elements whose words are kept and markup dropped.
TRANSPARENT = frozenset("""
span abbr acronym time mark small sub sup u q cite dfn var bdi bdo data font ins wbr big
nobr picture
""".split())

#: Containers read through.
_CONTAINERS = frozenset("div section article main header hgroup body html center details summary dl dt dd".split())

_CHROME = re.compile(r"(?:^|[-_\s])(?:share|sharing|social|related|comments?|newsletter|subscribe|"
                     r"advert|advertisement|ads?|promo|cookie|breadcrumbs?|sidebar|site-?header|"
                     r"site-?footer|masthead|navbar|nav|menu|skip-?link|paywall|popup|modal)(?:$|[-_\s])",
                     re.IGNORECASE)
_BYLINE = re.compile(r"(?:^|[-_\s])(?:byline|author|by-?line)(?:$|[-_\s])", re.IGNORECASE)
_CREDIT_CLASS = re.compile(r"credit|copyright|source", re.IGNORECASE)
_CREDIT_TAIL = re.compile(r"^(?P<caption>.*\S)\s*\[(?P<credit>[^\[\]]{2,120})\]\s*$", re.S)


def parse_html(path: Path, text: str) -> Article:
    """Read an HTML article (fragment or whole page)."""
    if "<" not in text:
        raise ArticleError("no HTML markup: not an HTML article", path=path, lineno=1)
    try:
        doc = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ArticleError(f"cannot parse HTML: {exc}", path=path, lineno=1) from exc
    reader = _HtmlReader(path)
    root = _article_root(doc)
    title = doc.find(".//title")
    blocks = reader.read(root)
    body = [b for b in blocks if b.role not in ("headline", "date", "rule") and b.text.strip()]
    if not body:
        raise ArticleError("no article content: the page has no paragraphs, lists or tables "
                           "outside scripts and site chrome", path=path, lineno=root.sourceline or 1)
    if not any(b.role == "headline" for b in blocks):
        # No h1 in the article: the page's <title> names the story better than
        # an h1 elsewhere on the page (often the site's name in its header).
        h1 = next((e for e in doc.iter("h1") if _words(e)), None)
        if title is not None and _words(title):
            head = Block("headline", inline.escape(_page_title(title.text_content())),
                         title.sourceline or 1, markup=True)
        elif h1 is not None:
            head = reader.headline_block(h1)
        else:
            raise ArticleError("no headline: no <h1> and no <title>", path=path, lineno=1)
        blocks.insert(0, head)
    meta: dict[str, Any] = {}
    for b in blocks:
        if b.role == "date":
            meta["date"] = parse_date(b.text)
            break
    return Article(path=path, blocks=tuple(blocks), meta=meta, format="html",
                   warnings=tuple(reader.warnings))


def _page_title(text: str) -> str:
    """The story's title from a page ``<title>``, without the site's name.

    >>> _page_title("Budget passes after long debate | Example News")
    'Budget passes after long debate'
    """
    text = " ".join(text.split())
    parts = re.split(r"\s+[|\u2013\u2014-]\s+", text)
    return parts[0] if len(parts) > 1 and len(parts[0].split()) >= 2 else text


def _article_root(doc):
    """The element that holds the article on a page."""
    for xpath in ("//article", "//main", "//*[@role='main']", "//*[@itemprop='articleBody']"):
        found = [e for e in doc.xpath(xpath) if _words(e)]
        if found:
            # The article with the most words (a page may list teasers as <article>).
            return max(found, key=lambda e: len(e.text_content()))
    body = doc.find("body")
    return body if body is not None else doc


def _words(el) -> bool:
    return bool(el.text_content().strip())


def _classes(el) -> str:
    return f"{el.get('class', '')} {el.get('id', '')}"


class _HtmlReader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.blocks: list[Block] = []
        self.warnings: list[str] = []
        self.unknown: set[str] = set()
        self.next_id = 0
        self.have_headline = False
        self.have_text = False
        self.inexact = False
        self.skip: set = set()  # elements read already (a figure's image and caption)

    def _frame(self, kind: str, **attrs: Any) -> Frame:
        self.next_id += 1
        return Frame(kind, self.next_id, attrs)

    def _warn_unknown(self, el) -> None:
        tag = el.tag if isinstance(el.tag, str) else "?"
        if tag not in self.unknown:
            self.unknown.add(tag)
            self.warnings.append(f"unknown element <{tag}> (line {el.sourceline or '?'}): "
                                 "its words are read as text")

    def read(self, root) -> list[Block]:
        self._container(root, ())
        date = _publication_date(root)
        if date is not None:
            k = next((k for k, b in enumerate(self.blocks) if b.role not in ("headline", "byline")),
                     len(self.blocks))
            self.blocks.insert(k, Block("date", date[0], date[1]))
        return self.blocks

    # ------------------------------------------------------------ blocks

    def _add(self, role: str, nodes: list, lineno: int, frames: tuple[Frame, ...],
             attrs: dict | None = None, *, keep_empty: bool = False) -> None:
        text, exact = inline.write(nodes)
        if not exact and not self.inexact:
            self.inexact = True
            self.warnings.append(f"line {lineno}: an emphasis Markdown cannot write there was "
                                 "dropped (its words are kept)")
        if not text and not keep_empty:
            return
        if role not in ("headline", "byline", "date", "section"):
            self.have_text = True
        self.blocks.append(Block(role, text, lineno, frames, attrs or {}, markup=True))

    def headline_block(self, el) -> Block:
        return Block("headline", inline.write(self._inline_of(el))[0], el.sourceline or 1, markup=True)

    def _container(self, el, frames: tuple[Frame, ...]) -> None:
        """Read the children of a block container: runs of inline content become paragraphs."""
        run: list = []
        run_line = [el.sourceline or 1]

        def flush() -> None:
            if run:
                role = _text_role(frames)
                self._add(role, list(run), run_line[0], frames)
                run.clear()

        if el.text and el.text.strip():
            run_line[0] = el.sourceline or 1
            run.append(inline.Text(el.text))
        for child in el:
            if not isinstance(child.tag, str) or child in self.skip:  # comment, or read already
                if child.tail and child.tail.strip():
                    run.append(inline.Text(child.tail))
                continue
            tag = child.tag.lower()
            if self._is_block(child, tag):
                flush()
                self._block(child, tag, frames)
                if child.tail and child.tail.strip():
                    run_line[0] = child.sourceline or run_line[0]
                    run.append(inline.Text(child.tail))
            elif tag == "time" and not self.have_text and not run and \
                    parse_date((child.get("datetime") or "")[:10]) is not None:
                pass  # the publication date, read as the article's date
            else:
                if not run:
                    run_line[0] = child.sourceline or run_line[0]
                run.extend(self._inline_el(child))
                if child.tail:
                    run.append(inline.Text(child.tail))
        flush()

    def _is_block(self, el, tag: str) -> bool:
        if tag in DROPPED:
            return True
        if tag == "img":  # an image standing alone in a container is a figure
            parent = el.getparent()
            return parent is not None and parent.tag in _CONTAINERS | {"blockquote", "li", "td", "th"} \
                and not ((parent.text or "").strip() or (el.tail or "").strip())
        return tag in BLOCKS

    def _block(self, el, tag: str, frames: tuple[Frame, ...]) -> None:
        line = el.sourceline or 1
        if tag in DROPPED:
            return
        if tag in _CONTAINERS or tag in ("figcaption", "caption"):
            if tag == "header" and not self._in_article(el) and (
                    el.find(".//nav") is not None or _CHROME.search(_classes(el))):
                return  # a page header with the site's navigation is chrome
            if _CHROME.search(_classes(el)) and not _BYLINE.search(_classes(el)):
                return
            if _BYLINE.search(_classes(el)) and not self.have_text:
                self._add("byline", self._inline_of(el), line, frames)
                return
            self._container(el, frames)
            return
        if tag == "address":
            self._add("byline", self._inline_of(el), line, frames)
            return
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            level = int(tag[1])
            if level == 1 and not self.have_headline:
                self.have_headline = True
                self.blocks.append(self.headline_block(el))
                return
            self._add("subhead", self._inline_of(el), line, frames, {"level": max(2, level)})
            return
        if tag == "p":
            if _BYLINE.search(_classes(el)) and not self.have_text:
                self._add("byline", self._inline_of(el), line, frames)
                return
            # A paragraph holding only an image is a figure.
            kids = [c for c in el if isinstance(c.tag, str)]
            if len(kids) == 1 and kids[0].tag == "img" and not (el.text or "").strip() \
                    and not (kids[0].tail or "").strip():
                self._figure_img(kids[0], frames + (self._frame("figure", source="html"),))
                return
            self._add(_text_role(frames), self._inline_of(el), line, frames)
            return
        if tag in ("ul", "ol"):
            start = el.get("start")
            frame = self._frame("list", ordered=tag == "ol",
                                start=(int(start) if start and start.strip().lstrip("-").isdigit() else 1)
                                if tag == "ol" else None,
                                tight=not any(c.tag == "p" for li in el for c in li if isinstance(c.tag, str)))
            index = 0
            stray: list = []  # words standing in the list outside any <li> (bad markup)

            def new_item() -> tuple[Frame, ...]:
                nonlocal index
                index += 1
                return frames + (frame, self._frame("item", index=index))

            def flush() -> None:
                if inline.plain_of(stray).strip():
                    self._add("item", list(stray), line, new_item())
                stray.clear()

            if el.text:
                stray.append(inline.Text(el.text))
            for child in el:
                ctag = child.tag.lower() if isinstance(child.tag, str) else ""
                if ctag == "li":
                    flush()
                    item = new_item()
                    before = len(self.blocks)
                    self._container(child, item)
                    if len(self.blocks) == before:
                        self.blocks.append(Block("item", "", child.sourceline or line, item, markup=True))
                elif ctag and ctag not in DROPPED:
                    self._note(child)
                    if self._is_block(child, ctag):
                        flush()
                        self._block(child, ctag, new_item())
                    else:
                        stray.extend(self._inline_el(child))
                if child.tail:
                    stray.append(inline.Text(child.tail))
            flush()
            return
        if tag == "li":  # a list item outside a list
            self._container(el, frames)
            return
        if tag == "blockquote":
            quote = frames + (self._frame("quote"),)
            before = len(self.blocks)
            self._container(el, quote)
            if len(self.blocks) == before:
                self.blocks.append(Block("quote", "", line, quote, markup=True))
            return
        if tag == "table":
            self._table(el, frames)
            return
        if tag in ("thead", "tbody", "tfoot", "tr", "th", "td", "colgroup", "col"):
            self._container(el, frames)  # table parts outside a table
            return
        if tag == "figure":
            self._figure(el, frames)
            return
        if tag == "img":
            self._figure_img(el, frames + (self._frame("figure", source="html"),))
            return
        if tag == "pre":
            code = el.text_content()
            cls = " ".join(c.get("class", "") for c in [el] + list(el.iter("code")))
            m = re.search(r"language-(\S+)", cls)
            self.blocks.append(Block("code", code.strip("\n"), line, frames, {"info": m.group(1) if m else ""}))
            return
        if tag == "hr":
            self.blocks.append(Block("rule", "", line, frames))
            return
        self._container(el, frames)

    def _in_article(self, el) -> bool:
        return any(a.tag in ("article", "main") for a in el.iterancestors())

    def _note(self, el) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag and tag not in BLOCKS and tag not in MARKUP and tag not in TRANSPARENT \
                and tag not in DROPPED:
            self._warn_unknown(el)

    def _table(self, el, frames: tuple[Frame, ...]) -> None:
        rows = []
        for tr in el.iter("tr"):
            # Rows of nested tables belong to them.
            owner = next((a for a in tr.iterancestors("table")), None)
            if owner is el:
                rows.append(tr)
        if not any(c.tag in ("th", "td") for tr in rows for c in tr if isinstance(c.tag, str)):
            self._container(el, frames)  # a "table" without cells: read what it holds
            return
        shape: list[str | None] = []
        if rows:
            shape = [_cell_align(c) for c in rows[0] if isinstance(c.tag, str) and c.tag in ("th", "td")]
        table = frames + (self._frame("table", align=tuple(shape), cols=len(shape)),)
        caption = el.find("caption")
        if caption is not None:  # the table's own caption, inside its frame
            self._add("caption", self._inline_of(caption), caption.sourceline or el.sourceline or 1,
                      table)
        for r, tr in enumerate(rows, start=1):
            cells = [c for c in tr if isinstance(c.tag, str) and c.tag in ("th", "td")]
            in_head = tr.getparent() is not None and tr.getparent().tag == "thead"
            head = in_head or (bool(cells) and all(c.tag == "th" for c in cells))
            row = table + (self._frame("row", index=r, head=head),)
            for stray in tr:  # anything but cells in a row (bad markup) is still read
                if isinstance(stray.tag, str) and stray.tag not in ("th", "td") and _words(stray):
                    self._block(stray, stray.tag.lower(), row)
            for col, cell in enumerate(cells, start=1):
                role = "header_cell" if head or cell.tag == "th" else "cell"
                self._add(role, self._inline_of(cell), cell.sourceline or tr.sourceline or 1, row,
                          {"col": col, "align": _cell_align(cell)}, keep_empty=True)

    def _figure(self, el, frames: tuple[Frame, ...]) -> None:
        img = next(el.iter("img"), None)
        if img is None:  # a figure without an image (a pull quote, a chart table): read through
            self._container(el, frames)
            return
        figure = frames + (self._frame("figure", source="html"),)
        self._figure_img(img, figure)
        cap = el.find(".//figcaption")
        # Whatever else the figure holds is read too, inside the figure.
        self.skip.update((img, cap) if cap is not None else (img,))
        self._container(el, figure)
        if cap is None:
            return
        credit_el = next((c for c in cap.iter() if isinstance(c.tag, str) and c is not cap and (
            c.tag in ("small", "cite") or _CREDIT_CLASS.search(_classes(c)))), None)
        credit_nodes = self._inline_of(credit_el) if credit_el is not None else []
        caption_nodes = self._inline_of(cap, skip=credit_el)
        if not credit_nodes:
            plain = inline.plain_of(caption_nodes)
            m = _CREDIT_TAIL.match(plain.strip())
            if m and len(caption_nodes) == 1 and isinstance(caption_nodes[0], inline.Text):
                caption_nodes = [inline.Text(m["caption"])]
                credit_nodes = [inline.Text(m["credit"])]
        line = cap.sourceline or el.sourceline or 1
        self._add("caption", caption_nodes, line, figure)
        if credit_nodes:
            self._add("credit", credit_nodes, line, figure)

    def _figure_img(self, img, figure: tuple[Frame, ...]) -> None:
        title = img.get("title") or None
        self._add("alt", [inline.Text(img.get("alt") or "")], img.sourceline or 1, figure,
                  {"src": img.get("src") or "", "title": title}, keep_empty=True)

    # ------------------------------------------------------------ inline

    def _inline_of(self, el, skip=None) -> list:
        """The inline content of *el* (its text and children, not its tail), without *skip*."""
        nodes: list = []
        if el.text:
            nodes.append(inline.Text(el.text))
        for child in el:
            if child is not skip:
                nodes.extend(self._inline_el(child, skip))
            if child.tail:
                nodes.append(inline.Text(child.tail))
        return nodes

    def _inline_el(self, el, skip=None) -> list:
        """*el* as inline nodes (without its tail)."""
        if not isinstance(el.tag, str) or el in self.skip:
            return []  # comments, or read already
        tag = el.tag.lower()
        if tag in DROPPED:
            return []
        if tag == "br":
            return [inline.Break()]
        if tag == "img":
            return [inline.Image((inline.Text(el.get("alt") or ""),), el.get("src") or "",
                                 el.get("title") or None)]
        kids = self._inline_of(el, skip)
        if tag in ("strong", "b"):
            return [inline.Strong(tuple(kids))]
        if tag in ("em", "i"):
            return [inline.Em(tuple(kids))]
        if tag in ("s", "del", "strike"):
            return [inline.Strike(tuple(kids))]
        if tag in ("code", "kbd", "samp", "tt"):
            text = " ".join(el.text_content().split())
            return [inline.Code(text)] if text else []
        if tag == "a":
            href = (el.get("href") or "").strip()
            if not href:
                return kids
            if not safe_link_target(href):
                self.warnings.append(f"link target {href[:40]!r} (line {el.sourceline or '?'}) "
                                     "is not http(s), mailto or relative: only its words are kept")
                return kids
            return [inline.Link(tuple(kids), href, el.get("title") or None)]
        if tag in ("q",):
            return [inline.Text("\u201c")] + kids + [inline.Text("\u201d")]
        if tag not in TRANSPARENT and tag not in BLOCKS:
            self._warn_unknown(el)
        if tag in BLOCKS:  # a block inside inline content: keep its words, apart
            return [inline.Text(" ")] + kids + [inline.Text(" ")]
        return kids


def _publication_date(root) -> tuple[str, int] | None:
    """The first ``<time datetime>`` outside the text, as ``(YYYY-MM-DD, line)``."""
    for el in root.iter("time"):
        if any(a.tag in ("p", "li", "td", "th", "blockquote") for a in el.iterancestors()) and \
                not any(_BYLINE.search(_classes(a)) for a in el.iterancestors()):
            continue
        value = (el.get("datetime") or "").strip()[:10]
        if parse_date(value) is not None:
            return value, el.sourceline or 1
    return None


def _text_role(frames: tuple[Frame, ...]) -> str:
    kind = frames[-1].kind if frames else ""
    return {"item": "item", "quote": "quote"}.get(kind, "paragraph")


def _cell_align(cell) -> str | None:
    align = (cell.get("align") or "").lower()
    if align in ("left", "center", "right"):
        return align
    m = re.search(r"text-align:\s*(left|center|right)", cell.get("style") or "")
    return m.group(1) if m else None

"""The body of a structured edition (a Markdown or HTML article) as HTML, Markdown or text.

:func:`pipeline.export.model.body_items` gives the body as nested
:class:`~pipeline.export.model.Item` s; here each format writes it. Every
text goes through the caller's *inline* function (which renders a block's
translated text with its inline markup, labels and bidi isolation), so this
module only decides the blocks:

=============  =======================  ==========================  =========================
item           HTML                     Markdown                    text
=============  =======================  ==========================  =========================
paragraph      ``<p>``                  a paragraph                 a paragraph
subhead        ``<h2>``…``<h6>``        ``##``…                     underlined
list, item     ``<ul>``/``<ol start>``  ``-`` / ``1.``              ``•`` (nested ``◦``) / ``1.``
quote          ``<blockquote>``         ``>``                       ``> ``
table          ``<table>``, ``<th>``    GFM pipe table              one row a line, `` | ``
figure, image  ``<figure><img>``        ``![alt](src)`` + caption   ``[alt]`` + caption
code, html     ``<pre dir=ltr>``        fenced block                indented
rule           ``<hr>``                 ``---``                     ``* * *``
=============  =======================  ==========================  =========================

Decisions: code and HTML blocks are never translated and never live (raw
HTML is shown as code). A column's alignment is written ``start``/``end`` so
a right-to-left table mirrors with its text. A tight list's items are
written without paragraphs, as CommonMark renders them.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Iterable

from markupsafe import Markup

from .model import Item

Inline = Callable[[Any], Any]
_ALIGN = {"left": "start", "right": "end", "center": "center"}
# What opens a block at the start of a line: ATX heading, quote, list marker, setext
# underline, table pipe. Escaped in the Markdown edition's paragraphs. (A fence cannot
# start one: text backticks and tildes are always escaped, a code span's line is no fence.)
_LINE_START = re.compile(r"^(\s*)([#>+=|-]|\d{1,9}[.)])")
_CLOSING_HASHES = re.compile(r"(^|\s)(#+)(\s*)$")


# --------------------------------------------------------------------------- HTML

def html_body(items: Iterable[Item], inline: Inline, *, image: Callable[[Item], Markup],
              photo: Callable[[Markup], Markup], tight: bool = False) -> Markup:
    """*items* as HTML; *image* writes an image item, *photo* a credit ("Photo: …")."""
    blocks = (_html(item, inline, image, photo, tight) for item in items)
    return Markup("\n").join(b for b in blocks if b is not None)


def _html(item: Item, inline: Inline, image, photo, tight: bool) -> Markup | None:
    kind = item.kind
    if kind == "paragraph":
        if item.text is None or not item.text.pieces:
            return None  # an empty block (an empty quote): its container shows alone
        text = inline(item.text)
        if item.lead is not None:
            text = Markup('<span class="dateline">{}</span> – {}').format(inline(item.lead), text)
        return text if tight else Markup("<p>{}</p>").format(text)
    if kind == "subhead":
        level = min(6, max(2, int(item.attrs.get("level") or 2)))
        return Markup(f"<h{level}>{{}}</h{level}>").format(inline(item.text))
    if kind == "quote":
        return Markup("<blockquote>\n{}\n</blockquote>").format(
            html_body(item.children, inline, image=image, photo=photo))
    if kind == "list":
        tight_items = bool(item.attrs.get("tight"))
        lis = Markup("\n").join(
            Markup("<li>{}</li>").format(html_body(li.children if li.kind == "item" else (li,), inline,
                                                   image=image, photo=photo, tight=tight_items))
            for li in item.children)
        if item.attrs.get("ordered"):
            start = _start(item)
            attr = Markup(' start="{}"').format(start) if start != 1 else Markup("")
            return Markup("<ol{}>\n{}\n</ol>").format(attr, lis)
        return Markup("<ul>\n{}\n</ul>").format(lis)
    if kind == "table":
        return _html_table(item, inline)
    if kind == "figure":
        parts = [image(child) for child in item.children]
        caption = []
        if item.text is not None and item.text.pieces:
            caption.append(inline(item.text))
        if item.credit is not None and item.credit.pieces:
            caption.append(Markup('<span class="credit">{}</span>').format(photo(inline(item.credit))))
        if caption:
            parts.append(Markup("<figcaption>{}</figcaption>").format(Markup(" ").join(caption)))
        return Markup("<figure>\n{}\n</figure>").format(Markup("\n").join(parts))
    if kind == "image":
        return Markup("<p>{}</p>").format(image(item))
    if kind == "code":
        info = (item.attrs.get("info") or "").split()
        cls = Markup(' class="language-{}"').format(info[0]) if info else Markup("")
        return Markup('<pre dir="ltr"><code{}>{}</code></pre>').format(cls, item.raw)
    if kind == "html":
        return Markup('<pre class="html" dir="ltr"><code>{}</code></pre>').format(item.raw)
    if kind == "rule":
        return Markup("<hr>")
    return None


def _html_table(item: Item, inline: Inline) -> Markup:
    rows = [r for r in item.children if r.kind == "row"]

    def row(r: Item) -> Markup:
        cells = []
        for cell in r.children:
            tag = "th" if cell.attrs.get("header") else "td"
            align = _ALIGN.get(cell.attrs.get("align") or "")
            style = Markup(' style="text-align: {}"').format(align) if align else Markup("")
            cells.append(Markup(f"<{tag}{{}}>{{}}</{tag}>").format(style, inline(cell.text)))
        return Markup("<tr>{}</tr>").format(Markup("").join(cells))
    head = [row(r) for r in rows if r.attrs.get("head")]
    body = [row(r) for r in rows if not r.attrs.get("head")]
    parts = []
    if head:
        parts.append(Markup("<thead>\n{}\n</thead>").format(Markup("\n").join(head)))
    if body:
        parts.append(Markup("<tbody>\n{}\n</tbody>").format(Markup("\n").join(body)))
    return Markup("<table>\n{}\n</table>").format(Markup("\n").join(parts))


# --------------------------------------------------------------------------- Markdown

def markdown_body(items: Iterable[Item], inline: Inline, *, image: Callable[[Item], str],
                  photo: Callable[[str], str], tight: bool = False) -> str:
    """*items* as CommonMark (GFM tables) blocks, separated by blank lines (one in a tight list).

    Two lists in a row are two lists: the second uses the other marker (``*``
    after ``-``, ``)`` after ``.``), as CommonMark only starts a new list then.
    """
    blocks = []
    previous: Item | None = None
    flip = False
    for item in items:
        if item.kind == "list" and previous is not None and previous.kind == "list" \
                and bool(item.attrs.get("ordered")) == bool(previous.attrs.get("ordered")):
            flip = not flip
        else:
            flip = False
        block = _md_list(item, inline, image, photo, flip) if item.kind == "list" else \
            _md(item, inline, image, photo)
        if block is not None:
            blocks.append(block)
            previous = item
    return ("\n" if tight else "\n\n").join(blocks)


def _start(item: Item) -> int:
    start = item.attrs.get("start")
    return 1 if start is None else int(start)


def escape_line_starts(text: str) -> str:
    r"""Backslash-escape what would open a block at the start of a line of a paragraph.

    >>> escape_line_starts("1. one\\\n- two")
    '1\\. one\\\n\\- two'
    """
    return "\n".join(_LINE_START.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1],
                                     line, count=1) for line in text.split("\n"))


def _md(item: Item, inline: Inline, image, photo) -> str | None:
    kind = item.kind
    if kind == "paragraph":
        text = escape_line_starts(inline(item.text))
        if item.lead is not None:
            text = f"**{inline(item.lead)}** – {text}"
        return text if text.strip() else None
    if kind == "subhead":
        text = " ".join(inline(item.text).split("\\\n"))
        # Closing #s would be read as the heading's end, not its words.
        text = _CLOSING_HASHES.sub(lambda m: m.group(1) + "\\" + m.group(2) + m.group(3), text)
        return "#" * min(6, max(2, int(item.attrs.get("level") or 2))) + " " + text
    if kind == "quote":
        inner = markdown_body(item.children, inline, image=image, photo=photo)
        return "\n".join(("> " + line) if line else ">" for line in inner.split("\n"))
    if kind == "list":
        return _md_list(item, inline, image, photo, False)
    if kind == "table":
        return _md_table(item, inline)
    if kind == "figure":
        caption = inline(item.text) if item.text is not None and item.text.pieces else ""
        credit = photo(inline(item.credit)) if item.credit is not None and item.credit.pieces else ""
        if not item.children:  # a caption and credit alone, as for a plain-text scrape
            lines = ([f"> {caption}"] if caption.strip() else []) + ([f"> *{credit}*"] if credit else [])
            return "\n".join(lines) or None
        # The image, then the caption as newsloc reads a Markdown figure: one emphasis + [credit].
        parts = [image(child) for child in item.children]
        if caption.strip():
            parts.append(f"*{caption}*" + (f" \\[{credit}\\]" if credit else ""))
        elif credit:
            parts.append(f"\\[{credit}\\]")
        return "\n\n".join(p for p in parts if p) or None
    if kind == "image":
        return image(item)
    if kind in ("code", "html"):
        return _fence(item.raw, item.attrs.get("info", "") if kind == "code" else "html")
    if kind == "rule":
        return "***"  # not "---": "- ---" would be a rule, not a list item holding one
    return None


def _fence(code: str, info: str) -> str:
    longest = max((len(run) for run in re.findall("`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    body = code if code.endswith("\n") or not code else code + "\n"
    return f"{fence}{info.replace('`', '')}\n{body}{fence}"


def _md_list(item: Item, inline: Inline, image, photo, flip: bool) -> str:
    start = _start(item)
    tight = bool(item.attrs.get("tight"))
    out = []
    for n, li in enumerate(item.children):
        if item.attrs.get("ordered"):
            marker = f"{start + n}{')' if flip else '.'}"
        else:
            marker = "*" if flip else "-"
        body = markdown_body(li.children if li.kind == "item" else (li,), inline, image=image,
                             photo=photo, tight=tight)
        pad = " " * (len(marker) + 1)
        lines = body.split("\n") if body else [""]
        first = f"{marker} {lines[0]}" if lines[0] else marker
        out.append("\n".join([first, *((pad + line) if line else "" for line in lines[1:])]))
    return ("\n" if tight else "\n\n").join(out)


def _md_table(item: Item, inline: Inline) -> str:
    rows = [r for r in item.children if r.kind == "row"]
    cols = max([int(item.attrs.get("cols") or 0)] + [len(r.children) for r in rows] + [1])
    aligns = list(item.attrs.get("align") or ())
    if not aligns and rows:
        aligns = [c.attrs.get("align") for c in rows[0].children]
    aligns = (aligns + [None] * cols)[:cols]
    delimiter = {"left": ":--", "center": ":-:", "right": "--:"}

    def line(cells: list[str]) -> str:
        cells = (cells + [""] * cols)[:cols]
        return "| " + " | ".join(" ".join(c.split("\\\n")).replace("\n", " ") for c in cells) + " |"
    head = [r for r in rows if r.attrs.get("head")][:1]
    body = [r for r in rows if not any(r is h for h in head)]  # by identity: rows may be equal
    out = [line([inline(c.text) for c in head[0].children]) if head else line([""] * cols),
           "| " + " | ".join(delimiter.get(a or "", "---") for a in aligns) + " |"]
    out += [line([inline(c.text) for c in r.children]) for r in body]
    return "\n".join(out)


# --------------------------------------------------------------------------- text

def text_body(items: Iterable[Item], inline: Inline, *, photo: Callable[[str], str],
              depth: int = 0) -> str:
    """*items* as readable plain text, blocks separated by blank lines."""
    blocks = (_txt(item, inline, photo, depth) for item in items)
    return "\n\n".join(b for b in blocks if b)


def _txt(item: Item, inline: Inline, photo, depth: int) -> str | None:
    kind = item.kind
    if kind == "paragraph":
        text = inline(item.text)
        if item.lead is not None:
            text = f"{inline(item.lead)} – {text}"
        return text if text.strip() else None
    if kind == "subhead":
        text = inline(item.text)
        return text + "\n" + "-" * max(3, len(text))
    if kind == "quote":
        inner = text_body(item.children, inline, photo=photo, depth=depth)
        return "\n".join(("> " + line) if line else ">" for line in inner.split("\n"))
    if kind == "list":
        start = _start(item)
        out = []
        for n, li in enumerate(item.children):
            marker = f"{start + n}." if item.attrs.get("ordered") else ("•" if depth % 2 == 0 else "◦")
            body = text_body(li.children if li.kind == "item" else (li,), inline, photo=photo,
                             depth=depth + 1).replace("\n\n", "\n")
            pad = " " * (len(marker) + 1)
            lines = body.split("\n") if body else [""]
            out.append("\n".join([f"{marker} {lines[0]}".rstrip(),
                                  *((pad + line) if line else "" for line in lines[1:])]))
        return "\n".join(out)
    if kind == "table":
        rows = []
        for r in item.children:
            rows.append(" | ".join(inline(c.text).replace("\n", " ") for c in r.children))
            if r.attrs.get("head"):
                rows.append("-" * max(3, len(rows[-1])))
        return "\n".join(rows)
    if kind == "figure":
        parts = []
        for child in item.children:
            alt = inline(child.text) if child.text is not None else ""
            if alt.strip():
                parts.append(f"[{alt}]")
        caption = inline(item.text) if item.text is not None and item.text.pieces else ""
        credit = photo(inline(item.credit)) if item.credit is not None and item.credit.pieces else ""
        words = f"{caption} ({credit})" if caption and credit else caption or credit
        if words:
            parts.append(words if item.children else f"[{words}]")
        return "\n".join(parts) or None
    if kind == "image":
        alt = inline(item.text) if item.text is not None else ""
        return f"[{alt}]" if alt.strip() else None
    if kind in ("code", "html"):
        return "\n".join("    " + line for line in item.raw.rstrip("\n").split("\n"))
    if kind == "rule":
        return "* * *"
    return None

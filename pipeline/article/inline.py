"""Inline markup as translators see it: canonical CommonMark inline syntax.

The text of a block read from a Markdown or HTML article is *inline
CommonMark*, the representation Translate Toolkit's md2po uses, so that a
translator can move a link or an emphasis with the words it covers:

* links ``[text](url "title")`` (autolinks as ``<https://...>``),
  images ``![alt](src "title")``;
* ``**strong**``, ``*emphasis*``, ``~~strikethrough~~``, ```code```;
* a hard line break is a backslash before the newline;
* raw inline HTML is kept verbatim (the editions never make it live).

Text is re-serialised canonically (as md2po does): entities are decoded,
soft line breaks become spaces, link reference definitions are resolved into
inline links, and the characters that would otherwise read as markup are
backslash-escaped. :func:`parse` and :func:`render` convert between that text
and a small node tree; ``render(parse(text)) == text`` for canonical text.

This module is the only one that parses inline Markdown (markdown-it-py,
CommonMark preset with GFM strikethrough); later stages use it to mask spans
for machine translation, to compare markup in checks and to render editions.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Iterator, Union

if TYPE_CHECKING:
    from markdown_it import MarkdownIt


@dataclass(frozen=True)
class Text:
    """Words as a reader sees them (no escapes, entities decoded)."""

    text: str


@dataclass(frozen=True)
class Code:
    """A code span: never translated."""

    text: str


@dataclass(frozen=True)
class Break:
    """A hard line break."""


@dataclass(frozen=True)
class Html:
    """Raw inline HTML, kept verbatim (never rendered live)."""

    raw: str


@dataclass(frozen=True)
class Strong:
    children: tuple["Node", ...]


@dataclass(frozen=True)
class Em:
    children: tuple["Node", ...]


@dataclass(frozen=True)
class Strike:
    children: tuple["Node", ...]


@dataclass(frozen=True)
class Link:
    children: tuple["Node", ...]
    href: str
    title: str | None = None
    autolink: bool = False


@dataclass(frozen=True)
class Image:
    children: tuple["Node", ...]   # the alt text, which may itself hold markup
    src: str
    title: str | None = None


Node = Union[Text, Code, Break, Html, Strong, Em, Strike, Link, Image]
SPANS = (Strong, Em, Strike, Link, Image)


@functools.lru_cache(maxsize=1)
def markdown() -> MarkdownIt:
    """The one Markdown parser of newsloc: CommonMark plus GFM tables and strikethrough."""
    from markdown_it import MarkdownIt  # imported on first use: plain-text runs never pay for it
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


# ---------------------------------------------------------------- parse

def parse(text: str) -> list[Node]:
    """Parse inline CommonMark into nodes (block syntax is not recognised).

    >>> parse("See [the *report*](https://x.org) now.")
    [Text(text='See '), Link(children=(Text(text='the '), Em(children=(Text(text='report'),))), href='https://x.org', title=None, autolink=False), Text(text=' now.')]
    """
    if not text:
        return []
    tokens = markdown().parseInline(text)
    children = tokens[0].children or [] if tokens else []
    return from_tokens(children)


def from_tokens(tokens) -> list[Node]:
    """Convert markdown-it inline tokens into nodes."""
    stack: list[tuple[object, list[Node]]] = [(None, [])]
    for tok in tokens:
        kind = tok.type
        top = stack[-1][1]
        if kind == "text":
            _add_text(top, tok.content)
        elif kind == "softbreak":
            _add_text(top, " ")
        elif kind == "hardbreak":
            top.append(Break())
        elif kind == "code_inline":
            top.append(Code(tok.content))
        elif kind == "html_inline":
            top.append(Html(tok.content))
        elif kind == "image":
            top.append(Image(tuple(from_tokens(tok.children or [])), str(tok.attrs.get("src", "")),
                             _title(tok.attrs.get("title"))))
        elif kind.endswith("_open"):
            stack.append((tok, []))
        elif kind.endswith("_close"):
            opener, kids = stack.pop()
            parent = stack[-1][1]
            node: Node
            if kind == "strong_close":
                node = Strong(tuple(kids))
            elif kind == "em_close":
                node = Em(tuple(kids))
            elif kind == "s_close":
                node = Strike(tuple(kids))
            else:  # link_close
                attrs = opener.attrs  # type: ignore[union-attr]
                node = Link(tuple(kids), str(attrs.get("href", "")), _title(attrs.get("title")),
                            autolink=opener.markup == "autolink")  # type: ignore[union-attr]
            parent.append(node)
        else:  # anything unexpected: keep what a reader would see
            _add_text(top, tok.content)
    while len(stack) > 1:  # unbalanced (cannot happen with markdown-it): flatten
        _, kids = stack.pop()
        stack[-1][1].extend(kids)
    return stack[0][1]


def _title(value) -> str | None:
    return None if value in (None, "") else str(value)


def _add_text(nodes: list[Node], text: str) -> None:
    if not text:
        return
    if nodes and isinstance(nodes[-1], Text):
        nodes[-1] = Text(nodes[-1].text + text)
    else:
        nodes.append(Text(text))


def normalise(nodes: Iterable[Node]) -> list[Node]:
    """Merge adjacent text nodes and drop empty ones (recursively)."""
    out: list[Node] = []
    for node in nodes:
        if isinstance(node, Text):
            _add_text(out, node.text)
        elif isinstance(node, (Strong, Em, Strike)):
            kids = tuple(normalise(node.children))
            if kids:
                out.append(type(node)(kids))
        elif isinstance(node, Link):
            out.append(Link(tuple(normalise(node.children)), node.href, node.title, node.autolink))
        elif isinstance(node, Image):
            out.append(Image(tuple(normalise(node.children)), node.src, node.title))
        else:
            out.append(node)
    return out


def clean(nodes: Iterable[Node]) -> list[Node]:
    """Collapse runs of white space in text as a browser would, and drop
    white space at the edges and around line breaks (CommonMark drops it)."""
    out: list[Node] = []
    for node in normalise(nodes):
        if isinstance(node, Text):
            node = Text(re.sub(r"\s+", " ", node.text))
        elif isinstance(node, (Strong, Em, Strike)):
            node = type(node)(tuple(_squash(node.children)))
        elif isinstance(node, Link):
            node = Link(tuple(_squash(node.children)), node.href, node.title, node.autolink)
        elif isinstance(node, Image):
            node = Image(tuple(_squash(node.children)), node.src, node.title)
        out.append(node)
    out = normalise(out)
    for k, node in enumerate(out):
        if isinstance(node, Text):
            text = node.text
            if k == 0 or isinstance(out[k - 1], Break):
                text = text.lstrip()
            if k == len(out) - 1 or isinstance(out[k + 1], Break):
                text = text.rstrip()
            out[k] = Text(text)
    out = normalise(out)
    while out and isinstance(out[-1], Break):
        out.pop()
    while out and isinstance(out[0], Break):
        out.pop(0)
    return out


def _squash(nodes: Iterable[Node]) -> list[Node]:
    """Collapse white space inside a span, leaving its edges to :func:`tidy`."""
    squashed = clean([Text("x")] + list(nodes) + [Text("x")])  # sentinels guard the edges
    if len(squashed) == 1:
        return normalise([Text(squashed[0].text[1:-1])])  # type: ignore[union-attr]
    squashed[0] = Text(squashed[0].text[1:])  # type: ignore[union-attr]
    squashed[-1] = Text(squashed[-1].text[:-1])  # type: ignore[union-attr]
    return normalise(squashed)


def tidy(nodes: Iterable[Node]) -> list[Node]:
    """Make nodes writable as CommonMark: spaces and breaks at the edges of an
    emphasis move outside it, empty spans go, adjacent text merges."""
    out: list[Node] = []
    for node in normalise(nodes):
        if isinstance(node, (Strong, Em, Strike)):
            kids = tidy(node.children)
            lead: list[Node] = []
            trail: list[Node] = []
            while kids and (isinstance(kids[0], Break) or isinstance(kids[0], Text) and not kids[0].text.strip()):
                lead.append(kids.pop(0))
            while kids and (isinstance(kids[-1], Break) or isinstance(kids[-1], Text) and not kids[-1].text.strip()):
                trail.insert(0, kids.pop())
            if kids and isinstance(kids[0], Text) and kids[0].text[:1].isspace():
                stripped = kids[0].text.lstrip()
                lead.append(Text(kids[0].text[:len(kids[0].text) - len(stripped)]))
                kids[0] = Text(stripped)
            if kids and isinstance(kids[-1], Text) and kids[-1].text[-1:].isspace():
                stripped = kids[-1].text.rstrip()
                trail.insert(0, Text(kids[-1].text[len(stripped):]))
                kids[-1] = Text(stripped)
            out.extend(lead)
            if kids:
                out.append(type(node)(tuple(kids)))
            out.extend(trail)
        elif isinstance(node, Link):
            out.append(Link(tuple(tidy(node.children)), node.href, node.title, node.autolink))
        elif isinstance(node, Image):
            out.append(Image(tuple(tidy(node.children)), node.src, node.title))
        else:
            out.append(node)
    return normalise(out)


def _flatten(nodes: Iterable[Node], kinds: tuple[type, ...]) -> list[Node]:
    out: list[Node] = []
    for node in nodes:
        if isinstance(node, kinds):
            out.extend(_flatten(node.children, kinds))  # type: ignore[union-attr]
        elif isinstance(node, (Link, Image)):
            cls = type(node)
            out.append(cls(tuple(_flatten(node.children, kinds)), *_fields(node)[1:]))
        else:
            out.append(node)
    return normalise(out)


def _fields(node):
    if isinstance(node, Link):
        return (node.children, node.href, node.title, node.autolink)
    return (node.children, node.src, node.title)


def write(nodes: Iterable[Node]) -> tuple[str, bool]:
    """Write nodes (e.g. converted from HTML) as canonical inline CommonMark.

    Return ``(text, exact)``. When a span cannot be written so that it reads
    back as the same span (``a<b>"x"</b>b``: CommonMark has no emphasis
    there), that span is dropped and its words kept, one span at a time from
    where the reading first differs; *exact* is then False. The words always
    stay.

    >>> write([Text("a"), Strong((Text('"x"'),)), Text("b and "), Em((Text("y"),))])
    ('a"x"b and *y*', False)
    """
    nodes = clean(tidy(nodes))
    exact = True
    for _ in range(4 * len(nodes) + 4):
        text = render(nodes)
        if normalise(parse(text)) == nodes:
            return text, exact
        exact = False
        simpler = _drop_one_span(nodes)
        if simpler is None:
            break
        nodes = clean(tidy(simpler))
    for attempt in (_flatten(nodes, (Strong, Em, Strike)), _flatten(nodes, (Strong, Em, Strike, Link))):
        text = render(attempt)
        if normalise(parse(text)) == attempt:
            return text, False
    return escape(plain_of(nodes)), False


def _drop_one_span(nodes: list[Node]) -> list[Node] | None:
    """*nodes* with the span that most likely breaks their reading dropped (None: no span left).

    The first node that reads back differently, or the one after it (an
    emphasis that fails leaves its delimiters in the text before it), is
    the culprit: an emphasis is unwrapped; a link or image first loses the
    emphasis inside it, then (if that was all) its own markup.
    """
    back = normalise(parse(render(nodes)))
    k = next((i for i, (a, b) in enumerate(zip(nodes, back)) if a != b), min(len(nodes), len(back)))
    order = list(range(max(0, k - 1), len(nodes))) + list(range(0, max(0, k - 1)))
    for i in order:
        node = nodes[i]
        if isinstance(node, (Strong, Em, Strike)):
            return nodes[:i] + list(node.children) + nodes[i + 1:]
        if isinstance(node, (Link, Image)):
            inner = _flatten(node.children, (Strong, Em, Strike))
            if inner != list(node.children):
                cls = type(node)
                return nodes[:i] + [cls(tuple(inner), *_fields(node)[1:])] + nodes[i + 1:]
            if isinstance(node, Link) and not node.autolink:
                return nodes[:i] + list(node.children) + nodes[i + 1:]
    return None


# ---------------------------------------------------------------- render

_ENTITY = re.compile(r"&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)")
_ALWAYS = set("`*[]\\")


def escape(text: str) -> str:
    """Backslash-escape what would otherwise read as inline markup.

    >>> escape("5 * 3 = snake_case [sic] <b> AT&T &amp;")
    '5 \\\\* 3 = snake_case \\\\[sic\\\\] \\\\<b> AT&T \\\\&amp;'
    """
    return "".join(_escape_char(text, i) for i in range(len(text)))


def _escape_char(text: str, i: int, bang: bool = False) -> str:
    """Character *i* of *text* as :func:`escape` writes it."""
    ch = text[i]
    if ch in _ALWAYS:
        return "\\" + ch
    n = len(text)
    if ch == "_":
        before = text[i - 1] if i else ""
        after = text[i + 1] if i + 1 < n else ""
        # An underscore between letters or digits never opens or closes emphasis.
        return "_" if before.isalnum() and after.isalnum() else "\\_"
    if ch == "~":
        near = (i and text[i - 1] == "~") or (i + 1 < n and text[i + 1] == "~")
        return "\\~" if near or i == 0 or i == n - 1 else "~"
    if ch == "<":
        after = text[i + 1] if i + 1 < n else ""
        return "\\<" if after.isalpha() or after in "/!?" else "<"
    if ch == "&" and _ENTITY.match(text, i):
        return "\\&"
    if ch == "!" and i == n - 1 and bang:
        return "\\!"  # "!" then a link would make an image
    if ch == "\n":
        return " "
    return ch


def _destination(url: str) -> str:
    if not url or re.search(r"[\s<>]", url) or url.count("(") != url.count(")"):
        return "<" + url.replace("\\", "\\\\").replace("<", "\\<").replace(">", "\\>") + ">"
    return re.sub(r"([\\()])", r"\\\1", url) if "\\" in url else url


def _title_part(title: str | None) -> str:
    if not title:
        return ""
    return ' "' + title.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _code(text: str) -> str:
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or (
        text.startswith(" ") and text.endswith(" ") and text.strip(" ")) else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def render(nodes: Iterable[Node]) -> str:
    """Write nodes as canonical inline CommonMark.

    >>> render(parse("__bold__ and _it_ &amp; [x][r] &copy;"))
    '**bold** and *it* & \\\\[x\\\\]\\\\[r\\\\] \u00a9'
    """
    nodes = list(nodes)
    return "".join(_render(n, _before_link(nodes, k)) for k, n in enumerate(nodes))


def _before_link(nodes: list[Node], k: int) -> bool:
    return k + 1 < len(nodes) and isinstance(nodes[k + 1], Link) and not nodes[k + 1].autolink


def _render(node: Node, bang: bool = False) -> str:
    if isinstance(node, Text):
        if bang and node.text.endswith("!"):
            return escape(node.text[:-1]) + "\\!"
        return escape(node.text)
    if isinstance(node, Code):
        return _code(node.text)
    if isinstance(node, Break):
        return "\\\n"
    if isinstance(node, Html):
        return node.raw
    if isinstance(node, Strong):
        return "**" + render(node.children) + "**"
    if isinstance(node, Em):
        return "*" + render(node.children) + "*"
    if isinstance(node, Strike):
        return "~~" + render(node.children) + "~~"
    if isinstance(node, Link):
        if node.autolink:
            # An e-mail autolink is written as the address it shows (<a@b.org>), not as
            # the mailto: target markdown-it gives it, so its text survives a round trip.
            shown = plain_of(node.children)
            if node.href.lower().startswith("mailto:") and node.href[7:] == shown and "@" in shown:
                return "<" + shown + ">"
            return "<" + node.href + ">"
        return "[" + render(node.children) + "](" + _destination(node.href) + _title_part(node.title) + ")"
    if isinstance(node, Image):
        return "![" + render(node.children) + "](" + _destination(node.src) + _title_part(node.title) + ")"
    raise TypeError(f"not an inline node: {node!r}")


# ---------------------------------------------------------------- reading

def plain_of(nodes: Iterable[Node]) -> str:
    """What a reader sees of *nodes* (link text, alt text, code text; break = newline)."""
    return "".join(_plain(n) for n in nodes)


def _plain(node: Node) -> str:
    if isinstance(node, (Text, Code)):
        return node.text
    if isinstance(node, Break):
        return "\n"
    if isinstance(node, Html):
        return ""
    return plain_of(node.children)  # type: ignore[union-attr]


def plain(text: str) -> str:
    """What a reader sees of inline CommonMark *text*.

    >>> plain("A [*linked*](https://x.org) word \\\\* `x`")
    'A linked word * x'
    """
    return plain_of(parse(text))


def has_markup(text: str) -> bool:
    """True when *text* holds any markup: a span, an escape, a break, raw HTML.

    >>> has_markup("Plain words."), has_markup("A **bold** word.")
    (False, True)
    """
    if not any(c in text for c in "\\`*_[]<>~&!\n"):
        return False
    return plain(text) != text


def walk(nodes: Iterable[Node]) -> Iterator[Node]:
    """Yield every node, depth first, parents before children."""
    for node in nodes:
        yield node
        kids = getattr(node, "children", None)
        if kids:
            yield from walk(kids)


def canonical(text: str) -> str:
    """Re-serialise inline CommonMark *text* canonically."""
    return write(parse(text))[0]


# ---------------------------------------------------------------- plain text with a map

def plain_map(nodes: Iterable[Node]) -> tuple[str, str, list[int], list[tuple[int, int]]]:
    """Render *nodes* and their plain text together.

    Return ``(markup, plain, where, locked)``: ``where[k]`` is the offset in
    *markup* of plain character *k* (``where[len(plain)] == len(markup)``);
    ``locked`` lists the markup ranges ``(start, end)`` no sentence cut may
    fall inside (spans, code, breaks, raw HTML).
    """
    markup: list[str] = []
    plain_chars: list[str] = []
    where: list[int] = []
    locked: list[tuple[int, int]] = []
    pos = 0

    def emit(s: str) -> None:
        nonlocal pos
        markup.append(s)
        pos += len(s)

    def visit(node: Node, bang: bool) -> None:
        if isinstance(node, Text):
            # Character by character, so every plain character knows its place.
            text = node.text
            for i, ch in enumerate(text):
                piece = _escape_char(text, i, bang)
                where.append(pos)
                plain_chars.append(ch if ch != "\n" else " ")
                emit(piece)
            return
        start = pos
        if isinstance(node, (Strong, Em, Strike, Link, Image)):
            rendered = _render(node)
            if isinstance(node, Link) and node.autolink or isinstance(node, (Image,)):
                atomic(plain_of([node]), rendered)
            else:
                opener = {Strong: "**", Em: "*", Strike: "~~", Link: "["}[type(node)]
                emit(opener)
                kids = list(node.children)
                for k, kid in enumerate(kids):
                    visit(kid, _before_link(kids, k))
                emit(rendered[len(render(node.children)) + len(opener):])
            locked.append((start, pos))
            return
        atomic(_plain(node), _render(node))
        locked.append((start, pos))

    def atomic(words: str, rendered: str) -> None:
        # Only the first character of an atomic node (code, image, autolink,
        # break) maps to its start: a cut before any other falls inside it.
        for k, ch in enumerate(words):
            where.append(pos if k == 0 else pos + 1)
            plain_chars.append(ch if ch != "\n" else " ")
        emit(rendered)

    nodes = list(nodes)
    for k, node in enumerate(nodes):
        visit(node, _before_link(nodes, k))
    where.append(pos)
    return "".join(markup), "".join(plain_chars), where, locked

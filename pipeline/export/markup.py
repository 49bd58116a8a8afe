"""One entry's inline markup in an edition: HTML, Markdown or plain text.

Entries of Markdown and HTML articles hold inline CommonMark
(:mod:`pipeline.article.inline`, parsed by its markdown-it parser): links,
bold, italic, strikethrough, code spans, hard breaks, autolinks, inline
images and raw inline HTML. Each becomes what the format needs, by the
rules of a newsroom:

* **Raw HTML is never live**: inline HTML from an article or a translation
  is shown as text (escaped) in HTML, escaped in Markdown.
* **Only safe targets are written**: a link or image whose target is
  http(s), mailto or relative; any other (``javascript:``, ``data:``,
  ``vbscript:``, ``file:`` ...) is dropped and its words kept. (The
  ``link-schemes`` check reports it.)
* **Direction**: *isolate* receives every run of words (and addresses) of
  a right-to-left edition, so Latin runs inside links and alt text are
  isolated as everywhere else; code is set left to right.
* **Numbers**: *localise* writes digits in the edition's numbering system
  in words only: never in a link target, code or an address.
* **Text edition**: a link reads ``words (address)``, an autolink or a link
  whose words are its address reads as the address; emphasis is plain.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Callable, Iterable
from urllib.parse import quote

from markupsafe import Markup, escape

from ..article.inline import (Break, Code, Em, Html, Image, Link, Strike, Strong, Text, parse, plain_of,
                              render)
from ..textpatterns import safe_link_target

Words = Callable[[str], str]
_TAGS = {Strong: "strong", Em: "em", Strike: "s"}


def href(target: str) -> str:
    """*target* as an attribute value: spaces and non-ASCII percent-encoded, the rest as written.

    >>> href("https://x.org/بغداد?q=a b#c")
    'https://x.org/%D8%A8%D8%BA%D8%AF%D8%A7%D8%AF?q=a%20b#c'
    """
    return quote(target.strip(), safe="!#$%&'()*+,-./:;=?@[]~_")


# --------------------------------------------------------------------------- HTML

def inline_html(text: str, isolate: Callable[[str], Markup], localise: Words = str) -> Markup:
    """One entry as HTML; *isolate* escapes a run of words (wrapping opposite-direction runs).

    >>> str(inline_html('A [link](https://x.org "T"), <b>raw</b>, ![x](data:image/png;base64,AA)', escape))
    'A <a href="https://x.org" title="T">link</a>, &lt;b&gt;raw&lt;/b&gt;, x'
    """
    return _html(parse(text), isolate, localise)


def _html(nodes: Iterable[Any], isolate: Callable[[str], Markup], localise: Words) -> Markup:
    out: list[Markup] = []
    for node in nodes:
        if isinstance(node, Text):
            out.append(isolate(localise(node.text)))
        elif isinstance(node, Code):
            out.append(Markup('<code dir="ltr">{}</code>').format(node.text))
        elif isinstance(node, Break):
            out.append(Markup("<br>\n"))
        elif isinstance(node, Html):
            out.append(escape(node.raw))
        elif isinstance(node, Link):
            # An autolink's words are its address as written: never localised.
            words = isolate(plain_of(node.children)) if node.autolink else _html(node.children, isolate, localise)
            if not safe_link_target(node.href):
                out.append(words)
                continue
            title = Markup(' title="{}"').format(node.title) if node.title else Markup("")
            out.append(Markup('<a href="{}"{}>{}</a>').format(href(node.href), title, words))
        elif isinstance(node, Image):
            out.append(image_html(node.src, localise(plain_of(node.children)), node.title, isolate))
        else:
            tag = _TAGS[type(node)]
            out.append(Markup(f"<{tag}>{{}}</{tag}>").format(_html(node.children, isolate, localise)))
    return Markup("").join(out)


def image_html(src: str, alt: str, title: str | None, isolate: Callable[[str], Markup]) -> Markup:
    """An ``<img>``; only its alt text when *src* is not a safe target."""
    if not safe_link_target(src):
        return isolate(alt)
    title_attr = Markup(' title="{}"').format(title) if title else Markup("")
    return Markup('<img src="{}" alt="{}"{}>').format(href(src), alt, title_attr)


# --------------------------------------------------------------------------- Markdown

def inline_markdown(text: str, isolate: Words = str, localise: Words = str) -> str:
    r"""One entry as inline CommonMark for the Markdown edition.

    The words are re-escaped by the article stage's :func:`render`; ``|`` is
    escaped too (the entry may stand in a table cell); raw HTML is escaped;
    unsafe targets are dropped.

    >>> inline_markdown("[a|b](https://x.org) `c|d` <i>x</i> ![y](data:image/png;base64,AA)")
    '[a\\|b](https://x.org) `c\\|d` \\<i>x\\</i> y'
    """
    return _markdown(parse(text), isolate, localise)


def _markdown(nodes: Iterable[Any], isolate: Words, localise: Words) -> str:
    out: list[str] = []
    nodes = list(nodes)
    for k, node in enumerate(nodes):
        if isinstance(node, Text):
            words = words_markdown(isolate(localise(node.text)))
            after = nodes[k + 1] if k + 1 < len(nodes) else None
            if words.endswith("!") and isinstance(after, Link) and not after.autolink:
                words = words[:-1] + "\\!"  # "!" before a link would make it an image
            out.append(words)
        elif isinstance(node, Html):
            out.append(words_markdown(node.raw))
        elif isinstance(node, (Code, Break)):
            out.append(render([node]).replace("|", "\\|"))
        elif isinstance(node, Link) and node.autolink:
            out.append(render([node]) if safe_link_target(node.href) else words_markdown(node.href))
        else:
            inner = _markdown(node.children, isolate, localise)
            target = node.src if isinstance(node, Image) else getattr(node, "href", None)
            if target is not None and not safe_link_target(target):
                out.append(inner)
                continue
            out.append(_around(node, inner))
    return "".join(out)


def words_markdown(text: str) -> str:
    r"""Plain words as inline CommonMark (escaped; ``|`` too, for table cells).

    >>> words_markdown("5 * 3 | <b>")
    '5 \\* 3 \\| \\<b>'
    """
    return render([Text(text)]).replace("|", "\\|")


def _around(node: Any, inner: str) -> str:
    """The Markdown of span *node* around already rendered *inner* words."""
    before, after = render([replace(node, children=(Text("\x00"),))]).split("\x00", 1)
    return before + inner + after.replace("|", "\\|")


def image_markdown(alt: str, src: str, title: str | None) -> str:
    r"""A Markdown image around rendered *alt*; just the alt when *src* is not safe.

    >>> image_markdown("A \\*star\\*", "pic.jpg", 'the "title"')
    '![A \\*star\\*](pic.jpg "the \\"title\\"")'
    """
    if not safe_link_target(src):
        return alt
    return _around(Image((), src, title), alt)


# --------------------------------------------------------------------------- text

def inline_text(text: str, isolate: Words = str, localise: Words = str) -> str:
    """One entry as plain text: a link's words, then its address in brackets.

    >>> inline_text("See [the report](https://x.org/r), <https://y.org> and **now** `x`.")
    'See the report (https://x.org/r), https://y.org and now x.'
    """
    return _text(parse(text), isolate, localise)


def _text(nodes: Iterable[Any], isolate: Words, localise: Words) -> str:
    out: list[str] = []
    for node in nodes:
        if isinstance(node, Text):
            out.append(isolate(localise(node.text)))
        elif isinstance(node, Code):
            out.append(isolate(node.text))
        elif isinstance(node, Html):
            out.append(node.raw)
        elif isinstance(node, Break):
            out.append("\n")
        elif isinstance(node, Link):
            words = _text(node.children, isolate, localise)
            if node.autolink or plain_of(node.children).strip() == node.href.strip():
                out.append(isolate(plain_of(node.children) if node.autolink else node.href))
            elif safe_link_target(node.href):
                out.append(f"{words} ({isolate(node.href)})")
            else:
                out.append(words)
        else:
            out.append(_text(node.children, isolate, localise))
    return "".join(out)

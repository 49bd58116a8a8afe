"""Checks of the ``inline`` group: an ``md-text`` entry keeps its source's inline markup.

Entries of Markdown and HTML articles hold inline CommonMark and carry the
flag ``md-text`` (:mod:`pipeline.article.inline`). Both sides are parsed
with the article stage's parser (markdown-it-py), never with regexes, and
compared. Spans may move, reorder and nest differently around the words;
they may not be lost, added or cut.

``spans`` (error)
    Links and their count, images, bold, italic, strikethrough, hard line
    breaks, code spans (their code unchanged: code is never translated),
    autolinks (their address unchanged) and inline HTML.
``link-targets`` (warning)
    A link or image pointing elsewhere than in the source. A translator may
    do it on purpose (the Arabic version of a page): visible, not fatal.
``link-schemes`` (error, fuzzy entries too)
    A ``javascript:``, ``data:`` or ``vbscript:`` link or image target,
    however spelled (``JavaScript:``, ``java\\tscript:``). The editions never
    write such a target; the check says so before anyone publishes.

Entries without the flag (plain-text articles) are not looked at.
"""

from __future__ import annotations

import copy
import functools
from collections import Counter
from typing import Any, Iterator

from ..article.inline import Break, Code, Em, Html, Image, Link, Strike, Strong, from_tokens, markdown, parse, walk
from ..segment import MARKUP_FLAG
from ..textpatterns import link_scheme
from .registry import Unit, register

#: Link and image schemes that are an error in a translation.
BAD_SCHEMES = ("javascript", "data", "vbscript")

_COUNTED = ((Link, "link"), (Image, "image"), (Strong, "bold span"), (Em, "italic span"),
            (Strike, "strikethrough"), (Code, "code span"), (Break, "line break"),
            (Html, "inline HTML tag"))
_PLURAL = {"address": "addresses"}


def is_markup(u: Unit) -> bool:
    """True when *u*'s entry holds inline CommonMark (flag ``md-text``)."""
    return MARKUP_FLAG in u.entry.flags


def _kind(node: Any) -> str | None:
    if isinstance(node, Link) and node.autolink:
        return "address"
    return next((name for cls, name in _COUNTED if isinstance(node, cls)), None)


def _count(n: int, name: str) -> str:
    return f"{n} {name if n == 1 else _PLURAL.get(name, name + 's')}"


@register("spans", "error", "inline")
def spans(u: Unit) -> Iterator[str]:
    """Inline markup as in the source: links, emphasis, code spans, line breaks."""
    if not is_markup(u):
        return
    src = [n for n in walk(parse(u.source)) if _kind(n)]
    tgt = [n for n in walk(parse(u.target)) if _kind(n)]
    before, after = Counter(map(_kind, src)), Counter(map(_kind, tgt))
    for name in [name for _cls, name in _COUNTED] + ["address"]:
        if before[name] != after[name]:
            yield f"{_count(before[name], name)} in the source, {after[name]} in the translation"
    for label, key in (("code span", lambda n: isinstance(n, Code) and n.text),
                       ("address", lambda n: _kind(n) == "address" and n.href),
                       ("inline HTML", lambda n: isinstance(n, Html) and n.raw)):
        was = Counter(k for k in map(key, src) if k)
        now = Counter(k for k in map(key, tgt) if k)
        if sum(was.values()) == sum(now.values()) and was != now:
            yield f"{label} {sorted((was - now).elements())[0]!r} changed (it is never translated)"


def _targets(text: str) -> Counter:
    return Counter(n.href if isinstance(n, Link) else n.src for n in walk(parse(text))
                   if isinstance(n, Image) or (isinstance(n, Link) and not n.autolink))


@register("link-targets", "warning", "inline")
def link_targets(u: Unit) -> Iterator[str]:
    """Links and images point where the source's do (a changed target is allowed, and shown)."""
    if not is_markup(u):
        return
    before, after = _targets(u.source), _targets(u.target)
    gone, new = sorted((before - after).elements()), sorted((after - before).elements())
    for old, now in zip(gone, new):
        yield f"link target changed: {old} → {now}"
    for old in gone[len(new):]:
        yield f"link target {old} missing"
    for now in new[len(gone):]:
        yield f"link target {now} not in the source"


@functools.lru_cache(maxsize=1)
def _every_target() -> Any:
    """The article parser, except that it reads a link with any target as a link.

    markdown-it leaves ``[x](javascript:...)`` as literal text (so the
    editions could never make it a link); this check wants to see it.
    """
    md = copy.copy(markdown())
    md.validateLink = lambda url: True
    return md


@register("link-schemes", "error", "inline", fuzzy=True)
def link_schemes(u: Unit) -> Iterator[str]:
    """No javascript:, data: or vbscript: link or image target."""
    if not is_markup(u) or ":" not in u.target:
        return
    tokens = _every_target().parseInline(u.target)
    for node in walk(from_tokens(tokens[0].children or [] if tokens else [])):
        target = node.href if isinstance(node, Link) else node.src if isinstance(node, Image) else None
        scheme = link_scheme(target) if target is not None else None
        if scheme in BAD_SCHEMES:
            yield f"{scheme}: link target {target[:60]!r} (an edition never publishes it)"

"""Article-level requests: which entries go together, and what context goes with them.

An article-level engine (``engine.article_level``, e.g. ``llm``) is sent
the untranslated entries of one article and language together, instead of
one text per request, so that it can keep names, terms and agreement
consistent. This module plans those requests; :mod:`.run` sends them
through the same pool, cache, masks, validation and writing as every
other engine.

Rules
    * The entries of one catalogue go in catalogue (= article) order, in as
      few requests as the engine's token budget (``token_budget``, an
      estimate from the masked sources) allows; an entry longer than the
      budget goes alone. A text shared by several articles is sent once,
      with the first article that needs it.
    * Ids are ``"1"``, ``"2"`` ... within a request: opaque, unique, short.
    * Context: the headline (the entry the extractor marked ``headline``,
      else the first entry), the entries around the request's own that are
      *not* in it (``context`` on each side, in article order, with their
      reviewed translation when there is one: fuzzy suggestions are not
      passed on as the desk's usage), the glossary terms found anywhere in
      the article, and the desk's style notes.
    * Context text is what a reader sees: an entry with inline markup
      (``md-text``) goes as its words, so a link target never leaves
      newsloc through the context either (the items themselves are masked).
    * Style notes are ``locales/<lang>/style.md``, optional, sent as they
      are (the first :data:`STYLE_MAX_CHARS` characters).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from ..article.inline import plain
from ..catalog import Entry, is_reviewed
from ..segment import MARKUP_FLAG
from ..config import Project
from ..errors import ConfigError
from ..fsutil import read_text
from .engines.base import ArticleContext, ArticleRequest, Item, Neighbour
from .engines.prompt import STYLE_MAX_CHARS, estimate_tokens
from .glossary import Glossary
from .protect import Masked

STYLE_NAME = "style.md"


@dataclass
class Batch:
    """One planned request and what its ids stand for."""

    lang: str
    request: ArticleRequest
    texts: dict[str, str]        # id → msgid (the cache key)
    masks: dict[str, Masked]     # id → masked source (to restore the answer)

    @property
    def chars(self) -> int:
        return sum(len(item.source) for item in self.request.items)


def style_path(project: Project, lang: str) -> Path:
    return project.locales_dir / lang / STYLE_NAME


def read_style(project: Project, lang: str) -> str:
    """The desk's style notes for *lang* (``locales/<lang>/style.md``), or ``""``."""
    path = style_path(project, lang)
    if not path.is_file():
        return ""
    return read_text(path, what="style notes", error=ConfigError).strip()[:STYLE_MAX_CHARS]


def style_fingerprint(style: str) -> str:
    """Part of the cache fingerprint: other style notes, other suggestions.

    >>> style_fingerprint(""), len(style_fingerprint("Use Eastern Arabic digits."))
    ('', 12)
    """
    return hashlib.sha256(style.encode()).hexdigest()[:12] if style else ""


def headline_of(entries: Sequence[Entry]) -> str:
    """The article's headline: the entry the extractor marked so, else the first one."""
    for entry in entries:
        if (entry.comment or "").lower().startswith("headline"):
            return _seen(entry, entry.msgid)
    return _seen(entries[0], entries[0].msgid) if entries else ""


def _seen(entry: Entry, text: str) -> str:
    """*text* of *entry* as a reader sees it: inline markup read as its words, no link targets."""
    return plain(text) if MARKUP_FLAG in entry.flags else text


def plan_batches(slug: str, lang: str, source: str, entries: Sequence[Entry],
                 todo: dict[str, Masked], *, budget: int, context: int, glossary: Glossary,
                 style: str) -> list[Batch]:
    """Split the entries of one catalogue whose msgid is in *todo* into budget-sized requests.

    *entries* are the catalogue's live entries in order; *todo* maps each
    msgid to send to its masked form (a msgid appearing twice is sent once).
    """
    order = [e for e in entries if e.msgid]
    position = {}
    for i, entry in enumerate(order):
        position.setdefault(entry.msgid, i)
    wanted = sorted((position[text], text) for text in todo if text in position)
    groups: list[list[tuple[int, str]]] = []
    used = budget + 1
    for pos, text in wanted:
        cost = estimate_tokens(todo[text].text)
        if groups and used + cost <= budget:
            groups[-1].append((pos, text))
            used += cost
        else:
            groups.append([(pos, text)])
            used = cost
    article_text = "\n".join(e.msgid for e in order)
    terms = tuple((term, rendering, glossary.notes.get(term, ""))
                  for term, rendering in glossary.find(article_text))
    headline = headline_of(order)
    batches = []
    for group in groups:
        inside = {pos for pos, _ in group}
        near = sorted({p for pos in inside for p in range(pos - context, pos + context + 1)
                       if 0 <= p < len(order) and p not in inside})
        neighbours = tuple(Neighbour(_seen(order[p], order[p].msgid),
                                     _seen(order[p], order[p].msgstr)
                                     if is_reviewed(order[p]) and order[p].msgstr else None)
                           for p in near)
        ids = [str(i + 1) for i in range(len(group))]
        items = tuple(Item(i, todo[text].text, " ".join((order[pos].comment or "").split()))
                      for i, (pos, text) in zip(ids, group))
        request = ArticleRequest(source, lang, items,
                                 ArticleContext(slug, headline, neighbours, terms, style))
        batches.append(Batch(lang, request, {i: text for i, (_p, text) in zip(ids, group)},
                             {i: todo[text] for i, (_p, text) in zip(ids, group)}))
    return batches

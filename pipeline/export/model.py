"""The edition model: an article with every segment replaced by its translation.

:func:`assess` tells how ready a catalogue is (reviewed, fuzzy, untranslated,
missing per segment); :func:`assemble_edition` builds the :class:`Edition`
under a :class:`~.settings.Policy`: sentences joined as the language writes
them, digits in the configured numbering system, dates localised, fallbacks
(source or machine text) visibly labelled.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence


from ..article import Article, inline
from ..catalog import Catalog, is_reviewed
from ..config import Project
from ..errors import ExportError
from ..locales import base_language, convert_digits, format_publication_date, number_symbols, text_direction
from ..segment import MARKUP_FLAG, Segment, segment_article
from ..textpatterns import (HAS_LATIN, ISOLATE_LATIN_RUN, LOCAL_NUMBER)
from .words import Words
from .settings import ExportSettings, Policy, export_settings

#: Segment states, as the proof page shows them.
REVIEWED, FUZZY, UNTRANSLATED, MISSING = "reviewed", "fuzzy", "untranslated", "missing"
#: How a piece of an edition's text came to be there.
SHOWN_REVIEWED, SHOWN_MACHINE, SHOWN_SOURCE = "reviewed", "machine", "source"

# Languages whose writing puts no space between sentences.
_NO_SPACE_LANGUAGES = frozenset({"zh", "ja", "th", "lo", "km", "my", "bo"})

# --------------------------------------------------------------------------- assembly

@dataclass(frozen=True)
class Piece:
    """One sentence of an edition and how it got there."""

    text: str
    shown: str       # SHOWN_REVIEWED, SHOWN_MACHINE or SHOWN_SOURCE
    source: str
    markup: bool = False   # text is inline CommonMark (the entry is flagged md-text)


@dataclass(frozen=True)
class Run:
    """Consecutive pieces of one block shown the same way, joined."""

    text: str
    shown: str
    markup: bool = False


@dataclass(frozen=True)
class Text:
    """The text of one block: its pieces, joined as the language writes them."""

    pieces: tuple[Piece, ...]
    lang: str

    def runs(self) -> list[Run]:
        """Group consecutive pieces by how they are shown."""
        runs: list[Run] = []
        group: list[Piece] = []
        for piece in self.pieces:
            if group and (piece.shown, piece.markup) != (group[-1].shown, group[-1].markup):
                runs.append(self._run(group))
                group = []
            group.append(piece)
        if group:
            runs.append(self._run(group))
        return runs

    def _run(self, group: list[Piece]) -> Run:
        lang = "en" if group[0].shown == SHOWN_SOURCE else self.lang
        markup = group[0].markup
        return Run(join_sentences([p.text for p in group], lang, markup=markup), group[0].shown, markup)

    @property
    def plain(self) -> str:
        """What a reader sees (inline markup read as its words)."""
        return join_sentences([inline.plain(r.text) if r.markup else r.text for r in self.runs()],
                              self.lang)

    @property
    def reviewed(self) -> bool:
        return all(p.shown == SHOWN_REVIEWED for p in self.pieces)


@dataclass(frozen=True)
class Item:
    """A body item: a paragraph (with its dateline), a subhead, a figure, a list ...

    Plain-text articles give paragraphs, subheads and figures (caption and
    credit). Markdown and HTML articles give the source's structure too:
    ``list`` (``item`` children), ``quote``, ``table`` (``row`` children of
    ``cell`` items), ``figure`` with an ``image`` child (its alt text is the
    image's ``text``), ``code`` and ``html`` (``raw``, never translated) and
    ``rule``; ``attrs`` carries the facts of each (``level``, ``ordered``,
    ``start``, ``tight``, ``header``, ``align``, ``src``, ``title``, ``info``).
    """

    kind: str                 # see above
    text: Text | None = None
    lead: Text | None = None  # dateline before a paragraph
    credit: Text | None = None
    children: tuple["Item", ...] = ()
    attrs: dict[str, Any] = field(default_factory=dict, compare=False)
    raw: str = ""             # code and HTML blocks, shown verbatim


@dataclass
class SegmentState:
    """One segment as the proof page shows it."""

    segment: Segment
    state: str
    translation: str


@dataclass
class Readiness:
    """How far an article's catalogue is reviewed, and whether the policy lets it out."""

    total: int
    reviewed: int
    fuzzy: int
    headline_reviewed: bool
    states: list[SegmentState]

    @property
    def percent(self) -> float:
        return 100.0 * self.reviewed / self.total if self.total else 100.0

    def refusal(self, policy: Policy) -> str | None:
        """Return why *policy* refuses this edition, or None when it may be published."""
        if not self.headline_reviewed:
            return "headline not reviewed"
        if self.reviewed == self.total:
            return None
        unreviewed = self.total - self.reviewed
        detail = (f"{unreviewed} of {self.total} segment(s) not reviewed "
                  f"({self.percent:.0f}% reviewed")
        if policy.min_reviewed >= 100:
            return detail + "; every segment must be reviewed, or pass --min-reviewed)"
        if self.percent + 1e-9 < policy.min_reviewed:
            return detail + f", below --min-reviewed {policy.min_reviewed:g})"
        return None


@dataclass
class Edition:
    """An article in one language, ready to render."""

    slug: str
    lang: str
    locale: str
    direction: str
    digits: str
    sections: list[Text]
    headline: Text
    byline: Text | None
    date_iso: str | None
    date_text: str | None
    items: list[Item]
    readiness: Readiness
    source_name: str
    structured: bool = False   # a Markdown/HTML article: lists, quotes, tables ... (see Item)

    @property
    def partial(self) -> bool:
        return self.readiness.reviewed < self.readiness.total

def join_sentences(sentences: Sequence[str], lang: str, *, markup: bool = False) -> str:
    r"""Join sentences as *lang* writes them: one space (none for CJK/Thai), no doubled blanks.

    >>> join_sentences(["جملة أولى. ", " جملة ثانية."], "ar")
    'جملة أولى. جملة ثانية.'
    >>> join_sentences(["一。", "二。"], "zh")
    '一。二。'

    With *markup* the sentences are inline CommonMark and a hard break
    (backslash-newline) is kept: only runs of blanks are collapsed.

    >>> join_sentences(["One\\\ntwo.", "  Three  four. "], "ar", markup=True)
    'One\\\ntwo. Three four.'
    """
    glue = "" if base_language(lang) in _NO_SPACE_LANGUAGES else " "
    if markup:
        parts = [re.sub(r"[ \t]+", " ", s.strip()) for s in sentences]
    else:
        parts = [" ".join(s.split()) for s in sentences]
    return glue.join(p for p in parts if p)


def assess(segments: Sequence[Segment], po: Catalog) -> Readiness:
    """Return the review state of every segment of an article in catalogue *po*."""
    entries = {e.msgid: e for e in po if not e.obsolete}
    states: list[SegmentState] = []
    for seg in segments:
        entry = entries.get(seg.source)
        if entry is None:
            state, text = MISSING, ""
        elif is_reviewed(entry):
            state, text = REVIEWED, entry.msgstr
        elif "fuzzy" in entry.flags and entry.msgstr:
            state, text = FUZZY, entry.msgstr
        else:
            state, text = UNTRANSLATED, ""
        states.append(SegmentState(seg, state, text))
    headline = [s for s in states if s.segment.role == "headline"]
    return Readiness(
        total=len(states), reviewed=sum(s.state == REVIEWED for s in states),
        fuzzy=sum(s.state == FUZZY for s in states),
        headline_reviewed=bool(headline) and all(s.state == REVIEWED for s in headline),
        states=states)


def assemble_edition(project: Project, article: Article, lang: str, po: Catalog, *,
                     policy: Policy = Policy(), settings: ExportSettings | None = None,
                     segments: Sequence[Segment] | None = None,
                     readiness: Readiness | None = None) -> Edition:
    """Build the edition of *article* in *lang* from catalogue *po*.

    *readiness*: :func:`assess` of these segments and *po*, when the caller has it.
    Raise :class:`ExportError` when *policy* refuses it (the message says why).
    """
    settings = settings or export_settings(project)
    segments = list(segments) if segments is not None else segment_article(article, project.source)
    readiness = readiness if readiness is not None else assess(segments, po)
    reason = readiness.refusal(policy)
    if reason:
        raise ExportError(f"{lang}: {reason}", path=article.path)
    locale = settings.locale_of(lang)
    digits = settings.digits_of(lang)
    localise = digit_localiser(locale, digits)

    by_block: dict[int, list[Piece]] = {}
    for st in readiness.states:
        # Inline markup: digits are localised in the words at render time, never in a link target.
        markup = MARKUP_FLAG in st.segment.flags
        own = (lambda t: t) if markup else localise
        if st.state == REVIEWED:
            piece = Piece(own(st.translation), SHOWN_REVIEWED, st.segment.source, markup)
        elif st.state == FUZZY and policy.machine:
            piece = Piece(own(st.translation), SHOWN_MACHINE, st.segment.source, markup)
        else:
            piece = Piece(st.segment.source, SHOWN_SOURCE, st.segment.source, markup)
        by_block.setdefault(st.segment.block, []).append(piece)

    def text_of(index: int) -> Text:
        pieces = by_block.get(index)
        if pieces is None:
            # A block with no letter or digit ("* * *") has no segment to
            # translate: every edition shows it as it is.
            block = article.blocks[index]
            markup = block.markup  # inline CommonMark ("\\*\\*\\*", a code span): rendered as such
            text = join_sentences([block.text], lang, markup=True) if markup else " ".join(block.text.split())
            pieces = [Piece(text, SHOWN_REVIEWED, text, markup)] if text else []
        return Text(tuple(pieces), lang)

    words = words_for(lang)
    sections: list[Text] = []
    headline: Text | None = None
    byline: Text | None = None
    for index, block in enumerate(article.blocks):
        role = block.role
        if role == "section":
            sections.append(text_of(index))
        elif role == "headline":
            headline = text_of(index)
        elif role == "byline":
            byline = text_of(index)
    items = body_items(article.blocks, text_of)
    if byline is None and isinstance(article.meta.get("author"), str):
        name = article.meta["author"]
        byline = Text((Piece(words("By {name}", name=name), SHOWN_REVIEWED, name),), lang)
    date = article.date
    assert headline is not None  # read_article guarantees a headline
    return Edition(
        slug=article.slug, lang=lang, locale=locale, direction=text_direction(locale),
        digits=digits, sections=sections, headline=headline, byline=byline,
        date_iso=date.isoformat() if date else None,
        date_text=format_publication_date(date, locale, digits) if date else None,
        items=items, readiness=readiness, source_name=article.path.name,
        structured=getattr(article, "format", "text") != "text")


#: Roles that are a paragraph of their container (a quote, a list item) or of the body.
PARAGRAPH_ROLES = frozenset({"paragraph", "quote", "item"})
_HEAD_ROLES = frozenset({"section", "headline", "byline", "date"})


def body_items(blocks: Sequence[Any], text_of: Callable[[int], Text]) -> list[Item]:
    """Build the body of an edition from an article's blocks, containers as nested items.

    A block's ``frames`` (list, item, quote, table, row, figure; outermost
    first) say which containers it stands in; consecutive blocks sharing a
    frame share the container. Blocks without frames (every block of a
    plain-text article) are items of the body itself, as they always were.
    """
    root: list[Any] = []
    open_: list[tuple[Any, list[Any]]] = []   # the containers the previous block stood in
    lead: Text | None = None

    def container(frames: Sequence[Any]) -> list[Any]:
        depth = 0
        while depth < min(len(open_), len(frames)) and open_[depth][0].id == frames[depth].id:
            depth += 1
        del open_[depth:]
        for frame in frames[depth:]:
            children: list[Any] = []
            (open_[-1][1] if open_ else root).append((frame, children))
            open_.append((frame, children))
        return open_[-1][1] if open_ else root

    def in_figure(index: int) -> bool:
        return 0 <= index < len(blocks) and blocks[index].frame("figure") is not None

    for index, block in enumerate(blocks):
        role = block.role
        if role in _HEAD_ROLES:
            continue
        if role == "dateline":
            lead = text_of(index)
            continue
        here = container(block.frames)
        attrs = block.attrs
        if role in ("caption", "credit") and in_figure(index):
            here.append(Item(role, text_of(index)))
        elif role == "caption":
            credit = None
            if index + 1 < len(blocks) and blocks[index + 1].role == "credit" and not in_figure(index + 1):
                credit = text_of(index + 1)
            here.append(Item("figure", text_of(index), credit=credit))
        elif role == "credit":
            if not (index and blocks[index - 1].role == "caption" and not in_figure(index - 1)):
                here.append(Item("figure", None, credit=text_of(index)))
        elif role == "subhead":
            here.append(Item("subhead", text_of(index), attrs={"level": attrs.get("level", 2)}))
        elif role in PARAGRAPH_ROLES:
            here.append(Item("paragraph", text_of(index), lead=None if block.frames else lead))
            if not block.frames:
                lead = None
        elif role in ("cell", "header_cell"):
            here.append(Item("cell", text_of(index), attrs={
                "header": role == "header_cell", "align": attrs.get("align"), "col": attrs.get("col")}))
        elif role == "alt":
            here.append(Item("image", text_of(index), attrs={
                "src": attrs.get("src") or "", "title": attrs.get("title")}))
        elif role in ("code", "html"):
            here.append(Item(role, raw=block.text, attrs={"info": attrs.get("info") or ""}))
        elif role == "rule":
            here.append(Item("rule"))
    if lead is not None:  # a dateline with no paragraph after it still shows
        root.append(Item("paragraph", lead))
    return [_closed(node) for node in root]


def _closed(node: Any) -> Item:
    """An open container (frame, children) as an :class:`Item`."""
    if isinstance(node, Item):
        return node
    frame, children = node
    items = tuple(_closed(child) for child in children)
    attrs = dict(frame.attrs)
    if frame.kind == "figure":
        return Item("figure", next((c.text for c in items if c.kind == "caption"), None),
                    credit=next((c.text for c in items if c.kind == "credit"), None),
                    children=tuple(c for c in items if c.kind == "image"), attrs=attrs)
    return Item(frame.kind, children=items, attrs=attrs)


@functools.lru_cache(maxsize=None)
def words_for(lang: str) -> Words:
    """The edition's fixed words ("By", "Photo:", labels) in *lang*, loaded once."""
    return Words(lang)


@functools.lru_cache(maxsize=None)
def digit_localiser(locale: str, system: str) -> Callable[[str], str]:
    """Return a function writing the numbers of a translation in numbering *system* (cached)."""
    if system == "latn":
        # Only digits change: a Latin-digit translator's separators are already right.
        def to_latin(text: str) -> str:
            return LOCAL_NUMBER.sub(lambda m: convert_digits(m.group(), "latn"), text)
        return to_latin
    group, decimal = number_symbols(locale, system)

    def number(match: re.Match[str]) -> str:
        value = match.group()
        value = re.sub(r"(?<=\d),(?=\d{3}\b)", group, value)
        value = re.sub(r"(?<=\d)\.(?=\d)", decimal, value)
        return convert_digits(value, system)

    def localise(text: str) -> str:
        out, pos = [], 0
        for m in ISOLATE_LATIN_RUN.finditer(text):
            if not HAS_LATIN.search(m.group()):
                continue  # a bare number is converted below
            out.append(LOCAL_NUMBER.sub(number, text[pos:m.start()]))
            # Inside Latin-script tokens (K1, F-16, URLs) digits stay Latin.
            out.append(m.group())
            pos = m.end()
        out.append(LOCAL_NUMBER.sub(number, text[pos:]))
        return "".join(out)
    return localise

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
from dataclasses import dataclass
from typing import Callable, Sequence


from ..article import Article
from ..catalog import Catalog, is_reviewed
from ..config import Project
from ..errors import ExportError
from ..locales import (convert_digits, format_publication_date, number_symbols, text_direction)
from ..segment import Segment, segment_article
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


@dataclass(frozen=True)
class Run:
    """Consecutive pieces of one block shown the same way, joined."""

    text: str
    shown: str


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
            if group and piece.shown != group[-1].shown:
                runs.append(self._run(group))
                group = []
            group.append(piece)
        if group:
            runs.append(self._run(group))
        return runs

    def _run(self, group: list[Piece]) -> Run:
        lang = "en" if group[0].shown == SHOWN_SOURCE else self.lang
        return Run(join_sentences([p.text for p in group], lang), group[0].shown)

    @property
    def plain(self) -> str:
        return join_sentences([r.text for r in self.runs()], self.lang)

    @property
    def reviewed(self) -> bool:
        return all(p.shown == SHOWN_REVIEWED for p in self.pieces)


@dataclass(frozen=True)
class Item:
    """A body item: a paragraph (with its dateline), a subhead or a photo."""

    kind: str                 # "paragraph", "subhead", "figure"
    text: Text | None
    lead: Text | None = None  # dateline before a paragraph
    credit: Text | None = None


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

    @property
    def partial(self) -> bool:
        return self.readiness.reviewed < self.readiness.total

    @property
    def shown_kinds(self) -> set[str]:
        texts = [*self.sections, self.headline, *([self.byline] if self.byline else [])]
        for item in self.items:
            texts += [t for t in (item.text, item.lead, item.credit) if t is not None]
        return {p.shown for t in texts for p in t.pieces}


def join_sentences(sentences: Sequence[str], lang: str) -> str:
    """Join sentences as *lang* writes them: one space (none for CJK/Thai), no doubled blanks.

    >>> join_sentences(["جملة أولى. ", " جملة ثانية."], "ar")
    'جملة أولى. جملة ثانية.'
    >>> join_sentences(["一。", "二。"], "zh")
    '一。二。'
    """
    base = lang.replace("-", "_").split("_")[0]
    glue = "" if base in _NO_SPACE_LANGUAGES else " "
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
                     segments: Sequence[Segment] | None = None) -> Edition:
    """Build the edition of *article* in *lang* from catalogue *po*.

    Raise :class:`ExportError` when *policy* refuses it (the message says why).
    """
    settings = settings or export_settings(project)
    segments = list(segments) if segments is not None else segment_article(article, project.source)
    readiness = assess(segments, po)
    reason = readiness.refusal(policy)
    if reason:
        raise ExportError(f"{lang}: {reason}", path=article.path)
    locale = settings.locale_of(lang)
    digits = settings.digits_of(lang)
    localise = _digit_localiser(locale, digits)

    by_block: dict[int, list[Piece]] = {}
    for st in readiness.states:
        if st.state == REVIEWED:
            piece = Piece(localise(st.translation), SHOWN_REVIEWED, st.segment.source)
        elif st.state == FUZZY and policy.machine:
            piece = Piece(localise(st.translation), SHOWN_MACHINE, st.segment.source)
        else:
            piece = Piece(st.segment.source, SHOWN_SOURCE, st.segment.source)
        by_block.setdefault(st.segment.block, []).append(piece)

    def text_of(index: int) -> Text:
        pieces = by_block.get(index)
        if pieces is None:
            # A block with no letter or digit ("* * *") has no segment to
            # translate: every edition shows it as it is.
            text = " ".join(article.blocks[index].text.split())
            pieces = [Piece(text, SHOWN_REVIEWED, text)] if text else []
        return Text(tuple(pieces), lang)

    words = words_for(lang)
    sections: list[Text] = []
    headline: Text | None = None
    byline: Text | None = None
    items: list[Item] = []
    lead: Text | None = None
    blocks = article.blocks
    for index, block in enumerate(blocks):
        role = block.role
        if role == "section":
            sections.append(text_of(index))
        elif role == "headline":
            headline = text_of(index)
        elif role == "byline":
            byline = text_of(index)
        elif role == "dateline":
            lead = text_of(index)
        elif role == "caption":
            credit = None
            if index + 1 < len(blocks) and blocks[index + 1].role == "credit":
                credit = text_of(index + 1)
            items.append(Item("figure", text_of(index), credit=credit))
        elif role == "credit":
            if not (index and blocks[index - 1].role == "caption"):
                items.append(Item("figure", None, credit=text_of(index)))
        elif role == "subhead":
            items.append(Item("subhead", text_of(index)))
        elif role == "paragraph":
            items.append(Item("paragraph", text_of(index), lead=lead))
            lead = None
    if lead is not None:  # a dateline with no paragraph after it still shows
        items.append(Item("paragraph", lead))
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
        items=items, readiness=readiness, source_name=article.path.name)


@functools.lru_cache(maxsize=None)
def words_for(lang: str) -> Words:
    """The edition's fixed words ("By", "Photo:", labels) in *lang*, loaded once."""
    """The fixed words of *lang*, read once per process."""
    return Words(lang)


@functools.lru_cache(maxsize=None)
def _digit_localiser(locale: str, system: str) -> Callable[[str], str]:
    """Return a function writing the numbers of a translation in numbering *system*."""
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

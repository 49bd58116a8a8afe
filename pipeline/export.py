"""Export: reassemble each article in each language as an edition readers can use.

An *edition* is the article (its blocks, from :func:`pipeline.article.read_article`)
with every segment replaced by its translation from the language's catalogue,
rendered as HTML, Markdown and plain text under ``<out>/<lang>/<slug>.<ext>``,
plus an index page per language and a bilingual proof page per article.

Publication policy
    * By default an edition is written only when every segment is reviewed
      (translated and not fuzzy).
    * ``min_reviewed`` (percent of segments) lowers the bar for a partial
      edition: unreviewed segments fall back to the English source, or, with
      ``machine``, to their fuzzy (machine) translation; both are visibly
      labelled as such in every format.
    * The headline must be reviewed in every case: it names the edition in the
      index and is the one line nobody may publish unchecked.
    * An article below the bar is skipped with its reason. Nothing already
      published is ever deleted, truncated or half-written: each file is
      replaced atomically, and a skipped edition leaves its files untouched.

Text rules
    * Sentences of a block are joined as the target language writes them
      (a single space for ar/ckb/ku; nothing for scripts without spaces).
    * Translator text is never markup: HTML is rendered by Jinja2 with
      autoescaping, Markdown special characters are backslash-escaped.
    * In a right-to-left edition, runs of Latin script and numbers (names,
      K1, $250,000, URLs) are isolated (``<bdi>`` in HTML, U+2066..U+2069 in
      Markdown and text) so they display in order; in a left-to-right edition
      Arabic-script runs are isolated the same way.
    * Digits follow the configured numbering system (see :class:`ExportSettings`);
      numbers inside Latin-script tokens (K1, F-16, URLs) keep their digits.

Determinism: the output holds no timestamps, so exporting again with nothing
changed rewrites nothing (:func:`pipeline.fsutil.atomic_write` skips
identical bytes).

Writes: every edition is rendered completely before any of its files is
written, and the files of a few articles (``BATCH``) are written together by
:func:`pipeline.fsutil.atomic_write_many` (temporary files, one flush of the
filesystem, renames, one fsync per folder): each file is as atomic and
durable as with ``atomic_write``, for a fraction of the fsyncs. An edition
with a file that could not be written is an error: the manifest does not
record it (it is retried next run), and the run ends with the first such
error once everything else is written and recorded.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

import jinja2
from markupsafe import Markup, escape

from . import __version__
from .article import Article, read_article
from .catalog import Catalog, is_reviewed, load_catalog
from .config import Project, slug_for
from .edition_words import Words
from .errors import ConfigError, ExportError, PipelineError
from .fsutil import UNCHECKED, atomic_write, atomic_write_many
from .locales import (
    DIGITS,
    convert_digits,
    default_numbering_system,
    display_name,
    format_publication_date,
    number_symbols,
    parse_locale,
    text_direction,
)
from .manifest import Manifest, digest_bytes, digest_path, stage_key
from .parallel import process_pool, resolve_jobs
from .segment import Segment, segment_article

log = logging.getLogger(__name__)

FORMATS = ("html", "md", "txt")

#: Segment states, as the proof page shows them.
REVIEWED, FUZZY, UNTRANSLATED, MISSING = "reviewed", "fuzzy", "untranslated", "missing"
#: How a piece of an edition's text came to be there.
SHOWN_REVIEWED, SHOWN_MACHINE, SHOWN_SOURCE = "reviewed", "machine", "source"

# Languages whose writing puts no space between sentences.
_NO_SPACE_LANGUAGES = frozenset({"zh", "ja", "th", "lo", "km", "my", "bo"})

_LRI, _RLI, _PDI, _RLM = "\u2066", "\u2067", "\u2069", "\u200f"
_LATIN = "A-Za-z\u00C0-\u024F\u1E00-\u1EFF"
_ARABIC = "\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF"
_DIGIT = "0-9\u0660-\u0669\u06F0-\u06F9"
_URL = r"(?:https?://|www\.)[^\s<>\"\u0600-\u06FF]*[^\s<>\"\u0600-\u06FF.,;:!?)\]\u060c]"
# A token of Latin script or digits; inner punctuation is allowed, edges are letters/digits.
# Only Latin digits: Arabic-Indic digits are already right-to-left friendly.
_LATIN_TOKEN = (rf"[{_LATIN}0-9$€£]"
                rf"(?:[{_LATIN}0-9.,:/\-_'’&@+#=%]*[{_LATIN}0-9%])?")
_LATIN_RUN = re.compile(rf"(?:{_URL}|{_LATIN_TOKEN})(?:[ ]+(?:{_URL}|{_LATIN_TOKEN}))*")
_ARABIC_RUN = re.compile(rf"[{_ARABIC}](?:[{_ARABIC}{_DIGIT} ،؛.\-]*[{_ARABIC}{_DIGIT}])?")
_HAS_LATIN = re.compile(rf"[{_LATIN}]")
_NUMBER = re.compile(rf"[{_DIGIT}]+(?:[.,٬٫][{_DIGIT}]+)*")
_STRONG = re.compile(rf"[{_LATIN}{_ARABIC}\u0590-\u05FF]")


# --------------------------------------------------------------------------- settings

@dataclass(frozen=True)
class ExportSettings:
    """The ``[tool.newsloc.export]`` table.

    ``formats``: which files to write (default all of html, md, txt).
    ``locale``: per language, the locale used for dates and numbers
    (e.g. ``{ar = "ar_IQ"}`` for Iraqi month names; default: the language).
    ``digits``: per language, the numbering system (``latn``, ``arab`` or
    ``arabext``; default: CLDR's default numbering system of that locale,
    i.e. ``arab`` for ar_IQ and ckb, ``latn`` for ar and ku).
    ``min_reviewed``: the default bar in percent (100).
    ``proof``: write proof pages (default true).
    """

    formats: tuple[str, ...] = FORMATS
    locale: dict[str, str] = field(default_factory=dict)
    digits: dict[str, str] = field(default_factory=dict)
    min_reviewed: float = 100.0
    proof: bool = True

    def locale_of(self, lang: str) -> str:
        return self.locale.get(lang, lang)

    def digits_of(self, lang: str) -> str:
        return self.digits.get(lang) or default_numbering_system(self.locale_of(lang))


def export_settings(project: Project) -> ExportSettings:
    """Read and validate ``[tool.newsloc.export]``; raise :class:`ConfigError` naming the file."""
    table = project.section("export")
    where = project.root / "pyproject.toml"

    def bad(message: str) -> ConfigError:
        return ConfigError(f"[tool.newsloc.export] {message}", path=where)

    formats = table.get("formats", list(FORMATS))
    if isinstance(formats, str):
        formats = [f.strip() for f in formats.split(",") if f.strip()]
    if not isinstance(formats, list) or not formats or any(f not in FORMATS for f in formats):
        raise bad(f"formats must be a list drawn from {', '.join(FORMATS)}")
    mappings = {}
    for key in ("locale", "digits"):
        value = table.get(key, {})
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise bad(f"{key} must be a table of language = \"value\"")
        mappings[key] = {k.replace("-", "_"): v.replace("-", "_") for k, v in value.items()}
    for code in mappings["locale"].values():
        parse_locale(code, path=where)
    for lang, system in mappings["digits"].items():
        if system not in DIGITS:
            raise bad(f"digits.{lang} = {system!r}: use one of {', '.join(sorted(DIGITS))}")
    min_reviewed = table.get("min_reviewed", 100)
    if not isinstance(min_reviewed, (int, float)) or not 0 <= min_reviewed <= 100:
        raise bad("min_reviewed must be a number from 0 to 100")
    proof = table.get("proof", True)
    if not isinstance(proof, bool):
        raise bad("proof must be true or false")
    return ExportSettings(formats=tuple(dict.fromkeys(formats)), locale=mappings["locale"],
                          digits=mappings["digits"], min_reviewed=float(min_reviewed), proof=proof)


@dataclass(frozen=True)
class Policy:
    """When an edition may be published, and what fills its unreviewed segments."""

    min_reviewed: float = 100.0
    machine: bool = False

    def __post_init__(self) -> None:
        if not 0 <= self.min_reviewed <= 100:
            raise ExportError(f"--min-reviewed must be 0..100, not {self.min_reviewed:g}")


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
        return Text(tuple(by_block.get(index, ())), lang)

    words = _words(lang)
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
def _words(lang: str) -> Words:
    """The fixed words of *lang*, read once per process."""
    return Words(lang)


@functools.lru_cache(maxsize=None)
def _digit_localiser(locale: str, system: str) -> Callable[[str], str]:
    """Return a function writing the numbers of a translation in numbering *system*."""
    if system == "latn":
        # Only digits change: a Latin-digit translator's separators are already right.
        def to_latin(text: str) -> str:
            return _NUMBER.sub(lambda m: convert_digits(m.group(), "latn"), text)
        return to_latin
    group, decimal = number_symbols(locale, system)

    def number(match: re.Match[str]) -> str:
        value = match.group()
        value = re.sub(r"(?<=\d),(?=\d{3}\b)", group, value)
        value = re.sub(r"(?<=\d)\.(?=\d)", decimal, value)
        return convert_digits(value, system)

    def localise(text: str) -> str:
        out, pos = [], 0
        for m in _LATIN_RUN.finditer(text):
            if not _HAS_LATIN.search(m.group()):
                continue  # a bare number is converted below
            out.append(_NUMBER.sub(number, text[pos:m.start()]))
            # Inside Latin-script tokens (K1, F-16, URLs) digits stay Latin.
            out.append(m.group())
            pos = m.end()
        out.append(_NUMBER.sub(number, text[pos:]))
        return "".join(out)
    return localise


# --------------------------------------------------------------------------- bidi and escaping

def bidi_chunks(text: str, direction: str) -> list[tuple[str, bool]]:
    """Split *text* into ``(chunk, isolate)`` pairs: runs of the other direction's script.

    In right-to-left text, Latin-script runs and numbers are isolated; in
    left-to-right text, Arabic-script runs.

    >>> bidi_chunks("قاعدة K1 Air Base في كركوك", "rtl")
    [('قاعدة ', False), ('K1 Air Base', True), (' في كركوك', False)]
    """
    pattern = _LATIN_RUN if direction == "rtl" else _ARABIC_RUN
    chunks: list[tuple[str, bool]] = []
    pos = 0
    for m in pattern.finditer(text):
        if m.start() > pos:
            chunks.append((text[pos:m.start()], False))
        chunks.append((m.group(), True))
        pos = m.end()
    if pos < len(text):
        chunks.append((text[pos:], False))
    return chunks


def html_isolate(text: str, direction: str) -> Markup:
    """Escape *text* for HTML, wrapping opposite-direction runs in ``<bdi>``.

    >>> str(html_isolate("<script>x</script> داعش", "rtl"))
    '&lt;<bdi>script</bdi>&gt;<bdi>x</bdi>&lt;/<bdi>script</bdi>&gt; داعش'
    """
    return Markup("").join(Markup("<bdi>{}</bdi>").format(chunk) if iso else escape(chunk)
                           for chunk, iso in bidi_chunks(text, direction))


def unicode_isolate(text: str, direction: str) -> str:
    """Wrap opposite-direction runs of *text* in Unicode isolates where order could break.

    A run is isolated when it holds anything beyond letters (spaces, digits,
    punctuation) or opens the text (where it would set the paragraph's
    direction); a lone word displays right without help.

    >>> unicode_isolate("دفع $250,000 يومياً", "rtl") == "دفع \\u2066$250,000\\u2069 يومياً"
    True
    """
    opener = _LRI if direction == "rtl" else _RLI
    out = []
    for k, (chunk, iso) in enumerate(bidi_chunks(text, direction)):
        if iso and (k == 0 or not chunk.isalpha()):
            chunk = f"{opener}{chunk}{_PDI}"
        out.append(chunk)
    return "".join(out)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~])")
_MD_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])")


def md_escape(text: str) -> str:
    r"""Escape *text* so Markdown shows it literally (no markup, no raw HTML).

    >>> md_escape("<script>alert(1)</script> *x*")
    '\\<script\\>alert(1)\\</script\\> \\*x\\*'
    >>> md_escape("1. not a list")
    '1\\. not a list'
    """
    text = _MD_SPECIAL.sub(r"\\\1", text)
    m = _MD_LINE_START.match(text)
    if m:
        marker = m.group(2)
        escaped = marker[:-1] + "\\" + marker[-1]
        text = m.group(1) + escaped + text[m.end():]
    return text


def _mark_rtl_lines(text: str) -> str:
    """Prefix RLM to lines of an RTL text file whose first strong character is not RTL."""
    lines = []
    for line in text.split("\n"):
        visible = re.sub(f"[{_LRI}{_RLI}\u2068].*?{_PDI}", "", line)
        m = _STRONG.search(visible)
        if line.strip() and (m is None or re.match(f"[{_LATIN}]", m.group())):
            line = _RLM + line
        lines.append(line)
    return "\n".join(lines)


# --------------------------------------------------------------------------- rendering

@dataclass(frozen=True)
class IndexEntry:
    """One edition as the language's index lists it."""

    slug: str
    headline: str
    date: str | None
    date_text: str | None
    partial: bool


_ENV: jinja2.Environment | None = None


def _env() -> jinja2.Environment:
    global _ENV
    if _ENV is None:
        _ENV = jinja2.Environment(
            loader=jinja2.PackageLoader("pipeline", "templates"),
            autoescape=jinja2.select_autoescape(["html"], default_for_string=False),
            undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
            trim_blocks=True, lstrip_blocks=True,
            # Templates ship with the package: no stat() per render to look for edits.
            auto_reload=False)
    return _ENV


def lang_tag(code: str) -> str:
    """BCP 47 tag for HTML ``lang``: ``ar_IQ`` → ``ar-IQ``.

    >>> lang_tag("ar_IQ")
    'ar-IQ'
    """
    return code.replace("_", "-")


def render_edition(edition: Edition, fmt: str) -> str:
    """Render *edition* as ``html``, ``md`` or ``txt``."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (use {', '.join(FORMATS)})")
    words = _words(edition.lang)
    direction = edition.direction
    labels = {SHOWN_MACHINE: words("Machine translation, not yet reviewed"),
              SHOWN_SOURCE: words("Source text, not yet translated")}
    if fmt == "html":
        def inline(text: Text | None) -> Markup:
            if text is None:
                return Markup("")
            parts = []
            for run in text.runs():
                if run.shown == SHOWN_REVIEWED:
                    parts.append(html_isolate(run.text, direction))
                elif run.shown == SHOWN_MACHINE:
                    parts.append(Markup('<span class="machine">{}</span> '
                                        '<small class="flag">[{}]</small>').format(
                        html_isolate(run.text, direction), labels[SHOWN_MACHINE]))
                else:
                    parts.append(Markup('<span class="source" lang="en" dir="ltr">{}</span> '
                                        '<small class="flag">[{}]</small>').format(
                        run.text, labels[SHOWN_SOURCE]))
            return Markup(" ").join(parts)
    else:
        isolate = (lambda s: s) if fmt == "txt" else md_escape
        source_opener = _LRI if direction == "rtl" else ""
        source_closer = _PDI if direction == "rtl" else ""

        def inline(text: Text | None) -> str:  # type: ignore[misc]
            if text is None:
                return ""
            parts = []
            for run in text.runs():
                if run.shown == SHOWN_SOURCE:
                    body = f"{source_opener}{isolate(run.text)}{source_closer}"
                else:
                    body = isolate(unicode_isolate(run.text, direction))
                if run.shown != SHOWN_REVIEWED:
                    flag = f"[{labels[run.shown]}]"
                    body += f" *{md_escape(flag)}*" if fmt == "md" else f" {flag}"
                parts.append(body)
            return " ".join(parts)

    context = {
        "e": edition, "w": words, "inline": inline, "lang_tag": lang_tag(edition.lang),
        "dir": direction, "fonts": _font_stack(direction), "generator": f"newsloc {__version__}",
        "published": words("Published {date}", date=edition.date_text) if edition.date_text else None,
        "photo": lambda credit: words("Photo: {credit}", credit=str(credit)),
        "title": edition.headline.plain, "partial": edition.partial,
        "json": lambda v: json.dumps(v, ensure_ascii=False),
        "underline": lambda s, ch: ch * max(3, len(re.sub(f"[{_LRI}{_RLI}{_PDI}\u2068{_RLM}]", "", str(s)))),
    }
    if fmt == "html":
        context["photo"] = lambda credit: Markup(escape(words("Photo: {credit}", credit="\x00"))
                                                 .replace("\x00", credit))
    elif fmt == "md":
        context["photo"] = lambda credit: md_escape(words("Photo: {credit}", credit="\x00")) \
            .replace("\x00", str(credit))
    else:
        context["photo"] = lambda credit: words("Photo: {credit}", credit="\x00").replace("\x00", str(credit))
    text = _env().get_template(f"edition.{fmt}").render(**context)
    if fmt != "html" and direction == "rtl":
        if fmt == "md" and text.startswith("---\n"):
            end = text.index("\n---\n", 4) + 5
            text = text[:end] + _mark_rtl_lines(text[end:])
        else:
            text = _mark_rtl_lines(text)
    return text


def _font_stack(direction: str) -> str:
    """CSS font stack: Arabic-script faces that cover Sorani letters first for RTL editions."""
    arabic = ['"Noto Naskh Arabic"', '"Noto Sans Arabic"', '"Noto Kufi Arabic"', '"Amiri"',
              '"Scheherazade New"', '"Vazirmatn"', '"Geeza Pro"', '"Segoe UI"', '"Tahoma"']
    latin = ['"Noto Serif"', '"Noto Sans"', '"DejaVu Serif"', '"Georgia"', '"Times New Roman"']
    stack = arabic + latin if direction == "rtl" else latin + arabic
    return ", ".join(stack + ["serif"])


def render_index(lang: str, entries: Sequence[IndexEntry]) -> str:
    """Render the index page of one language."""
    words = _words(lang)
    direction = text_direction(lang)
    return _env().get_template("index.html").render(
        lang_tag=lang_tag(lang), dir=direction, w=words, entries=entries,
        language=display_name(lang), fonts=_font_stack(direction),
        generator=f"newsloc {__version__}",
        iso=lambda s: html_isolate(s, direction))


def render_proof(article: Article, lang: str, readiness: Readiness, *, policy: Policy,
                 findings: Sequence[Any] | None, catalog_name: str) -> str:
    """Render the bilingual proof page of *article* in *lang*."""
    direction = text_direction(lang)
    by_msgid: dict[str, list[Any]] = {}
    for f in findings or ():
        by_msgid.setdefault(getattr(f, "msgid", "") or "", []).append(f)
    rows = []
    seen: set[str] = set()
    for n, st in enumerate(readiness.states, start=1):
        first = st.segment.source not in seen
        seen.add(st.segment.source)
        rows.append({"n": n, "seg": st.segment, "state": st.state,
                     "translation": html_isolate(st.translation, direction),
                     "findings": by_msgid.get(st.segment.source, []) if first else []})
    general = by_msgid.get("", [])
    reason = readiness.refusal(policy)
    return _env().get_template("proof.html").render(
        article=article, lang=lang, lang_tag=lang_tag(lang), dir=direction,
        language=display_name(lang, "en"), rows=rows, r=readiness, reason=reason,
        policy=policy, findings_available=findings is not None, general=general,
        catalog_name=catalog_name, fonts=_font_stack("rtl"),
        generator=f"newsloc {__version__}")


# --------------------------------------------------------------------------- the export run

@dataclass
class Outcome:
    """What export did for one article in one language."""

    slug: str
    lang: str
    status: str                     # "written", "unchanged", "skipped", "error"
    reason: str = ""
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    partial: bool = False
    #: A file of this edition could not be written (the reason names each one).
    write_failed: bool = False

    @property
    def exported(self) -> bool:
        return self.status in ("written", "unchanged")


@dataclass
class ExportReport:
    """Everything an export run did."""

    outcomes: list[Outcome] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)

    @property
    def exported(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.exported]

    @property
    def skipped(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.exported]


def _findings(project: Project, po_path: Path, lang: str) -> list[Any] | None:
    """Return ``check`` findings for a catalogue, or None when checks are not available."""
    try:
        from .checks import check_catalog  # written by the check stage; optional here
    except ImportError:
        return None
    try:
        return list(check_catalog(po_path, lang, project))
    except Exception as exc:  # a failing check must not block the proof or the edition
        log.warning("checks failed on %s: %s", po_path, exc)
        return None


def _recorded_findings(po_path: Path, checked: tuple[tuple, ...]) -> list[Any]:
    """Findings from ``check``'s records, as :func:`_findings` would return them."""
    from .checks import Finding
    return [Finding(str(po_path), *f) for f in checked]


def export_editions(project: Project, paths: Iterable[Path] | None = None,
                    languages: Iterable[str] | None = None, *,
                    formats: Sequence[str] | None = None, out: Path | None = None,
                    policy: Policy | None = None, proof: bool | None = None,
                    jobs: int | None = None, force: bool = False) -> ExportReport:
    """Export the editions of *paths* (default: every article) in *languages*.

    Writes ``<out>/<lang>/<slug>.<fmt>``, ``<out>/<lang>/index.html`` (+ ``index.json``)
    and ``<out>/proof/<lang>/<slug>.html``. Refused editions are reported, not written.
    Editions whose inputs and files are as the export manifest recorded them are
    not rendered again (``force=True`` renders everything); the others are
    rendered in *jobs* processes (default: one per CPU).
    """
    settings = export_settings(project)
    formats = tuple(formats or settings.formats)
    for fmt in formats:
        if fmt not in FORMATS:
            raise ExportError(f"unknown format {fmt!r} (use {', '.join(FORMATS)})")
    out = Path(out) if out is not None else project.editions_dir
    policy = policy or Policy(min_reviewed=settings.min_reviewed)
    proof = settings.proof if proof is None else proof
    languages = list(languages) if languages is not None else list(project.languages)
    every = paths is None
    paths = list(paths) if paths is not None else project.article_paths()
    jobs = resolve_jobs(jobs)
    job = _Job(project, settings, formats, out, policy, proof)
    manifest = Manifest.load(project, STAGE, export_key(job))
    words = {lang: _words_digest(lang) for lang in languages}
    slugs = Counter(slug_for(p) for p in paths)
    # Plain strings in this loop: a no-op run over thousands of editions is
    # mostly hashing, and pathlib would cost as much again.
    locales, out_dir = str(project.locales_dir), str(out)

    # Per article, in order: its outcomes by language (filled from the
    # manifest now, or by a worker below).
    slots: list[dict[str, Outcome]] = [{} for _ in paths]
    index_entries: dict[str, dict[str, IndexEntry]] = {lang: {} for lang in languages}
    units: list[_Unit] = []
    by_slug: dict[str, _Unit] = {}
    refs = [_ref(project, p) for p in paths]
    for k, path in enumerate(paths):
        ref = refs[k]
        slug = slug_for(path)
        # Hash before use: an edit made while this run works is seen next run.
        article_digest = digest_path(path)
        todo: dict[str, _Inputs] = {}
        for lang in languages:
            po_path = os.path.join(locales, lang, slug + ".po")
            inputs = _Inputs(ref, article_digest, digest_path(po_path), words[lang])
            record = manifest.get(_item(lang, ref))
            # Articles sharing a slug write the same files: always redone, in order.
            if not force and slugs[slug] == 1 and _up_to_date(record, inputs, out_dir):
                outcome, entry = _recorded(slug, lang, record, out)
                slots[k][lang] = outcome
                if entry is not None:
                    index_entries[lang][slug] = entry
            else:
                todo[lang] = inputs
        if not todo:
            continue
        if slug in by_slug:
            by_slug[slug].articles.append((k, path, todo))
        else:
            by_slug[slug] = _Unit([(k, path, todo)])
            units.append(by_slug[slug])

    report = ExportReport()
    write_errors: list[str] = []
    # Workers start before check's records are read: a forked worker carries
    # every page of its parent, and those records are not its business.
    pool = _pool(jobs, units)
    try:
        if units and proof:
            # Proof pages show check findings; `newsloc check` records them per
            # catalogue digest, so a catalogue it has seen is not checked again here.
            recorded = _check_records(project)
            if recorded is not None:
                for unit in units:
                    for _, path, todo in unit.articles:
                        for lang, inputs in todo.items():
                            found = recorded(project.catalog_path(slug_for(path), lang), lang,
                                             inputs.po)
                            if found is not None:
                                todo[lang] = dataclasses.replace(inputs, findings=found)
                del recorded
        for k, done in _run_units(job, units, pool, jobs):
            for lang, outcome, record, entry in done:
                slots[k][lang] = outcome
                if entry is not None:
                    index_entries[lang][outcome.slug] = entry
                item = _item(lang, refs[k])
                if outcome.write_failed:
                    write_errors.append(outcome.reason)
                if record is None:
                    manifest.drop(item)  # an error: retried (and reported) every run
                else:
                    manifest.put(item, record)
        if every:
            current = set(refs)
            manifest.keep_only(i for i in list(manifest.records) if i.split("/", 1)[-1] in current)
    finally:
        if pool is not None:
            pool.terminate()  # all results are in (or the run failed): stop the workers
            pool.join()
        manifest.save()  # also after an error or Ctrl-C: what finished stays recorded
    for slot in slots:
        for lang in languages:
            outcome = slot[lang]
            report.outcomes.append(outcome)
            report.written += outcome.written
            report.unchanged += outcome.unchanged
    if "html" in formats:
        for lang in languages:
            written = _update_index(project, out, lang, index_entries[lang])
            for path, changed in written:
                (report.written if changed else report.unchanged).append(path)
    if write_errors:
        # As a single write's failure always did: the run fails naming the file,
        # once every other edition is written, recorded and indexed.
        more = f" (and {len(write_errors) - 1} more edition(s) with write errors)" \
            if len(write_errors) > 1 else ""
        raise ExportError(write_errors[0] + more)
    return report


# --------------------------------------------------------------------------- incremental, parallel

STAGE = "export"
#: Modules whose source shapes an edition or a proof page: editing one re-renders everything.
MODULES = ("export", "edition_words", "article", "segment", "catalog", "povalidate", "locales",
           "config", "checks", "glossary", "protect", "fsutil", "manifest")
LIBRARIES = ("Jinja2", "MarkupSafe", "babel", "polib", "pysbd", "PyYAML")
#: Below this many articles to render, a process pool costs more than it saves.
POOL_THRESHOLD = 8

_PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class _Job:
    """What every edition of one run is rendered with (picklable, sent to workers)."""

    project: Project
    settings: ExportSettings
    formats: tuple[str, ...]
    out: Path
    policy: Policy
    proof: bool


@dataclass(frozen=True)
class _Inputs:
    """The digests of what an edition is made from, taken before it is rendered."""

    ref: str
    article: str | None
    po: str | None
    words: str
    #: ``check``'s recorded findings for these very catalogue bytes, when it has them.
    findings: tuple[tuple, ...] | None = None


@dataclass
class _Unit:
    """Articles sharing one slug (usually one): (position, path, languages to do)."""

    articles: list[tuple[int, Path, dict[str, _Inputs]]]


def export_key(job: _Job) -> str:
    """The manifest key of export: code, libraries, templates, glossaries and every setting."""
    project = job.project
    templates = {p.name: digest_path(p) for p in sorted((_PACKAGE / "templates").iterdir())
                 if p.is_file()}
    glossaries = {p.relative_to(project.locales_dir).as_posix(): digest_path(p)
                  for p in sorted(project.locales_dir.glob("*/glossary.*"))}
    settings = job.settings
    return stage_key(STAGE, modules=MODULES, libraries=LIBRARIES, settings={
        "root": str(project.root), "source": project.source, "out": os.path.abspath(job.out),
        "formats": list(job.formats), "locale": settings.locale, "digits": settings.digits,
        "policy": [job.policy.min_reviewed, job.policy.machine], "proof": job.proof,
        "templates": templates, "glossaries": glossaries})


def _words_digest(lang: str) -> str:
    """Digest of the edition-words catalogues a language reads (its own and its base's)."""
    base = lang.replace("-", "_").split("_")[0]
    folder = _PACKAGE / "data" / "words"
    return digest_bytes("\0".join(str(digest_path(folder / f"{code}.po"))
                                   for code in dict.fromkeys((base, lang))).encode())


def _ref(project: Project, path: Path) -> str:
    """The article as the manifest names it: relative to the project root, with slashes."""
    root = str(project.root)
    absolute = os.path.abspath(path)
    if absolute.startswith(root + os.sep):
        absolute = absolute[len(root) + 1:]
    return absolute.replace(os.sep, "/")


def _item(lang: str, ref: str) -> str:
    return f"{lang}/{ref}"


def _up_to_date(record: dict | None, inputs: _Inputs, out: str) -> bool:
    """True when *record* was made from *inputs* and every file it wrote still holds its bytes."""
    if (record is None or inputs.article is None or record.get("article") != inputs.article
            or record.get("po") != inputs.po or record.get("words") != inputs.words):
        return False
    files = record.get("files")
    if not isinstance(files, dict):
        return False
    # Never assume an edition is there: a deleted or edited file is rendered again.
    return all(digest_path(os.path.join(out, rel)) == digest for rel, digest in files.items())


def _recorded(slug: str, lang: str, record: dict, out: Path) -> tuple[Outcome, IndexEntry | None]:
    """The outcome (and index entry) of an up-to-date edition, from its record."""
    files = [out / rel for rel in record["files"]]
    if record.get("status") == "exported":
        outcome = Outcome(slug, lang, "unchanged", unchanged=files,
                          partial=bool(record.get("partial")))
    else:
        outcome = Outcome(slug, lang, "skipped", str(record.get("reason", "")), unchanged=files)
    entry = None
    index = record.get("index")
    if isinstance(index, list) and len(index) == 4:
        entry = IndexEntry(slug, str(index[0]), index[1], index[2], bool(index[3]))
    return outcome, entry


def _check_records(project: Project) -> Callable[[Path, str, str | None], tuple | None] | None:
    """Return check's lookup of recorded findings (see :func:`checks.recorded_findings`), or None."""
    try:
        from .checks import recorded_findings
    except ImportError:  # checks not installed: run them here
        return None
    return recorded_findings(project)


_Done = tuple[str, Outcome, "dict | None", "IndexEntry | None"]


def _pool(jobs: int, units: list[_Unit]) -> Any:
    """Start a pool of *jobs* workers when *units* are worth one, else return None."""
    articles = sum(len(u.articles) for u in units)
    if jobs <= 1 or articles < POOL_THRESHOLD:
        return None
    return process_pool(min(jobs, len(units)))


def _run_units(job: _Job, units: list[_Unit], pool: Any, jobs: int
               ) -> Iterator[tuple[int, list[_Done]]]:
    """Render the editions of *units*, in-process or in *pool*; yield (position, results)."""
    if pool is None:
        yield from _do_units(job, units)
        return
    jobs = min(jobs, len(units))
    # A few articles per task: fewer round trips; only small outcomes travel back.
    size = max(1, min(16, len(units) // (jobs * 4)))
    tasks = ((job, units[k:k + size]) for k in range(0, len(units), size))
    yield from (result for results in pool.imap_unordered(_do_unit_list, tasks)
                for result in results)


def _do_unit_list(task: tuple[_Job, list[_Unit]]) -> list[tuple[int, list[_Done]]]:
    job, units = task
    return list(_do_units(job, units))


#: Articles whose files are written together, with one flush (see atomic_write_many).
BATCH = 8

# One rendered edition waiting for its files to be written:
# (language, inputs, outcome, index entry, {path: text}).
_Rendered = tuple[str, _Inputs, Outcome, "IndexEntry | None", dict[Path, str]]


def _do_units(job: _Job, units: Iterable[_Unit]) -> Iterator[tuple[int, list[_Done]]]:
    """Render the editions of *units*, writing the files of up to BATCH articles at once."""
    batch: list[tuple[int, list[_Rendered]]] = []
    paths: set[Path] = set()
    for unit in units:
        for k, path, todo in unit.articles:
            rendered = _render_article(job, path, todo)
            files = {p for r in rendered for p in r[4]}
            # Articles sharing a slug write the same files: the later one must be
            # compared with what the earlier one left, so it waits for that write.
            if len(batch) >= BATCH or files & paths:
                yield from _write_batch(job, batch)
                batch, paths = [], set()
            batch.append((k, rendered))
            paths |= files
    yield from _write_batch(job, batch)


def _render_article(job: _Job, path: Path, todo: dict[str, _Inputs]) -> list[_Rendered]:
    """Render (not write) the editions of one article in the languages of *todo*."""
    project = job.project
    try:
        article = read_article(path)
        segments = segment_article(article, project.source)
    except PipelineError as exc:
        return [(lang, inputs, Outcome(slug_for(path), lang, "error", str(exc)), None, {})
                for lang, inputs in todo.items()]
    return [(lang, inputs, *_render_one(project, article, segments, lang, formats=job.formats,
                                        out=job.out, policy=job.policy, settings=job.settings,
                                        proof=job.proof, checked=inputs.findings))
            for lang, inputs in todo.items()]


def _write_batch(job: _Job, batch: list[tuple[int, list[_Rendered]]]
                 ) -> Iterator[tuple[int, list[_Done]]]:
    """Write every file of *batch* with one flush; yield each article's results."""
    if not batch:
        return
    items = [(p, text.encode("utf-8"), UNCHECKED)
             for _, rendered in batch for r in rendered for p, text in r[4].items()]
    landed = iter(atomic_write_many(items, error=ExportError))
    datas = iter(data for _, data, _ in items)
    for k, rendered in batch:
        done: list[_Done] = []
        for lang, inputs, outcome, entry, files in rendered:
            digests: dict[Path, str] = {}
            failed: list[str] = []
            for path in files:
                changed, data = next(landed), next(datas)
                if isinstance(changed, BaseException):
                    failed.append(str(changed))
                    continue
                digests[path] = digest_bytes(data)
                (outcome.written if changed else outcome.unchanged).append(path)
            if failed:
                # Files that did land are reported; none is recorded, so the
                # whole edition is written again next run.
                outcome.status, outcome.reason = "error", "; ".join(failed)
                outcome.write_failed = True
                entry = None
            elif entry is not None:
                edition_files = any(p.parent.name == lang and p.parent.parent == job.out
                                    for p in outcome.written)
                outcome.status = "written" if edition_files else "unchanged"
            record = None
            if outcome.status != "error":
                record = {"article": inputs.article, "po": inputs.po, "words": inputs.words,
                          "status": "exported" if outcome.exported else "skipped",
                          "reason": outcome.reason, "partial": outcome.partial,
                          "files": {p.relative_to(job.out).as_posix(): d
                                    for p, d in digests.items()},
                          "index": None if entry is None else [entry.headline, entry.date,
                                                               entry.date_text, entry.partial]}
            done.append((lang, outcome, record, entry))
        yield k, done


#: Called with (slug, lang) each time an edition is rendered (tests count renders).
on_render: Callable[[str, str], None] | None = None


def _render_one(project: Project, article: Article, segments: list[Segment], lang: str, *,
                formats: Sequence[str], out: Path, policy: Policy, settings: ExportSettings,
                proof: bool, checked: tuple[tuple, ...] | None = None
                ) -> tuple[Outcome, IndexEntry | None, dict[Path, str]]:
    """Render one edition; return its outcome, index entry and files to write (path: text).

    Nothing is written here: the caller writes the files (see :func:`_write_batch`)
    and completes the outcome.

    *checked*: the catalogue's findings as ``check`` recorded them
    (lineno, msgid, check, severity, message); None runs the checks.
    """
    outcome = Outcome(article.slug, lang, "skipped")
    po_path = project.catalog_path(article.slug, lang)
    if not po_path.is_file():
        outcome.reason = f"no catalogue {po_path.name} for {lang}: run `newsloc extract`"
        return outcome, None, {}
    try:
        po = load_catalog(po_path)
    except PipelineError as exc:
        outcome.status, outcome.reason = "error", str(exc)
        return outcome, None, {}
    if on_render is not None:
        on_render(article.slug, lang)
    readiness = assess(segments, po)
    missing = sum(s.state == MISSING for s in readiness.states)
    files: dict[Path, str] = {}
    if proof:
        files[out / "proof" / lang / f"{article.slug}.html"] = render_proof(
            article, lang, readiness, policy=policy,
            findings=_findings(project, po_path, lang) if checked is None else
            _recorded_findings(po_path, checked), catalog_name=po_path.name)
    entry = None
    try:
        edition = assemble_edition(project, article, lang, po, policy=policy,
                                   settings=settings, segments=segments)
    except ExportError as exc:
        outcome.reason = exc.message.split(": ", 1)[-1]
        if missing:
            outcome.reason += f"; {missing} segment(s) missing from the catalogue: run `newsloc extract`"
        edition = None
    if edition is not None:
        for fmt in formats:
            files[out / lang / f"{article.slug}.{fmt}"] = render_edition(edition, fmt)
        outcome.partial = edition.partial
        entry = IndexEntry(article.slug, edition.headline.plain, edition.date_iso,
                           edition.date_text, edition.partial)
    # Everything is rendered before anything is written: a failure above leaves
    # every file as it was.
    return outcome, entry, files


def _update_index(project: Project, out: Path, lang: str,
                  updates: dict[str, IndexEntry]) -> list[tuple[Path, bool]]:
    """Merge this run's editions into ``<out>/<lang>/index.json`` and render ``index.html``.

    Entries of editions exported earlier stay while their HTML file exists, so
    exporting one article never drops the others from the index.
    """
    folder = out / lang
    json_path = folder / "index.json"
    entries: dict[str, IndexEntry] = {}
    if json_path.is_file():
        try:
            for item in json.loads(json_path.read_text(encoding="utf-8")).get("editions", []):
                entry = IndexEntry(str(item["slug"]), str(item["headline"]), item.get("date"),
                                   item.get("date_text"), bool(item.get("partial")))
                entries[entry.slug] = entry
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            log.warning("%s: unreadable, rebuilt from this run's editions (%s)", json_path, exc)
    entries.update(updates)
    entries = {slug: e for slug, e in entries.items() if (folder / f"{slug}.html").is_file()}
    if not entries and not folder.is_dir():
        return []
    ordered = sorted(entries.values(), key=lambda e: (e.date is None, _neg_date(e.date), e.slug))
    data = {"language": lang, "generator": f"newsloc {__version__}",
            "editions": [{"slug": e.slug, "headline": e.headline, "date": e.date,
                          "date_text": e.date_text, "partial": e.partial,
                          "html": f"{e.slug}.html"} for e in ordered]}
    json_text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    html_path = folder / "index.html"
    return [(json_path, atomic_write(json_path, json_text, error=ExportError)),
            (html_path, atomic_write(html_path, render_index(lang, ordered), error=ExportError))]


def _neg_date(value: str | None) -> str:
    """Sort key putting the newest ISO date first."""
    if not value:
        return ""
    return "".join(chr(0x10FFFF - ord(c)) for c in value)

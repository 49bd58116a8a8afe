"""Review status: how far translation and review have come, per article and language.

Each active entry of a catalogue is in exactly one state:

``untranslated``
    no translation (a fuzzy entry with an empty msgstr counts here too);
``machine``
    machine or memory output awaiting review: fuzzy, with a provenance line
    (``MT: <engine> <date>`` or ``TM ...``) in the extracted comment and no
    previous msgid;
``outdated``
    fuzzy because the source changed (a previous msgid ``#|``), or fuzzy
    without provenance (a human draft or a msgmerge guess);
``reviewed``
    translated and not fuzzy.

Segments are entries; words are the English words of their msgids. The
percentage reviewed is by words (what a desk schedules), segments alongside.

Post-edit distance tells a desk how much reviewers changed each engine's
output: for a reviewed entry still carrying ``MT: <engine> <date>``, the
original machine output is looked up in the MT cache
(:class:`pipeline.mtcache.MTCache`) and compared with the reviewed msgstr
as a normalised Levenshtein distance (0 % = accepted as is, 100 % =
rewritten). Without a cache record (cache deleted, another machine) the
entry is counted as ``n/a``, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from rapidfuzz.distance import Levenshtein

from .catalog import PROVENANCE, load_catalog
from .config import Project, slug_for
from .errors import PipelineError

STATES = ("untranslated", "machine", "outdated", "reviewed")
_MT_LINE = re.compile(r"^MT:\s*(\S+)")


@dataclass
class Tally:
    """Segments and source words in one state."""

    segments: int = 0
    words: int = 0

    def add(self, words: int) -> None:
        self.segments += 1
        self.words += words


@dataclass
class PostEdit:
    """Post-edit distance of one engine's reviewed output."""

    measured: int = 0        # reviewed entries compared with the cached MT output
    total_distance: float = 0.0
    unchanged: int = 0       # accepted exactly as the engine wrote them
    no_record: int = 0       # MT provenance, but the cache has no record: n/a

    @property
    def mean(self) -> float | None:
        """Mean distance in percent (None when nothing could be measured)."""
        return self.total_distance / self.measured if self.measured else None

    def merge(self, other: "PostEdit") -> None:
        self.measured += other.measured
        self.total_distance += other.total_distance
        self.unchanged += other.unchanged
        self.no_record += other.no_record

    def to_dict(self) -> dict[str, Any]:
        mean = self.mean
        return {"measured": self.measured, "mean_distance": None if mean is None else round(mean, 1),
                "unchanged": self.unchanged, "no_record": self.no_record}


@dataclass
class CatalogStatus:
    """The review state of one article in one language."""

    article: str
    lang: str
    path: Path
    states: dict[str, Tally] = field(default_factory=lambda: {s: Tally() for s in STATES})
    post_edit: dict[str, PostEdit] = field(default_factory=dict)
    note: str = ""            # "no catalogue yet", ...
    error: str | None = None  # the catalogue could not be read

    @property
    def segments(self) -> int:
        return sum(t.segments for t in self.states.values())

    @property
    def words(self) -> int:
        return sum(t.words for t in self.states.values())

    @property
    def percent_reviewed(self) -> float:
        """Share of source words reviewed, in percent."""
        return 100.0 * self.states["reviewed"].words / self.words if self.words else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "article": self.article, "lang": self.lang, "path": str(self.path),
            **{s: {"segments": t.segments, "words": t.words} for s, t in self.states.items()},
            "segments": self.segments, "words": self.words,
            "percent_reviewed": round(self.percent_reviewed, 1),
            "percent_reviewed_segments": round(100.0 * self.states["reviewed"].segments
                                               / self.segments, 1) if self.segments else 0.0,
            "post_edit": {k: v.to_dict() for k, v in sorted(self.post_edit.items())},
            "note": self.note, "error": self.error,
        }


def _words(text: str) -> int:
    return len(text.split())


def classify(entry: Any) -> str:
    """Return the state of one catalogue entry (see the module docstring)."""
    translated = bool(entry.msgstr) or any(v for v in (entry.msgstr_plural or {}).values())
    if not translated:
        return "untranslated"
    if "fuzzy" not in entry.flags:
        return "reviewed"
    if entry.previous_msgid is not None:
        return "outdated"
    if any(PROVENANCE.match(line) for line in (entry.comment or "").split("\n")):
        return "machine"
    return "outdated"


def mt_engine(entry: Any) -> str | None:
    """Return the engine named by the entry's ``MT: <engine> <date>`` line, if any."""
    for line in (entry.comment or "").split("\n"):
        m = _MT_LINE.match(line)
        if m:
            return m.group(1)
    return None


class _Cache:
    """Read-only access to the MT cache; absent cache = every lookup is n/a."""

    def __init__(self, project: Project) -> None:
        self._cache = None
        try:
            from .mtcache import MTCache, cache_path
        except ImportError:  # pragma: no cover - MT stage not installed
            return
        path = cache_path(project)
        if path.is_file():  # never create a cache just to report on it
            self._cache = MTCache(path)

    def get(self, engine: str, source: str, target: str, text: str) -> str | None:
        if self._cache is None:
            return None
        return self._cache.get(engine, source, target, text)

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()


def catalog_status(project: Project, slug: str, lang: str, *, cache: _Cache | None = None) -> CatalogStatus:
    """Return the review state of article *slug* in *lang*."""
    path = project.catalog_path(slug, lang)
    status = CatalogStatus(slug, lang, path)
    source = path if path.is_file() else project.template_path(slug)
    if not source.is_file():
        status.note = "not extracted yet"
        return status
    try:
        po = load_catalog(source)
    except PipelineError as exc:
        status.error = str(exc)
        return status
    if source != path:
        status.note = "no catalogue yet"
    own_cache = cache is None
    cache = cache or _Cache(project)
    try:
        for entry in po:
            if entry.obsolete:
                continue
            state = classify(entry) if source == path else "untranslated"
            words = _words(entry.msgid)
            status.states[state].add(words)
            if state != "reviewed":
                continue
            engine = mt_engine(entry)
            if engine is None or entry.msgid_plural:
                continue
            pe = status.post_edit.setdefault(engine, PostEdit())
            original = cache.get(engine, project.source, lang, entry.msgid)
            if original is None:
                pe.no_record += 1
                continue
            distance = 100.0 * Levenshtein.normalized_distance(original, entry.msgstr)
            pe.measured += 1
            pe.total_distance += distance
            pe.unchanged += distance == 0.0
    finally:
        if own_cache:
            cache.close()
    return status


def project_status(project: Project, articles: Iterable[Path], langs: Iterable[str]) -> list[CatalogStatus]:
    """Return one :class:`CatalogStatus` per article and language."""
    langs = list(langs)
    cache = _Cache(project)
    try:
        return [catalog_status(project, slug, lang, cache=cache)
                for slug in dict.fromkeys(slug_for(p) for p in articles) for lang in langs]
    finally:
        cache.close()


def totals(rows: Iterable[CatalogStatus]) -> dict[str, CatalogStatus]:
    """Sum rows per language (article ``*``), post-edit distance per engine included."""
    out: dict[str, CatalogStatus] = {}
    for row in rows:
        total = out.setdefault(row.lang, CatalogStatus("*", row.lang, Path("")))
        for state, tally in row.states.items():
            total.states[state].segments += tally.segments
            total.states[state].words += tally.words
        for engine, pe in row.post_edit.items():
            total.post_edit.setdefault(engine, PostEdit()).merge(pe)
    return out


def status_dict(rows: list[CatalogStatus]) -> dict[str, Any]:
    """Return the JSON document ``newsloc status --json`` prints."""
    return {"catalogues": [r.to_dict() for r in rows],
            "languages": {lang: t.to_dict() for lang, t in totals(rows).items()}}


def _cell(t: Tally) -> str:
    return f"{t.segments} ({t.words}w)"


def _post_edit_cell(post_edit: dict[str, PostEdit]) -> str:
    if not post_edit:
        return "-"
    parts = []
    for engine, pe in sorted(post_edit.items()):
        mean = pe.mean
        value = "n/a" if mean is None else f"{mean:.0f}%"
        extra = f" +{pe.no_record} n/a" if mean is not None and pe.no_record else ""
        parts.append(f"{engine} {value}{extra}")
    return ", ".join(parts)


def format_table(rows: list[CatalogStatus]) -> str:
    """Render rows (and per-language totals) as a plain-text table."""
    header = ("ARTICLE", "LANG", "UNTRANSLATED", "MT AWAITING", "OUTDATED", "REVIEWED",
              "REVIEWED%", "POST-EDIT")
    lines: list[tuple[str, ...]] = []
    for r in rows:
        if r.error:
            lines.append((r.article, r.lang, "unreadable: " + r.error, "", "", "", "", ""))
            continue
        if r.note == "not extracted yet":
            lines.append((r.article, r.lang, r.note, "", "", "", "", ""))
            continue
        pct = f"{r.percent_reviewed:.0f}%" + (" *" if r.note else "")
        lines.append((r.article, r.lang, *(_cell(r.states[s]) for s in STATES), pct,
                      _post_edit_cell(r.post_edit)))
    tot = totals(r for r in rows if not r.error)
    if len(rows) > len(tot):
        for lang, t in tot.items():
            lines.append(("all articles", lang, *(_cell(t.states[s]) for s in STATES),
                          f"{t.percent_reviewed:.0f}%", _post_edit_cell(t.post_edit)))
    widths = [max(len(h), *(len(row[i]) for row in lines)) if lines else len(h)
              for i, h in enumerate(header)]
    widths[0] = min(widths[0], 48)

    def fmt(row: tuple[str, ...]) -> str:
        first = row[0] if len(row[0]) <= widths[0] else row[0][:widths[0] - 1] + "…"
        if len(row) > 2 and row[3] == "" and row[2]:  # a message row spans the columns
            return f"{first:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]}"
        return "  ".join([f"{first:<{widths[0]}}", f"{row[1]:<{widths[1]}}"] +
                         [f"{c:>{w}}" for c, w in zip(row[2:-1], widths[2:-1])] + [row[-1]]).rstrip()

    out = [fmt(header)] + [fmt(row) for row in lines]
    if any(r.note == "no catalogue yet" for r in rows):
        out.append("* no catalogue yet: counted from the template (run `newsloc extract`)")
    return "\n".join(out)

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
(:class:`pipeline.translate.cache.MTCache`) and compared with the reviewed msgstr
as a normalised Levenshtein distance (0 % = accepted as is, 100 % =
rewritten). Without a cache record (cache deleted, another machine) the
entry is counted as ``n/a``, never guessed.
"""

from __future__ import annotations

import contextlib
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from rapidfuzz.distance import Levenshtein

from .catalog import PROVENANCE, load_catalog
from .config import Project, slug_for
from .errors import PipelineError
from .translate.cache import MTCache
from .state.manifest import Manifest, digest_bytes, digest_path, stage_key
from .parallel import map_chunks, resolve_jobs, start_pool

log = logging.getLogger(__name__)

STATES = ("untranslated", "machine", "outdated", "reviewed")
# "MT: libre 2026-11-25" → "libre"; "MT: llm qwen2.5 2026-11-25" → "llm qwen2.5" (the
# llm engine's cache key names the model too)
_MT_LINE = re.compile(r"^MT:\s*(\S+(?:\s+\S+)*?)(?:\s+\d{4}-\d\d-\d\d)?\s*$")


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
    """Return the engine named by the entry's ``MT: <engine> <date>`` line, if any.

    >>> class E: comment = "MT: llm qwen2.5-32b 2026-11-25"
    >>> mt_engine(E), mt_engine(type("F", (), {"comment": "MT: libre 2026-11-25"}))
    ('llm qwen2.5-32b', 'libre')
    """
    for line in (entry.comment or "").split("\n"):
        m = _MT_LINE.match(line)
        if m:
            return m.group(1)
    return None


class _Cache:
    """Read-only access to the MT cache; absent cache = every lookup is n/a."""

    def __init__(self, project: Project) -> None:
        self._project = project
        self._cache = None
        self._opened = False

    def _open(self) -> MTCache | None:
        # On the first lookup only: a status with no machine-translated reviewed
        # entry never connects to a shared memory.
        if not self._opened:
            self._opened = True
            try:
                self._cache = MTCache.for_project(self._project)
            except PipelineError as exc:
                log.warning("post-edit distances unavailable: %s", exc)
        return self._cache

    def mark(self) -> float | None:
        """When the MT cache last changed (None: no cache, or nothing in it)."""
        cache = self._open()
        return cache.mark() if cache is not None else None

    def get(self, engine: str, source: str, target: str, text: str) -> str | None:
        cache = self._open()
        if cache is None:
            return None
        return cache.get(engine, source, target, text)

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()


def summarise(source: Path, *, is_catalog: bool, data: bytes | None = None) -> dict[str, Any]:
    """Read one catalogue (or template) and return what its status is made of.

    ``{"states": {state: [segments, words]}, "mt": [[engine, msgid, msgstr], ...]}``:
    the tallies, and the reviewed entries whose machine output the MT cache
    may hold (looked up on every run: the cache changes without the file).
    Raises :class:`PipelineError` when the file cannot be read faithfully.
    """
    po = load_catalog(source, data=data)
    states = {s: [0, 0] for s in STATES}
    mt: list[list[str]] = []
    for entry in po:
        if entry.obsolete:
            continue
        state = classify(entry) if is_catalog else "untranslated"
        tally = states[state]
        tally[0] += 1
        tally[1] += _words(entry.msgid)
        if state != "reviewed":
            continue
        engine = mt_engine(entry)
        if engine is None or entry.msgid_plural:
            continue
        mt.append([engine, entry.msgid, entry.msgstr])
    return {"states": states, "mt": mt}


def _apply(status: CatalogStatus, summary: dict[str, Any], project: Project, lang: str,
           cache: _Cache) -> None:
    """Fill *status* from a summary, measuring post-edit distance against the MT cache."""
    _apply_states(status, summary["states"])
    _apply_post_edit(status, _post_edit(summary.get("mt", ()), project, lang, cache))


def _apply_states(status: CatalogStatus, states: dict[str, list[int]]) -> None:
    for state, (segments, words) in states.items():
        status.states[state].segments += segments
        status.states[state].words += words


def _post_edit(mt: Iterable[list[str]], project: Project, lang: str, cache: _Cache) -> dict[str, list]:
    """engine → [measured, total distance, unchanged, no record] for the reviewed MT entries *mt*."""
    out: dict[str, list] = {}
    for engine, msgid, msgstr in mt:
        pe = out.setdefault(engine, [0, 0.0, 0, 0])
        original = cache.get(engine, project.source, lang, msgid)
        if original is None:
            pe[3] += 1
            continue
        distance = 100.0 * Levenshtein.normalized_distance(original, msgstr)
        pe[0] += 1
        pe[1] += distance
        pe[2] += distance == 0.0
    return out


def _apply_post_edit(status: CatalogStatus, pe: dict[str, list]) -> None:
    for engine, (measured, total, unchanged, no_record) in pe.items():
        status.post_edit.setdefault(engine, PostEdit()).merge(
            PostEdit(measured, total, int(unchanged), no_record))


def catalog_status(project: Project, slug: str, lang: str, *, cache: _Cache | None = None,
                   manifest: Manifest | None = None) -> CatalogStatus:
    """Return the review state of article *slug* in *lang*.

    With a *manifest*, a file whose bytes are those of the last run is not
    parsed again: its summary comes from the record.
    """
    path = project.catalog_path(slug, lang)
    status = CatalogStatus(slug, lang, path)
    source = path if path.is_file() else project.template_path(slug)
    if not source.is_file():
        status.note = "not extracted yet"
        return status
    outcome = _summary_of(project, source, source == path, manifest)
    if "error" in outcome:
        status.error = outcome["error"]
        return status
    if source != path:
        status.note = "no catalogue yet"
    own_cache = cache is None
    cache = cache or _Cache(project)
    try:
        _apply(status, outcome, project, lang, cache)
    finally:
        if own_cache:
            cache.close()
    return status


def _item(project: Project, source: Path) -> str:
    try:
        return source.relative_to(project.root).as_posix()
    except ValueError:
        return str(source)


def _summary_of(project: Project, source: Path, is_catalog: bool, manifest: Manifest | None,
                digest: str | None = None) -> dict[str, Any]:
    """The summary of *source* (or ``{"error": message}``), from the manifest when unchanged."""
    item = _item(project, source)
    record = manifest.get(item) if manifest is not None else None
    if record is not None and record.get("catalog") == is_catalog and not record.get("has_mt"):
        digest = digest or digest_path(source)
        if digest is not None and record.get("digest") == digest:
            return record["summary"]
    outcome = _read_summary(source, is_catalog)
    if manifest is not None and outcome[0] is not None:
        manifest.put(item, _record_of(outcome[0], is_catalog, outcome[1]))
    return outcome[1]


def _record_of(digest: str, is_catalog: bool, summary: dict[str, Any]) -> dict[str, Any]:
    """The status record of a file: its tallies (the MT entries are kept apart, "status-mt")."""
    light = {k: v for k, v in summary.items() if k != "mt"}
    return {"digest": digest, "catalog": is_catalog, "summary": light, "has_mt": bool(summary.get("mt"))}


def _read_summary(source: Path, is_catalog: bool) -> tuple[str | None, dict[str, Any]]:
    """Read *source* once: (digest of the bytes read, summary or {"error": ...})."""
    try:
        data = source.read_bytes()
    except OSError:
        data = None  # load_catalog names the problem
    digest = digest_bytes(data) if data is not None else None
    try:
        return digest, summarise(source, is_catalog=is_catalog, data=data)
    except PipelineError as exc:
        return digest, {"error": str(exc)}


def _read_summaries(_context: None, work: list[tuple[Path, bool]]
                    ) -> Iterator[tuple[str | None, dict[str, Any]]]:
    return (_read_summary(source, is_catalog) for source, is_catalog in work)


#: Fewer files than this to read are read in-process (a pool costs more).
POOL_THRESHOLD = 24


def status_key(project: Project) -> str:
    """The manifest key of the status stage (code and library versions)."""
    return stage_key("status", libraries=("polib",),
                     settings={"root": str(project.root)})


def project_status(project: Project, articles: Iterable[Path], langs: Iterable[str], *,
                   jobs: int | None = 1, use_cache: bool = True) -> list[CatalogStatus]:
    """Return one :class:`CatalogStatus` per article and language.

    Files unchanged since the last run (content hashes in the state store)
    are not parsed again; the others are read by *jobs* processes. The rows
    are the same whatever the number of jobs and whether the cache was used.
    """
    langs = list(langs)
    manifest = Manifest.load(project, "status", status_key(project)) if use_cache else None
    slugs = list(dict.fromkeys(slug_for(p) for p in articles))
    pairs = [(slug, lang) for slug in slugs for lang in langs]
    jobs = resolve_jobs(jobs)
    # Read what changed first (in a pool when it pays), then assemble the rows in order.
    todo: dict[Path, bool] = {}
    fresh: dict[Path, dict[str, Any]] = {}
    # Which file describes each pair (its catalogue, else its template, else none):
    # looked up once per run, not once per loop (stat calls are the no-op's cost).
    sources: dict[tuple[str, str], tuple[Path, Path | None]] = {}
    templates: dict[str, Path | None] = {}
    for slug, lang in pairs:
        path = project.catalog_path(slug, lang)
        if path.is_file():
            sources[(slug, lang)] = (path, path)
            continue
        if slug not in templates:
            pot = project.template_path(slug)
            templates[slug] = pot if pot.is_file() else None
        sources[(slug, lang)] = (path, templates[slug])
    for slug, lang in pairs:
        path, source = sources[(slug, lang)]
        if source is None or source in todo or source in fresh:
            continue
        record = manifest.get(_item(project, source)) if manifest is not None else None
        if record is not None and record.get("catalog") == (source == path) \
                and record.get("digest") == digest_path(source):
            fresh[source] = record["summary"]
        else:
            todo[source] = source == path
    # Post-edit distances need the MT cache: a record keeps them, with the cache's
    # mark (its newest row), until the file or the cache changes. The reviewed MT
    # entries themselves are kept apart (records "status-mt"), read only then, one
    # catalogue at a time: memory stays flat however large the archive.
    cache = _Cache(project)
    marks: list = []

    def mark() -> object:
        if not marks:
            marks.append(cache.mark())
        return marks[0]

    lang_of = {source: lang for (_slug, lang), (path, source) in sources.items() if source == path}
    key = manifest.key if manifest is not None else status_key(project)
    # The store the manifest opened (None when it was unusable: status still answers).
    store = manifest.store if manifest is not None else None
    mt_put: dict[str, dict] = {}
    try:
        if todo:
            work = list(todo.items())
            pool = start_pool(jobs, work=len(work), threshold=POOL_THRESHOLD)
            with pool or contextlib.nullcontext():
                results = map_chunks(_read_summaries, None, work, pool=pool, jobs=jobs, cap=32,
                                     ordered=True)
                for (source, is_catalog), (digest, summary) in zip(work, results):
                    mt = summary.pop("mt", None) or []
                    if "error" not in summary:
                        summary["pe"] = _post_edit(mt, project, lang_of.get(source, ""), cache) if mt else {}
                    fresh[source] = summary
                    if manifest is None or digest is None:
                        continue
                    item = _item(project, source)
                    manifest.put(item, {"digest": digest, "catalog": is_catalog,
                                        "summary": {k: v for k, v in summary.items() if k != "pe"},
                                        "has_mt": bool(mt), "pe": summary.get("pe", {}),
                                        "mark": mark() if mt else None})
                    mt_put[item] = {"digest": digest, "mt": mt}
                    if len(mt_put) >= 256:
                        store = _save_mt(store, key, mt_put)
        rows = []
        for slug, lang in pairs:
            path, source = sources[(slug, lang)]
            status = CatalogStatus(slug, lang, path)
            if source is None:
                status.note = "not extracted yet"
                rows.append(status)
                continue
            summary = fresh.get(source)
            if summary is None:
                summary = _summary_of(project, source, source == path, manifest)
            if "error" in summary:
                status.error = summary["error"]
                rows.append(status)
                continue
            if source != path:
                status.note = "no catalogue yet"
            _apply_states(status, summary["states"])
            if "pe" in summary:  # read this run
                _apply_post_edit(status, summary["pe"])
                rows.append(status)
                continue
            item = _item(project, source)
            record = manifest.get(item) if manifest is not None else None
            if record is None:
                _apply_post_edit(status, _post_edit(summary.get("mt", ()), project, lang, cache))
            elif "pe" in record and (not record.get("has_mt") or record.get("mark") == mark()):
                _apply_post_edit(status, record["pe"])
            else:
                kept = store.record("status-mt", key, item) if store is not None else None
                mt = kept["mt"] if isinstance(kept, dict) and kept.get("digest") == record.get("digest") \
                    else _read_summary(source, source == path)[1].get("mt", [])
                pe = _post_edit(mt, project, lang, cache)
                _apply_post_edit(status, pe)
                manifest.put(item, dict(record, pe=pe, mark=mark(), has_mt=bool(mt)))
            rows.append(status)
    finally:
        cache.close()
    if manifest is not None:
        seen = {_item(project, source) for _path, source in sources.values() if source is not None}
        manifest.keep_only(item for item in manifest.records
                           if item in seen or (project.root / item).is_file() or Path(item).is_file())
        _save_mt(store, key, mt_put)
        try:
            manifest.save()
        except PipelineError as exc:  # a read-only checkout still gets its status
            log.warning("cannot save the status manifest: %s", exc)
    return rows


def _save_mt(store, key: str, put: dict[str, dict]):
    """Write the reviewed MT entries of catalogues read this run (records "status-mt").

    Returns the store to keep writing to: None once a write failed (a
    read-only checkout still gets its status, with one warning).
    """
    if store is None or not put:
        put.clear()
        return store
    try:
        store.save_records("status-mt", key, {i: r for i, r in put.items() if r["mt"]},
                           [i for i, r in put.items() if not r["mt"]], replace=False)
    except PipelineError as exc:
        log.warning("cannot save the status records: %s", exc)
        return None
    finally:
        put.clear()
    return store


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

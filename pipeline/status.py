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

import json
import logging
import marshal
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from .config import Project, slug_for
from .errors import PipelineError
from .state.manifest import Manifest, digest_bytes, digest_path, item_name, stage_key
from .state.store import forget_store, open_store
from .parallel import map_chunks, resolve_jobs, start_pool

if TYPE_CHECKING:
    from .translate.cache import MTCache

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
    from .catalog import PROVENANCE  # here: a no-op status never loads polib
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

    def _open(self) -> "MTCache | None":
        # On the first lookup only: a status with no machine-translated reviewed
        # entry never connects to a shared memory.
        if not self._opened:
            self._opened = True
            # Imported here: the translate package is large and a no-op status needs none of it.
            from .translate.cache import MTCache
            try:
                self._cache = MTCache.for_project(self._project)
            except PipelineError as exc:
                log.warning("post-edit distances unavailable: %s", exc)
        return self._cache

    def mark(self) -> float | None:
        """When the MT cache last changed (None: no cache, or nothing in it)."""
        cache = self._open()
        return cache.mark() if cache is not None else None

    def get_many(self, engine: str, source: str, target: str, texts: Iterable[str]) -> dict[str, str]:
        """What *engine* produced for each of *texts* (hits only), in a few queries."""
        cache = self._open()
        if cache is None:
            return {}
        return cache.get_many(engine, source, target, texts)

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
    from .catalog import load_catalog
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
    mt = list(mt)
    found = {(engine, lang): cache.get_many(engine, project.source, lang,
                                            {msgid for e, msgid, _ in mt if e == engine})
             for engine in {e for e, _, _ in mt}}
    return _distances(mt, found, lang)


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


def _summary_of(project: Project, source: Path, is_catalog: bool, manifest: Manifest | None,
                digest: str | None = None) -> dict[str, Any]:
    """The summary of *source* (or ``{"error": message}``), from the manifest when unchanged."""
    item = item_name(project, source)
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
#: Articles whose rows are worked out together (records, digests and MT cache
#: lookups fetched in one go, records written in one transaction): memory
#: follows this, not the size of the archive. 64 articles: 192 catalogues, a few
#: MB of parsed entries; at 2,000 articles 256 cost 25 MB more at the peak of a cold
#: run, and no time was saved.
CHUNK = 64


def status_key(project: Project) -> str:
    """The manifest key of the status stage (code and library versions)."""
    return stage_key("status", libraries=("polib",),
                     settings={"root": str(project.root)})


def project_status(project: Project, articles: Iterable[Path], langs: Iterable[str], *,
                   jobs: int | None = 1, use_cache: bool = True) -> list[CatalogStatus]:
    """Return one :class:`CatalogStatus` per article and language (see :func:`iter_status`)."""
    return list(iter_status(project, articles, langs, jobs=jobs, use_cache=use_cache))


def _open_store(project: Project):
    """The state store, or None when it cannot be used (status still answers, from the files)."""
    for attempt in (1, 2):
        try:
            return open_store(project)
        except PipelineError as exc:
            forget_store(project)  # reopened (and repaired if damaged) on the next attempt
            if attempt == 2:
                log.warning("%s: state store unusable, working without it (%s)", project.state_dir, exc)
    return None


def iter_status(project: Project, articles: Iterable[Path], langs: Iterable[str], *,
                jobs: int | None = 1, use_cache: bool = True) -> Iterator[CatalogStatus]:
    """Yield one :class:`CatalogStatus` per article and language, in order, as they are worked out.

    The archive is walked :data:`CHUNK` articles at a time: for each chunk
    the records of the state store (content digests, summaries, post-edit
    distances) are fetched in one query, files changed since the last run are
    read (by *jobs* processes when it pays), the MT cache is asked about
    their reviewed machine-translated entries in bulk, and what changed is
    written back before the rows are yielded. Nothing of earlier chunks is
    kept but the item names seen (for pruning records of deleted files), so
    memory does not grow with the archive. The rows are the same whatever
    the number of jobs and whether the cache was used. Records of files that
    no longer exist ("status" and "status-mt") are removed at the end of a
    run that went through all its rows.
    """
    langs = list(langs)
    jobs = resolve_jobs(jobs)
    store = _open_store(project) if use_cache else None
    key = status_key(project)
    run = _Run(project, store, key, jobs)
    seen: set[str] = set()
    try:
        slugs = list(dict.fromkeys(slug_for(p) for p in articles))
        for k in range(0, len(slugs), CHUNK):
            yield from run.chunk([(slug, lang) for slug in slugs[k:k + CHUNK] for lang in langs], seen)
        run.prune(seen)
    finally:
        run.close()


class _Run:
    """One status run: the store, the MT cache, the worker pool, and what to write back."""

    def __init__(self, project: Project, store, key: str, jobs: int) -> None:
        self.project = project
        self.store = store
        self.key = key
        self.jobs = jobs
        self.cache = _Cache(project)
        self.pool = None
        self.writable = store is not None  # False after a failed write: records still read, none written
        self._mark: list = []
        # Whether the store still holds records made under another key (replaced at the first write).
        self.stale = {stage: store is not None and store.stage_key(stage) != key
                      for stage in ("status", "status-mt")}

    def mark(self) -> object:
        if not self._mark:
            self._mark.append(self.cache.mark())
        return self._mark[0]

    def chunk(self, pairs: list[tuple[str, str]], seen: set[str]) -> list[CatalogStatus]:
        """Work out the rows of *pairs* (a chunk of the archive) and write back what changed."""
        project = self.project
        # Which file describes each pair: its catalogue, else its template, else none.
        sources: list[tuple[Path, Path | None]] = []
        templates: dict[str, Path | None] = {}
        for slug, lang in pairs:
            path = project.catalog_path(slug, lang)
            if path.is_file():
                sources.append((path, path))
                continue
            if slug not in templates:
                pot = project.template_path(slug)
                templates[slug] = pot if pot.is_file() else None
            sources.append((path, templates[slug]))
        lang_of = {source: lang for (_slug, lang), (path, source) in zip(pairs, sources) if source == path}
        files = {source: item_name(project, source) for _path, source in sources if source is not None}
        seen.update(files.values())
        records = self.store.records_of("status", self.key, files.values()) if self.store else {}
        known = [source for source, item in files.items()
                 if item in records and records[item].get("catalog") == (source in lang_of)]
        digests = self.store.digests(known) if known else {}
        summaries: dict[Path, dict[str, Any]] = {}
        todo: list[tuple[Path, bool]] = []
        for source, item in files.items():
            record = records.get(item)
            if record is not None and record.get("catalog") == (source in lang_of) \
                    and record.get("digest") == digests.get(os.fspath(source)):
                summaries[source] = record["summary"]
            else:
                todo.append((source, source in lang_of))
        # Reviewed MT entries whose distances must be measured: of the files read now, and
        # of unchanged files whose record was made before the MT cache last changed.
        mt: dict[Path, list] = {}
        again = [source for source, summary in summaries.items() if "error" not in summary
                 and not ("pe" in records[files[source]] and (not records[files[source]].get("has_mt")
                                                            or records[files[source]].get("mark") == self.mark()))]
        kept = self.store.records_of("status-mt", self.key, [files[s] for s in again]) \
            if again and self.store else {}
        for source in again:
            record = kept.get(files[source])
            if isinstance(record, dict) and record.get("digest") == records[files[source]].get("digest"):
                mt[source] = record["mt"]
            else:
                mt[source] = _read_summary(source, source in lang_of)[1].get("mt", [])
        put: dict[str, dict] = {}
        mt_put: dict[str, dict] = {}
        for (source, is_catalog), (digest, summary) in zip(todo, self._read(todo)):
            entries = summary.pop("mt", None) or []
            summaries[source] = summary
            if "error" not in summary:
                mt[source] = entries
            if digest is not None:
                put[files[source]] = {"digest": digest, "catalog": is_catalog, "summary": summary,
                                      "has_mt": bool(entries)}
                mt_put[files[source]] = {"digest": digest, "mt": entries}
        pe = self._post_edit(mt, lang_of)
        for source, distances in pe.items():
            item = files[source]
            base = put.get(item) or records.get(item)
            if base is None:  # read, but its bytes could not be digested: nothing to record
                continue
            record = dict(base, pe=distances, mark=self.mark() if mt[source] else None,
                          has_mt=bool(mt[source]))
            if item in put or record != records.get(item):
                put[item] = record
        for item, record in put.items():  # unreadable files: no distances, as before
            record.setdefault("pe", {})
            record.setdefault("mark", None)
        self._save(put, mt_put)
        rows = []
        for (slug, lang), (path, source) in zip(pairs, sources):
            status = CatalogStatus(slug, lang, path)
            rows.append(status)
            if source is None:
                status.note = "not extracted yet"
                continue
            summary = summaries[source]
            if "error" in summary:
                status.error = summary["error"]
                continue
            if source != path:
                status.note = "no catalogue yet"
            _apply_states(status, summary["states"])
            item = files[source]
            _apply_post_edit(status, pe[source] if source in pe else records[item]["pe"])
        return rows

    def _read(self, todo: list[tuple[Path, bool]]) -> Iterator[tuple[str | None, dict[str, Any]]]:
        """Read the files of *todo* (in the pool once a chunk has enough of them)."""
        if not todo:
            return iter(())
        if self.pool is None:
            from . import catalog  # noqa: F401  (loaded once, before the workers are forked)
            self.pool = start_pool(self.jobs, work=len(todo), threshold=POOL_THRESHOLD)
        return map_chunks(_read_summaries, None, todo, pool=self.pool, jobs=self.jobs, cap=32,
                          ordered=True)

    def _post_edit(self, mt: dict[Path, list], lang_of: dict[Path, str]) -> dict[Path, dict[str, list]]:
        """Post-edit distances of each file's reviewed MT entries, the MT cache asked in bulk."""
        wanted: dict[tuple[str, str], set[str]] = {}
        for source, entries in mt.items():
            for engine, msgid, _msgstr in entries:
                wanted.setdefault((engine, lang_of.get(source, "")), set()).add(msgid)
        found = {(engine, lang): self.cache.get_many(engine, self.project.source, lang, texts)
                 for (engine, lang), texts in wanted.items()}
        return {source: _distances(entries, found, lang_of.get(source, ""))
                for source, entries in mt.items()}

    def _save(self, put: dict[str, dict], mt_put: dict[str, dict]) -> None:
        """Write the records of this chunk (and the file digests taken); a failed write is one warning."""
        if not self.writable:
            return
        try:
            if put or self.stale["status"]:
                self.store.save_records("status", self.key, put, (), replace=self.stale["status"])
                self.stale["status"] = False
            if mt_put or self.stale["status-mt"]:
                self.store.save_records("status-mt", self.key, {i: r for i, r in mt_put.items() if r["mt"]},
                                        [i for i, r in mt_put.items() if not r["mt"]],
                                        replace=self.stale["status-mt"])
                self.stale["status-mt"] = False
            self.store.flush()
        except PipelineError as exc:  # a read-only checkout still gets its status
            log.warning("cannot save the status records: %s", exc)
            self.writable = False

    def prune(self, seen: set[str]) -> None:
        """Remove the records ("status" and "status-mt") of files that no longer exist."""
        if not self.writable:
            return
        root = str(self.project.root)
        try:
            for stage in ("status", "status-mt"):
                # An item is relative to the root, or absolute (a file outside it): join() gives the file.
                # (A run over a few articles still looks at every record: one stat each, no Path.)
                gone = [item for item in self.store.record_items(stage)
                        if item not in seen and not os.path.isfile(os.path.join(root, item))]
                if gone:
                    self.store.save_records(stage, self.key, {}, gone, replace=False)
        except PipelineError as exc:
            log.warning("cannot save the status records: %s", exc)

    def close(self) -> None:
        self.cache.close()
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()


def _distances(entries: list, found: dict[tuple[str, str], dict[str, str]], lang: str) -> dict[str, list]:
    """engine → [measured, total distance, unchanged, no record] for the reviewed MT entries *entries*."""
    from rapidfuzz.distance import Levenshtein  # here: a status with nothing to measure never loads it
    out: dict[str, list] = {}
    for engine, msgid, msgstr in entries:
        pe = out.setdefault(engine, [0, 0.0, 0, 0])
        original = found[(engine, lang)].get(msgid)
        if original is None:
            pe[3] += 1
            continue
        distance = 100.0 * Levenshtein.normalized_distance(original, msgstr)
        pe[0] += 1
        pe[1] += distance
        pe[2] += distance == 0.0
    return out


def _add_to_totals(out: dict[str, CatalogStatus], row: CatalogStatus) -> None:
    total = out.get(row.lang)
    if total is None:
        total = out[row.lang] = CatalogStatus("*", row.lang, Path(""))
    for state, tally in row.states.items():
        total.states[state].segments += tally.segments
        total.states[state].words += tally.words
    for engine, pe in row.post_edit.items():
        total.post_edit.setdefault(engine, PostEdit()).merge(pe)


def totals(rows: Iterable[CatalogStatus]) -> dict[str, CatalogStatus]:
    """Sum rows per language (article ``*``), post-edit distance per engine included."""
    out: dict[str, CatalogStatus] = {}
    for row in rows:
        _add_to_totals(out, row)
    return out


def status_dict(rows: list[CatalogStatus]) -> dict[str, Any]:
    """Return the JSON document ``newsloc status --json`` prints (:func:`write_json` streams it)."""
    return {"catalogues": [r.to_dict() for r in rows],
            "languages": {lang: t.to_dict() for lang, t in totals(rows).items()}}


def write_json(rows: Iterable[CatalogStatus], write: Callable[[str], Any]) -> None:
    """Write :func:`status_dict` of *rows* as indented JSON, row by row (no final newline).

    The bytes are those of ``json.dumps(status_dict(rows), ensure_ascii=False,
    indent=2)``; only the per-language totals are held.
    """
    out: dict[str, CatalogStatus] = {}
    write('{\n  "catalogues": [')
    first = True
    for row in rows:
        _add_to_totals(out, row)
        text = json.dumps(row.to_dict(), ensure_ascii=False, indent=2)
        # JSON strings hold no raw newline: every line break is the layout's.
        write(("\n    " if first else ",\n    ") + text.replace("\n", "\n    "))
        first = False
    languages = json.dumps({lang: t.to_dict() for lang, t in out.items()}, ensure_ascii=False, indent=2)
    write(("]" if first else "\n  ]") + ',\n  "languages": ' + languages.replace("\n", "\n  ") + "\n}")


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


_HEADER = ("ARTICLE", "LANG", "UNTRANSLATED", "MT AWAITING", "OUTDATED", "REVIEWED",
           "REVIEWED%", "POST-EDIT")
#: Table cells kept in memory before they go to a temporary file (the column widths
#: are known only after the last row).
SPOOL_BYTES = 1 << 20


def _cells(r: CatalogStatus) -> tuple[str, ...]:
    if r.error:
        return (r.article, r.lang, "unreadable: " + r.error, "", "", "", "", "")
    if r.note == "not extracted yet":
        return (r.article, r.lang, r.note, "", "", "", "", "")
    pct = f"{r.percent_reviewed:.0f}%" + (" *" if r.note else "")
    return (r.article, r.lang, *(_cell(r.states[s]) for s in STATES), pct, _post_edit_cell(r.post_edit))


def write_table(rows: Iterable[CatalogStatus], write: Callable[[str], Any]) -> None:
    """Write rows (and per-language totals) as a plain-text table (no final newline).

    Columns are as wide as their longest cell, known after the last row: the
    cells go to a temporary file (in memory up to :data:`SPOOL_BYTES`) and
    are laid out from there, so memory stays flat however many rows.
    """
    widths = [len(h) for h in _HEADER]
    tot: dict[str, CatalogStatus] = {}
    count = 0
    starred = False
    with tempfile.SpooledTemporaryFile(SPOOL_BYTES) as spool:
        def keep(cells: tuple[str, ...]) -> None:
            for i, cell in enumerate(cells):
                if len(cell) > widths[i]:
                    widths[i] = len(cell)
            marshal.dump(cells, spool)  # written and read back by this process: any text survives

        for r in rows:
            count += 1
            starred = starred or r.note == "no catalogue yet"
            if not r.error:
                _add_to_totals(tot, r)
            keep(_cells(r))
        if count > len(tot):
            for lang, t in tot.items():
                keep(("all articles", lang, *(_cell(t.states[s]) for s in STATES),
                      f"{t.percent_reviewed:.0f}%", _post_edit_cell(t.post_edit)))
        widths[0] = min(widths[0], 48)

        def fmt(row: tuple[str, ...]) -> str:
            first = row[0] if len(row[0]) <= widths[0] else row[0][:widths[0] - 1] + "…"
            if len(row) > 2 and row[3] == "" and row[2]:  # a message row spans the columns
                return f"{first:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]}"
            return "  ".join([f"{first:<{widths[0]}}", f"{row[1]:<{widths[1]}}"] +
                             [f"{c:>{w}}" for c, w in zip(row[2:-1], widths[2:-1])] + [row[-1]]).rstrip()

        write(fmt(_HEADER))
        end = spool.tell()
        spool.seek(0)
        while spool.tell() < end:
            write("\n" + fmt(marshal.load(spool)))
    if starred:
        write("\n* no catalogue yet: counted from the template (run `newsloc extract`)")

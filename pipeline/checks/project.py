"""Checking many catalogues (:func:`run_checks`): the check manifest, the worker
pool, project-scope checks.

Streams one catalogue at a time; findings of a catalogue whose bytes,
language and glossary are unchanged come from the check manifest; the rest
run in-process or in a ``jobs`` process pool, with the same findings in the
same order either way.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from ..config import Project
from ..errors import CatalogError, PipelineError
from ..fsutil import read_bytes
from ..parallel import map_chunks, resolve_jobs, start_pool
from ..state.manifest import Manifest, RecordBatches, digest_bytes, digest_path, stage_key
from ..translate.glossary import glossary_paths
from ..translate.memory import comparable, normalize_space
from .registry import CHECKS, Check, Finding
from .runner import canonical_str, forget_resolved_paths, read_document, run_document, selected_checks

log = logging.getLogger(__name__)

#: Fewer catalogues than this to check are checked in-process (a pool costs more).
POOL_THRESHOLD = 24
LIBRARIES = ("polib", "babel", "markdown-it-py")  # markdown-it: the inline group parses md-text entries


@dataclass(frozen=True, slots=True)
class CatalogRef:
    """A catalogue that was read faithfully, as project-scope checks see it (never its text)."""

    path: Path
    lang: str
    digest: str | None = None
    summary: str | None = None  # compact translation-memory summary (see tm_summary)


@dataclass
class CheckReport:
    """What :func:`run_checks` did: the findings and how much came from the cache."""

    findings: list[Finding] = field(default_factory=list)
    checked: int = 0    # catalogues (targets)
    cached: int = 0     # of which unchanged since the last run: findings from the cache
    jobs: int = 1       # processes that did the work


def check_key(project: Project, selected: dict[str, Check], include_fuzzy: bool) -> str:
    """The manifest key of the check stage: code, library versions, options."""
    return stage_key("check", libraries=LIBRARIES,
                     settings={"source": project.source, "root": str(project.root),
                               "checks": sorted(selected), "fuzzy": include_fuzzy})


def _stage_name(selected: dict[str, Check], include_fuzzy: bool) -> str:
    # One manifest per set of options, so `check --only numbers` in CI does not
    # throw away the records of the full check a desk runs all day.
    if set(selected) == set(CHECKS) and not include_fuzzy:
        return "check"
    tag = digest_bytes(json.dumps([sorted(selected), include_fuzzy]).encode())[:12]
    return f"check-{tag}"


def catalog_item(project: Project, path: Path) -> tuple[str, bool]:
    """The manifest name of a catalogue (relative inside the project) and whether it is inside."""
    resolved, root = canonical_str(path), canonical_str(project.root)
    if resolved.startswith(root + os.sep):
        return resolved[len(root) + 1:].replace(os.sep, "/"), True
    return resolved, False


def _glossary_digest(project: Project, lang: str) -> str:
    return "|".join(f"{p.name}:{digest_path(p)}" for p in glossary_paths(project, lang))


def tm_summary(po: Any) -> str:
    """Summarise a catalogue for the consistency check: (source, translation) hashes.

    The reviewed, active, singular entries :func:`pipeline.memory.read_catalog_units`
    would make units of, each as 16 hex digits of its normalised source and
    16 of its comparable translation, concatenated. A few dozen bytes per
    entry tell which catalogues share a sentence translated differently.
    """
    parts = []
    for entry in po:
        if entry.obsolete or entry.msgid_plural or not entry.msgid or not entry.msgstr.strip():
            continue
        if "fuzzy" in entry.flags:
            continue
        parts.append(_hash16(normalize_space(entry.msgid)) + _hash16(comparable(entry.msgstr)))
    return "".join(parts)


def summary_key(text: str) -> str:
    """The 16 hex digits a summary (:func:`tm_summary`) keeps of a source sentence or a translation."""
    return _hash16(text)


def units_summary(units: Iterable[Any]) -> str:
    return "".join(_hash16(u.source) + _hash16(comparable(u.target))
                   for u in units if not u.obsolete and not u.imported)


def _hash16(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


# What a worker sends back for one catalogue: digest, readable, findings, summary.
_Outcome = tuple[str | None, bool, list[tuple], str | None]


def _check_one(project: Project | None, path: Path, lang: str, selected: dict[str, Check],
               include_fuzzy: bool, summarise: bool) -> _Outcome:
    """Check one catalogue; findings as (lineno, msgid, check, severity, message) tuples."""
    try:
        data = read_bytes(path, error=CatalogError)
    except CatalogError as exc:
        return None, False, [(exc.lineno, "", "file", "error", exc.message)], None
    digest = digest_bytes(data)  # hashed before use: the bytes checked are the bytes recorded
    try:
        doc = read_document(path, lang, data=data)
    except CatalogError as exc:
        return digest, False, [(exc.lineno, "", "file", "error", exc.message)], None
    findings = run_document(doc, project, selected, include_fuzzy)
    summary = tm_summary(doc.catalog) if summarise and doc.catalog is not None else None
    return digest, True, [(f.lineno, f.msgid, f.check, f.severity, f.message) for f in findings], summary


def _check_chunk(context: tuple, work: list[tuple[Path, str, bool]]) -> Iterator[_Outcome]:
    project, selected_names, include_fuzzy = context
    selected = {name: CHECKS[name] for name in selected_names}
    return (_check_one(project, path, lang, selected, include_fuzzy, summarise)
            for path, lang, summarise in work)


#: Catalogues whose records are fetched, checked and saved together: a run holds one
#: block of records and findings at a time, whatever the size of the archive.
BLOCK = 1024

#: What :func:`iter_checks` yields: the path as printed, and findings as
#: (lineno, msgid, check, severity, message) sequences.
CatalogFindings = tuple[str, list]


def _usable(record: dict | None, lang: str, gdigest: str | None, digest: str | None) -> bool:
    return record is not None and record.get("lang") == lang and record.get("glossary") == gdigest \
        and isinstance(record.get("findings"), list) \
        and record.get("digest") is not None and record.get("digest") == digest


def iter_checks(project: Project, targets: list[tuple[Path, str | None]], *,
                include_fuzzy: bool = False, checks: Iterable[str] | None = None,
                jobs: int | None = 1, use_cache: bool = True, force: bool = False,
                report: CheckReport | None = None) -> Iterator[CatalogFindings]:
    """Check catalogues as :func:`run_checks` does, yielding each one's findings as they come.

    One (path, findings) per target, in the order of *targets*, then the
    project-scope findings. Nothing accumulates per catalogue but its
    reference for the project-scope checks: records are read, checked and
    saved :data:`BLOCK` catalogues at a time. *report* (if given) gets the
    counts once the iteration is over.
    """
    selected = selected_checks(checks)
    jobs = resolve_jobs(jobs)
    forget_resolved_paths()  # folders may have been moved or re-linked since the last run in this process
    stage, key = _stage_name(selected, include_fuzzy), check_key(project, selected, include_fuzzy)
    records = RecordBatches.open(project, stage, key) if use_cache else None
    if report is None:
        report = CheckReport()
    report.checked = len(targets)
    glossaries: dict[str, str] = {}
    refs: list[CatalogRef] = []
    seen: set[str] = set()  # items of existing catalogues (their records are kept)
    context = (project, list(selected), include_fuzzy)
    with contextlib.ExitStack() as stack:
        pool = None
        for start in range(0, len(targets), BLOCK):
            block = []
            for path, lang in targets[start:start + BLOCK]:
                path, lang = Path(path), lang or "und"
                item, inside = catalog_item(project, path)
                gdigest = None
                if inside:
                    if lang not in glossaries:
                        glossaries[lang] = _glossary_digest(project, lang)
                    gdigest = glossaries[lang]
                block.append((path, lang, item, inside, gdigest))
            recorded = records.fetch([b[2] for b in block]) if records is not None and not force else {}
            # Summaries travel with the references unless the store keeps them (consistency reads them there).
            inline = records is None or records.readonly
            # Digests of the recorded files in one query per 500 (digest_path would load every row).
            digests = records.store.digests([path for path, _, item, _, _ in block if item in recorded]) \
                if recorded else {}
            cached = [_usable(recorded.get(item), lang, gdigest, digests.get(os.fspath(path)))
                      for path, lang, item, _, gdigest in block]
            work = [(path, lang, inside) for (path, lang, _, inside, _), hit in zip(block, cached) if not hit]
            if pool is None and work:
                pool = start_pool(jobs, work=len(work), threshold=POOL_THRESHOLD)
                if pool is not None:
                    stack.enter_context(pool)
                    report.jobs = jobs
            # Results in order: output does not depend on who finished first.
            outcomes = map_chunks(_check_chunk, context, work, pool=pool, jobs=jobs, cap=32, ordered=True)
            for (path, lang, item, _, gdigest), hit in zip(block, cached):
                if hit:
                    record = recorded[item]
                    found = record["findings"]
                    if record.get("readable"):
                        # The summary stays in the store: the consistency check reads it from
                        # there, in blocks, only when a catalogue of the language changed.
                        refs.append(CatalogRef(path, lang, record["digest"],
                                               record.get("summary") if inline else None))
                    report.cached += 1
                    seen.add(item)
                else:
                    digest, readable, found, summary = next(outcomes)
                    if readable:
                        refs.append(CatalogRef(path, lang, digest, summary if inline else None))
                    if digest is not None:
                        seen.add(item)
                        if records is not None:
                            records.put(item, {"lang": lang, "digest": digest, "glossary": gdigest,
                                                 "readable": readable, "findings": [list(f) for f in found],
                                                 "summary": summary})
                yield str(path), found
            if records is not None:
                records.saved("check")
    if records is not None:
        for item in _forget_missing(project, records, seen, force):
            records.drop(item)
        records.saved("check")
    cache = Manifest.load(project, stage, key, lazy=True) if records is not None else None
    for c in selected.values():
        if c.scope == "project":
            for f in c.func(project, refs, cache):
                yield f.path, [(f.lineno, f.msgid, f.check, f.severity, f.message)]
    if cache is not None:
        try:
            cache.save()
        except PipelineError as exc:
            log.warning("cannot save the check manifest: %s", exc)


def run_checks(project: Project, targets: list[tuple[Path, str | None]], *,
               include_fuzzy: bool = False, checks: Iterable[str] | None = None,
               jobs: int | None = 1, use_cache: bool = True, force: bool = False) -> CheckReport:
    """Check catalogues (entry and file checks on each, then project-scope checks).

    Streams: one catalogue is in memory at a time (per worker). With
    *use_cache*, a catalogue whose bytes, language and glossary are those of
    the last run (same code, same options) gets its recorded findings
    without being parsed; see :mod:`pipeline.state.manifest`. *jobs* > 1 checks
    the others in a process pool; findings are the same, in the same
    order, whatever the number of jobs. *force* checks everything again and
    records the results (``check --force``). The report holds every finding:
    a caller printing them over a whole archive uses :func:`iter_checks`.
    """
    report = CheckReport()
    for path, found in iter_checks(project, targets, include_fuzzy=include_fuzzy, checks=checks,
                                   jobs=jobs, use_cache=use_cache, force=force, report=report):
        report.findings.extend(Finding(path, *f) for f in found)
    return report


def recorded_findings(project: Project) -> Callable[[Path, str, str | None], tuple | None] | None:
    """Return a lookup of the findings ``newsloc check`` recorded, or None when it has none.

    ``lookup(po_path, lang, digest)`` gives the findings (tuples of lineno,
    msgid, check, severity, message) recorded for that catalogue when they
    were made by this check code, for that language and glossary, from a file
    with exactly *digest*; otherwise None, and the caller runs the checks
    itself. Export's proof pages use this so a ``check`` before ``export``
    is not paid twice; the record layout stays private to this module.
    """
    stage, key = _stage_name(dict(CHECKS), False), check_key(project, dict(CHECKS), False)
    store = Manifest.load(project, stage, key, lazy=True).store
    if store is None or store.stage_key(stage) != key:
        return None
    glossaries: dict[str, str] = {}

    def lookup(po_path: Path, lang: str, digest: str | None) -> tuple | None:
        # One indexed query per catalogue, nothing kept: export holds no check record it is done with.
        item, inside = catalog_item(project, Path(po_path))
        if digest is None or not inside:
            return None
        record = store.record(stage, key, item)
        if not isinstance(record, dict) or record.get("lang") != lang or record.get("digest") != digest \
                or not isinstance(record.get("findings"), list):
            return None
        if lang not in glossaries:
            glossaries[lang] = _glossary_digest(project, lang)
        if record.get("glossary") != glossaries[lang]:
            return None
        return tuple(tuple(f) for f in record["findings"])
    return lookup


def _forget_missing(project: Project, records: RecordBatches, seen: set[str], force: bool) -> list[str]:
    """Items whose records go: catalogues that no longer exist (records of others are kept)
    and, with *force*, the project-scope results (they are recomputed too)."""
    drop = []
    for item in records.items():
        if item.startswith("consistency:"):
            if force:
                drop.append(item)
            continue
        if item in seen:
            continue
        path = Path(item) if Path(item).is_absolute() else project.root / item
        if not path.is_file():
            drop.append(item)
    return drop


def check_project(project: Project, targets: list[tuple[Path, str]], *,
                  include_fuzzy: bool = False, checks: Iterable[str] | None = None,
                  jobs: int | None = 1, use_cache: bool = True, force: bool = False) -> list[Finding]:
    """Check several catalogues; return the findings (see :func:`run_checks`)."""
    return run_checks(project, targets, include_fuzzy=include_fuzzy, checks=checks,
                      jobs=jobs, use_cache=use_cache, force=force).findings


def has_errors(findings: Iterable[Finding]) -> bool:
    """True when any finding is an error (``newsloc check`` then exits 1)."""
    return any(f.severity == "error" for f in findings)

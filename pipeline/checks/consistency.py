"""The project-scope ``consistency`` check: one source sentence translated in two
ways across articles (through the translation memory's public API).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from ..config import Project
from ..errors import PipelineError
from ..state.manifest import Manifest, digest_bytes, digest_path
from ..translate.memory import Memory, find_inconsistencies, memory_files, read_catalog_units
from .project import CatalogRef, catalog_item, summary_key, units_summary
from .registry import Finding, register
from .runner import canonical_str

@register("consistency", "warning", "hygiene", scope="project")
def consistency(project: Project, refs: list[CatalogRef], cache: Manifest | None = None
                ) -> Iterable[Finding]:
    """Same source sentence translated differently in another article (translation memory)."""
    # Glossary renderings are the entry-scope "protected" checks' business; here only
    # what needs every catalogue at once (pipeline.memory.find_inconsistencies), computed
    # per language from compact summaries and cached until a catalogue of it changes.
    # Paths as strings: this runs over every catalogue of the archive on every `check`.
    checked = {canonical_str(ref.path): ref for ref in refs}
    langs = sorted({ref.lang for ref in refs})
    if not langs:
        return
    files = [os.fspath(p) for p in memory_files(project)]
    dirname, basename = os.path.dirname, os.path.basename
    for lang in langs:
        folder = {p: canonical_str(p) for p in files
                  if p.endswith(".po") and basename(dirname(p)) == lang}
        if not any(c in checked for c in folder.values()):
            continue  # no checked catalogue can get a finding from this language
        for rel, line, source, message in _language_inconsistencies(project, lang, folder,
                                                                    checked, cache):
            ref = checked.get(canonical_str(os.path.join(project.root, rel)))
            if ref is not None:
                yield Finding(str(ref.path), line, source, "consistency", "warning", message)


def _language_inconsistencies(project: Project, lang: str, folder: dict[str, str],
                              checked: dict[str, CatalogRef], cache: Manifest | None) -> list[list]:
    """The memory inconsistencies of one language as [rel path, line, source, message].

    *folder* maps the language's catalogues (in memory order) to their resolved paths.
    """
    digests, items = {}, {}
    for path, canon in folder.items():
        ref = checked.get(canon)
        digests[path] = ref.digest if ref is not None and ref.digest else digest_path(path)
        items[path] = catalog_item(project, canon)[0]
    key = digest_bytes("\n".join(f"{items[p]}\0{d}" for p, d in digests.items()).encode())
    item = f"consistency:{lang}"
    record = cache.get(item) if cache is not None else None
    if record is not None and record.get("key") == key:
        return record["findings"]
    # Which catalogues share a source sentence translated in two ways? Summaries
    # (this run's, or recorded for unchanged files) answer without parsing anything.
    summaries: dict[str, str | None] = {}
    units_read: dict[str, list] = {}
    for path, canon in folder.items():
        ref = checked.get(canon)
        summaries[path] = ref.summary if ref is not None and ref.digest == digests[path] else None
    if cache is not None and cache.store is not None:
        # Records of catalogues not checked in this run, a block at a time (never all at once).
        need = [p for p, summary in summaries.items() if summary is None]
        for k in range(0, len(need), 1000):
            block = need[k:k + 1000]
            records = cache.store.records_of(cache.stage, cache.key, [items[p] for p in block])
            for path in block:
                rec = records.get(items[path])
                if isinstance(rec, dict) and rec.get("digest") == digests[path] and rec.get("readable"):
                    summaries[path] = rec.get("summary")
    for path in list(summaries):
        if summaries[path] is None:
            try:
                units_read[path] = read_catalog_units(project, Path(path))
            except PipelineError:
                del summaries[path]
                continue  # the memory leaves unreadable catalogues out too
            summaries[path] = units_summary(units_read[path])
    variants: dict[str, set[str]] = {}
    for summary in summaries.values():
        for k in range(0, len(summary), 32):
            variants.setdefault(summary[k:k + 16], set()).add(summary[k + 16:k + 32])
    conflicting = {src for src, targets in variants.items() if len(targets) > 1}
    involved = [p for p, summary in summaries.items()
                if any(summary[k:k + 16] in conflicting for k in range(0, len(summary), 32))]
    units = []
    for path in involved:  # memory order (sorted files), as load_memory reads them
        try:
            read = units_read[path] if path in units_read else read_catalog_units(project, Path(path))
        except PipelineError:
            continue
        # Only the sentences in conflict: the others make no finding (findings are grouped by
        # source sentence), and the involved catalogues of an archive hold hundreds of thousands.
        units.extend(u for u in read if summary_key(u.source) in conflicting)
    found = find_inconsistencies(project, lang, memory=Memory(units), kinds=("memory",)) if units else []
    findings = [[catalog_item(project, f.path)[0], f.line, f.source, f.message] for f in found]
    if cache is not None:
        cache.put(item, {"key": key, "findings": findings})
    return findings

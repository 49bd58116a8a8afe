"""``newsloc tm export`` and ``tm import``: the project's memory exchanged as TMX 1.4.

Imported units are kept in the committed ``locales/<lang>/memory.tmx`` (a team
asset a fresh clone has); they feed pre-translation and never overwrite a
reviewed entry, and an exact imported match is never taken as reviewed.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Iterable

from ..config import Project
from ..errors import CatalogError
from ..fsutil import atomic_write
from .memory import Memory, imported_path, load_memory

from .tmx import group_tus, read_tmx, stream_tmx, write_tmx
from .units import normalize_space


def export_tmx(project: Project, languages: Iterable[str] | None = None, *,
               include_imported: bool = True, memory: Memory | None = None) -> tuple[bytes, int]:
    """Return the project's memory as TMX 1.4 and the number of units in it."""
    out = io.BytesIO()
    count = write_export(project, out, languages, include_imported=include_imported, memory=memory)
    return out.getvalue(), count


def write_export(project: Project, out: BinaryIO, languages: Iterable[str] | None = None, *,
                 include_imported: bool = True, memory: Memory | None = None) -> int:
    """Write the project's memory as TMX 1.4 to *out* as it goes; return the number of
    units written (one per language, sentence and translation once spacing is normalised).

    The units come from the memory tables in document order (language, sentence), so one
    sentence's units are held at a time, not the 1.4 million of a 20,000-article archive.
    """
    memory = memory if memory is not None else load_memory(project)
    langs = sorted(set(languages)) if languages else None
    rows = memory.tables.export_rows(memory.desk, langs, include_imported=include_imported)
    return stream_tmx(group_tus(rows), out, source_lang=project.source)


@dataclass
class ImportReport:
    """What ``tm import`` did."""

    added: Counter = field(default_factory=Counter)        # lang -> new units
    duplicates: int = 0                                    # already in the memory
    other_languages: Counter = field(default_factory=Counter)  # tag -> units skipped
    written: list[Path] = field(default_factory=list)


def import_tmx(project: Project, path: str | Path, *, languages: Iterable[str] | None = None) -> ImportReport:
    """Add the units of a TMX file to ``locales/<lang>/memory.tmx`` (never to a catalogue)."""
    path = Path(path)
    langs = list(languages) if languages else list(project.languages)
    report = ImportReport()
    incoming = read_tmx(path, source_lang=project.source, languages=langs, others=report.other_languages)
    memory = load_memory(project)
    # What the desk's memory already holds of the incoming sentences only (asked a
    # block at a time): not every unit of an archive (1.4 million at 20,000 articles).
    known = {(lang, source, normalize_space(target)) for source, lang, target
             in memory.tables.translations_of(memory.desk, [u.source for u in incoming])}
    for lang in langs:
        new = []
        for unit in incoming:
            if unit.lang != lang:
                continue
            key = (lang, unit.source, normalize_space(unit.target))
            if key in known:
                report.duplicates += 1
                continue
            known.add(key)
            new.append(unit)
        if not new:
            continue
        target = imported_path(project, lang)
        existing = read_tmx(target, source_lang=project.source, languages=[lang]) if target.is_file() else []
        data = write_tmx(existing + new, source_lang=project.source)
        if atomic_write(target, data, error=CatalogError):
            report.written.append(target)
        report.added[lang] += len(new)
    return report

"""Translation memory: every reviewed translation of the project, reused before any engine.

Sources of the memory
    * **The catalogues** ``locales/<lang>/<slug>.po``: every *reviewed*
      entry (translated, not fuzzy; obsolete entries count too, their
      translation was reviewed) is a unit ``(source sentence, language) →
      translation``, with the article slug as its origin. The PO files stay
      the single source of truth.
    * **Imported memories** ``locales/<lang>/memory.tmx``: units brought in
      with ``newsloc tm import`` from a CAT tool (OmegaT, Trados, Weblate).
      They are a team asset, so they are committed next to the catalogues
      (a fresh clone has them) in TMX 1.4, which those tools read back.
      Imported units feed pre-translation; they never overwrite a reviewed
      entry, and an exact imported match is never taken as reviewed.

The index
    Reading hundreds of PO files on every run would be slow, so the units are
    kept in tables of the state store (:mod:`pipeline.state.tm`;
    ``.newsloc/state.sqlite``, or a PostgreSQL database several desks share,
    ``[tool.newsloc.memory] url``). Each memory file's size, modification and
    change times and SHA-256 are recorded; a file whose stat data changed is
    hashed and, if its bytes changed, its units are replaced (that file's
    only, in one transaction). Deleting the store costs one rebuild. A
    catalogue that cannot be read faithfully is left out (with a warning),
    never half-read.

Matching
    * *exact*: same source sentence, same language. Where the memory holds
      several translations of one sentence, catalogue units win over
      imported ones, then the most frequent translation, then the first
      article by slug; the alternatives are counted so that an ambiguous
      exact match is never taken as reviewed.
    * *fuzzy*: the best ``rapidfuzz.fuzz.ratio`` (normalised Indel
      similarity, 0–100) at or above the threshold (75 by default). Candidates
      are pre-selected by length (a ratio of *t* needs lengths within
      ``t/(2-t)``) and, in large memories, by shared uncommon words (see
      :mod:`pipeline.state.tm`), so a memory of hundreds of thousands of
      segments answers a whole article in milliseconds (see ``bench/tm.py``
      and ``bench/state.py``); :meth:`Memory.lookup_many` asks for a whole
      article's sentences at once. Another desk's unit (shared
      memory) is shown as ``<desk>/<slug>`` and never accepted as reviewed.

Pre-translation (:class:`MemoryPretranslator`, a step of the translate stage)
    :func:`pipeline.machine.translate_project` asks it first, for the texts
    of entries still untranslated (fuzzy ones too with ``retranslate``); the
    stage writes the answers, so a reviewed entry is never touched. An exact match is written fuzzy with the
    extracted-comment line ``TM 100% from <slug>``, or as reviewed when
    ``[tool.newsloc.memory] exact_is_reviewed = true`` (catalogue units
    only, and only when the memory agrees on one translation); a close match
    is written fuzzy with ``TM <score>% from <slug>`` and the memory's source
    sentence as the previous msgid (``#| msgid``), so the translator's editor
    shows what differs.

Settings (``[tool.newsloc.memory]``)::

    threshold = 75            # lowest fuzzy score used, percent
    exact_is_reviewed = false # exact matches from reviewed catalogues count as reviewed
"""

from __future__ import annotations

import bisect
import hashlib
import logging
import math
import operator
import os
import re
import stat
import struct
import time
import zlib
from collections import Counter
from dataclasses import dataclass
from itertools import compress, count, groupby, repeat
from pathlib import Path
from typing import Iterable, Iterator

from ..catalog import load_catalog
from ..config import Project, slug_for
from ..errors import ConfigError, PipelineError
from ..fsutil import RACY_SECONDS
from ..state.db import Db
from ..state.schema import migrate
from ..state.store import desk_name, digest_file, shared_db, store_path
from ..state.tm import TMTables
from .units import Unit, normalize_space

log = logging.getLogger(__name__)

#: Answers kept per memory object (then forgotten: memory stays flat on a cold run).
BEST_CACHE = 20000
#: Files whose units are written per transaction when many changed (a cold build).
SYNC_CHUNK = 200
#: Memory files per chunk of the sync's comparison, on average (see _chunks).
CHUNK_SPREAD = 256
#: The desk of a project's own SQLite store (a shared memory names desks: see desk_name).
LOCAL_DESK = "."
IMPORTED_NAME = "memory.tmx"
DEFAULT_THRESHOLD = 75.0
# Codes other tools use for the project's languages (TMX carries BCP 47 tags).


# --------------------------------------------------------------------------- units




@dataclass(frozen=True)
class Match:
    """The memory's answer for one source sentence."""

    unit: Unit
    score: float              # 0-100; exactly 100.0 only for an identical sentence
    alternatives: int = 1     # distinct translations the memory holds for unit.source

    @property
    def exact(self) -> bool:
        return self.score >= 100.0

    @property
    def percent(self) -> int:
        """The score as shown to translators: never rounded up to 100."""
        return 100 if self.exact else min(99, int(math.floor(self.score)))

    @property
    def provenance(self) -> str:
        """The extracted-comment line recording where the translation came from."""
        return f"TM {self.percent}% from {self.unit.origin}"




class Memory:
    """Translation units with exact and fuzzy lookup, answered by the memory tables.

    ``Memory(units)`` holds the given units in a private in-memory database
    (tests, the consistency check); :func:`load_memory` gives the project's
    memory in its state store or the shared PostgreSQL database. ``units``,
    ``len()`` and ``languages`` describe the project's own units (its desk);
    lookups see every desk's.
    """

    def __init__(self, units: Iterable[Unit] = (), *, tables: TMTables | None = None,
                 desk: str = LOCAL_DESK, languages: Iterable[str] = ()) -> None:
        if tables is None:
            db = Db(":memory:")
            migrate(db)
            tables = TMTables(db)
        by_file: dict[str, list[tuple]] = {}
        asked = set(languages)
        for unit in units:
            asked.add(unit.lang)
            by_file.setdefault(unit.path, []).append(
                (unit.source, unit.target, unit.lang, unit.origin, unit.line, unit.imported, unit.obsolete))
        if by_file:
            tables.replace_files(desk, [((path, 0, 0, 0, "", 0.0), rows) for path, rows in by_file.items()], ())
        self.tables = tables
        self.desk = desk
        self.rebuilt: list[str] = []  # files read again by the last load (for stats)
        self.skipped: list[PipelineError] = []
        self._units: list[Unit] | None = None
        # Languages a lookup answers for at once (the project's; a lookup in another adds it).
        self._langs: set[str] = asked
        # Caches, each bounded by BEST_CACHE sentences: the preferred unit per language of a
        # sentence (every language: the tables answer for all at once), and the best similar
        # sentence per language of a query (for the languages it was asked for).
        self._best: dict[str, dict[str, tuple[Unit, int]]] = {}
        self._near: dict[tuple[str, float], tuple[frozenset[str], dict[str, tuple[str, float]]]] = {}

    def _unit(self, row: tuple) -> Unit:
        source, target, lang, origin, path, line, imported, obsolete, desk = row
        foreign = desk != self.desk
        return Unit(source, target, lang, f"{desk}/{origin}" if foreign else origin, path, line,
                    bool(imported), bool(obsolete), foreign)

    @property
    def units(self) -> list[Unit]:
        """The project's own units, in file order."""
        if self._units is None:
            self._units = [self._unit(r) for r in self.tables.desk_units(self.desk)]
        return self._units

    def __len__(self) -> int:
        return self.tables.count_units(self.desk) if self._units is None else len(self._units)

    @property
    def languages(self) -> list[str]:
        return self.tables.languages(self.desk)

    def units_for(self, lang: str) -> list[Unit]:
        if self._units is not None:
            return [u for u in self._units if u.lang == lang]
        return [self._unit(r) for r in self.tables.desk_units(self.desk, lang)]

    def best(self, source: str, lang: str) -> tuple[Unit, int] | None:
        """The preferred unit for *source* and how many distinct translations compete."""
        return self._bests([source])[source].get(lang)

    def _bests(self, sources: Iterable[str]) -> dict[str, dict[str, tuple[Unit, int]]]:
        # :meth:`best` of many sentences in every language (language → preferred unit and
        # the number of distinct translations), asking the tables once for those not cached.
        out: dict[str, dict[str, tuple[Unit, int]]] = {}
        asked = []
        for source in dict.fromkeys(sources):
            if source in self._best:
                out[source] = self._best[source]
            else:
                asked.append(source)
        if not asked:
            return out
        rows = self.tables.units_of_many(asked)
        if len(self._best) + len(asked) > BEST_CACHE:  # a cold run asks about every text of the archive
            self._best.clear()
        for source in asked:
            by_lang: dict[str, list[Unit]] = {}
            for r in rows.get(source, ()):
                by_lang.setdefault(r[2], []).append(self._unit(r))
            found: dict[str, tuple[Unit, int]] = {}
            for lang, units in by_lang.items():
                counts = Counter(normalize_space(u.target) for u in units)
                chosen = min(units, key=lambda u: (u.imported, u.foreign, u.obsolete,
                                                   -counts[normalize_space(u.target)], u.origin, u.line or 0))
                found[lang] = (chosen, len(counts))
            out[source] = self._best[source] = found
        return out

    def exact(self, source: str, lang: str) -> Match | None:
        """Return the memory's translation of exactly *source*, if any."""
        found = self.best(source, lang)
        if found is None:
            return None
        unit, alternatives = found
        return Match(unit, 100.0, alternatives)

    def fuzzy_many(self, sources: Iterable[str], lang: str,
                   threshold: float) -> dict[str, tuple[str, float] | None]:
        """The most similar sentence (rapidfuzz ratio ≥ *threshold*) that the memory translates
        into *lang*, and its score, for each of *sources*.

        The tables are asked once for every language of the memory (see ``_langs``) and
        the answers kept: the same sentences in the next language cost no query.
        """
        return {s: by_lang.get(lang) for s, by_lang in self._nears(sources, lang, threshold).items()}

    def _nears(self, sources: Iterable[str], lang: str,
               threshold: float) -> dict[str, dict[str, tuple[str, float]]]:
        # Sentence → (language → its most similar sentence and score), for every language
        # asked so far; answered from the cache where *lang* was part of the question.
        # The answers are returned from this call's own dict: a cold run over an archive
        # fills the cache past BEST_CACHE and it is emptied mid-way, so reading the answers
        # back from the cache would lose those of sentences asked before.
        self._langs.add(lang)
        out: dict[str, dict[str, tuple[str, float]]] = {}
        asked = []
        for source in dict.fromkeys(sources):
            cached = self._near.get((source, threshold))
            if cached is not None and lang in cached[0]:
                out[source] = cached[1]
            else:
                asked.append(source)
        if asked:
            langs = frozenset(self._langs)
            candidates = self.tables.candidates_many(asked, threshold, sorted(langs))
            if len(self._near) + len(asked) > BEST_CACHE:
                self._near.clear()
            for source in asked:
                out[source] = _best_per_language(source, candidates.get(source, []), threshold)
                self._near[(source, threshold)] = (langs, out[source])
        return out

    def lookup(self, source: str, lang: str, *, threshold: float = DEFAULT_THRESHOLD) -> Match | None:
        """Return the best match for *source* in *lang*: exact first, then fuzzy ≥ *threshold*."""
        return self.lookup_many([source], lang, threshold=threshold)[source]

    def lookup_many(self, sources: Iterable[str], lang: str, *,
                    threshold: float = DEFAULT_THRESHOLD) -> dict[str, Match | None]:
        """:meth:`lookup` of many sentences: exact matches for all in one go, then the
        fuzzy candidates of the rest in one go (a round trip each on PostgreSQL).

        Both questions are asked for every language of the memory at once and the
        answers kept (:data:`BEST_CACHE`): pre-translation asks per language, and the
        same article's sentences in the next language are answered without a query.
        """
        exact = self._bests(sources)
        out: dict[str, Match | None] = {}
        for source, by_lang in exact.items():
            found = by_lang.get(lang)
            out[source] = None if found is None else Match(found[0], 100.0, found[1])
        # The fuzzy question for *lang*'s misses, answered for every language at once: the
        # next language's call finds the same sentences' answers in the cache. (Not for
        # sentences *lang* has an exact match for: a language of the project the memory has
        # no unit in yet would make every lookup a fuzzy search, answered for no one.)
        misses = [source for source, by_lang in exact.items() if source.strip() and lang not in by_lang]
        if not misses:
            return out
        nears = self._nears(misses, lang, threshold)
        near = {source: by_lang[lang] for source, by_lang in nears.items() if lang in by_lang}
        # The similar sentences' units for every language in one go too (those found for
        # the other languages are asked now, not in their own call).
        bests = self._bests({similar for by_lang in nears.values() for similar, _score in by_lang.values()})
        for source, (similar, score) in near.items():
            best = bests[similar].get(lang)
            if best is None:  # removed by another desk just now
                continue
            # A fuzzy ratio can round to 100 for sentences that differ in one
            # character out of thousands: only identity is an exact match.
            out[source] = Match(best[0], min(score, 99.99), best[1])
        return out


def _best_per_language(query: str, candidates: list[tuple[str, frozenset[str]]],
                       threshold: float) -> dict[str, tuple[str, float]]:
    """Language → the most similar candidate translated into it, and its score.

    Every candidate is scored once; the best for a language is the best among the
    candidates alive in that language (not the best overall), the first in sentence
    order on a tie, as ``process.extractOne`` over the sorted candidates would pick.
    """
    if not candidates:
        return {}
    from rapidfuzz import fuzz, process  # here: a run that scores nothing (a no-op translate, check) skips it
    candidates = sorted(candidates)
    scored = process.extract(query, [c[0] for c in candidates], scorer=fuzz.ratio,
                             score_cutoff=threshold, limit=None)
    best: dict[str, tuple[float, int]] = {}
    for _choice, score, index in scored:
        for lang in candidates[index][1]:
            held = best.get(lang)
            if held is None or score > held[0] or (score == held[0] and index < held[1]):
                best[lang] = (score, index)
    return {lang: (candidates[index][0], float(score)) for lang, (score, index) in best.items()}



# --------------------------------------------------------------------------- files and index


def memory_files(project: Project) -> list[Path]:
    """Every file the memory is built from: catalogues and imported TMX, sorted."""
    return [Path(path) for folder in _scan_memory_files(project) for _rel, path, _st in folder.files()]


@dataclass
class _Folder:
    """The memory files of one language folder: names (bytes, sorted) and their stat data.

    A sync stats every memory file of the archive on every run, so the scan
    keeps what the kernel gave (names as listed, stat results) and builds the
    strings of a file (its path relative to the project, its full path) only
    for the few files a run compares (:meth:`files`).
    """

    prefix: str               # the folder relative to the project, with a final "/"
    path: str                 # the folder's path, with a final separator
    names: list[bytes]
    stats: list[os.stat_result]

    def files(self, lo: int = 0, hi: int | None = None) -> Iterator[tuple[str, str, os.stat_result]]:
        """``(path relative to the project, path, stat data)`` of the files *lo* to *hi*."""
        prefix, path = self.prefix, self.path
        for name, st in zip(self.names[lo:hi], self.stats[lo:hi]):
            name = os.fsdecode(name)
            yield prefix + name, path + name, st


def _scan_memory_files(project: Project) -> list[_Folder]:
    # Names come from one listing per language and each file is stat'ed
    # relative to its open folder (a third of the cost of a stat by full
    # path: the kernel resolves one name, not the whole path). At 60,000
    # files the stat calls are most of the cost; everything else here runs
    # in C loops (map, compress, bisect), never a Python statement per file.
    root = project.locales_dir
    try:
        languages = sorted(e.name for e in os.scandir(root) if e.is_dir() and not e.name.startswith("."))
    except OSError:
        return []
    base = _relative(project, root)
    templates = os.fspath(project.templates_dir)
    out: list[_Folder] = []
    for lang in languages:
        folder = os.path.join(root, lang)
        if folder == templates:
            continue
        try:
            fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        except OSError:
            continue
        try:
            try:
                listed = os.listdir(os.fsencode(folder))
            except OSError:  # removed since it was opened: nothing of it to read
                continue
            names = _memory_names(listed)
            stat_at = os.stat
            try:
                stats = [stat_at(name, dir_fd=fd) for name in names]
            except OSError:  # removed (or a dangling link) since the listing: leave it out
                kept = []
                stats = []
                for name in names:
                    try:
                        stats.append(stat_at(name, dir_fd=fd))
                    except OSError:
                        continue
                    kept.append(name)
                names = kept
        finally:
            os.close(fd)
        if not all(map(stat.S_ISREG, map(_MODE, stats))):
            regular = list(map(stat.S_ISREG, map(_MODE, stats)))
            names, stats = list(compress(names, regular)), list(compress(stats, regular))
        out.append(_Folder(f"{base}/{lang}/", folder + os.sep, names, stats))
    return out


def _memory_names(listed: list[bytes]) -> list[bytes]:
    """The memory files among a language folder's names, sorted: catalogues and imported TMX.

    Glossaries may be PO files too; they are term lists, not sentences.

    >>> _memory_names([b"b.po", b"glossary.po", b"memory.tmx", b".a.po", b"a.po", b"x.txt", b"glossary-x.po"])
    [b'a.po', b'b.po', b'memory.tmx']
    """
    names = sorted(compress(listed, map(bytes.endswith, listed, repeat(b".po"))))
    for first, after in ((b".", b"/"), (b"glossary", b"glossarz")):  # each prefix is one run of the sorted names
        del names[bisect.bisect_left(names, first):bisect.bisect_left(names, after)]
    imported = os.fsencode(IMPORTED_NAME)
    if imported in listed:
        bisect.insort(names, imported)
    return names


def imported_path(project: Project, lang: str) -> Path:
    """Where imported units of *lang* are kept (committed with the catalogues)."""
    return project.locales_dir / lang / IMPORTED_NAME


def index_path(project: Project) -> Path:
    """Where the project's memory index lives (the state store; unless the memory is shared)."""
    return store_path(project)


def _relative(project: Project, path: Path) -> str:
    try:  # memory files are listed under the (resolved) root: no resolve() per file needed
        return path.relative_to(project.root).as_posix()
    except ValueError:
        try:
            return path.resolve().relative_to(project.root).as_posix()
        except ValueError:
            return path.as_posix()


def read_catalog_units(project: Project, path: Path) -> list[Unit]:
    """Return the reviewed entries of one catalogue as memory units."""
    lang, slug = path.parent.name, slug_for(path)
    po = load_catalog(path)
    rel = _relative(project, path)
    units = []
    for entry in po:
        if entry.msgid_plural or not entry.msgid or not entry.msgstr.strip():
            continue
        if "fuzzy" in entry.flags:
            continue
        units.append(Unit(normalize_space(entry.msgid), entry.msgstr, lang, slug, rel,
                          entry.linenum or None, False, bool(entry.obsolete)))
    return units


def _read_file_units(project: Project, path: Path) -> list[Unit]:
    if path.name == IMPORTED_NAME:
        from .tmx import read_tmx  # defusedxml: only for a desk that imported a TMX memory
        units = read_tmx(path, source_lang=project.source, languages=[path.parent.name])
        rel = _relative(project, path)
        return [Unit(u.source, u.target, u.lang, u.origin, rel, None, True) for u in units]
    return read_catalog_units(project, path)


@dataclass
class _Chunk:
    """A run of consecutive memory files (in name order) and the digest of their stat data."""

    start: str            # the first file's name ("" for the first chunk: it also covers names before it)
    parts: list[tuple[_Folder, int, int]]   # its files: runs lo:hi of folders
    digest: str
    newest: float         # the latest modification or change time of its files

    def files(self) -> Iterator[tuple[str, str, os.stat_result]]:
        for folder, lo, hi in self.parts:
            yield from folder.files(lo, hi)


def _chunks(folders: list[_Folder]) -> list[_Chunk]:
    """Cut the sorted listing into chunks of about :data:`CHUNK_SPREAD` files.

    A chunk starts at a file whose name (relative to the project) hashes
    (CRC-32) to 0 modulo the spread, so chunks depend on the names alone:
    adding or removing a file changes the digest of its own chunk only (or
    of two, when that file starts one), and a run compares those chunks'
    files with the store, not the archive's. The digest (BLAKE2b) covers
    every file's name, size, modification and change times (ns) and inode:
    an edit in place that restores the old mtime still changes the ctime,
    which no user can set. The numbers are hashed as packed 64-bit integers
    (no text per file).
    """
    chunks: list[_Chunk] = []
    spread = CHUNK_SPREAD
    start, parts, digest, newest = "", [], hashlib.blake2b(digest_size=16), None
    for folder in folders:
        names, stats = folder.names, folder.stats
        prefix = folder.prefix.encode("utf-8", "surrogateescape")
        fields = [_packed(list(map(get, stats))) for get in _NUMBERS]
        mtimes, ctimes = fields[1][0], fields[2][0]
        crcs = map(zlib.crc32, names, repeat(zlib.crc32(prefix)))
        cuts = list(compress(count(), map(operator.not_, map(operator.mod, crcs, repeat(spread)))))
        lo = 0
        for cut in cuts + [len(names)]:
            if cut > lo:
                digest.update(b"%s\n%d\n" % (prefix, cut - lo))
                digest.update(b"\0".join(names[lo:cut]))
                for values, packed in fields:
                    digest.update(packed[8 * lo:8 * cut] if packed is not None else repr(values[lo:cut]).encode())
                top = max(max(mtimes[lo:cut]), max(ctimes[lo:cut]))
                newest = top if newest is None or top > newest else newest
                parts.append((folder, lo, cut))
            if cut == len(names) or not parts:
                continue  # the first file of all never starts a chunk: the first chunk starts at ""
            chunks.append(_Chunk(start, parts, digest.hexdigest(), newest / 1e9))
            start = prefix.decode("utf-8", "surrogateescape") + os.fsdecode(names[cut])
            parts, digest, newest, lo = [], hashlib.blake2b(digest_size=16), None, cut
    if parts:
        chunks.append(_Chunk(start, parts, digest.hexdigest(), newest / 1e9))
    return chunks


#: What the digest covers of each file's stat data (besides its name).
_NUMBERS = tuple(operator.attrgetter(f"st_{field}") for field in ("size", "mtime_ns", "ctime_ns", "ino"))
_MODE = operator.attrgetter("st_mode")


def _packed(values: list[int]) -> tuple[list[int], memoryview | None]:
    """*values* and, when they fit, the same as signed 64-bit integers (hashed as bytes).

    >>> _packed([1, -2])[1].cast("q").tolist()
    [1, -2]
    >>> _packed([2 ** 64 - 1])[1] is None
    True
    """
    try:
        return values, memoryview(struct.pack(f"{len(values)}q", *values))
    except struct.error:  # an inode number above 2**63, a date after 2262: hashed as text
        return values, None


def load_memory(project: Project, *, use_index: bool = True) -> Memory:
    """The project's memory, after reading again only the files that changed.

    The units live in the state store (or the shared PostgreSQL memory,
    :func:`pipeline.state.store.memory_url`). Each memory file's stat data
    and digest are recorded; a file whose stat data cannot be trusted is
    hashed, and read again only when its bytes changed. *use_index* = False
    reads every file into a private in-memory memory (nothing is stored).

    An archive has tens of thousands of memory files and most runs change
    a handful, so the files are compared in chunks (:func:`_chunks`): a
    chunk whose digest is the one recorded at its last sync (taken late
    enough after its newest write to trust, see
    :data:`~pipeline.fsutil.RACY_SECONDS`) is not compared file by
    file. A run on 60,000 files that changed three stats them all, reads
    about 240 chunk marks and compares a few hundred files.
    """
    started = time.time()  # before any stat: a mark never claims more than the stats saw
    found = _scan_memory_files(project)
    if not use_index:
        files = [Path(path) for folder in found for _rel, path, _st in folder.files()]
        units: list[Unit] = []
        skipped: list[PipelineError] = []
        for path in files:
            try:
                units.extend(_read_file_units(project, path))
            except PipelineError as exc:
                log.warning("translation memory leaves out %s", exc)
                skipped.append(exc)
        memory = Memory(units)
        memory.skipped = skipped
        memory.rebuilt = [_relative(project, p) for p in files]
        return memory
    db = shared_db(project)
    desk = desk_name(project) if db.kind == "postgresql" else LOCAL_DESK
    tables = TMTables(db)
    chunks = _chunks(found)
    marks = tables.sync_marks(desk)
    stale = [c for c in chunks if marks.get(c.start) is None or marks[c.start][0] != c.digest
             or marks[c.start][1] - c.newest <= RACY_SECONDS]
    memory = Memory(tables=tables, desk=desk, languages=project.languages)
    if not stale and len(marks) == len(chunks):
        return memory  # no memory file changed since the last sync
    starts = {c.start for c in chunks}
    tables.drop_sync_marks(desk, [c.start for c in stale] + [m for m in marks if m not in starts])
    compared = [item for c in stale for item in c.files()]
    old = tables.file_stamps(desk, [rel for rel, _path, _st in compared])
    known = sum(len(f.names) for f in found) - len(compared) + len(old)  # files the store has a row for
    if tables.count_files(desk) > known:  # some file was removed (or renamed): find which
        current = {rel for folder in found for rel, _path, _st in folder.files()}
        gone = {rel: None for rel in tables.file_paths(desk) if rel not in current}
    else:
        gone = {}
    changed, restamped, rebuilt, skipped = [], [], [], []
    left_out: set[str] = set()
    for rel, path, st in compared:
        row = old.pop(rel, None)
        if row is not None and tuple(row[:3]) == (st.st_size, st.st_mtime_ns, st.st_ctime_ns) \
                and row[4] - st.st_mtime > RACY_SECONDS:
            continue
        seen = time.time()
        digest = digest_file(path)
        stamp = (rel, st.st_size, st.st_mtime_ns, st.st_ctime_ns, digest, seen)
        if row is not None and row[3] == digest:
            restamped.append(stamp)
            continue
        try:
            file_units = _read_file_units(project, Path(path))
        except PipelineError as exc:
            log.warning("translation memory leaves out %s", exc)
            skipped.append(exc)
            left_out.add(rel)
            if row is not None:
                gone[rel] = row  # its units leave the memory until it reads again
            continue
        rebuilt.append(rel)
        changed.append((stamp, [(u.source, u.target, u.lang, u.origin, u.line, u.imported, u.obsolete)
                                for u in file_units]))
        if len(changed) >= SYNC_CHUNK:  # a cold build streams: memory stays flat however large the archive
            tables.replace_files(desk, changed, removed=())
            changed = []
    tables.replace_files(desk, changed, removed=gone)
    tables.restamp(desk, restamped)
    # A chunk with a file left out is compared (and the file warned about) again next run.
    tables.set_sync_marks(desk, [(c.start, c.digest, started) for c in stale
                                 if not any(rel in left_out for rel, _path, _st in c.files())])
    tables.settle()
    memory.rebuilt = rebuilt
    memory.skipped = skipped
    return memory


# --------------------------------------------------------------------------- pre-translation


def memory_settings(project: Project) -> tuple[float, bool]:
    """Return ``(threshold, exact_is_reviewed)`` from ``[tool.newsloc.memory]``."""
    section = project.section("memory")
    threshold = section.get("threshold", DEFAULT_THRESHOLD)
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 < threshold <= 100:
        raise ConfigError("[tool.newsloc.memory] threshold must be a number between 1 and 100",
                          path=project.root / "pyproject.toml")
    exact_is_reviewed = section.get("exact_is_reviewed", False)
    if not isinstance(exact_is_reviewed, bool):
        raise ConfigError("[tool.newsloc.memory] exact_is_reviewed must be true or false",
                          path=project.root / "pyproject.toml")
    return float(threshold), exact_is_reviewed


# --------------------------------------------------------------------------- statistics


@dataclass(frozen=True)
class LanguageStats:
    lang: str
    units: int            # catalogue units (reviewed entries)
    articles: int         # catalogues contributing
    imported: int         # imported units
    sources: int          # distinct source sentences
    conflicting: int      # sources with more than one translation


def memory_stats(memory: Memory) -> list[LanguageStats]:
    """Summarise the memory per language (the project's own units).

    Bounded memory: the counts are the database's; so is the choice of the sentences
    with more than one translation, which are then compared with spacing normalised (as
    SQL cannot) from the units streamed one block at a time.
    """
    counts = memory.tables.unit_counts(memory.desk)
    conflicting: Counter = Counter()
    rows = memory.tables.conflict_candidates(memory.desk)
    for (_, lang), group in groupby(rows, key=operator.itemgetter(0, 1)):
        if len({normalize_space(target) for _, _, target in group}) > 1:
            conflicting[lang] += 1
    return [LanguageStats(lang, units, articles, imported, sources, conflicting[lang])
            for lang, (units, articles, imported, sources) in sorted(counts.items())]


# --------------------------------------------------------------------------- consistency


@dataclass(frozen=True)
class Inconsistency:
    """A translation that disagrees with the rest of the project."""

    kind: str          # "memory": same sentence translated differently; "glossary": term rendered otherwise
    path: Path
    line: int | None
    source: str
    target: str
    message: str


def comparable(text: str) -> str:
    """Normalise a translation for comparison: bidi marks and spacing differences do not count."""
    # Bidi marks and spacing differences are not a different translation.
    return normalize_space(re.sub("[\u200e\u200f\u061c\u2066-\u2069]", "", text))


def find_inconsistencies(project: Project, lang: str, *, memory: Memory | None = None,
                         kinds: Iterable[str] = ("memory", "glossary")) -> list[Inconsistency]:
    """Report reviewed translations that disagree across articles (``memory``) or with the glossary."""
    kinds = set(kinds)
    memory = memory if memory is not None else load_memory(project)
    # What is published now: imported units and obsolete entries are not the desk's current word.
    units = [u for u in memory.units_for(lang) if not u.imported and not u.obsolete]
    findings: list[Inconsistency] = []
    by_source: dict[str, list[Unit]] = {}
    for unit in units:
        by_source.setdefault(unit.source, []).append(unit)
    for source, group in by_source.items() if "memory" in kinds else ():
        variants = {comparable(u.target) for u in group}
        if len(variants) < 2:
            continue
        for unit in group:
            others = sorted({(u.origin, u.target) for u in group
                             if comparable(u.target) != comparable(unit.target)})
            shown = "; ".join(f"{origin}: {target!r}" for origin, target in others[:3])
            more = f" (+{len(others) - 3} more)" if len(others) > 3 else ""
            findings.append(Inconsistency(
                "memory", project.root / unit.path, unit.line, source, unit.target,
                f"same sentence translated differently in {len({o for o, _ in others})} "
                f"other article(s): {shown}{more}"))
    if "glossary" in kinds:
        findings.extend(_glossary_findings(project, lang, units))
    return sorted(findings, key=lambda f: (str(f.path), f.line or 0, f.kind))


def _glossary_findings(project: Project, lang: str, units: list[Unit]) -> list[Inconsistency]:
    """Reviewed translations that render a glossary name otherwise than approved."""
    from .glossary import load_glossary
    glossary = load_glossary(project, lang)
    if not glossary.terms:
        return []
    findings = []
    for unit in units:
        # Containment, not whole words: Arabic and Kurdish attach prefixes and
        # case endings to names (لداعش, DAIŞê) and those are right.
        target = comparable(unit.target).casefold()
        for term, rendering in glossary.find(unit.source):
            if comparable(rendering).casefold() in target:
                continue
            what = "kept as written" if rendering == term else f"rendered {rendering!r}"
            findings.append(Inconsistency(
                "glossary", project.root / unit.path, unit.line, unit.source, unit.target,
                f"{term!r} should be {what} (glossary {', '.join(p.name for p in glossary.paths)})"))
    return findings

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
    kept in a derived index, ``.newsloc/memory/index.json`` (git-ignored).
    A manifest records each source file's size, modification time and
    SHA-256; a file whose size or mtime changed is hashed and, if its bytes
    changed, read again. Deleting the index only costs one rebuild. A
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
      ``t/(2-t)``) and, in large memories, by shared uncommon words through
      an inverted index, so a memory of 20,000 segments answers a whole
      article in milliseconds (see ``bench/tm.py``).

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

import hashlib
import json
import logging
import math
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from rapidfuzz import fuzz, process

from ..catalog import load_catalog
from ..config import Project, slug_for
from ..errors import ConfigError, PipelineError
from ..fsutil import atomic_write, file_digest
from .tmx import read_tmx
from .units import Unit, normalize_space

log = logging.getLogger(__name__)

INDEX_VERSION = 2
IMPORTED_NAME = "memory.tmx"
DEFAULT_THRESHOLD = 75.0
#: Memories up to this many distinct sentences are searched in full (cheap enough).
BRUTE_FORCE_LIMIT = 2000
#: A word found in more than this share of a memory's sentences does not select candidates.
COMMON_WORD_SHARE = 0.05
#: Share of the query's uncommon words a candidate must have.
WORD_OVERLAP = 0.4
#: Stat data of a file modified this close to the last scan is not trusted
#: (coarse file-system clocks): the file is hashed again.
RACY_SECONDS = 2.0
_WORD = re.compile(r"\w+")
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




def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


class _LanguageIndex:
    """Units of one language, indexed for exact and fuzzy lookup."""

    def __init__(self, units: Iterable[Unit], cache: Path | None = None) -> None:
        self.by_source: dict[str, list[Unit]] = {}
        for unit in units:
            self.by_source.setdefault(unit.source, []).append(unit)
        self.sources = sorted(self.by_source)
        self.lengths = [len(s) for s in self.sources]
        self.cache = cache  # where the word index is kept between runs (derived state)
        self._postings: dict[str, list[int]] | None = None
        self._best: dict[str, tuple[Unit, int]] = {}

    def postings(self) -> dict[str, list[int]]:
        """Return the inverted index word → source numbers (built on the first fuzzy query)."""
        if self._postings is None:
            self._postings = self._load_postings() or self._build_postings()
        return self._postings

    def _digest(self) -> str:
        h = hashlib.sha256()
        for source in self.sources:
            h.update(source.encode("utf-8", "surrogatepass") + b"\0")
        return h.hexdigest()

    def _load_postings(self) -> dict[str, list[int]] | None:
        if self.cache is None or not self.cache.is_file():
            return None
        try:
            data = json.loads(self.cache.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if data.get("version") != INDEX_VERSION or data.get("digest") != self._digest():
            return None
        return data.get("postings")

    def _build_postings(self) -> dict[str, list[int]]:
        postings: defaultdict[str, list[int]] = defaultdict(list)
        for i, source in enumerate(self.sources):
            for word in _words(source):
                postings[word].append(i)
        result = dict(postings)
        if self.cache is not None and len(self.sources) > BRUTE_FORCE_LIMIT:
            payload = json.dumps({"version": INDEX_VERSION, "digest": self._digest(), "postings": result},
                                 ensure_ascii=False, separators=(",", ":"))
            try:
                atomic_write(self.cache, payload.encode("utf-8"), error=ConfigError)
            except PipelineError as exc:
                log.warning("cannot save the memory word index: %s", exc)
        return result

    def best(self, source: str) -> tuple[Unit, int] | None:
        """Return the preferred unit for *source* and how many translations compete."""
        if source in self._best:
            return self._best[source]
        units = self.by_source.get(source)
        if not units:
            return None
        counts = Counter(normalize_space(u.target) for u in units)
        chosen = min(units, key=lambda u: (u.imported, u.obsolete, -counts[normalize_space(u.target)],
                                           u.origin, u.line or 0))
        self._best[source] = (chosen, len(counts))
        return self._best[source]

    def candidates(self, query: str, threshold: float) -> list[int]:
        """Return indexes of sources that may reach *threshold* against *query*."""
        t = threshold / 100.0
        low, high = len(query) * t / (2 - t), len(query) * (2 - t) / max(t, 1e-9)
        n = len(self.sources)
        if n <= BRUTE_FORCE_LIMIT:
            return [i for i, length in enumerate(self.lengths) if low <= length <= high]
        postings = self.postings()
        limit = max(50, int(n * COMMON_WORD_SHARE))
        rare = [w for w in _words(query) if 0 < len(postings.get(w, ())) <= limit]
        if not rare:
            # Only common words (or none known): the length window alone must do.
            return [i for i, length in enumerate(self.lengths) if low <= length <= high]
        counts: Counter[int] = Counter()
        for word in rare:
            counts.update(postings[word])
        need = max(1, math.floor(len(rare) * WORD_OVERLAP))
        return [i for i, c in counts.items() if c >= need and low <= self.lengths[i] <= high]

    def fuzzy(self, query: str, threshold: float) -> tuple[str, float] | None:
        picked = self.candidates(query, threshold)
        if not picked:
            return None
        choices = [self.sources[i] for i in picked]
        found = process.extractOne(query, choices, scorer=fuzz.ratio, score_cutoff=threshold)
        if found is None:
            return None
        return found[0], float(found[1])


class Memory:
    """Translation units of a project, by language, with exact and fuzzy lookup."""

    def __init__(self, units: Iterable[Unit] = (), *, cache_dir: Path | None = None) -> None:
        self.units: list[Unit] = list(units)
        by_lang: dict[str, list[Unit]] = {}
        for unit in self.units:
            by_lang.setdefault(unit.lang, []).append(unit)
        self._index = {lang: _LanguageIndex(us, cache_dir / f"words-{lang}.json" if cache_dir else None)
                       for lang, us in by_lang.items()}
        self.rebuilt: list[str] = []  # files read again by the last load (for stats)
        self.skipped: list[PipelineError] = []

    def __len__(self) -> int:
        return len(self.units)

    @property
    def languages(self) -> list[str]:
        return sorted(self._index)

    def units_for(self, lang: str) -> list[Unit]:
        return [u for u in self.units if u.lang == lang]

    def exact(self, source: str, lang: str) -> Match | None:
        """Return the memory's translation of exactly *source*, if any."""
        index = self._index.get(lang)
        found = index.best(source) if index else None
        if found is None:
            return None
        unit, alternatives = found
        return Match(unit, 100.0, alternatives)

    def lookup(self, source: str, lang: str, *, threshold: float = DEFAULT_THRESHOLD) -> Match | None:
        """Return the best match for *source* in *lang*: exact first, then fuzzy ≥ *threshold*."""
        match = self.exact(source, lang)
        if match is not None:
            return match
        index = self._index.get(lang)
        if index is None or not source.strip():
            return None
        found = index.fuzzy(source, threshold)
        if found is None:
            return None
        best = index.best(found[0])
        assert best is not None
        # A fuzzy ratio can round to 100 for sentences that differ in one
        # character out of thousands: only identity is an exact match.
        return Match(best[0], min(found[1], 99.99), best[1])


# --------------------------------------------------------------------------- files and index


def memory_files(project: Project) -> list[Path]:
    """Every file the memory is built from: catalogues and imported TMX, sorted."""
    root = project.locales_dir
    if not root.is_dir():
        return []
    files: list[Path] = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if folder == project.templates_dir or folder.name.startswith("."):
            continue
        for path in sorted(folder.iterdir()):
            if not path.is_file() or path.name.startswith("."):
                continue
            # Glossaries may be PO files too; they are term lists, not sentences.
            if path.suffix == ".po" and not path.stem.startswith("glossary"):
                files.append(path)
            elif path.name == IMPORTED_NAME:
                files.append(path)
    return files


def imported_path(project: Project, lang: str) -> Path:
    """Where imported units of *lang* are kept (committed with the catalogues)."""
    return project.locales_dir / lang / IMPORTED_NAME


def index_path(project: Project) -> Path:
    return project.state_dir / "memory" / "index.json"


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
        units = read_tmx(path, source_lang=project.source, languages=[path.parent.name])
        rel = _relative(project, path)
        return [Unit(u.source, u.target, u.lang, u.origin, rel, None, True) for u in units]
    return read_catalog_units(project, path)


def load_memory(project: Project, *, use_index: bool = True) -> Memory:
    """Build the project's memory, reading again only the files that changed."""
    files = memory_files(project)
    ipath = index_path(project)
    old: dict = {}
    if use_index and ipath.is_file():
        try:
            data = json.loads(ipath.read_text(encoding="utf-8"))
            if data.get("version") == INDEX_VERSION and isinstance(data.get("files"), dict):
                old = data["files"]
        except (OSError, ValueError) as exc:
            log.warning("%s: unreadable memory index, rebuilding: %s", ipath, exc)
    scan_started = time.time()
    entries: dict[str, dict] = {}
    rebuilt: list[str] = []
    skipped: list[PipelineError] = []
    units: list[Unit] = []
    for path in files:
        rel = _relative(project, path)
        try:
            st = path.stat()
        except OSError:
            continue
        cached = old.get(rel)
        record = None
        if cached is not None:
            trusted = cached.get("scanned", 0) - st.st_mtime > RACY_SECONDS
            if trusted and cached.get("size") == st.st_size and cached.get("mtime_ns") == st.st_mtime_ns:
                record = cached
            else:
                digest = file_digest(path)
                if digest == cached.get("sha256"):
                    record = dict(cached, size=st.st_size, mtime_ns=st.st_mtime_ns)
        if record is None:
            try:
                file_units = _read_file_units(project, path)
            except PipelineError as exc:
                log.warning("translation memory leaves out %s", exc)
                skipped.append(exc)
                continue
            rebuilt.append(rel)
            record = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": file_digest(path),
                      "units": [[u.source, u.target, u.lang, u.origin, u.line, u.imported, u.obsolete]
                                for u in file_units]}
        record = dict(record, scanned=scan_started)
        entries[rel] = record
        units.extend(Unit(s, t, lang, origin, rel, line, bool(imp), bool(obs))
                     for s, t, lang, origin, line, imp, obs in record["units"])
    if use_index and (rebuilt or set(entries) != set(old) or not ipath.is_file()
                      or any(entries[k].get("mtime_ns") != old.get(k, {}).get("mtime_ns") for k in entries)):
        payload = json.dumps({"version": INDEX_VERSION, "files": entries}, ensure_ascii=False,
                             separators=(",", ":"), sort_keys=True)
        try:
            atomic_write(ipath, payload.encode("utf-8"), error=ConfigError)
        except PipelineError as exc:  # a read-only checkout still gets its memory
            log.warning("cannot save the memory index: %s", exc)
    memory = Memory(units, cache_dir=ipath.parent if use_index else None)
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
    """Summarise the memory per language."""
    out = []
    for lang in memory.languages:
        units = memory.units_for(lang)
        own = [u for u in units if not u.imported]
        by_source: dict[str, set[str]] = {}
        for u in units:
            by_source.setdefault(u.source, set()).add(normalize_space(u.target))
        out.append(LanguageStats(lang, len(own), len({u.origin for u in own}),
                                 len(units) - len(own), len(by_source),
                                 sum(1 for v in by_source.values() if len(v) > 1)))
    return out


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

"""The translation memory's tables: units by file, sentences indexed for exact and fuzzy lookup.

This module knows rows, not PO files: :mod:`pipeline.translate.memory`
reads the catalogues and TMX files and hands their units over per file
(:meth:`TMTables.replace_files`), and asks for matches.

* **exact** — ``tm_sources`` is unique on (language, SHA-256 prefix of the
  sentence); the sentence itself is compared too.
* **fuzzy candidates** — sentences whose length can reach the threshold
  (a ratio of *t* needs lengths within ``t/(2-t)``) and, in memories of more
  than :data:`BRUTE_FORCE_LIMIT` sentences of a language,

  - on SQLite, that share at least :data:`WORD_OVERLAP` of the query's
    uncommon words (``tm_words`` postings; a word in more than
    :data:`COMMON_WORD_SHARE` of the sentences, per ``tm_wordfreq``, is
    common) — exactly the pre-selection the in-memory index made before;
  - on PostgreSQL, that ``pg_trgm`` finds similar (``%`` operator with
    ``pg_trgm.similarity_threshold`` = :data:`TRIGRAM_THRESHOLD`, GIN index).

  The caller scores candidates with rapidfuzz. ``bench/tm.py`` and
  ``tests/test_memory_store.py`` compare the answers with a full scan.
* **incremental** — a changed file's units are deleted and inserted again in
  one transaction; sentences no unit refers to any more are dropped (SQLite)
  or ignored by every query (PostgreSQL, where another desk may be adding a
  unit for the same sentence at that moment).

Several desks can share one PostgreSQL memory: each unit belongs to a *desk*
(:func:`pipeline.state.store.desk_name`), a desk's sync only replaces its own
units, and lookups see everyone's.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Iterable, Sequence

from .store import text_key

#: Memories up to this many distinct sentences (per language) are searched by length alone.
BRUTE_FORCE_LIMIT = 2000
#: A word found in more than this share of a language's sentences does not select candidates.
COMMON_WORD_SHARE = 0.05
#: Share of the query's uncommon words a candidate must have.
WORD_OVERLAP = 0.4
#: pg_trgm similarity a candidate needs on PostgreSQL (the rapidfuzz threshold decides after).
TRIGRAM_THRESHOLD = 0.3
_WORD = re.compile(r"\w+")
_CHUNK = 500

#: Columns of a unit row as the caller gives and gets them.
UNIT_COLUMNS = "source, target, lang, origin, path, line, imported, obsolete, desk"


def words(text: str) -> set[str]:
    """The lower-cased words of *text* (the postings' terms).

    >>> sorted(words("The storm, the FLOOD"))
    ['flood', 'storm', 'the']
    """
    return set(_WORD.findall(text.lower()))


def _chunks(items: Sequence, size: int = _CHUNK):
    for k in range(0, len(items), size):
        yield items[k:k + size]


class TMTables:
    """The memory tables of one database (SQLite store or shared PostgreSQL)."""

    def __init__(self, db) -> None:
        self.db = db
        self.pg = db.kind == "postgresql"
        self._counts: dict[str, int] = {}
        self._trgm_set = False

    # ------------------------------------------------------------------ files

    def file_stamps(self, desk: str, paths: Sequence[str] | None = None) -> dict[str, tuple]:
        """path → (size, mtime_ns, ctime_ns, digest, seen) of the desk's memory files (of *paths* only, if given)."""
        sql = "SELECT path, size, mtime_ns, ctime_ns, digest, seen FROM tm_files WHERE desk = ?"
        if paths is None:
            return {row[0]: row[1:] for row in self.db.execute(sql, (desk,))}
        out: dict[str, tuple] = {}
        for part in _chunks(list(paths)):
            marks = ",".join("?" * len(part))
            out.update((row[0], row[1:]) for row in self.db.execute(f"{sql} AND path IN ({marks})", (desk, *part)))
        return out

    def count_files(self, desk: str) -> int:
        return int(self.db.one("SELECT count(*) FROM tm_files WHERE desk = ?", (desk,))[0])

    def file_paths(self, desk: str) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT path FROM tm_files WHERE desk = ?", (desk,))]

    def sync_marks(self, desk: str) -> dict[str, tuple[str, float]]:
        """Chunk start → (digest of its files' stat data at its last sync, when that was taken)."""
        return {row[0]: (row[1], float(row[2])) for row in self.db.execute(
            "SELECT start, digest, seen FROM tm_marks WHERE desk = ?", (desk,))}

    def drop_sync_marks(self, desk: str, starts: Sequence[str]) -> None:
        """Forget the marks of chunks about to be compared (or gone), before their rows change."""
        if not starts:
            return
        with self.db.transaction():
            for part in _chunks(list(starts)):
                marks = ",".join("?" * len(part))
                self.db.execute(f"DELETE FROM tm_marks WHERE desk = ? AND start IN ({marks})", (desk, *part))

    def set_sync_marks(self, desk: str, rows: Sequence[tuple[str, str, float]]) -> None:
        """Record that the chunks *rows* ``(start, digest, seen)`` match the desk's rows now."""
        if not rows:
            return
        with self.db.transaction():
            self.db.executemany(
                "INSERT INTO tm_marks (desk, start, digest, seen) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (desk, start) DO UPDATE SET digest = excluded.digest, seen = excluded.seen",
                [(desk, *row) for row in rows])

    def restamp(self, desk: str, stamps: Iterable[tuple]) -> None:
        """Record new stat data of files whose bytes did not change: (path, size, mtime, ctime, digest, seen)."""
        rows = [(desk, *s) for s in stamps]
        if not rows:
            return
        with self.db.transaction():
            self._upsert_files(rows)

    def _upsert_files(self, rows: list[tuple]) -> None:
        self.db.executemany(
            "INSERT INTO tm_files (desk, path, size, mtime_ns, ctime_ns, digest, seen) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (desk, path) DO UPDATE SET size = excluded.size, "
            "mtime_ns = excluded.mtime_ns, ctime_ns = excluded.ctime_ns, digest = excluded.digest, "
            "seen = excluded.seen", rows)

    def replace_files(self, desk: str, changed: list[tuple[tuple, list[tuple]]],
                      removed: Iterable[str]) -> None:
        """Replace the units of changed files and forget removed files, in one transaction.

        *changed* holds ``((path, size, mtime_ns, ctime_ns, digest, seen), units)``
        with units as ``(source, target, lang, origin, line, imported, obsolete)``.
        """
        removed = list(removed)
        paths = [stamp[0] for stamp, _ in changed] + removed
        if not paths:
            return
        with self.db.transaction():
            old_sids: set[int] = set()
            for part in _chunks(paths):
                marks = ",".join("?" * len(part))
                old_sids.update(r[0] for r in self.db.execute(
                    f"SELECT DISTINCT sid FROM tm_units WHERE desk = ? AND path IN ({marks})", (desk, *part)))
                self.db.execute(f"DELETE FROM tm_units WHERE desk = ? AND path IN ({marks})", (desk, *part))
                self.db.execute(f"DELETE FROM tm_files WHERE desk = ? AND path IN ({marks})", (desk, *part))
            wanted: dict[tuple[str, str], str] = {}
            for _stamp, units in changed:
                for u in units:
                    wanted.setdefault((u[2], text_key(u[0])), u[0])
            sids = self._source_ids(wanted)
            rows = []
            for stamp, units in changed:
                path = stamp[0]
                for seq, (source, target, lang, origin, line, imported, obsolete) in enumerate(units):
                    rows.append((desk, path, seq, sids[(lang, text_key(source))], target, origin,
                                 line, int(bool(imported)), int(bool(obsolete))))
            self.db.executemany(
                "INSERT INTO tm_units (desk, path, seq, sid, target, origin, line, imported, obsolete) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            self._upsert_files([(desk, *stamp) for stamp, _ in changed])
            if not self.pg:
                self._drop_orphans(old_sids - set(sids.values()))
        self._counts.clear()

    def _source_ids(self, wanted: dict[tuple[str, str], str]) -> dict[tuple[str, str], int]:
        """Sentence ids of (lang, key) → sentence, inserting the new ones (with their words)."""
        found: dict[tuple[str, str], int] = {}
        by_lang: dict[str, list[str]] = {}
        for lang, key in wanted:
            by_lang.setdefault(lang, []).append(key)
        for lang, keys in by_lang.items():
            for part in _chunks(keys):
                marks = ",".join("?" * len(part))
                for sid, key in self.db.execute(
                        f"SELECT sid, hash FROM tm_sources WHERE lang = ? AND hash IN ({marks})", (lang, *part)):
                    found[(lang, key)] = sid
        missing = [k for k in wanted if k not in found]
        if not missing:
            return found
        self.db.executemany(
            "INSERT INTO tm_sources (lang, hash, source, length) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (lang, hash) DO NOTHING",
            [(lang, key, wanted[(lang, key)], len(wanted[(lang, key)])) for lang, key in missing])
        new: dict[tuple[str, str], int] = {}
        for lang in {lang for lang, _ in missing}:
            keys = [k for lg, k in missing if lg == lang]
            for part in _chunks(keys):
                marks = ",".join("?" * len(part))
                for sid, key in self.db.execute(
                        f"SELECT sid, hash FROM tm_sources WHERE lang = ? AND hash IN ({marks})", (lang, *part)):
                    new[(lang, key)] = sid
        if not self.pg:  # postings for SQLite's fuzzy candidates
            postings, freq = [], Counter()
            for (lang, key), sid in new.items():
                for word in words(wanted[(lang, key)]):
                    postings.append((lang, word, sid))
                    freq[(lang, word)] += 1
            self.db.executemany("INSERT INTO tm_words (lang, word, sid) VALUES (?, ?, ?) "
                                "ON CONFLICT (lang, word, sid) DO NOTHING", postings)
            self.db.executemany(
                "INSERT INTO tm_wordfreq (lang, word, n) VALUES (?, ?, ?) "
                "ON CONFLICT (lang, word) DO UPDATE SET n = n + excluded.n",
                [(lang, word, n) for (lang, word), n in freq.items()])
        found.update(new)
        return found

    def _drop_orphans(self, sids: set[int]) -> None:
        """Drop sentences no unit refers to any more, with their postings (SQLite)."""
        orphans = []
        for part in _chunks(sorted(sids)):
            marks = ",".join("?" * len(part))
            orphans.extend(r[0] for r in self.db.execute(
                f"SELECT sid FROM tm_sources WHERE sid IN ({marks}) AND NOT EXISTS "
                f"(SELECT 1 FROM tm_units u WHERE u.sid = tm_sources.sid)", part))
        if not orphans:
            return
        freq: Counter = Counter()
        for part in _chunks(orphans):
            marks = ",".join("?" * len(part))
            for lang, word in self.db.execute(
                    f"SELECT lang, word FROM tm_words WHERE sid IN ({marks})", part):
                freq[(lang, word)] += 1
            self.db.execute(f"DELETE FROM tm_words WHERE sid IN ({marks})", part)
            self.db.execute(f"DELETE FROM tm_sources WHERE sid IN ({marks})", part)
        self.db.executemany("UPDATE tm_wordfreq SET n = n - ? WHERE lang = ? AND word = ?",
                            [(n, lang, word) for (lang, word), n in freq.items()])
        self.db.execute("DELETE FROM tm_wordfreq WHERE n <= 0")

    # ------------------------------------------------------------------ queries

    def units_of(self, lang: str, source: str) -> list[tuple]:
        """Every unit of exactly *source* in *lang* (all desks), in (desk, path, position) order."""
        return self.db.execute(
            "SELECT s.source, u.target, s.lang, u.origin, u.path, u.line, u.imported, u.obsolete, u.desk "
            "FROM tm_sources s JOIN tm_units u ON u.sid = s.sid "
            "WHERE s.lang = ? AND s.hash = ? AND s.source = ? ORDER BY u.desk, u.path, u.seq",
            (lang, text_key(source), source))

    def desk_units(self, desk: str, lang: str | None = None) -> list[tuple]:
        """Every unit of *desk* (in one language), in file order."""
        where, params = "u.desk = ?", [desk]
        if lang is not None:
            where += " AND s.lang = ?"
            params.append(lang)
        return self.db.execute(
            "SELECT s.source, u.target, s.lang, u.origin, u.path, u.line, u.imported, u.obsolete, u.desk "
            f"FROM tm_units u JOIN tm_sources s ON s.sid = u.sid WHERE {where} ORDER BY u.path, u.seq",
            params)

    def count_units(self, desk: str) -> int:
        return self.db.one("SELECT COUNT(*) FROM tm_units WHERE desk = ?", (desk,))[0]

    def languages(self, desk: str | None = None) -> list[str]:
        if desk is None:
            rows = self.db.execute("SELECT DISTINCT s.lang FROM tm_sources s WHERE EXISTS "
                                   "(SELECT 1 FROM tm_units u WHERE u.sid = s.sid)")
        else:
            rows = self.db.execute("SELECT DISTINCT s.lang FROM tm_units u JOIN tm_sources s "
                                   "ON s.sid = u.sid WHERE u.desk = ?", (desk,))
        return sorted(r[0] for r in rows)

    def sentence_count(self, lang: str) -> int:
        """Distinct sentences of *lang* that some unit translates."""
        if lang not in self._counts:
            self._counts[lang] = self.db.one(
                "SELECT COUNT(*) FROM tm_sources s WHERE s.lang = ? AND EXISTS "
                "(SELECT 1 FROM tm_units u WHERE u.sid = s.sid)", (lang,))[0]
        return self._counts[lang]

    def candidates(self, lang: str, query: str, threshold: float) -> list[str]:
        """Sentences of *lang* that may reach *threshold* (rapidfuzz ratio) against *query*."""
        t = threshold / 100.0
        low, high = len(query) * t / (2 - t), len(query) * (2 - t) / max(t, 1e-9)
        n = self.sentence_count(lang)
        if n == 0:
            return []
        alive = "EXISTS (SELECT 1 FROM tm_units u WHERE u.sid = s.sid)"
        window = ("SELECT s.source FROM tm_sources s WHERE s.lang = ? AND s.length >= ? "
                  f"AND s.length <= ? AND {alive}")
        if n <= BRUTE_FORCE_LIMIT:
            return [r[0] for r in self.db.execute(window, (lang, low, high))]
        if self.pg:
            if not self._trgm_set:
                self.db.execute("SELECT set_config('pg_trgm.similarity_threshold', ?, false)",
                                (str(TRIGRAM_THRESHOLD),))
                self._trgm_set = True
            return [r[0] for r in self.db.execute(
                "SELECT s.source FROM tm_sources s WHERE s.lang = %s AND s.length >= %s "
                "AND s.length <= %s AND s.source %% %s AND EXISTS "
                "(SELECT 1 FROM tm_units u WHERE u.sid = s.sid)", (lang, low, high, query), raw=True)]
        terms = sorted(words(query))
        if not terms:
            return [r[0] for r in self.db.execute(window, (lang, low, high))]
        marks = ",".join("?" * len(terms))
        freq = dict(self.db.execute(
            f"SELECT word, n FROM tm_wordfreq WHERE lang = ? AND word IN ({marks})", (lang, *terms)))
        limit = max(50, int(n * COMMON_WORD_SHARE))
        rare = [w for w in terms if 0 < freq.get(w, 0) <= limit]
        if not rare:  # only common words (or none known): the length window alone must do
            return [r[0] for r in self.db.execute(window, (lang, low, high))]
        need = max(1, math.floor(len(rare) * WORD_OVERLAP))
        marks = ",".join("?" * len(rare))
        return [r[0] for r in self.db.execute(
            "SELECT s.source FROM (SELECT sid FROM tm_words WHERE lang = ? AND word IN "
            f"({marks}) GROUP BY sid HAVING COUNT(*) >= ?) w JOIN tm_sources s ON s.sid = w.sid "
            f"WHERE s.length >= ? AND s.length <= ? AND {alive}", (lang, *rare, need, low, high))]

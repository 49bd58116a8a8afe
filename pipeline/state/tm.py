"""The translation memory's tables: units by file, sentences indexed for exact and fuzzy lookup.

This module knows rows, not PO files: :mod:`pipeline.translate.memory`
reads the catalogues and TMX files and hands their units over per file
(:meth:`TMTables.replace_files`), and asks for matches.

* **one set of sentences for every language** — the source sentences are
  English whatever the target language, so ``tm_sources``, ``tm_words`` and
  ``tm_wordfreq`` hold each sentence once (schema 6); a unit carries its
  target language, and "alive in language X" is an index-only probe of
  ``tm_units (sid, lang)``. A lookup asks once for every language
  (:meth:`TMTables.units_of_many`, :meth:`TMTables.candidates_many`), so
  pre-translating an article into ar, ckb and ku scans the postings once,
  not three times.
* **exact** — ``tm_sources`` is unique on the SHA-256 prefix of the
  sentence; the sentence itself is compared too.
* **fuzzy candidates** — sentences whose length can reach the threshold
  (a ratio of *t* needs lengths within ``t/(2-t)``) and, in memories of more
  than :data:`BRUTE_FORCE_LIMIT` sentences, that share at least
  :data:`WORD_OVERLAP` of the query's uncommon words (``tm_words`` postings;
  a word in more than :data:`COMMON_WORD_SHARE` of all sentences, per
  ``tm_wordfreq``, is common: the counts are over every sentence, whatever
  language translates it). In a large memory only the query's words in at
  most :data:`RARE_WORD_CAP` sentences select, when it has
  :data:`RARE_WORDS_MIN` of them: 5 % of 58,000 sentences is 2,900, and a
  word that common selects thousands of candidates for every query that has
  it. Each candidate comes with the languages (of those asked) that
  translate it; the caller picks the best per language among those. The
  same selection on both backends: on PostgreSQL the sentences of a whole
  article are asked in one statement (:meth:`TMTables.candidates_many`), on
  SQLite one query each. On PostgreSQL, which keeps sentences no unit refers
  to any more, the word counts and the sentence count (a ``tm_wordfreq``
  row, :data:`SENTENCES`) include those: "common" is measured on every
  sentence the memory has held.

  The caller scores candidates with rapidfuzz. The selection is a heuristic:
  a sentence within the threshold that shares less than
  :data:`WORD_OVERLAP` of the query's uncommon words is missed (a sentence
  with most of its rare words misspelt, transliterated otherwise or
  inflected: a ratio of 75 allows a quarter of the characters to differ, and
  spread one per word that changes every word). Replaced, inserted or
  dropped words, numbers, punctuation and case keep the rare words that
  select the candidate. ``bench/tm.py`` (both backends) and
  ``tests/test_memory_backends.py`` compare the answers with a full scan.
  (PostgreSQL used ``pg_trgm`` similarity before schema 5: as much a
  heuristic, but its GIN scan and recheck cost 30-150 ms per sentence.)
* **incremental** — a changed file's units are deleted and inserted again in
  one transaction; sentences no unit of any language refers to any more are dropped (SQLite)
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
from typing import Iterable, Iterator, Sequence

from .db import chunks
from .store import text_key

#: Memories up to this many distinct sentences are searched by length alone.
BRUTE_FORCE_LIMIT = 2000
#: A word found in more than this share of all sentences does not select candidates.
COMMON_WORD_SHARE = 0.05
#: In a large memory, a word in more sentences than this does not select candidates
#: either, when the query has at least RARE_WORDS_MIN words under it (otherwise the
#: COMMON_WORD_SHARE rule alone: a short query whose only rare word is the one an
#: editor inserted must not be looked up by that word alone). bench/tm_recall.py
#: chose it: on the 2,000- and 20,000-article benchmark desks every cap from 20 to
#: 1,000 gave the full scan's answer for ~600 sentences edited 1 to 4 times each;
#: 500 reads 4 times fewer postings than the share alone at 20,000 articles.
RARE_WORD_CAP = 500
RARE_WORDS_MIN = 3
#: Share of the query's uncommon words a candidate must have.
WORD_OVERLAP = 0.4
#: The ``tm_wordfreq`` "word" that counts the sentences on PostgreSQL (no word is empty).
SENTENCES = ""
_WORD = re.compile(r"\w+")
#: Units written by one sync past which PostgreSQL's statistics are refreshed (:meth:`TMTables.settle`).
SETTLE_ROWS = 20000

#: Rows per block when units are streamed (:meth:`TMTables.conflict_candidates`).
UNIT_BLOCK = 20000



#: A unit as the tables hand it over (``Memory._unit`` reads it in this order).
_UNIT_ROW = "s.source, u.target, u.lang, u.origin, u.path, u.line, u.imported, u.obsolete, u.desk"


def words(text: str) -> set[str]:
    """The lower-cased words of *text* (the postings' terms).

    >>> sorted(words("The storm, the FLOOD"))
    ['flood', 'storm', 'the']
    """
    return set(_WORD.findall(text.lower()))


class TMTables:
    """The memory tables of one database (SQLite store or shared PostgreSQL)."""

    def __init__(self, db) -> None:
        self.db = db
        self.pg = db.kind == "postgresql"
        self._count: int | None = None  # sentence_count(), until the next write
        self._written = 0  # units written since the last settle()

    # ------------------------------------------------------------------ files

    def file_stamps(self, desk: str, paths: Sequence[str]) -> dict[str, tuple]:
        """path → (size, mtime_ns, ctime_ns, digest, seen) of the desk's memory files among *paths*."""
        sql = "SELECT path, size, mtime_ns, ctime_ns, digest, seen FROM tm_files WHERE desk = ?"
        out: dict[str, tuple] = {}
        for part in chunks(list(paths)):
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
            for part in chunks(list(starts)):
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
            for part in chunks(paths):
                marks = ",".join("?" * len(part))
                old_sids.update(r[0] for r in self.db.execute(
                    f"SELECT DISTINCT sid FROM tm_units WHERE desk = ? AND path IN ({marks})", (desk, *part)))
                self.db.execute(f"DELETE FROM tm_units WHERE desk = ? AND path IN ({marks})", (desk, *part))
                self.db.execute(f"DELETE FROM tm_files WHERE desk = ? AND path IN ({marks})", (desk, *part))
            wanted: dict[str, str] = {}
            for _stamp, units in changed:
                for u in units:
                    wanted.setdefault(text_key(u[0]), u[0])
            sids = self._source_ids(wanted)
            rows = []
            for stamp, units in changed:
                path = stamp[0]
                for seq, (source, target, lang, origin, line, imported, obsolete) in enumerate(units):
                    rows.append((desk, path, seq, sids[text_key(source)], lang, target, origin,
                                 line, int(bool(imported)), int(bool(obsolete))))
            self._written += len(rows)
            if self.pg:
                self.db.copy("tm_units", ("desk", "path", "seq", "sid", "lang", "target", "origin", "line",
                                          "imported", "obsolete"), rows)
            else:
                self.db.executemany(
                    "INSERT INTO tm_units (desk, path, seq, sid, lang, target, origin, line, imported, obsolete) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            self._upsert_files([(desk, *stamp) for stamp, _ in changed])
            if not self.pg:
                self._drop_orphans(old_sids - set(sids.values()))
        self._count = None

    def _source_ids(self, wanted: dict[str, str]) -> dict[str, int]:
        """Sentence ids of key → sentence, inserting the new ones (with their words)."""
        if self.pg:
            return self._pg_source_ids(wanted)
        found: dict[str, int] = {}
        for part in chunks(list(wanted)):
            marks = ",".join("?" * len(part))
            found.update((key, sid) for sid, key in self.db.execute(
                f"SELECT sid, hash FROM tm_sources WHERE hash IN ({marks})", part))
        missing = [k for k in wanted if k not in found]
        if not missing:
            return found
        self.db.executemany(
            "INSERT INTO tm_sources (hash, source, length) VALUES (?, ?, ?) ON CONFLICT (hash) DO NOTHING",
            [(key, wanted[key], len(wanted[key])) for key in missing])
        new: dict[str, int] = {}
        for part in chunks(missing):
            marks = ",".join("?" * len(part))
            new.update((key, sid) for sid, key in self.db.execute(
                f"SELECT sid, hash FROM tm_sources WHERE hash IN ({marks})", part))
        postings, freq = _postings(new, wanted)
        self.db.executemany("INSERT INTO tm_words (word, sid) VALUES (?, ?) "
                            "ON CONFLICT (word, sid) DO NOTHING", postings)
        self.db.executemany(
            "INSERT INTO tm_wordfreq (word, n) VALUES (?, ?) ON CONFLICT (word) DO UPDATE SET n = n + excluded.n",
            list(freq.items()))
        found.update(new)
        return found

    def _pg_source_ids(self, wanted: dict[str, str]) -> dict[str, int]:
        # PostgreSQL: a few statements per chunk of files, whatever their size (a cold
        # build of an archive sends hundreds of thousands of sentences).
        found: dict[str, int] = {key: sid for sid, key in self.db.execute(
            "SELECT sid, hash FROM tm_sources WHERE hash = ANY(%s)", (list(wanted),), raw=True)}
        missing = sorted(k for k in wanted if k not in found)
        if not missing:
            return found
        # RETURNING names exactly the rows this transaction inserted: their postings are
        # ours to write. A sentence another desk inserted meanwhile is looked up (its
        # postings are that desk's).
        new = {key: sid for sid, key in self.db.execute(
            "INSERT INTO tm_sources (hash, source, length) "
            "SELECT * FROM unnest(%s::text[], %s::text[], %s::int[]) "
            "ON CONFLICT (hash) DO NOTHING RETURNING sid, hash",
            (missing, [wanted[k] for k in missing], [len(wanted[k]) for k in missing]), raw=True)}
        others = [key for key in missing if key not in new]
        if others:
            found.update((key, sid) for sid, key in self.db.execute(
                "SELECT sid, hash FROM tm_sources WHERE hash = ANY(%s)", (others,), raw=True))
        postings, freq = _postings(new, wanted)
        if new:
            freq[SENTENCES] += len(new)
        self.db.copy("tm_words", ("word", "sid"), postings)
        counted = sorted(freq.items())  # one lock order: concurrent desks never deadlock
        self.db.execute(
            "INSERT INTO tm_wordfreq (word, n) SELECT * FROM unnest(%s::text[], %s::bigint[]) "
            "ON CONFLICT (word) DO UPDATE SET n = tm_wordfreq.n + excluded.n",
            ([w for w, _ in counted], [n for _, n in counted]), raw=True)
        found.update(new)
        return found

    def _drop_orphans(self, sids: set[int]) -> None:
        """Drop sentences no unit (of any language) refers to any more, with their postings (SQLite)."""
        orphans = []
        for part in chunks(sorted(sids)):
            marks = ",".join("?" * len(part))
            orphans.extend(r[0] for r in self.db.execute(
                f"SELECT sid FROM tm_sources WHERE sid IN ({marks}) AND NOT EXISTS "
                f"(SELECT 1 FROM tm_units u WHERE u.sid = tm_sources.sid)", part))
        if not orphans:
            return
        freq: Counter = Counter()
        for part in chunks(orphans):
            marks = ",".join("?" * len(part))
            for (word,) in self.db.execute(f"SELECT word FROM tm_words WHERE sid IN ({marks})", part):
                freq[word] += 1
            self.db.execute(f"DELETE FROM tm_words WHERE sid IN ({marks})", part)
            self.db.execute(f"DELETE FROM tm_sources WHERE sid IN ({marks})", part)
        self.db.executemany("UPDATE tm_wordfreq SET n = n - ? WHERE word = ?",
                            [(n, word) for word, n in freq.items()])
        self.db.execute("DELETE FROM tm_wordfreq WHERE n <= 0")

    # ------------------------------------------------------------------ queries

    def units_of_many(self, sources: Iterable[str]) -> dict[str, list[tuple]]:
        """Every unit of each sentence of *sources*, in every language (all desks), in
        (desk, path, position) order: sentence → its units (absent: none)."""
        out: dict[str, list[tuple]] = {}
        for row in self._rows_of(sources, _UNIT_ROW, " ORDER BY s.sid, u.desk, u.path, u.seq"):
            out.setdefault(row[0], []).append(row)
        return out

    def translations_of(self, desk: str, sources: Iterable[str]) -> Iterator[tuple[str, str, str]]:
        """The distinct (source, lang, target) of *desk*'s units of *sources* (a block of
        sentences at a time: what ``tm import`` compares the incoming units with)."""
        # The desk is compared here: in SQL, SQLite would scan the desk's units
        # (the leading column of their key) instead of probing the sentences.
        for source, lang, target, owner in self._rows_of(sources, "DISTINCT s.source, u.lang, u.target, u.desk"):
            if owner == desk:
                yield source, lang, target

    def _rows_of(self, sources: Iterable[str], columns: str, order: str = "") -> Iterator[tuple]:
        """Rows of *columns* (the sentence first) of the units of *sources*, asked by their
        hash a block at a time; the sentence itself is compared too."""
        for part in chunks(list(dict.fromkeys(sources))):
            keys = {text_key(source): source for source in part}
            marks = ",".join("?" * len(keys))
            for row in self.db.execute(f"SELECT {columns} FROM tm_sources s JOIN tm_units u ON u.sid = s.sid "
                                       f"WHERE s.hash IN ({marks}){order}", tuple(keys)):
                if keys.get(text_key(row[0])) == row[0]:
                    yield row

    def desk_units(self, desk: str, lang: str | None = None) -> list[tuple]:
        """Every unit of *desk* (in one language), in file order."""
        where, params = "u.desk = ?", [desk]
        if lang is not None:
            where += " AND u.lang = ?"
            params.append(lang)
        return self.db.execute(
            f"SELECT {_UNIT_ROW} "
            f"FROM tm_units u JOIN tm_sources s ON s.sid = u.sid WHERE {where} ORDER BY u.path, u.seq",
            params)

    def unit_counts(self, desk: str) -> dict[str, tuple[int, int, int, int]]:
        """Per language of *desk*: (catalogue units, catalogues contributing, imported
        units, distinct source sentences), counted by the database."""
        rows = self.db.execute(
            "SELECT lang, SUM(CASE WHEN imported = 0 THEN 1 ELSE 0 END), "
            "COUNT(DISTINCT CASE WHEN imported = 0 THEN origin END), "
            "SUM(CASE WHEN imported = 0 THEN 0 ELSE 1 END), COUNT(DISTINCT sid) "
            "FROM tm_units WHERE desk = ? GROUP BY lang", (desk,))
        return {r[0]: (int(r[1]), int(r[2]), int(r[3]), int(r[4])) for r in rows}

    def conflict_candidates(self, desk: str) -> Iterator[tuple[int, str, str]]:
        """(sid, lang, target) of the units of *desk* whose sentence has more than one
        distinct target in that language, streamed in (lang, sid) order: the database
        groups, the caller (which normalises spacing, as SQL cannot) holds one block of
        :data:`UNIT_BLOCK` rows, not the 1.4 million units of a 20,000-article archive."""
        return self.db.stream(
            "SELECT u.sid, u.lang, u.target FROM tm_units u JOIN ("
            "SELECT lang, sid FROM tm_units WHERE desk = ? GROUP BY lang, sid "
            "HAVING COUNT(DISTINCT target) > 1) c ON c.lang = u.lang AND c.sid = u.sid "
            "WHERE u.desk = ? ORDER BY u.lang, u.sid", (desk, desk), size=UNIT_BLOCK)

    def export_rows(self, desk: str, langs: Sequence[str] | None = None, *,
                    include_imported: bool = True) -> Iterator[tuple[str, str, str, str]]:
        """(lang, source, target, origin) of every unit of *desk*, streamed, ordered by
        language and sentence (by code point on both backends: SQLite compares UTF-8
        bytes, PostgreSQL is told ``COLLATE "C"``), then in file order."""
        where, params = ["u.desk = ?"], [desk]
        if langs is not None:
            where.append(f"u.lang IN ({','.join('?' * len(langs))})")
            params.extend(langs)
        if not include_imported:
            where.append("u.imported = 0")
        c = ' COLLATE "C"' if self.pg else ""
        return self.db.stream(
            "SELECT u.lang, s.source, u.target, u.origin FROM tm_units u JOIN tm_sources s "
            f"ON s.sid = u.sid WHERE {' AND '.join(where)} "
            f"ORDER BY u.lang{c}, s.source{c}, u.path, u.seq", params)

    def count_units(self, desk: str) -> int:
        return self.db.one("SELECT COUNT(*) FROM tm_units WHERE desk = ?", (desk,))[0]

    def languages(self, desk: str) -> list[str]:
        """The languages *desk* has units in."""
        return sorted(r[0] for r in self.db.execute("SELECT DISTINCT lang FROM tm_units WHERE desk = ?", (desk,)))

    def settle(self) -> None:
        """After a large sync on PostgreSQL, refresh the planner's statistics and the
        visibility map (index-only scans of the postings): autovacuum may have looked
        at the tables while they were nearly empty. About a second at 2,000 articles."""
        if self.pg and self._written >= SETTLE_ROWS:
            self.db.execute("VACUUM (ANALYZE) tm_sources, tm_units, tm_words, tm_wordfreq")
            self._written = 0

    def sentence_count(self) -> int:
        """Distinct sentences that some unit (of any language) translates (on PostgreSQL:
        that some unit translated once; see the module docstring)."""
        if self._count is not None:
            return self._count
        if self.pg:
            # One row, not a count of the sentences: like the word counts it includes
            # sentences no unit refers to any more (PostgreSQL keeps those).
            row = self.db.one("SELECT n FROM tm_wordfreq WHERE word = ?", (SENTENCES,))
            self._count = int(row[0]) if row else 0
        else:
            # SQLite drops a sentence with its last unit (_drop_orphans), so every row
            # counts: an index count, not a probe of tm_units per sentence.
            self._count = self.db.one("SELECT COUNT(*) FROM tm_sources")[0]
        return self._count

    def candidates_many(self, queries: Iterable[str], threshold: float,
                        langs: Sequence[str]) -> dict[str, list[tuple[str, frozenset[str]]]]:
        """Sentences that may reach *threshold* (rapidfuzz ratio) against each query, each
        with the languages of *langs* some unit translates it into (sentences translated into
        none of them are left out). One statement per kind of selection on PostgreSQL, one
        query per query on SQLite; either way once for every language."""
        queries = list(dict.fromkeys(queries))
        out: dict[str, list[tuple[str, frozenset[str]]]] = {q: [] for q in queries}
        langs = sorted(set(langs))
        if not queries or not langs:
            return out
        n = self.sentence_count()
        if n == 0:
            return out
        terms = {q: sorted(words(q)) for q in queries} if n > BRUTE_FORCE_LIMIT else {}
        freq = self._word_counts(sorted({w for ts in terms.values() for w in ts})) if terms else {}
        t = threshold / 100.0
        limit = max(50, int(n * COMMON_WORD_SHARE))
        windows: list[tuple[str, float, float]] = []           # the length window alone must do
        posted: list[tuple[str, list[str], int, float, float]] = []  # and shared uncommon words
        for q in queries:
            low, high = len(q) * t / (2 - t), len(q) * (2 - t) / max(t, 1e-9)
            uncommon = [w for w in terms.get(q, ()) if 0 < freq.get(w, 0) <= limit]
            rare = [w for w in uncommon if freq[w] <= RARE_WORD_CAP]
            if len(rare) < RARE_WORDS_MIN:
                rare = uncommon
            if rare:
                posted.append((q, rare, max(1, math.floor(len(rare) * WORD_OVERLAP)), low, high))
            else:  # a small memory, or only common words (or none known)
                windows.append((q, low, high))
        # "Alive in a language": an index-only probe of tm_units (sid, lang) per language.
        alive = "EXISTS (SELECT 1 FROM tm_units u WHERE u.sid = s.sid AND u.lang = l.lang)"
        found: dict[str, dict[str, set[str]]] = {q: {} for q in queries}
        if self.pg:
            # The languages as an array subquery of the select list: a probe per candidate
            # and language. (As a join with an EXISTS condition the planner turned the probes
            # into a semi-join that aggregated every unit of the memory: 0.3 s at 20,000
            # articles.) A sentence no unit refers to any more comes back with none.
            langs_of = f"ARRAY(SELECT l.lang FROM unnest(%s::text[]) AS l(lang) WHERE {alive})"
            if windows:
                rows = self.db.execute(
                    f"SELECT q.i, s.source, {langs_of} "
                    "FROM unnest(%s::int[], %s::float8[], %s::float8[]) AS q(i, low, high) "
                    "JOIN tm_sources s ON s.length >= q.low AND s.length <= q.high",
                    (langs, list(range(len(windows))), [w[1] for w in windows], [w[2] for w in windows]),
                    raw=True)
                for i, source, alive_in in rows:
                    if alive_in:
                        found[windows[i][0]].setdefault(source, set()).update(alive_in)
            if posted:
                pairs = [(i, w) for i, p in enumerate(posted) for w in p[1]]
                # One index range per (query, rare word) pair: the lateral subquery (kept
                # apart by OFFSET 0) cannot turn into a scan of all postings, whatever
                # the planner's statistics say (stale right after a cold build).
                rows = self.db.execute(
                    "WITH hits AS (SELECT q.i, w.sid, COUNT(*) AS shared "
                    "FROM unnest(%s::int[], %s::text[]) AS q(i, word) CROSS JOIN LATERAL "
                    "(SELECT sid FROM tm_words WHERE word = q.word OFFSET 0) w "
                    "GROUP BY q.i, w.sid) "
                    f"SELECT h.i, s.source, {langs_of} FROM hits h "
                    "JOIN unnest(%s::int[], %s::int[], %s::float8[], %s::float8[]) AS p(i, need, low, high) "
                    "ON p.i = h.i JOIN tm_sources s ON s.sid = h.sid "
                    "WHERE h.shared >= p.need AND s.length >= p.low AND s.length <= p.high",
                    ([i for i, _ in pairs], [w for _, w in pairs], langs, list(range(len(posted))),
                     [p[2] for p in posted], [p[3] for p in posted], [p[4] for p in posted]), raw=True)
                for i, source, alive_in in rows:
                    if alive_in:
                        found[posted[i][0]].setdefault(source, set()).update(alive_in)
        else:
            these = "(" + " UNION ALL ".join(["SELECT ? AS lang"] * len(langs)) + ")"
            window = (f"SELECT s.source, l.lang FROM tm_sources s CROSS JOIN {these} l "
                      f"WHERE s.length >= ? AND s.length <= ? AND {alive}")
            for q, low, high in windows:
                for source, lang in self.db.execute(window, (*langs, low, high)):
                    found[q].setdefault(source, set()).add(lang)
            for q, rare, need, low, high in posted:
                marks = ",".join("?" * len(rare))
                for source, lang in self.db.execute(
                        f"SELECT s.source, l.lang FROM (SELECT sid FROM tm_words WHERE word IN ({marks}) "
                        f"GROUP BY sid HAVING COUNT(*) >= ?) w JOIN tm_sources s ON s.sid = w.sid "
                        f"CROSS JOIN {these} l WHERE s.length >= ? AND s.length <= ? AND {alive}",
                        (*rare, need, *langs, low, high)):
                    found[q].setdefault(source, set()).add(lang)
        for q, sentences in found.items():
            out[q] = [(source, frozenset(alive_in)) for source, alive_in in sentences.items()]
        return out

    def _word_counts(self, terms: list[str]) -> dict[str, int]:
        """Sentences each word is found in (``tm_wordfreq``; absent: none)."""
        counts: dict[str, int] = {}
        for part in chunks(terms):
            marks = ",".join("?" * len(part))
            counts.update(self.db.execute(f"SELECT word, n FROM tm_wordfreq WHERE word IN ({marks})", part))
        return counts


def _postings(new: dict[str, int], wanted: dict[str, str]) -> tuple[list[tuple[str, int]], Counter]:
    """The (word, sentence id) postings of newly inserted sentences, and how many of them hold each word."""
    postings: list[tuple[str, int]] = []
    freq: Counter = Counter()
    for key, sid in new.items():
        for word in words(wanted[key]):
            postings.append((word, sid))
            freq[word] += 1
    return postings, freq

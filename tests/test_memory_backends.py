"""The translation memory and the MT cache on both backends: the project's SQLite store
and a shared PostgreSQL database (the same tests; PostgreSQL runs in CI, see tests/support_pg.py)."""

from __future__ import annotations

import contextlib
import multiprocessing
import random

import pytest
from rapidfuzz import fuzz, process

from pipeline.catalog import load_catalog, save_catalog
from pipeline.cli import cli
from pipeline.config import load_project
from pipeline.state.schema import VERSION
from pipeline.translate.cache import MTCache
from pipeline.translate.memory import Memory, Unit, load_memory

from .paths import BBC
from .support_memory import (FLOOD, NEAR_NEW, NEAR_OLD, NEW, SHARED, STORM, entries, make_project,
                             review, stand_in, storm_and_flood)


@pytest.fixture
def desk(tmp_path, memory_backend):
    return storm_and_flood(tmp_path / "desk")


def test_exact_fuzzy_and_incremental_updates(desk):
    project = load_project(desk)
    memory = load_memory(project)
    assert "locales/ar/storm.po" in memory.rebuilt
    exact = memory.lookup(SHARED, "ar")
    assert exact is not None and exact.exact and exact.unit.origin == "storm"
    near = memory.lookup(NEAR_NEW, "ar")
    assert near is not None and near.unit.source == NEAR_OLD and near.percent == 98
    assert memory.lookup(NEW, "ar") is None and memory.lookup(SHARED, "ckb") is None
    # Nothing changed: nothing is read again.
    assert load_memory(project).rebuilt == []
    # A translator edits one catalogue: only it is read again, its new text answers.
    path = project.catalog_path("storm", "ar")
    po = load_catalog(path)
    next(e for e in po if e.msgid == SHARED).msgstr = "نص منقح"
    save_catalog(po, path)
    again = load_memory(project)
    assert again.rebuilt == ["locales/ar/storm.po"]
    assert again.exact(SHARED, "ar").unit.target == "نص منقح"
    # Un-reviewing an entry takes it out; deleting the catalogue takes everything out.
    po = load_catalog(path)
    next(e for e in po if e.msgid == SHARED).flags.append("fuzzy")
    save_catalog(po, path)
    assert load_memory(project).exact(SHARED, "ar") is None
    path.unlink()
    gone = load_memory(project)
    assert gone.lookup(NEAR_NEW, "ar") is None and len(gone) == 0


def test_pretranslate_end_to_end(desk, runner):
    result = runner.invoke(cli, ["--root", str(desk), "translate", "--engine", "memory", "flood",
                                 "--lang", "ar"])
    assert result.exit_code == 0, result.output
    got = entries(desk, "flood", "ar")
    assert got[SHARED].msgstr == stand_in("ar", SHARED) and "fuzzy" in got[SHARED].flags
    assert "TM 100% from storm" in got[SHARED].comment.split("\n")
    assert got[NEAR_NEW].previous_msgid == NEAR_OLD


def test_mt_cache_round_trip(desk):
    project = load_project(desk)
    cache = MTCache.for_project(project)
    cache.put("fake", "en", "ar", SHARED, "أ", "g1")
    assert cache.lookup("fake", "en", "ar", SHARED, "g1") == "أ"
    other = MTCache.for_project(project)
    assert other.lookup("fake", "en", "ar", SHARED, "g1") == "أ"
    assert other.lookup("fake", "en", "ar", SHARED, "g2") is None   # other glossary terms
    assert other.get("fake", "en", "ar", SHARED) == "أ"
    assert other.get("fake", "en", "ckb", SHARED) is None
    # In bulk (status measures post-edit distance so): hits only, whatever the glossary terms.
    cache.put("fake", "en", "ar", NEW, "ب", "g2")
    assert other.get_many("fake", "en", "ar", [SHARED, NEW, NEAR_NEW]) == {SHARED: "أ", NEW: "ب"}
    assert other.get_many("fake", "en", "ckb", [SHARED]) == {}


@pytest.mark.shared
@pytest.mark.parametrize("cap", [None, 20], ids=["cap-default", "cap-20"])
def test_same_answers_as_a_full_scan(memory_backend, cap, monkeypatch):
    """Sentences of many articles: the indexed candidates find what scoring every sentence finds.

    With a rare-word cap far below the 5 % share (as RARE_WORD_CAP is in a memory of
    tens of thousands of sentences) the answers stay the same: a query with fewer
    than RARE_WORDS_MIN words under the cap (one edited into it, say) falls back to
    the share rule."""
    if cap is not None:
        monkeypatch.setattr("pipeline.state.tm.RARE_WORD_CAP", cap)
    rng = random.Random(14)
    sentences = _bbc_sentences(150)
    assert len(sentences) > 2000  # past the brute-force limit: the index answers
    units = [Unit(s, stand_in("ar", s), "ar", f"a{i % 150}", f"locales/ar/a{i % 150}.po", i)
             for i, s in enumerate(sentences)]
    memory = _memory(units, memory_backend)
    queries = []
    for s in rng.sample(sentences, 120):
        words = s.split()
        words[rng.randrange(len(words))] = rng.choice(["reportedly", "2019", "firms", "ministers"])
        queries.append(" ".join(words))
    queries += rng.sample(sentences, 10) + ["An unrelated sentence about nothing in particular at all."]
    together = memory.lookup_many(queries, "ar")  # as pre-translation asks: a whole batch at once
    for q in queries:
        full = process.extractOne(q, sentences, scorer=fuzz.ratio, score_cutoff=75)
        got = memory.lookup(q, "ar")
        assert together[q] == got, q
        if full is None:
            assert got is None, q
        else:
            assert got is not None, q
            assert round(got.score if not got.exact else 100.0, 6) == round(min(full[1], 100.0), 6) or \
                (got.exact and full[1] == 100.0), q


@contextlib.contextmanager
def _no_whole_read():
    """Fail a block that reads every unit of a desk (what the streaming tm commands must not do)."""
    from pipeline.state.tm import TMTables

    def refused(*args, **kwargs):
        raise AssertionError("read every unit of the desk")
    real = TMTables.desk_units
    TMTables.desk_units = refused
    try:
        yield
    finally:
        TMTables.desk_units = real


def _bbc_sentences(articles: int) -> list[str]:
    """The distinct sentences (more than five words) of the first *articles* BBC articles, sorted."""
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(BBC.rglob("*.txt"))[:articles]]
    return sorted({s.strip() + "." for t in texts for s in t.replace("\n", " ").split(". ") if len(s.split()) > 5})


def _memory(units, backend):
    """A memory of *units*: private (SQLite in memory) without a backend, else in the shared database."""
    return Memory(units) if backend is None else _shared_memory(units, backend)


def _shared_memory(units, url):
    from pipeline.state.postgres import PgDb
    from pipeline.state.schema import migrate
    from pipeline.state.tm import TMTables
    db = PgDb(url)
    migrate(db)
    return Memory(units, tables=TMTables(db), desk="bench")


@pytest.mark.shared
def test_one_question_answers_every_language(memory_backend, monkeypatch):
    """The sentences are one set for every language: each language's answer is the full scan
    of that language's sentences (the best among those it translates, not the best overall),
    and after the first language the others ask only about sentences an earlier language
    matched exactly (no sentence's fuzzy question twice)."""
    rng = random.Random(61)
    sentences = _bbc_sentences(150)
    langs = ["ar", "ckb", "ku"]
    units, by_lang = [], {lang: [] for lang in langs}
    for i, s in enumerate(sentences):  # each sentence in one, two or all three languages
        for lang in rng.sample(langs, rng.choice([1, 1, 2, 3])):
            units.append(Unit(s, stand_in(lang, s), lang, f"a{i % 150}", f"locales/{lang}/a{i % 150}.po", i))
            by_lang[lang].append(s)
    # Families of near copies: the query's closest sentence is in Arabic only, a sentence
    # one word further from it in Sorani only (Sorani's answer is not the closest overall).
    queries = []
    for k, s in enumerate(rng.sample([s for s in sentences if len(s.split()) > 12], 15)):
        words = s.split()
        closest, further = " ".join(words[:-1] + [f"closest{k}."]), " ".join([f"Further{k}"] + words[1:-1] + [f"further{k}."])
        units += [Unit(closest, stand_in("ar", closest), "ar", "near", "locales/ar/near.po", k),
                  Unit(further, stand_in("ckb", further), "ckb", "near", "locales/ckb/near.po", k)]
        by_lang["ar"].append(closest)
        by_lang["ckb"].append(further)
        sentences.extend([closest, further])
        queries.append(" ".join(words[:-1] + [f"query{k}."]))
    memory = _memory(units, memory_backend)
    for s in rng.sample(sentences, 80):
        words = s.split()
        words[rng.randrange(len(words))] = rng.choice(["reportedly", "2019", "firms", "ministers"])
        queries.append(" ".join(words))
    queries += rng.sample(sentences, 10)
    fuzzy_asked: list[list[str]] = []
    real = memory.tables.candidates_many
    monkeypatch.setattr(memory.tables, "candidates_many",
                        lambda queries, *a, **k: fuzzy_asked.append(list(queries)) or real(queries, *a, **k))
    answers = {}
    for lang in langs:
        before = len(fuzzy_asked)
        answers[lang] = memory.lookup_many(queries, lang)
        if lang == "ar":  # the first language asks about all its misses, for every language
            assert sorted(fuzzy_asked[0]) == sorted(q for q in dict.fromkeys(queries) if not answers["ar"][q]
                                                    or not answers["ar"][q].exact)
        else:  # the next ones only about sentences no earlier language asked (an earlier exact match)
            for later in fuzzy_asked[before:]:
                assert all(any(answers[lg][q] is not None and answers[lg][q].exact for lg in answers if lg != lang)
                           for q in later)
    every = [q for batch in fuzzy_asked for q in batch]
    assert len(every) == len(set(every))  # no sentence's fuzzy question is asked twice
    assert len(fuzzy_asked) <= len(langs)  # at most one fuzzy question per language
    differ = 0
    for lang in langs:
        for q in queries:
            got = answers[lang][q]
            full = process.extractOne(q, by_lang[lang], scorer=fuzz.ratio, score_cutoff=75)
            if full is None:
                assert got is None, (lang, q)
                continue
            assert got is not None and got.unit.lang == lang, (lang, q)
            assert got.unit.target == stand_in(lang, got.unit.source)
            assert round(got.score if not got.exact else 100.0, 6) == round(min(full[1], 100.0), 6), (lang, q)
            differ += got.unit.source != process.extractOne(q, sentences, scorer=fuzz.ratio)[0]
    assert differ > 0  # some language's best is not the best of all sentences


def test_a_language_the_memory_has_nothing_in_does_not_make_lookups_fuzzy(memory_backend, monkeypatch):
    """A language added to the project (its catalogues just extracted, nothing reviewed) must
    not send sentences that have an exact match in the asked language to the fuzzy search."""
    sentences = [f"The council approved budget number {i} for the northern district today." for i in range(40)]
    units = [Unit(s, stand_in("ar", s), "ar", f"a{i}", f"locales/ar/a{i}.po", 1) for i, s in enumerate(sentences)]
    memory = _memory(units, memory_backend)
    fresh = Memory(tables=memory.tables, desk=memory.desk, languages=["ar", "fa"])
    asked = []
    real = fresh.tables.candidates_many
    monkeypatch.setattr(fresh.tables, "candidates_many", lambda q, *a, **k: asked.append(list(q)) or real(q, *a, **k))
    got = fresh.lookup_many(sentences, "ar")
    assert all(got[s] is not None and got[s].exact for s in sentences)
    assert asked == []


@pytest.mark.shared
def test_answers_survive_the_caches_filling_up(memory_backend, monkeypatch):
    """A cold run over an archive asks about more sentences than the caches keep
    (BEST_CACHE): emptying them mid-way must not lose the answers of sentences asked
    before (it did: a KeyError in every cold translate of the 20,000-article benchmark)."""
    import pipeline.translate.memory as memory_module
    rng = random.Random(5)
    sentences = _bbc_sentences(60)
    units = [Unit(s, stand_in(lang, s), lang, f"a{i % 60}", f"locales/{lang}/a{i % 60}.po", i)
             for i, s in enumerate(sentences) for lang in ("ar", "ckb") if (i + len(lang)) % 3]
    memory = _memory(units, memory_backend)
    queries = rng.sample(sentences, 30)
    for s in rng.sample(sentences, 60):
        words = s.split()
        words[rng.randrange(len(words))] = "reportedly"
        queries.append(" ".join(words))
    roomy = Memory(tables=memory.tables, desk=memory.desk)
    expected = {lang: roomy.lookup_many(queries, lang) for lang in ("ar", "ckb", "ku")}
    monkeypatch.setattr(memory_module, "BEST_CACHE", 7)
    cramped = Memory(tables=memory.tables, desk=memory.desk)
    for lang in ("ar", "ckb", "ku"):
        for start in range(0, len(queries), 13):  # batches: some answers cached, some asked
            batch = queries[start:start + 13] + queries[:3]
            got = cramped.lookup_many(batch, lang)
            assert got == {q: expected[lang][q] for q in batch}, lang
            assert cramped.fuzzy_many(batch, lang, 75.0).keys() == set(batch)
    assert any(m is not None and not m.exact for m in expected["ar"].values())


# ------------------------------------------------------------------ PostgreSQL: several desks


def _config(url: str, desk: str) -> str:
    return f'\n[tool.newsloc.memory]\nurl = "{url}"\ndesk = "{desk}"\n'


def test_two_desks_share_reviewed_translations_and_mt(tmp_path, pg_databases, runner, monkeypatch):
    monkeypatch.delenv("NEWSLOC_MEMORY_URL", raising=False)
    url = pg_databases.new()
    erbil = make_project(tmp_path / "erbil", {"storm.txt": STORM}, extra_toml=_config(url, "erbil"))
    review(erbil, "storm", "ar")
    assert runner.invoke(cli, ["--root", str(erbil), "tm", "stats"]).exit_code == 0  # erbil syncs
    duhok = make_project(tmp_path / "duhok", {"flood.txt": FLOOD}, extra_toml=_config(url, "duhok"))
    result = runner.invoke(cli, ["--root", str(duhok), "translate", "--engine", "memory", "--lang", "ar"])
    assert result.exit_code == 0, result.output
    got = entries(duhok, "flood", "ar")
    assert got[SHARED].msgstr == stand_in("ar", SHARED)
    assert "TM 100% from erbil/storm" in got[SHARED].comment.split("\n")
    assert "fuzzy" in got[SHARED].flags  # another desk's work is a suggestion, never reviewed
    assert got[NEAR_NEW].previous_msgid == NEAR_OLD
    # MT results are shared too: what erbil paid for, duhok gets from the cache.
    result = runner.invoke(cli, ["--root", str(erbil), "translate", "--engine", "fake", "--lang", "ckb"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["--root", str(duhok), "translate", "--engine", "fake", "--lang", "ckb",
                                 "--no-memory"])
    assert result.exit_code == 0, result.output
    assert "1 cache hit(s)" in result.output  # the one sentence both articles have
    assert entries(duhok, "flood", "ckb")[SHARED].msgstr == entries(erbil, "storm", "ckb")[SHARED].msgstr


def test_a_memory_from_before_schema_5_is_rebuilt(tmp_path, pg_databases, runner, monkeypatch):
    """A shared memory recorded as schema 4 (no word postings, the desk marked as synced) is
    taken through every later migration by the next command, and the memory is rebuilt:
    the pre-translation finds the exact and the fuzzy match again. (Today's tables stand in
    for schema 4's, less the postings; schema 5's own tables are rebuilt from in the test
    below.)"""
    monkeypatch.delenv("NEWSLOC_MEMORY_URL", raising=False)
    url = pg_databases.new()
    erbil = make_project(tmp_path / "erbil", {"storm.txt": STORM, "flood.txt": FLOOD},
                         extra_toml=_config(url, "erbil"))
    review(erbil, "storm", "ar")
    assert runner.invoke(cli, ["--root", str(erbil), "tm", "stats"]).exit_code == 0
    from pipeline.state.postgres import PgDb
    from pipeline.state.store import close_shared
    close_shared()  # the next command connects as a new process would
    db = PgDb(url)  # recorded as schema 4: no postings (and the desk marked as synced)
    db.execute("DROP TABLE tm_words, tm_wordfreq")
    db.execute("UPDATE newsloc_meta SET value = '4' WHERE key = 'schema'")
    db.close()
    result = runner.invoke(cli, ["--root", str(erbil), "translate", "--engine", "memory", "flood", "--lang", "ar"])
    assert result.exit_code == 0, result.output
    got = entries(erbil, "flood", "ar")
    assert got[SHARED].msgstr == stand_in("ar", SHARED)
    assert got[NEAR_NEW].previous_msgid == NEAR_OLD
    db = PgDb(url)
    assert db.one("SELECT value FROM newsloc_meta WHERE key = 'schema'")[0] == str(VERSION)
    assert db.one("SELECT COUNT(*) FROM tm_words")[0] > 0
    db.close()


# The memory tables as schema 5 had them (the sentences, postings and word counts per language).
_SCHEMA_5 = {
    "sqlite": [
        """CREATE TABLE tm_files (desk TEXT NOT NULL, path TEXT NOT NULL, size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL, digest TEXT NOT NULL, seen REAL NOT NULL,
            PRIMARY KEY (desk, path)) WITHOUT ROWID""",
        """CREATE TABLE tm_sources (sid INTEGER PRIMARY KEY, lang TEXT NOT NULL, hash TEXT NOT NULL,
            source TEXT NOT NULL, length INTEGER NOT NULL, UNIQUE (lang, hash))""",
        """CREATE TABLE tm_units (desk TEXT NOT NULL, path TEXT NOT NULL, seq INTEGER NOT NULL,
            sid INTEGER NOT NULL, target TEXT NOT NULL, origin TEXT NOT NULL, line INTEGER,
            imported INTEGER NOT NULL, obsolete INTEGER NOT NULL, PRIMARY KEY (desk, path, seq)) WITHOUT ROWID""",
        "CREATE INDEX tm_units_sid ON tm_units (sid)",
        """CREATE TABLE tm_words (lang TEXT NOT NULL, word TEXT NOT NULL, sid INTEGER NOT NULL,
            PRIMARY KEY (lang, word, sid)) WITHOUT ROWID""",
        """CREATE TABLE tm_wordfreq (lang TEXT NOT NULL, word TEXT NOT NULL, n INTEGER NOT NULL,
            PRIMARY KEY (lang, word)) WITHOUT ROWID""",
        """CREATE TABLE tm_marks (desk TEXT NOT NULL, start TEXT NOT NULL, digest TEXT NOT NULL,
            seen DOUBLE PRECISION NOT NULL, PRIMARY KEY (desk, start))"""],
    "postgresql": [
        """CREATE TABLE tm_files (desk TEXT NOT NULL, path TEXT NOT NULL, size BIGINT NOT NULL,
            mtime_ns BIGINT NOT NULL, ctime_ns BIGINT NOT NULL, digest TEXT NOT NULL,
            seen DOUBLE PRECISION NOT NULL, PRIMARY KEY (desk, path))""",
        """CREATE TABLE tm_sources (sid BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            lang TEXT NOT NULL, hash TEXT NOT NULL, source TEXT NOT NULL, length INTEGER NOT NULL,
            UNIQUE (lang, hash))""",
        """CREATE TABLE tm_units (desk TEXT NOT NULL, path TEXT NOT NULL, seq INTEGER NOT NULL,
            sid BIGINT NOT NULL, target TEXT NOT NULL, origin TEXT NOT NULL, line INTEGER,
            imported INTEGER NOT NULL, obsolete INTEGER NOT NULL, PRIMARY KEY (desk, path, seq))""",
        "CREATE INDEX tm_units_sid ON tm_units (sid)",
        """CREATE TABLE tm_words (lang TEXT NOT NULL, word TEXT NOT NULL, sid BIGINT NOT NULL,
            PRIMARY KEY (lang, word, sid))""",
        """CREATE TABLE tm_wordfreq (lang TEXT NOT NULL, word TEXT NOT NULL, n BIGINT NOT NULL,
            PRIMARY KEY (lang, word))""",
        """CREATE TABLE tm_marks (desk TEXT NOT NULL, start TEXT NOT NULL, digest TEXT NOT NULL,
            seen DOUBLE PRECISION NOT NULL, PRIMARY KEY (desk, start))"""],
}
_MEMORY_TABLES = "tm_files, tm_marks, tm_units, tm_sources, tm_words, tm_wordfreq"


def _open_raw(project, url):
    """The memory's database as another program would open it (no migration)."""
    from pipeline.state.store import close_shared, close_store, store_path
    close_store()
    close_shared()
    if url is None:
        import sqlite3
        return sqlite3.connect(store_path(project), isolation_level=None)
    import psycopg
    return psycopg.connect(url, autocommit=True)


def _set_version(db, url, version: int) -> None:
    if url is None:
        db.execute(f"PRAGMA user_version = {version}")
    else:
        db.execute("UPDATE newsloc_meta SET value = %s WHERE key = 'schema'", (str(version),))


def test_a_memory_of_schema_5_is_rebuilt_and_nothing_else_lost(desk, memory_backend, runner):
    """Schema 6 keeps one set of sentences for every language: the upgrade drops the memory
    tables of schema 5 (a store, or a shared database, as it left them: rows included) and the
    next command rebuilds them from the PO files; the MT cache and the stage records stay."""
    project = load_project(desk)
    assert runner.invoke(cli, ["--root", str(desk), "extract"]).exit_code == 0  # stage records
    MTCache.for_project(project).put("fake", "en", "ckb", NEW, "پاشەکەوت", "g")
    assert load_memory(project).exact(SHARED, "ar") is not None
    db = _open_raw(project, memory_backend)
    kind = "sqlite" if memory_backend is None else "postgresql"
    records = db.execute("SELECT COUNT(*) FROM records").fetchone()[0] if kind == "sqlite" else None
    assert records is None or records > 0
    for table in _MEMORY_TABLES.split(", "):
        db.execute(f"DROP TABLE {table}")
    for statement in _SCHEMA_5[kind]:
        db.execute(statement)
    # What schema 5 held: a unit of a catalogue since deleted, and a sync mark saying the
    # desk's files are all known (the rebuild must not trust it).
    db.execute("INSERT INTO tm_sources (lang, hash, source, length) VALUES ('ar', 'x', 'Gone sentence.', 14)")
    db.execute("INSERT INTO tm_units (desk, path, seq, sid, target, origin, line, imported, obsolete) "
               "SELECT '.', 'locales/ar/gone.po', 0, sid, 'ذهب', 'gone', 1, 0, 0 FROM tm_sources")
    db.execute("INSERT INTO tm_marks (desk, start, digest, seen) VALUES ('.', '', 'x', 1e12)")
    _set_version(db, memory_backend, 5)
    db.close()
    result = runner.invoke(cli, ["--root", str(desk), "translate", "--engine", "memory", "flood", "--lang", "ar"])
    assert result.exit_code == 0, result.output
    got = entries(desk, "flood", "ar")
    assert got[SHARED].msgstr == stand_in("ar", SHARED) and got[NEAR_NEW].previous_msgid == NEAR_OLD
    memory = load_memory(project)
    assert memory.exact("Gone sentence.", "ar") is None
    assert {u.path for u in memory.units} == {"locales/ar/storm.po"}
    assert MTCache.for_project(project).lookup("fake", "en", "ckb", NEW, "g") == "پاشەکەوت"
    db = _open_raw(project, memory_backend)
    if kind == "sqlite":
        assert db.execute("PRAGMA user_version").fetchone()[0] == VERSION
        assert db.execute("SELECT COUNT(*) FROM records").fetchone()[0] >= records
    else:
        assert db.execute("SELECT value FROM newsloc_meta WHERE key = 'schema'").fetchone()[0] == str(VERSION)
    # A store (or shared memory) written by a newer newsloc is still refused, in one line.
    _set_version(db, memory_backend, VERSION + 1)
    db.close()
    result = runner.invoke(cli, ["--root", str(desk), "translate", "--engine", "memory", "flood", "--lang", "ar"])
    assert result.exit_code != 0 and "newer newsloc" in result.output, result.output
    _open_raw(project, memory_backend).close()  # (the next test's process starts afresh)


def _writer(url: str, worker: int, rounds: int) -> None:
    from pipeline.state.postgres import PgDb
    from pipeline.state.schema import migrate
    from pipeline.state.tm import TMTables
    from pipeline.translate.cache import MTCache
    db = PgDb(url)
    migrate(db)
    tables, cache = TMTables(db), MTCache(db)
    for r in range(rounds):
        units = [(f"Sentence number {k} of the shared wire copy.", f"ت {k} {worker}", "ar", f"w{worker}",
                  k, False, False) for k in range(r, r + 40)]
        tables.replace_files(f"desk{worker}", [((f"locales/ar/s{r % 3}.po", 1, r, r, f"d{r}", 0.0), units)], ())
        for k in range(r, r + 40):
            cache.put("fake", "en", "ar", f"Sentence number {k} of the shared wire copy.", f"r{k}")
    db.close()


def test_concurrent_writers_are_safe(pg_databases):
    url = pg_databases.new()
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(url, w, 12)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    from pipeline.state.postgres import PgDb
    from pipeline.state.tm import TMTables
    db = PgDb(url)
    tables = TMTables(db)
    for worker in range(4):  # each desk's last state of each file, nothing lost or doubled
        rows = tables.desk_units(f"desk{worker}", "ar")
        assert len(rows) == 3 * 40
    sources = db.one("SELECT COUNT(*), COUNT(DISTINCT hash) FROM tm_sources")
    assert sources[0] == sources[1]
    assert db.one("SELECT COUNT(*) FROM mt")[0] == len({k for r in range(12) for k in range(r, r + 40)})
    db.close()


def _po(pairs: list[tuple[str, str]]) -> str:
    body = "".join(f'\nmsgid "{s}"\nmsgstr "{t}"\n' for s, t in pairs)
    return ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
            '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n' + body)


def test_chunked_sync_agrees_with_a_full_read_after_random_edits(tmp_path, memory_backend, monkeypatch):
    """Adds, removals, renames, edits in place (old mtime restored) and edits that
    change size, in random order over 200 catalogues of two languages cut into small
    chunks (one spans the two folders): after every round the memory's units are
    those a full read of every file gives."""
    import os

    import pipeline.translate.memory as memory_module

    monkeypatch.setattr(memory_module, "CHUNK_SPREAD", 8)  # ~25 chunks, not 1
    clock = [memory_module.time.time()]
    monkeypatch.setattr(memory_module.time, "time", lambda: clock[0])
    root = tmp_path / "desk"
    for lang in ("ar", "ckb"):
        (root / "locales" / lang).mkdir(parents=True)
    (root / "articles").mkdir()
    (root / "pyproject.toml").write_text('[tool.newsloc]\nsource = "en"\nlanguages = ["ar", "ckb"]\n',
                                         encoding="utf-8")
    rng = random.Random(14)
    texts, folders = {}, {}
    for k in range(200):
        texts[f"a{k:04d}"] = [(f"Sentence {k} one.", f"ترجمة {k} أ"), (f"Shared {k % 7}.", f"مشترك {k % 7}")]
        folders[f"a{k:04d}"] = root / "locales" / ("ar" if k < 120 else "ckb")
        (folders[f"a{k:04d}"] / f"a{k:04d}.po").write_text(_po(texts[f"a{k:04d}"]), encoding="utf-8")
    project = load_project(root)

    def units(memory):
        return sorted((u.source, u.target, u.origin) for u in memory.units)

    for round_ in range(12):
        clock[0] += 10  # every write is older than the racy window at the next sync
        memory = load_memory(project)
        assert units(memory) == units(load_memory(project, use_index=False)), round_
        if not memory.tables.pg:  # SQLite's sentence count relies on it: no sentence outlives its units
            assert memory.tables.db.one("SELECT COUNT(*) FROM tm_sources s WHERE NOT EXISTS "
                                        "(SELECT 1 FROM tm_units u WHERE u.sid = s.sid)")[0] == 0
        for _ in range(rng.randint(0, 6)):
            slug = rng.choice(sorted(texts))
            folder = folders[slug]
            path = folder / f"{slug}.po"
            action = rng.choice(["add", "remove", "rename", "in-place", "edit"])
            if action == "add":
                new = f"n{round_}{rng.randint(0, 10**6)}"
                texts[new] = [(f"New {new}.", f"جديد {new}")]
                folders[new] = folder
                (folder / f"{new}.po").write_text(_po(texts[new]), encoding="utf-8")
            elif action == "remove" and len(texts) > 1:
                path.unlink()
                del texts[slug], folders[slug]
            elif action == "rename":
                new = f"r{round_}{rng.randint(0, 10**6)}"
                path.rename(folder / f"{new}.po")
                texts[new] = texts.pop(slug)
                folders[new] = folders.pop(slug)
            elif action == "in-place":  # same size, mtime restored: only ctime and bytes tell
                st = path.stat()
                old = path.read_text(encoding="utf-8")
                path.write_text(old.replace("ترجمة", "ترجمه"), encoding="utf-8")
                os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
            else:
                texts[slug] = texts[slug] + [(f"Added {round_}.", f"مضاف {round_}")]
                path.write_text(_po(texts[slug]), encoding="utf-8")
    clock[0] += 10
    assert load_memory(project).rebuilt == []  # nothing changed since the last round's sync


def _stats_in_full(memory):
    """`tm stats` as it was computed before it streamed: every unit of a language at once."""
    from pipeline.translate.memory import LanguageStats
    from pipeline.translate.units import normalize_space
    out = []
    for lang in memory.languages:
        units = memory.units_for(lang)
        own = [u for u in units if not u.imported]
        by_source: dict[str, set[str]] = {}
        for u in units:
            by_source.setdefault(u.source, set()).add(normalize_space(u.target))
        out.append(LanguageStats(lang, len(own), len({u.origin for u in own}), len(units) - len(own),
                                 len(by_source), sum(1 for v in by_source.values() if len(v) > 1)))
    return out


@pytest.mark.parametrize("block", [None, 3, 1], ids=["block-default", "block-3", "block-1"])
def test_stats_stream_and_agree_with_every_unit_at_once(memory_backend, block, monkeypatch):
    """`tm stats` counts in the database and streams the units of sentences translated in
    more than one way a block at a time: the same figures as reading every unit (spacing
    differences are no conflict), whatever the block size, and another desk's units are
    not counted."""
    from pipeline.translate.memory import memory_stats
    if block is not None:
        monkeypatch.setattr("pipeline.state.tm.UNIT_BLOCK", block)
    rng = random.Random(6)
    sentences = [f"Sentence number {i} about the {w}." for i, w in
                 enumerate(["storm", "flood", "vote", "dam", "road", "school", "market"] * 3)]
    units = []
    for i in range(400):
        source = rng.choice(sentences)
        lang = rng.choice(["ar", "ckb", "ku"])
        target = rng.choice([stand_in(lang, source), stand_in(lang, source) + "  ", "نص آخر",
                             "  " + stand_in(lang, source)])
        imported = rng.random() < 0.2
        slug = f"a{rng.randrange(12)}"
        path = f"locales/{lang}/memory.tmx" if imported else f"locales/{lang}/{slug}.po"
        units.append(Unit(source, target, lang, f"tmx:{slug}" if imported else slug, path, i,
                          imported, rng.random() < 0.1))
    memory = _memory(units, memory_backend)
    # Another desk's units (same database): lookups see them, the stats do not count them.
    Memory([Unit(sentences[0], "غير", "ar", "x", "locales/ar/x.po", 1)], tables=memory.tables,
           desk="elsewhere")
    expected = _stats_in_full(memory)
    assert [s.lang for s in expected] == ["ar", "ckb", "ku"]
    assert all(s.conflicting and s.imported and s.units for s in expected)
    with _no_whole_read():
        assert memory_stats(memory) == expected


def test_export_streams_the_same_document_as_every_unit_at_once(memory_backend, tmp_path, runner,
                                                                  monkeypatch):
    """`tm export` writes as it goes from the tables in document order (sentences by code
    point on both backends, the first of equal translations in file order): the bytes of
    the whole tree built from every unit, with and without imported units, per language,
    to a file (atomically) and to standard output."""
    from pipeline.translate.exchange import export_tmx
    from pipeline.translate.tmx import write_tmx
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    rng = random.Random(9)
    sentences = ["Zebra crossing.", "apple <pie> & \"tea\".", "Émile said.", "émile said.", "Ärger.",
                 "İstanbul.", "a\u0628c.", "B\U0001F600.", "b.", "B."]
    units = []
    for i in range(300):
        source = rng.choice(sentences)
        lang = rng.choice(["ar", "ckb", "ku"])
        imported = rng.random() < 0.2
        slug = rng.choice(["b-slug", "A-slug", "a-slug", "z"])
        path = f"locales/{lang}/memory.tmx" if imported else f"locales/{lang}/{slug}.po"
        target = rng.choice(["نص", "نص ", " نص", "نص  آخر", "<b> & c", "x"])
        units.append(Unit(source, target, lang, f"tmx:{slug}" if imported else slug, path, i,
                          imported, rng.random() < 0.1))
    desk = make_project(tmp_path / "desk", {"storm.txt": STORM})
    project = load_project(desk)
    memory = _memory(units, memory_backend)
    every = memory.units
    for langs, imported in ((None, True), (None, False), (["ckb"], True), (["ku", "ar"], False)):
        chosen = [u for u in every if (langs is None or u.lang in langs) and (imported or not u.imported)]
        expected = write_tmx(chosen, source_lang="en")
        with _no_whole_read():
            data, count = export_tmx(project, langs, include_imported=imported,
                                     memory=Memory(tables=memory.tables, desk=memory.desk))
        assert data == expected
        assert count == expected.count(b"<tu ") > 0
    # The command, on the project's own memory (its catalogues), to a file and to stdout.
    review(desk, "storm", "ar")
    out = tmp_path / "all.tmx"
    result = runner.invoke(cli, ["--root", str(desk), "tm", "export", "--out", str(out)])
    assert result.exit_code == 0, result.output
    whole = write_tmx(load_memory(load_project(desk)).units, source_lang="en")
    assert out.read_bytes() == whole and f"{whole.count(b'<tu ')} translation unit(s)" in result.output
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".all.tmx")]  # no temp file left
    result = runner.invoke(cli, ["--root", str(desk), "tm", "export"])
    assert result.exit_code == 0 and result.stdout_bytes == whole


def test_import_knows_the_desks_own_units_without_reading_them_all(memory_backend, tmp_path, runner):
    """`tm import` asks the memory for the incoming sentences only: a unit the desk holds
    (spacing aside) is a duplicate, another desk's unit or another language's is not."""
    desk = storm_and_flood(tmp_path / "desk")
    project = load_project(desk)
    memory = load_memory(project)
    Memory([Unit(NEW, "غير", "ar", "x", "locales/ar/x.po", 1)], tables=memory.tables, desk="elsewhere")
    mine = memory.exact(SHARED, "ar").unit.target
    tus = [(SHARED, "ar-SA", "  " + mine + " "), (SHARED, "ckb", mine), (NEW, "ar", "غير"),
           (NEW, "ar", "جديد")]
    body = "".join(f'<tu><tuv xml:lang="en"><seg>{s}</seg></tuv><tuv xml:lang="{lang}"><seg>{t}</seg>'
                   "</tuv></tu>" for s, lang, t in tus)
    vendor = tmp_path / "vendor.tmx"
    vendor.write_text(f'<?xml version="1.0"?><tmx version="1.4"><header srclang="en"/><body>{body}'
                      "</body></tmx>", encoding="utf-8")
    with _no_whole_read():
        result = runner.invoke(cli, ["--root", str(desk), "tm", "import", str(vendor)])
    assert result.exit_code == 0, result.output
    assert "imported 3 unit(s) (ar 2, ckb 1); 1 already in the memory" in result.output

"""Benchmark: the translation memory at corpus scale.

Builds a throw-away project from every article of ``../shared/corpus/bbc``
(about 20,000 segments) with deterministic stand-in Arabic "translations"
marked reviewed, holds a few articles out, and measures:

* building the memory cold (every PO file read) and loading it warm (the
  derived index answers), and the rebuild after a translator edits one PO;
* pre-translating a new article end to end (load the memory, match every
  entry, write the PO): held-out articles (mostly no match), an article
  that repeats memory sentences (exact), and one whose sentences were
  edited (fuzzy);
* that the prefiltered fuzzy search finds what a full scan finds.

With ``--pg URL`` (a PostgreSQL server; a throw-away database is created on
it and dropped after) the memory is the shared PostgreSQL one instead of the
project's SQLite store.

Run:  python3 bench/tm.py [--corpus PATH] [--articles N] [--pg URL]
Writes bench/results/tm.json (bench/results/tm-pg.json with --pg; git-ignored)
and prints a summary.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "bench"))  # after the repository: bench/pipeline.py is not the package

from pipeline.catalog import load_catalog, save_catalog  # noqa: E402
from pipeline.config import load_project  # noqa: E402
from pipeline.extract import extract_article  # noqa: E402
from pipeline.translate.memory import load_memory  # noqa: E402
from pipeline.translate.units import normalize_space
from pipeline.translate.run import pretranslate_catalogs

CORPUS = ROOT.parent / "shared" / "corpus" / "bbc"
LANG = "ar"
HELD_OUT = 5


def stand_in(source: str) -> str:
    """A deterministic stand-in translation (no engine involved)."""
    return "ت " + source[::-1]


def corpus_articles(corpus: Path, limit: int | None) -> list[Path]:
    paths = sorted(corpus.glob("*/*.txt"))
    return paths[:limit] if limit else paths


def slug_of(path: Path) -> str:
    return f"{path.parent.name}-{path.stem}"


def build_project(root: Path, paths: list[Path]) -> None:
    (root / "articles").mkdir(parents=True)
    (root / "pyproject.toml").write_text(f'[tool.newsloc]\nlanguages = ["{LANG}"]\n', encoding="utf-8")
    for path in paths:
        (root / "articles" / f"{slug_of(path)}.txt").write_text(path.read_text(encoding="utf-8", errors="replace"),
                                                              encoding="utf-8")


def extract_and_review(project, paths: list[Path]) -> int:
    units = 0
    for path in paths:
        article = project.articles_dir / f"{slug_of(path)}.txt"
        try:
            extract_article(project, article, [LANG])
        except Exception as exc:  # a corpus file the reader refuses: leave it out
            print(f"  skipped {article.name}: {exc}", file=sys.stderr)
            continue
        po_path = project.catalog_path(article.stem, LANG)
        po = load_catalog(po_path)
        for entry in po:
            if not entry.obsolete and not entry.msgstr:
                entry.msgstr = stand_in(entry.msgid)
                units += 1
        save_catalog(po, po_path)
    return units


def add_article(project, slug: str, text: str) -> None:
    path = project.articles_dir / f"{slug}.txt"
    path.write_text(text, encoding="utf-8")
    extract_article(project, path, [LANG])


def timed_pretranslate(project, slug: str) -> dict:
    started = time.perf_counter()
    result = pretranslate_catalogs(project, [slug], [LANG])
    elapsed = time.perf_counter() - started
    po = load_catalog(project.catalog_path(slug, LANG))
    report = result.report
    return {"slug": slug, "entries": sum(1 for e in po if not e.obsolete), "seconds": round(elapsed, 4),
            "exact": report.exact + report.reviewed, "fuzzy": report.fuzzy,
            "unmatched": report.left}


def edited(sentence: str, rng: random.Random) -> str:
    words = sentence.split()
    if len(words) > 4:
        words[rng.randrange(1, len(words))] = rng.choice(["reportedly", "2019", "firms", "ministers"])
    return " ".join(words)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--articles", type=int, default=None, help="use only the first N articles")
    parser.add_argument("--pg", default=None, metavar="URL",
                        help="measure the shared PostgreSQL memory (a database is created on this server)")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 0
    if not args.pg:
        os.environ.pop("NEWSLOC_MEMORY_URL", None)
        return bench(args, ROOT / "bench" / "results" / "tm.json")
    from pgdb import pg_database
    from pipeline.state.store import close_shared
    with pg_database(args.pg) as url:
        os.environ["NEWSLOC_MEMORY_URL"] = url
        try:
            return bench(args, ROOT / "bench" / "results" / "tm-pg.json", backend="postgresql")
        finally:
            close_shared()


def bench(args, out: Path, backend: str = "sqlite") -> int:
    rng = random.Random(20261123)
    paths = corpus_articles(args.corpus, args.articles)
    held = paths[::max(1, len(paths) // HELD_OUT)][:HELD_OUT]
    memory_paths = [p for p in paths if p not in held]
    results: dict = {"backend": backend, "corpus_articles": len(paths), "held_out": [slug_of(p) for p in held]}
    with tempfile.TemporaryDirectory(prefix="newsloc-tm-bench-") as tmp:
        root = Path(tmp) / "desk"
        build_project(root, paths)
        project = load_project(root)
        started = time.perf_counter()
        extract_and_review(project, memory_paths)
        results["setup_seconds"] = round(time.perf_counter() - started, 1)

        started = time.perf_counter()
        memory = load_memory(project)
        results["cold_build_seconds"] = round(time.perf_counter() - started, 3)
        results["memory_units"] = len(memory)
        results["memory_distinct_sentences"] = len({u.source for u in memory.units})
        started = time.perf_counter()
        load_memory(project)
        results["warm_load_seconds"] = round(time.perf_counter() - started, 3)
        # A translator edits one catalogue: only that file is read again.
        some = project.catalog_path(slug_of(memory_paths[0]), LANG)
        po = load_catalog(some)
        next(e for e in po if e.msgstr).msgstr += " (مراجعة)"
        save_catalog(po, some)
        started = time.perf_counter()
        memory = load_memory(project)
        results["rebuild_after_one_edit_seconds"] = round(time.perf_counter() - started, 3)
        results["files_reread_after_one_edit"] = len(memory.rebuilt)

        runs = []
        for path in held:
            extract_article(project, project.articles_dir / f"{slug_of(path)}.txt", [LANG])
            runs.append(dict(timed_pretranslate(project, slug_of(path)), kind="held-out article"))
        sources = sorted({u.source for u in memory.units if len(u.source.split()) > 6})
        picked = rng.sample(sources, 30)
        add_article(project, "repeat", "Markets repeat themselves\n\n" + "\n\n".join(picked) + "\n")
        runs.append(dict(timed_pretranslate(project, "repeat"), kind="30 memory sentences"))
        changed = [edited(s, rng) for s in rng.sample(sources, 30)]
        add_article(project, "edited", "Markets edit themselves\n\n" + "\n\n".join(changed) + "\n")
        runs.append(dict(timed_pretranslate(project, "edited"), kind="30 edited memory sentences"))
        results["pretranslate"] = runs
        results["pretranslate_max_seconds"] = max(r["seconds"] for r in runs)
        results["pretranslate_median_seconds"] = statistics.median(r["seconds"] for r in runs)

        # Recall of the prefilter against a full scan, on every query made above.
        memory = load_memory(project)
        all_sources = sorted({u.source for u in memory.units})
        queries = [normalize_space(e.msgid) for slug in ["edited"] + [slug_of(p) for p in held]
                   for e in load_catalog(project.catalog_path(slug, LANG)) if e.msgid]
        agree = missed = 0
        full_started = time.perf_counter()
        for q in queries:
            best = process.extractOne(q, all_sources, scorer=fuzz.ratio, score_cutoff=75)
            ours = memory.lookup(q, LANG)
            if best is None and ours is None:
                agree += 1
            elif best is not None and ours is not None and abs(best[1] - ours.score) < 1e-6 or \
                    (ours is not None and ours.exact and best is not None and best[1] >= 100):
                agree += 1
            else:
                missed += 1
        results["full_scan_seconds_per_query"] = round((time.perf_counter() - full_started) / len(queries), 5)
        results["prefilter_queries"] = len(queries)
        results["prefilter_agrees_with_full_scan"] = agree
        results["prefilter_misses"] = missed

    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"{backend}: memory: {results['memory_units']} reviewed units ({results['memory_distinct_sentences']} distinct "
          f"sentences) from {len(memory_paths)} articles; setup {results['setup_seconds']} s")
    print(f"build cold {results['cold_build_seconds']} s, warm load {results['warm_load_seconds']} s, "
          f"after one PO edit {results['rebuild_after_one_edit_seconds']} s "
          f"({results['files_reread_after_one_edit']} file read again)")
    for r in runs:
        print(f"  {r['kind']:<28} {r['entries']:>3} entries: {r['exact']:>3} exact, {r['fuzzy']:>3} fuzzy, "
              f"{r['unmatched']:>3} left for MT in {r['seconds'] * 1000:.0f} ms")
    print(f"prefilter vs full scan: {agree}/{len(queries)} agree, {missed} missed; "
          f"full scan {results['full_scan_seconds_per_query'] * 1000:.1f} ms per query")
    return 0


if __name__ == "__main__":
    sys.exit(main())

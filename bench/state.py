"""Benchmark: an archive-sized desk (issue 14), on the SQLite store and on PostgreSQL.

For each size (default 2,000 articles; ``--sizes 2000,20000``) and backend,
a synthetic archive is generated into a temporary folder (``bench/archive.py``:
BBC paragraphs recombined, deterministic; never copied into the repository),
then every step runs as the real command (a fresh ``python -m pipeline``
process, start-up included), timed, with the peak resident memory of its
process tree:

1. ``extract`` cold (ar, ckb, ku);
2. ``translate --engine fake`` cold (every entry: the overhead per segment),
   then with nothing to do, then ``--retranslate`` (every entry again, all
   from the MT cache);
3. a stand-in review (every entry reviewed; not timed);
4. ``status``, ``check``, ``export`` cold, then each with nothing changed
   (SQLite only: these do not touch PostgreSQL, except ``status``'s post-edit
   distances); ``extract`` with nothing changed right after step 1. From
   ``--large`` articles on (10,000), the cached translate is skipped (as long
   as the cold one: minutes that measure nothing new); every other step runs,
   so the peak memory of every command is measured at 20,000;
5. pre-translating ONE new article from the memory (``translate --engine
   memory NEW``): the first call (memory tables built from every catalogue),
   then three more new articles (median).

With ``--pg URL`` (default ``NEWSLOC_TEST_PG_URL``) steps 1, 2, 3, ``status``
and 5 run again with the memory and MT cache in a fresh PostgreSQL database,
up to ``--pg-full`` articles (2,000); larger archives measure PostgreSQL's
memory targets on the SQLite run's desk: step 5 (the first call builds the
shared memory from every catalogue), with a fresh database.

With ``--desk DIR`` nothing is generated: step 5 runs on an archive a previous
run built (a kept copy of the 20,000-article desk, say: generating it again
takes an hour), on its SQLite store and, with ``--pg``, with a fresh
PostgreSQL database; articles ``new<K>`` are added from ``--first`` on. The
first call after a schema change rebuilds the memory: it is reported, as
``pretranslate_first``, with its peak memory.

Memory is the peak of the process tree's summed resident sets (RSS: a page a
forked worker shares with its parent counts in both; the figure the goals are
judged on) and, beside it, of the summed proportional sets (PSS: what the
tree really occupies). Modules are compiled first and bytecode is written
(``PYTHONDONTWRITEBYTECODE`` unset), as after ``pip install``.

Machine load (``os.getloadavg``) is recorded before and after each run, and
each step's CPU time (user + system, its whole process tree) beside its wall
time: on a shared machine the CPU time is the steadier figure.

Run:  nice python3 bench/state.py [--sizes 2000] [--pg URL] [--no-pg] [--json FILE]
      nice python3 bench/state.py --desk DIR [--first 200] [--pg URL]
Writes bench/results/state.json (git-ignored) and prints a table.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from archive import CORPUS, article_text, corpus_parts, generate  # noqa: E402
from pgdb import pg_database  # noqa: E402

# bench/pipeline.py's process runner (peak RSS of the tree), loaded by path:
# its file name is the package's.
_spec = importlib.util.spec_from_file_location("bench_pipeline", HERE / "pipeline.py")
_bp = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_bp)
run = _bp.run

LANGS = ("ar", "ckb", "ku")
TARGETS = {  # issue 14
    "pretranslate_one_s": {2000: 0.3, 20000: 0.5},
    "pretranslate_one_mb": 150.0,
    "noop_s_at_2000": 1.0,
    "fake_overhead_ms_per_segment": 0.5,
    "peak_mb_at_20000": 300.0,
}
_SEGMENTS = re.compile(r"(\d+) segment\(s\)")
_FUZZY_LINE = re.compile(r"^#, fuzzy\n", re.M)
_FUZZY_FLAG = re.compile(r"^(#,.*?)(?:, fuzzy\b|\bfuzzy, )", re.M)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def newsloc(root: Path, *args: str, env: dict | None = None) -> dict:
    """Run one command; wall seconds, CPU seconds of its process tree, peak RSS."""
    cpu = _children_cpu()
    result = _newsloc(root, *args, env=env)
    result["cpu_s"] = round(_children_cpu() - cpu, 3)
    return result


def _newsloc(root: Path, *args: str, env: dict | None = None) -> dict:
    environ = dict(os.environ, SOURCE_DATE_EPOCH="1795000000",
                   PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    environ.pop("NEWSLOC_MEMORY_URL", None)
    environ.pop("PYTHONDONTWRITEBYTECODE", None)  # a desk's install has its bytecode
    environ.update(env or {})
    result = run([sys.executable, "-m", "pipeline", "--root", str(root), *args], env=environ)
    if result["rc"] != 0:
        print(f"  ! newsloc {' '.join(args)} exited {result['rc']}: {result['output']}", file=sys.stderr)
    return result


def review(root: Path) -> int:
    """Stand-in review: clear every fuzzy flag (text edit: 60,000 files in seconds)."""
    count = 0
    for lang in LANGS:
        for path in (root / "locales" / lang).glob("*.po"):
            text = path.read_text(encoding="utf-8")
            new = _FUZZY_FLAG.sub(r"\1", _FUZZY_LINE.sub("", text))
            if new != text:
                path.write_text(new, encoding="utf-8")
                count += 1
    return count


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def step(results: dict, name: str, outcome: dict) -> dict:
    results[name] = {k: outcome[k] for k in ("seconds", "cpu_s", "rc", "peak_tree_mb", "peak_tree_pss_mb",
                                             "peak_rss_mb")}
    print(f"  {name:<34} {outcome['seconds']:9.3f} s  cpu {outcome['cpu_s']:9.3f} s  "
          f"{outcome['peak_tree_mb'] or 0:7.1f} MB (pss {outcome['peak_tree_pss_mb'] or 0:7.1f} MB)"
          f"{'' if outcome['rc'] == 0 else '  rc=' + str(outcome['rc'])}", file=sys.stderr)
    return outcome


def bench_size(size: int, corpus: Path, tmp: Path, backend: str, pg_url: str | None,
               large: bool = False) -> dict:
    root = tmp / f"desk-{backend}-{size}"
    root.mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[tool.newsloc]\nsource = "en"\nlanguages = ["ar", "ckb", "ku"]\n', encoding="utf-8")
    generate(root, size, corpus)
    env = {"NEWSLOC_MEMORY_URL": pg_url} if pg_url else {}
    results: dict = {"articles": size, "backend": backend, "load_before": load()}
    print(f"{size} articles, {backend}", file=sys.stderr)
    step(results, "extract_cold", newsloc(root, "extract", env=env))
    if backend == "sqlite":
        noop(results, "extract_noop", root, "extract", env=env)
    cold = step(results, "translate_fake_cold", newsloc(root, "translate", "--engine", "fake", env=env))
    found = _SEGMENTS.search(" ".join(cold["output"]))
    segments = int(found.group(1)) if found else 0
    results["segments"] = segments
    if segments:
        results["fake_ms_per_segment"] = round(cold["seconds"] / segments * 1000, 4)
        results["fake_cpu_ms_per_segment"] = round(cold["cpu_s"] / segments * 1000, 4)
    noop(results, "translate_noop", root, "translate", "--engine", "fake", env=env)
    if not large:
        step(results, "translate_cached", newsloc(root, "translate", "--engine", "fake", "--retranslate",
                                                  env=env))
    results["reviewed_catalogues"] = review(root)
    step(results, "status_cold", newsloc(root, "status", env=env))
    noop(results, "status_noop", root, "status", env=env)
    if backend == "sqlite":
        step(results, "check_cold", newsloc(root, "check", env=env))
        noop(results, "check_noop", root, "check", env=env)
        step(results, "export_cold", newsloc(root, "export", env=env))
        noop(results, "export_noop", root, "export", env=env)
    pretranslate(results, root, corpus, size, env=env)
    results["peak_tree_mb_any"] = max(v["peak_tree_mb"] or 0 for v in results.values()
                                      if isinstance(v, dict) and "peak_tree_mb" in v)
    results["load_after"] = load()
    return results


def pretranslate(results: dict, root: Path, corpus: Path, size: int, *, env: dict, first: int = 0) -> None:
    """Step 5: extract and pre-translate one new article at a time (the first call, then three)."""
    headlines, paragraphs = corpus_parts(corpus)
    warm = []
    for k in range(first, first + 4):
        slug = f"new{k}"
        (root / "articles" / f"{slug}.txt").write_text(
            article_text(size + 1000 + k, headlines, paragraphs), encoding="utf-8")
        newsloc(root, "extract", slug, env=env)
        outcome = newsloc(root, "translate", "--engine", "memory", slug, env=env)
        step(results, "pretranslate_first" if k == first else f"pretranslate_{k - first}", outcome)
        if k != first:
            warm.append(outcome)
    results["pretranslate_one_s"] = _bp.median_run(warm)["seconds"]
    results["pretranslate_one_cpu_s"] = statistics.median(r["cpu_s"] for r in warm)
    results["pretranslate_one_mb"] = max(r["peak_tree_mb"] or 0 for r in warm)


def bench_pg_memory(size: int, root: Path, corpus: Path, pg_url: str) -> dict:
    """PostgreSQL's memory targets on an archive already built (the SQLite run's desk)."""
    return pretranslate_run(size, root, corpus, pg_url, first=100,
                            backend="postgresql (memory only, on the SQLite desk)")


def pretranslate_run(size: int, root: Path, corpus: Path, pg_url: str | None, *, first: int,
                     backend: str) -> dict:
    """Step 5 alone on the archive at *root*, with the load before and after."""
    results: dict = {"articles": size, "backend": backend, "load_before": load()}
    print(f"{size} articles, {backend}", file=sys.stderr)
    pretranslate(results, root, corpus, size, env={"NEWSLOC_MEMORY_URL": pg_url} if pg_url else {},
                 first=first)
    results["load_after"] = load()
    return results


def bench_desk(root: Path, corpus: Path, pg: str | None, first: int) -> list[dict]:
    """Step 5 on an existing archive (``--desk``): SQLite, then a fresh PostgreSQL database."""
    size = sum(1 for p in (root / "articles").iterdir() if re.fullmatch(r"a\d+\.txt", p.name))
    runs = []
    for backend in ["sqlite"] + (["postgresql"] if pg else []):
        with pg_database(pg if backend == "postgresql" else None) as pg_url:
            runs.append(pretranslate_run(size, root, corpus, pg_url, backend=f"{backend} (existing desk {root.name})",
                                         first=first if backend == "sqlite" else first + 100))
    return runs


def noop(results: dict, name: str, root: Path, *args: str, env: dict) -> None:
    """A command with nothing changed, twice: the first run after a writing run hashes
    the files that run wrote (their stat data is too fresh to trust, see
    pipeline/state/store.py); the second is the steady state of a desk."""
    step(results, name + "_first", newsloc(root, *args, env=env))
    step(results, name, newsloc(root, *args, env=env))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="2000", help="comma-separated archive sizes")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--pg", default=os.environ.get("NEWSLOC_TEST_PG_URL"),
                        help="PostgreSQL server URL (a database is created per size)")
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--pg-full", type=int, default=2000,
                        help="largest archive on which every PostgreSQL step runs (larger: its memory targets only)")
    parser.add_argument("--large", type=int, default=10000,
                        help="from this size on, skip the cached translate (as long as the cold one)")
    parser.add_argument("--json", type=Path, default=HERE / "results" / "state.json")
    parser.add_argument("--desk", type=Path, help="measure step 5 only, on this existing archive (it is written to)")
    parser.add_argument("--first", type=int, default=200, help="with --desk: the first new article's number")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 0
    out: dict = {"cpus": os.cpu_count(), "targets": TARGETS, "runs": []}
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "pipeline")], check=True,
                   stdout=subprocess.DEVNULL, env={k: v for k, v in os.environ.items()
                                                   if k != "PYTHONDONTWRITEBYTECODE"})
    pg = args.pg if args.pg and not args.no_pg else None
    if args.desk is not None:
        out["runs"] = bench_desk(args.desk.resolve(), args.corpus, pg, args.first)
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
        print(json.dumps(out, indent=2))
        return 0
    for size in (int(s) for s in args.sizes.split(",") if s.strip()):
        backends = ["sqlite"] + (["postgresql"] if pg and size <= args.pg_full else [])
        for backend in backends:
            with tempfile.TemporaryDirectory(prefix="newsloc-state-bench-") as tmp:
                with pg_database(pg if backend == "postgresql" else None) as pg_url:
                    out["runs"].append(bench_size(size, args.corpus, Path(tmp), backend, pg_url,
                                                  large=size >= args.large))
                if backend == "sqlite" and pg and size > args.pg_full:
                    with pg_database(pg) as pg_url:
                        out["runs"].append(bench_pg_memory(size, Path(tmp) / f"desk-sqlite-{size}",
                                                           args.corpus, pg_url))
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark: the whole pipeline over a news archive, beside Translate Toolkit and po4a.

Usage::

    python bench/pipeline.py [CORPUS_DIR] [--json FILE] [--jobs N] [--repeat N]
                             [--po4a-sizes 60,120,240] [--po4a-cap SECONDS]
                             [--no-baselines] [--keep]

CORPUS_DIR (default ``../shared/corpus/bbc``) is searched recursively for
``*.txt`` articles. They are symlinked (never copied) into a temporary
project under the system temp folder, and every newsloc step runs as the
real command (``python -m pipeline`` of this checkout, a fresh process each
time, start-up included), in this order:

1. cold ``extract`` into a POT plus three PO catalogues (ar, ckb, ku),
   with the default ``--jobs`` (``--repeat`` times, median reported) and
   again with ``--jobs 1``;
2. a no-op ``extract`` (nothing changed);
3. ``extract`` after editing 1% of the paragraphs (an edited article becomes
   a real file in the temporary project; the corpus is never touched);
4. a deterministic stand-in for review fills every catalogue (msgstr = the
   msgid through a reversible letter mapping: Arabic letters for ar/ckb,
   rot13 for ku; digits and punctuation kept) and clears ``fuzzy``;
5. ``status``, ``check`` and ``export`` of every edition (3 languages × html,
   md, txt), each followed by the same command again with nothing changed.

Peak memory: the largest resident set of any one process of a step (from
``wait4``, children included) and the peak of the whole process tree
(sampled from ``/proc`` every 20 ms, Linux only).

6. a Markdown/HTML corpus of ``--markup`` articles (default 200) generated
   from the corpus by ``bench/markup_corpus.py`` (links, emphasis, lists,
   quotes, tables, figures; HTML pages with site chrome) in a second
   temporary project: cold ``extract`` (``--repeat`` times, median).

Baselines, in the same run when installed:

* Translate Toolkit: ``txt2po`` then ``posegment`` over the same articles
  (the template only), ``--repeat`` times, median reported; the number of
  templates it wrote is checked against the number of articles.
* po4a (POT + three PO per article, ``--no-translations``) on growing
  subsets (default 60, 120, 240 articles, evenly spread over the corpus),
  each beside a cold newsloc ``extract`` of the same subset. po4a's cost per
  article grows with the number of documents, so every size is *measured*
  (never extrapolated); a size is skipped once the previous one took more
  than half of ``--po4a-cap`` seconds, and a run over the cap is stopped
  and reported as such. The headline ratio is taken at the largest size
  measured.

Results: a table on stdout and JSON (default ``bench/results/pipeline.json``).
"""

from __future__ import annotations

import argparse
import codecs
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.append(str(HERE))  # markup_corpus (after REPO: this file's own name is "pipeline")

from pipeline.catalog import load_catalog, save_catalog  # noqa: E402

DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "bbc"
LANGS = ("ar", "ckb", "ku")
FORMATS = ("html", "md", "txt")
GOALS = {
    "noop_extract_s": 1.0,
    "export_all_s": 30.0,
    "peak_rss_mb": 200.0,
    "po4a_per_article_ratio": 50.0,
    "tt_ratio": 1.0,
}


# ---------------------------------------------------------------- measuring

def _children_of(pid: int) -> list[int]:
    """All descendants of *pid* (Linux /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(stat[1]), []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        kids = parents.get(todo.pop(), [])
        out += kids
        todo += kids
    return out


def _proc_kb(pid: int, name: str, field: str) -> int:
    """A kB figure of /proc/<pid>/<name> (0 once the process is gone)."""
    try:
        with open(f"/proc/{pid}/{name}") as fh:
            for line in fh:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _rss_kb(pid: int) -> int:
    return _proc_kb(pid, "status", "VmRSS:")


def _pss_kb(pid: int) -> int:
    """Proportional set size: pages shared with other processes (forked workers
    share their parent's) counted once across the processes sharing them."""
    return _proc_kb(pid, "smaps_rollup", "Pss:")


class TreeSampler(threading.Thread):
    """Sample the memory of a process and its descendants until stopped.

    ``peak_kb`` is the peak of the sum of resident sets (RSS; a page a forked
    worker shares with its parent counts once per process: an overestimate,
    and the figure the goals are judged on); ``peak_pss_kb`` the peak of the
    sum of proportional sets (what the tree really occupies).
    """

    def __init__(self, pid: int, interval: float = 0.02) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak_kb, self.peak_pss_kb = pid, interval, 0, 0
        self.stopped = threading.Event()

    def run(self) -> None:
        if not os.path.isdir("/proc"):
            return
        while not self.stopped.is_set():
            tree = [self.pid] + _children_of(self.pid)
            self.peak_kb = max(self.peak_kb, sum(_rss_kb(p) for p in tree))
            self.peak_pss_kb = max(self.peak_pss_kb, sum(_pss_kb(p) for p in tree))
            self.stopped.wait(self.interval)


def run(cmd: list[str], *, cwd: Path | None = None, env: dict | None = None,
        timeout: float | None = None) -> dict:
    """Run *cmd*; return wall seconds, exit code, peak RSS (one process / tree), output tail.

    With *timeout*, a run still going after that many seconds is killed
    (its process group) and reported with ``timed_out``.
    """
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=timeout is not None)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        timer = None
        if timeout is not None:
            timer = threading.Timer(timeout, lambda: os.killpg(proc.pid, 9))
            timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        if timer is not None:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        sampler.stopped.set()
        sampler.join()
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return {"seconds": round(seconds, 3), "rc": proc.returncode,
            "timed_out": timeout is not None and seconds >= timeout,
            "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),  # Linux: KiB
            "peak_tree_mb": round(sampler.peak_kb / 1024, 1) or None,
            "peak_tree_pss_mb": round(sampler.peak_pss_kb / 1024, 1) or None,
            "output": text.strip().splitlines()[-3:]}


def newsloc(root: Path, *args: str) -> dict:
    # The checkout this benchmark lives in, whatever `pip install -e` points at.
    env = dict(os.environ, SOURCE_DATE_EPOCH=os.environ.get("SOURCE_DATE_EPOCH", "1795000000"),
               PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    return run([sys.executable, "-m", "pipeline", "--root", str(root), *args], env=env)


def median_run(runs: list[dict]) -> dict:
    """The run with the median time, carrying every time measured."""
    ordered = sorted(runs, key=lambda r: r["seconds"])
    chosen = dict(ordered[(len(ordered) - 1) // 2])
    chosen["runs_s"] = [r["seconds"] for r in runs]
    return chosen


# ---------------------------------------------------------------- the project

def make_project(root: Path, corpus: Path) -> list[Path]:
    """Symlink every article of *corpus* into ``root/articles`` (flat, unique names)."""
    articles = root / "articles"
    articles.mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[tool.newsloc]\nsource = "en"\nlanguages = ["ar", "ckb", "ku"]\n'
        'allow_outside = true   # articles may be links into the corpus\n', encoding="utf-8")
    made = []
    for src in sorted(corpus.rglob("*.txt")):
        name = src.name
        if (articles / name).exists():
            name = f"{src.parent.name}-{name}"
        os.symlink(src.resolve(), articles / name)
        made.append(articles / name)
    return made


def edit_paragraphs(paths: list[Path], share: float = 0.01) -> tuple[int, int, int]:
    """Append a sentence to every 1/share-th paragraph; return (edited, paragraphs, articles)."""
    every = max(1, round(1 / share))
    seen = edited = 0
    touched = set()
    for path in paths:
        blocks = path.read_text(encoding="utf-8").split("\n\n")
        changed = False
        for k in range(1, len(blocks)):  # block 0 is the headline
            if not blocks[k].strip():
                continue
            seen += 1
            if seen % every == 0:
                blocks[k] = blocks[k].rstrip() + " A correction was added by the desk."
                changed = True
                edited += 1
        if changed:
            text = "\n\n".join(blocks)
            path.unlink()  # the symlink becomes a real file: the corpus is never written
            path.write_text(text, encoding="utf-8")
            touched.add(path)
    return edited, seen, len(touched)


_ARABIC = [c for c in map(chr, range(0x0620, 0x06D4)) if c.isalpha()][:52]
_TO_ARABIC = str.maketrans("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", "".join(_ARABIC))


def stand_in_translation(text: str, lang: str) -> str:
    """A reversible, deterministic 'translation' in the language's script."""
    if lang in ("ar", "ckb"):
        return text.translate(_TO_ARABIC)
    return codecs.encode(text, "rot13")


def fill_catalogues(root: Path) -> int:
    """Review every entry with the stand-in: msgstr filled, fuzzy cleared."""
    count = 0
    for lang in LANGS:
        for po_path in sorted((root / "locales" / lang).glob("*.po")):
            po = load_catalog(po_path)
            for entry in po:
                if entry.obsolete:
                    continue
                entry.msgstr = stand_in_translation(entry.msgid, lang)
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
                entry.previous_msgid = None
                count += 1
            save_catalog(po, po_path)
    return count


# ---------------------------------------------------------------- baselines

def translate_toolkit(root: Path, work: Path, repeat: int = 1) -> dict | None:
    """txt2po then posegment over every article of the project (the template only)."""
    txt2po, posegment = shutil.which("txt2po"), shutil.which("posegment")
    if not (txt2po and posegment):
        return None
    # txt2po does not follow symbolic links in a folder: give it copies (in the temp folder).
    src = work / "src"
    src.mkdir(parents=True)
    articles = sorted((root / "articles").iterdir())
    for path in articles:
        shutil.copyfile(path, src / path.name)
    runs = []
    for _ in range(max(1, repeat)):
        shutil.rmtree(work / "pot", ignore_errors=True)
        shutil.rmtree(work / "seg", ignore_errors=True)
        a = run([txt2po, "-P", "--progress=none", "-i", str(src), "-o", str(work / "pot")])
        b = run([posegment, "-P", "--progress=none", "-i", str(work / "pot"), "-o", str(work / "seg")])
        runs.append({"seconds": round(a["seconds"] + b["seconds"], 3), "txt2po_s": a["seconds"],
                     "posegment_s": b["seconds"], "rc": a["rc"] or b["rc"]})
    chosen = median_run(runs)
    files = len(list((work / "seg").glob("*.pot")))
    return chosen | {"articles": len(articles), "templates": files,
                     "same_articles": files == len(articles)}


def po4a(paths: list[Path], work: Path, sizes: list[int], cap: float,
         newsloc_extract) -> dict | None:
    """po4a on growing, evenly spread subsets, each beside newsloc on the same articles."""
    exe = shutil.which("po4a")
    if not exe or not sizes:
        return None
    measured = []
    for count in sorted(set(min(c, len(paths)) for c in sizes if c > 0)):
        if measured and measured[-1]["seconds"] > cap / 2:
            measured.append({"articles": count, "skipped": f"previous size took over {cap / 2:.0f} s"})
            break
        subset = paths[:: max(1, len(paths) // count)][:count]
        here = work / f"n{count}"
        here.mkdir(parents=True)
        lines = [f"[po4a_langs] {' '.join(LANGS)}",
                 "[po4a_paths] po/$master.pot $lang:po/$master.$lang.po"]
        for path in subset:
            lines.append(f"[type: text] {path} $lang:out/$lang/{path.name} pot={path.stem}")
        (here / "po4a.cfg").write_text("\n".join(lines) + "\n", encoding="utf-8")
        result = run([exe, "--no-translations", "po4a.cfg"], cwd=here, timeout=cap)
        files = len(list((here / "po").glob("*.po*"))) if (here / "po").is_dir() else 0
        ours = newsloc_extract(subset, here / "newsloc")
        row = {"articles": len(subset), "seconds": result["seconds"], "rc": result["rc"],
               "timed_out": result["timed_out"], "files": files,
               "per_article_s": round(result["seconds"] / len(subset), 4),
               "newsloc_same_subset_s": ours["seconds"],
               "newsloc_per_article_s": round(ours["seconds"] / len(subset), 4),
               "ratio_same_subset": round(result["seconds"] / ours["seconds"], 1)}
        measured.append(row)
        print(f"  po4a {len(subset):>4} articles {result['seconds']:8.2f} s "
              f"({row['per_article_s']:.3f} s/article{', TIMED OUT' if result['timed_out'] else ''}); "
              f"newsloc {ours['seconds']:.2f} s", file=sys.stderr)
        if result["timed_out"]:
            break
    done = [m for m in measured if "seconds" in m and not m["timed_out"]]
    return {"sizes": measured, "largest": done[-1] if done else None, "cap_s": cap,
            "note": "every size measured, none extrapolated"}


# ---------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--json", type=Path, default=HERE / "results" / "pipeline.json")
    parser.add_argument("--jobs", type=int, default=None, help="--jobs for newsloc (default: its own)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="cold extract and Translate Toolkit runs (median reported)")
    parser.add_argument("--po4a-sizes", default="60,120,240",
                        help="comma-separated subset sizes for po4a (0: skip po4a)")
    parser.add_argument("--po4a-cap", type=float, default=180.0,
                        help="seconds after which a po4a run is stopped")
    parser.add_argument("--markup", type=int, default=200,
                        help="articles in the generated Markdown/HTML corpus (0: skip it)")
    parser.add_argument("--no-baselines", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the temporary project")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        parser.error(f"{args.corpus}: no such folder")
    load_start = tuple(round(x, 2) for x in os.getloadavg())  # a shared machine makes noisy figures
    work = Path(tempfile.mkdtemp(prefix="newsloc-bench-"))
    root = work / "desk"
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    steps: dict[str, dict] = {}
    notes: list[str] = []
    try:
        paths = make_project(root, args.corpus)
        print(f"{len(paths)} articles from {args.corpus} → {root}", file=sys.stderr)

        def step(name: str, *cmd: str) -> dict:
            result = newsloc(root, *cmd)
            steps[name] = result
            print(f"  {name:<24} {result['seconds']:8.2f} s  rc={result['rc']}  "
                  f"{' | '.join(result['output'][-1:])}", file=sys.stderr)
            return result

        cold_one = root / "cold-one-job"
        runs = []
        for k in range(max(1, args.repeat)):
            if k:
                shutil.rmtree(root / "locales")
                shutil.rmtree(root / ".newsloc", ignore_errors=True)
            runs.append(step("extract cold", "extract", *jobs))
        steps["extract cold"] = median_run(runs)
        shutil.copytree(root / "locales", cold_one)
        shutil.rmtree(root / "locales")
        shutil.rmtree(root / ".newsloc", ignore_errors=True)
        step("extract cold --jobs 1", "extract", "--jobs", "1")
        identical = _same_tree(root / "locales", cold_one)
        shutil.rmtree(cold_one)
        if not identical:
            notes.append("WARNING: --jobs 1 and the default wrote different bytes")
        step("extract no-op", "extract", *jobs)
        edited, paragraphs, touched = edit_paragraphs(paths)
        notes.append(f"edit: {edited} of {paragraphs} paragraphs in {touched} articles")
        step("extract after 1% edit", "extract", *jobs)
        t = time.perf_counter()
        filled = fill_catalogues(root)
        fill_s = round(time.perf_counter() - t, 2)
        notes.append(f"stand-in review: {filled} entries filled in {fill_s} s (not a newsloc step)")
        step("extract after review", "extract", *jobs)
        for name, cmd in (("status", ["status"]), ("status again (no-op)", ["status"]),
                          ("check", ["check", "--errors-only"]),
                          ("check again (no-op)", ["check", "--errors-only"]),
                          ("export (all editions)", ["export"]),
                          ("export again (no-op)", ["export"])):
            if _has_command(name.split()[0]):
                step(name, *cmd)
            else:
                notes.append(f"{name}: command not available in this checkout; skipped")
        editions = sum(1 for _ in (root / "editions").rglob("*.*")) if (root / "editions").is_dir() else 0
        notes.append(f"editions written: {editions} files")
        if args.markup:
            markup_steps(work / "markup", paths, args.markup, args.repeat, jobs, steps, notes)
        baselines: dict[str, dict | None] = {}
        if not args.no_baselines:
            baselines["translate-toolkit"] = translate_toolkit(root, work / "tt", args.repeat)

            def newsloc_extract(subset: list[Path], sub: Path) -> dict:
                (sub / "articles").mkdir(parents=True)
                shutil.copy(root / "pyproject.toml", sub / "pyproject.toml")
                for path in subset:
                    os.symlink(path.resolve(), sub / "articles" / path.name)
                return newsloc(sub, "extract", *jobs)

            sizes = [int(x) for x in args.po4a_sizes.split(",") if x.strip()]
            baselines["po4a"] = po4a(paths, work / "po4a", sizes, args.po4a_cap, newsloc_extract)
        notes.append("load average (1, 5, 15 min) at start %s, at end %s" % (
            load_start, tuple(round(x, 2) for x in os.getloadavg())))
        report = _report(paths, steps, baselines, notes, identical)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept {work}", file=sys.stderr)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(_table(report))
    print(f"\nJSON: {args.json}")
    return 0


def markup_steps(mroot: Path, paths: list[Path], count: int, repeat: int, jobs: list[str],
                 steps: dict[str, dict], notes: list[str]) -> None:
    """Cold extract of a generated Markdown/HTML corpus, recorded in *steps*."""
    from markup_corpus import make_markup_corpus
    made = make_markup_corpus(paths, mroot / "articles", count)
    (mroot / "pyproject.toml").write_text(
        '[tool.newsloc]\nsource = "en"\nlanguages = ["ar", "ckb", "ku"]\n'
        'allow_outside = true   # articles may be links into the corpus\n', encoding="utf-8")
    md = sum(p.suffix == ".md" for p in made)
    notes.append(f"markup corpus: {len(made)} articles ({md} Markdown, {len(made) - md} HTML pages)")
    runs = []
    for k in range(max(1, repeat)):
        if k:
            shutil.rmtree(mroot / "locales", ignore_errors=True)
            shutil.rmtree(mroot / ".newsloc", ignore_errors=True)
        runs.append(newsloc(mroot, "extract", *jobs))
        print(f"  {'markup extract cold':<24} {runs[-1]['seconds']:8.2f} s  rc={runs[-1]['rc']}  "
              f"{' | '.join(runs[-1]['output'][-1:])}", file=sys.stderr)
    steps[f"markup corpus extract cold ({len(made)})"] = median_run(runs)


def _has_command(name: str) -> bool:
    from pipeline.cli import cli
    return name in cli.commands


def _same_tree(a: Path, b: Path) -> bool:
    files_a = {p.relative_to(a): p for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b): p for p in b.rglob("*") if p.is_file()}
    return files_a.keys() == files_b.keys() and all(
        files_a[k].read_bytes() == files_b[k].read_bytes() for k in files_a)


def _report(paths, steps, baselines, notes, identical) -> dict:
    n = len(paths)
    cold = steps["extract cold"]["seconds"]
    peak = max((s["peak_tree_mb"] or s["peak_rss_mb"]) for s in steps.values())
    peak_one = max(s["peak_rss_mb"] for s in steps.values())
    ratios, goals = {}, {}
    tt = baselines.get("translate-toolkit")
    if tt:
        ratios["TT txt2po+posegment (POT only) / newsloc cold (POT + 3 PO)"] = round(tt["seconds"] / cold, 2)
        goals["cold extract no slower than TT txt2po+posegment"] = tt["seconds"] / cold >= GOALS["tt_ratio"]
    p4 = (baselines.get("po4a") or {}).get("largest")
    if p4:
        ours = cold / n
        big = p4["articles"]
        ratios[f"po4a per article ({big} articles) / newsloc per article (whole corpus)"] = \
            round(p4["per_article_s"] / ours, 1)
        ratios[f"po4a / newsloc on the same {big} articles"] = p4["ratio_same_subset"]
        goals[f">= 50x faster than po4a per article (po4a measured on {big})"] = \
            p4["per_article_s"] / ours >= GOALS["po4a_per_article_ratio"]
    goals["no-op extract < 1 s"] = steps["extract no-op"]["seconds"] < GOALS["noop_extract_s"]
    if "export (all editions)" in steps:
        goals["export of all editions < 30 s"] = steps["export (all editions)"]["seconds"] < GOALS["export_all_s"]
    goals["peak memory < 200 MB (whole process tree)"] = peak < GOALS["peak_rss_mb"]
    goals["--jobs 1 and default write identical bytes"] = identical
    return {
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count()},
        "articles": n, "languages": list(LANGS), "formats": list(FORMATS),
        "steps": {k: {kk: vv for kk, vv in v.items() if kk != "output"} | {"summary": v["output"][-1:]}
                  for k, v in steps.items()},
        "baselines": baselines, "ratios": ratios,
        "peak_rss_mb": {"largest_process": peak_one, "process_tree": peak},
        "goals": goals, "notes": notes,
    }


def _table(report: dict) -> str:
    rows = [f"newsloc pipeline benchmark: {report['articles']} articles × {len(report['languages'])} "
            f"languages ({report['machine']['cpus']} CPUs, Python {report['machine']['python']})",
            "", f"{'step':<30} {'seconds':>9} {'peak MB (1 proc)':>17} {'peak MB (tree)':>15}  rc",
            "-" * 80]
    for name, s in report["steps"].items():
        runs = f"  (runs: {', '.join(f'{r:.2f}' for r in s['runs_s'])}; median)" if len(s.get("runs_s", [])) > 1 else ""
        rows.append(f"{name:<30} {s['seconds']:>9.2f} {s['peak_rss_mb']:>17.1f} "
                    f"{(s['peak_tree_mb'] or 0):>15.1f}  {s['rc']}{runs}")
    tt, p4 = report["baselines"].get("translate-toolkit"), report["baselines"].get("po4a")
    if tt or p4:
        rows += ["", "baselines (same articles, same run)"]
    if tt:
        runs = ", ".join(f"{r:.2f}" for r in tt.get("runs_s", []))
        rows.append(f"{'TT txt2po + posegment (POT)':<30} {tt['seconds']:>9.2f}   "
                    f"(txt2po {tt['txt2po_s']:.2f} + posegment {tt['posegment_s']:.2f}; "
                    f"{tt['templates']} templates for {tt['articles']} articles; runs: {runs})")
    if p4:
        for m in p4["sizes"]:
            if "skipped" in m:
                rows.append(f"{'po4a, ' + str(m['articles']) + ' articles':<30} {'-':>9}   ({m['skipped']})")
                continue
            rows.append(f"{'po4a, ' + str(m['articles']) + ' articles':<30} {m['seconds']:>9.2f}   "
                        f"({m['per_article_s']:.3f} s/article{'; STOPPED at the cap' if m['timed_out'] else ''}; "
                        f"newsloc on the same articles {m['newsloc_same_subset_s']:.2f} s: "
                        f"{m['ratio_same_subset']}x)")
        rows.append(f"{'':<30} (po4a: {p4['note']})")
    if report["ratios"]:
        rows += ["", "ratios (how many times faster newsloc is)"]
        rows += [f"  {k}: {v}x" for k, v in report["ratios"].items()]
    rows += ["", "goals"] + [f"  [{'ok' if v else 'MISSED'}] {k}" for k, v in report["goals"].items()]
    rows += ["", "notes"] + [f"  {n}" for n in report["notes"]]
    return "\n".join(rows)


if __name__ == "__main__":
    sys.exit(main())

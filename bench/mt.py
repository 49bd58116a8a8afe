"""Benchmark: `newsloc translate` against deep-translator's own translate_batch loop.

Both talk to the same loopback LibreTranslate server (tests/mtserver.py)
answering every request after a fixed latency (default 100 ms, like a
nearby self-hosted server). 50 BBC articles (read in place from
../shared/corpus/bbc/) are extracted into a temporary project and
translated into ar, ckb and ku.

* baseline: deep-translator's ``LibreTranslator.translate_batch`` over the
  same segments, one language after the other, as a script would do it.
  Its cost is linear (one request per segment, sequential), so by default
  it runs on a sample of segments per language and is extrapolated to all
  of them; ``--full-baseline`` runs it on everything (minutes);
* newsloc: ``translate_project`` with the libre engine's defaults, cold cache;
* rerun: the same command again (expect zero requests);
* edit: one sentence of one article changed, extract, translate with
  ``--retranslate`` (expect one request per language: the cache answers the rest);
* llm: the same articles, freshly extracted, through the article-level
  ``llm`` engine against the loopback chat-completions server
  (tests/chatserver.py) answering after ``--llm-latency`` (default 1 s, a
  model writing a whole article): expect one request per article and
  language, and compare requests and wall time with the per-sentence run.

Usage::

    python bench/mt.py [--articles 50] [--latency 0.1] [--llm-latency 1.0] [--sample 40] [--full-baseline]

Results are printed and written to bench/results/mt.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from pipeline.catalog import load_catalog  # noqa: E402
from pipeline.config import load_project  # noqa: E402
from pipeline.translate.engines import EngineOptions  # noqa: E402
from pipeline.translate.engines.deep import baseline_client  # noqa: E402
from pipeline.extract import extract_article  # noqa: E402
from pipeline.translate.run import translate_project  # noqa: E402
from tests.chatserver import ChatServer, entries_of  # noqa: E402
from tests.mtserver import MTServer  # noqa: E402

BBC = REPO.parent / "shared" / "corpus" / "bbc"
LANGS = ["ar", "ckb", "ku"]


def make_project(root: Path, count: int) -> list[Path]:
    (root / "articles").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[tool.newsloc]\nsource = "en"\nlanguages = ["ar", "ckb", "ku"]\n', encoding="utf-8")
    files = sorted((BBC / "business").glob("*.txt")) + sorted((BBC / "politics").glob("*.txt"))
    for src in files[:count]:
        shutil.copy(src, root / "articles" / src.name)  # a temporary copy, outside the repo
    project = load_project(root)
    for path in project.article_paths():
        extract_article(project, path, LANGS)
    return project.article_paths()


def segments(project, lang: str) -> list[str]:
    out = []
    for path in project.article_paths():
        po = load_catalog(project.catalog_path(path.stem, lang))
        out.extend(e.msgid for e in po if e.msgid and not e.obsolete)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--sample", type=int, default=40, help="baseline segments per language")
    parser.add_argument("--full-baseline", action="store_true")
    parser.add_argument("--concurrency", type=int, default=None,
                        help="newsloc workers (default: the libre engine's default)")
    parser.add_argument("--llm-latency", type=float, default=1.0,
                        help="seconds the chat server takes per request (llm engine)")
    parser.add_argument("--llm-concurrency", type=int, default=None,
                        help="llm requests in flight (default: the llm engine's default)")
    args = parser.parse_args()
    if not BBC.is_dir():
        print(f"corpus not found: {BBC}", file=sys.stderr)
        return 2
    server = MTServer(latency=args.latency).start()
    tmp = Path(tempfile.mkdtemp(prefix="newsloc-bench-mt-"))
    try:
        paths = make_project(tmp / "desk", args.articles)
        project = load_project(tmp / "desk")
        per_lang = {lang: segments(project, lang) for lang in LANGS}
        total = sum(len(v) for v in per_lang.values())

        # Baseline: deep-translator's translate_batch, sequential, one language at a time.
        measured, timed = 0, 0.0
        for lang in LANGS:
            texts = per_lang[lang] if args.full_baseline else per_lang[lang][:args.sample]
            client = baseline_client("libre", "en", "ar", EngineOptions(url=server.url, api_key="K"))
            client.target = lang  # its built-in list lacks ckb and ku; the server has them
            started = time.perf_counter()
            client.translate_batch(texts)
            timed += time.perf_counter() - started
            measured += len(texts)
        baseline = timed / measured * total
        server.reset()

        started = time.perf_counter()
        cold = translate_project(project, paths, LANGS, engine="libre",
                                 options=EngineOptions(url=server.url, api_key="K",
                                                      concurrency=args.concurrency))
        ours = time.perf_counter() - started
        assert cold.ok, cold.failures[:3]
        cold_requests = len(server.translations())
        server.reset()

        rerun = translate_project(project, paths, LANGS, engine="libre",
                                  options=EngineOptions(url=server.url, api_key="K"))
        rerun_requests = len(server.translations())
        server.reset()

        article = paths[0]
        text = article.read_text(encoding="utf-8")
        lines = text.split("\n")
        index = next(i for i, line in enumerate(lines) if i > 0 and " the " in line)
        lines[index] = lines[index].replace(" the ", " the latest ", 1)  # one sentence changes
        article.write_text("\n".join(lines), encoding="utf-8")
        extract_article(project, article, LANGS)
        # The edited entry is now fuzzy with its old translation (msgmerge --previous);
        # --retranslate asks for fresh MT of every fuzzy entry: the cache answers all but one.
        edited = translate_project(project, paths, LANGS, engine="libre", retranslate=True,
                                   options=EngineOptions(url=server.url, api_key="K"))
        edit_sent = [r["q"] for r in server.translations()]

        # The article-level llm engine on a fresh copy of the same articles, same run.
        chat = ChatServer(latency=args.llm_latency).start()
        try:
            llm_paths = make_project(tmp / "llm-desk", args.articles)
            llm_project = load_project(tmp / "llm-desk")
            llm_options = EngineOptions(url=chat.url, model="bench", timeout=120,
                                        concurrency=args.llm_concurrency)
            started = time.perf_counter()
            llm = translate_project(llm_project, llm_paths, LANGS, engine="llm",
                                    options=llm_options)
            llm_s = time.perf_counter() - started
            assert llm.ok, llm.failures[:3]
            llm_requests = len(chat.requests())
            llm_entries = sum(len(entries_of(body)) for body in chat.requests())
            chat.reset()
            translate_project(llm_project, llm_paths, LANGS, engine="llm",
                              options=llm_options)
            llm_rerun_requests = len(chat.requests())
        finally:
            chat.stop()
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    result = {
        "articles": args.articles, "latency_s": args.latency, "segments": total,
        "distinct": cold.unique,
        "baseline_s": round(baseline, 1),
        "baseline_measured_segments": measured, "baseline_extrapolated": not args.full_baseline,
        "newsloc_s": round(ours, 2), "newsloc_requests": cold_requests,
        "speedup": round(baseline / ours, 1),
        "rerun_requests": rerun_requests, "rerun_s": round(rerun.elapsed, 2),
        "edit_requests": len(edit_sent), "edit_sent": edit_sent,
        "llm_latency_s": args.llm_latency, "llm_s": round(llm_s, 2),
        "llm_requests": llm_requests, "llm_entries_sent": llm_entries,
        "llm_tokens_in": llm.tokens_in, "llm_tokens_out": llm.tokens_out,
        "llm_rerun_requests": llm_rerun_requests,
    }
    how = ("extrapolated from " + f"{measured} segments" if not args.full_baseline else "measured")
    print(f"{args.articles} articles x {len(LANGS)} languages = {total} segments "
          f"({cold.unique} distinct), server latency {args.latency * 1000:.0f} ms")
    print(f"deep-translator translate_batch loop: {baseline:8.1f} s  ({how})")
    print(f"newsloc translate (cold cache):       {ours:8.1f} s  {cold_requests} requests  "
          f"-> {baseline / ours:.1f}x faster")
    print(f"newsloc translate again:              {rerun.elapsed:8.2f} s  {rerun_requests} requests")
    print(f"one sentence edited:                  {edited.elapsed:8.2f} s  {len(edit_sent)} requests: "
          f"{edit_sent[:1]}")
    print(f"llm engine, {args.llm_latency:g} s per request:      {llm_s:8.1f} s  {llm_requests} requests "
          f"for {llm_entries} entries ({len(llm_paths)} articles x {len(LANGS)} languages), "
          f"{llm.tokens_in:,} tokens in, {llm.tokens_out:,} out; again: {llm_rerun_requests} requests")
    print(f"per-sentence engine at {args.latency * 1000:.0f} ms vs llm at {args.llm_latency:g} s: "
          f"{cold_requests} vs {llm_requests} requests, {ours:.1f} s vs {llm_s:.1f} s")
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "mt.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n",
                                 encoding="utf-8")
    ok = (baseline / ours >= 10 and rerun_requests == 0 and len(edit_sent) == len(LANGS)
          and llm_requests == len(llm_paths) * len(LANGS) and llm_rerun_requests == 0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

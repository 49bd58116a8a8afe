"""Benchmark: does the memory's fuzzy candidate selection find what a full scan finds, on an archive?

``bench/tm.py`` checks this on the BBC corpus (897 articles); this script
checks it on an existing archive-sized desk (``bench/state.py --desk``'s,
e.g. 20,000 articles and 58,000 distinct sentences per language), where the
rare-word rule selects from far longer postings.

Queries are memory sentences edited 1 to 4 times (a word replaced, dropped
or inserted; deterministic), left out when the edit gives a sentence the
memory already has. For each, the best fuzzy match the memory returns
(``Memory.lookup_many``: the real selection, SQL included) is compared with
``rapidfuzz.process.extractOne`` over every sentence of the language. Equal
means the same score (ties may pick another sentence of that score).

With ``--caps 250,500,1000`` the rare-word cap
(:data:`pipeline.state.tm.RARE_WORD_CAP`) is set to each value in turn, so
the choice of the cap can be measured, not guessed; the postings each
setting reads are counted from the word frequencies.

Run:  python3 bench/tm_recall.py --desk DIR [--lang ar] [--per-level 150] [--caps N,...]
      (NEWSLOC_MEMORY_URL=postgresql://... for the shared memory)
Prints a table; writes bench/results/tm_recall.json (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pipeline.state.tm as tm  # noqa: E402
from pipeline.config import load_project  # noqa: E402
from pipeline.translate.memory import DEFAULT_THRESHOLD, Memory, load_memory  # noqa: E402

FILLERS = ["reportedly", "2019", "firms", "ministers", "the", "officials", "said", "new"]


def edited(sentence: str, edits: int, rng: random.Random) -> str:
    words = sentence.split()
    for _ in range(edits):
        if len(words) <= 4:
            break
        at, op = rng.randrange(1, len(words)), rng.random()
        if op < 0.5:
            words[at] = rng.choice(FILLERS)
        elif op < 0.75:
            del words[at]
        else:
            words.insert(at, rng.choice(FILLERS))
    return " ".join(words)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--desk", type=Path, required=True)
    parser.add_argument("--lang", default="ar")
    parser.add_argument("--per-level", type=int, default=150, help="queries per number of edits (1-4)")
    parser.add_argument("--caps", default="", help="comma-separated rare-word caps to try (default: the code's)")
    parser.add_argument("--json", type=Path, default=Path(__file__).resolve().parent / "results" / "tm_recall.json")
    args = parser.parse_args()
    project = load_project(args.desk)
    started = time.perf_counter()
    memory = load_memory(project)
    print(f"memory loaded in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    sentences = sorted({u.source for u in memory.units_for(args.lang)})
    known = set(sentences)
    rng = random.Random(14)
    queries = []
    for edits in (1, 2, 3, 4):
        for sentence in rng.sample(sentences, min(args.per_level, len(sentences))):
            query = edited(sentence, edits, rng)
            if query not in known:
                queries.append(query)
    full = {}
    for query in queries:
        found = process.extractOne(query, sentences, scorer=fuzz.ratio, score_cutoff=DEFAULT_THRESHOLD)
        full[query] = None if found is None else round(min(float(found[1]), 99.99), 4)
    caps = [int(c) for c in args.caps.split(",") if c.strip()] or [tm.RARE_WORD_CAP]
    rows = []
    for cap in caps:
        tm.RARE_WORD_CAP = cap
        fresh = Memory(tables=memory.tables, desk=memory.desk)  # no answers cached from another cap
        started = time.perf_counter()
        answers = fresh.lookup_many(queries, args.lang, threshold=DEFAULT_THRESHOLD)
        seconds = time.perf_counter() - started
        equal = sum(1 for q in queries if (None if answers[q] is None else round(answers[q].score, 4)) == full[q])
        rows.append({"cap": cap, "queries": len(queries), "found_by_full_scan": sum(v is not None for v in full.values()),
                     "equal": equal, "differ": len(queries) - equal, "lookup_s": round(seconds, 3)})
        print(f"cap {cap}: {equal}/{len(queries)} equal to the full scan "
              f"({rows[-1]['found_by_full_scan']} with a match), lookups {seconds:.2f} s", file=sys.stderr)
    out = {"desk": str(args.desk), "lang": args.lang, "sentences": len(sentences), "runs": rows}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out, indent=2))
    return 0 if all(r["differ"] == 0 for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())

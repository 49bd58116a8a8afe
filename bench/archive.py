"""A synthetic news archive of any size, built from the BBC corpus (deterministic).

Article *i* of an archive takes a headline and 3 to 9 paragraphs drawn
from the corpus with a random generator seeded by *i*; in a third of the
paragraphs the numbers are replaced (another day's figures), as desks
rewrite wire copy, so the archive has the exact and near repeats a
translation memory lives on. The same size always gives the same bytes.

Generated into a folder you name (a temporary one in ``bench/state.py``):
the articles are never copied into the repository.

Run:  python3 bench/archive.py DEST --articles 2000 [--corpus PATH]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "bbc"
SEED = 20261125
_NUMBER = re.compile(r"\d+")


def corpus_parts(corpus: Path) -> tuple[list[str], list[str]]:
    """Headlines and paragraphs of every corpus article, in a fixed order."""
    headlines: list[str] = []
    paragraphs: list[str] = []
    for path in sorted(corpus.rglob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
        blocks = [" ".join(b.split()) for b in text.split("\n\n") if b.strip()]
        if len(blocks) < 2:
            continue
        # Headlines that read as one on their own (no "Label: ..." a reader takes for a section).
        if ":" not in blocks[0] and 3 <= len(blocks[0].split()) <= 14:
            headlines.append(blocks[0])
        paragraphs.extend(blocks[1:])
    return headlines, paragraphs


def article_text(index: int, headlines: list[str], paragraphs: list[str]) -> str:
    """The text of article *index* (same index, same text)."""
    rng = random.Random(SEED * 1_000_003 + index)
    body = []
    for _ in range(rng.randint(3, 9)):
        para = rng.choice(paragraphs)
        if rng.random() < 1 / 3:
            para = _NUMBER.sub(lambda m: str(rng.randint(2, 999)), para)
        body.append(para)
    # A short headline over a paragraph that does not end like a sentence reads
    # as a section label over a headline (the plain-text reader's rule, which
    # takes ".'" for no sentence end): lead with one that does, or end it.
    ends = tuple('.?!:;,"\u201d\u2019)\u2026')
    first = next((k for k, p in enumerate(body) if p.endswith(ends)), None)
    if first is None:
        body[0] += "."
    elif first:
        body.insert(0, body.pop(first))
    return "\n\n".join([rng.choice(headlines), *body]) + "\n"


def generate(dest: Path, count: int, corpus: Path = CORPUS, *, start: int = 0) -> list[Path]:
    """Write articles ``start .. start+count-1`` into ``dest/articles``; return their paths."""
    headlines, paragraphs = corpus_parts(corpus)
    if not paragraphs:
        raise SystemExit(f"no articles in {corpus}")
    folder = dest / "articles"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(start, start + count):
        path = folder / f"a{index:06d}.txt"
        path.write_text(article_text(index, headlines, paragraphs), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 1
    generate(args.dest, args.articles, args.corpus)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

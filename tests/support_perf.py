"""Helpers for the incremental and parallel extraction tests: projects, trees, edits."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .paths import BBC, REPO, allow_links_outside

#: Paragraph material with what makes segmentation and merging interesting:
#: titles, abbreviations, quotes, numbers, repeated sentences.
_SENTENCES = [
    "Maj. Gen. Tahseen al-Khafaji told reporters the operation had ended.",
    "The U.S. Treasury said on Monday that talks would continue.",
    "At 5 a.m. Mr. Smith left the building, officials said.",
    "Prices rose 2.5% in March, e.g. fuel and food, the ministry said.",
    "\"We will not stop,\" said Dr. Amina Rashid of the No. 3 hospital.",
    "Shares in Barclays plc. fell sharply; analysts were surprised.",
    "The vote is due on 12 May.",
    "It was the third such attack this year.",
    "Sen. Jones (R., Ohio) said the bill would pass.",
    "Thousands fled the fighting in Mosul and Tal Afar.",
]


def synthetic_article(k: int) -> tuple[str, str]:
    """Return the file name and text of the *k*-th synthetic article (deterministic)."""
    paragraphs = []
    for p in range(3 + k % 3):
        picked = [_SENTENCES[(k * 7 + p * 3 + j) % len(_SENTENCES)] for j in range(1 + (k + p) % 4)]
        paragraphs.append(" ".join(picked) + f" Item {k}-{p} closes.")
    if k % 4 == 3:
        name = f"story-{k:02d}.md"
        text = (f"---\ntitle: Desk story number {k}\nsection: [News, World]\n"
                f"byline: By Desk Reporter {k}\ndate: 2024-03-{k % 27 + 1:02d}\n---\n\n"
                + "\n\n".join(paragraphs) + "\n")
    else:
        name = f"story-{k:02d}.txt"
        text = f"Desk story number {k}\n\n" + "\n\n".join(paragraphs) + "\n"
    return name, text


def make_project(root: Path, *, synthetic: int = 0, bbc: int = 0) -> Path:
    """Create a project at *root* with synthetic articles and/or BBC articles (symlinked)."""
    (root / "articles").mkdir(parents=True)
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    allow_links_outside(root)  # the BBC articles are links into ../shared
    for k in range(synthetic):
        name, text = synthetic_article(k)
        (root / "articles" / name).write_text(text, encoding="utf-8")
    if bbc:
        for path in bbc_sample(bbc):
            os.symlink(path, root / "articles" / path.name)
    return root


def bbc_sample(n: int) -> list[Path]:
    """Every k-th article of the BBC corpus (both sections), *n* in all, deterministic."""
    files = sorted(BBC.glob("*/*.txt"))
    step = max(1, len(files) // n)
    return files[::step][:n]


def copy_project(src: Path, dst: Path) -> Path:
    """Copy a project (articles as real files, catalogues, state) to *dst*."""
    shutil.copytree(src, dst, symlinks=False)
    return dst


def tree(root: Path, sub: str = "locales") -> dict[str, bytes]:
    """Map relative path → bytes for every file under ``root/sub``."""
    base = root / sub
    return {p.relative_to(base).as_posix(): p.read_bytes()
            for p in sorted(base.rglob("*")) if p.is_file()}


def mtimes(root: Path, sub: str = "locales") -> dict[str, int]:
    base = root / sub
    return {p.relative_to(base).as_posix(): p.stat().st_mtime_ns
            for p in sorted(base.rglob("*")) if p.is_file()}


def edit_article(path: Path, old: str | None = None, new: str = "") -> None:
    """Replace the file behind *path* (a symlink becomes a real, edited copy)."""
    text = path.read_text(encoding="utf-8")
    if path.is_symlink():
        path.unlink()
    if old is None:  # change the last sentence of the first long paragraph
        paragraphs = text.split("\n\n")
        k = next(i for i, p in enumerate(paragraphs) if i > 0 and len(p) > 80)
        paragraphs[k] = paragraphs[k].rstrip() + " An editor added this sentence."
        text = "\n\n".join(paragraphs)
    else:
        assert old in text
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")

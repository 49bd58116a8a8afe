"""newsloc's outputs, byte for byte, against a committed manifest of digests.

What a newsroom runs on a fresh checkout (``extract``, ``translate --engine
fake``, a translator accepting the suggestions of every other article,
``export --min-reviewed 0 --machine``, ``check --json``, ``status --json``)
on two projects: the seed article with the committed catalogues (reviewed
translations and all), and a deterministic 24-article BBC sample from
nothing. Every file the commands leave in the project (catalogues, editions,
proof pages, index pages; not the ``.newsloc`` state, whose layout is an
implementation detail) and every command's exit code and output (the project
path replaced by ``<root>``, durations by ``<seconds>``) is digested and
compared with ``tests/golden/outputs/<project>.json``.

A change that means to change outputs rewrites the manifest with
``pytest --update-golden tests/test_outputs.py`` and the diff of the manifest
shows which files moved. To prove that a refactoring changes nothing, run the
same manifest against the code of another checkout (the commands run in child
processes, so the code is whatever ``NEWSLOC_CODE`` points at; the inputs
always come from this checkout)::

    git worktree add /tmp/before a55a6f0
    NEWSLOC_CODE=/tmp/before python3 -m pytest -q tests/test_outputs.py

or compare two checkouts directly on the whole BBC corpus (no manifest)::

    python3 -m tests.test_outputs /tmp/before .
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .paths import REPO, SEED, SEED_SLUG
from .support_perf import bbc_sample

pytestmark = pytest.mark.slow

CODE = Path(os.environ.get("NEWSLOC_CODE") or REPO).resolve()
BBC_SAMPLE = 24

#: The project settings, fixed here so that a change to the repository's own
#: pyproject.toml does not move the outputs.
SETTINGS = """\
[tool.newsloc]
source = "en"
languages = ["ar", "ckb", "ku"]
articles = "articles"
locales = "locales"
editions = "editions"

[tool.newsloc.export]
locale = { ar = "ar_IQ" }
"""



_ARABIC = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
_LETTER_OR_ESCAPE = re.compile(r"\\.|[A-Za-z]")


def _arabic_letters(quoted: str) -> str:
    """Latin letters of a PO string line in Arabic letters (escapes such as \\n kept)."""
    return _LETTER_OR_ESCAPE.sub(lambda m: m.group(0) if len(m.group(0)) > 1 else
                                 _ARABIC[ord(m.group(0).lower()) - 97], quoted)


def review_every_other_article(root: Path) -> None:
    """A translator reviews every suggestion of every other article: its entries lose ``fuzzy``,
    and in ar and ckb the accepted suggestions' Latin letters become Arabic ones (the fake engine only
    upper-cases; a reviewed translation in Latin letters is a check error that blocks export)."""
    for k, slug in enumerate(sorted(p.stem for p in (root / "articles").iterdir())):
        for po in sorted((root / "locales").glob(f"*/{slug}.po")) if k % 2 == 0 else ():
            arabic = po.parent.name in ("ar", "ckb")
            lines, accepted, in_msgstr = [], False, False
            for line in po.read_text(encoding="utf-8").split("\n"):
                if not line:
                    accepted = False
                if line.startswith("#, "):
                    flags = [f for f in line[3:].split(", ") if f != "fuzzy"]
                    accepted = "fuzzy" in line[3:].split(", ")
                    if not flags:
                        continue
                    line = "#, " + ", ".join(flags)
                in_msgstr = line.startswith("msgstr") or (in_msgstr and line.startswith('"'))
                if arabic and accepted and in_msgstr:
                    quote = line.index('"')
                    line = line[:quote] + _arabic_letters(line[quote:])
                lines.append(line)
            po.write_text("\n".join(lines), encoding="utf-8")


STEPS = (
    ("extract",),
    ("translate", "--engine", "fake"),
    review_every_other_article,
    # review_every_other_article writes Arabic letters in ar/ckb, so the accepted
    # entries pass the checks and export publishes them without --allow-check-errors
    # (a flag older checkouts lack: python3 -m tests.test_outputs compares with them).
    ("export", "--min-reviewed", "0", "--machine"),
    ("check", "--json"),
    ("status", "--json"),
)


def _seed(root: Path, _articles: int = 0) -> None:
    (root / "articles").mkdir(parents=True)
    shutil.copy(SEED, root / "articles" / SEED.name)
    for path in sorted((REPO / "locales").rglob(f"{SEED_SLUG}.po*")):
        target = root / path.relative_to(REPO)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)


def _bbc(root: Path, articles: int = BBC_SAMPLE) -> None:
    (root / "articles").mkdir(parents=True)
    for path in bbc_sample(articles):
        shutil.copy(path, root / "articles" / f"{path.parent.name}-{path.name}")


def _run(root: Path, args: tuple[str, ...], code: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSLOC_")}
    env.update(PYTHONPATH=str(code), SOURCE_DATE_EPOCH="1795000000", TZ="UTC", LC_ALL="C.UTF-8",
               COLUMNS="120")
    proc = subprocess.run([sys.executable, "-m", "pipeline", "--root", str(root), *args],
                          capture_output=True, env=env, cwd=root, timeout=300)
    text = (proc.stdout + b"\0" + proc.stderr).replace(os.fsencode(root), b"<root>")
    text = re.sub(rb"\b\d+\.\d+s\b", b"<seconds>", text)  # "written in 0.6s"
    return {"args": " ".join(args), "exit": proc.returncode,
            "output": hashlib.sha256(text).hexdigest()}


def digest_run(root: Path, code: Path = CODE) -> dict:
    """Run the commands (the newsloc of checkout *code*) in *root*; digest outputs and files left."""
    commands = [step(root) if callable(step) else _run(root, step, code) for step in STEPS]
    files = {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted(root.rglob("*"))
             if p.is_file() and ".newsloc" not in p.relative_to(root).parts}
    return {"commands": [c for c in commands if c], "files": files}


def new_project(root: Path, make, articles: int = BBC_SAMPLE) -> Path:
    root.mkdir()
    (root / "pyproject.toml").write_text(SETTINGS, encoding="utf-8")
    make(root, articles)
    return root


@pytest.mark.parametrize("name,make", [("seed", _seed),
                                       pytest.param("bbc", _bbc, marks=pytest.mark.shared)])
def test_outputs_equal_the_manifest(tmp_path, golden, name, make):
    produced = digest_run(new_project(tmp_path / name, make))
    assert produced["files"], "the commands left no files"
    golden.check_text(f"outputs/{name}.json", json.dumps(produced, indent=1, sort_keys=True) + "\n")


def main(argv: list[str] | None = None) -> int:
    """Compare the outputs of two checkouts' code directly, on the seed and the whole BBC corpus."""
    import argparse
    import tempfile
    parser = argparse.ArgumentParser(prog="python3 -m tests.test_outputs", description=main.__doc__)
    parser.add_argument("before", type=Path,
                        help="checkout whose code runs first (e.g. a worktree of a55a6f0)")
    parser.add_argument("after", type=Path, help="checkout to compare with it")
    parser.add_argument("--articles", type=int, default=0, help="BBC articles (default: every one)")
    args = parser.parse_args(argv)
    articles = args.articles or len(bbc_sample(10**6))
    differ = False
    for name, make in (("seed", _seed), ("bbc", _bbc)):
        runs = []
        for code in (args.before, args.after):
            with tempfile.TemporaryDirectory(prefix="newsloc-outputs-") as tmp:
                runs.append(digest_run(new_project(Path(tmp) / name, make, articles), code.resolve()))
        before, after = runs
        files = sorted(k for k in before["files"].keys() | after["files"].keys()
                       if before["files"].get(k) != after["files"].get(k))
        commands = [b["args"] for a, b in zip(before["commands"], after["commands"]) if a != b]
        differ = differ or bool(files or commands)
        print(f"{name}: {len(after['files'])} files, {len(files)} differ"
              + "".join(f"\n  {f}" for f in files[:20])
              + f"; commands whose exit code or output differ: {', '.join(commands) or 'none'}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())

"""Helpers for the machine-translation tests: half-reviewed catalogues, translate settings.

The loopback server is the ``mt`` fixture of conftest.py.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.catalog import count_entries, is_reviewed, load_catalog, save_catalog
from pipeline.config import load_project

SEED_SLUG = "coalition-helps-iraq-sustain-anti-isis-fight"
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def catalogs(root: Path) -> dict[str, Path]:
    return {lang: root / "locales" / lang / f"{SEED_SLUG}.po" for lang in ("ar", "ckb", "ku")}


def blank_half(root: Path) -> dict[str, dict[str, str]]:
    """Untranslate every other entry of the seed catalogues; return the reviewed ones as text."""
    reviewed: dict[str, dict[str, str]] = {}
    for lang, path in catalogs(root).items():
        po = load_catalog(path)
        for i, entry in enumerate(e for e in po if not e.obsolete):
            if i % 2 == 0:
                entry.msgstr = ""
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
        save_catalog(po, path)
        reviewed[lang] = {e.msgid: str(e) for e in load_catalog(path) if is_reviewed(e)}
    return reviewed


def blank_half_then_fault(root: Path, server, mode: str) -> tuple[dict[str, dict[str, str]], int]:
    """blank_half, then *server* answers in fault *mode*: (the reviewed entries, untranslated count)."""
    reviewed = blank_half(root)
    server.mode = mode
    return reviewed, untranslated(root)


def reviewed_now(root: Path) -> dict[str, dict[str, str]]:
    return {lang: {e.msgid: str(e) for e in load_catalog(path) if is_reviewed(e)}
            for lang, path in catalogs(root).items()}


def untranslated(root: Path) -> int:
    return sum(count_entries(load_catalog(p)).untranslated for p in catalogs(root).values())


def set_translate_config(root: Path, text: str) -> None:
    """Append a [tool.newsloc.translate] table to the project's pyproject.toml."""
    with open(root / "pyproject.toml", "a", encoding="utf-8") as fh:
        fh.write("\n[tool.newsloc.translate]\n" + text + "\n")


def project_of(root: Path):
    return load_project(root)

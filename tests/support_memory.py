"""Helpers for the translation-memory tests: small projects with reviewed catalogues."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from pipeline.catalog import load_catalog, save_catalog
from pipeline.config import load_project
from pipeline.extract import extract_article

PYPROJECT = """\
[tool.newsloc]
source = "en"
languages = ["ar", "ckb", "ku"]
"""


def stand_in(lang: str, source: str) -> str:
    """A deterministic 'translation' that is easy to recognise in assertions."""
    return f"[{lang}] {source[::-1]}"


def make_project(root: Path, articles: dict[str, str], *, extra_toml: str = "") -> Path:
    """Create a project with *articles* (file name -> text) and extract them."""
    (root / "articles").mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT + extra_toml, encoding="utf-8")
    for name, text in articles.items():
        (root / "articles" / name).write_text(text, encoding="utf-8")
    project = load_project(root)
    for path in project.article_paths():
        extract_article(project, path)
    return root


def one_article(root: Path, name: str, text: str, langs: tuple[str, ...] = ("ar",)):
    """A project with no settings (the defaults) and one article, extracted for *langs*.

    Returns the project and the article's path.
    """
    (root / "articles").mkdir(parents=True)
    path = root / "articles" / name
    path.write_text(text, encoding="utf-8")
    project = load_project(root)
    extract_article(project, path, list(langs))
    return project, path


def review(root: Path, slug: str, lang: str,
           translate: Callable[[str], str | None] | None = None) -> Path:
    """Give every entry of a catalogue a reviewed (non-fuzzy) translation."""
    project = load_project(root)
    path = project.catalog_path(slug, lang)
    po = load_catalog(path)
    for entry in po:
        if entry.obsolete:
            continue
        text = translate(entry.msgid) if translate else stand_in(lang, entry.msgid)
        if text is None:
            continue
        entry.msgstr = text
        entry.flags = [f for f in entry.flags if f != "fuzzy"]
    save_catalog(po, path)
    return path


def entries(root: Path, slug: str, lang: str) -> dict[str, object]:
    """Map msgid -> entry of a catalogue."""
    project = load_project(root)
    return {e.msgid: e for e in load_catalog(project.catalog_path(slug, lang)) if not e.obsolete}


def article(headline: str, *paragraphs: str) -> str:
    return headline + "\n\n" + "\n\n".join(paragraphs) + "\n"


#: Two articles sharing one sentence and a near-copy of another.
SHARED = "Heavy rain flooded dozens of homes in the port city on Monday, officials said."
NEAR_OLD = "Rescue teams evacuated more than 200 families from low-lying districts."
NEAR_NEW = "Rescue teams evacuated more than 300 families from low-lying districts."
NEW = "Schools will reopen next week, the education ministry announced."
STORM = article("Storm hits the northern coast", SHARED, NEAR_OLD,
                "The weather service expects the storm to weaken by Wednesday.")
FLOOD = article("Flood waters recede in the north", SHARED, NEAR_NEW, NEW)


def storm_and_flood(root: Path) -> Path:
    """The two articles (STORM, FLOOD) extracted, the first one reviewed in Arabic."""
    make_project(root, {"storm.txt": STORM, "flood.txt": FLOOD})
    review(root, "storm", "ar")
    return root

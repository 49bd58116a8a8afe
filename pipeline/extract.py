"""Extraction: article → segments → POT template → one PO catalogue per language.

``extract_article`` is the whole first stage for one article. It writes a
file only when its content changes (see :func:`pipeline.fsutil.atomic_write`),
keeps the template's ``POT-Creation-Date`` while the entries stay the same,
and merges each existing catalogue with :func:`pipeline.catalog.merge`, so a
translator's work survives every source edit. A catalogue that cannot be
read faithfully is refused (reported, left untouched); the others go on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .article import Article, read_article
from .catalog import (build_template, catalog_text, load_catalog, merge, new_catalog,
                      same_entries, save_catalog)
from .config import Project
from .errors import PipelineError
from .segment import segment_article


@dataclass
class ExtractResult:
    """What extraction did for one article."""

    slug: str
    entries: int = 0
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    errors: list[PipelineError] = field(default_factory=list)


def source_ref(project: Project, path: Path) -> str:
    """The article path as occurrences show it: relative to the root, with slashes."""
    try:
        return Path(path).resolve().relative_to(project.root).as_posix()
    except ValueError:
        return Path(path).as_posix()


def extract_article(project: Project, path: Path, languages: Iterable[str] | None = None,
                    *, article: Article | None = None) -> ExtractResult:
    """Write the template and catalogues of one article; return what changed."""
    article = article or read_article(path)
    segments = segment_article(article, project.source)
    template = build_template(segments, source_ref=source_ref(project, path),
                              title=article.headline)
    result = ExtractResult(slug=article.slug, entries=len(template))
    pot_path = project.template_path(article.slug)
    if pot_path.exists():
        try:
            old = load_catalog(pot_path)
        except PipelineError:
            # A template is derived data (nobody translates in it): a broken one
            # is rebuilt from the article rather than refused.
            old = None
        if old is not None and same_entries(old, template) and old.header == template.header:
            template = old
    _record(result, pot_path, save_catalog(template, pot_path))
    for lang in languages if languages is not None else project.languages:
        po_path = project.catalog_path(article.slug, lang)
        if po_path.exists():
            try:
                current = load_catalog(po_path)
            except PipelineError as exc:
                result.errors.append(exc)
                continue
            updated = merge(current, template, lang)
            if catalog_text(updated) == catalog_text(current):
                result.unchanged.append(po_path)
                continue
        else:
            updated = new_catalog(template, lang)
        _record(result, po_path, save_catalog(updated, po_path))
    return result


def _record(result: ExtractResult, path: Path, written: bool) -> None:
    (result.written if written else result.unchanged).append(path)

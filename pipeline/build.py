"""``newsloc build``: the whole pipeline in one call: extract, translate when an engine is set, export.

Translation runs only when ``[tool.newsloc.translate]`` names an engine; when
the engine cannot be used (offline, refused key), the build goes on with the
translations already reviewed and says so in :attr:`BuildReport.translate_note`.
Every stage is incremental, so a rebuild with nothing changed writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from .config import Project
from .errors import PipelineError
from .export import ExportReport, Policy, export_editions
from .extract import ExtractSummary, extract_articles
from .translate.pretranslate import MemoryPretranslator
from .translate.options import engine_options
from .translate.run import translate_project
from .translate.summary import Summary


@dataclass
class BuildReport:
    """What each stage of a build did."""

    articles: int
    extract: ExtractSummary
    export: ExportReport
    engine: str | None = None                    # the configured engine, None when there is none
    translate: Summary | None = None             # None when translation did not run
    memory: MemoryPretranslator | None = None    # what the memory served
    translate_note: str = ""                     # why translation was skipped or fell short


def build_project(project: Project, languages: Sequence[str], *, formats: Sequence[str] | None = None,
                  out: Path | None = None, policy: Policy | None = None, jobs: int | None = None,
                  progress: Callable[[int, int], None] | None = None) -> BuildReport:
    """Extract every article, machine-translate when an engine is configured, export editions."""
    paths = project.article_paths()
    if not paths:
        raise PipelineError(f"no articles in {project.articles_dir}")
    summary = extract_articles(project, None, list(languages), jobs=jobs)
    engine = project.section("translate").get("engine") or None
    translated = memory = None
    note = ""
    if not engine:
        note = "no engine configured in [tool.newsloc.translate]; skipped"
    else:
        try:
            options = engine_options(project, engine=engine)
            memory = MemoryPretranslator(project)
            translated = translate_project(project, paths, list(languages), engine=engine, options=options,
                                           progress=progress, prefill=[memory])
        except PipelineError as exc:
            note = f"{engine} not usable ({exc}); going on offline with the translations already reviewed"
        else:
            if not translated.ok:
                note = f"{engine} reported problems; going on with export"
    report = export_editions(project, None, list(languages), formats=formats, out=out, policy=policy,
                             jobs=jobs)
    return BuildReport(len(paths), summary, report, engine, translated, memory, note)

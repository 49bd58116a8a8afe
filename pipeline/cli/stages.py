"""The stage commands: extract, show, translate, export, build."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..config import Project
from . import (article_paths, articles_argument, cli, force_option, jobs_option, lang_option, languages_of,
               project_of, writes_project)


@cli.command(epilog="""\b
Examples:
  newsloc extract
  newsloc extract articles/coalition.txt --lang ckb
  newsloc extract --jobs 4          # four worker processes
  newsloc extract --force           # ignore the state records, redo every article
""")
@articles_argument
@lang_option
@jobs_option
@force_option("Redo every article")
@writes_project
@click.pass_context
def extract(ctx: click.Context, articles: tuple[str, ...], langs: tuple[str, ...],
            jobs: int | None, force: bool) -> None:
    """Segment ARTICLES into a POT template and one PO catalogue per language.

    With no ARTICLES, every article in the project. Existing catalogues are
    updated like msgmerge --previous: no translation is ever lost. Articles
    whose article, template and catalogues are byte-for-byte as the last
    run left them are skipped (content hashes in .newsloc/state.sqlite).
    """
    from ..extract import extract_articles
    project = project_of(ctx)
    paths = article_paths(project, articles)
    if not paths:
        raise click.ClickException(f"no articles in {project.articles_dir}")
    summary = extract_articles(project, None if not articles else paths,
                               languages_of(project, langs), jobs=jobs, force=force)
    skipped = f" ({summary.skipped} article(s) up to date, skipped)" if summary.skipped else ""
    click.echo(f"{summary.articles} article(s), {summary.entries} entries: "
               f"{summary.written} file(s) written, {summary.unchanged} unchanged{skipped}")
    for warning in summary.warnings:
        click.echo(f"Warning: {warning}", err=True)
    for exc in summary.errors:
        click.echo(f"Error: {exc}", err=True)
    if summary.errors:
        ctx.exit(1)


@cli.command(epilog="""\b
Example:
  newsloc show articles/coalition-helps-iraq-sustain-anti-isis-fight.txt
""")
@click.argument("article")
@click.option("--segments/--blocks", default=False, help="Show the sentence segments of each block.")
@click.pass_context
def show(ctx: click.Context, article: str, segments: bool) -> None:
    """Print the structure newsloc sees in ARTICLE (a path or a slug)."""
    from ..article import read_article
    from ..segment import block_notes, segment_article
    project = project_of(ctx)
    art = read_article(project.find_article(article), max_bytes=project.limit("article_bytes"))
    click.echo(f"{art.path}  (slug: {art.slug})")
    width = max([9] + [len(b.role) for b in art.blocks])
    if not segments:
        for block, note in zip(art.blocks, block_notes(art)):
            click.echo(f"{block.lineno:>5}  {block.role:<{width}}  {f'[{note}] ' if note else ''}{block.text}")
    else:
        for seg in segment_article(art, project.source):
            place = f"[{seg.place}] " if seg.place else ""
            click.echo(f"{seg.lineno:>5}  {seg.role:<{width}}  {seg.sentence + 1}/{seg.sentences}  "
                       f"{place}{seg.source}")
    for warning in art.warnings:
        click.echo(f"Warning: {art.path}: {warning}", err=True)



def _formats(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, ...] | None:
    """Parse ``--format html,md`` into a tuple, rejecting unknown formats."""
    if value is None:
        return None
    from ..export import FORMATS
    chosen = tuple(dict.fromkeys(f.strip() for f in value.split(",") if f.strip()))
    unknown = [f for f in chosen if f not in FORMATS]
    if not chosen or unknown:
        raise click.BadParameter(f"use a comma-separated list of {', '.join(FORMATS)}")
    return chosen


def _echo_export(report) -> None:
    """Print one line per edition exported or skipped, then a summary."""
    for o in report.outcomes:
        if o.exported:
            note = " (partial)" if o.partial else ""
            if o.check_errors:
                note += (f" WITH {o.check_errors} CHECK ERROR(S) in reviewed entries "
                         "(--allow-check-errors; see the proof page)")
            click.echo(f"{o.lang}/{o.slug}: {o.status}{note}")
        else:
            click.echo(f"{o.lang}/{o.slug}: {'skipped' if o.status == 'skipped' else 'error'}: "
                       f"{o.reason}", err=True)
    click.echo(f"{len(report.exported)} edition(s) exported, {len(report.skipped)} skipped: "
               f"{report.written} file(s) written, {report.unchanged} unchanged")


export_options = [
    click.option("--format", "formats", callback=_formats, metavar="LIST",
                 help="Comma-separated formats among html, md, txt (default: all, "
                      "or [tool.newsloc.export] formats)."),
    click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
                 help="Folder for the editions (default: the project's editions/)."),
    click.option("--min-reviewed", "min_reviewed", type=click.FloatRange(0, 100), default=None,
                 metavar="PCT",
                 help="Publish partial editions with at least PCT% of segments reviewed; the "
                      "rest falls back to the English source, visibly marked (default: 100)."),
    click.option("--machine", is_flag=True,
                 help="With --min-reviewed: fill unreviewed segments with their machine "
                      "(fuzzy) translation, visibly marked, instead of the English source."),
    click.option("--allow-check-errors", "allow_check_errors", is_flag=True,
                 help="Publish an edition even when `newsloc check` finds an error in one of "
                      "its reviewed entries (refused by default); each is marked in the report."),
]


def _with_export_options(command):
    for option in reversed(export_options):
        command = option(command)
    return command


def _policy(project: Project, min_reviewed: float | None, machine: bool,
            allow_check_errors: bool = False):
    from ..export import Policy, export_settings
    if machine and min_reviewed is None:
        raise click.UsageError("--machine needs --min-reviewed PCT (the share that must be reviewed)")
    bar = export_settings(project).min_reviewed if min_reviewed is None else min_reviewed
    return Policy(min_reviewed=bar, machine=machine, allow_check_errors=allow_check_errors)


@cli.command(epilog="""\b
Examples:
  newsloc export                                   # every article, every language
  newsloc export coalition-helps-iraq-sustain-anti-isis-fight --lang ckb
  newsloc export --format html --out /srv/www/editions
  newsloc export --min-reviewed 80 --machine       # partial editions, MT marked
  newsloc export --jobs 2                          # two worker processes
""")
@articles_argument
@lang_option
@_with_export_options
@jobs_option
@force_option("Render every edition again")
@writes_project
@click.pass_context
def export(ctx: click.Context, articles: tuple[str, ...], langs: tuple[str, ...],
           formats: tuple[str, ...] | None, out: Path | None, min_reviewed: float | None,
           machine: bool, allow_check_errors: bool, jobs: int | None, force: bool) -> None:
    """Write the edition of ARTICLES in each language as HTML, Markdown and text.

    Editions go to editions/<lang>/<slug>.<ext>, with an index page per
    language and a bilingual proof page in editions/proof/<lang>/. By default
    an edition is written only when every segment is reviewed; an article
    below the bar is skipped with its reason and its old edition is left as it
    was. Editions whose article, catalogue and files are unchanged since the
    last export are not rendered again. Exits 1 when nothing asked for was
    exported.
    """
    from ..export import export_editions
    project = project_of(ctx)
    policy = _policy(project, min_reviewed, machine, allow_check_errors)
    paths = article_paths(project, articles)
    if not paths:
        raise click.ClickException(f"no articles in {project.articles_dir}")
    report = export_editions(project, paths if articles else None, languages_of(project, langs),
                             formats=formats, out=out, policy=policy, jobs=jobs, force=force)
    _echo_export(report)
    if not report.exported or report.failed:
        ctx.exit(1)


@cli.command(epilog="""\b
Examples:
  newsloc build                 # extract, translate if an engine is set, export
  newsloc build --lang ar --format html
""")
@lang_option
@_with_export_options
@jobs_option
@writes_project
@click.pass_context
def build(ctx: click.Context, langs: tuple[str, ...], formats: tuple[str, ...] | None,
          out: Path | None, min_reviewed: float | None, machine: bool,
          allow_check_errors: bool, jobs: int | None) -> None:
    """Extract every article, machine-translate (when an engine is configured), export.

    Translation runs only when [tool.newsloc.translate] names an engine and
    it answers; offline, build says so and goes on with the reviewed
    translations it has. Exits 1 when no edition could be exported.
    """
    from ..build import build_project
    project = project_of(ctx)
    policy = _policy(project, min_reviewed, machine, allow_check_errors)
    result = build_project(project, languages_of(project, langs), formats=formats, out=out,
                           policy=policy, jobs=jobs, progress=_progress_bar(_engine_label(project)))
    summary = result.extract
    skipped = f" ({summary.skipped} up to date)" if summary.skipped else ""
    click.echo(f"extract: {result.articles} article(s), {summary.written} file(s) written{skipped}")
    for warning in summary.warnings:
        click.echo(f"Warning: {warning}", err=True)
    for exc in summary.errors:
        click.echo(f"Error: {exc}", err=True)
    if result.translate is not None:
        _echo_translate(result.translate, result.memory, result.engine)
    if result.translate_note:
        click.echo(f"translate: {result.translate_note}")
    _echo_export(result.export)
    if not result.export.exported or result.export.failed:
        ctx.exit(1)


def _engine_label(project: Project) -> str:
    """The engine a build uses (for its progress bar label)."""
    return project.section("translate").get("engine") or "none"


def _progress_bar(name: str):
    """A progress callback that draws a bar on a terminal (nothing when output is piped)."""
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if not sys.stdout.isatty() or not total:
            return
        if bar is None:
            bar = click.progressbar(length=total, label=f"translate ({name})")
            bar.__enter__()
        bar.length = max(bar.length or 0, total)  # catalogues come in batches: the total grows
        bar.update(done - bar.pos)
        if done >= total:  # a batch finished: the next one (if any) draws on a new line
            bar.__exit__(None, None, None)
            bar = None
    return progress


def _echo_translate(summary, memory, name: str) -> None:
    """Print a translate run's closing summary (stdout) and its failures (stderr)."""
    click.echo(f"translate ({summary.engine}): {summary.catalogs} catalogue(s), "
               f"{summary.segments} segment(s) ({summary.unique} distinct), "
               f"{summary.prefilled} from memory, {summary.cache_hits} cache hit(s), "
               f"{summary.requests} request(s), {summary.chars_sent:,} character(s) sent; "
               f"{summary.translated} filled, {summary.failed} failed, "
               f"{len(summary.written)} file(s) written in {summary.elapsed:.1f}s")
    if summary.tokens_in or summary.tokens_out:
        click.echo(f"tokens: {summary.tokens_in:,} token(s) in, {summary.tokens_out:,} out "
                   "(as the server counted them)")
    if summary.extra_items:
        click.echo(f"{summary.extra_items} extra item(s) ignored: answers for ids that were not asked",
                   err=True)
    if memory is not None and (memory.served.filled or name == "memory"):
        served = memory.served
        click.echo(f"memory: {served.exact + served.reviewed} exact ({served.reviewed} accepted as "
                   f"reviewed), {served.fuzzy} fuzzy; "
                   + (f"{served.left} not in the memory, left untranslated"
                      if name == "memory" else f"{served.left} sent on to {name}"))
    if summary.kept:
        click.echo(f"{summary.kept} suggestion(s) not written: a translator edited those "
                   "entries meanwhile", err=True)
    if summary.failures:
        reasons = ", ".join(f"{n} {kind}" for kind, n in summary.reasons().most_common())
        click.echo(f"failed: {reasons}", err=True)
        for failure in summary.failures[:10]:
            text = failure.text if len(failure.text) <= 60 else failure.text[:57] + "..."
            click.echo(f"  {failure.lang}: {text!r}: {failure.detail}", err=True)
        if len(summary.failures) > 10:
            click.echo(f"  ... and {len(summary.failures) - 10} more", err=True)
    for exc in summary.errors:
        click.echo(f"Error: {exc}", err=True)


@cli.command(epilog="""\b
Examples:
  newsloc translate                                  # every article, every language, default engine
  newsloc translate coalition-helps-iraq --lang ckb --engine google
  newsloc translate --engine libre --url http://mt.desk.local:5000/ --api-key "$KEY"
  NEWSLOC_DEEPL_KEY=... newsloc translate --engine deepl --lang ar
  newsloc translate --engine memory                  # reuse reviewed translations only, offline
  newsloc translate --engine llm --url http://gpu.desk.local:8000/v1 --model qwen2.5-32b
  newsloc translate --json | jq .tokens_in
""")
@articles_argument
@lang_option
@click.option("--engine", default=None, metavar="NAME",
              help="google (default), microsoft, libre, mymemory, deepl, fake, memory "
                   "(the translation memory alone, offline), llm (a chat model on an "
                   "OpenAI-compatible server, one request per article); "
                   "default from [tool.newsloc.translate] engine.")
@click.option("--url", default=None, metavar="URL",
              help="Service address (LibreTranslate server, proxy; for llm the API base, "
                   "e.g. http://host:8000/v1).")
@click.option("--model", default=None, metavar="NAME",
              help="Model (or Azure deployment) for --engine llm; "
                   "default from [tool.newsloc.translate.llm] model.")
@click.option("--api-key", default=None, metavar="KEY",
              help="Engine key (better: NEWSLOC_MICROSOFT_KEY, NEWSLOC_DEEPL_KEY, "
                   "NEWSLOC_LIBRE_API_KEY, NEWSLOC_LLM_API_KEY).")
@click.option("--retranslate", is_flag=True,
              help="Also replace fuzzy translations (source changed, earlier suggestions); "
                   "reviewed ones never.")
@click.option("--memory/--no-memory", "use_memory", default=True, show_default=True,
              help="Pre-translate from the translation memory before asking the engine.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the run's summary as JSON for scripts (counts, tokens, failures).")
@writes_project
@click.pass_context
def translate(ctx: click.Context, articles: tuple[str, ...], langs: tuple[str, ...],
              engine: str | None, url: str | None, model: str | None, api_key: str | None,
              retranslate: bool, use_memory: bool, as_json: bool) -> None:
    """Fill untranslated entries with machine translation, marked fuzzy for review.

    The translation memory answers first (reviewed translations of other
    articles: '#. TM 100% from <article>', or 'TM <score>%' for a close
    match); only the rest goes to the engine, and --engine memory sends
    nothing at all. Each suggestion gets '#. MT: <engine> <date>'. Reviewed
    translations are never touched. Results are cached in .newsloc/state.sqlite and saved as
    they arrive: after a failure or Ctrl-C, run the command again to resume.
    """
    from ..translate.pretranslate import MemoryPretranslator
    from ..translate.options import default_engine, engine_options
    from ..translate.run import translate_project
    project = project_of(ctx)
    paths = article_paths(project, articles)
    if not paths:
        raise click.ClickException(f"no articles in {project.articles_dir}")
    name = engine or default_engine(project)
    options = engine_options(project, engine=name, url=url, api_key=api_key, model=model)
    memory = MemoryPretranslator(project) if use_memory or name == "memory" else None
    summary = translate_project(project, paths, languages_of(project, langs), engine=name,
                                options=options, retranslate=retranslate,
                                progress=None if as_json else _progress_bar(name),
                                prefill=[memory] if memory else [])
    if as_json:
        click.echo(json.dumps(summary.as_dict(project.root), ensure_ascii=False, indent=2))
    else:
        _echo_translate(summary, memory, name)
    if summary.interrupted:
        click.echo("Interrupted: everything received is saved; run the command again to resume.",
                   err=True)
        ctx.exit(130)
    if summary.stopped:
        click.echo(f"Error: stopped sending: {summary.stopped}; what was received is saved, "
                   "run the command again to resume.", err=True)
    if not summary.ok:
        ctx.exit(1)



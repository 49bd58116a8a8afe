"""The ``newsloc`` command: a thin click layer over the pipeline core.

Each command converts its options, calls core functions and prints a
summary. Core errors (:class:`pipeline.errors.PipelineError`) become a
one-line ``Error: ...`` and exit code 1; bad usage exits 2 (click).
"""

from __future__ import annotations

import functools
import re
import sys
from pathlib import Path

import click

from . import __version__
from .config import Project, load_project
from .errors import PipelineError
from .locales import parse_locale


class NewslocGroup(click.Group):
    """A click group that turns core errors into one-line messages."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except PipelineError as exc:
            raise click.ClickException(str(exc)) from exc


class LocaleType(click.ParamType):
    """A locale code babel knows (``ar``, ``ar_IQ``, ``ckb``, ``ku``)."""

    name = "locale"

    def convert(self, value, param, ctx):
        try:
            parse_locale(value)
        except PipelineError as exc:
            self.fail(exc.message, param, ctx)
        return value.replace("-", "_")


LOCALE = LocaleType()


def project_of(ctx: click.Context) -> Project:
    """Load the project named by the global ``--root`` (once per invocation)."""
    root = ctx.find_root()
    if "project" not in root.meta:
        root.meta["project"] = load_project(root.params.get("root") or ".")
    return root.meta["project"]


def languages_of(project: Project, langs: tuple[str, ...]) -> list[str]:
    return list(langs) if langs else list(project.languages)


def article_paths(project: Project, articles: tuple[str, ...]) -> list[Path]:
    """Resolve ARTICLE arguments (paths or slugs); none means every article."""
    if articles:
        return project.find_articles(articles)
    return project.article_paths()


lang_option = click.option("--lang", "langs", multiple=True, type=LOCALE, metavar="CODE",
                           help="Target language (repeatable); default: every configured one.")


_SECRET_OPTION = re.compile(r"^--?[\w-]*(key|token|secret|password)[\w-]*$", re.IGNORECASE)


def _command_line(ctx: click.Context) -> str:
    """The command as typed, with secrets masked: the lock file shows it to other runs."""
    argv = sys.argv[1:] if Path(sys.argv[0]).name in ("newsloc", "__main__.py") else []
    shown: list[str] = []
    for arg in argv:
        name, eq, _value = arg.partition("=")
        if eq and _SECRET_OPTION.match(name):
            arg = f"{name}=***"
        elif shown and _SECRET_OPTION.match(shown[-1]):
            arg = "***"
        shown.append(arg)
    text = " ".join(["newsloc", *shown]) if argv else ctx.command_path
    return text if len(text) <= 200 else text[:197] + "..."


def writes_project(command):
    """Run a command that writes under the project lock, with a ``--wait SECONDS`` option.

    Every command that writes catalogues, editions or caches uses this, so
    two runs never interleave their writes (see :mod:`pipeline.lock`).
    """
    @click.option("--wait", "lock_wait", type=click.FloatRange(min=0), default=0.0,
                  metavar="SECONDS", envvar="NEWSLOC_WAIT", show_envvar=True,
                  help="If another newsloc run is writing this project, wait up to "
                       "SECONDS for it to finish (default: stop at once with a message).")
    @functools.wraps(command)
    def locked(*args, lock_wait: float, **kwargs):
        from .lock import project_lock
        ctx = click.get_current_context()
        with project_lock(project_of(ctx), command=_command_line(ctx), wait=lock_wait):
            return command(*args, **kwargs)
    return locked


@click.group(cls=NewslocGroup, epilog="""\b
Examples:
  newsloc extract                    # segment every article into catalogues
  newsloc show articles/seed.txt     # print the structure newsloc saw
  newsloc --root ../desk extract     # work on another newsroom repository
""")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              envvar="NEWSLOC_ROOT", show_envvar=True,
              help="Project folder holding pyproject.toml [tool.newsloc] (default: current folder).")
@click.version_option(__version__, prog_name="newsloc")
def cli(root: Path | None) -> None:
    """newsloc: translate and localise news articles into Arabic and Kurdish.

    Articles in English (articles/) become gettext catalogues (locales/),
    machine-translated for review and reassembled as localised editions.
    """


jobs_option = click.option(
    "--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
    envvar="NEWSLOC_JOBS", show_envvar=True,
    help="Worker processes for articles that need work (default: one per CPU; 1 = in-process).")


@cli.command(epilog="""\b
Examples:
  newsloc extract
  newsloc extract articles/coalition.txt --lang ckb
  newsloc extract --jobs 4          # four worker processes
  newsloc extract --force           # ignore .newsloc/manifest, redo every article
""")
@click.argument("articles", nargs=-1)
@lang_option
@jobs_option
@click.option("--force", is_flag=True,
              help="Redo every article, even those whose files are unchanged since the last run.")
@writes_project
@click.pass_context
def extract(ctx: click.Context, articles: tuple[str, ...], langs: tuple[str, ...],
            jobs: int | None, force: bool) -> None:
    """Segment ARTICLES into a POT template and one PO catalogue per language.

    With no ARTICLES, every article in the project. Existing catalogues are
    updated like msgmerge --previous: no translation is ever lost. Articles
    whose article, template and catalogues are byte-for-byte as the last
    run left them are skipped (content hashes in .newsloc/manifest/).
    """
    from .extract import extract_articles
    project = project_of(ctx)
    paths = article_paths(project, articles)
    if not paths:
        raise click.ClickException(f"no articles in {project.articles_dir}")
    summary = extract_articles(project, None if not articles else paths,
                               languages_of(project, langs), jobs=jobs, force=force)
    skipped = f" ({summary.skipped} article(s) up to date, skipped)" if summary.skipped else ""
    click.echo(f"{summary.articles} article(s), {summary.entries} entries: "
               f"{summary.written} file(s) written, {summary.unchanged} unchanged{skipped}")
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
    from .article import read_article
    from .segment import segment_article
    project = project_of(ctx)
    art = read_article(project.find_article(article))
    click.echo(f"{art.path}  (slug: {art.slug})")
    if not segments:
        for block in art.blocks:
            click.echo(f"{block.lineno:>5}  {block.role:<9}  {block.text}")
        return
    for seg in segment_article(art, project.source):
        click.echo(f"{seg.lineno:>5}  {seg.role:<9}  {seg.sentence + 1}/{seg.sentences}  {seg.source}")


@cli.group(epilog="""\b
Examples:
  newsloc tm stats
  newsloc tm export --format tmx --lang ckb --out ckb.tmx
  newsloc tm import vendor-omegat.tmx
""")
def tm() -> None:
    """The translation memory: every reviewed translation, reused before any engine.

    Built from the reviewed entries of all catalogues (plus imported TMX in
    locales/<lang>/memory.tmx); the index under .newsloc/ is derived and
    rebuilt when a PO file changes.
    """


@tm.command("stats", epilog="""\b
Example:
  newsloc tm stats --lang ar
""")
@lang_option
@click.pass_context
def tm_stats(ctx: click.Context, langs: tuple[str, ...]) -> None:
    """Show what the memory holds per language."""
    from .memory import load_memory, memory_stats
    memory = load_memory(project_of(ctx))
    rows = [s for s in memory_stats(memory) if not langs or s.lang in langs]
    click.echo(f"{'lang':<6} {'units':>7} {'articles':>8} {'imported':>8} {'sentences':>9} {'conflicts':>9}")
    for s in rows:
        click.echo(f"{s.lang:<6} {s.units:>7} {s.articles:>8} {s.imported:>8} {s.sources:>9} {s.conflicting:>9}")
    if memory.rebuilt:
        click.echo(f"index: {len(memory.rebuilt)} file(s) read again")
    for exc in memory.skipped:
        click.echo(f"Warning: left out {exc}", err=True)


@tm.command("export", epilog="""\b
Examples:
  newsloc tm export --format tmx --out desk.tmx           # every language
  newsloc tm export --format tmx --lang ar > ar.tmx
""")
@click.option("--format", "fmt", type=click.Choice(["tmx"]), default="tmx", show_default=True,
              help="Interchange format (TMX 1.4: OmegaT, Trados, Weblate, memoQ).")
@lang_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default: standard output).")
@click.option("--imported/--no-imported", default=True, show_default=True,
              help="Include units imported from other tools.")
@click.pass_context
def tm_export(ctx: click.Context, fmt: str, langs: tuple[str, ...], out: Path | None,
              imported: bool) -> None:
    """Write the memory (reviewed translations) as a TMX 1.4 file."""
    from .errors import ExportError
    from .fsutil import atomic_write
    from .memory import export_tmx
    data, count = export_tmx(project_of(ctx), langs or None, include_imported=imported)
    if out is None:
        click.echo(data.decode("utf-8"), nl=False)
        return
    atomic_write(out, data, error=ExportError)
    click.echo(f"{count} translation unit(s) written to {out}")


@tm.command("import", epilog="""\b
Examples:
  newsloc tm import vendor-omegat.tmx
  newsloc tm import legacy-trados.tmx --lang ckb
""")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@lang_option
@writes_project
@click.pass_context
def tm_import(ctx: click.Context, file: Path, langs: tuple[str, ...]) -> None:
    """Add the units of a TMX FILE to the memory (locales/<lang>/memory.tmx).

    Imported units pre-translate new entries (always fuzzy, for review);
    they never change a catalogue and never overwrite a reviewed entry.
    """
    from .memory import import_tmx
    project = project_of(ctx)
    report = import_tmx(project, file, languages=languages_of(project, langs))
    added = ", ".join(f"{lang} {n}" for lang, n in sorted(report.added.items())) or "none"
    click.echo(f"imported {sum(report.added.values())} unit(s) ({added}); "
               f"{report.duplicates} already in the memory")
    for tag, n in sorted(report.other_languages.items()):
        click.echo(f"skipped {n} segment(s) in {tag} (not a project language)")


def _formats(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, ...] | None:
    """Parse ``--format html,md`` into a tuple, rejecting unknown formats."""
    if value is None:
        return None
    from .export import FORMATS
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
            click.echo(f"{o.lang}/{o.slug}: {o.status}{note}")
        else:
            click.echo(f"{o.lang}/{o.slug}: {'skipped' if o.status == 'skipped' else 'error'}: "
                       f"{o.reason}", err=True)
    click.echo(f"{len(report.exported)} edition(s) exported, {len(report.skipped)} skipped: "
               f"{len(report.written)} file(s) written, {len(report.unchanged)} unchanged")


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
]


def _with_export_options(command):
    for option in reversed(export_options):
        command = option(command)
    return command


def _policy(project: Project, min_reviewed: float | None, machine: bool):
    from .export import Policy, export_settings
    if machine and min_reviewed is None:
        raise click.UsageError("--machine needs --min-reviewed PCT (the share that must be reviewed)")
    bar = export_settings(project).min_reviewed if min_reviewed is None else min_reviewed
    return Policy(min_reviewed=bar, machine=machine)


@cli.command(epilog="""\b
Examples:
  newsloc export                                   # every article, every language
  newsloc export coalition-helps-iraq-sustain-anti-isis-fight --lang ckb
  newsloc export --format html --out /srv/www/editions
  newsloc export --min-reviewed 80 --machine       # partial editions, MT marked
  newsloc export --jobs 2                          # two worker processes
""")
@click.argument("articles", nargs=-1)
@lang_option
@_with_export_options
@jobs_option
@click.option("--force", is_flag=True,
              help="Render every edition again, even those whose inputs have not changed.")
@writes_project
@click.pass_context
def export(ctx: click.Context, articles: tuple[str, ...], langs: tuple[str, ...],
           formats: tuple[str, ...] | None, out: Path | None, min_reviewed: float | None,
           machine: bool, jobs: int | None, force: bool) -> None:
    """Write the edition of ARTICLES in each language as HTML, Markdown and text.

    Editions go to editions/<lang>/<slug>.<ext>, with an index page per
    language and a bilingual proof page in editions/proof/<lang>/. By default
    an edition is written only when every segment is reviewed; an article
    below the bar is skipped with its reason and its old edition is left as it
    was. Editions whose article, catalogue and files are unchanged since the
    last export are not rendered again. Exits 1 when nothing asked for was
    exported.
    """
    from .export import export_editions
    project = project_of(ctx)
    policy = _policy(project, min_reviewed, machine)
    paths = article_paths(project, articles)
    if not paths:
        raise click.ClickException(f"no articles in {project.articles_dir}")
    report = export_editions(project, paths if articles else None, languages_of(project, langs),
                             formats=formats, out=out, policy=policy, jobs=jobs, force=force)
    _echo_export(report)
    if not report.exported:
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
          jobs: int | None) -> None:
    """Extract every article, machine-translate (when an engine is configured), export.

    Translation runs only when [tool.newsloc.translate] names an engine and
    it answers; offline, build says so and goes on with the reviewed
    translations it has. Exits 1 when no edition could be exported.
    """
    from .export import export_editions
    from .extract import extract_articles
    project = project_of(ctx)
    policy = _policy(project, min_reviewed, machine)
    paths = project.article_paths()
    if not paths:
        raise click.ClickException(f"no articles in {project.articles_dir}")
    langs_ = languages_of(project, langs)
    # Incremental and parallel (see pipeline.extract.extract_articles): a
    # rebuild with nothing changed skips every article.
    summary = extract_articles(project, None, langs_, jobs=jobs)
    failed: list[PipelineError] = list(summary.errors)
    skipped = f" ({summary.skipped} up to date)" if summary.skipped else ""
    click.echo(f"extract: {len(paths)} article(s), {summary.written} file(s) written{skipped}")
    for exc in failed:
        click.echo(f"Error: {exc}", err=True)
    _build_translate(ctx, langs)
    report = export_editions(project, None, langs_, formats=formats, out=out, policy=policy,
                             jobs=jobs)
    _echo_export(report)
    if not report.exported:
        ctx.exit(1)


def _build_translate(ctx: click.Context, langs: tuple[str, ...]) -> None:
    """Run ``translate`` for build when an engine is configured; offline, say so and go on."""
    import importlib.util
    project = project_of(ctx)
    engine = project.section("translate").get("engine")
    command = cli.commands.get("translate")
    if not engine:
        click.echo("translate: no engine configured in [tool.newsloc.translate]; skipped")
        return
    if command is None or importlib.util.find_spec("pipeline.machine") is None:
        click.echo("translate: machine translation is not available in this installation; skipped")
        return
    try:
        ctx.invoke(command, langs=langs)
    except (PipelineError, click.ClickException) as exc:
        message = exc.format_message() if isinstance(exc, click.ClickException) else str(exc)
        click.echo(f"translate: {engine} not usable ({message}); going on offline "
                   "with the translations already reviewed")
    except click.exceptions.Exit as exc:
        if exc.exit_code:
            click.echo(f"translate: {engine} reported problems; going on with export")


@cli.command(epilog="""\b
Examples:
  newsloc translate                                  # every article, every language, default engine
  newsloc translate coalition-helps-iraq --lang ckb --engine google
  newsloc translate --engine libre --url http://mt.desk.local:5000/ --api-key "$KEY"
  NEWSLOC_DEEPL_KEY=... newsloc translate --engine deepl --lang ar
  newsloc translate --engine memory                  # reuse reviewed translations only, offline
""")
@click.argument("articles", nargs=-1)
@lang_option
@click.option("--engine", default=None, metavar="NAME",
              help="google (default), microsoft, libre, mymemory, deepl, fake, memory "
                   "(the translation memory alone, offline); "
                   "default from [tool.newsloc.translate] engine.")
@click.option("--url", default=None, metavar="URL",
              help="Service address (LibreTranslate server, proxy).")
@click.option("--api-key", default=None, metavar="KEY",
              help="Engine key (better: NEWSLOC_MICROSOFT_KEY, NEWSLOC_DEEPL_KEY, "
                   "NEWSLOC_LIBRE_API_KEY).")
@click.option("--retranslate", is_flag=True,
              help="Also replace fuzzy translations (source changed, earlier suggestions); "
                   "reviewed ones never.")
@click.option("--memory/--no-memory", "use_memory", default=True, show_default=True,
              help="Pre-translate from the translation memory before asking the engine.")
@writes_project
@click.pass_context
def translate(ctx: click.Context, articles: tuple[str, ...], langs: tuple[str, ...],
              engine: str | None, url: str | None, api_key: str | None,
              retranslate: bool, use_memory: bool) -> None:
    """Fill untranslated entries with machine translation, marked fuzzy for review.

    The translation memory answers first (reviewed translations of other
    articles: '#. TM 100% from <article>', or 'TM <score>%' for a close
    match); only the rest goes to the engine, and --engine memory sends
    nothing at all. Each suggestion gets '#. MT: <engine> <date>'. Reviewed
    translations are never touched. Results are cached in .newsloc/cache.sqlite and saved as
    they arrive: after a failure or Ctrl-C, run the command again to resume.
    """
    from .machine import default_engine, engine_options, translate_project
    from .memory import MemoryPretranslator
    project = project_of(ctx)
    paths = article_paths(project, articles)
    if not paths:
        raise click.ClickException(f"no articles in {project.articles_dir}")
    name = engine or default_engine(project)
    options = engine_options(project, engine=name, url=url, api_key=api_key)
    memory = MemoryPretranslator(project) if use_memory or name == "memory" else None
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if not sys.stdout.isatty() or not total:
            return
        if bar is None:
            bar = click.progressbar(length=total, label=f"translate ({name})")
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        summary = translate_project(project, paths, languages_of(project, langs), engine=name,
                                    options=options, retranslate=retranslate, progress=progress,
                                    prefill=[memory] if memory else [])
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    click.echo(f"translate ({summary.engine}): {summary.catalogs} catalogue(s), "
               f"{summary.segments} segment(s) ({summary.unique} distinct), "
               f"{summary.prefilled} from memory, {summary.cache_hits} cache hit(s), "
               f"{summary.requests} request(s), {summary.chars_sent:,} character(s) sent; "
               f"{summary.translated} filled, {summary.failed} failed, "
               f"{len(summary.written)} file(s) written in {summary.elapsed:.1f}s")
    if memory is not None and (memory.served.filled or name == "memory"):
        served = memory.served
        click.echo(f"memory: {served.exact + served.reviewed} exact ({served.reviewed} accepted as "
                   f"reviewed), {served.fuzzy} fuzzy; "
                   + (f"{len(served.unmatched)} not in the memory, left untranslated"
                      if name == "memory" else f"{len(served.unmatched)} sent on to {name}"))
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
    if summary.interrupted:
        click.echo("Interrupted: everything received is saved; run the command again to resume.",
                   err=True)
        ctx.exit(130)
    if summary.stopped:
        click.echo(f"Error: stopped sending: {summary.stopped}; what was received is saved, "
                   "run the command again to resume.", err=True)
    if not summary.ok:
        ctx.exit(1)


@cli.command(epilog="""\b
Examples:
  newsloc status                       # every article, every language
  newsloc status coalition-helps-iraq-sustain-anti-isis-fight --lang ckb
  newsloc status --json | jq '.languages.ar.percent_reviewed'
  newsloc status --jobs 4                # read changed catalogues in 4 processes
""")
@click.argument("articles", nargs=-1)
@lang_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts instead of a table.")
@jobs_option
@click.pass_context
def status(ctx: click.Context, articles: tuple[str, ...], langs: tuple[str, ...], as_json: bool,
           jobs: int | None) -> None:
    """Show review progress of ARTICLES per language.

    Segments and words untranslated, machine-translated awaiting review,
    outdated (source changed) and reviewed; percent reviewed (by words);
    post-edit distance per engine (how much reviewers changed the machine
    output; n/a when the MT cache has no record). Exit 1 if a catalogue
    cannot be read.
    """
    import json as json_
    from .status import format_table, project_status, status_dict
    project = project_of(ctx)
    paths = article_paths(project, articles)
    if not paths:
        raise click.ClickException(f"no articles in {project.articles_dir}")
    rows = project_status(project, paths, languages_of(project, langs), jobs=jobs)
    if as_json:
        click.echo(json_.dumps(status_dict(rows), ensure_ascii=False, indent=2))
    else:
        click.echo(format_table(rows))
    for row in rows:
        if row.error:
            click.echo(f"Error: {row.error}", err=True)
    if any(row.error for row in rows):
        ctx.exit(1)


def _check_targets(project: Project, targets: tuple[str, ...], langs: tuple[str, ...]):
    """Resolve check TARGETs (PO paths or article slugs) to (path, lang) pairs."""
    from .checks import language_of
    from .config import slug_for
    pairs: list[tuple[Path, str | None]] = []
    missing: list[Path] = []
    wanted = languages_of(project, langs)
    if not targets:
        targets = tuple(str(p) for p in project.article_paths())
    for target in targets:
        candidate = Path(target)
        if candidate.suffix in (".po", ".pot") or (candidate.is_file() and
                                                    candidate.suffix not in (".txt", ".md")):
            if not candidate.is_file():
                raise click.ClickException(f"{candidate}: no such file")
            lang = langs[0] if len(langs) == 1 else language_of(candidate)
            pairs.append((candidate, lang))
            continue
        slug = slug_for(project.find_article(target))
        for lang in wanted:
            path = project.catalog_path(slug, lang)
            (pairs if path.is_file() else missing).append((path, lang) if path.is_file() else path)
    return pairs, missing


@cli.command(epilog="""\b
Examples:
  newsloc check                                   # every catalogue of the project
  newsloc check coalition-helps-iraq-sustain-anti-isis-fight --lang ar
  newsloc check ../other/po/ckb.po                # any PO file; language from its header
  newsloc check --only safety --only numbers --json   # for CI
  newsloc check --list                            # the checks and what they look for
  newsloc check --jobs 4 --force                  # recheck everything in 4 processes
""")
@click.argument("targets", nargs=-1)
@lang_option
@click.option("--json", "as_json", is_flag=True, help="Print findings as JSON (for CI).")
@click.option("--only", "only", multiple=True, metavar="CHECK|GROUP",
              help="Run only this check or group (repeatable): file, numbers, script, "
                   "punctuation, protected, safety, hygiene, or a check name.")
@click.option("--fuzzy", "include_fuzzy", is_flag=True,
              help="Check fuzzy (unreviewed) entries with every check, not only safety ones.")
@click.option("--errors-only", is_flag=True, help="Do not print warnings.")
@click.option("--list", "list_checks", is_flag=True, help="List the checks and exit.")
@jobs_option
@click.option("--force", is_flag=True,
              help="Check every catalogue again, ignoring the findings kept from the last run.")
@click.pass_context
def check(ctx: click.Context, targets: tuple[str, ...], langs: tuple[str, ...], as_json: bool,
          only: tuple[str, ...], include_fuzzy: bool, errors_only: bool, list_checks: bool,
          jobs: int | None, force: bool) -> None:
    """Check catalogues before publication; exit 1 if any error is found.

    A TARGET is an article (slug or path: its catalogues in every --lang)
    or a PO file anywhere (its language from --lang, its Language header or
    its folder). Each finding names file, line, entry and check. A file
    that cannot be read faithfully is one `file` error; no catalogue is
    written. Findings of catalogues unchanged since the last run come from
    .newsloc/manifest/check*.json (content hashes; --force ignores them).
    """
    import json as json_
    from .checks import CHECKS, has_errors, run_checks
    if list_checks:
        for c in sorted(CHECKS.values(), key=lambda c: (c.group, c.name)):
            click.echo(f"{c.group:<12} {c.name:<16} {c.severity:<8} {c.title}")
        return
    project = project_of(ctx)
    pairs, missing = _check_targets(project, targets, langs)
    if not pairs and not missing:
        raise click.ClickException("nothing to check: no catalogues (run `newsloc extract`)")
    report = run_checks(project, pairs, include_fuzzy=include_fuzzy, checks=only or None,
                        jobs=jobs, force=force)
    findings = report.findings
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = len(findings) - errors
    if as_json:
        click.echo(json_.dumps({
            "files": [{"path": str(p), "lang": lang} for p, lang in pairs],
            "missing": [str(p) for p in missing],
            "errors": errors, "warnings": warnings,
            "findings": [f.to_dict() for f in findings if not (errors_only and f.severity != "error")],
        }, ensure_ascii=False, indent=2))
    else:
        for f in findings:
            if errors_only and f.severity != "error":
                continue
            click.echo(str(f))
        for path in missing:
            click.echo(f"{path}: no catalogue yet (run `newsloc extract`)", err=True)
        unchanged = f" ({report.cached} unchanged since the last check)" if report.cached else ""
        click.echo(f"{len(pairs)} catalogue(s) checked: {errors} error(s), {warnings} warning(s)"
                   + unchanged)
    if has_errors(findings):
        ctx.exit(1)


def main() -> None:
    """Entry point for ``python -m pipeline``."""
    cli(prog_name="newsloc")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

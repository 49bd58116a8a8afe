"""Commands that report or exchange: status, check, and the translation memory (tm)."""

from __future__ import annotations

from pathlib import Path

import click

from ..config import Project
from . import (article_paths, articles_argument, cli, force_option, jobs_option, lang_option, languages_of,
               project_of, writes_project)


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
    from ..translate.memory import load_memory, memory_stats
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
    from ..errors import ExportError
    from ..fsutil import atomic_writer
    from ..translate.exchange import write_export
    project = project_of(ctx)
    if out is None:  # written as it goes (an archive's memory is hundreds of megabytes)
        stdout = click.get_binary_stream("stdout")
        write_export(project, stdout, langs or None, include_imported=imported)
        stdout.flush()
        return
    with atomic_writer(out, error=ExportError) as fh:
        count = write_export(project, fh, langs or None, include_imported=imported)
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
    from ..translate.exchange import import_tmx
    project = project_of(ctx)
    report = import_tmx(project, file, languages=languages_of(project, langs))
    added = ", ".join(f"{lang} {n}" for lang, n in sorted(report.added.items())) or "none"
    click.echo(f"imported {sum(report.added.values())} unit(s) ({added}); "
               f"{report.duplicates} already in the memory")
    for tag, n in sorted(report.other_languages.items()):
        click.echo(f"skipped {n} segment(s) in {tag} (not a project language)")



@cli.command(epilog="""\b
Examples:
  newsloc status                       # every article, every language
  newsloc status coalition-helps-iraq-sustain-anti-isis-fight --lang ckb
  newsloc status --json | jq '.languages.ar.percent_reviewed'
  newsloc status --jobs 4                # read changed catalogues in 4 processes
""")
@articles_argument
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
    from ..status import iter_status, write_json, write_table
    project = project_of(ctx)
    paths = article_paths(project, articles)
    if not paths:
        raise click.ClickException(f"no articles in {project.articles_dir}")
    errors: list[str] = []

    def rows():
        for row in iter_status(project, paths, languages_of(project, langs), jobs=jobs):
            if row.error:
                errors.append(row.error)
            yield row
    # Rows are printed as they come (the table once its column widths are known).
    with _Output() as out:
        (write_json if as_json else write_table)(rows(), out.write)
    for error in errors:
        click.echo(f"Error: {error}", err=True)
    _echo_orphans(project, languages_of(project, langs), articles)
    if errors:
        ctx.exit(1)


class _Output:
    """Standard output written in pieces of about 64 KB, ended by a newline like click.echo."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0

    def write(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)
        if self.size >= 1 << 16:
            self.flush()

    def flush(self) -> None:
        click.echo("".join(self.parts), nl=False)
        self.parts, self.size = [], 0

    def __enter__(self) -> "_Output":
        return self

    def __exit__(self, *exc) -> None:
        if exc[0] is None:
            self.write("\n")
        self.flush()


def _echo_orphans(project: Project, langs: list[str], targets: tuple[str, ...]) -> None:
    """Warn about catalogues no article uses (only when the whole project was asked about)."""
    if targets:
        return
    for path in project.orphan_catalogs(langs):
        click.echo(f"Warning: {path}: no article {project.articles_dir.name}/{path.stem}.*: "
                   "this catalogue is used by nothing (renamed? its article removed?)", err=True)


def _check_targets(project: Project, targets: tuple[str, ...], langs: tuple[str, ...]):
    """Resolve check TARGETs (PO paths or article slugs) to (path, lang) pairs."""
    from ..checks import language_of
    from ..config import ARTICLE_SUFFIXES, slug_for
    pairs: list[tuple[Path, str | None]] = []
    missing: list[Path] = []
    wanted = languages_of(project, langs)

    def add(slug: str) -> None:  # the article's catalogues that exist, and those missing
        for lang in wanted:
            path = project.catalog_path(slug, lang)
            if path.is_file():
                pairs.append((path, lang))
            else:
                missing.append(path)

    if not targets:  # every article: no need to ask the file system what each target is
        for article in project.article_paths():
            add(article.stem)
        return pairs, missing
    for target in targets:
        candidate = Path(target)
        if candidate.suffix in (".po", ".pot") or (candidate.is_file() and
                                                    candidate.suffix not in ARTICLE_SUFFIXES):
            if not candidate.is_file():
                raise click.ClickException(f"{candidate}: no such file")
            lang = langs[0] if len(langs) == 1 else language_of(candidate)
            pairs.append((candidate, lang))
            continue
        add(slug_for(project.find_article(target)))
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
@force_option("Check every catalogue again")
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
    .newsloc/state.sqlite (content hashes; --force ignores them).
    """
    from ..checks import CHECKS, CheckReport, iter_checks
    if list_checks:
        for c in sorted(CHECKS.values(), key=lambda c: (c.group, c.name)):
            click.echo(f"{c.group:<12} {c.name:<16} {c.severity:<8} {c.title}")
        return
    project = project_of(ctx)
    pairs, missing = _check_targets(project, targets, langs)
    if not pairs and not missing:
        raise click.ClickException("nothing to check: no catalogues (run `newsloc extract`)")
    report = CheckReport()
    stream = iter_checks(project, pairs, include_fuzzy=include_fuzzy, checks=only or None,
                         jobs=jobs, force=force, report=report)
    if as_json:
        errors, warnings = _echo_json_findings(stream, pairs, missing, errors_only)
    else:
        errors, warnings = _echo_findings(stream, errors_only)
        for path in missing:
            click.echo(f"{path}: no catalogue yet (run `newsloc extract`)", err=True)
        _echo_orphans(project, languages_of(project, langs), targets)
        unchanged = f" ({report.cached} unchanged since the last check)" if report.cached else ""
        click.echo(f"{len(pairs)} catalogue(s) checked: {errors} error(s), {warnings} warning(s)"
                   + unchanged)
    if errors:
        ctx.exit(1)


#: Characters of report written at once (findings are printed as they come, in few writes).
_CHUNK = 1 << 16


class _Tally:
    """Counts every finding of a check stream while handing on those to print."""

    def __init__(self) -> None:
        self.errors = self.warnings = 0

    def shown(self, stream, errors_only: bool):
        """Yield ``(path, lineno, msgid, check, severity, message)`` of the findings to print
        (``--errors-only`` leaves warnings out; they are counted all the same)."""
        for path, found in stream:
            for lineno, msgid, check, severity, message in found:
                if severity == "error":
                    self.errors += 1
                else:
                    self.warnings += 1
                    if errors_only:
                        continue
                yield path, lineno, msgid, check, severity, message


def _echo_findings(stream, errors_only: bool) -> tuple[int, int]:
    """Print each finding of *stream* on its line (as ``str(Finding)``); return the error and warning counts.

    The default output stays the full list, one line per finding, as editors
    and CI logs read it (file:line: severity: check: message [entry]); the
    last line sums it up, and ``--errors-only`` leaves warnings out.
    """
    from ..checks import render_finding
    tally, size = _Tally(), 0
    out: list[str] = []
    for finding in tally.shown(stream, errors_only):
        line = render_finding(*finding)
        out.append(line)
        size += len(line) + 1
        if size >= _CHUNK:
            click.echo("\n".join(out))
            out, size = [], 0
    if out:
        click.echo("\n".join(out))
    return tally.errors, tally.warnings


def _echo_json_findings(stream, pairs, missing, errors_only: bool) -> tuple[int, int]:
    """Print the JSON report (as ``json.dumps(..., indent=2)`` of the whole would), findings streamed.

    The counts come before the findings in the document, so the findings go
    to a temporary file first: a report of the whole archive is never a list
    of objects in memory.
    """
    import json
    import tempfile
    tally = _Tally()
    with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
        first = True
        for path, lineno, msgid, check, severity, message in tally.shown(stream, errors_only):
            item = json.dumps({"path": path, "lineno": lineno, "msgid": msgid, "check": check,
                               "severity": severity, "message": message},
                              ensure_ascii=False, indent=2)
            spool.write(("\n    " if first else ",\n    ") + item.replace("\n", "\n    "))
            first = False
        errors, warnings = tally.errors, tally.warnings
        head = json.dumps({"files": [{"path": str(p), "lang": lang} for p, lang in pairs],
                           "missing": [str(p) for p in missing],
                           "errors": errors, "warnings": warnings, "findings": []},
                          ensure_ascii=False, indent=2)
        if first:
            click.echo(head)
            return errors, warnings
        click.echo(head[:-len("[]\n}")] + "[", nl=False)
        spool.seek(0)
        while chunk := spool.read(_CHUNK):
            click.echo(chunk, nl=False)
        click.echo("\n  ]\n}")
    return errors, warnings

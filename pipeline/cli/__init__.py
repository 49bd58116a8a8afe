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

from .. import __version__
from ..config import Project, load_project
from ..errors import PipelineError, SettingsError
from ..locales import parse_locale
from ..parallel import JOBS_PER_CPU, max_jobs


class NewslocGroup(click.Group):
    """A click group that turns core errors into one-line messages."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except SettingsError as exc:  # a bad setting is bad usage: exit 2, nothing done
            raise BadSetting(str(exc)) from exc
        except PipelineError as exc:
            raise click.ClickException(str(exc)) from exc


class BadSetting(click.ClickException):
    """A ``[tool.newsloc]`` setting the schema refuses: ``Error: ...`` and exit code 2."""

    exit_code = 2


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
        from ..lock import project_lock
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


#: The ARTICLES argument of every command that works on articles (slugs or paths; none = all).
articles_argument = click.argument("articles", nargs=-1)


def force_option(what: str):
    """``--force``: redo *what* even where the records say nothing changed."""
    return click.option("--force", is_flag=True, help=f"{what}, even where nothing changed since the last run.")


jobs_option = click.option(
    "--jobs", "-j", type=click.IntRange(min=1, max=max_jobs()), default=None, metavar="N",
    envvar="NEWSLOC_JOBS", show_envvar=True,
    help=f"Worker processes for articles that need work (default: one per CPU; 1 = in-process; "
         f"at most {JOBS_PER_CPU} per CPU).")


def main() -> None:
    """Entry point of the ``newsloc`` command and ``python -m pipeline``.

    The command runs as click runs it; then the process ends with
    :func:`os._exit` once everything a normal exit does is done: threads
    shut down as the interpreter does it, the state stores closed (pending
    digests written, SQLite's WAL checkpointed into ``state.sqlite``, the
    PostgreSQL connection ended), ``atexit`` handlers run (logging,
    multiprocessing), standard streams flushed (a closed pipe gives 120, as
    Python's own exit does). What is skipped is the interpreter's teardown,
    freeing every object of every module one by one: 30 ms of each
    pre-translation at 20,000 articles (PostgreSQL's client library alone is
    a few thousand objects), for memory the system takes back at once.
    Tests call :data:`cli` in-process (click's CliRunner) and never get here.
    """
    try:
        cli.main(prog_name="newsloc")
        code = 0
    except SystemExit as exc:
        code = exc.code
    _exit_now(code)


def _exit_now(code) -> None:
    """End the process with *code* (``SystemExit.code``: None, an int or a message) without teardown."""
    import atexit
    import os
    import threading
    if code is None:
        code = 0
    elif not isinstance(code, int):
        if sys.stderr is not None:
            print(code, file=sys.stderr)
        code = 1
    # Two private names, the interpreter's own first steps of an exit (stdlib has no public
    # "do them now"); tests/test_library_internals.py fails loudly if either goes away.
    threading._shutdown()   # wakes idle pool threads (concurrent.futures), joins the others
    _close_state()
    atexit._run_exitfuncs()
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except (OSError, ValueError):  # a closed pipe (newsloc status | head -1)
        code = code or 120         # what Python's own exit reports then
    try:
        if sys.stderr is not None:
            sys.stderr.flush()
    except (OSError, ValueError):
        pass
    os._exit(code)


def _close_state() -> None:
    """Close the state stores and shared-memory connections the command opened.

    The interpreter's teardown used to do it (and did not write the pending
    digests). A store that cannot be written (a read-only checkout) is
    closed without them: they are derived, the next run hashes again.
    """
    store = sys.modules.get("pipeline.state.store")
    if store is None:  # the command never opened one
        return
    try:
        store.close_store()
    except PipelineError:
        pass
    try:
        store.close_shared()
    except PipelineError:
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


# The commands register themselves on the group.
from . import reports, stages  # noqa: E402,F401

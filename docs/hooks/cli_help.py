"""MkDocs hook: render ``newsloc ... --help`` into the pages at build time.

A line ``::: newsloc-help translate`` (or ``::: newsloc-help tm export``, or
``::: newsloc-help`` for the top-level command) becomes a code block holding
exactly what ``newsloc translate --help`` prints, so the docs
never repeat the command-line help by hand. The CLI of the checkout being
built is used (the folder holding ``mkdocs.yml`` goes first on ``sys.path``).
A command that does not exist fails the build.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

MARKER = re.compile(r"^::: newsloc-help(?P<args>(?: [a-z][a-z-]*)*)[ \t]*$", re.MULTILINE)
WIDTH = 88  # columns of the rendered help: wide enough for the examples, same on every machine


def on_config(config):
    root = str(Path(config.config_file_path).resolve().parent)
    if root not in sys.path:
        sys.path.insert(0, root)
    return config


def render_help(words: list[str]) -> str:
    """Return what ``newsloc WORDS --help`` prints, with a fixed terminal width."""
    from click.testing import CliRunner

    from pipeline.cli import cli

    result = CliRunner().invoke(cli, [*words, "--help"], prog_name="newsloc",
                                terminal_width=WIDTH, max_content_width=WIDTH)
    if result.exit_code != 0:
        raise ValueError(f"newsloc {' '.join(words)} --help failed "
                         f"(exit {result.exit_code}): {result.output.strip()}")
    return result.output.rstrip()


def on_page_markdown(markdown, page, config, files):
    def replace(match: re.Match) -> str:
        return f"```text\n{render_help(match.group('args').split())}\n```"

    return MARKER.sub(replace, markdown)

"""The documentation: README's promises, and the MkDocs site built as CI builds it.

The site is built with ``mkdocs build --strict`` (a broken link, a page missing
from the nav or a help marker naming no command fails), and every command's
``--help`` must appear in it exactly once: the docs show the CLI's own help,
rendered at build time by ``docs/hooks/cli_help.py``, never a copy.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html import unescape
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from pipeline.cli import cli

from .paths import REPO

README = REPO / "README.md"
# Under pytest-xdist (--dist loadgroup) the tests sharing the built site run on one worker: one build.
pytestmark = pytest.mark.xdist_group("mkdocs-site")
README_LIMIT = 12 * 1024
FIRST_BLOCK = """\
```bash
python3 -m pip install -e . && newsloc build          # main job, offline: catalogues + editions of the sample article
python3 -m pip install -e '.[test]' && python3 -m pytest -q   # the whole test suite (what .ci/run runs)
```"""


def command_paths(group: click.Group = cli, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command of the CLI as a path of names: (), ('extract',), ('tm', 'export')..."""
    paths = [prefix]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            paths += command_paths(command, prefix + (name,))
        else:
            paths.append(prefix + (name,))
    return paths


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
         "--config-file", str(REPO / "mkdocs.yml"), "--site-dir", str(out)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"mkdocs build --strict failed:\n{done.stdout}{done.stderr}"
    return out


def test_readme_opens_with_the_two_commands_and_stays_small():
    text = README.read_text(encoding="utf-8")
    assert text.startswith("# newsloc\n\n" + FIRST_BLOCK + "\n")
    assert len(text.encode("utf-8")) <= README_LIMIT, "README.md over 12 KB: move detail to docs/"


def test_readme_module_map_names_every_module():
    """Each module and package directly under pipeline/ appears in README's module map."""
    text = README.read_text(encoding="utf-8")
    names = {p.stem for p in (REPO / "pipeline").glob("*.py") if not p.stem.startswith("_")}
    names |= {p.name for p in (REPO / "pipeline").iterdir()
              if p.is_dir() and (p / "__init__.py").exists()}
    missing = sorted(n for n in names if not re.search(rf"`{re.escape(n)}/?`", text))
    assert not missing, f"README's module map does not name: {', '.join(missing)}"


def test_site_builds_strict_and_shows_every_commands_help_once(site):
    pages = {p: p.read_text(encoding="utf-8") for p in site.rglob("index.html")}
    assert (site / "index.html").exists() and (site / "cli" / "index.html").exists()
    for path in command_paths():
        usage = " ".join(("Usage: newsloc",) + path) + " [OPTIONS]"
        where = [p.parent.name for p, html in pages.items() if usage in html]
        assert len(where) == 1, f"`newsloc {' '.join(path)} --help` shown on {where or 'no page'}"


def test_rendered_help_is_the_commands_own(site):
    """The help on the page is what the command prints, not a stale copy."""
    printed = CliRunner().invoke(cli, ["check", "--help"], prog_name="newsloc",
                                 terminal_width=88, max_content_width=88).output
    page = unescape(re.sub(r"<[^>]+>", "", (site / "checks" / "index.html").read_text(encoding="utf-8")))
    assert printed.strip() in page

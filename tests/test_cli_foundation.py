"""The CLI end to end: extract, show, --root, help, and every error path."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys

import click
import pytest

from pipeline.cli import cli

from .paths import REPO, SEED, SEED_SLUG
from .support_guarantees import child_env, run_newsloc


def all_commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    out = []
    for name, command in sorted(group.commands.items()):
        out.append((f"{prefix}{name}", command))
        if isinstance(command, click.Group):
            out.extend(all_commands(command, f"{prefix}{name} "))
    return out


def test_top_level_help_shows_examples(runner):
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.output and "newsloc extract" in result.output
    assert "--root" in result.output


@pytest.mark.parametrize("name, command", all_commands(cli), ids=lambda x: x if isinstance(x, str) else "")
def test_every_command_help_has_an_example(runner, name, command):
    assert command.help, name
    result = runner.invoke(cli, name.split() + ["--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output, f"`newsloc {name} --help` shows no example"
    assert f"newsloc {name.split()[0]}" in result.output


def test_extract_creates_pot_and_three_catalogues(runner, empty_project):
    result = runner.invoke(cli, ["--root", str(empty_project), "extract"])
    assert result.exit_code == 0, result.output
    assert "1 article(s), 28 entries: 4 file(s) written, 0 unchanged" in result.output
    assert (empty_project / "locales" / "templates" / f"{SEED_SLUG}.pot").is_file()
    for lang in ("ar", "ckb", "ku"):
        assert (empty_project / "locales" / lang / f"{SEED_SLUG}.po").is_file()
    again = runner.invoke(cli, ["--root", str(empty_project), "extract"])
    assert "0 file(s) written, 4 unchanged" in again.output


def test_extract_one_article_one_language_by_slug(runner, empty_project):
    result = runner.invoke(cli, ["--root", str(empty_project), "extract", SEED_SLUG, "--lang", "ckb"])
    assert result.exit_code == 0, result.output
    assert (empty_project / "locales" / "ckb" / f"{SEED_SLUG}.po").is_file()
    assert not (empty_project / "locales" / "ar").exists()


def test_root_from_environment(runner, empty_project):
    result = runner.invoke(cli, ["extract"], env={"NEWSLOC_ROOT": str(empty_project)})
    assert result.exit_code == 0, result.output
    assert (empty_project / "locales" / "ku" / f"{SEED_SLUG}.po").is_file()


def test_show_prints_structure(runner, project):
    result = runner.invoke(cli, ["--root", str(project), "show", SEED_SLUG])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any("headline" in l and "Coalition helps Iraq" in l for l in lines)
    assert sum(" caption " in l for l in lines) == 1
    assert any(" credit " in l and "Ahmad al-Rubaye/AFP" in l for l in lines)
    assert "Do you like" not in result.output


def test_show_segments(runner, project):
    result = runner.invoke(cli, ["--root", str(project), "show", "--segments", str(project / "articles" / SEED.name)])
    assert result.exit_code == 0
    assert "Maj. Gen. Tahseen al-Khafaji told Diyaruna." in result.output


def test_unknown_article_is_an_error(runner, project):
    result = runner.invoke(cli, ["--root", str(project), "show", "no-such-story"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: no-such-story: no such article")
    assert "Traceback" not in result.output


def test_binary_article_is_one_line_error_and_others_go_on(runner, empty_project):
    bad = empty_project / "articles" / "aaa-broken.txt"
    bad.write_bytes(b"\x00\x01\x02PNG")
    result = runner.invoke(cli, ["--root", str(empty_project), "extract"])
    assert result.exit_code == 1
    assert f"Error: {bad}: binary file (NUL bytes), not an article" in result.output
    assert (empty_project / "locales" / "ar" / f"{SEED_SLUG}.po").is_file()
    assert not (empty_project / "locales" / "ar" / "aaa-broken.po").exists()


def test_broken_catalogue_is_refused_and_left_untouched(runner, empty_project):
    runner.invoke(cli, ["--root", str(empty_project), "extract"])
    po = empty_project / "locales" / "ar" / f"{SEED_SLUG}.po"
    text = po.read_text(encoding="utf-8")
    broken = text.replace('msgid "Security"\nmsgstr ""', 'msgid "Security\nmsgstr ""')
    po.write_text(broken, encoding="utf-8")
    stamp = po.stat().st_mtime_ns
    (empty_project / "articles" / SEED.name).write_text(
        SEED.read_text(encoding="utf-8").replace("Security", "Defence"), encoding="utf-8")
    result = runner.invoke(cli, ["--root", str(empty_project), "extract"])
    assert result.exit_code == 1
    assert f"{po}:" in result.output and "unterminated string" in result.output
    assert po.read_text(encoding="utf-8") == broken and po.stat().st_mtime_ns == stamp
    ckb = (empty_project / "locales" / "ckb" / f"{SEED_SLUG}.po").read_text(encoding="utf-8")
    assert 'msgid "Defence"' in ckb


def test_no_articles(runner, tmp_path):
    result = runner.invoke(cli, ["--root", str(tmp_path), "extract"])
    assert result.exit_code == 1
    assert "no articles" in result.output


def test_bad_config_is_named(runner, tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.newsloc]\nlanguages = ['xx-nope']\n")
    result = runner.invoke(cli, ["--root", str(tmp_path), "extract"])
    assert result.exit_code == 2  # a bad setting is bad usage (issue 13)
    assert "pyproject.toml" in result.output and "unknown locale 'xx-nope'" in result.output


def test_bad_lang_option_is_usage_error(runner, project):
    result = runner.invoke(cli, ["--root", str(project), "extract", "--lang", "zz-bogus"])
    assert result.exit_code == 2
    assert "unknown locale" in result.output


def test_python_dash_m_pipeline(empty_project):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-m", "pipeline", "--root", str(empty_project), "extract"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "28 entries" in proc.stdout
    version = subprocess.run([sys.executable, "-m", "pipeline", "--version"], capture_output=True,
                             text=True, env=env, timeout=60)
    assert version.stdout.startswith("newsloc, version")


def test_the_command_ends_with_its_exit_code_output_and_atexit_work(runner, empty_project, tmp_path):
    """main() skips the interpreter's teardown: the exit codes, every line of output and the
    atexit handlers (logging, multiprocessing) must still be those of a normal exit."""
    ok = run_newsloc(empty_project, "extract", timeout=120)
    status = run_newsloc(empty_project, "status", timeout=120)
    assert ok.returncode == 0 and status.returncode == 0, ok.stderr + status.stderr
    assert status.stdout == runner.invoke(cli, ["--root", str(empty_project), "status"]).output  # all of it
    missing = run_newsloc(empty_project, "show", "nope")
    assert missing.returncode == 1 and missing.stderr.startswith("Error: ")
    usage = run_newsloc(empty_project, "extract", "--bogus")
    assert usage.returncode == 2
    marker = tmp_path / "atexit-ran"
    script = ("import atexit, sys; from pipeline.cli import main; "
              f"atexit.register(lambda: open({str(marker)!r}, 'w').write('yes')); "
              f"sys.argv = ['newsloc', '--root', {str(empty_project)!r}, 'status']; main()")
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=child_env(),
                         timeout=120)
    assert ran.returncode == 0, ran.stderr
    assert marker.read_text() == "yes"


def test_the_command_closes_the_state_store_and_survives_odd_endings(empty_project, tmp_path):
    """What the interpreter's teardown used to do, main() does before os._exit: the store is
    closed (its WAL checkpointed into state.sqlite, nothing left beside it); a closed stdout
    and a thread pool left alive end the command normally."""
    import shlex
    run = run_newsloc(empty_project, "extract", timeout=120)
    assert run.returncode == 0, run.stderr
    state = empty_project / ".newsloc"
    assert (state / "state.sqlite").is_file()
    assert not (state / "state.sqlite-wal").exists()  # checkpointed and closed
    copy = tmp_path / "copy.sqlite"                   # a backup of the file alone holds the records
    copy.write_bytes((state / "state.sqlite").read_bytes())
    import sqlite3
    with contextlib.closing(sqlite3.connect(copy)) as db:
        assert db.execute("SELECT COUNT(*) FROM records").fetchone()[0] > 0
    closed = subprocess.run(f"{shlex.quote(sys.executable)} -m pipeline --root {shlex.quote(str(empty_project))} "
                            "status >&-", shell=True, capture_output=True, text=True, env=child_env(), timeout=120)
    assert closed.returncode == 0, closed.stderr
    script = ("import sys; from concurrent.futures import ThreadPoolExecutor; "
              "pool = ThreadPoolExecutor(2); pool.submit(print, 'task'); from pipeline.cli import main; "
              f"sys.argv = ['newsloc', '--root', {str(empty_project)!r}, 'status']; main()")
    alive = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=child_env(),
                           timeout=60)
    assert alive.returncode == 0, alive.stderr
    assert "task" in alive.stdout.splitlines()  # the pool's work ran and its output was flushed

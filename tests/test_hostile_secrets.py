"""Issue 13: credentials in URLs never shown; short keys not searched inside words.

A password in ``--url`` (``http://user:PASS@host/``) was printed in errors
and written to the lock file, where other runs show it; a one-letter key
was "redacted" inside every word of a message.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

from pipeline.cli import cli
from pipeline.config import load_project
from pipeline.lock import acquire, lock_path, release
from pipeline.translate.engines.base import redact

from tests.support_mt import blank_half, set_translate_config

from .paths import REPO

PASSWORD = "S3cretPass99"


def translate(runner, root, *args):
    return runner.invoke(cli, ["--root", str(root), "translate", "--lang", "ar", *args])


def test_password_in_url_is_never_printed_or_logged(runner, project, caplog):
    caplog.set_level(logging.DEBUG)
    blank_half(project)
    result = translate(runner, project, "--engine", "libre",
                       "--url", f"http://desk:{PASSWORD}@127.0.0.1:1/?api_key=Q9xLongKey")
    assert result.exit_code == 1
    assert "127.0.0.1:1" in result.output                  # the host is still named
    assert PASSWORD not in result.output and PASSWORD not in caplog.text
    assert "Q9xLongKey" not in result.output and "Q9xLongKey" not in caplog.text


def test_password_in_url_never_reaches_a_failure_message(runner, project, mt, caplog):
    caplog.set_level(logging.DEBUG)
    blank_half(project)
    set_translate_config(project, "retries = 0")
    mt.mode = "500"
    url = mt.url.replace("http://", f"http://desk:{PASSWORD}@")
    result = translate(runner, project, "--engine", "libre", "--url", url)
    assert result.exit_code == 1 and "HTTP 500" in result.output
    assert PASSWORD not in result.output and PASSWORD not in caplog.text


def test_lock_notes_carry_no_password(empty_project):
    project = load_project(empty_project)
    command = f"newsloc translate --engine libre --url http://desk:{PASSWORD}@mt.local:5000/"
    held = acquire(project, command=command)
    try:
        note = lock_path(project).read_text(encoding="utf-8")
        assert PASSWORD not in note
        assert json.loads(note)["command"].endswith("--url http://desk:***@mt.local:5000/")
        other = subprocess.run([sys.executable, "-m", "pipeline", "--root", str(empty_project),
                                "extract"], capture_output=True, text=True, timeout=60,
                               env={**os.environ, "PYTHONPATH": str(REPO)})
        assert other.returncode == 1 and "another newsloc run" in other.stderr
        assert "desk:***@mt.local" in other.stderr and PASSWORD not in other.stderr
    finally:
        release(held)


def test_short_key_is_not_searched_inside_words(runner, project, mt):
    blank_half(project)
    mt.api_key = "the-right-key"
    result = translate(runner, project, "--engine", "libre", "--url", mt.url, "--api-key", "e")
    assert result.exit_code == 1
    assert "key was refused" in result.output                # not "k***y was r***fus***d"
    assert redact("key e refused; were these kept?", ["e"]) == "key *** refused; were these kept?"
    assert redact("token abcdefgh1 leaked: xabcdefgh1y", ["abcdefgh1"]) == \
        "token *** leaked: x***y"                             # a long one is found anywhere

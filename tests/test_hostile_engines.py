"""Issue 13: an engine's answer is never trusted.

Each hostile mode of the loopback server (tests/mtserver.py) goes through
the real deep-translator client code: the answer is refused (entry left
untranslated, counted, not cached), the request ends within the configured
deadline, and the catalogue stays readable by polib and msgfmt.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess

import pytest

from pipeline.catalog import load_catalog
from pipeline.cli import cli
from pipeline.translate.answer import AnswerRefused, check_answer
from pipeline.translate.engines import EngineOptions, get_engine
from pipeline.translate.engines.base import TransientError
from pipeline.errors import EngineError
from tests.support_mt import (blank_half, catalogs, reviewed_now,
                              set_translate_config, untranslated)

ENGINES = [("libre", ""), ("google", ""), ("mymemory", ""), ("deepl", "v2/"),
           ("microsoft", "microsoft/")]


def session_of(mt, engine, suffix, **options):
    options.setdefault("timeout", 2)
    eng = get_engine(engine, EngineOptions(url=mt.url + suffix, api_key="K", **options))
    return eng.session()


@pytest.mark.parametrize("mode,char", [("nul", "\x00"), ("u2028", "\u2028"), ("nel", "\x85")])
@pytest.mark.parametrize("engine,suffix", ENGINES)
def test_control_characters_reach_the_validator(mt, engine, suffix, mode, char):
    """The client hands the character over; check_answer is what refuses it."""
    mt.mode = mode
    out = session_of(mt, engine, suffix).translate("Iraq has soldiers", "en", "ar")
    assert char in out
    with pytest.raises(AnswerRefused) as info:
        check_answer(out, "Iraq has soldiers")
    assert info.value.kind == "control character"


@pytest.mark.parametrize("mode", ["int", "list"])
@pytest.mark.parametrize("engine,suffix", [("libre", ""), ("mymemory", ""), ("deepl", "v2/"),
                                           ("microsoft", "microsoft/")])
def test_wrong_json_types_never_crash(mt, engine, suffix, mode):
    mt.mode = mode
    try:
        out = session_of(mt, engine, suffix).translate("Iraq has soldiers", "en", "ar")
    except EngineError:
        return  # the client itself choked on it: a clean engine error
    with pytest.raises(AnswerRefused, match="not text") as info:
        check_answer(out, "Iraq has soldiers")
    assert info.value.kind == "wrong type"


@pytest.mark.parametrize("engine,suffix", ENGINES)
def test_gzip_bomb_is_cut_at_the_cap(mt, engine, suffix):
    mt.mode = "bomb"
    with pytest.raises(EngineError, match="larger than 1048576 bytes"):
        session_of(mt, engine, suffix, max_response_bytes=1 << 20).translate("Hi there", "en", "ar")


@pytest.mark.parametrize("engine,suffix", ENGINES)
def test_trickling_server_hits_the_total_deadline(mt, engine, suffix):
    mt.mode = "trickle"
    mt.trickle_delay = 0.1   # the whole answer would take 20+ s; each byte is well within timeout
    with pytest.raises(TransientError, match="no complete answer within 1s|no answer within 1s"):
        session_of(mt, engine, suffix, timeout=1).translate("Hi there", "en", "ar")


@pytest.mark.parametrize("engine,suffix", ENGINES)
def test_connection_closed_mid_answer_is_transient(mt, engine, suffix):
    mt.mode = "close"
    with pytest.raises(TransientError):
        session_of(mt, engine, suffix).translate("Hi there", "en", "ar")


def run(runner, root, *args):
    return runner.invoke(cli, ["--root", str(root), "translate", "--engine", "libre", *args])


def cached_texts(root) -> list[str]:
    """Every result in the project's MT cache (the mt table of .newsloc/state.sqlite)."""
    path = root / ".newsloc" / "state.sqlite"
    if not path.is_file():
        return []
    with sqlite3.connect(path) as db:
        return [row[0] for row in db.execute("select result from mt")]


@pytest.mark.parametrize("mode,kind", [("nul", "control character"),
                                       ("u2028", "control character"),
                                       ("nel", "control character"),
                                       ("int", "wrong type"), ("list", "wrong type"),
                                       ("huge", "too long"), ("bomb", "engine error"),
                                       ("trickle", "timeout"), ("close", "connection")])
def test_hostile_server_ends_in_a_clear_summary(runner, project, mt, mode, kind):
    reviewed = blank_half(project)
    before = untranslated(project)
    set_translate_config(project, "timeout = 1\nretries = 0\nconcurrency = 4\n"
                                  "max_response_bytes = 1048576")
    mt.mode = mode
    mt.trickle_delay = 0.1
    result = run(runner, project, "--url", mt.url, "--lang", "ar")
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert kind in result.output, result.output
    assert reviewed_now(project) == reviewed
    assert untranslated(project) == before               # nothing bad written
    path = catalogs(project)["ar"]
    load_catalog(path)                                    # readable by polib
    if shutil.which("msgfmt"):
        subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], check=True)
    assert not any(c in text for text in cached_texts(project) for c in "\x00\u2028\x85")
    mt.mode = "ok"                                        # nothing refused was cached: a rerun asks again
    mt.reset()
    again = run(runner, project, "--url", mt.url, "--lang", "ar")
    assert again.exit_code == 0, again.output
    assert mt.translations()
    assert untranslated(project) < before


def test_cached_bad_answer_is_not_reused(runner, project, mt):
    """A cache written by an older newsloc (which cached a NUL answer) is not trusted."""
    blank_half(project)
    mt.mode = "ok"
    assert run(runner, project, "--url", mt.url, "--lang", "ar").exit_code == 0
    with sqlite3.connect(project / ".newsloc" / "state.sqlite") as db:
        assert db.execute("update mt set result = result || char(0)").rowcount > 0
    blank_half(project)
    mt.reset()
    result = run(runner, project, "--url", mt.url, "--lang", "ar", "--retranslate")
    assert result.exit_code == 0, result.output
    assert mt.translations()                               # asked again instead
    assert all("\x00" not in e.msgstr for e in load_catalog(catalogs(project)["ar"]))

"""`newsloc translate` end to end against a loopback LibreTranslate/Google server."""

from __future__ import annotations

import logging
import re
import time

import pytest

from pipeline.catalog import load_catalog
from pipeline.cli import cli
from pipeline.translate.engines import EngineOptions
from pipeline.translate.run import translate_project

from .support_mt import (NUMBER, blank_half, blank_half_then_fault, catalogs, project_of,
                         reviewed_now, set_translate_config, untranslated)

NO_RATE = "rate = 0"  # the loopback server needs no pause between requests (google: 5/s, mymemory: 2/s)


def run(runner, root, *args):
    return runner.invoke(cli, ["--root", str(root), "translate", *args])


def test_done_when_libre_fills_everything(runner, project, mt):
    reviewed = blank_half(project)
    assert untranslated(project) > 20
    result = run(runner, project, "--engine", "libre", "--url", mt.url, "--api-key", "K")
    assert result.exit_code == 0, result.output
    assert untranslated(project) == 0
    assert reviewed_now(project) == reviewed                      # byte-identical entries
    for lang, path in catalogs(project).items():
        for entry in load_catalog(path):
            if "fuzzy" in entry.flags and entry.msgstr:
                assert re.search(r"^MT: libre \d{4}-\d\d-\d\d$", entry.comment, re.M), entry
                assert entry.msgstr.startswith(f"«{lang}» ")
                assert sorted(NUMBER.findall(entry.msgid)) == sorted(NUMBER.findall(entry.msgstr))
    sent = mt.translations()
    assert sent and all(r["params"].get("api_key") == "K" for r in sent)
    assert "request(s)" in result.output and "failed" in result.output
    mt.reset()
    again = run(runner, project, "--engine", "libre", "--url", mt.url, "--api-key", "K")
    assert again.exit_code == 0, again.output
    assert mt.translations() == []                                # second run sends nothing
    assert " 0 request(s)" in again.output


def test_identical_texts_sent_once_and_cache_reused(runner, project, mt):
    blank_half(project)
    result = run(runner, project, "--engine", "libre", "--url", mt.url)
    assert result.exit_code == 0, result.output
    texts = [(r["q"], r["target"]) for r in mt.translations()]
    assert len(texts) == len(set(texts))
    # a fresh project sharing nothing but the cache would be served from it:
    assert (project / ".newsloc" / "state.sqlite").is_file()


def test_numbers_and_glossary_are_protected(runner, project, mt):
    blank_half(project)
    assert run(runner, project, "--engine", "libre", "--url", mt.url).exit_code == 0
    for r in mt.translations():
        sent = re.sub(r"\[X\d+X\]", "", r["q"])
        assert not re.search(r"(?<![^\W\d_])\d", sent), r["q"]      # numbers never sent (K1 is a name)
        assert "ISIS" not in r["q"]                                   # glossary term masked
    ar = {e.msgid: e.msgstr for e in load_catalog(catalogs(project)["ar"]) if "fuzzy" in e.flags}
    isis = [v for k, v in ar.items() if "ISIS" in k]
    if isis:
        assert all("داعش" in v for v in isis)


def test_fuzzy_with_previous_msgid_kept_unless_retranslate(runner, project, mt):
    path = catalogs(project)["ar"]
    text = path.read_text(encoding="utf-8")
    # make the headline entry fuzzy because its source changed
    text = text.replace('msgid "Coalition helps Iraq sustain anti-ISIS fight: officials"',
                        '#, fuzzy\n#| msgid "Coalition helps Iraq: officials"\n'
                        'msgid "Coalition helps Iraq sustain anti-ISIS fight: officials"', 1)
    path.write_text(text, encoding="utf-8")
    before = {e.msgid: e.msgstr for e in load_catalog(path)}
    assert run(runner, project, "--engine", "libre", "--url", mt.url, "--lang", "ar").exit_code == 0
    headline = "Coalition helps Iraq sustain anti-ISIS fight: officials"
    assert {e.msgid: e.msgstr for e in load_catalog(path)}[headline] == before[headline]
    assert run(runner, project, "--engine", "libre", "--url", mt.url, "--lang", "ar",
               "--retranslate").exit_code == 0
    entry = next(e for e in load_catalog(path) if e.msgid == headline)
    assert entry.msgstr.startswith("«ar»") and "fuzzy" in entry.flags and not entry.previous_msgid
    assert "MT: libre" in entry.comment


@pytest.mark.parametrize("mode,kind", [("500", "HTTP 500"), ("malformed", "malformed answer"),
                                       pytest.param("hang", "timeout", marks=pytest.mark.slow),
                                       ("lose", "lost placeholder")])
def test_faults_end_in_clear_message_with_nothing_lost(runner, project, mt, mode, kind):
    set_translate_config(project, "timeout = 0.5\nconcurrency = 4\nbackoff = 0.05\nretries = 1")
    reviewed, before = blank_half_then_fault(project, mt, mode)
    started = time.monotonic()
    result = run(runner, project, "--engine", "libre", "--url", mt.url)
    assert time.monotonic() - started < 30
    assert result.exit_code == 1, result.output
    assert kind in result.output
    assert reviewed_now(project) == reviewed
    left = untranslated(project)
    if mode == "lose":   # only texts with masks fail; the others are filled
        assert 0 < left < before
        assert "stopped sending" not in result.output or "keeps failing" in result.output
    else:
        assert left == before
        assert "stopped sending" in result.output
    mt.mode = "ok"
    result = run(runner, project, "--engine", "libre", "--url", mt.url)
    assert result.exit_code == 0, result.output
    assert untranslated(project) == 0                             # rerun resumes


def test_429_is_retried_with_backoff(project, mt):
    blank_half(project)
    mt.mode, mt.fail_first = "429", 3
    summary = translate_project(project_of(project), [project / "articles" /
                                "coalition-helps-iraq-sustain-anti-isis-fight.txt"], ["ar"],
                                engine="libre", options=EngineOptions(url=mt.url, timeout=2),
                                backoff=0.05)
    assert summary.ok, summary.failures
    assert summary.requests == summary.unique - summary.cache_hits + 3
    assert untranslated(project) > 0  # ckb/ku untouched


def test_quota_warning_stops_the_run(runner, project, mt):
    reviewed = blank_half(project)
    mt.mode = "quota"
    result = run(runner, project, "--engine", "mymemory", "--url", mt.url, "--lang", "ku")
    assert result.exit_code == 1
    assert "quota warning" in result.output
    assert len(mt.translations()) <= 4          # stopped, not one request per segment
    assert reviewed_now(project) == reviewed
    assert "MYMEMORY WARNING" not in catalogs(project)["ku"].read_text(encoding="utf-8")


def test_refused_connection(runner, project, mt):
    blank_half(project)
    set_translate_config(project, "backoff = 0.05\n" + NO_RATE)
    url = mt.url
    mt.stop()
    result = run(runner, project, "--engine", "libre", "--url", url)
    assert result.exit_code == 1
    assert "cannot reach libre server" in result.output and "connection refused" in result.output
    result = run(runner, project, "--engine", "google", "--url", url, "--lang", "ar")
    assert result.exit_code == 1 and "connection refused" in result.output


def test_server_without_ckb_is_refused_before_any_request(runner, project, mt):
    blank_half(project)
    mt.languages = ["en", "ar", "ku"]
    result = run(runner, project, "--engine", "libre", "--url", mt.url)
    assert result.exit_code == 1
    assert "cannot translate 'ckb'" in result.output
    assert mt.translations() == []


def test_key_never_in_files_logs_or_messages(runner, project, mt, caplog, monkeypatch):
    blank_half(project)
    secret = "SECRET-key-4711"
    mt.api_key = "the-right-one"
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("NEWSLOC_LIBRE_API_KEY", secret)
    result = run(runner, project, "--engine", "libre", "--url", mt.url)
    assert result.exit_code == 1
    assert "key was refused" in result.output
    assert secret not in result.output
    assert mt.translations() and mt.translations()[0]["params"]["api_key"] == secret  # it was used
    assert all(secret not in r.getMessage() for r in caplog.records)
    for path in (project / "locales").rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes()
    assert secret.encode() not in (project / "pyproject.toml").read_bytes()


def test_google_endpoint_over_loopback(runner, project, mt):
    blank_half(project)
    set_translate_config(project, NO_RATE)
    result = run(runner, project, "--engine", "google", "--url", mt.url, "--lang", "ckb")
    assert result.exit_code == 0, result.output
    assert {r["target"] for r in mt.translations()} == {"ckb"}
    assert all(r["engine"] == "google" for r in mt.translations())
    assert untranslated(project) > 0 and "MT: google" in catalogs(project)["ckb"].read_text("utf-8")


def test_interrupt_saves_what_was_received(project, mt):
    blank_half(project)
    mt.latency = 0.05
    calls = []

    def progress(done, total):
        calls.append(done)
        if len(calls) == 4:
            raise KeyboardInterrupt

    before = untranslated(project)
    summary = translate_project(project_of(project), [project / "articles" /
                                "coalition-helps-iraq-sustain-anti-isis-fight.txt"],
                                ["ar", "ckb", "ku"], engine="libre",
                                options=EngineOptions(url=mt.url, concurrency=1),
                                progress=progress)
    assert summary.interrupted and summary.translated > 0
    assert untranslated(project) == before - summary.translated


def test_translator_save_during_run_wins(project, mt):
    """A catalogue saved in Poedit while translate runs: only untouched entries get MT."""
    blank_half(project)
    path = catalogs(project)["ar"]
    target = next(e.msgid for e in load_catalog(path) if not e.msgstr and e.msgid)
    state = {"done": False}

    def progress(done, total):
        if done and not state["done"]:
            state["done"] = True
            text = path.read_text(encoding="utf-8")
            escaped = target.replace('"', '\\"')
            assert f'msgid "{escaped}"\nmsgstr ""' in text
            path.write_text(text.replace(f'msgid "{escaped}"\nmsgstr ""',
                                         f'msgid "{escaped}"\nmsgstr "ترجمة المترجم"'),
                            encoding="utf-8")

    summary = translate_project(project_of(project), [project / "articles" /
                                "coalition-helps-iraq-sustain-anti-isis-fight.txt"], ["ar"],
                                engine="libre", options=EngineOptions(url=mt.url),
                                progress=progress)
    entries = {e.msgid: e for e in load_catalog(path)}
    assert entries[target].msgstr == "ترجمة المترجم" and "fuzzy" not in entries[target].flags
    assert summary.kept == 1
    assert all(e.msgstr for e in entries.values() if e.msgid)     # the others were filled
    assert "MT: libre" in path.read_text(encoding="utf-8")


def test_long_text_split_for_mymemory(runner, tmp_path, mt):
    root = tmp_path / "desk"
    (root / "articles").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[tool.newsloc]\nlanguages = ["ku"]\n', encoding="utf-8")
    set_translate_config(root, NO_RATE)
    clause = "officials in the northern province said on Tuesday that the road would reopen soon"
    sentence = "Headline\n\n" + "; ".join([clause] * 9) + ".\n"
    (root / "articles" / "long.txt").write_text(sentence, encoding="utf-8")
    assert runner.invoke(cli, ["--root", str(root), "extract"]).exit_code == 0
    result = run(runner, root, "--engine", "mymemory", "--url", mt.url)
    assert result.exit_code == 0, result.output
    sent = [r["q"] for r in mt.translations()]
    assert all(len(q) <= 480 for q in sent) and len(sent) >= 3
    po = load_catalog(root / "locales" / "ku" / "long.po")
    long_entry = next(e for e in po if len(e.msgid) > 480)
    assert long_entry.msgstr.count(clause.upper()) == 9 and "fuzzy" in long_entry.flags


def test_unknown_engine_and_missing_url(runner, project):
    result = run(runner, project, "--engine", "babelfish")
    assert result.exit_code == 1 and "unknown engine 'babelfish'" in result.output
    blank_half(project)
    result = run(runner, project, "--engine", "libre")
    assert result.exit_code == 1 and "--url" in result.output


def test_help_shows_example(runner):
    result = runner.invoke(cli, ["translate", "--help"])
    assert result.exit_code == 0 and "newsloc translate --engine libre" in result.output

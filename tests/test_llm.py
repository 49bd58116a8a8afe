"""`newsloc translate --engine llm` end to end against a loopback chat-completions server.

The real ``openai`` client talks real HTTP to tests/chatserver.py on
127.0.0.1. The server translates deterministically (``chat_translate``), so
every filled entry can be checked against what *its own* source should
give: an answer refused for one entry must never land on a neighbour.
"""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.catalog import load_catalog
from pipeline.cli import cli
from pipeline.config import load_project
from pipeline.translate.engines import EngineOptions
from pipeline.translate.engines.prompt import parse_answer
from pipeline.translate.glossary import load_glossary
from pipeline.translate.protect import mask, restore
from pipeline.translate.run import translate_project
from .chatserver import chat_translate, entries_of, target_of
from .support_mt import (NUMBER, SEED_SLUG, blank_half, blank_half_then_fault, catalogs,
                         reviewed_now, untranslated)

ARTICLE = f"articles/{SEED_SLUG}.txt"
FAST = "retries = 2\nbackoff = 0.01\ntimeout = 5\n"


def configure(root, text: str = "") -> None:
    """Append [tool.newsloc.translate] with fast retries, and an llm table."""
    with open(root / "pyproject.toml", "a", encoding="utf-8") as fh:
        fh.write("\n[tool.newsloc.translate]\n" + FAST + "\n[tool.newsloc.translate.llm]\n"
                 + text + "\n")


def run(runner, root, chat, *args):
    return runner.invoke(cli, ["--root", str(root), "translate", "--engine", "llm",
                               "--url", chat.url, "--model", "m", "--no-memory", *args])


def expected(root, lang: str, msgid: str) -> str:
    """What the loopback server's translation of *msgid* becomes once restored."""
    masked = mask(msgid, load_glossary(load_project(root), lang))
    return restore(masked, chat_translate(masked.text, lang))


def filled(root, lang: str) -> dict[str, str]:
    """msgid → msgstr of the entries the run filled (fuzzy, MT: llm)."""
    return {e.msgid: e.msgstr for e in load_catalog(catalogs(root)[lang])
            if "fuzzy" in e.flags and e.msgstr and "MT: llm m" in (e.comment or "")}


def assert_no_shift(root, lang: str) -> int:
    """Every filled entry holds the translation of its own source; return how many."""
    got = filled(root, lang)
    for msgid, msgstr in got.items():
        assert msgstr == expected(root, lang, msgid), msgid
    return len(got)


def test_done_when_one_request_per_article_and_language(runner, project, chat):
    reviewed = blank_half(project)
    configure(project)
    before = untranslated(project)
    assert before > 20
    result = run(runner, project, chat)
    assert result.exit_code == 0, result.output
    assert untranslated(project) == 0
    assert reviewed_now(project) == reviewed                 # byte-identical reviewed entries
    bodies = chat.requests()
    assert sorted(target_of(b) for b in bodies) == ["ar", "ckb", "ku"]   # one per language
    assert sum(len(entries_of(b)) for b in bodies) == before  # every entry asked once
    for lang in ("ar", "ckb", "ku"):
        assert assert_no_shift(project, lang) > 0
        for entry in load_catalog(catalogs(project)[lang]):
            if "fuzzy" in entry.flags and entry.msgstr:
                assert re.search(r"^MT: llm m \d{4}-\d\d-\d\d$", entry.comment, re.M), entry
                assert sorted(NUMBER.findall(entry.msgid)) == sorted(NUMBER.findall(entry.msgstr))
                assert "[X" not in entry.msgstr
    for body in bodies:                                      # numbers never sent
        for item in entries_of(body):
            assert not re.search(r"(?<![^\W\d_])\d", re.sub(r"\[X\d+X\]", "", item["source"]))
    tokens = re.search(r"([\d,]+) token\(s\) in, ([\d,]+) out", result.output)
    assert tokens and int(tokens.group(1).replace(",", "")) > 0, result.output
    chat.reset()
    again = run(runner, project, chat)
    assert again.exit_code == 0, again.output
    assert chat.requests() == []                             # second run sends nothing
    assert " 0 request(s)" in again.output


def test_request_carries_context_glossary_and_style(runner, project, chat):
    blank_half(project)
    configure(project)
    style = "Write numbers with Eastern Arabic digits. Spell the commander Yarallah as یارەڵڵا."
    (project / "locales" / "ckb" / "style.md").write_text(style + "\n", encoding="utf-8")
    notes = {e.msgid: " ".join(e.comment.split()) for e in load_catalog(catalogs(project)["ckb"])
             if e.comment}
    result = run(runner, project, chat, "--lang", "ckb")
    assert result.exit_code == 0, result.output
    (body,) = chat.requests()
    assert body["model"] == "m"
    assert body["response_format"]["type"] == "json_schema"
    system, context, last = body["messages"]
    assert system["role"] == "system" and last["role"] == "user"
    assert "کوردیی ناوەندی" in system["content"] and "Sorani" in system["content"]
    assert "Latin" in system["content"]                      # never Latin letters
    assert "Coalition helps Iraq sustain anti-ISIS fight: officials" in context["content"]
    assert "ISIS => داعش" in context["content"]             # glossary term found in the article
    assert "Peshmerga" not in context["content"] or "Peshmerga" in \
        (project / ARTICLE).read_text(encoding="utf-8")      # only terms of this article
    assert style in context["content"]
    items = json.loads(last["content"])
    plain = [i for i in items if i["source"] in notes]                  # items without masks
    assert plain and all(f"- id {i['id']}: {notes[i['source']]}" in context["content"]
                         for i in plain)                                # the extractor's notes
    assert all(set(item) == {"id", "source"} for item in items)
    assert len({item["id"] for item in items}) == len(items)
    reviewed = [e for e in load_catalog(catalogs(project)["ckb"]) if e.msgstr and "fuzzy" not in
                e.flags and "MT:" not in (e.comment or "")]
    assert any(f"=> {e.msgstr}" in context["content"] for e in reviewed)  # reviewed neighbours


def test_kurmanji_prompt_and_script(runner, project, chat):
    blank_half(project)
    configure(project)
    assert run(runner, project, chat, "--lang", "ku").exit_code == 0
    (body,) = chat.requests()
    assert "Kurdî (Kurmancî)" in body["messages"][0]["content"]
    assert "locale code ku" in body["messages"][0]["content"]


@pytest.mark.parametrize("mode,lang,kind,refused", [
    ("shuffle", "ar", None, 0),
    ("prose", "ar", None, 0),
    ("extra", "ar", None, 0),
    ("missing", "ar", "missing item", 1),
    ("empty", "ckb", "empty translation", 1),
    ("badtype", "ckb", "malformed item", 1),
    ("duplicate", "ku", "duplicate item", 1),
    ("latin", "ckb", "wrong script", 1),
    ("arabic", "ku", "wrong script", 1),
    ("nul", "ar", "control character", 1),
    ("long", "ckb", "too long", 1),
])
def test_answers_matched_by_id_never_shifted(runner, project, chat, mode, lang, kind, refused):
    configure(project)
    reviewed, before = blank_half_then_fault(project, chat, mode)
    result = run(runner, project, chat, "--lang", lang)
    assert len(chat.requests()) == 1
    assert reviewed_now(project) == reviewed
    asked = len(entries_of(chat.requests()[0]))
    assert assert_no_shift(project, lang) == asked - refused
    assert untranslated(project) == before - asked + refused
    if kind is None:
        assert result.exit_code == 0, result.output
        if mode == "extra":
            assert "1 extra item(s) ignored" in result.output
    else:
        assert result.exit_code == 1
        assert f"1 {kind}" in result.output, result.output


def test_truncated_answer_keeps_complete_items_only(runner, project, chat):
    blank_half(project)
    configure(project)
    chat.mode = "length"
    result = run(runner, project, chat, "--lang", "ar")
    assert result.exit_code == 1
    asked = len(entries_of(chat.requests()[0]))
    kept = assert_no_shift(project, "ar")
    assert 0 < kept < asked
    assert f"{asked - kept} answer cut off" in result.output, result.output
    chat.reset()
    assert run(runner, project, chat, "--lang", "ar").exit_code == 0   # the rest on a rerun
    assert len(entries_of(chat.requests()[0])) == asked - kept
    assert assert_no_shift(project, "ar") == asked


def test_lost_masks_and_no_json(runner, project, chat):
    blank_half(project)
    configure(project)
    chat.mode = "lose"
    result = run(runner, project, chat, "--lang", "ar")
    assert result.exit_code == 1 and "lost placeholder" in result.output
    with_masks = [i for i in entries_of(chat.requests()[0]) if "[X" in i["source"]]
    assert with_masks
    assert all("[X" not in mask(k, load_glossary(load_project(project), "ar")).text
               for k in filled(project, "ar"))               # only mask-free entries filled
    chat.reset()
    chat.mode = "nojson"
    result = run(runner, project, chat, "--lang", "ar")
    assert result.exit_code == 1 and "malformed answer" in result.output
    assert "Traceback" not in result.output


def test_429_retry_after_is_honoured(runner, project, chat):
    blank_half(project)
    configure(project)
    chat.mode, chat.fail_first, chat.retry_after = "429", 1, "1"
    result = run(runner, project, chat, "--lang", "ar")
    assert result.exit_code == 0, result.output
    first, second = chat.arrivals()
    assert second - first >= 0.9               # waited as asked, not the 0.01 s backoff
    assert "2 request(s)" in result.output


def test_500_retried_then_given_up(runner, project, chat):
    reviewed = blank_half(project)
    configure(project)
    chat.mode, chat.fail_first = "500", 2
    result = run(runner, project, chat, "--lang", "ar")
    assert result.exit_code == 0, result.output
    assert len(chat.requests()) == 3
    chat.reset()
    before = untranslated(project)
    chat.mode = "500"
    result = run(runner, project, chat, "--lang", "ckb")
    assert result.exit_code == 1 and "HTTP 500" in result.output
    assert len(chat.requests()) == 3                   # 1 + retries = 2
    assert untranslated(project) == before and reviewed_now(project) == reviewed


def test_hung_server_ends_at_the_deadline(runner, project, chat):
    reviewed = blank_half(project)
    configure(project, "timeout = 0.5\n")
    before = untranslated(project)
    chat.mode = "hang"
    result = run(runner, project, chat, "--lang", "ku")
    assert result.exit_code == 1
    assert "timeout" in result.output
    assert untranslated(project) == before and reviewed_now(project) == reviewed


@pytest.mark.parametrize("mode,kind", [("trickle", "timeout"), ("huge", "engine error"),
                                       ("notjson", "malformed answer")])
def test_hostile_server_ends_in_a_counted_failure(runner, project, chat, mode, kind):
    """A server that trickles, floods or answers garbage: the run ends, nothing is written."""
    configure(project, "timeout = 0.5\nretries = 0\n")
    reviewed, before = blank_half_then_fault(project, chat, mode)
    result = run(runner, project, chat, "--lang", "ckb")
    assert result.exit_code == 1
    assert kind in result.output, result.output
    assert "Traceback" not in result.output
    assert untranslated(project) == before and reviewed_now(project) == reviewed


def test_server_without_structured_outputs(runner, project, chat):
    blank_half(project)
    configure(project)
    chat.mode = "noschema"
    result = run(runner, project, chat)
    assert result.exit_code == 0, result.output
    bodies = chat.requests()
    assert "response_format" in bodies[0]
    # requests already in flight may meet the refusal too; each is sent again once, without it
    assert sum("response_format" not in b for b in bodies) == 3 and len(bodies) <= 6
    assert untranslated(project) == 0


def test_long_article_split_by_token_budget(runner, project, chat):
    blank_half(project)
    configure(project, "token_budget = 120\n")
    before = untranslated(project)
    result = run(runner, project, chat, "--lang", "ar")
    assert result.exit_code == 0, result.output
    bodies = chat.requests()
    assert len(bodies) > 1
    assert all(len(entries_of(b)) >= 1 for b in bodies)
    assert untranslated(project) == before - sum(len(entries_of(b)) for b in bodies)
    assert assert_no_shift(project, "ar") == sum(len(entries_of(b)) for b in bodies)


def test_answers_refused_whole_stop_the_run_after_five(runner, project, chat):
    """An answer whose every item is refused (Sorani in Latin letters) is a failure of
    the engine: five in a row stop sending, as five failed requests do."""
    blank_half(project)
    configure(project, "token_budget = 60\nconcurrency = 1\n")
    chat.mode = "latinall"
    result = run(runner, project, chat, "--lang", "ckb")
    assert result.exit_code == 1, result.output
    assert "every item of the answer refused" in result.output
    sent = len(chat.requests())
    assert 5 <= sent <= 6  # the fifth refused answer stops it (one more may be on the wire)
    assert not filled(project, "ckb")
    chat.mode = "ok"  # what the whole run would have sent
    assert run(runner, project, chat, "--lang", "ckb").exit_code == 0
    assert len(chat.requests()) - sent > sent


def test_malformed_answers_count_once_toward_the_breaker(runner, project, chat):
    """A model's answer that holds no JSON counts once toward the breaker (where it
    arrives), not again as 'every item refused': the run stops after five, as five
    failed requests do (it stopped after three when each counted twice)."""
    blank_half(project)
    configure(project, "token_budget = 60\nconcurrency = 1\nretries = 0\n")
    chat.mode = "nojson"
    result = run(runner, project, chat, "--lang", "ckb")
    assert result.exit_code == 1, result.output
    assert 5 <= len(chat.requests()) <= 6
    assert not filled(project, "ckb")


def test_refused_key_stops_and_is_never_shown(runner, project, chat, monkeypatch):
    blank_half(project)
    configure(project)
    chat.api_key = "the-right-one"
    secret = "SECRET-llm-key-4711"
    monkeypatch.setenv("NEWSLOC_LLM_API_KEY", secret)
    result = run(runner, project, chat)
    assert result.exit_code == 1
    assert "key was refused" in result.output and secret not in result.output
    assert len(chat.requests()) <= 4                 # stopped, not one per catalogue and retries
    chat.reset()
    monkeypatch.setenv("NEWSLOC_LLM_API_KEY", "the-right-one")
    assert run(runner, project, chat).exit_code == 0


def test_azure_deployment_route(runner, project, chat, monkeypatch):
    """api_version set: the client's Azure mode, the deployment in the path, the key as api-key."""
    blank_half(project)
    root = chat.url[:-len("/v1")]
    configure(project, 'api_version = "2024-10-21"\n')
    monkeypatch.setenv("NEWSLOC_LLM_API_KEY", "azure-key")
    result = runner.invoke(cli, ["--root", str(project), "translate", "--engine", "llm", "--url",
                                 root, "--model", "desk-gpt", "--lang", "ar", "--no-memory"])
    assert result.exit_code == 0, result.output
    (path,) = chat.paths
    assert path == "/openai/deployments/desk-gpt/chat/completions?api-version=2024-10-21"
    assert chat.headers[0].get("api-key") == "azure-key"
    assert "MT: llm desk-gpt" in catalogs(project)["ar"].read_text(encoding="utf-8")


def test_missing_model_is_one_line(runner, project, chat):
    blank_half(project)
    result = runner.invoke(cli, ["--root", str(project), "translate", "--engine", "llm",
                                 "--url", chat.url])
    assert result.exit_code != 0 and "--model" in result.output
    assert chat.requests() == []


def test_cache_keyed_by_model(project, chat):
    blank_half(project)
    configure(project)
    root = load_project(project)
    paths = [project / ARTICLE]
    first = translate_project(root, paths, ["ar"], engine="llm",
                              options=EngineOptions(url=chat.url, model="m", timeout=5))
    assert first.ok and first.requests == 1 and first.tokens_in > 0
    blank_half(project)
    again = translate_project(root, paths, ["ar"], engine="llm",
                              options=EngineOptions(url=chat.url, model="m", timeout=5))
    assert again.requests == 0 and again.cache_hits > 0
    blank_half(project)
    other = translate_project(root, paths, ["ar"], engine="llm",
                              options=EngineOptions(url=chat.url, model="other", timeout=5))
    assert other.requests == 1


def test_json_summary_build_and_post_edit_per_model(runner, project, chat):
    """Settings alone drive build; --json carries tokens; status measures post-edit per model."""
    blank_half(project)
    configure(project, f'url = "{chat.url}"\nmodel = "m"\n')
    text = (project / "pyproject.toml").read_text(encoding="utf-8")
    (project / "pyproject.toml").write_text(
        text.replace("[tool.newsloc.translate]\n", '[tool.newsloc.translate]\nengine = "llm"\n', 1),
        encoding="utf-8")
    result = runner.invoke(cli, ["--root", str(project), "translate", "--lang", "ar", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["engine"] == "llm" and summary["requests"] == 1 and summary["ok"]
    assert summary["tokens_in"] > 0 and summary["tokens_out"] > 0 and summary["failures"] == []
    assert summary["translated"] == len(filled(project, "ar"))
    # a reviewer accepts one suggestion as is: post-edit distance 0 for model m
    path = catalogs(project)["ar"]
    po = path.read_text(encoding="utf-8")
    first = po.index("#. MT: llm m ")
    flag = po.index("#, fuzzy\n", first)
    path.write_text(po[:flag] + po[flag + len("#, fuzzy\n"):], encoding="utf-8")
    status = runner.invoke(cli, ["--root", str(project), "status", "--lang", "ar", "--json"])
    assert status.exit_code == 0, status.output
    text = json.dumps(json.loads(status.output))
    assert '"llm m": {"measured": 1, "mean_distance": 0.0, "unchanged": 1' in text, text[:2000]
    build = runner.invoke(cli, ["--root", str(project), "build"])
    assert build.exit_code in (0, 1), build.output
    assert "translate (llm)" in build.output
    assert {target_of(b) for b in chat.requests()} == {"ar", "ckb", "ku"}


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_parse_answer_never_moves_a_text_to_another_id(data):
    """Whatever an answer drops, repeats, adds or reorders, a text only ever lands on its own id."""
    ids = data.draw(st.lists(st.text("0123456789abc", min_size=1, max_size=4), min_size=1,
                             max_size=12, unique=True))
    truth = {i: f"text of {i}" for i in ids}
    kept = data.draw(st.lists(st.sampled_from(ids), max_size=2 * len(ids)))   # drops, repeats
    extra = data.draw(st.lists(st.text("xyz", min_size=1, max_size=3), max_size=3))
    items = [{"id": i, "text": truth[i]} for i in kept] + [{"id": e, "text": "?"} for e in extra]
    items = data.draw(st.permutations(items))
    wrap = data.draw(st.sampled_from(["{}", "Sure:\n```json\n{}\n```", "Here: {} Done."]))
    parsed = parse_answer(wrap.replace("{}", json.dumps({"translations": items})), ids)
    for i, text in parsed.texts.items():
        assert text == truth[i]
    assert set(parsed.texts) | set(parsed.refused) == set(ids)
    assert not set(parsed.texts) & set(parsed.refused)
    assert set(parsed.texts) == {i for i in ids if kept.count(i) == 1}
    assert set(parsed.extra) == set(extra) - set(ids)


def test_a_quota_warning_as_the_answer_stops_sending(runner, project, chat):
    """As with the per-sentence engines: the first quota warning ends the run, nothing more is paid for."""
    blank_half(project)
    configure(project, "concurrency = 1")
    chat.mode = "quota"
    result = run(runner, project, chat)                     # ar, ckb and ku: three requests planned
    assert result.exit_code == 1, result.output
    assert "stopped sending" in result.output and "quota" in result.output.lower()
    assert len(chat.requests()) == 1
    assert not any(filled(project, lang) for lang in ("ar", "ckb", "ku"))

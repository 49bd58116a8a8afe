"""Merging as msgmerge --previous does: the previous msgid, near-copies, a missing header."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from pipeline.catalog import load_catalog, save_catalog
from pipeline.cli import cli
from pipeline.extract import extract_article

from .support_memory import one_article

ARTICLE = """\
Army retakes the town of Hit

By Staff in Baghdad

The dog crossed the river at dawn. Officials said 12 fighters were killed.

Residents returned to their homes on Tuesday.
"""


@pytest.fixture
def desk(tmp_path):
    project, article = one_article(tmp_path / "desk", "hit.txt", ARTICLE)
    path = project.catalog_path("hit", "ar")
    po = load_catalog(path)
    for e in po:  # a translator reviews everything
        e.msgstr = f"AR:{e.msgid}"
    save_catalog(po, path)
    return project, article, path


def _edit(project, article, path, old, new):
    article.write_text(article.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    extract_article(project, article, ["ar"])
    return load_catalog(path)


def test_fuzzy_entry_edited_again_keeps_the_text_its_translation_was_made_from(desk):
    project, article, path = desk
    po = _edit(project, article, path, "The dog crossed the river", "The dog crossed the lake")
    entry = po.find("The dog crossed the lake at dawn.")
    assert "fuzzy" in entry.flags and entry.previous_msgid == "The dog crossed the river at dawn."
    # Not reviewed yet, the sentence changes again: #| still shows "dog ... river",
    # the text the translation says, so the reviewer sees both changes.
    po = _edit(project, article, path, "The dog crossed the lake", "The cat crossed the lake")
    entry = po.find("The cat crossed the lake at dawn.")
    assert "fuzzy" in entry.flags
    assert entry.msgstr == "AR:The dog crossed the river at dawn."
    assert entry.previous_msgid == "The dog crossed the river at dawn."


def test_reviewed_entry_edited_shows_its_own_msgid(desk):
    project, article, path = desk
    po = _edit(project, article, path, "The dog crossed the river", "The dog crossed the lake")
    entry = po.find("The dog crossed the lake at dawn.")
    entry.msgstr = "AR:reviewed lake"
    entry.flags.remove("fuzzy")
    entry.previous_msgid = None
    save_catalog(po, path)
    po = _edit(project, article, path, "The dog crossed the lake", "The cat crossed the lake")
    entry = po.find("The cat crossed the lake at dawn.")
    assert entry.msgstr == "AR:reviewed lake"
    assert entry.previous_msgid == "The dog crossed the lake at dawn."


def test_near_copy_of_a_live_sentence_gets_its_translation_as_a_suggestion(desk):
    project, article, path = desk
    po = _edit(project, article, path, "Residents returned to their homes on Tuesday.",
               "Residents returned to their homes on Tuesday.\n\n"
               "Residents returned to their homes on Wednesday.")
    live = po.find("Residents returned to their homes on Tuesday.")
    assert live.msgstr == "AR:Residents returned to their homes on Tuesday." and "fuzzy" not in live.flags
    copy = po.find("Residents returned to their homes on Wednesday.")
    assert "fuzzy" in copy.flags
    assert copy.msgstr == live.msgstr
    assert copy.previous_msgid == "Residents returned to their homes on Tuesday."


def test_catalogue_without_header_is_an_error_for_check_and_restored_by_extract(desk, runner):
    project, article, path = desk
    text = path.read_text(encoding="utf-8")
    body = text[text.index("\n\n#") + 2:]  # every entry, no header entry
    path.write_text(body, encoding="utf-8")
    root = str(project.root)
    result = runner.invoke(cli, ["--root", root, "check", "--lang", "ar"])
    assert result.exit_code == 1
    assert "hit.po" in result.output and "no header entry" in result.output

    result = runner.invoke(cli, ["--root", root, "extract", "--lang", "ar"])
    assert result.exit_code == 0, result.output
    assert "locales/ar/hit.po: no header entry" in result.output and "restored" in result.output
    po = load_catalog(path)
    assert po.metadata["Language"] == "ar"
    assert po.metadata["Plural-Forms"].startswith("nplurals=6;")
    assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert all(e.msgstr == f"AR:{e.msgid}" for e in po)  # every translation kept
    msgfmt = shutil.which("msgfmt")
    if msgfmt:
        proc = subprocess.run([msgfmt, "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
    result = runner.invoke(cli, ["--root", root, "extract", "--lang", "ar"])
    assert "no header entry" not in result.output


def test_a_kept_translation_revived_over_an_empty_twin_keeps_the_twins_comment_and_flags():
    """A hand-merged file: an empty live entry and its obsolete translated twin."""
    import polib

    from pipeline.catalog import merge, parse_catalog
    po = parse_catalog('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
                       '"Language: ar\\n"\n\n'
                       '# translator: check the name\n#, my-flag\nmsgid "Hello"\nmsgstr ""\n\n'
                       '#~ msgid "Hello"\n#~ msgstr "مرحبا"\n')
    template = polib.POFile()
    template.metadata = {"POT-Creation-Date": "2026-01-01 00:00+0000"}
    template.append(polib.POEntry(msgid="Hello", msgstr=""))
    [entry] = [e for e in merge(po, template, "ar") if not e.obsolete]
    assert entry.msgstr == "مرحبا"
    assert entry.tcomment == "translator: check the name" and "my-flag" in entry.flags

"""Catalogues: the golden template, headers, update semantics, real PO files."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

from pipeline.catalog import (load_catalog, merge, new_catalog, parse_catalog, save_catalog,
                              catalog_text)
from pipeline.config import load_project
from pipeline.extract import extract_article

from .paths import PO_REAL, SEED
from .support_memory import one_article
from .tools import msgfmt_check

def msgfmt_ok(path: Path) -> None:
    code, complaints = msgfmt_check(path.read_bytes())
    assert code == 0, complaints


def test_golden_template(empty_project, golden):
    project = load_project(empty_project)
    path = project.articles_dir / SEED.name
    extract_article(project, path)
    golden.check_file("seed/expected.pot", project.template_path(SEED.stem))


def test_seed_catalogues_headers_and_msgfmt(empty_project):
    project = load_project(empty_project)
    extract_article(project, project.articles_dir / SEED.name)
    msgfmt_ok(project.template_path(SEED.stem))
    nplurals = {"ar": "nplurals=6;", "ckb": "nplurals=2;", "ku": "nplurals=2;"}
    for lang in project.languages:
        path = project.catalog_path(SEED.stem, lang)
        msgfmt_ok(path)
        po = load_catalog(path)
        assert po.metadata["Language"] == lang
        assert po.metadata["Plural-Forms"].startswith(nplurals[lang])
        assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"
        assert po.metadata["X-Generator"].startswith("newsloc")
        assert po.metadata["POT-Creation-Date"]
        assert len(po) == 28


def test_entries_carry_role_and_occurrence(empty_project):
    project = load_project(empty_project)
    extract_article(project, project.articles_dir / SEED.name)
    pot = load_catalog(project.template_path(SEED.stem))
    head = pot.find("Coalition helps Iraq sustain anti-ISIS fight: officials")
    assert head.comment == "headline"
    assert head.occurrences == [(f"articles/{SEED.name}", "4")]
    credit = pot.find("Ahmad al-Rubaye/AFP")
    assert credit.comment.startswith("photo credit")
    assert not any("Do you like" in e.msgid or "Comment" in e.msgid for e in pot)


def test_identical_segments_share_one_entry(tmp_path):
    root = tmp_path / "p"
    (root / "articles").mkdir(parents=True)
    (root / "articles" / "dup.txt").write_text(
        "Headline\n\nThe army said so. Fighting continued.\n\nLater, it rained. The army said so.\n")
    project = load_project(root)
    extract_article(project, root / "articles" / "dup.txt", ["ar"])
    pot = load_catalog(project.template_path("dup"))
    entry = pot.find("The army said so.")
    assert [e.msgid for e in pot].count("The army said so.") == 1
    assert entry.occurrences == [("articles/dup.txt", "3"), ("articles/dup.txt", "5")]
    assert entry.comment == "paragraph, sentence 1 of 2\nparagraph, sentence 2 of 2"


def test_extract_twice_rewrites_nothing(empty_project):
    project = load_project(empty_project)
    path = project.articles_dir / SEED.name
    extract_article(project, path)
    files = [project.template_path(SEED.stem)] + [project.catalog_path(SEED.stem, l) for l in project.languages]
    before = {f: (f.read_bytes(), f.stat().st_mtime_ns) for f in files}
    result = extract_article(project, path)
    assert result.written == []
    assert {f: (f.read_bytes(), f.stat().st_mtime_ns) for f in files} == before


# --- update scenarios -------------------------------------------------------

ORIGINAL = """\
Army retakes the town of Hit

By Staff in Baghdad

Iraqi forces retook the town on Monday. Officials said 12 fighters were killed.

The operation began at dawn. It lasted six hours.

Residents returned to their homes on Tuesday.
"""


def _translate_all(project, slug, lang="ar"):
    """A translator reviews every entry: msgstr filled, nothing fuzzy."""
    path = project.catalog_path(slug, lang)
    po = load_catalog(path)
    for e in po:
        if not e.obsolete:
            e.msgstr = f"AR:{e.msgid}"
            e.tcomment = "checked by Layla"
            if "fuzzy" in e.flags:
                e.flags.remove("fuzzy")
    save_catalog(po, path)
    return {e.msgid: e.msgstr for e in po if not e.obsolete}


@pytest.fixture
def town(tmp_path):
    project, article = one_article(tmp_path / "town", "town.txt", ORIGINAL)
    reviewed = _translate_all(project, "town")
    return project, article, reviewed


def _reextract(project, article, text):
    article.write_text(text, encoding="utf-8")
    extract_article(project, article, ["ar"])
    path = project.catalog_path("town", "ar")
    msgfmt_ok(path)
    return load_catalog(path)


def _assert_nothing_lost(po, reviewed):
    """Every reviewed translation is still active, fuzzy-with-previous, or obsolete."""
    kept = {(e.msgid, e.msgstr) for e in po} | {(e.previous_msgid, e.msgstr) for e in po if e.previous_msgid}
    for msgid, msgstr in reviewed.items():
        assert (msgid, msgstr) in kept, msgid


def test_edit_a_sentence_makes_it_fuzzy_with_previous(town):
    project, article, reviewed = town
    po = _reextract(project, article, ORIGINAL.replace("12 fighters", "15 fighters"))
    entry = po.find("Officials said 15 fighters were killed.")
    assert "fuzzy" in entry.flags
    assert entry.previous_msgid == "Officials said 12 fighters were killed."
    assert entry.msgstr == "AR:Officials said 12 fighters were killed."
    assert entry.tcomment == "checked by Layla"
    old = po.find("Officials said 12 fighters were killed.", include_obsolete_entries=True)
    assert old.obsolete and old.msgstr == "AR:Officials said 12 fighters were killed."
    unchanged = po.find("Iraqi forces retook the town on Monday.")
    assert unchanged.msgstr == "AR:Iraqi forces retook the town on Monday." and "fuzzy" not in unchanged.flags
    _assert_nothing_lost(po, reviewed)
    assert "#| msgid \"Officials said 12 fighters were killed.\"" in catalog_text(po)


def test_insert_a_paragraph(town):
    project, article, reviewed = town
    text = ORIGINAL.replace("Residents returned", "Coalition aircraft supported the attack.\n\nResidents returned")
    po = _reextract(project, article, text)
    new = po.find("Coalition aircraft supported the attack.")
    assert new.msgstr == "" or "fuzzy" in new.flags
    for msgid, msgstr in reviewed.items():
        entry = po.find(msgid)
        assert entry is not None and entry.msgstr == msgstr and "fuzzy" not in entry.flags


def test_delete_a_paragraph_keeps_it_obsolete(town):
    project, article, reviewed = town
    po = _reextract(project, article, ORIGINAL.replace("The operation began at dawn. It lasted six hours.\n\n", ""))
    gone = po.find("It lasted six hours.", include_obsolete_entries=True)
    assert gone.obsolete and gone.msgstr == "AR:It lasted six hours."
    assert "#~ msgid \"It lasted six hours.\"" in catalog_text(po)
    _assert_nothing_lost(po, reviewed)


def test_deleted_then_restored_paragraph_revives(town):
    project, article, reviewed = town
    _reextract(project, article, ORIGINAL.replace("The operation began at dawn. It lasted six hours.\n\n", ""))
    po = _reextract(project, article, ORIGINAL)
    for msgid, msgstr in reviewed.items():
        entry = po.find(msgid)
        assert entry.msgstr == msgstr and "fuzzy" not in entry.flags and not entry.obsolete
    assert not [e for e in po if e.obsolete]


def test_reorder_paragraphs_loses_nothing(town):
    project, article, reviewed = town
    blocks = ORIGINAL.strip().split("\n\n")
    reordered = "\n\n".join(blocks[:2] + [blocks[4], blocks[3], blocks[2]]) + "\n"
    po = _reextract(project, article, reordered)
    assert [e.msgid for e in po if not e.obsolete][2] == "Residents returned to their homes on Tuesday."
    for msgid, msgstr in reviewed.items():
        entry = po.find(msgid)
        assert entry.msgstr == msgstr and "fuzzy" not in entry.flags
    assert not [e for e in po if e.obsolete]


def test_mt_provenance_survives_reextraction(town):
    project, article, _ = town
    path = project.catalog_path("town", "ar")
    po = load_catalog(path)
    entry = po.find("Residents returned to their homes on Tuesday.")
    entry.flags.append("fuzzy")
    entry.comment += "\nMT: google 2026-11-23"
    save_catalog(po, path)
    po = _reextract(project, article, ORIGINAL.replace("on Monday", "on Sunday"))
    assert po.find("Residents returned to their homes on Tuesday.").comment == \
        "paragraph\nMT: google 2026-11-23"


def test_translator_header_fields_survive(town):
    project, article, _ = town
    path = project.catalog_path("town", "ar")
    po = load_catalog(path)
    po.metadata["Last-Translator"] = "Layla Hassan <layla@example.org>"
    po.metadata["X-Generator"] = "Poedit 3.4.2"
    save_catalog(po, path)
    po = _reextract(project, article, ORIGINAL.replace("on Monday", "on Sunday"))
    assert po.metadata["Last-Translator"] == "Layla Hassan <layla@example.org>"
    assert po.metadata["X-Generator"] == "Poedit 3.4.2"


# --- real PO files ----------------------------------------------------------

REAL = sorted(PO_REAL.glob("*.po"))


def _fingerprint(po):
    return sorted((e.msgctxt or "", e.msgid, e.msgid_plural, e.msgstr, tuple(sorted(e.msgstr_plural.items())),
                   tuple(e.flags), e.comment, e.tcomment, e.obsolete, e.previous_msgid or "",
                   e.previous_msgctxt or "", tuple(e.occurrences)) for e in po)


@pytest.mark.shared
@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_real_po_round_trip_loses_nothing(path, tmp_path):
    po = load_catalog(path)
    assert len(po) > 0
    out = tmp_path / path.name
    save_catalog(po, out)
    again = load_catalog(out)
    assert _fingerprint(again) == _fingerprint(po)
    expected = dict(po.metadata)
    if "Content-Type" in expected:  # newsloc always writes UTF-8 and says so
        expected["Content-Type"] = again.metadata["Content-Type"]
        assert "charset=UTF-8" in expected["Content-Type"]
    assert again.metadata == expected
    assert po.header == again.header
    reference = polib.pofile(str(path))
    assert len([e for e in reference]) == len([e for e in again])
    assert sum(1 for e in reference if e.translated()) == sum(1 for e in again if e.translated())


@pytest.mark.shared
@pytest.mark.parametrize("path", REAL[:4], ids=lambda p: p.name)
def test_real_po_merge_keeps_every_translation(path):
    po = load_catalog(path)
    template = parse_catalog(catalog_text(po))
    for e in template:
        e.msgstr = ""
        e.msgstr_plural = {k: "" for k in e.msgstr_plural}
    template = parse_catalog("".join(str(e) + "\n" for e in template if not e.obsolete) or 'msgid ""\nmsgstr ""\n')
    lang = po.metadata.get("Language") or "ar"
    merged = merge(po, template, lang.split("_")[0] or "ar")
    before = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in po if e.translated()}
    after = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in merged}
    for key, value in before.items():
        assert after.get(key) == value, key


def test_new_catalog_for_each_language_has_cldr_plurals():
    template = parse_catalog('msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "Hello."\nmsgstr ""\n')
    ar = new_catalog(template, "ar")
    assert ar.metadata["Plural-Forms"].startswith("nplurals=6; plural=n==0 ? 0")
    assert ar.metadata["Language"] == "ar"
    assert ar.metadata["Language-Team"] == "Arabic"

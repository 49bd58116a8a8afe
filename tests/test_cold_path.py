"""The cold extraction shortcuts give exactly the bytes of the long way.

* ``fresh_catalog_texts`` formats a template's entries once for the template
  and every brand-new catalogue: the texts must equal ``catalog_text`` of
  ``new_catalog`` for each language, and fall back when entries would not
  carry over unchanged.
"""

from __future__ import annotations

import pytest

from pipeline.article import read_article
from pipeline.catalog import (build_template, catalog_text, fresh_catalog_texts, load_catalog,
                              new_catalog, parse_catalog)
from pipeline.config import load_project
from pipeline.segment import segment_article

from .conftest import SEED, SEED_SLUG


def _seed_template():
    article = read_article(SEED)
    return build_template(segment_article(article), source_ref=f"articles/{SEED.name}",
                          title=article.headline)


def test_fresh_texts_equal_new_catalogues():
    template = _seed_template()
    pot_text, texts = fresh_catalog_texts(template, ["ar", "ckb", "ku"])
    assert pot_text == catalog_text(template)
    assert set(texts) == {"ar", "ckb", "ku"}
    for lang, text in texts.items():
        assert text == catalog_text(new_catalog(template, lang))


def test_fresh_texts_of_committed_template_equal_new_catalogues(project):
    template = load_catalog(load_project(project).template_path(SEED_SLUG))
    pot_text, texts = fresh_catalog_texts(template, ["ar"])
    assert pot_text == catalog_text(template)
    assert texts["ar"] == catalog_text(new_catalog(template, "ar"))


@pytest.mark.parametrize("change", ["flag", "msgstr", "obsolete", "tcomment", "blank comment line",
                                    "previous"])
def test_fresh_texts_fall_back_when_entries_do_not_carry_over(change):
    template = _seed_template()
    entry = template[2]
    if change == "flag":
        entry.flags.append("c-format")
    elif change == "msgstr":
        entry.msgstr = "x"
    elif change == "obsolete":
        entry.obsolete = True
    elif change == "tcomment":
        entry.tcomment = "a note"
    elif change == "blank comment line":
        entry.comment = "paragraph\n\nsecond"
    else:
        entry.previous_msgid = "old"
    pot_text, texts = fresh_catalog_texts(template, ["ar", "ku"])
    assert pot_text == catalog_text(template)
    for lang, text in texts.items():
        assert text == catalog_text(new_catalog(template, lang))


def test_fresh_texts_of_empty_template():
    template = parse_catalog(catalog_text(_seed_template()))
    for entry in list(template):
        template.remove(entry)
    pot_text, texts = fresh_catalog_texts(template, ["ar"])
    assert pot_text == catalog_text(template)
    assert texts["ar"] == catalog_text(new_catalog(template, "ar"))

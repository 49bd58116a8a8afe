"""Plural-Forms: the formula gettext, Weblate and existing catalogues use, derived from CLDR."""

from __future__ import annotations

import gettext

import polib
import pytest
from babel import Locale
from babel.localedata import locale_identifiers

from pipeline.catalog import load_catalog, save_catalog
from pipeline.cli import cli
from pipeline.config import load_project
from pipeline.extract import extract_article
from pipeline.locales import (PLURAL_SAMPLE, plural_forms, plural_forms_header, plural_meaning,
                              plural_permutation)

from .paths import PO_REAL

#: The formula of gettext's msginit and Weblate for Arabic (forms: zero one two few many other).
ARABIC = ("nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 "
          ": n%100>=11 ? 4 : 5;")
#: What newsloc wrote before (babel's table): forms 4 and 5 swapped.
BABEL_ARABIC = ("nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 "
                ": n%100>=0 && n%100<=2 ? 4 : 5);")


def test_configured_languages_get_the_conventional_formulas():
    assert plural_forms_header("ar") == ARABIC
    assert plural_forms_header("ar_IQ") == ARABIC
    assert plural_forms_header("ckb") == "nplurals=2; plural=(n != 1);"
    assert plural_forms_header("ku") == "nplurals=2; plural=(n != 1);"


def _distinct_rule_sets():
    seen = {}
    for code in sorted(locale_identifiers()):
        rules = Locale.parse(code).plural_form.rules
        seen.setdefault(tuple(sorted(rules.items())), code)
    return sorted(seen.values())


@pytest.mark.parametrize("code", _distinct_rule_sets())
def test_every_babel_locale_gets_cldr_categories_in_gettext_order(code):
    """Each form is one CLDR category, and forms follow zero, one, two, few, many, other."""
    n, expr = plural_forms(code)
    choose = gettext.c2py(expr)
    category_of = Locale.parse(code).plural_form
    form_of: dict[str, int] = {}
    for count in PLURAL_SAMPLE:
        form = choose(count)
        assert 0 <= form < n
        assert form_of.setdefault(category_of(count), form) == form, (code, count)
    assert sorted(form_of.values()) == list(range(n))  # every form is used, by one category
    order = ["zero", "one", "two", "few", "many", "other"]
    assert sorted(form_of, key=order.index) == sorted(form_of, key=form_of.get)


def _real_plural_headers():
    if not PO_REAL.is_dir():
        return []
    out = []
    for path in sorted(PO_REAL.glob("*.po")):
        lang = next((code for code in ("ckb", "ku", "ar") if f"_{code}" in path.stem), None)
        header = polib.pofile(str(path)).metadata.get("Plural-Forms")
        if lang and header:
            out.append((path.name, lang, header))
    return out


@pytest.mark.shared
@pytest.mark.parametrize("name, lang, header", _real_plural_headers(), ids=lambda v: str(v)[:30])
def test_real_catalogues_formulas_mean_what_newsloc_writes(name, lang, header):
    assert plural_meaning(header) == plural_meaning(plural_forms_header(lang)), name


def test_babels_arabic_formula_is_a_reordering_of_the_conventional_one():
    assert plural_meaning(BABEL_ARABIC)[0] == 6
    assert plural_meaning(BABEL_ARABIC) != plural_meaning(ARABIC)
    assert plural_permutation(BABEL_ARABIC, ARABIC) == [0, 1, 2, 3, 5, 4]
    assert plural_permutation("nplurals=2; plural=(n != 1);", ARABIC) is None


def _catalogue_with_old_formula(tmp_path, *, plural_translation: bool):
    root = tmp_path / "desk"
    (root / "articles").mkdir(parents=True)
    article = root / "articles" / "hit.txt"
    article.write_text("Army retakes Hit\n\nIraqi forces retook the town on Monday.\n", encoding="utf-8")
    project = load_project(root)
    extract_article(project, article, ["ar"])
    path = project.catalog_path("hit", "ar")
    po = load_catalog(path)
    po.metadata["Plural-Forms"] = BABEL_ARABIC
    if plural_translation:
        po.append(polib.POEntry(msgid="%d fighter", msgid_plural="%d fighters",
                                msgstr_plural={k: f"form {k}" for k in range(6)}))
    save_catalog(po, path)
    return project, path


def test_check_compares_the_formulas_meaning(tmp_path, runner):
    project, path = _catalogue_with_old_formula(tmp_path, plural_translation=True)
    result = runner.invoke(cli, ["--root", str(project.root), "check", "--lang", "ar"])
    assert result.exit_code == 1
    assert "plural-forms" in result.output and "n=11" in result.output, result.output


def test_extract_corrects_the_old_formula_and_moves_plural_translations(tmp_path, runner):
    project, path = _catalogue_with_old_formula(tmp_path, plural_translation=True)
    result = runner.invoke(cli, ["--root", str(project.root), "extract", "--lang", "ar"])
    assert result.exit_code == 0, result.output
    assert "Plural-Forms corrected" in result.output
    po = load_catalog(path)
    assert po.metadata["Plural-Forms"] == ARABIC
    kept = next(e for e in po if e.msgid == "%d fighter")
    # n=11 chose old form 5 and now chooses form 4: its text moved with it.
    assert kept.msgstr_plural[4] == "form 5" and kept.msgstr_plural[5] == "form 4"
    assert [kept.msgstr_plural[k] for k in range(4)] == ["form 0", "form 1", "form 2", "form 3"]
    result = runner.invoke(cli, ["--root", str(project.root), "check", "--lang", "ar"])
    assert "plural-forms" not in result.output


def test_a_translators_equivalent_spelling_is_left_alone(tmp_path):
    project, path = _catalogue_with_old_formula(tmp_path, plural_translation=False)
    po = load_catalog(path)
    spelled = ("nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 "
               ": n%100>=11 && n%100<=99 ? 4 : 5;")
    po.metadata["Plural-Forms"] = spelled
    save_catalog(po, path)
    before = path.read_bytes()
    extract_article(project, project.articles_dir / "hit.txt", ["ar"])
    assert path.read_bytes() == before

"""Checks: each registered check fires on a bad ar/ckb/ku example and stays quiet on a good one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.checks import CHECKS, GROUPS, Unit, check_catalog, language_of
from pipeline.cli import cli
from pipeline.translate.glossary import Glossary
from pipeline.catalog.validate import RawEntry

from .paths import PO_REAL, REPO, SEED_SLUG

GLOSSARIES = {
    "ar": Glossary("ar", {"ISIS": "داعش", "AFP": "AFP"}),
    "ckb": Glossary("ckb", {"ISIS": "داعش", "Kirkuk": "کەرکووک"}),
    "ku": Glossary("ku", {"Kirkuk": "Kerkûk", "AFP": "AFP"}),
}


def run(name: str, lang: str, source: str, target: str, *, plural: str | None = None,
        form: int | None = None) -> list[str]:
    flags = ["md-text"] if CHECKS[name].group == "inline" else []  # inline CommonMark entries
    entry = RawEntry(lineno=1, msgid=source, msgid_plural=plural, msgstr={form: target}, flags=flags)
    sources = (source,) + ((plural,) if plural else ())
    unit = Unit(source if not form else (plural or source), target, lang, entry, form,
                GLOSSARIES.get(lang), sources)
    return list(CHECKS[name].func(unit))


# (check, lang, source, bad translation, good translation)
CASES = [
    # numbers: Arabic-Indic and Extended Arabic-Indic digits, ٫ ٬ ٪, bidi marks
    ("numbers", "ar", "On March 29, 1,500 troops", "في 28 آذار، ١٬٥٠٠ جندي", "في ٢٩ آذار، ١٬٥٠٠ جندي"),
    ("numbers", "ckb", "Growth was 2.5% in 2020", "گەشە ٢٫٦٪ بوو لە ٢٠٢٠", "گەشە \u200f٢٫٥٪ بوو لە ۲۰۲۰"),
    ("numbers", "ku", "16 soldiers were killed", "61 leşker hatin kuştin", "16 leşker hatin kuştin"),
    ("numbers", "ar", "2 soldiers", "3 جنود", "جنديان"),  # Arabic dual spells 2 out
    # script
    ("script", "ar", "Security", "Security news", "أمن"),
    ("script", "ckb", "Security", "Amniyet", "ئاسایش"),
    ("script", "ku", "Security", "ئاسایش", "Ewlehî"),
    ("script", "ku", "Security", "Ewlehі", "Ewlehî"),  # Cyrillic і look-alike
    # letters: Sorani ی ک vs Arabic ي ك; Arabic without Sorani letters; Turkish letters in ku
    ("letters", "ckb", "The coalition helped Iraq", "هاوپەیمانی يارمەتی عێراقی دا", "هاوپەیمانی یارمەتی عێراقی دا"),
    ("letters", "ckb", "The coalition helped Iraq a lot", "ساعد التحالف العراق كثيرا جدا", "هاوپەیمانی زۆر یارمەتی عێراقی دا"),
    ("letters", "ar", "The coalition helped Iraq", "هاوپەیمانی ساعد العراق", "ساعد التحالف العراق"),
    ("letters", "ku", "The coalition helped Iraq", "Koalisyonê alıkariya Iraqê kir", "Koalîsyonê alîkariya Iraqê kir"),
    ("letters", "ku", "Security", "Ewlehi\u0302", "Ewlehî"),  # decomposed î
    # english leftovers
    ("english", "ar", "the coalition and the army", "التحالف and الجيش", "التحالف والجيش"),
    ("english", "ku", "the coalition and the army", "the koalîsyon û artêş", "koalîsyon û artêş"),
    ("english", "ckb", "air support for the international coalition forces",
     "پشتیوانی air support for the international", "پشتیوانی ئاسمانی بۆ هاوپەیمانی نێودەوڵەتی"),
    # punctuation
    ("end-punctuation", "ar", "Is it over?", "هل انتهى.", "هل انتهى؟"),
    ("end-punctuation", "ckb", "Officials said.", "بەرپرسان وتیان", "بەرپرسان وتیان."),
    ("end-punctuation", "ku", "Officials said:", "Karbidestan got.", "Karbidestan got:"),
    ("brackets", "ar", "the \"Heroes of Iraq\" campaign (ISIS)", "حملة \"أبطال العراق (داعش",
     "حملة «أبطال العراق» (داعش)"),
    ("brackets", "ckb", "the (ISIS) group", "گرووپی )داعش(", "گرووپی (داعش)"),
    # protected
    ("masks", "ar", "Iraq News", "أخبار [X1X] العراق", "أخبار العراق"),
    ("urls", "ku", "See https://diyaruna.com/en/a1", "Binêre https://diyaruna.com/ku/a1",
     "Binêre https://diyaruna.com/en/a1"),
    ("urls", "ar", "Write to desk@example.org", "اكتب إلى desk@example.com", "اكتب إلى desk@example.org"),
    ("credits", "ar", "Soldiers walk at the base. [Ahmad al-Rubaye/AFP]", "جنود يسيرون في القاعدة.",
     "جنود يسيرون في القاعدة. [أحمد الربيعي/AFP]"),
    ("glossary", "ar", "the anti-ISIS fight", "الحرب ضد الدولة الإسلامية", "الحرب ضد داعش"),
    ("glossary", "ku", "near Kirkuk", "nêzîkî Kirkuk", "nêzîkî Kerkûkê"),  # case ending allowed
    ("glossary", "ar", "[Ahmad al-Rubaye/AFP]", "[أحمد الربيعي/فرانس برس]", "[أحمد الربيعي/AFP]"),
    # safety
    ("bidi-controls", "ar", "Iraq News", "\u202eأخبار العراق", "\u2067أخبار العراق\u2069"),
    ("bidi-isolates", "ckb", "Iraq News", "\u2067هەواڵی عێراق", "\u2067هەواڵی عێراق\u2069"),
    ("control-chars", "ku", "Iraq News", "Nûçeyên\x1b Iraqê", "Nûçeyên Iraqê"),
    ("markup", "ar", "Iraq News", "<script>alert(1)</script>أخبار", "أخبار العراق"),
    ("markup", "ckb", "Read <b>this</b>", "<img src=x onerror=alert(1)>بخوێنەوە", "<b>ئەمە</b> بخوێنەوە"),
    ("markup", "ku", "Iraq News", "<iframe src=x></iframe>Nûçe", "Nûçeyên Iraqê"),
    # inline markup (entries flagged md-text)
    ("spans", "ar", "See the [report](https://x.org/r) on **Tuesday**.",
     "انظر التقرير يوم **الثلاثاء**.", "انظر [التقرير](https://x.org/r) يوم **الثلاثاء**."),
    ("link-targets", "ckb", "See the [report](https://x.org/r).",
     "[ڕاپۆرتەکە](https://x.org/other) ببینە.", "[ڕاپۆرتەکە](https://x.org/r) ببینە."),
    ("link-schemes", "ku", "See the [report](https://x.org/r).",
     "[Raporê](javascript:alert(1)) bibînin.", "[Raporê](https://x.org/r) bibînin."),
    # hygiene
    ("identical", "ku", "Iraqi military officials said", "Iraqi military officials said",
     "Karbidestên leşkerî yên Iraqê gotin"),
    ("engine-garbage", "ar", "Iraq News",
     "MYMEMORY WARNING: YOU USED ALL AVAILABLE FREE TRANSLATIONS FOR TODAY", "أخبار العراق"),
    ("engine-garbage", "ckb", "Iraq News", "None", "هەواڵی عێراق"),
    ("blank", "ar", "Iraq News", "   ", "أخبار العراق"),
    ("too-long", "ar", "Iraq News", "أخبار العراق " * 30, "أخبار العراق"),   # issue 13: runaway text
    ("whitespace", "ku", "Total: ", "Tevahî:", "Tevahî: "),
]


@pytest.mark.parametrize("name,lang,source,bad,good", CASES,
                         ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_check_fires_on_bad_and_not_on_good(name, lang, source, bad, good):
    assert run(name, lang, source, bad), f"{name} missed {bad!r}"
    assert run(name, lang, source, good) == [], f"{name} false alarm on {good!r}"


def test_every_entry_check_has_a_case_and_every_check_a_title():
    entry_checks = {n for n, c in CHECKS.items() if c.scope == "entry"}
    assert entry_checks <= {c[0] for c in CASES}
    for c in CHECKS.values():
        assert c.title and c.severity in ("error", "warning") and c.group in GROUPS


@pytest.mark.parametrize("lang,source,target", [
    ("ar", "Is it 1,500 or 2.5%? Yes, (he said); see page 3.", "هل هي ١٬٥٠٠ أم ٢٫٥٪؟ نعم، (قال)؛ انظر الصفحة ٣."),
    ("ckb", "Is it 1,500 or 2.5%? Yes, (he said).", "ئایا ۱۵۰۰ یان ۲٫۵٪ە؟ بەڵێ، (وتی)."),
    ("ku", "Is it 1,500 or 2.5%? Yes, (he said).", "Ma ew 1.500 e yan 2,5%? Erê, (wî got)."),
    ("ckb", "Kurdistan Region", "هەرێمی کوردستان"),  # no capital letters to demand
    ("ar", "“%(path)s” does not exist", "”%(path)s“ غير موجود"),  # mirrored typing in RTL
    ("ku", "Peshmerga forces in Kirkuk", "Hêzên pêşmerge li Kerkûkê"),  # ê î û ç ş are Kurmanji
])
def test_script_aware_rules_give_no_false_alarm(lang, source, target):
    for name, c in CHECKS.items():
        if c.scope == "entry" and name not in ("glossary",):
            assert run(name, lang, source, target) == [], name


def test_plural_forms_may_spell_out_the_number():
    assert run("numbers", "ar", "%d file", "ملف واحد", plural="%d files", form=1) == []
    assert run("numbers", "ar", "%d file", "7 ملفات", plural="%d files", form=3)


# ----------------------------------------------------------------- file scope

def _po(tmp_path: Path, body: str, lang: str = "ar", plural: str | None = None) -> Path:
    header = (f'msgid ""\nmsgstr ""\n"Language: {lang}\\n"\n'
              '"Content-Type: text/plain; charset=UTF-8\\n"\n'
              + (f'"Plural-Forms: {plural}\\n"\n' if plural else "") + "\n")
    path = tmp_path / lang / "t.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + body, encoding="utf-8")
    return path


def test_file_check_reports_msgfmt_problems_and_missing_header_fields(tmp_path):
    path = _po(tmp_path, '#, c-format\nmsgid "%d killed"\nmsgstr "قتل"\n')
    found = check_catalog(path, "ar", checks=["file"])
    assert any(f.severity == "error" and "lacks directive" in f.message for f in found)
    assert any(f.severity == "warning" and "'Project-Id-Version' missing" in f.message for f in found)


def test_file_check_quiet_on_a_clean_file(tmp_path):
    path = _po(tmp_path, '#, c-format\nmsgid "%d killed"\nmsgstr "قتل %d"\n')
    assert [f for f in check_catalog(path, "ar", checks=["file"]) if f.severity == "error"] == []


def test_plural_forms_must_be_six_for_arabic(tmp_path):
    body = 'msgid "file"\nmsgid_plural "files"\nmsgstr[0] "ملف"\nmsgstr[1] "ملفات"\n'
    path = _po(tmp_path, body, plural="nplurals=2; plural=(n != 1);")
    found = check_catalog(path, "ar", checks=["plural-forms"])
    assert found and found[0].severity == "error" and "ar has 6" in found[0].message
    path = _po(tmp_path, body.replace("ملف", "pel"), lang="ku", plural="nplurals=2; plural=(n != 1);")
    assert check_catalog(path, "ku", checks=["plural-forms"]) == []


def test_language_header_mismatch_is_a_warning(tmp_path):
    path = _po(tmp_path, 'msgid "a"\nmsgstr "ب"\n', lang="ar")
    found = check_catalog(path, "ckb", checks=["language"])
    assert [f.severity for f in found] == ["warning"]
    assert check_catalog(path, "ar", checks=["language"]) == []


def test_fuzzy_entries_get_safety_checks_only_unless_asked(tmp_path):
    path = _po(tmp_path, '#, fuzzy\nmsgid "16 killed"\nmsgstr "\u202eقتل 61"\n')
    checks = {f.check for f in check_catalog(path, "ar")} - {"file"}
    assert checks == {"bidi-controls"}
    checks = {f.check for f in check_catalog(path, "ar", include_fuzzy=True)}
    assert {"bidi-controls", "numbers"} <= checks


def test_finding_names_file_line_entry_and_check(tmp_path):
    path = _po(tmp_path, 'msgid "Iraq News"\nmsgstr "<script>x</script>"\n')
    [f] = [f for f in check_catalog(path, "ar") if f.check == "markup"]
    assert (f.path, f.lineno, f.msgid, f.severity) == (str(path), 7, "Iraq News", "error")
    assert set(f.to_dict()) == {"path", "lineno", "msgid", "check", "severity", "message"}
    assert str(f).startswith(f"{path}:7: error: markup: ")  # the msgstr line


def test_language_of_uses_header_then_folder(tmp_path):
    path = _po(tmp_path, 'msgid "a"\nmsgstr "b"\n', lang="ckb")
    assert language_of(path) == "ckb"
    bare = tmp_path / "ku" / "LC_MESSAGES" / "x.po"
    bare.parent.mkdir(parents=True)
    bare.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                    'msgid "a"\nmsgstr "b"\n', encoding="utf-8")
    assert language_of(bare) == "ku"


# ----------------------------------------------------------------- real files, seed catalogues

SCRIPT_BLIND = {"numbers", "script", "letters", "english"}


@pytest.mark.shared
@pytest.mark.parametrize("path", sorted(PO_REAL.glob("*.po")), ids=lambda p: p.name)
def test_real_files_check_without_script_blind_false_alarms(path):
    lang = language_of(path)
    findings = check_catalog(path, lang)
    assert not [f for f in findings if f.check in SCRIPT_BLIND], findings
    # End punctuation: ، ؛ ؟ never count as a difference from , ; ?
    for f in findings:
        if f.check == "end-punctuation":
            assert "'?'" not in f.message or "'.'" in f.message, f
    # Errors on real files are true: only Django's ckb RLE (U+202B) without PDF.
    errors = [f for f in findings if f.severity == "error"]
    assert all(f.check == "bidi-controls" and "RLE" in f.message for f in errors), errors
    if path.name.startswith("django_") and "_ckb_" in path.name:
        assert errors


@pytest.mark.shared
def test_check_cli_on_real_files_outside_the_project(runner, tmp_path):
    files = [str(p) for p in sorted(PO_REAL.glob("*.po"))]
    result = runner.invoke(cli, ["--root", str(tmp_path), "check", "--json", *files])
    doc = json.loads(result.output)
    assert result.exit_code == 1  # the Django ckb embeddings
    assert {f["lang"] for f in doc["files"]} >= {"ar", "ckb", "ku"}
    assert doc["errors"] == sum(1 for f in doc["findings"] if f["severity"] == "error")
    ok = [str(PO_REAL / "gnome-2048_ckb.po"), str(PO_REAL / "debian-apt_ku.po"),
          str(PO_REAL / "xfce-thunar_ar.po")]
    result = runner.invoke(cli, ["--root", str(tmp_path), "check", *ok])
    assert result.exit_code == 0, result.output
    assert "3 catalogue(s) checked: 0 error(s)" in result.output


def test_seed_catalogues_check_without_errors(runner):
    result = runner.invoke(cli, ["--root", str(REPO), "check", SEED_SLUG, "--json"])
    doc = json.loads(result.output)
    assert result.exit_code == 0, [f for f in doc["findings"] if f["severity"] == "error"]
    assert {Path(f["path"]).parent.name for f in doc["files"]} == {"ar", "ckb", "ku"}


def test_check_list_and_only(runner, project):
    result = runner.invoke(cli, ["--root", str(project), "check", "--list"])
    assert result.exit_code == 0 and "numbers" in result.output and "bidi-controls" in result.output
    result = runner.invoke(cli, ["--root", str(project), "check", "--only", "nonsense"])
    assert result.exit_code == 1 and "unknown check" in result.output


def test_check_cli_exit_code_follows_errors(runner, project):
    po_path = project / "locales" / "ku" / f"{SEED_SLUG}.po"
    text = po_path.read_text(encoding="utf-8")
    marker = 'msgid "Security"\nmsgstr "'
    assert marker in text
    po_path.write_text(text.replace(marker, marker + "\u202e"), encoding="utf-8")
    result = runner.invoke(cli, ["--root", str(project), "check", "--lang", "ku"])
    assert result.exit_code == 1
    line = next(l for l in result.output.splitlines() if "bidi-controls" in l)
    assert str(po_path) in line and "[Security]" in line

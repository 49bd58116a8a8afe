"""The inline group: markup parity, changed link targets, dangerous link schemes.

Units are checked as ``newsloc check`` sees them (entries flagged md-text),
then once end to end on a catalogue a translator broke.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.catalog import load_catalog, save_catalog
from pipeline.catalog.validate import RawEntry
from pipeline.checks import CHECKS, Unit
from pipeline.cli import cli

RICH = Path(__file__).resolve().parent / "data" / "rich"
SOURCE = ('Erbil\'s parliament published the [parliamentary report](https://example.org/report "Report") '
          "on **Tuesday**, after *three months* of hearings.")


def findings(source: str, target: str, *, flagged: bool = True) -> dict[str, list[str]]:
    entry = RawEntry(lineno=1, msgid=source, msgstr={None: target}, flags=["md-text"] if flagged else [])
    unit = Unit(source, target, "ar", entry, None, None, (source,))
    return {name: list(CHECKS[name].func(unit)) for name in ("spans", "link-targets", "link-schemes", "urls")}


def test_spans_may_move_and_reorder():
    moved = ('يوم **الثلاثاء** وبعد *ثلاثة أشهر* نشر البرلمان '
             '[التقرير البرلماني](https://example.org/report "Report").')
    assert findings(SOURCE, moved) == {"spans": [], "link-targets": [], "link-schemes": [], "urls": []}


@pytest.mark.parametrize("target,message", [
    ("نشر البرلمان التقرير يوم **الثلاثاء** بعد *ثلاثة أشهر*.", "1 link in the source, 0 in the translation"),
    ("نشر [التقرير](https://example.org/report) [و](https://example.org/report) **الثلاثاء** *ثلاثة*.",
     "1 link in the source, 2 in the translation"),
    ("نشر [التقرير](https://example.org/report) يوم الثلاثاء بعد *ثلاثة أشهر*.", "1 bold span in the source, 0"),
    ("نشر [التقرير](https://example.org/report) **الثلاثاء** ثلاثة أشهر.", "1 italic span in the source, 0"),
    ("نشر [التقرير](https://example.org/report) **الثلاثاء** *ثلاثة*\\\nأشهر.", "0 line breaks in the source, 1"),
])
def test_lost_or_added_spans_are_errors(target, message):
    found = findings(SOURCE, target)["spans"]
    assert any(message in f for f in found), found


def test_code_spans_and_addresses_are_never_translated():
    source = "Run `newsloc check` or write to <mailto:desk@example.org>."
    assert findings(source, "شغّل `newsloc check` أو اكتب إلى <mailto:desk@example.org>.")["spans"] == []
    assert findings(source, "شغّل `نيوزلوك` أو اكتب إلى <mailto:desk@example.org>.")["spans"] == [
        "code span 'newsloc check' changed (it is never translated)"]
    assert "address 'mailto:desk@example.org' changed" in findings(
        source, "شغّل `newsloc check` أو اكتب إلى <mailto:ar@example.org>.")["spans"][0]


def test_changed_link_target_is_a_warning_not_a_urls_error():
    target = ('نشر البرلمان [التقرير البرلماني](https://example.org/ar/report "Report") '
              "يوم **الثلاثاء** بعد *ثلاثة أشهر*.")
    found = findings(SOURCE, target)
    assert found["link-targets"] == ["link target changed: https://example.org/report → https://example.org/ar/report"]
    assert found["spans"] == [] and found["urls"] == []
    assert CHECKS["link-targets"].severity == "warning" and CHECKS["spans"].severity == "error"


@pytest.mark.parametrize("destination", ["javascript:alert(1)", "JavaScript:alert(1)", "<java\tscript:x>",
                                         "data:text/html;base64,PHNjcmlwdD4=", "vbscript:msgbox",
                                         "< javascript:x>"])
def test_dangerous_schemes_are_errors(destination):
    translation = f"نشر [التقرير]({destination}) **الثلاثاء** *أشهر*."
    found = findings(SOURCE, translation)["link-schemes"]
    assert found and "never publishes" in found[0], (translation, found)
    assert CHECKS["link-schemes"].fuzzy  # machine suggestions too: a reviewer's editor shows them
    image = findings("A ![photo](a.png) here.", "صورة ![صورة](data:image/png;base64,AAAA) هنا.")
    assert image["link-schemes"] and image["link-targets"]


def test_repointed_link_is_only_a_warning_whatever_its_numbers():
    source = "Read [the report](/news/2024/the-parliament-report) on **Tuesday** with the committee."
    target = "[ڕاپۆرتەکە](/ckb/news/2025/raport) بخوێنەوە ڕۆژی **سێشەممە** لەگەڵ لیژنەکە."
    entry = RawEntry(lineno=1, msgid=source, msgstr={None: target}, flags=["md-text"])
    unit = Unit(source, target, "ckb", entry, None, None, (source,))
    found = {name: list(c.func(unit)) for name, c in CHECKS.items() if c.scope == "entry"}
    assert {name: f for name, f in found.items() if f} == {
        "link-targets": ["link target changed: /news/2024/the-parliament-report → /ckb/news/2025/raport"]}
    dropped = "[ڕاپۆرتەکە](/ckb/news/2025/raport) بخوێنەوە ڕۆژی **سێشەممە** ٢٠٢٤ لەگەڵ لیژنەکە."
    assert list(CHECKS["numbers"].func(Unit(source, dropped, "ckb", entry, None, None, (source,)))) == [
        "number 2024 not in the source"]


def test_plain_entries_are_not_looked_at():
    assert findings("Use *stars* here.", "استخدم النجوم هنا.", flagged=False)["spans"] == []


def test_check_command_reports_inline_errors(tmp_path, runner):
    root = tmp_path / "desk"
    shutil.copytree(RICH, root)
    assert runner.invoke(cli, ["--root", str(root), "extract", "--lang", "ar"]).exit_code == 0
    path = root / "locales" / "ar" / "press-freedom-report.po"
    po = load_catalog(path)
    for entry in po:
        if entry.msgid == SOURCE:
            entry.msgstr = "نشر البرلمان [التقرير](javascript:alert(1)) يوم الثلاثاء."
        elif entry.msgid.startswith("The full text"):
            entry.msgstr = "النص الكامل على [موقع البرلمان](https://example.org/ar/parliament)."
    save_catalog(po, path)
    result = runner.invoke(cli, ["--root", str(root), "check", "--lang", "ar", "press-freedom-report"])
    assert result.exit_code == 1, result.output
    assert "error: link-schemes: javascript: link target" in result.output
    assert "error: spans: 1 bold span in the source, 0 in the translation" in result.output
    assert "warning: link-targets: link target changed: https://example.org/parliament" in result.output

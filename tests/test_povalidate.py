"""Robust reading: hostile PO files are refused with one line naming file and line, never repaired.

The hostile files are generated here (see HOSTILE); each must end in a clear
message and a non-zero exit from every command that reads it, with no
traceback and the file's bytes and mtime unchanged.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from pipeline.catalog import load_catalog
from pipeline.cli import cli
from pipeline.errors import CatalogError
from pipeline.catalog.validate import decode_po, scan_po, validate_po_text

from .paths import PO_REAL, SEED_SLUG
from .tools import msgfmt_check

HEADER = ('msgid ""\nmsgstr ""\n'
          '"Project-Id-Version: newsloc\\n"\n'
          '"PO-Revision-Date: 2026-01-01 00:00+0000\\n"\n'
          '"Last-Translator: Desk <desk@example.org>\\n"\n'
          '"Language-Team: Arabic\\n"\n'
          '"Language: ar\\n"\n'
          '"MIME-Version: 1.0\\n"\n'
          '"Content-Type: text/plain; charset={charset}\\n"\n'
          '"Content-Transfer-Encoding: 8bit\\n"\n'
          '"Plural-Forms: nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : '
          'n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5;\\n"\n\n')


def po(body: str, charset: str = "UTF-8") -> str:
    return HEADER.replace("{charset}", charset) + body


GOOD = po('msgid "Iraq News"\nmsgstr "أخبار العراق"\n\n'
          'msgid "Security"\nmsgstr "أمن"\n')
SIX = "".join(f'msgstr[{i}] "ملف {i}"\n' for i in range(6))

#: name → (bytes, fragment the error message must contain, line it must name)
HOSTILE: dict[str, tuple[bytes, str, int | None]] = {
    "truncated": (po('msgid "Iraq News"\nmsgstr "أخبار').encode()[:-1], "truncated", None),
    "truncated-entry": (po('msgid "Iraq News"\n').encode(), "no msgstr", 13),
    "unterminated": (po('msgid "Iraq News"\nmsgstr "أخبار العراق\n\nmsgid "x"\nmsgstr ""\n').encode(),
                     "unterminated string", 14),
    "nul": (po('msgid "Iraq News"\nmsgstr "أخبار\x00"\n').encode(), "NUL", 14),
    "cp1256-misdeclared": (po('msgid "Iraq News"\nmsgstr "أخبار العراق"\n').encode("cp1256"),
                           "not valid UTF-8", 14),
    "utf8-declared-cp1256": (po('msgid "Iraq News"\nmsgstr "أخبار العراق"\n', "windows-1256").encode(),
                             "mis-declared", None),
    "bom-contradicts": (b"\xef\xbb\xbf" + po('msgid "a"\nmsgstr "ب"\n', "windows-1256").encode("cp1256"),
                        "byte-order mark", None),
    "utf16": (po('msgid "a"\nmsgstr "ب"\n').encode("utf-16"), "UTF-16", 1),
    "unknown-charset": (po('msgid "a"\nmsgstr "b"\n', "klingon-8").encode(), "unknown charset", None),
    "bad-escape": (po('msgid "a\\qb"\nmsgstr "b"\n').encode(), "invalid escape \\q", 13),
    "octal-escape": (po('msgid "a"\nmsgstr "\\101"\n').encode(), "escape \\1", 14),
    "duplicate": (po('msgid "a"\nmsgstr "ب"\n\nmsgid "a"\nmsgstr "ج"\n').encode(), "duplicate", 16),
    "wrong-plural-count": (po('msgid "file"\nmsgid_plural "files"\nmsgstr[0] "ملف"\n'
                              'msgstr[1] "ملفان"\n').encode(), "nplurals=6", 15),
    "plural-without-forms": (po('msgid "file"\nmsgid_plural "files"\nmsgstr "ملف"\n').encode(),
                             "msgid_plural", 15),
    "forms-out-of-order": (po('msgid "file"\nmsgid_plural "files"\n' + SIX.replace("[3]", "[7]")).encode(),
                           "in order", 15),
    "bare-cr": (po('msgid "a"\nmsgstr "b"\r\rmsgid "c"\nmsgstr "d"\n').encode(), "carriage return", 14),
    "line-separator": (po('msgid "a"\nmsgstr "b\u2028c"\n').encode(), "U+2028", 14),
    "garbage-line": (po('msgid "a"\nmsgstr "b"\nhello\n').encode(), "unexpected text", 15),
    "text-after-string": (po('msgid "a" x\nmsgstr "b"\n').encode(), "after the closing quote", 13),
    "empty": (b"", "empty file", 1),
    "keyword-order": (po('msgstr "b"\nmsgid "a"\n').encode(), "msgstr appears twice", 13),
}


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / "ar" / f"{name}.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    old = time.time() - 3600  # an mtime a rewrite could not keep by accident
    os.utime(path, (old, old))
    return path


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_is_refused_with_file_and_line(tmp_path, name):
    data, fragment, lineno = HOSTILE[name]
    path = _write(tmp_path, name, data)
    with pytest.raises(CatalogError) as info:
        load_catalog(path)
    err = info.value
    assert fragment in err.message
    assert err.path == path
    if lineno is not None:
        assert err.lineno == lineno, str(err)
    assert "\n" not in str(err)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_check_reports_hostile_file_and_changes_nothing(runner, tmp_path, name):
    data, fragment, _ = HOSTILE[name]
    path = _write(tmp_path, name, data)
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    result = runner.invoke(cli, ["--root", str(tmp_path), "check", str(path), "--lang", "ar"])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    line = next(l for l in result.output.splitlines() if l.startswith(str(path)))
    assert ": error: file: " in line and fragment in line
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


@pytest.mark.parametrize("msgstr,check", [
    ("<script>alert(1)</script>أخبار العراق", "markup"),
    ("\u202eأخبار العراق", "bidi-controls"),
    ("أخبار \u2067العراق", "bidi-isolates"),
    ("أخبار\x07 العراق", "control-chars"),
])
def test_readable_but_dangerous_content_fails_check_in_json(runner, tmp_path, msgstr, check):
    path = _write(tmp_path, check, po(f'msgid "Iraq News"\nmsgstr "{msgstr}"\n').encode())
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    result = runner.invoke(cli, ["--root", str(tmp_path), "check", "--json", str(path)])
    assert result.exit_code == 1, result.output
    import json
    doc = json.loads(result.output)
    found = [f for f in doc["findings"] if f["check"] == check]
    assert found and found[0]["severity"] == "error" and found[0]["lineno"] == 14
    assert found[0]["path"] == str(path) and found[0]["msgid"] == "Iraq News"
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_hostile_catalogue_in_project_is_not_overwritten_by_extract(runner, project):
    target = project / "locales" / "ar" / f"{SEED_SLUG}.po"
    target.write_bytes(HOSTILE["unterminated"][0])
    before = (target.read_bytes(), target.stat().st_mtime_ns)
    for args in (["extract"], ["status"], ["check", SEED_SLUG, "--lang", "ar"]):
        result = runner.invoke(cli, ["--root", str(project), *args])
        assert result.exit_code != 0, (args, result.output)
        assert "Traceback" not in result.output
        assert str(target) in result.output or target.name in result.output, result.output
    assert (target.read_bytes(), target.stat().st_mtime_ns) == before


# ----------------------------------------------------------------- accepted on purpose

def test_bom_is_accepted(tmp_path):
    path = _write(tmp_path, "bom", b"\xef\xbb\xbf" + GOOD.encode())
    assert load_catalog(path)[0].msgstr == "أخبار العراق"


def test_crlf_is_accepted(tmp_path):
    path = _write(tmp_path, "crlf", GOOD.replace("\n", "\r\n").encode())
    po_ = load_catalog(path)
    assert [e.msgstr for e in po_] == ["أخبار العراق", "أمن"]


def test_declared_windows_1256_is_decoded(tmp_path):
    path = _write(tmp_path, "cp1256", po('msgid "Iraq News"\nmsgstr "أخبار العراق"\n',
                                          "windows-1256").encode("cp1256"))
    assert load_catalog(path)[0].msgstr == "أخبار العراق"


@pytest.mark.parametrize("name,data", [
    ("bom", b"\xef\xbb\xbf" + GOOD.encode()),
    ("crlf", GOOD.replace("\n", "\r\n").encode()),
    ("cp1256", po('msgid "Iraq News"\nmsgstr "أخبار العراق"\n', "windows-1256").encode("cp1256")),
])
def test_check_runs_on_accepted_encodings_without_changing_them(runner, tmp_path, name, data):
    path = _write(tmp_path, name, data)
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    result = runner.invoke(cli, ["--root", str(tmp_path), "check", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 catalogue(s) checked: 0 error(s)" in result.output
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


@pytest.mark.slow
def test_ten_megabyte_line_is_read_and_checked(runner, tmp_path):
    """A 10 MB msgstr is read faithfully (the reader is linear: bench/pipeline.py times it, not this test)."""
    big = po('msgid "Iraq News"\nmsgstr "' + "ب" * 10_000_000 + '"\n')
    path = _write(tmp_path, "big", big.encode())
    result = runner.invoke(cli, ["--root", str(tmp_path), "check", str(path), "--only", "file"])
    assert result.exit_code == 0, result.output


@pytest.mark.slow
@pytest.mark.parametrize("body", [
    '"' + "\\n" * 3_000_000 + '"',      # millions of escapes
    '"' + "b\\\\" * 2_000_000,          # unterminated after millions of backslashes
    '"' + '\\"' * 2_000_000,            # unterminated after millions of escaped quotes
], ids=["escapes", "backslashes", "escaped-quotes"])  # not the 6 MB strings: xdist sends every test id
def test_huge_pathological_lines_stay_linear(tmp_path, body):
    text = po('msgid "x"\nmsgstr ' + body + "\n")
    start = time.perf_counter()
    try:
        validate_po_text(text, path="big.po")
    except CatalogError as exc:
        assert "unterminated" in exc.message
    assert time.perf_counter() - start < 10


def test_escapes_are_unescaped_like_polib(tmp_path):
    text = po('msgid "a\\\\nb\\n\\"q\\" \\t"\nmsgstr "x"\n')
    entry = [e for e in scan_po(text, path="e.po") if not e.is_header][0]
    assert entry.msgid == 'a\\nb\n"q" \t'
    path = _write(tmp_path, "esc", text.encode())
    assert load_catalog(path)[0].msgid == entry.msgid


# ----------------------------------------------------------------- msgfmt -c, reported not fatal

def test_msgfmt_style_problems_are_reported(tmp_path):
    text = (HEADER.replace("Project-Id-Version: newsloc", "Project-Id-Version: PACKAGE VERSION")
            .replace("{charset}", "UTF-8")
            + '#, c-format\nmsgid "%s has %d files"\nmsgstr "%s"\n\n'
              '#, python-format\nmsgid "%(num)s items"\nmsgstr "عناصر"\n\n'
              '#, c-format\nmsgid "%s and %d"\nmsgstr "%2$d و %1$s"\n\n'
              'msgid "\\nabc"\nmsgstr "def"\n')
    problems = validate_po_text(text, path="p.po")
    messages = [p.message for p in problems]
    assert any("still has the initial default value" in m for m in messages)
    assert any("c-format" in m and "lacks directive" in m for m in messages)
    assert any("python-format" in m and "'num'" in m for m in messages)
    assert any("begin with a newline" in m for m in messages)
    assert not any("%2$d" in m or "argument '1'" in m for m in messages)  # reordering is fine


def test_fuzzy_or_untranslated_plural_entries_with_other_counts_are_not_fatal():
    text = po('#, fuzzy\nmsgid "f"\nmsgid_plural "fs"\nmsgstr[0] "a"\nmsgstr[1] "b"\n\n'
              'msgid "g"\nmsgid_plural "gs"\nmsgstr[0] ""\nmsgstr[1] ""\n')
    problems = validate_po_text(text, path="p.po")
    assert [p.severity for p in problems] == ["warning"]


@pytest.mark.shared
@pytest.mark.parametrize("path", sorted(PO_REAL.glob("*.po")), ids=lambda p: p.name)
def test_real_files_read_exactly_as_polib_reads_them(path):
    text = decode_po(path.read_bytes(), path=path)
    validate_po_text(text, path=path)
    ours = {(e.msgctxt, e.msgid, e.obsolete): e.msgstr.get(None)
            for e in scan_po(text, path=path) if not e.is_header}
    theirs = {(e.msgctxt, e.msgid, e.obsolete): (None if e.msgid_plural else e.msgstr)
              for e in load_catalog(path)}
    assert ours == theirs


# newsloc is stricter than msgfmt on these: gettext reads them, polib would not read them faithfully
# (octal escapes, raw separators, NUL) or they are mis-declared in ways msgfmt only warns about.
STRICTER_THAN_MSGFMT = {"bare-cr", "octal-escape", "line-separator", "utf8-declared-cp1256", "empty",
                        "bom-contradicts", "nul", "unknown-charset"}


@pytest.mark.parametrize("name", sorted(set(HOSTILE) - STRICTER_THAN_MSGFMT))
def test_msgfmt_agrees_the_hostile_files_are_broken(name):
    """Where gettext has an opinion, it refuses these files too."""
    code, complaints = msgfmt_check(HOSTILE[name][0])
    assert code != 0, complaints

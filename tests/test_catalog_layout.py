"""Catalogue layout: every PO/POT file newsloc writes is laid out as GNU gettext's msgcat lays it out.

The oracle is the real ``msgcat`` (gettext, installed by ``.ci/run``): a file
newsloc wrote goes through ``msgcat`` unchanged, byte for byte, for the seed
after ``extract`` and ``translate --engine fake``, for the real PO files of
``../shared/testdata/po-real`` read and written back, for generated text in
Arabic, Sorani, Kurmanji and English with every kind of punctuation, and (slow)
for the whole BBC corpus.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.catalog import catalog_text, load_catalog
from pipeline.catalog.layout import entry_lines, string_lines
from pipeline.catalog.linebreak import line_break_class, possible_breaks, unicode_class, width_breaks
from pipeline.cli import cli

from .paths import BBC, PO_REAL, REPO, allow_links_outside

MSGCAT = shutil.which("msgcat")
IN_CI = os.environ.get("CI") == "true"

pytestmark = pytest.mark.skipif(MSGCAT is None and not IN_CI, reason="gettext's msgcat is not installed")


def msgcat(path: Path) -> bytes:
    """What GNU gettext writes for *path* (UTF-8, default width)."""
    proc = subprocess.run([MSGCAT, "--to-code=UTF-8", str(path)], capture_output=True)
    assert proc.returncode == 0, proc.stderr.decode()
    return proc.stdout


def assert_msgcat_leaves(paths) -> int:
    """Assert that msgcat leaves every file byte-identical; return how many were checked."""
    paths = list(paths)
    assert paths
    changed = [p for p in paths if msgcat(p) != p.read_bytes()]
    assert not changed, _first_difference(changed[0])
    return len(paths)


def _first_difference(path: Path) -> str:
    ours = path.read_text(encoding="utf-8").splitlines()
    theirs = msgcat(path).decode("utf-8").splitlines()
    for k, (a, b) in enumerate(zip(ours, theirs)):
        if a != b:
            return f"{path}:{k + 1}: newsloc {a!r} / msgcat {b!r}"
    return f"{path}: {len(ours)} lines, msgcat {len(theirs)}"


def test_msgcat_of_domains_is_the_msgcat_of_each_file(tmp_path):
    """The combined check used on the corpus catches a file that msgcat would change."""
    good = tmp_path / "good.po"
    good.write_text('msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "a"\nmsgstr ""\n')
    assert msgcat(good) == good.read_bytes()
    bad = tmp_path / "bad.po"
    bad.write_text(good.read_text() + '\nmsgid "' + "word " * 20 + '"\nmsgstr ""\n')
    assert_msgcat_leaves_all([good, good], tmp_path / "two.po")
    with pytest.raises(AssertionError):
        assert_msgcat_leaves_all([good, bad], tmp_path / "three.po")


def test_seed_after_extract_and_fake_translation(empty_project, runner):
    root = str(empty_project)
    assert runner.invoke(cli, ["--root", root, "extract"]).exit_code == 0
    files = sorted((empty_project / "locales").rglob("*.po*"))
    assert_msgcat_leaves(files)
    result = runner.invoke(cli, ["--root", root, "translate", "--engine", "fake"])
    assert result.exit_code == 0, result.output
    assert_msgcat_leaves(sorted((empty_project / "locales").rglob("*.po*")))


def test_committed_catalogues_are_in_gettext_layout():
    assert_msgcat_leaves(sorted((REPO / "locales").rglob("*.po*")))
    assert_msgcat_leaves(sorted((REPO / "tests" / "golden").rglob("*.pot")))


def _real_po_files():
    return sorted(PO_REAL.glob("*.po")) if PO_REAL.is_dir() else []


@pytest.mark.shared
@pytest.mark.parametrize("path", _real_po_files(), ids=lambda p: p.name)
def test_real_po_files_read_and_written_back_as_msgcat_writes_them(path, tmp_path):
    source = path
    if path.read_bytes().startswith(b"\xef\xbb\xbf"):
        # gettext 0.21 cannot read a byte order mark (newsloc drops it): compare without it.
        source = tmp_path / f"nobom-{path.name}"
        source.write_bytes(path.read_bytes()[3:])
    written = tmp_path / path.name
    written.write_text(catalog_text(load_catalog(path)), encoding="utf-8")
    # The writer's layout is msgcat's own ...
    assert_msgcat_leaves([written])
    if source is not path:
        # This file's header field also lacks its "\n", which newsloc writes:
        # its content changes, so only the layout is compared.
        return
    # ... and it is the layout msgcat gives the original file, line for line,
    # except what polib's reader does not keep: empty "#." lines and the
    # header's "#:" line (both meaningless to gettext's tools).
    reference = msgcat(source).decode("utf-8")
    reference = re.sub(r"(?m)^#\.\n", "", reference)
    head, _, rest = reference.partition('msgid ""\n')
    reference = re.sub(r"(?m)^#: .*\n", "", head) + 'msgid ""\n' + rest
    assert written.read_text(encoding="utf-8") == reference


ALPHABET = (list("abcdefghijklmnopqrstuvwxyzABCXYZ0123456789") + [" "] * 14
            + list(".,;:!?-/()[]{}\"'%$£€&*+=<>#@_~|\\\t\n")
            + list("ابتثجحخدذرسشصضطظعغفقكلمنهويئءآأإةى") + list("ێۆڕڵەêîûçş")
            + ["\u064e", "\u064f", "\u0650", "\u0651", "\u0652", "\u200c", "\u200d", "\u200f",
               "\u00a0", "\u2014", "\u2013", "\u2019", "\u201c", "\u201d", "\u00ab", "\u00bb",
               "\u060c", "\u061b", "\u061f", "\u06d4", "\u0660", "\u0661", "\u06f1", "\u06f2",
               "\u2026", "\u00ad", "\u200b", "\u3002", "\u4e2d", "\U0001F600", "\U0001F1EE",
               "\u05d0", "\u0301"])


def test_generated_strings_break_where_msgcat_breaks_them(tmp_path):
    """Strings of every length around the width, with marks, joiners, quotes, escapes and directives."""
    rng = random.Random(12)
    blocks = [entry_lines(msgid="", msgstr="Content-Type: text/plain; charset=UTF-8\n")]
    obsolete = []  # gettext writes obsolete entries last
    for k in range(1500):
        size = rng.choice([5, 40, 70, 75, 76, 77, 78, 79, 80, 90, 150, 300])
        text = "".join(rng.choice(ALPHABET) for _ in range(size))
        flags = rng.choice([[], ["c-format"], ["python-format"], ["no-wrap"], ["fuzzy"]])
        (obsolete if k % 7 == 0 else blocks).append(entry_lines(
            msgid=f"id{k}", msgstr=text, flags=flags, obsolete=k % 7 == 0,
            previous_msgid=text[::-1] if k % 5 == 0 else None))
    path = tmp_path / "generated.po"
    path.write_text("\n\n".join("\n".join(b) for b in blocks + obsolete if b) + "\n", encoding="utf-8")
    assert_msgcat_leaves([path])


def test_space_stays_at_the_end_of_a_wrapped_line():
    text = "Iraqi forces retook the town of Hit on Monday after a week of heavy fighting in the streets."
    lines = string_lines("", "msgid", text)
    assert lines[0] == 'msgid ""'
    assert lines[1].endswith(' "') and not lines[2].startswith('" ')
    assert "".join(line[1:-1] for line in lines[1:]) == text


def test_break_opportunities_follow_uax14():
    # after spaces, after a hyphen before a letter; never before a closing
    # parenthesis, inside a number or between a letter and a comma.
    text = "well-known (2.5%), said"
    breaks = [text[k] for k, b in enumerate(possible_breaks(text)) if b]
    assert breaks == ["k", "(", "s"]


def test_header_plural_forms_is_wrapped_like_msgcat():
    lines = entry_lines(msgid="", msgstr="Plural-Forms: nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : "
                        "n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5;\n")
    assert lines == ['msgid ""', 'msgstr ""',
                     '"Plural-Forms: nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 "',
                     '"&& n%100<=10 ? 3 : n%100>=11 ? 4 : 5;\\n"']


def test_a_gettext_save_is_not_rewritten_until_content_changes(empty_project, runner):
    """A catalogue that msgcat (or Poedit, msgmerge) saved stays byte-identical on the next extract."""
    root = str(empty_project)
    assert runner.invoke(cli, ["--root", root, "extract"]).exit_code == 0
    po = empty_project / "locales" / "ar" / "coalition-helps-iraq-sustain-anti-isis-fight.po"
    po.write_bytes(msgcat(po))
    before = (po.read_bytes(), po.stat().st_mtime_ns)
    assert runner.invoke(cli, ["--root", root, "extract"]).exit_code == 0
    assert (po.read_bytes(), po.stat().st_mtime_ns) == before


@pytest.mark.slow
@pytest.mark.shared
def test_bbc_corpus_catalogues_in_gettext_layout(tmp_path, runner):
    """Every POT/PO of the 897 BBC articles after extract; machine-filled ones for a spread of 15.

    (Machine translation of the whole corpus takes a minute with the fake
    engine; the layout of its output does not depend on which article it is.)
    """
    root = tmp_path / "bbc"
    (root / "articles").mkdir(parents=True)
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    allow_links_outside(root)  # the BBC articles are links into ../shared
    for article in sorted(BBC.glob("*/*.txt")):
        (root / "articles" / f"{article.parent.name}-{article.name}").symlink_to(article)
    assert runner.invoke(cli, ["--root", str(root), "extract"]).exit_code == 0
    files = sorted((root / "locales").rglob("*.po*"))
    assert len(files) == 4 * 897
    assert_msgcat_leaves_all(files, tmp_path / "all.po")
    spread = sorted(p.stem for p in (root / "articles").iterdir())[::60]
    result = runner.invoke(cli, ["--root", str(root), "translate", "--engine", "fake", *spread])
    assert result.exit_code == 0, result.output
    filled = [root / "locales" / lang / f"{slug}.po" for lang in ("ar", "ckb", "ku") for slug in spread]
    assert all("#. MT: fake" in p.read_text(encoding="utf-8") for p in filled)
    assert_msgcat_leaves_all(filled, tmp_path / "filled.po")


def assert_msgcat_leaves_all(files, combined: Path) -> None:
    """One msgcat run over many files: each file becomes a gettext ``domain`` of one big file.

    msgcat lays out each domain on its own (no merging across domains) and
    writes them in order, so the big file comes back unchanged exactly when
    every file would.
    """
    parts = [f'domain "{k}:{f.parent.name}/{f.name}"\n\n'.encode() + f.read_bytes()
             for k, f in enumerate(files)]
    combined.write_bytes(b"\n".join(parts))
    out = msgcat(combined)
    if out != combined.read_bytes():
        produced = out.split(b'\ndomain "')
        for f, mine, theirs in zip(files, b"\n".join(parts).split(b'\ndomain "'), produced):
            assert mine == theirs, f"{f}: msgcat changes it"
        raise AssertionError("msgcat changes the combined file")


def _greedy(text: str, width: int, start: int) -> list[int]:
    """libunistring's greedy line filling over possible_breaks(), for text of width-1 characters."""
    cuts, last, column, previous = [], None, start, 0
    for k in [k for k, b in enumerate(possible_breaks(text)) if b == 1] + [len(text)]:
        piece = k - previous
        if last is not None and column + piece > width:
            cuts.append(last)
            column = 0
        last, column, previous = k, column + piece, k
    return cuts


def test_fast_path_for_plain_text_breaks_where_uax14_does():
    """width_breaks() finds plain text's opportunities with regexes: same result as the full algorithm."""
    rng = random.Random(7)
    chars = list("abcXYZ019  ") + list(".,;:!?-/()[]{}\"'%$£€&*+=<>#@_~|") + list("ابتثج") + [
        "\u2014", "\u2013", "\u00ab", "\u00bb", "\u201c", "\u201d", "\u060c", "\u061f", "\u00a0", "\u2026"]
    for _ in range(3000):
        text = "".join(rng.choice(chars) for _ in range(rng.randint(1, 120)))
        width = rng.choice([10, 20, 40, 77])
        assert width_breaks(text, width, 3) == _greedy(text, width, 3), text


def test_line_break_classes_kept_for_frequent_characters_are_unicodes():
    """linebreak keeps the classes of Latin, Arabic and punctuation (no regex to import): the same as regex's."""
    wrong = [f"U+{code:04X}: kept {line_break_class(chr(code))}, Unicode {unicode_class(chr(code))}"
             for code in range(0x2100) if line_break_class(chr(code)) != unicode_class(chr(code))]
    assert not wrong, "regenerate _COMMON in pipeline/catalog/linebreak.py: " + "; ".join(wrong[:20])

"""Fuzzing the readers: articles and PO files, hostile or broken, under hypothesis.

Whatever bytes arrive, the article reader and the PO reader either return
or raise a :class:`PipelineError` (one line naming the file); they never
crash with anything else and never write a file. And whatever the article
reader accepts, extraction turns into catalogues that newsloc reads back
and ``msgfmt -c`` accepts, so a strange article never leaves a catalogue
the next run must refuse.

A longer, coverage-guided run: ``python tests/fuzz/fuzz_readers.py`` (atheris).
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline import fsutil
from pipeline.article import parse_article, read_article
from pipeline.catalog import build_template, catalog_text, load_catalog, new_catalog
from pipeline.errors import PipelineError
from pipeline.catalog.validate import validate_po_text
from pipeline.segment import segment_article

from .paths import PO_REAL, REPO, SEED

FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
SAMPLE_POS = sorted((REPO / "locales").rglob("*.po")) + (
    sorted(PO_REAL.glob("*.po"))[:6] if PO_REAL.is_dir() else [])

# Text that looks like what the readers expect, with the characters that break parsers.
NASTY = st.sampled_from(["\n", "\n\n", "\r\n", "\r", "\t", '"', "\\", "\\n", "\\x", "\x00",
                         "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\ufeff", "\u200b", "\u00a0",
                         "#", "#,", "#|", "#~", "#.", "#:", "msgid ", "msgstr ", "msgctxt ",
                         "msgid_plural ", "msgstr[0] ", "msgstr[9] ", '""', "fuzzy", "---",
                         "...", "title:", "date:", "image:", "caption:", "By ", "BAGHDAD (AFP) - ",
                         "[Reuters]", "[", "]", "&", "<b>", "{{", "%s", "%(x)d", "{0}",
                         "charset=", "Content-Type: text/plain; charset=windows-1256\\n",
                         "plural=", "nplurals=0", "داعش", "کوردی", "ê", "🙂", "\ud7ff", " "])
PIECES = st.lists(st.one_of(NASTY, st.text(max_size=12)), max_size=40).map("".join)


class Untouched:
    """Asserts that nothing in a folder is created, removed or modified, and nothing atomic-written."""

    def __init__(self, folder: Path, monkeypatch) -> None:
        self.folder = folder
        self.before = self.snapshot()

        def refuse(*args, **kwargs):
            raise AssertionError(f"a reader wrote a file: {args[:1]}")

        monkeypatch.setattr(fsutil, "atomic_write", refuse)
        import pipeline.catalog as catalog_module
        monkeypatch.setattr(catalog_module, "atomic_write", refuse)

    def snapshot(self) -> dict[str, tuple[int, bytes]]:
        return {str(p): (p.stat().st_mtime_ns, p.read_bytes())
                for p in self.folder.rglob("*") if p.is_file()}

    def check(self) -> None:
        assert self.snapshot() == self.before


@pytest.fixture
def sandbox(tmp_path: Path) -> Path:
    folder = tmp_path / "fuzz"
    folder.mkdir()
    return folder


def _read_article_bytes(folder: Path, name: str, data: bytes):
    path = folder / name
    path.write_bytes(data)
    try:
        return read_article(path)
    except PipelineError as exc:
        assert "\n" not in str(exc) and str(path) in str(exc)
        return None
    finally:
        path.unlink()


@FUZZ
@given(data=st.binary(max_size=400) | PIECES.map(lambda s: s.encode("utf-8", "surrogatepass")),
       suffix=st.sampled_from([".txt", ".md", ".html"]))
@example(data=b"\xef\xbb\xbf", suffix=".txt")
@example(data=b"---\ntitle: [unclosed\n---\nbody", suffix=".md")
@example(data=b"---\n- a list\n---\n", suffix=".md")
@example(data=b"---\ntitle: T\ndate: 2024-02-30\n---\n", suffix=".md")  # was a ValueError
def test_article_reader_raises_only_pipeline_errors(sandbox, monkeypatch, data, suffix):
    guard = Untouched(sandbox, monkeypatch)
    article = _read_article_bytes(sandbox, "story" + suffix, data)
    if article is not None:
        segment_article(article, "en")
    monkeypatch.undo()
    guard.check()


@FUZZ
@given(text=PIECES, suffix=st.sampled_from([".txt", ".md", ".html"]))
def test_parse_article_raises_only_pipeline_errors(text, suffix):
    try:
        article = parse_article("story" + suffix, text)
    except PipelineError:
        return
    segment_article(article, "en")


def _mutate(data: bytes, rnd: random.Random, n: int) -> bytes:
    """Flip, drop, duplicate or insert bytes: the damage a bad merge or editor does."""
    buf = bytearray(data)
    for _ in range(n):
        if not buf:
            buf += b'"'
        i = rnd.randrange(len(buf))
        op = rnd.randrange(6)
        if op == 0:
            buf[i] = rnd.randrange(256)
        elif op == 1:
            del buf[i:i + rnd.randrange(1, 40)]
        elif op == 2:
            buf[i:i] = rnd.choice([b'"', b"\\", b"\n", b"#~ ", b"msgid ", b"msgstr[1] ", b"\xff",
                                   b"\x00", b"#, fuzzy\n", b'msgid ""\n', b"\r\n", b"\xd8"])
        elif op == 3:
            j = rnd.randrange(len(buf))
            buf[i:i] = buf[j:j + rnd.randrange(1, 80)]
        elif op == 4:
            buf = buf[:i]  # truncated: a killed editor
        else:
            buf[i:i + 1] = b""
    return bytes(buf)


def _load_po(folder: Path):
    path = folder / "ar.po"
    try:
        return load_catalog(path)
    except PipelineError as exc:
        assert "\n" not in str(exc) and str(path) in str(exc)
        return None


def _read_po_bytes(folder: Path, monkeypatch, data: bytes) -> None:
    """Read *data* as a PO file: a one-line error or a catalogue, never a write."""
    (folder / "ar.po").write_bytes(data)
    guard = Untouched(folder, monkeypatch)
    po = _load_po(folder)
    monkeypatch.undo()
    guard.check()
    if po is not None:
        # What newsloc accepted it can write back and read again.
        validate_po_text(catalog_text(po), path="<rewritten>")


@pytest.mark.skipif(not SAMPLE_POS, reason="no sample PO files")
@FUZZ
@given(index=st.integers(0, 1000), seed=st.integers(0, 2**32 - 1), n=st.integers(1, 8))
def test_po_reader_on_damaged_real_files(sandbox, monkeypatch, index, seed, n):
    original = SAMPLE_POS[index % len(SAMPLE_POS)].read_bytes()
    _read_po_bytes(sandbox, monkeypatch, _mutate(original, random.Random(seed), n))


@FUZZ
@given(text=PIECES)
@example(text='msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "a\x0bb"\nmsgstr "x"\n')
@example(text='msgid "a"\nmsgstr[0] "x"\n')
@example(text='#~ msgid "a"\n#~ msgstr "b"\nmsgid "a"\nmsgstr "c"\n')
def test_po_reader_on_po_like_text(sandbox, monkeypatch, text):
    _read_po_bytes(sandbox, monkeypatch, text.encode("utf-8", "surrogatepass"))


@settings(max_examples=60, deadline=None)
@given(text=PIECES, suffix=st.sampled_from([".txt", ".md", ".html"]))
@example(text="Headline with a vertical\x0btab\n\nA paragraph with a form\x0cfeed. And \x85 NEL.",
         suffix=".txt")
@example(text="\x04", suffix=".txt")
@example(text="\x00", suffix=".txt")
@example(text="Headline\n\nA NUL\x00 inside.", suffix=".txt")
@example(text="Headline\x1b[0m\n\nA sentence\x07 with\x7f junk.", suffix=".txt")
@example(text="Headline\n\nSentence with a backslash \\ and a \"quote\" and a tab\there.",
         suffix=".txt")
def test_whatever_the_reader_accepts_extracts_to_valid_catalogues(text, suffix):
    """A strange article never produces a catalogue newsloc or msgfmt would refuse."""
    try:
        article = parse_article("story" + suffix, text)
    except PipelineError:
        return
    template = build_template(segment_article(article, "en"), source_ref="articles/story.txt",
                              title=article.headline)
    for po in (template, new_catalog(template, "ckb")):
        written = catalog_text(po)
        validate_po_text(written, path="<written>")
        if shutil.which("msgfmt") and any(e.msgid for e in po):
            proc = subprocess.run(["msgfmt", "-c", "-o", os.devnull, "-"],
                                  input=written.encode("utf-8"), capture_output=True)
            assert proc.returncode == 0, proc.stderr.decode() + "\n" + written


def test_seed_and_real_files_read_cleanly():
    assert read_article(SEED).headline
    for path in SAMPLE_POS[:3]:
        load_catalog(path)


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="atheris runs on Linux")
def test_atheris_harness_short_run(tmp_path):
    """The coverage-guided harness runs (briefly) without finding a crash."""
    pytest.importorskip("atheris")
    harness = Path(__file__).parent / "fuzz" / "fuzz_readers.py"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run([sys.executable, str(harness), "-runs=1500", "-seed=1",
                           f"-artifact_prefix={tmp_path}/"],
                          capture_output=True, text=True, env=env, timeout=120,
                          cwd=tempfile.gettempdir())
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    assert "Done 1500 runs" in proc.stderr

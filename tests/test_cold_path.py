"""The cold extraction shortcuts give exactly the bytes of the long way.

* ``fresh_catalog_texts`` formats a template's entries once for the template
  and every brand-new catalogue: the texts must equal ``catalog_text`` of
  ``new_catalog`` for each language, and fall back when entries would not
  carry over unchanged.
* The segmenter's sure-sentence path (``segment._pysbd``) skips pySBD for
  pieces of a paragraph whose sentence boundaries are certain: it must give
  exactly pySBD's pieces, and ``split_sentences`` exactly pySBD + news rules,
  on every paragraph of the BBC corpus, on the Golden Rules and on
  generated paragraphs built from what trips segmenters up.
* ``fsutil.atomic_write_many`` (extraction's batched writes) keeps each
  file's guarantees: unchanged bytes untouched, a translator's save never
  overwritten, a failed write leaves the old file and no temporary file.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import fsutil
from pipeline import segment as segment_mod

from pipeline.article import read_article
from pipeline.catalog import (build_template, catalog_text, fresh_catalog_texts, load_catalog,
                              new_catalog, parse_catalog)
from pipeline.config import load_project
from pipeline.errors import CatalogError
from pipeline.segment import segment_article

from .paths import BBC, GOLDEN_RULES, SEED, SEED_SLUG


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


# ---------------------------------------------------------------- sure sentences

def _pysbd_only(text: str) -> list[str]:
    return [s.strip() for s in segment_mod.sentence_segmenter("en").segment(text) if s.strip()]


def _fast(text: str) -> list[str]:
    return [s.strip() for s in segment_mod._pysbd(text, "en") if s.strip()]


def _reference_split(text: str, monkeypatch) -> tuple[str, ...]:
    """split_sentences as it is without the sure-sentence path (pySBD + news rules)."""
    with monkeypatch.context() as m:
        m.setattr(segment_mod, "_pysbd", lambda t, lang: segment_mod.sentence_segmenter(lang).segment(t))
        return segment_mod._split_cached.__wrapped__(" ".join(text.split()), "en")  # quotations cut first


def _paragraphs_of_corpus() -> list[str]:
    from pipeline.article import UNTRANSLATED_ROLES, WHOLE_ROLES
    seen: dict[str, None] = {}
    for path in sorted(BBC.rglob("*.txt")):
        for block in read_article(path).blocks:
            if block.role not in UNTRANSLATED_ROLES and block.role not in WHOLE_ROLES:
                seen[" ".join(block.text.split())] = None
    return list(seen)


@pytest.mark.slow
@pytest.mark.shared
def test_sure_sentences_equal_pysbd_on_every_corpus_paragraph(monkeypatch):
    paragraphs = _paragraphs_of_corpus()
    assert len(paragraphs) > 4000
    calls: list[str] = []
    real = segment_mod.sentence_segmenter("en")
    differ = []
    for text in paragraphs:
        reference = _pysbd_only(text)
        with monkeypatch.context() as m:
            m.setattr(segment_mod, "sentence_segmenter", lambda lang: _Spy(real, calls))
            fast = _fast(text)
            split = segment_mod._split_cached.__wrapped__(text, "en")
        if len(text) <= segment_mod._LONG_PARAGRAPH:
            # split_sentences cuts reopened quotations first, then pySBD reads each piece.
            pieces = [s for part in segment_mod._quoted_runs(text) for s in _pysbd_only(part)]
            expected = tuple(segment_mod._apply_news_rules(text, pieces))
        else:
            expected = _reference_split(text, monkeypatch)
        if fast != reference or split != expected:
            differ.append(text)
    assert differ == []
    # The path is taken: most of the corpus never reaches pySBD (twice: _fast and split).
    assert sum(map(len, calls)) < 2 * 0.6 * sum(map(len, paragraphs))


class _Spy:
    def __init__(self, real, calls):
        self.real, self.calls = real, calls

    def segment(self, text):
        self.calls.append(text)
        return self.real.segment(text)


@pytest.mark.shared
def test_sure_sentences_equal_pysbd_on_golden_rules(monkeypatch):
    cases = json.loads(GOLDEN_RULES.read_text(encoding="utf-8"))
    assert len(cases) == 48
    for case in cases:
        text = " ".join(case["text"].split())
        assert _fast(text) == _pysbd_only(text), case["id"]
        assert segment_mod._split_cached.__wrapped__(text, "en") == \
            _reference_split(text, monkeypatch), case["id"]


@pytest.mark.parametrize("text", [
    "Profits rose in 2004. Sales fell 5%. The firm (BBC) said so. He called it \"mad\". It ended.",
    "It is aged 16. The rest is 18. These are fine.",
    "He said \"It fell. We lost\" and left. Then he came back.",
    "The U.S. economy grew. Mr Smith agreed. Gen. Jones did not.",
    "A fall of 2.5% was seen. Shares (in euros) rose. It was the 1990s' end. Done",
    "Plan B. It worked. See item a. And b. Then c. Fine.",
    "Costs were $1.5bn. The rest -\" Me. Fine.",
    # Quoted speech: cuts after '." Capital' and before '"Capital', never at '." "Capital'.
    'Revenues grew 6.4% to $42.09bn. "Our performance was strong," he said. It ended.',
    'He said: "We won." Then he left. "Why?" He asked. "No!" It ended.',
    'He said "It fell." "We won." Then he left.',
    'Sales rose. "We won." "It is." Fine.',
    'He said "" and "It fell." Then he left.',
    '"We won" He said. "It is," she said. Done.',
    'It rose. "The U.S. grew." Mr Smith agreed. "Gen. Jones?" No.',
    'The firm (BBC) said "it fell." Then (it said) "Why?" Analysts agreed.',
    # Money, percentages and hyphenated words before a cut.
    'It was worth $8.5bn (\u00a34.4bn). Analysts said so. It made \u00a3532m. Revenue was 9.9%. '
    'It is well-known. It was a co-op. Then $5. And 5m. End.',
])
def test_sure_sentences_on_news_traps(text, monkeypatch):
    assert _fast(text) == _pysbd_only(text)
    assert segment_mod._split_cached.__wrapped__(text, "en") == _reference_split(text, monkeypatch)


_WORDS = ["the", "said", "Shares", "It", "The", "He", "I", "A", "Mr", "Mr.", "Dr.", "Gen.", "no.",
          "No.", "co.", "Inc.", "U.S.", "e.g.", "a.m.", "etc.", "al.", "fig.", "vs.", "Jan.", "St.",
          "rose", "fell", "UK", "BBC", "OK", "b.", "iv)", "(ii)", "a)", "2004", "2004.", "16.", "5",
          "18)", "1.5bn", "$375m", "\u00a3198m", "2.5%", "5%.", "(BBC)", "(in euros).", "\"mad\".",
          "\"We", "won,\"", "lost.\"", "fell\"", "-\"", "'s", "firm's", "bosses'", "'quoted'",
          "rock'n'roll", "--", "...", "?", "!", ",", ";", ":", "-", ".", "(", ")", "\"", "'",
          "\u201cso\u201d", "\u2018it\u2019", "&", "/", "\u00ab", "x.", "Ph.D.", "1990s'",
          "ltd", "Ltd.", "capt", "Capt.", "Mt", "mt.", "\u0130bid.", "p.m.", "P.M.",
          "won.\"", "\"Why?\"", "it?\"", "No!\"", "\"\"", "$5.", "\u00a34.4m.", "(\u00a34.4bn).",
          "9.9%.", "5m.", "well-known.", "co-op.", "ex-Gen.", "\"mad\".", "U.S.\"", "Mr.\""]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from([" ", " ", " ", ""])),
                min_size=1, max_size=40))
def test_sure_sentences_equal_pysbd_on_generated_paragraphs(parts):
    text = " ".join("".join(w + sep for w, sep in parts).split())
    assert _fast(text) == _pysbd_only(text)


_PROSE = ["the", "rose", "fell", "said", "profits", "company", "in", "of", "and", "to", "2004",
          "1997", "15", "7", "2.5%", "\u00a3450.7m", "$1.5bn", "(BBC)", "(in", "euros)", "\"mad\"",
          "\"We", "won,\"", "firm's", "UK", "EU", "it", "that", "-", ",", ";", ":"]
_CAPITALS = ["The", "He", "Shares", "Analysts", "Mr", "It", "I", "A", "But", "Sales"]
_sentence = st.tuples(
    st.sampled_from(_CAPITALS), st.lists(st.sampled_from(_PROSE), min_size=1, max_size=12),
    st.lists(st.tuples(st.integers(0, 12), st.sampled_from(_WORDS)), max_size=1),
    st.sampled_from([".", ".", ".", ".\"", "?", "!", "", "?\"", "!\"", ".\" \"We"]))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_sentence, min_size=1, max_size=6))
def test_sure_sentences_equal_pysbd_on_generated_prose(sentences):
    """News-like prose (where the path is mostly taken), with a trap now and then."""
    parts = []
    for capital, words, traps, end in sentences:
        words = [capital] + words
        for at, trap in traps:
            words.insert(at, trap)
        parts.append(" ".join(words) + end)
    text = " ".join(" ".join(parts).split())
    assert _fast(text) == _pysbd_only(text)


# ---------------------------------------------------------------- batched writes

def _temps(folder):
    return sorted(p.name for p in folder.rglob("*") if p.name.endswith(fsutil.TEMP_SUFFIX))


@pytest.mark.parametrize("syncfs", [True, False])
def test_atomic_write_many_writes_skips_and_refuses_per_file(tmp_path, monkeypatch, syncfs):
    if not syncfs:
        monkeypatch.setattr(fsutil, "_syncfs", lambda: None)
    same, changed, new, saved = (tmp_path / n for n in ("same.po", "changed.po", "sub/new.po", "saved.po"))
    same.write_bytes(b"same")
    changed.write_bytes(b"old")
    saved.write_bytes(b"read")
    read_digest = fsutil.file_digest(saved)
    saved.write_bytes(b"saved by a translator meanwhile")
    mtime = same.stat().st_mtime_ns
    out = fsutil.atomic_write_many([(same, b"same", fsutil.UNCHECKED), (changed, "new \u0628", None),
                                    (new, b"fresh", None), (saved, b"merged", read_digest)])
    assert out[0] is False and same.stat().st_mtime_ns == mtime
    assert isinstance(out[1], fsutil.ChangedOnDisk) and changed.read_bytes() == b"old"
    assert out[2] is True and new.read_bytes() == b"fresh"
    assert isinstance(out[3], fsutil.ChangedOnDisk)
    assert saved.read_bytes() == b"saved by a translator meanwhile"
    assert oct(new.stat().st_mode & 0o777) == oct(fsutil.default_mode())
    assert _temps(tmp_path) == []
    out = fsutil.atomic_write_many([(changed, "new \u0628", fsutil.file_digest(changed))])
    assert out == [True] and changed.read_text(encoding="utf-8") == "new \u0628"


def test_atomic_write_many_failures_leave_old_files_and_no_temp(tmp_path, monkeypatch, full_disk):
    import errno
    a, b = tmp_path / "a.po", tmp_path / "b.po"
    a.write_bytes(b"A")
    b.write_bytes(b"B")
    full_disk("a.po")
    out = fsutil.atomic_write_many([(a, b"A2", fsutil.UNCHECKED), (b, b"B2", fsutil.UNCHECKED)],
                                   error=CatalogError)
    assert isinstance(out[0], CatalogError) and "No space left" in str(out[0])
    assert out[1] is True and a.read_bytes() == b"A" and b.read_bytes() == b"B2"
    assert _temps(tmp_path) == []
    monkeypatch.undo()

    def broken_flush(files):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(fsutil, "_flush", broken_flush)
    out = fsutil.atomic_write_many([(a, b"A3", fsutil.UNCHECKED), (b, b"B3", fsutil.UNCHECKED)],
                                   error=CatalogError)
    assert all(isinstance(o, CatalogError) for o in out)
    assert a.read_bytes() == b"A" and b.read_bytes() == b"B2" and _temps(tmp_path) == []


def test_quoted_speech_skips_pysbd(monkeypatch):
    """Plain quoted speech and money amounts are cut without pySBD."""
    calls: list[str] = []
    real = segment_mod.sentence_segmenter("en")
    monkeypatch.setattr(segment_mod, "sentence_segmenter", lambda lang: _Spy(real, calls))
    text = ('Revenues grew 6.4% to $42.09bn (\u00a322bn). "Our performance was strong," he said. '
            '"We won." Analysts agreed. "Why now?" Nobody knew.')
    assert _fast(text) == ['Revenues grew 6.4% to $42.09bn (\u00a322bn).',
                           '"Our performance was strong," he said.', '"We won."',
                           'Analysts agreed.', '"Why now?"', 'Nobody knew.']
    assert calls == []

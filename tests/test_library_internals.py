"""The library internals newsloc builds on are still there: fail loudly, naming them, when a release moves them.

newsloc uses the public API of its libraries except in two isolated modules:
``pipeline/sbd.py`` (pySBD) and ``pipeline/catalog/polibfast.py`` (polib).
"""

from __future__ import annotations

import inspect

import polib
import pysbd

from pipeline import sbd
from pipeline.catalog import polibfast


def test_pysbd_internals_newsloc_overrides_are_present():
    missing = [f"{owner.__qualname__}.{name}" for owner, name in sbd.INTERNALS if not hasattr(owner, name)]
    assert not missing, f"pySBD moved internals pipeline/sbd.py relies on: {missing}"
    params = list(inspect.signature(pysbd.Segmenter.sentences_with_char_spans).parameters)
    assert params == ["self", "sentences"], f"pySBD changed sentences_with_char_spans{params}"


def test_pysbd_fast_segmenter_matches_stock_pysbd():
    text = ('Mr. Smith went to Washington D.C. on Jan. 5. He met Gen. Petraeus at 3 p.m. '
            '"We will stay," he said. The U.S. pledged $2.5 billion.')
    stock = pysbd.Segmenter(language="en", clean=False, char_span=False).segment(text)
    assert sbd.sentence_segmenter("en").segment(text) == stock
    assert "gen" in sbd.english_abbreviations() and "mr" in sbd.english_abbreviations()


def test_polib_field_helper_has_the_shape_the_cache_was_written_for():
    assert polibfast.compatible(), (
        "polib's private _BaseEntry._str_field changed shape: pipeline/catalog/polibfast.py no longer "
        f"installs its cache (expected parameters {polibfast.EXPECTED_PARAMETERS})")
    assert polibfast.install() and polib._BaseEntry._str_field is polibfast._str_field


def test_polib_cache_writes_what_polib_writes():
    entry = polib.POEntry(msgid="A long sentence " * 12, msgstr="جملة طويلة " * 12, occurrences=[("a.txt", "3")])
    cached = str(entry)
    polibfast._field_lines.cache_clear()
    assert list(polibfast._field_lines("msgid", "", "", entry.msgid, 79)) == \
        polibfast.HELPER(None, "msgid", "", "", entry.msgid, 79)
    assert cached == str(entry)


def test_deep_translator_clients_call_requests_through_newsloc():
    from pipeline.translate.engines import deep
    for module in deep.CLIENT_MODULES:
        assert module.requests is deep._SHIM, f"{module.__name__}: requests stand-in not installed"
        source = inspect.getsource(module)
        assert "requests.get(" in source or "requests.post(" in source, (
            f"{module.__name__} no longer calls requests.get/post: the timeout stand-in does nothing")

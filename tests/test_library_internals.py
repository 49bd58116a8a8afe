"""The library internals newsloc builds on are still there: fail loudly, naming them, when a release moves them.

newsloc uses the public API of its libraries except in one isolated module,
``pipeline/sbd.py`` (pySBD). polib is used through its public data only: PO
files are written by ``pipeline/catalog/layout.py``, newsloc's own code.
"""

from __future__ import annotations

import inspect

import pysbd

from pipeline import sbd


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


def test_deep_translator_clients_call_requests_through_newsloc():
    from pipeline.translate.engines import deep
    for module in deep.CLIENT_MODULES:
        assert module.requests is deep._SHIM, f"{module.__name__}: requests stand-in not installed"
        source = inspect.getsource(module)
        assert "requests.get(" in source or "requests.post(" in source, (
            f"{module.__name__} no longer calls requests.get/post: the timeout stand-in does nothing")

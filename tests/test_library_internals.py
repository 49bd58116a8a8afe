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


def test_stage_keys_read_library_versions_as_importlib_metadata_does(tmp_path, monkeypatch):
    from importlib import metadata

    from pipeline.checks.project import LIBRARIES as CHECK
    from pipeline.export.run import LIBRARIES as EXPORT
    from pipeline.extract import LIBRARIES as EXTRACT
    from pipeline.state.manifest import library_version

    # A folder on the path, as a user's environment may hold: odd spellings, a folded field.
    for folder, fields in (("Zz_Newsloc.Probe-1.0rc1.dist-info", "Name: zz-newsloc-probe\nVersion: 1.0rc1 \n"),
                           ("zz_newsloc_folded-2.0.dist-info", "Summary: one\n  two\nVersion: 2.0\n")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "METADATA").write_text(f"Metadata-Version: 2.1\n{fields}\nBody\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    library_version.cache_clear()
    names = {*EXTRACT, *EXPORT, *CHECK, "polib", "zz-newsloc-probe", "ZZ_newsloc_folded", "no-such-dist-newsloc"}
    for dist in sorted(names):
        try:
            expected = metadata.version(dist)
        except metadata.PackageNotFoundError:
            expected = "absent"
        assert library_version(dist) == expected, dist
    library_version.cache_clear()


def test_the_interpreter_exit_steps_the_cli_runs_itself_are_there():
    """pipeline/cli's main() does the interpreter's first exit steps itself (threads, atexit
    handlers), then os._exit (no teardown): the two private functions must still exist."""
    import atexit
    import threading
    for owner, name in ((threading, "_shutdown"), (atexit, "_run_exitfuncs")):
        assert callable(getattr(owner, name, None)), \
            f"{owner.__name__}.{name} is gone: pipeline/cli/__init__.py:_exit_now must end the process another way"

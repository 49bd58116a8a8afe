"""Engine code maps and every deep-translator engine over the loopback server."""

from __future__ import annotations

import pytest

from pipeline.translate.engines import ENGINES, EngineOptions, get_engine
from pipeline.translate.engines.base import FatalError, TransientError
from pipeline.translate.engines.deep import DeepEngine
from pipeline.errors import EngineError, EngineUnsupported


@pytest.mark.parametrize("engine,codes", [
    ("google", {"ar": "ar", "ckb": "ckb", "ku": "ku"}),
    ("microsoft", {"ar": "ar", "ckb": "ku", "ku": "kmr"}),      # the opposite of Google
    ("mymemory", {"ar": "ar-SA", "ckb": "ckb-IQ", "ku": "kmr-TR", "ar_IQ": "ar-SA"}),
    ("deepl", {"ar": "ar"}),
])
def test_code_maps(engine, codes):
    eng = DeepEngine(engine, EngineOptions(api_key="k"))
    for lang, code in codes.items():
        assert eng.code(lang) == code
        eng.check("en", lang)


@pytest.mark.parametrize("lang", ["ckb", "ku"])
def test_deepl_serves_arabic_only(lang):
    with pytest.raises(EngineUnsupported, match=f"cannot translate '{lang}'"):
        DeepEngine("deepl", EngineOptions(api_key="k")).check("en", lang)


def test_libre_asks_the_server(mt):
    eng = DeepEngine("libre", EngineOptions(url=mt.url))
    assert [eng.code(x) for x in ("ar", "ckb", "ku")] == ["ar", "ckb", "ku"]
    mt.languages = ["en", "ar", "kmr"]
    eng = DeepEngine("libre", EngineOptions(url=mt.url))
    assert eng.code("ku") == "kmr"
    with pytest.raises(EngineUnsupported):
        eng.check("en", "ckb")
    assert mt.translations() == []


def test_keys_required():
    for name in ("microsoft", "deepl"):
        with pytest.raises(EngineError, match=f"NEWSLOC_{name.upper()}_KEY"):
            get_engine(name, EngineOptions())


@pytest.mark.parametrize("engine,url_suffix,lang,sent", [
    ("google", "", "ckb", "ckb"),
    ("libre", "", "ku", "ku"),
    ("mymemory", "", "ku", "kmr-TR"),
    ("deepl", "v2/", "ar", "ar"),
    ("microsoft", "microsoft/", "ckb", "ku"),
])
def test_each_engine_over_http(mt, engine, url_suffix, lang, sent):
    mt.api_key = "KEY1" if engine in ("deepl", "microsoft") else None
    eng = get_engine(engine, EngineOptions(url=mt.url + url_suffix, api_key="KEY1", timeout=2))
    eng.check("en", lang)
    out = eng.session().translate("Iraq has [X0X] soldiers", "en", lang)
    assert out == f"«{sent}» IRAQ HAS [X0X] SOLDIERS"
    assert mt.translations()[-1]["target"] == sent


@pytest.mark.parametrize("engine,url_suffix", [("libre", ""), ("google", ""), ("mymemory", ""),
                                                ("deepl", "v2/"), ("microsoft", "microsoft/")])
def test_error_classes(mt, engine, url_suffix):
    eng = get_engine(engine, EngineOptions(url=mt.url + url_suffix, api_key="K", timeout=0.3))
    session = eng.session()
    mt.mode = "429"
    with pytest.raises(TransientError, match="429"):
        session.translate("hello there", "en", "ar")
    mt.mode = "500"
    with pytest.raises(TransientError, match="500"):
        session.translate("hello there", "en", "ar")
    mt.mode = "malformed"
    if engine == "google":
        assert session.translate("hello there", "en", "ar") is None   # no result on the page
    else:
        with pytest.raises(EngineError, match="malformed|unexpected") as info:
            session.translate("hello there", "en", "ar")
        assert not isinstance(info.value, TransientError)
    mt.mode = "hang"
    with pytest.raises(TransientError, match="no answer within 0.3s"):
        session.translate("hello there", "en", "ar")


def test_refused_key_is_fatal_and_redacted(mt):
    mt.api_key = "right"
    eng = get_engine("deepl", EngineOptions(url=mt.url + "v2/", api_key="wrong-secret"))
    with pytest.raises(FatalError) as info:
        eng.session().translate("hello", "en", "ar")
    assert "wrong-secret" not in str(info.value)


def test_fake_engine_registered_and_deterministic():
    assert "fake" in ENGINES
    eng = get_engine("fake")
    assert eng.session().translate("Hi [X0X]", "en", "ar") == "[ar] ‹HI› [X0X]"


def test_registry_is_extensible():
    class Memory:
        name, max_chars, concurrency, rate, local = "memory", 100, 1, 0.0, True

        def __init__(self, name, options):
            pass
    ENGINES["memory-test"] = Memory
    try:
        assert isinstance(get_engine("memory-test"), Memory)
    finally:
        del ENGINES["memory-test"]

"""Masking, glossaries, splitting and the MT cache."""

from __future__ import annotations

import pytest

from pipeline.config import load_project
from pipeline.translate.glossary import load_glossary
from pipeline.translate.sender import split_text, validate, Request
from pipeline.translate.cache import MTCache
from pipeline.translate.protect import MASK_PATTERN, MaskError, mask, restore
from pipeline.errors import ConfigError
from pipeline.translate.engines import QuotaExceeded

from .mtserver import QUOTA


def test_mask_restore_round_trip_with_whitespace():
    text = "  Sorties cost $250,000 per day [AFP], mail a@b.org or see https://x.org/a.\n"
    m = mask(text)
    assert "250" not in m.text and "@" not in m.text and "http" not in m.text and "AFP" not in m.text
    assert restore(m, m.text.upper().replace("[X", "[X")) .startswith("  SORTIES COST $250,000")
    assert restore(m, m.text).endswith(".\n")


def test_engines_mangling_tolerated_but_loss_rejected():
    m = mask("On March 29th, 1500 people came.")
    assert restore(m, "في [ X0 X ] آذار، [X١X] شخص") == "في 29 آذار، 1500 شخص"
    with pytest.raises(MaskError, match="lost placeholder for '1500'"):
        restore(m, "في [X0X] آذار، شخص")
    with pytest.raises(MaskError, match="garbled"):
        restore(m, "في [X0X] آذار، X1X] شخص")
    with pytest.raises(MaskError, match="repeated"):
        restore(m, "[X0X] [X0X] [X1X]")
    with pytest.raises(MaskError, match="invented"):
        restore(m, "[X0X] [X1X] [X7X]")


def test_mask_pattern_is_what_check_looks_for():
    assert MASK_PATTERN.search("نص [X3X] متبقي")
    assert not MASK_PATTERN.search("[Ahmad al-Rubaye/AFP]")


def test_glossary_terms_restored_as_approved(project):
    g = load_glossary(load_project(project), "ar")
    assert g.terms["ISIS"] == "داعش"
    m = mask("Coalition helps Iraq sustain anti-ISIS fight", g)
    assert "ISIS" not in m.text
    assert restore(m, "التحالف يساعد العراق ضد [X0X]") == "التحالف يساعد العراق ضد داعش"
    ku = load_glossary(load_project(project), "ku")
    assert ku.terms["AFP"] == "AFP" and "AFP" in ku.do_not_translate


def test_glossary_csv_rules(tmp_path):
    root = tmp_path
    (root / "locales" / "ar").mkdir(parents=True)
    (root / "locales" / "ar" / "glossary.csv").write_text(
        "term,translation,note\n# comment\ncoalition,التحالف,\nCNN,,keep\n", encoding="utf-8")
    g = load_glossary(load_project(root), "ar")
    assert g.find("The Coalition and CNN; not CNNs") == [("coalition", "التحالف"), ("CNN", "CNN")]
    (root / "locales" / "ar" / "glossary.csv").write_text("a,b\n,c\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"glossary.csv:2: empty term"):
        load_glossary(load_project(root), "ar")


def test_glossary_tbx(tmp_path):
    (tmp_path / "locales" / "ckb").mkdir(parents=True)
    (tmp_path / "locales" / "ckb" / "glossary.tbx").write_text(
        '<?xml version="1.0"?><martif type="TBX"><text><body>'
        '<termEntry><langSet xml:lang="en"><tig><term>Kirkuk</term></tig></langSet>'
        '<langSet xml:lang="ckb"><tig><term>کەرکووک</term></tig></langSet></termEntry>'
        '</body></text></martif>', encoding="utf-8")
    assert load_glossary(load_project(tmp_path), "ckb").terms == {"Kirkuk": "کەرکووک"}


def test_split_keeps_text_and_limit():
    text = ("This is a sentence about the coalition. " * 30).strip()
    pieces = split_text(text, 120)
    assert all(len(p) <= 120 for p, _ in pieces)
    assert "".join(p + g for p, g in pieces) == text
    long_clause = ", ".join(["word " * 10] * 10)
    assert "".join(p + g for p, g in split_text(long_clause, 60)) == long_clause


def test_validation_rejects_garbage():
    req = Request("ar", "x", mask("The coalition stepped in to help."))
    with pytest.raises(QuotaExceeded):
        validate(req, QUOTA)
    with pytest.raises(MaskError, match="unchanged"):
        validate(req, "The coalition stepped in to help.")
    with pytest.raises(MaskError, match="no translation"):
        validate(req, None)
    short = Request("ku", "x", mask("Ahmad al-Rubaye"))
    assert validate(short, "Ahmad al-Rubaye") == "Ahmad al-Rubaye"   # names may stay


def test_cache_contract(project):
    proj = load_project(project)
    with MTCache.for_project(proj) as cache:
        assert cache.get("google", "en", "ar", "Hello") is None
        cache.put("google", "en", "ar", "Hello", "مرحبا", glossary="g1")
        assert cache.get("google", "en", "ar", "Hello") == "مرحبا"
        assert cache.lookup("google", "en", "ar", "Hello", "g1") == "مرحبا"
        assert cache.lookup("google", "en", "ar", "Hello", "g2") is None
        assert cache.get("libre", "en", "ar", "Hello") is None
    assert (project / ".newsloc" / "state.sqlite").is_file()
    with MTCache.for_project(proj) as cache:
        assert len(cache) == 1

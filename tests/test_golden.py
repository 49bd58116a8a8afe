"""The golden-file helper: a missing or different golden fails; only --update-golden writes."""

from __future__ import annotations

import pytest


def test_missing_golden_fails_and_is_not_created(golden, tmp_path):
    plain = type(golden)(tmp_path, update=False)
    with pytest.raises(pytest.fail.Exception, match="missing"):
        plain.check_text("new/expected.txt", "produced\n")
    with pytest.raises(pytest.fail.Exception, match="missing"):
        plain.check_entry("doc.json.gz", "key", {"a": 1})
    assert not any(tmp_path.iterdir())


def test_update_writes_then_comparison_passes_and_catches_a_change(golden, tmp_path):
    type(golden)(tmp_path, update=True).check_text("new/expected.txt", "produced\n")
    type(golden)(tmp_path, update=True).check_entry("doc.json.gz", "key", {"a": 1})
    type(golden)(tmp_path, update=True).check_entry("doc.json.gz", "other", [1, 2])
    plain = type(golden)(tmp_path, update=False)
    assert (tmp_path / "new" / "expected.txt").read_text(encoding="utf-8") == "produced\n"
    plain.check_text("new/expected.txt", "produced\n")
    plain.check_entry("doc.json.gz", "key", {"a": 1})
    assert plain.entry("doc.json.gz", "other") == [1, 2]
    with pytest.raises(pytest.fail.Exception, match="(?s)differs.*\n-produced\n\\+changed"):
        plain.check_text("new/expected.txt", "changed\n")
    with pytest.raises(AssertionError, match="differs from entry 'key'"):
        plain.check_entry("doc.json.gz", "key", {"a": 2})
    with pytest.raises(pytest.fail.Exception, match="no entry 'third'"):
        plain.check_entry("doc.json.gz", "third", 3)

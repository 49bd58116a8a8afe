"""newsloc's merge beside the real ``msgmerge --previous`` on sequences of article edits.

A reviewed catalogue (or one filled by machine translation) goes through the
same edits twice: once through ``extract`` (newsloc's merge), once through
gettext's ``msgmerge --previous`` with the template ``extract`` wrote. For
every entry of the new template, the two catalogues must agree on the state
(translated, fuzzy, untranslated), the msgstr and the previous msgid
(``#|``), or the difference must be one of the documented ones (see
docs/catalogues.md, "newsloc and msgmerge"):

``revived``
    newsloc keeps a translated entry it reused for a fuzzy match as obsolete
    as well (msgmerge drops it); when the article's text comes back, newsloc
    revives the reviewed translation as it was, msgmerge offers it as fuzzy.
``previous of a machine suggestion``
    a fuzzy entry without ``#|`` (a machine suggestion) whose source changes:
    msgmerge writes no ``#|``, newsloc shows the text the suggestion translated.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import polib
import pytest

from pipeline.catalog import load_catalog, save_catalog
from pipeline.config import load_project
from pipeline.extract import extract_article

MSGMERGE = shutil.which("msgmerge")
pytestmark = pytest.mark.skipif(MSGMERGE is None and os.environ.get("CI") != "true",
                                reason="gettext's msgmerge is not installed")

BASE = [
    "Army retakes the town of Hit",
    "By Staff in Baghdad",
    "Iraqi forces retook the town of Hit on Monday after a week of heavy fighting. "
    "Officials said 12 fighters were killed in the final assault.",
    "The operation began at dawn with air strikes on the eastern districts. "
    "It lasted six hours, according to a military spokesman.",
    "Residents who had fled to nearby villages started returning to their homes on Tuesday. "
    "Aid agencies warned that many houses had been destroyed.",
    "The United Nations said it would send food and medicine to the town this week.",
]


def replace(old, new):
    def edit(paras):
        assert any(old in p for p in paras), old
        return [p.replace(old, new) for p in paras]
    edit.__name__ = f"replace {old[:20]!r}"
    return edit


def delete(k):
    return lambda paras: paras[:k] + paras[k + 1:]


def insert(k, text):
    return lambda paras: paras[:k] + [text] + paras[k:]


def swap(a, b):
    def edit(paras):
        paras = list(paras)
        paras[a], paras[b] = paras[b], paras[a]
        return paras
    return edit


SCENARIOS = {
    "one word changed": [replace("heavy fighting", "fierce fighting")],
    "sentence rewritten": [replace("The operation began at dawn with air strikes on the eastern districts.",
                                   "Air strikes on the eastern districts opened the offensive at dawn.")],
    "paragraph deleted": [delete(4)],
    "paragraph inserted": [insert(4, "Police set up checkpoints on the main road into the town. "
                                     "Journalists were not allowed in.")],
    "paragraphs reordered": [swap(3, 4)],
    "sentence split": [replace("said it would send food and medicine to the town this week.",
                               "said it would send food and medicine. The aid will reach the town this week.")],
    "sentences merged": [replace("districts. It lasted six hours", "districts and lasted six hours")],
    "punctuation only": [replace("in the final assault.", "in the final assault!")],
    "near-copy of a live sentence": [insert(5, "Iraqi forces retook the town of Hit on Monday after a week "
                                               "of heavy fighting, officials said.")],
    "repeated edits before review": [replace("heavy fighting", "fierce fighting"),
                                     replace("fierce fighting", "fierce street fighting"),
                                     replace("on Tuesday", "on Wednesday")],
    "edit then revert": [replace("heavy fighting", "fierce fighting"),
                         replace("fierce fighting", "heavy fighting")],
    "paragraph deleted then restored": [delete(4), lambda paras: BASE],
}

#: Scenario → the documented differences it shows (kind, msgid).
DOCUMENTED = {
    "edit then revert": {"revived"},
    "paragraph deleted then restored": set(),
}


def _state(entry):
    if entry is None:
        return "missing"
    if not entry.msgstr:
        return "untranslated"
    return "fuzzy" if "fuzzy" in entry.flags else "translated"


def _run(tmp_path, edits, review: bool):
    root = tmp_path / "desk"
    (root / "articles").mkdir(parents=True)
    article = root / "articles" / "hit.txt"
    paras = list(BASE)
    article.write_text("\n\n".join(paras) + "\n", encoding="utf-8")
    project = load_project(root)
    extract_article(project, article, ["ar"])
    path = project.catalog_path("hit", "ar")
    po = load_catalog(path)
    for e in po:
        e.msgstr = f"AR:{e.msgid}"
        if review:
            e.flags = [f for f in e.flags if f != "fuzzy"]
        elif "fuzzy" not in e.flags:
            e.flags.append("fuzzy")  # a machine suggestion: fuzzy, no #|
    save_catalog(po, path)
    reference = tmp_path / "msgmerge.po"
    shutil.copy(path, reference)
    for edit in edits:
        paras = edit(paras)
        article.write_text("\n\n".join(paras) + "\n", encoding="utf-8")
        extract_article(project, article, ["ar"])
        subprocess.run([MSGMERGE, "--quiet", "--previous", "-o", str(reference), str(reference),
                        str(project.template_path("hit"))], check=True)
    ours = {e.msgid: e for e in polib.pofile(str(path)) if not e.obsolete}
    theirs = {e.msgid: e for e in polib.pofile(str(reference)) if not e.obsolete}
    assert set(ours) == set(theirs)
    differences = set()
    for msgid, b in theirs.items():
        a = ours[msgid]
        if (_state(a), a.msgstr, a.previous_msgid) == (_state(b), b.msgstr, b.previous_msgid):
            continue
        if (_state(a), _state(b)) == ("translated", "fuzzy") and a.msgstr == b.msgstr \
                and b.previous_msgid is not None:
            differences.add(("revived", msgid))
        elif not review and _state(a) == _state(b) == "fuzzy" and a.msgstr == b.msgstr \
                and b.previous_msgid is None and a.previous_msgid is not None:
            differences.add(("previous of a machine suggestion", msgid))
        else:
            differences.add((f"state {_state(a)}/{_state(b)}, msgstr {a.msgstr!r}/{b.msgstr!r}, "
                             f"#| {a.previous_msgid!r}/{b.previous_msgid!r}", msgid))
    return len(theirs), differences


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_reviewed_catalogue_merges_as_msgmerge(tmp_path, name):
    entries, differences = _run(tmp_path, SCENARIOS[name], review=True)
    assert entries >= 7
    assert {kind for kind, _ in differences} == DOCUMENTED.get(name, set()), differences


@pytest.mark.parametrize("name", ["one word changed", "repeated edits before review", "sentence split",
                                  "near-copy of a live sentence"])
def test_machine_filled_catalogue_merges_as_msgmerge(tmp_path, name):
    entries, differences = _run(tmp_path, SCENARIOS[name], review=False)
    assert {kind for kind, _ in differences} == {"previous of a machine suggestion"}, differences

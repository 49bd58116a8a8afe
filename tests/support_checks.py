"""A deterministic project for the check stage's equivalence and cache tests.

The catalogues are written here as PO text (not through ``extract``), so the
findings depend only on the check code: the seed's catalogues as they were
when the golden file was made (``tests/data/checks``), 30 BBC articles and 12
synthetic ones whose repeated sentences give the translation-memory
``consistency`` check work, with stand-in translations mutated so that most
checks fire somewhere (numbers, script, letters, markup, bidi, whitespace,
engine garbage, identical, end punctuation, plural forms, c-format, a
truncated file).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from .paths import BBC, PO_REAL, REPO, allow_links_outside
from .support_perf import bbc_sample, synthetic_article

DATA = Path(__file__).resolve().parent / "data" / "checks"
SEED_SLUG = "coalition-helps-iraq-sustain-anti-isis-fight"
LANGS = ("ar", "ckb", "ku")
PLURALS = {"ar": "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 "
                 ": n%100>=11 ? 4 : 5;",
           "ckb": "nplurals=2; plural=(n != 1);", "ku": "nplurals=2; plural=(n != 1);"}
_ARABIC = [c for c in map(chr, range(0x0620, 0x06D4)) if c.isalpha()][:52]
_TO_ARABIC = str.maketrans("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", "".join(_ARABIC))
_ROT13 = str.maketrans("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
                       "nopqrstuvwxyzabcdefghijklmNOPQRSTUVWXYZABCDEFGHIJKLM")


def stand_in(text: str, lang: str) -> str:
    """A reversible stand-in translation in the language's script."""
    return text.translate(_TO_ARABIC if lang in ("ar", "ckb") else _ROT13)


def _quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


def po_text(lang: str, entries: list[dict]) -> str:
    """Write a catalogue: header plus *entries* (msgid, msgstr | msgstr_plural, flags, comment ...)."""
    header = ["Project-Id-Version: newsloc", "PO-Revision-Date: 2025-01-01 00:00+0000",
              "Last-Translator: desk <desk@example.org>", "Language-Team: desk <desk@example.org>",
              f"Language: {lang}", "MIME-Version: 1.0", "Content-Type: text/plain; charset=UTF-8",
              "Content-Transfer-Encoding: 8bit", f"Plural-Forms: {PLURALS[lang]}"]
    out = ['msgid ""', 'msgstr ""'] + [_quote(h + "\n") for h in header] + [""]
    for e in entries:
        pre = "#~ " if e.get("obsolete") else ""
        if e.get("comment"):
            out.append(f"#. {e['comment']}")
        if e.get("flags"):
            out.append("#, " + ", ".join(e["flags"]))
        if e.get("previous"):
            out.append(f"#| msgid {_quote(e['previous'])}")
        out.append(f"{pre}msgid {_quote(e['msgid'])}")
        if "msgid_plural" in e:
            out.append(f"{pre}msgid_plural {_quote(e['msgid_plural'])}")
            for k, form in enumerate(e["msgstr_plural"]):
                out.append(f"{pre}msgstr[{k}] {_quote(form)}")
        else:
            out.append(f"{pre}msgstr {_quote(e['msgstr'])}")
        out.append("")
    return "\n".join(out)


def _sentences(text: str) -> list[str]:
    """Naive split (paragraphs, then '. '): only has to be deterministic."""
    out = []
    for para in text.split("\n\n"):
        para = " ".join(para.split())
        if para.startswith("---") or not para:
            continue
        parts = para.replace(". ", ".\0").split("\0")
        out.extend(p for p in parts if p)
    return list(dict.fromkeys(out))


def _mutate(source: str, lang: str, k: int, i: int) -> dict:
    """The entry for sentence *i* of article *k*: a stand-in, sometimes spoilt on purpose."""
    target = stand_in(source, lang)
    m = (k * 7 + i * 3) % 17
    entry: dict = {"msgid": source, "msgstr": target}
    if m == 1 and any(c.isdigit() for c in target):
        entry["msgstr"] = "".join("7" if c.isdigit() else c for c in target)
    elif m == 2:
        entry["msgstr"] = "\u202e" + target
    elif m == 3:
        entry["msgstr"] = source
    elif m == 4:
        entry["msgstr"] = target + {"ar": " ی", "ckb": " يي ك", "ku": " ı"}[lang]
    elif m == 5:
        entry["msgstr"] = target + " <b>x</b>"
    elif m == 6:
        entry["msgstr"] = target + " "
    elif m == 7:
        entry.update(flags=["fuzzy"], comment="MT: google 2025-01-01",
                     msgstr="MYMEMORY WARNING: YOU USED ALL AVAILABLE FREE TRANSLATIONS" if i % 2 else target)
    elif m == 8:
        entry["msgstr"] = target.rstrip(".") + "?"
    elif m == 9:
        entry["msgstr"] = ""
    elif m == 10:
        entry["msgstr"] = target + " (" + ("\u2067" if i % 2 else "")
    elif m == 11:
        entry.update(flags=["fuzzy"], previous=source + " old", msgstr=target + " \x1b")
    elif m == 12:
        entry["msgstr"] = "Security news " + target  # Latin in ar/ckb, English left
    elif m == 13:
        entry["msgstr"] = target + " ISIS [X1X] https://example.org/x"
    return entry


def _extras(lang: str, k: int) -> list[dict]:
    forms = 6 if lang == "ar" else 2
    extras = [{"msgid": "%d soldier", "msgid_plural": "%d soldiers", "flags": ["c-format"],
               "msgstr_plural": [stand_in("%d soldier", lang)] * (forms - 1 if k % 7 == 1 else forms)
               if k % 5 else [""] * forms},
              {"msgid": "%d article", "msgid_plural": "%d articles", "flags": ["fuzzy"],
               "msgstr_plural": [stand_in("%d article", lang)] * (forms - 1)},
              {"msgid": f"{k} files in %s", "flags": ["c-format"],
               "msgstr": stand_in(f"{k} files in", lang) + (" %d" if k % 3 == 0 else " %s")},
              {"msgid": f"The anti-ISIS fight near Kirkuk, day {k} [Ahmad al-Rubaye/AFP]",
               "msgstr": (stand_in(f"The fight near, day {k}", lang) + " [AFP]") if k % 2
               else stand_in(f"day {k}", lang)},
              {"msgid": "Shares fell.", "msgstr": "   " if k % 4 == 1 else stand_in("Shares fell.", lang)},
              {"msgid": "translator-credits", "msgstr": "Desk <desk@example.org>"},
              {"msgid": "An obsolete sentence.", "msgstr": stand_in("An old one.", lang), "obsolete": True}]
    if k % 3 == 0:
        extras = [e for e in extras if "msgid_plural" not in e or k % 5]
    return extras


def make_check_project(root: Path, *, bbc: int = 30, synthetic: int = 12) -> Path:
    """Create the project under *root*; return root."""
    (root / "articles").mkdir(parents=True)
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    allow_links_outside(root)  # the BBC articles are links into ../shared
    shutil.copy(DATA / "seed.txt", root / "articles" / f"{SEED_SLUG}.txt")
    for lang in LANGS:
        folder = root / "locales" / lang
        folder.mkdir(parents=True)
        shutil.copy(DATA / f"seed_{lang}.po", folder / f"{SEED_SLUG}.po")
        shutil.copy(DATA / f"glossary_{lang}.csv", folder / "glossary.csv")
    texts: list[tuple[str, str]] = []
    if BBC.is_dir():
        for path in bbc_sample(bbc):
            slug = f"{path.parent.name}-{path.stem}"
            os.symlink(path, root / "articles" / f"{slug}.txt")
            texts.append((slug, path.read_text(encoding="utf-8")))
    for k in range(synthetic):
        name, text = synthetic_article(k)
        (root / "articles" / name).write_text(text, encoding="utf-8")
        texts.append((Path(name).stem, text))
    for k, (slug, text) in enumerate(texts):
        for lang in LANGS:
            if (k + len(lang)) % 11 == 0:
                continue  # no catalogue yet: "missing"
            entries = []
            for i, sentence in enumerate(_sentences(text)):
                entry = _mutate(sentence, lang, k, i)
                if slug.startswith("story-") and k % 3 == 0 and entry["msgstr"]:
                    entry["msgstr"] += "ـ"  # another rendering of a repeated sentence
                entries.append(entry)
            body = po_text(lang, entries + _extras(lang, k))
            if k == 5 and lang == "ku":
                body = body[:len(body) // 2].rstrip('"\n') + "\n"  # truncated mid-string
            (root / "locales" / lang / f"{slug}.po").write_text(body, encoding="utf-8")
    return root


def normalised(output: str, root: Path) -> dict:
    """``check --json`` output with the project root and the shared folder made relative."""
    text = output.replace(str(root) + os.sep, "").replace(str(PO_REAL) + os.sep, "po-real/")
    return json.loads(text)

"""Checks of the ``script`` group: the language's script and letters, no English left.

Sorani letters ە ێ ۆ ڕ ڵ ڤ ی ک and Kurmanji letters ê î û ç ş are the
expected alphabet, not noise; no capitalisation rule applies to Arabic script.
"""

from __future__ import annotations

import unicodedata
from typing import Iterator

from ..textpatterns import (ARABIC_LETTER, ARABIC_WORD, LATIN_LETTER, LATIN_RUN, LATIN_WORD,
                            OTHER_LETTER, short, strip_protected)
from ..locales import base_language
from .registry import Unit, register

# --------------------------------------------------------------------------- script

def _prose_letters(text: str) -> str:
    return strip_protected(text)


@register("script", "error", "script")
def script(u: Unit) -> Iterator[str]:
    """Translation written in the language's script.

    Arabic and Sorani in Arabic script, Kurmanji in Latin letters. A
    translation identical to its source is left to the ``identical`` check.
    """
    if u.target.strip() == u.source.strip():
        return
    prose = _prose_letters(u.target)
    for term in u.term_targets:  # approved renderings may be in any script
        prose = prose.replace(term, " ")
    arabic = ARABIC_LETTER.search(prose) is not None
    latin = LATIN_LETTER.search(prose) is not None
    other = OTHER_LETTER.findall(prose) if OTHER_LETTER.search(prose) else []
    if u.script == "Arab":
        if latin and not arabic:
            yield "translation is in Latin letters, not Arabic script"
    elif u.script == "Latn":
        if arabic:
            source_arabic = ARABIC_LETTER.search(u.source)
            if not source_arabic:
                yield f"Arabic-script letters in a {u.lang} (Latin script) translation"
    if other and not OTHER_LETTER.search(u.source):
        yield f"Greek or Cyrillic letters ({''.join(sorted(set(other)))}) in the translation"


_SORANI_OWN = set("ەێۆڕڵڤ")
_ARABIC_ONLY_IN_SORANI = {"ي": "ی", "ك": "ک", "ى": "ی"}
_SORANI_ONLY = set("ەێۆڕڵ")
_PERSIAN_IN_ARABIC = {"ی": "ي or ى", "ک": "ك"}
_NOT_KURMANJI = {"ı": "i", "ğ": "g", "ö": "o", "ü": "û", "ä": "a", "İ": "Î", "Ğ": "G", "Ö": "O", "Ü": "Û"}


@register("letters", "warning", "script")
def letters(u: Unit) -> Iterator[str]:
    """Letters of the language's own alphabet.

    Sorani writes ی ک (not Arabic ي ك ى) and has its own ە ێ ۆ ڕ ڵ ڤ; a
    longer Sorani text without any of them is probably Arabic or Persian.
    Arabic does not use Sorani ە ێ ۆ ڕ ڵ or Persian ی ک. Kurmanji writes
    ê î û ç ş, not Turkish ı ğ ö ü. Letters should be precomposed (ê as
    one character, أ not ا + ٔ).
    """
    base = base_language(u.lang)
    target = strip_protected(u.target)
    if base == "ckb":
        for wrong, right in _ARABIC_ONLY_IN_SORANI.items():
            if wrong in target:
                yield f"Arabic {wrong} where Sorani writes {right}"
        words = ARABIC_WORD.findall(target)
        if len(words) >= 4 and not _SORANI_OWN & set(target):
            yield "no Sorani letters (ە ێ ۆ ڕ ڵ ڤ) in a longer text: Arabic or Persian?"
    elif base == "ar":
        found = sorted(_SORANI_ONLY & set(target))
        if found:
            yield f"Sorani letters {' '.join(found)} in an Arabic translation"
        for wrong, right in _PERSIAN_IN_ARABIC.items():
            if wrong in target:
                yield f"Persian {wrong} where Arabic writes {right}"
    elif base in ("ku", "kmr"):
        for wrong, right in _NOT_KURMANJI.items():
            if wrong in target and wrong not in u.source:
                yield f"{wrong} is not a Kurmanji letter (Kurmanji writes {right})"
    if unicodedata.is_normalized("NFC", u.target):
        return
    nfc = unicodedata.normalize("NFC", u.target)
    # Only composition counts: NFC also reorders Arabic marks (shadda + fatha), which is harmless.
    if len(nfc) != len(u.target):
        composed = next((c for c in nfc if unicodedata.normalize("NFD", c) != c
                         and c not in u.target), None)
        example = f" (write {composed} as one character)" if composed else ""
        yield f"decomposed letters: text is not in Unicode NFC{example}"


_ENGLISH = {"the", "and", "with", "that", "this", "from", "which", "have", "has", "been",
            "were", "was", "will", "would", "should", "could", "their", "there", "they",
            "what", "when", "where", "your", "about", "into", "than", "these", "those",
            "also", "after", "before", "because", "while", "said", "for", "are", "not",
            "but", "you", "all", "can", "its", "our", "his", "her", "of", "to", "is", "in",
            "on", "by", "or", "it", "an", "please", "cannot", "file", "files"}
# Kurmanji words spelt like English ones (an = or, her = every, can = soul ...).
_KURMANJI_HOMOGRAPHS = {"an", "her", "can", "ne", "he", "me", "we", "to", "bi", "di", "in", "is", "file"}


@register("english", "warning", "script")
def english(u: Unit) -> Iterator[str]:
    """No English left over from the source.

    Flags common English words of the source that remain in the
    translation, and runs of three or more source words kept verbatim in an
    Arabic-script translation.
    """
    base = base_language(u.lang)
    if base == "en" or u.target.strip() == u.source.strip():
        return
    target = strip_protected(u.target)
    source_words = {w.lower() for w in LATIN_WORD.findall(strip_protected(u.source))}
    skip = _KURMANJI_HOMOGRAPHS if u.script == "Latn" else set()
    glossary_words = {w.lower() for t in u.term_targets for w in LATIN_WORD.findall(t)}
    left = []
    for w in LATIN_WORD.findall(target):
        lw = w.lower()
        if w == lw and lw in _ENGLISH and lw in source_words and lw not in skip \
                and lw not in glossary_words and lw not in left:
            left.append(lw)
    if left:
        yield f"English word{'s' if len(left) > 1 else ''} left: {', '.join(left)}"
    if u.script == "Arab":
        for run in LATIN_RUN.findall(target):
            words = run.split()
            if sum(1 for w in words if w.lower() in source_words) >= 3 and run not in u.source.split("[")[-1]:
                if not any(run in t for t in u.term_targets):
                    yield f"untranslated source text: {short(run, 40)!r}"

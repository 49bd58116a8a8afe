"""pySBD, the sentence boundary detector, and the only module that relies on its internals.

newsloc uses pySBD's public ``Segmenter`` but speeds up two hot spots by
overriding internals (see :class:`_FastSegmenter`); the output is the same
as stock pySBD's, which ``tests/test_sbd.py`` checks on the golden rules and
the corpus. ``tests/test_sbd.py`` also fails loudly, naming what changed, if
a pySBD release moves the internals this module builds on (``pysbd<0.4`` is
pinned in pyproject.toml for that reason).
"""

from __future__ import annotations

import functools
from types import SimpleNamespace

import pysbd
from pysbd.lang.english import English
from pysbd.utils import TextSpan

#: The pySBD internals this module overrides or reads (tests/test_sbd.py checks they exist).
INTERNALS = (
    (pysbd.Segmenter, "sentences_with_char_spans"),
    (English, "AbbreviationReplacer"),
    (English.AbbreviationReplacer, "search_for_abbreviations_in_string"),
    (English.Abbreviation, "ABBREVIATIONS"),
    (English.Abbreviation, "PREPOSITIVE_ABBREVIATIONS"),
    (English.Abbreviation, "NUMBER_ABBREVIATIONS"),
)


class _FastSegmenter(pysbd.Segmenter):
    """pySBD with the same output, minus two hot spots of its pure-Python code.

    * pySBD maps each sentence back onto the text with a regex built from the
      sentence (one ``re.compile`` per sentence, thrashing ``re``'s cache);
      a plain substring search plus trailing whitespace finds the same spans.
    * For English, abbreviations whose ``abbr.`` cannot occur in a paragraph
      are not scanned for (see :class:`_NewsAbbreviations`).
    """

    def __init__(self, language: str) -> None:
        super().__init__(language=language, clean=False, char_span=False)
        if language == "en":
            self.language_module = _english_with_fast_abbreviations()

    def sentences_with_char_spans(self, sentences):
        # Same contract as pySBD's: for each sentence, the first non-overlapping
        # occurrence (plus following whitespace) that ends after the previous span.
        text = self.original_text
        spans = []
        prior_end = 0
        for sent in sentences:
            if not sent:  # an empty regex behaves differently: let pySBD decide
                return super().sentences_with_char_spans(sentences)
            pos = 0
            while (start := text.find(sent, pos)) >= 0:
                end = start + len(sent)
                while end < len(text) and text[end].isspace():
                    end += 1
                if end > prior_end:
                    spans.append(TextSpan(text[start:end], start, end))
                    prior_end = end
                    break
                pos = end
        return spans


#: Non-ASCII letters that ``re.IGNORECASE`` equates with ASCII ones (İ ı ſ K):
#: in a paragraph holding one, every abbreviation is scanned as pySBD does.
_CASE_TRAPS = "\u0130\u0131\u017f\u212a"


@functools.lru_cache(maxsize=1)
def _english_with_fast_abbreviations():
    """Return pySBD's English rules with an abbreviation pass that skips hopeless scans."""
    base = English.AbbreviationReplacer
    table = English.Abbreviation
    # Only plain-letter abbreviations can be ruled out by a substring test:
    # pySBD puts some of them into regexes unescaped ("e.g" would match "eXg").
    literal = [a.strip().isalpha() and a.strip().isascii() for a in table.ABBREVIATIONS]
    longest = max(len(a.strip()) for a in table.ABBREVIATIONS)

    class _NewsAbbreviations(base):
        """pySBD's abbreviation pass, fed only the abbreviations that can fire.

        pySBD runs two regex scans over the paragraph for every abbreviation
        that occurs as a substring ("al" in "also"), but it only ever replaces
        a period right after the abbreviation. When ``abbr.`` occurs nowhere
        (case-insensitively), the scans change nothing and are skipped.
        """

        def search_for_abbreviations_in_string(self, text):
            lowered = text.lower()
            if any(c in text for c in _CASE_TRAPS):
                return super().search_for_abbreviations_in_string(text)
            # Every string of letters that stands right before a period: an
            # abbreviation "abbr" can fire only if "abbr." occurs, i.e. if it
            # is one of these.
            before_period: set[str] = set()
            dot = lowered.find(".")
            while dot >= 0:
                start = dot
                while start > 0 and dot - start < longest and lowered[start - 1].isalpha():
                    start -= 1
                before_period.update(lowered[k:dot] for k in range(start, dot))
                dot = lowered.find(".", dot + 1)
            keep = [a for a, lit in zip(table.ABBREVIATIONS, literal)
                    if not lit or a.strip() in before_period]
            lang = self.lang
            self.lang = SimpleNamespace(Abbreviation=SimpleNamespace(
                ABBREVIATIONS=keep,
                PREPOSITIVE_ABBREVIATIONS=table.PREPOSITIVE_ABBREVIATIONS,
                NUMBER_ABBREVIATIONS=table.NUMBER_ABBREVIATIONS))
            try:
                return super().search_for_abbreviations_in_string(text)
            finally:
                self.lang = lang

    return type("NewsEnglish", (English,), {"AbbreviationReplacer": _NewsAbbreviations})


@functools.lru_cache(maxsize=2)
def sentence_segmenter(lang: str) -> pysbd.Segmenter:
    """pySBD's segmenter for *lang* (same output as stock pySBD, faster), built once."""
    return _FastSegmenter(lang)


@functools.lru_cache(maxsize=1)
def english_abbreviations() -> frozenset[str]:
    """Every abbreviation pySBD's English rules know (lower case, without the period)."""
    table = English.Abbreviation
    words = table.ABBREVIATIONS + table.PREPOSITIVE_ABBREVIATIONS + table.NUMBER_ABBREVIATIONS
    return frozenset(w.strip().lower() for w in words)

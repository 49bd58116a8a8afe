"""Quality checks that understand Arabic, Sorani and Kurmanji.

A check is a small function registered in :data:`CHECKS` with a name, a
severity (``"error"`` fails ``newsloc check``; ``"warning"`` informs), a
group (``file``, ``numbers``, ``script``, ``punctuation``, ``protected``,
``safety``, ``hygiene``) and a title, the first line of its docstring.
Checks are data producers: :func:`check_catalog` returns :class:`Finding`
records and the CLI decides the exit code.

Scopes
    ``entry``   ``fn(unit: Unit) -> Iterable[str]``: one translation (one
                msgstr or msgstr[n]) against its source; yields messages.
    ``file``    ``fn(doc: Document) -> Iterable[Issue]``: the whole file.
    ``project`` ``fn(project, refs: list[CatalogRef], cache: Manifest | None)
                -> Iterable[Finding]``: across catalogues (e.g. the
                translation-memory consistency check); run by
                :func:`run_checks` after the others. A project check sees
                each readable catalogue as a :class:`CatalogRef` (path,
                language, digest, compact summary), never its text, and
                may keep its results in *cache* (the check manifest).

Running many catalogues (:func:`run_checks`)
    Streams one catalogue at a time; findings of a catalogue whose bytes,
    language and glossary are unchanged come from the check manifest
    (``.newsloc/manifest/check.json``: per catalogue ``lang``, ``digest``,
    ``glossary``, ``readable``, ``findings`` packed by :func:`_packed`,
    ``summary``); the rest run in-process or in a ``jobs`` process pool, with
    the same findings in the same order either way.

What is checked
    Reviewed (non-fuzzy, translated, active) entries: what would be
    published. Checks marked ``fuzzy=True`` (safety, engine garbage) also
    look at fuzzy entries, since a reviewer's editor displays them; pass
    ``include_fuzzy=True`` to run every check on fuzzy entries too.

Script awareness (what general tools get wrong)
    Digits are compared after mapping Arabic-Indic ٠-٩ and Extended
    Arabic-Indic ۰-۹ to 0-9 and ٫ ٬ ٪ to . , %, with bidi marks removed;
    ، ؛ ؟ count as , ; ? in ar and ckb; no capitalisation rule is applied
    to Arabic script; Sorani letters ە ێ ۆ ڕ ڵ ڤ ی ک and Kurmanji letters
    ê î û ç ş are the expected alphabet, not noise.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import logging
import os
import re
import unicodedata
import zlib
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from .config import Project
from .errors import CatalogError, PipelineError
from .fsutil import read_bytes
from .manifest import Manifest, digest_bytes, digest_path, stage_key
from .parallel import process_pool, resolve_jobs
from .povalidate import (
    RawEntry,
    decode_po,
    header_fields,
    plural_count,
    scan_po,
    validate_entries,
)

try:  # the MT stage's modules (absent in a bare foundation checkout)
    from .protect import MASK_PATTERN
except ImportError:  # pragma: no cover
    MASK_PATTERN = re.compile(r"\[\s*X\s*\d+\s*X\s*\]")
try:
    from .glossary import Glossary, load_glossary
except ImportError:  # pragma: no cover
    Glossary = Any  # type: ignore[misc,assignment]
    load_glossary = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

SEVERITIES = ("error", "warning")
GROUPS = ("file", "numbers", "script", "punctuation", "protected", "safety", "hygiene")


@dataclass(frozen=True)
class Finding:
    """One problem: where it is, which check found it, how bad it is."""

    path: str
    lineno: int | None
    msgid: str
    check: str
    severity: str  # "error" | "warning"
    message: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        where = self.path + (f":{self.lineno}" if self.lineno else "")
        entry = f" [{_short(self.msgid)}]" if self.msgid else ""
        return f"{where}: {self.severity}: {self.check}: {self.message}{entry}"


@dataclass(frozen=True)
class Issue:
    """What a file-scope check yields: a message with its own line and severity."""

    message: str
    lineno: int | None = None
    msgid: str = ""
    severity: str | None = None  # None: the check's severity


@dataclass(frozen=True)
class Check:
    """A registered check."""

    name: str
    severity: str
    group: str
    scope: str
    func: Callable[..., Iterable[Any]]
    fuzzy: bool = False  # also runs on fuzzy entries

    @property
    def title(self) -> str:
        doc = (self.func.__doc__ or self.name).strip()
        return doc.split("\n\n")[0].replace("\n", " ")


#: Every check, by name (entry, file and project scope alike).
CHECKS: dict[str, Check] = {}


def register(name: str, severity: str, group: str, *, scope: str = "entry",
             fuzzy: bool = False) -> Callable[[Callable], Callable]:
    """Register a check function under *name* (decorator)."""
    if severity not in SEVERITIES:
        raise ValueError(f"severity must be one of {SEVERITIES}")
    if scope not in ("entry", "file", "project"):
        raise ValueError("scope must be entry, file or project")

    def wrap(func: Callable) -> Callable:
        CHECKS[name] = Check(name, severity, group, scope, func, fuzzy)
        return func
    return wrap


# --------------------------------------------------------------------------- data

@dataclass
class Unit:
    """One translation to check against its source."""

    source: str
    target: str
    lang: str
    entry: RawEntry
    form: int | None = None  # plural index, None for a singular msgstr
    glossary: Glossary | None = None
    sources: tuple[str, ...] = ()  # msgid and msgid_plural
    _terms: list[tuple[str, str]] | None = field(default=None, repr=False, compare=False)

    @property
    def terms(self) -> list[tuple[str, str]]:
        """The glossary's (term, rendering) pairs found in the source (computed once per unit)."""
        if self._terms is None:
            self._terms = self.glossary.find(self.source) if self.glossary is not None else []
        return self._terms

    @property
    def script(self) -> str:
        return _script_of(self.lang)

    @property
    def plural(self) -> bool:
        return self.entry.msgid_plural is not None


@dataclass
class Document:
    """A catalogue as the checks see it."""

    path: Path
    lang: str
    text: str
    entries: list[RawEntry]
    problems: list  # povalidate.PoProblem
    fields: dict[str, str] = field(default_factory=dict)
    catalog: Any = None  # the polib catalogue, as every other command reads the file


@functools.lru_cache(maxsize=64)
def _script_of(lang: str) -> str:
    try:
        from .locales import script_of
        return script_of(lang)
    except PipelineError:
        return "Latn"


def _base(lang: str) -> str:
    return lang.replace("-", "_").split("_")[0].lower()


# --------------------------------------------------------------------------- text helpers

_BIDI_MARKS = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬٪", "01234567890123456789.,%")
_URL = re.compile(r"(?:https?://|ftp://|www\.)[^\s<>\"'\]\[«»]+[^\s<>\"'\]\[«».,;:!?)]", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?/?>")  # not <a@b.c> or <%s>
_FORMAT = re.compile(r"%(?:\d+\$|\([^)]*\))?[-+#0']*\d*(?:\.\d+)?(?:hh|h|ll|l|L|z|j|t)?[diouxXeEfFgGcspr]"
                     r"|\{[A-Za-z0-9_]*(?::[^{}]*)?\}|&#?\w+;")
_NUMBER = re.compile(r"\d+(?:[,.\u00a0\u202f\u066b\u066c]\d+)*")
_ARABIC_LETTER = re.compile("[\u0620-\u064a\u066e-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06ff"
                            "\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc]")
_LATIN = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"  # not × ÷
_LATIN_LETTER = re.compile(f"[{_LATIN}]")
_LATIN_WORD = re.compile(f"[{_LATIN}]+(?:['’-][{_LATIN}]+)*")
_OTHER_LETTER = re.compile("[\u0370-\u03ff\u0400-\u04ff]")  # Greek, Cyrillic look-alikes
_ARABIC_WORD = re.compile(r"[\u0600-\u06ff]+")
_LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z'’-]*(?:\s+[A-Za-z][A-Za-z'’-]*){2,}")
_BRACKETED = re.compile(r"\[[^\[\]]+\]")
_WORD_SPLIT = re.compile(r"[\s/]+")
_TWO_LETTERS = re.compile(r"[^\W\d_]{2,}")
_PROSE_WORD = re.compile(r"[a-z]{3,}[.,;:!?]?")
_ISOLATES = re.compile("[\u2066-\u2069]")


def _short(s: str, width: int = 60) -> str:
    s = s.replace("\n", "\\n")
    return s if len(s) <= width else s[:width - 1] + "…"


def normalise_digits(text: str) -> str:
    """Map Arabic-Indic digits and separators to ASCII and drop bidi marks.

    >>> normalise_digits("٢٠٢٥ و ١٫٥ و ۱۲٪\u200f")
    '2025 و 1.5 و 12%'
    """
    return _BIDI_MARKS.sub("", text).translate(_DIGITS)


@functools.lru_cache(maxsize=2048)
def _strip_protected(text: str) -> str:
    """Remove what is not prose: URLs, e-mails, masks, format directives, markup."""
    # Cached: every check of a unit strips the same two strings. A pattern
    # whose anchor character is absent cannot match, so most texts skip most subs.
    lower = text.lower()
    if "://" in text or "www." in lower:
        text = _URL.sub(" ", text)
    if "@" in text:
        text = _EMAIL.sub(" ", text)
    if "[" in text:
        text = MASK_PATTERN.sub(" ", text)
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "%" in text or "{" in text or "&" in text:
        text = _FORMAT.sub(" ", text)
    return text


_SMALL = re.compile(r"(?<![\w.,/:-])([0-2])(?![\w.,/:%-])")


@functools.lru_cache(maxsize=2048)
def numbers_in(text: str) -> frozenset[str]:
    """Return the numbers of *text*, separators dropped, any digit script.

    >>> sorted(numbers_in("On March 29th, 1,500 troops; 2.5% of [X1X] %d"))
    ['1500', '25', '29']
    >>> sorted(numbers_in("في ٢٩ آذار، ١٬٥٠٠ جندي؛ ٢٫٥٪"))
    ['1500', '25', '29']
    """
    text = _strip_protected(normalise_digits(text))
    out = set()
    for m in _NUMBER.finditer(text):
        digits = _NON_DIGIT.sub("", m.group())
        out.add(digits.lstrip("0") or "0")
    return frozenset(out)


_NON_DIGIT = re.compile(r"\D")


# --------------------------------------------------------------------------- numbers

@register("numbers", "error", "numbers")
def numbers(u: Unit) -> Iterator[str]:
    """Same numbers in source and translation (any digit script).

    Arabic-Indic and Extended Arabic-Indic digits count as their ASCII
    values, ٫ ٬ as decimal and thousands separators, bidi marks are ignored.
    A plural form may spell its number out, so it is only checked for
    numbers the source does not have.
    """
    src = set().union(*(numbers_in(s) for s in u.sources)) if u.plural else numbers_in(u.source)
    tgt = numbers_in(u.target)
    if not u.plural:
        # 0, 1 and 2 standing alone are often words ("no items", Arabic dual "ملفان").
        spelt = set(_SMALL.findall(_strip_protected(normalise_digits(u.source))))
        missing = sorted(src - tgt - spelt, key=lambda x: (len(x), x))
        if missing:
            yield f"number{'s' if len(missing) > 1 else ''} {', '.join(missing)} of the source missing"
    extra = sorted(tgt - src, key=lambda x: (len(x), x))
    if extra:
        yield f"number{'s' if len(extra) > 1 else ''} {', '.join(extra)} not in the source"


# --------------------------------------------------------------------------- script

def _prose_letters(text: str) -> str:
    return _strip_protected(text)


@register("script", "error", "script")
def script(u: Unit) -> Iterator[str]:
    """Translation written in the language's script.

    Arabic and Sorani in Arabic script, Kurmanji in Latin letters. A
    translation identical to its source is left to the ``identical`` check.
    """
    if u.target.strip() == u.source.strip():
        return
    prose = _prose_letters(u.target)
    for term in _glossary_targets(u):  # approved renderings may be in any script
        prose = prose.replace(term, " ")
    arabic = _ARABIC_LETTER.search(prose) is not None
    latin = _LATIN_LETTER.search(prose) is not None
    other = _OTHER_LETTER.findall(prose) if _OTHER_LETTER.search(prose) else []
    if u.script == "Arab":
        if latin and not arabic:
            yield "translation is in Latin letters, not Arabic script"
    elif u.script == "Latn":
        if arabic:
            source_arabic = _ARABIC_LETTER.search(u.source)
            if not source_arabic:
                yield f"Arabic-script letters in a {u.lang} (Latin script) translation"
    if other and not _OTHER_LETTER.search(u.source):
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
    base = _base(u.lang)
    target = _strip_protected(u.target)
    if base == "ckb":
        for wrong, right in _ARABIC_ONLY_IN_SORANI.items():
            if wrong in target:
                yield f"Arabic {wrong} where Sorani writes {right}"
        words = _ARABIC_WORD.findall(target)
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
    base = _base(u.lang)
    if base == "en" or u.target.strip() == u.source.strip():
        return
    target = _strip_protected(u.target)
    source_words = {w.lower() for w in _LATIN_WORD.findall(_strip_protected(u.source))}
    skip = _KURMANJI_HOMOGRAPHS if u.script == "Latn" else set()
    glossary_words = {w.lower() for t in _glossary_targets(u) for w in _LATIN_WORD.findall(t)}
    left = []
    for w in _LATIN_WORD.findall(target):
        lw = w.lower()
        if w == lw and lw in _ENGLISH and lw in source_words and lw not in skip \
                and lw not in glossary_words and lw not in left:
            left.append(lw)
    if left:
        yield f"English word{'s' if len(left) > 1 else ''} left: {', '.join(left)}"
    if u.script == "Arab":
        for run in _LATIN_RUN.findall(target):
            words = run.split()
            if sum(1 for w in words if w.lower() in source_words) >= 3 and run not in u.source.split("[")[-1]:
                if not any(run in t for t in _glossary_targets(u)):
                    yield f"untranslated source text: {_short(run, 40)!r}"


# --------------------------------------------------------------------------- punctuation

_END_CLASSES = {".": ".", "۔": ".", "?": "?", "؟": "?", "!": "!", ":": ":", ";": ";", "؛": ";",
                "…": "…", ",": ",", "،": ","}
_CLOSERS = " \t\n)]}\"'»”’›\u200e\u200f\u061c\u2069"


_ABBREVIATION = re.compile(
    r"(?:^|\s)(?:(?:[A-Za-z]\.)+[A-Za-z]|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|Mon|Tue|Wed|"
    r"Thu|Fri|Sat|Sun|etc|Inc|Ltd|Co|Corp|Jr|Sr|Dr|St|Mr|Mrs|Ms|Gen|Col|Maj|Lt|Sgt|Gov|No|vs|approx)\.$",
    re.I)


def _end_class(text: str) -> str | None:
    text = text.rstrip(_CLOSERS)
    if text.endswith("..."):
        return "…"
    return _END_CLASSES.get(text[-1:]) if text else None


@register("end-punctuation", "warning", "punctuation")
def end_punctuation(u: Unit) -> Iterator[str]:
    """Translation ends like its source (، ؛ ؟ ۔ count as , ; ? .).

    Closing quotes, brackets, spaces and bidi marks are looked through.
    """
    src, tgt = _end_class(u.source), _end_class(u.target)
    if src == tgt or u.plural and u.form not in (None, 0, 1):
        return
    if src == "." and not tgt and _ABBREVIATION.search(u.source.rstrip(_CLOSERS)):
        return  # "Jan.", "6 a.m.": the period belongs to an English abbreviation
    if src and not tgt:
        yield f"source ends with {src!r}, the translation does not"
    elif tgt and not src:
        yield f"translation ends with {tgt!r}, the source does not"
    elif src and tgt:
        yield f"source ends with {src!r}, the translation with {tgt!r}"


_PAIRS = (("(", ")"), ("[", "]"), ("{", "}"), ("«", "»"), ("“", "”"), ("‹", "›"))


def _bracket_faults(text: str, rtl: bool = False) -> list[str]:
    faults = []
    if rtl:
        # “ and ” are not bidi-mirrored, so in RTL text writers often type ” first
        # to make it look right: only their count can be judged.
        if (text.count("“") + text.count("”")) % 2:
            faults.append("odd number of “ ” quotes")
        text = text.replace("“", "").replace("”", "")
    for open_, close in _PAIRS:
        if open_ not in text and close not in text:
            continue  # the common case, without a loop over every character
        depth = 0
        for ch in text:
            if ch == open_:
                depth += 1
            elif ch == close:
                depth -= 1
                if depth < 0:
                    break
        if depth < 0:
            faults.append(f"{close!r} before its {open_!r}")
        elif depth > 0:
            faults.append(f"{open_!r} not closed")
    if text.count('"') % 2:
        faults.append("odd number of \" quotes")
    return faults


@register("brackets", "warning", "punctuation")
def brackets(u: Unit) -> Iterator[str]:
    """Quotes and brackets balanced (when they are in the source)."""
    rtl = u.script == "Arab"
    source_faults = set(_bracket_faults(_strip_protected(u.source), rtl))
    for fault in _bracket_faults(_strip_protected(u.target), rtl):
        if fault not in source_faults:
            yield f"unbalanced: {fault}"


# --------------------------------------------------------------------------- protected

@register("masks", "error", "protected", fuzzy=True)
def masks(u: Unit) -> Iterator[str]:
    """No machine-translation mask tokens left, and the source's ones kept."""
    src = Counter(m.group() for m in MASK_PATTERN.finditer(u.source))
    tgt = Counter(m.group() for m in MASK_PATTERN.finditer(u.target))
    extra = tgt - src
    if extra:
        yield f"mask token{'s' if len(extra) > 1 else ''} left in the translation: {' '.join(sorted(extra))}"
    if not u.plural and src - tgt:
        yield f"mask tokens of the source missing: {' '.join(sorted(src - tgt))}"


@register("urls", "error", "protected")
def urls(u: Unit) -> Iterator[str]:
    """URLs and e-mail addresses kept exactly as in the source."""
    both = u.source + "\n" + u.target
    if "@" not in both and "://" not in both and "www." not in both.lower():
        return  # neither pattern can match
    for pattern in (_URL, _EMAIL):
        for m in pattern.finditer(u.source):
            if m.group() not in u.target:
                yield f"{'URL' if pattern is _URL else 'address'} {m.group()!r} changed or missing"
        for m in pattern.finditer(u.target):
            if m.group() not in u.source:
                yield f"{'URL' if pattern is _URL else 'address'} {m.group()!r} not in the source"


_CREDIT = re.compile(r"\[[^\[\]\n]{1,120}/[^\[\]\n]{1,120}\]\s*$")


@register("credits", "warning", "protected")
def credits(u: Unit) -> Iterator[str]:
    """A closing photo credit ``[Name/Agency]`` stays a bracketed credit."""
    if _CREDIT.search(u.source.strip()) and not _BRACKETED.search(u.target):
        yield "the source's bracketed credit [Name/Agency] is missing"


def _glossary_targets(u: Unit) -> list[str]:
    return [target for _term, target in u.terms]


_TASHKEEL = re.compile("[\u064b-\u065f\u0670\u0640]")


def _match_form(text: str) -> str:
    """Fold what inflection and typing vary: case, diacritics, tatweel, bidi marks, alef forms."""
    text = _BIDI_MARKS.sub("", _TASHKEEL.sub("", text))
    return text.translate(_ALEFS).casefold()


_ALEFS = str.maketrans("أإآ", "ااا")


@register("glossary", "warning", "protected")
def glossary(u: Unit) -> Iterator[str]:
    """Glossary terms rendered as the glossary says (do-not-translate terms kept).

    Matching ignores case, Arabic diacritics and tatweel, so attached
    prefixes and suffixes (و، ب، ال، -ê, -a) do not count as deviations.
    """
    if u.glossary is None:
        return
    target = _match_form(u.target)
    for term, rendering in u.terms:
        if _match_form(rendering) in target:
            continue
        # Arabic ل + ال contracts to لل ("للتحالف"): accept the contracted form too.
        if rendering.startswith("ال") and _match_form("ل" + rendering[1:]) in target:
            continue
        if term == rendering:
            yield f"do-not-translate term {term!r} not kept as written"
        else:
            yield f"{term!r} should be rendered {rendering!r}"


# --------------------------------------------------------------------------- safety

_EMBEDDINGS = re.compile("[\u202a-\u202e]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\ufff9-\ufffb\ufffe\uffff]")
_DANGEROUS = re.compile(r"<\s*/?\s*(?:script|iframe|object|embed|style|link|meta|form|base|svg|math)\b"
                        r"|\bon[a-z]+\s*=|javascript\s*:|data\s*:\s*text/html", re.I)
_BIDI_NAMES = {"\u202a": "LRE", "\u202b": "RLE", "\u202c": "PDF", "\u202d": "LRO", "\u202e": "RLO"}


@register("bidi-controls", "error", "safety", fuzzy=True)
def bidi_controls(u: Unit) -> Iterator[str]:
    """No bidi embedding or override controls (U+202A–U+202E).

    They reorder what a reader sees (the "Trojan Source" trick); isolates
    U+2066–U+2069 and the marks LRM/RLM/ALM are the safe tools.
    """
    found = _EMBEDDINGS.findall(u.target)
    if found:
        names = sorted({_BIDI_NAMES[c] for c in found})
        opened = sum(1 for c in found if c != "\u202c") - found.count("\u202c")
        note = f", {opened} not closed by PDF" if opened > 0 else ""
        yield (f"bidi embedding/override control{'s' if len(names) > 1 else ''} "
               f"{', '.join(names)}{note}: use isolates (LRI/RLI … PDI) or marks")


@register("bidi-isolates", "error", "safety", fuzzy=True)
def bidi_isolates(u: Unit) -> Iterator[str]:
    """Bidi isolates balanced: every LRI/RLI/FSI closed by a PDI."""
    if not _ISOLATES.search(u.target):
        return
    depth = 0
    for ch in u.target:
        if ch in "\u2066\u2067\u2068":
            depth += 1
        elif ch == "\u2069":
            depth -= 1
            if depth < 0:
                yield "PDI (U+2069) without an isolate to close"
                return
    if depth:
        yield f"{depth} bidi isolate{'s' if depth > 1 else ''} (LRI/RLI/FSI) not closed by PDI"


@register("control-chars", "error", "safety", fuzzy=True)
def control_chars(u: Unit) -> Iterator[str]:
    """No NUL, control characters or invisible format characters (tab and newline aside)."""
    found = sorted({c for c in _CONTROL.findall(u.target) if c not in u.source})
    if found:
        yield "control character" + ("s " if len(found) > 1 else " ") + \
            ", ".join(f"U+{ord(c):04X}" for c in found)


@register("markup", "error", "safety", fuzzy=True)
def markup(u: Unit) -> Iterator[str]:
    """No HTML or script markup that the source does not have (never <script>, on…=, javascript:)."""
    if "<" not in u.target and "=" not in u.target and ":" not in u.target:
        return  # nothing a dangerous pattern or a tag could start with
    source_danger = Counter(m.group().lower().replace(" ", "") for m in _DANGEROUS.finditer(u.source))
    danger = Counter(m.group().lower().replace(" ", "") for m in _DANGEROUS.finditer(u.target))
    if danger - source_danger:
        yield f"dangerous markup {', '.join(sorted(danger - source_danger))!r}"
        return
    src = Counter(m.group(1).lower() for m in _TAG.finditer(u.source))
    tgt = Counter(m.group(1).lower() for m in _TAG.finditer(u.target))
    extra = sorted((tgt - src).keys())
    if extra:
        yield f"markup not in the source: {', '.join('<' + t + '>' for t in extra)}"


# --------------------------------------------------------------------------- hygiene

@register("identical", "warning", "hygiene")
def identical(u: Unit) -> Iterator[str]:
    """Translation not simply a copy of the source.

    Only for text of two or more words with at least one lower-case word:
    single words and capitalised runs are names (``Django``, ``Flash
    Player``, ``Ahmad al-Rubaye/AFP``); do-not-translate terms are fine.
    """
    if u.target.strip() != u.source.strip():
        return
    prose = _strip_protected(u.source)
    for target in _glossary_targets(u):
        prose = prose.replace(target, " ")
    words = [w for w in _WORD_SPLIT.split(prose) if _TWO_LETTERS.search(w)]
    # Names and credits ("Flash Player", "Ahmad al-Rubaye/AFP") have no lower-case word.
    prose_words = [w for w in words if _PROSE_WORD.fullmatch(w)]
    if len(words) >= 2 and prose_words:
        yield "translation identical to the source"


_GARBAGE = re.compile(
    r"MYMEMORY WARNING|USED ALL AVAILABLE FREE TRANSLATIONS|QUERY LENGTH LIMIT EXCEEDED|"
    r"PLEASE SELECT TWO DISTINCT LANGUAGES|INVALID (?:SOURCE |TARGET )?LANGUAGE PAIR|"
    r"'LANGPAIR=' IS AN INVALID|NO QUERY SPECIFIED|Too Many Requests|"
    r"Traceback \(most recent call last\)|<!DOCTYPE html|<html\b|^\s*(?:None|null|undefined)\s*$",
    re.I)


@register("engine-garbage", "error", "hygiene", fuzzy=True)
def engine_garbage(u: Unit) -> Iterator[str]:
    """No engine garbage: quota warnings, error pages, "None"."""
    m = _GARBAGE.search(u.target)
    if m and not _GARBAGE.search(u.source):
        yield f"engine garbage instead of a translation: {_short(m.group().strip(), 40)!r}"


@register("blank", "error", "hygiene")
def blank(u: Unit) -> Iterator[str]:
    """No whitespace-only translations, no empty plural form beside filled ones."""
    if u.target and not u.target.strip():
        yield "translation is only whitespace"
    elif not u.target and u.plural:
        yield f"plural form msgstr[{u.form}] is empty while other forms are translated"


@register("whitespace", "warning", "hygiene")
def whitespace(u: Unit) -> Iterator[str]:
    """Leading and trailing spaces as in the source."""
    if not u.target.strip():
        return
    for side, get in (("leading", lambda s: s[:len(s) - len(s.lstrip(" \t"))]),
                      ("trailing", lambda s: s[len(s.rstrip(" \t")):])):
        if get(u.source) != get(u.target):
            yield f"{side} whitespace differs from the source"


# --------------------------------------------------------------------------- file checks

@register("file", "error", "file", scope="file")
def file(doc: Document) -> Iterator[Issue]:
    """What msgfmt -c verifies: syntax, escapes, duplicates, header fields, plural forms, formats.

    Faults that stop faithful reading end the check of the file with one
    error (see :mod:`pipeline.povalidate`); the rest are reported here with
    msgfmt's severity.
    """
    for p in doc.problems:
        yield Issue(p.message, p.lineno, p.msgid, p.severity)


@register("plural-forms", "error", "file", scope="file")
def plural_forms(doc: Document) -> Iterator[Issue]:
    """The header's nplurals is the language's (six for Arabic, two for Kurdish)."""
    if not known_language(doc.lang):
        return
    try:
        from .locales import plural_forms as cldr_plural_forms
        want = cldr_plural_forms(doc.lang)[0]
    except PipelineError:
        return
    have = plural_count(doc.fields)
    if have is None or have == want:
        return
    header = next((e for e in doc.entries if e.is_header), None)
    translated_plural = any(e.msgid_plural is not None and any(e.msgstr.values()) and not e.obsolete
                            for e in doc.entries)
    yield Issue(f"Plural-Forms declares nplurals={have}; {doc.lang} has {want} plural forms",
                header.msgstr_lineno if header else 1, "",
                None if translated_plural else "warning")


@register("language", "warning", "file", scope="file")
def language(doc: Document) -> Iterator[Issue]:
    """The Language header names the language the file is checked as."""
    declared = doc.fields.get("Language", "")
    if declared and known_language(doc.lang) and _base(declared) != _base(doc.lang):
        header = next((e for e in doc.entries if e.is_header), None)
        yield Issue(f"Language header says {declared!r}, checked as {doc.lang!r}",
                    header.msgstr_lineno if header else 1)


# --------------------------------------------------------------------------- running

def language_of(path: Path, text: str | None = None) -> str | None:
    """Guess a PO file's language: its Language header, else its folder name (``locales/ckb/x.po``)."""
    if text is None:
        try:
            text = decode_po(path.read_bytes(), path=path)
        except (OSError, PipelineError):
            text = ""
    m = re.search(r'^"Language:\s*([A-Za-z_@-]*)\s*\\n"', text[:65536], re.M)
    if m and m.group(1):
        return m.group(1).replace("-", "_")
    for part in reversed(path.parent.parts):
        if part in ("LC_MESSAGES",):
            continue
        try:
            from .locales import parse_locale
            parse_locale(part)
            return part
        except PipelineError:
            break
    return None


def _selected(checks: Iterable[str] | None) -> dict[str, Check]:
    if not checks:
        return dict(CHECKS)
    chosen = {}
    for name in checks:
        if name in CHECKS:
            chosen[name] = CHECKS[name]
        elif name in GROUPS:
            chosen.update({k: c for k, c in CHECKS.items() if c.group == name})
        else:
            raise PipelineError(f"unknown check or group {name!r} (known: "
                                f"{', '.join(sorted(set(CHECKS) | set(GROUPS)))})")
    return chosen


def read_document(po_path: Path, lang: str, *, data: bytes | None = None) -> Document:
    """Read and validate a PO file the way :func:`catalog.load_catalog` does.

    *data*, when given, is the file's content already read (and hashed).
    The file is scanned once: the entries the validator read are the ones
    the checks see.
    """
    from .catalog import parse_catalog
    if data is None:
        data = read_bytes(po_path, error=CatalogError)
    text = decode_po(data, path=po_path)
    entries = scan_po(text, path=po_path)
    problems = validate_entries(entries, text, path=po_path)
    po = parse_catalog(text, path=po_path)  # polib must read it too, as every command will
    return Document(po_path, lang, text, entries, problems, header_fields(entries), po)


def units_of(entry: RawEntry, lang: str, glossary: Glossary | None) -> Iterator[Unit]:
    """Yield one :class:`Unit` per translated form of *entry*."""
    sources = (entry.msgid,) + ((entry.msgid_plural,) if entry.msgid_plural is not None else ())
    for form, target in entry.translations:
        source = entry.msgid if form in (None, 0) or entry.msgid_plural is None else entry.msgid_plural
        yield Unit(source, target, lang, entry, form, glossary, sources)


def check_catalog(po_path: Path, lang: str | None, project: Project | None = None, *,
                  include_fuzzy: bool = False, checks: Iterable[str] | None = None) -> list[Finding]:
    """Run the registered entry and file checks on one catalogue; return the findings.

    A file that cannot be read faithfully gives a single ``file`` error.
    """
    po_path = Path(po_path)
    selected = _selected(checks)
    shown = str(po_path)
    try:
        doc = read_document(po_path, lang or "und")
    except CatalogError as exc:
        return [Finding(shown, exc.lineno, "", "file", "error", exc.message)]
    return _run_document(doc, project, selected, include_fuzzy)


#: msgids whose "translation" is the translators' names and addresses (GNOME, KDE).
CREDITS_MSGIDS = {"translator-credits", "translator_credits", "translators", "your names",
                  "your emails", "name of translators", "email of translators"}


@functools.lru_cache(maxsize=64)
def known_language(lang: str | None) -> bool:
    """True when *lang* is a locale babel knows (``und`` and empty are not)."""
    if not lang or lang == "und":
        return False
    try:
        from .locales import parse_locale
        parse_locale(lang)
    except PipelineError:
        return False
    return True


def _run_document(doc: Document, project: Project | None, selected: dict[str, Check],
                  include_fuzzy: bool) -> list[Finding]:
    shown = str(doc.path)
    findings: list[Finding] = []
    for c in selected.values():
        if c.scope != "file":
            continue
        for issue in c.func(doc):
            findings.append(Finding(shown, issue.lineno, issue.msgid, c.name,
                                    issue.severity or c.severity, issue.message))
    glossary_ = None
    if project is not None and load_glossary is not None and _inside(doc.path, project.root):
        # A file from elsewhere (another project's PO) is not bound by this desk's glossary.
        glossary_ = _glossary_for(project, doc.lang)
    entry_checks = [c for c in selected.values() if c.scope == "entry"]
    if not known_language(doc.lang):
        # Without a language, script rules and "identical" have nothing to stand on.
        entry_checks = [c for c in entry_checks if c.group != "script" and c.name != "identical"]
    for entry in doc.entries:
        if entry.obsolete or entry.is_header or not any(entry.msgstr.values()):
            continue
        active = [c for c in entry_checks if c.fuzzy or include_fuzzy or not entry.fuzzy]
        if entry.msgid.strip().lower() in CREDITS_MSGIDS:
            active = [c for c in active if c.group == "safety"]  # names and addresses, not prose
        if not active:
            continue
        for unit in units_of(entry, doc.lang, glossary_):
            for c in active:
                for message in c.func(unit):
                    label = "" if unit.form is None else f"msgstr[{unit.form}]: "
                    findings.append(Finding(shown, entry.msgstr_lineno or entry.lineno, entry.msgid,
                                            c.name, c.severity, label + message))
    findings.sort(key=lambda f: (f.lineno or 0, f.check))
    return findings


_GLOSSARIES: dict[tuple, Any] = {}


def _glossary_for(project: Project, lang: str) -> Glossary:
    """Load the glossary of *lang* once per process (again when its files change)."""
    from .glossary import glossary_paths
    stamp = []
    for path in glossary_paths(project, lang):
        try:
            st = path.stat()
        except OSError:
            continue
        stamp.append((str(path), st.st_mtime_ns, st.st_size))
    key = (str(project.root), lang, tuple(stamp))
    glossary_ = _GLOSSARIES.get(key)
    if glossary_ is None:
        if len(_GLOSSARIES) > 32:
            _GLOSSARIES.clear()
        glossary_ = _GLOSSARIES[key] = load_glossary(project, lang)
    return glossary_


def _inside(path: Path, root: Path) -> bool:
    try:
        _canon(path).relative_to(_canon(root))
    except ValueError:
        return False
    return True


_FOLDERS: dict[str, Path] = {}
_CANON: dict[str, Path] = {}


def _canon(path: Path | str) -> Path:
    """``Path(path).resolve()``, resolving each folder once (thousands of catalogues share three)."""
    known = _CANON.get(str(path))
    if known is not None:
        return known
    if len(_CANON) > 65536:
        _CANON.clear()
    path = Path(path)
    name = path.name
    if name in ("", ".", "..") or path.is_symlink():
        resolved = path.resolve()
    else:
        key = str(path.parent)
        folder = _FOLDERS.get(key)
        if folder is None:
            folder = _FOLDERS[key] = path.parent.resolve()
        resolved = folder / name
    _CANON[str(path)] = resolved
    return resolved


# --------------------------------------------------------------------------- many catalogues

#: Fewer catalogues than this to check are checked in-process (a pool costs more).
POOL_THRESHOLD = 24
#: Modules whose source shapes the findings (their digests are part of the cache key).
MODULES = ("checks", "povalidate", "catalog", "memory", "glossary", "protect", "locales")
LIBRARIES = ("polib", "babel")


@dataclass(frozen=True)
class CatalogRef:
    """A catalogue that was read faithfully, as project-scope checks see it (never its text)."""

    path: Path
    lang: str
    digest: str | None = None
    summary: str | None = None  # compact translation-memory summary (see tm_summary)


@dataclass
class CheckReport:
    """What :func:`run_checks` did: the findings and how much came from the cache."""

    findings: list[Finding] = field(default_factory=list)
    checked: int = 0    # catalogues (targets)
    cached: int = 0     # of which unchanged since the last run: findings from the cache
    jobs: int = 1       # processes that did the work


def check_key(project: Project, selected: dict[str, Check], include_fuzzy: bool) -> str:
    """The manifest key of the check stage: code, library versions, options."""
    return stage_key("check", modules=MODULES, libraries=LIBRARIES,
                     settings={"source": project.source, "root": str(project.root),
                               "checks": sorted(selected), "fuzzy": include_fuzzy})


def _stage_name(selected: dict[str, Check], include_fuzzy: bool) -> str:
    # One manifest per set of options, so `check --only numbers` in CI does not
    # throw away the records of the full check a desk runs all day.
    if set(selected) == set(CHECKS) and not include_fuzzy:
        return "check"
    tag = digest_bytes(json.dumps([sorted(selected), include_fuzzy]).encode())[:12]
    return f"check-{tag}"


def _item(project: Project, path: Path) -> tuple[str, bool]:
    """The manifest name of a catalogue (relative inside the project) and whether it is inside."""
    resolved, root = str(_canon(path)), str(_canon(project.root))
    if resolved.startswith(root + os.sep):
        return resolved[len(root) + 1:].replace(os.sep, "/"), True
    return resolved, False


def _glossary_digest(project: Project, lang: str) -> str:
    from .glossary import glossary_paths
    return "|".join(f"{p.name}:{digest_path(p)}" for p in glossary_paths(project, lang))


def tm_summary(po: Any) -> str:
    """Summarise a catalogue for the consistency check: (source, translation) hashes.

    The reviewed, active, singular entries :func:`pipeline.memory.read_catalog_units`
    would make units of, each as 16 hex digits of its normalised source and
    16 of its comparable translation, concatenated. A few dozen bytes per
    entry tell which catalogues share a sentence translated differently.
    """
    from .memory import _comparable, normalize_space
    parts = []
    for entry in po:
        if entry.obsolete or entry.msgid_plural or not entry.msgid or not entry.msgstr.strip():
            continue
        if "fuzzy" in entry.flags:
            continue
        parts.append(_hash16(normalize_space(entry.msgid)) + _hash16(_comparable(entry.msgstr)))
    return "".join(parts)


def _units_summary(units: Iterable[Any]) -> str:
    from .memory import _comparable
    return "".join(_hash16(u.source) + _hash16(_comparable(u.target))
                   for u in units if not u.obsolete and not u.imported)


def _hash16(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


# What a worker sends back for one catalogue: digest, readable, findings, summary.
_Outcome = tuple[str | None, bool, list[tuple], str | None]


def _check_one(project: Project | None, path: Path, lang: str, selected: dict[str, Check],
               include_fuzzy: bool, summarise: bool) -> _Outcome:
    """Check one catalogue; findings as (lineno, msgid, check, severity, message) tuples."""
    try:
        data = read_bytes(path, error=CatalogError)
    except CatalogError as exc:
        return None, False, [(exc.lineno, "", "file", "error", exc.message)], None
    digest = digest_bytes(data)  # hashed before use: the bytes checked are the bytes recorded
    try:
        doc = read_document(path, lang, data=data)
    except CatalogError as exc:
        return digest, False, [(exc.lineno, "", "file", "error", exc.message)], None
    findings = _run_document(doc, project, selected, include_fuzzy)
    summary = tm_summary(doc.catalog) if summarise and doc.catalog is not None else None
    return digest, True, [(f.lineno, f.msgid, f.check, f.severity, f.message) for f in findings], summary


def _check_task(task: tuple) -> list[_Outcome]:
    project, jobs, selected_names, include_fuzzy = task
    selected = {name: CHECKS[name] for name in selected_names}
    return [_check_one(project, path, lang, selected, include_fuzzy, summarise)
            for path, lang, summarise in jobs]


def _outcomes(project: Project, work: list[tuple[Path, str, bool]], selected: dict[str, Check],
              include_fuzzy: bool, jobs: int, report: CheckReport) -> Iterator[_Outcome]:
    """Yield one outcome per item of *work*, in order, in-process or from a pool."""
    if jobs <= 1 or len(work) < POOL_THRESHOLD:
        for path, lang, summarise in work:
            yield _check_one(project, path, lang, selected, include_fuzzy, summarise)
        return
    report.jobs = jobs
    # Small tasks, results in order: output does not depend on who finished first.
    size = max(1, min(32, len(work) // (jobs * 4)))
    names = list(selected)
    tasks = ((project, work[k:k + size], names, include_fuzzy) for k in range(0, len(work), size))
    with process_pool(jobs) as pool:
        for outcomes in pool.imap(_check_task, tasks):
            yield from outcomes


def run_checks(project: Project, targets: list[tuple[Path, str | None]], *,
               include_fuzzy: bool = False, checks: Iterable[str] | None = None,
               jobs: int | None = 1, use_cache: bool = True, force: bool = False) -> CheckReport:
    """Check catalogues (entry and file checks on each, then project-scope checks).

    Streams: one catalogue is in memory at a time (per worker). With
    *use_cache*, a catalogue whose bytes, language and glossary are those of
    the last run (same code, same options) gets its recorded findings
    without being parsed; see :mod:`pipeline.manifest`. *jobs* > 1 checks
    the others in a process pool; findings are the same, in the same
    order, whatever the number of jobs. *force* checks everything again and
    records the results (``check --force``).
    """
    selected = _selected(checks)
    jobs = resolve_jobs(jobs)
    _FOLDERS.clear()  # folders may have been moved or re-linked since the last run in this process
    _CANON.clear()
    manifest = None
    if use_cache:
        manifest = Manifest.load(project, _stage_name(selected, include_fuzzy),
                                 check_key(project, selected, include_fuzzy))
    report = CheckReport(checked=len(targets))
    glossaries: dict[str, str] = {}
    per_target: list[list[Finding] | None] = [None] * len(targets)
    refs: list[CatalogRef | None] = [None] * len(targets)
    work: list[tuple[Path, str, bool]] = []
    pending: list[tuple[int, str | None, str | None]] = []  # target index, item, glossary digest
    for index, (path, lang) in enumerate(targets):
        path, lang = Path(path), lang or "und"
        item, inside = _item(project, path)
        gdigest = None
        if inside:
            if lang not in glossaries:
                glossaries[lang] = _glossary_digest(project, lang)
            gdigest = glossaries[lang]
        record = manifest.get(item) if manifest is not None and not force else None
        if record is not None and record.get("lang") == lang and record.get("glossary") == gdigest \
                and isinstance(record.get("findings"), str) \
                and record.get("digest") is not None and record.get("digest") == digest_path(path):
            per_target[index] = [Finding(str(path), *f) for f in _unpacked(record["findings"])]
            if record.get("readable"):
                refs[index] = CatalogRef(path, lang, record["digest"], record.get("summary"))
            report.cached += 1
            continue
        work.append((path, lang, inside))
        pending.append((index, item if manifest is not None else None, gdigest))
    for (index, item, gdigest), (path, lang, _), outcome in zip(
            pending, work, _outcomes(project, work, selected, include_fuzzy, jobs, report)):
        digest, readable, found, summary = outcome
        per_target[index] = [Finding(str(path), *f) for f in found]
        if readable:
            refs[index] = CatalogRef(path, lang, digest, summary)
        if item is not None and digest is not None:
            manifest.put(item, {"lang": lang, "digest": digest, "glossary": gdigest,
                                "readable": readable, "findings": _packed(found),
                                "summary": summary})
    for found in per_target:
        report.findings.extend(found or ())
    readable = [r for r in refs if r is not None]
    if force and manifest is not None:  # project-scope results are recomputed too
        for item in [i for i in manifest.records if i.startswith("consistency:")]:
            manifest.drop(item)
    for c in selected.values():
        if c.scope == "project":
            report.findings.extend(c.func(project, readable, manifest))
    if manifest is not None:
        _forget_missing(project, manifest)
        try:
            manifest.save()
        except PipelineError as exc:  # a read-only checkout can still be checked
            log.warning("cannot save the check manifest: %s", exc)
    return report


def recorded_findings(project: Project) -> Callable[[Path, str, str | None], tuple | None] | None:
    """Return a lookup of the findings ``newsloc check`` recorded, or None when it has none.

    ``lookup(po_path, lang, digest)`` gives the findings (tuples of lineno,
    msgid, check, severity, message) recorded for that catalogue when they
    were made by this check code, for that language and glossary, from a file
    with exactly *digest*; otherwise None, and the caller runs the checks
    itself. Export's proof pages use this so a ``check`` before ``export``
    is not paid twice; the record layout stays private to this module.
    """
    manifest = Manifest.load(project, _stage_name(dict(CHECKS), False),
                             check_key(project, dict(CHECKS), False))
    if not manifest.records:
        return None
    glossaries: dict[str, str] = {}

    def lookup(po_path: Path, lang: str, digest: str | None) -> tuple | None:
        item, inside = _item(project, Path(po_path))
        if digest is None or not inside:
            return None
        record = manifest.get(item)
        if record is None or record.get("lang") != lang or record.get("digest") != digest \
                or not isinstance(record.get("findings"), str):
            return None
        if lang not in glossaries:
            glossaries[lang] = _glossary_digest(project, lang)
        if record.get("glossary") != glossaries[lang]:
            return None
        return tuple(tuple(f) for f in _unpacked(record["findings"]))
    return lookup


def _packed(found: list[tuple]) -> str:
    # One compressed string per catalogue, not a list of lists: a manifest of
    # 20,000 findings is then ~2 MB that loads as a few thousand objects.
    if not found:
        return ""
    data = json.dumps(found, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(zlib.compress(data, 6)).decode("ascii")


def _unpacked(packed: str) -> list:
    if not packed:
        return []
    return json.loads(zlib.decompress(base64.b64decode(packed)).decode("utf-8"))


def _forget_missing(project: Project, manifest: Manifest) -> None:
    """Drop records of catalogues that no longer exist (records of others are kept)."""
    keep = []
    for item in manifest.records:
        if item.startswith("consistency:"):
            keep.append(item)
            continue
        path = Path(item) if Path(item).is_absolute() else project.root / item
        if path.is_file():
            keep.append(item)
    manifest.keep_only(keep)


def check_project(project: Project, targets: list[tuple[Path, str]], *,
                  include_fuzzy: bool = False, checks: Iterable[str] | None = None,
                  jobs: int | None = 1, use_cache: bool = True, force: bool = False) -> list[Finding]:
    """Check several catalogues; return the findings (see :func:`run_checks`)."""
    return run_checks(project, targets, include_fuzzy=include_fuzzy, checks=checks,
                      jobs=jobs, use_cache=use_cache, force=force).findings


def has_errors(findings: Iterable[Finding]) -> bool:
    """True when any finding is an error (``newsloc check`` then exits 1)."""
    return any(f.severity == "error" for f in findings)


@register("consistency", "warning", "hygiene", scope="project")
def consistency(project: Project, refs: list[CatalogRef], cache: Manifest | None = None
                ) -> Iterable[Finding]:
    """Same source sentence translated differently in another article (translation memory)."""
    # Glossary renderings are the entry-scope "protected" checks' business; here only
    # what needs every catalogue at once (pipeline.memory.find_inconsistencies), computed
    # per language from compact summaries and cached until a catalogue of it changes.
    checked = {_canon(ref.path): ref for ref in refs}
    langs = sorted({ref.lang for ref in refs})
    if not langs:
        return
    from .memory import memory_files
    files = memory_files(project)
    for lang in langs:
        folder = {p: _canon(p) for p in files if p.parent.name == lang and p.suffix == ".po"}
        if not any(c in checked for c in folder.values()):
            continue  # no checked catalogue can get a finding from this language
        for rel, line, source, message in _language_inconsistencies(project, lang, folder,
                                                                    checked, cache):
            ref = checked.get(_canon(project.root / rel))
            if ref is not None:
                yield Finding(str(ref.path), line, source, "consistency", "warning", message)


def _language_inconsistencies(project: Project, lang: str, folder: dict[Path, Path],
                              checked: dict[Path, CatalogRef], cache: Manifest | None) -> list[list]:
    """The memory inconsistencies of one language as [rel path, line, source, message].

    *folder* maps the language's catalogues (in memory order) to their resolved paths.
    """
    from .memory import Memory, find_inconsistencies, read_catalog_units
    digests, items = {}, {}
    for path, canon in folder.items():
        ref = checked.get(canon)
        digests[path] = ref.digest if ref is not None and ref.digest else digest_path(path)
        items[path] = _item(project, canon)[0]
    key = digest_bytes("\n".join(f"{items[p]}\0{d}" for p, d in digests.items()).encode())
    item = f"consistency:{lang}"
    record = cache.get(item) if cache is not None else None
    if record is not None and record.get("key") == key:
        return record["findings"]
    # Which catalogues share a source sentence translated in two ways? Summaries
    # (this run's, or recorded for unchanged files) answer without parsing anything.
    summaries: dict[Path, str] = {}
    units_read: dict[Path, list] = {}
    for path, canon in folder.items():
        ref = checked.get(canon)
        summary = ref.summary if ref is not None and ref.digest == digests[path] else None
        if summary is None and cache is not None:
            rec = cache.get(items[path])
            if rec and rec.get("digest") == digests[path] and rec.get("readable"):
                summary = rec.get("summary")
        if summary is None:
            try:
                units_read[path] = read_catalog_units(project, path)
            except PipelineError:
                continue  # the memory leaves unreadable catalogues out too
            summary = _units_summary(units_read[path])
        summaries[path] = summary
    variants: dict[str, set[str]] = {}
    for summary in summaries.values():
        for k in range(0, len(summary), 32):
            variants.setdefault(summary[k:k + 16], set()).add(summary[k + 16:k + 32])
    conflicting = {src for src, targets in variants.items() if len(targets) > 1}
    involved = [p for p, summary in summaries.items()
                if any(summary[k:k + 16] in conflicting for k in range(0, len(summary), 32))]
    units = []
    for path in involved:  # memory order (sorted files), as load_memory reads them
        try:
            units.extend(units_read[path] if path in units_read else read_catalog_units(project, path))
        except PipelineError:
            continue
    found = find_inconsistencies(project, lang, memory=Memory(units), kinds=("memory",)) if units else []
    findings = [[_item(project, f.path)[0], f.line, f.source, f.message] for f in found]
    if cache is not None:
        cache.put(item, {"key": key, "findings": findings})
    return findings

"""Text patterns, in one place: URLs, e-mails, masks, digits, bidi, letters.

Three stages look for the same kinds of span with different needs, so a
kind may have more than one pattern here, each named for its use:

* checks (:mod:`pipeline.checks`) look for what is *not prose* in a
  translation, in any script: :data:`URL`, :data:`EMAIL`, :data:`TAG`,
  :data:`FORMAT`, :data:`MASK_PATTERN`;
* masking (:mod:`pipeline.translate.protect`) cuts spans out of an English
  source before it goes to an engine: :data:`MASK_URL` (trailing
  punctuation is trimmed by the caller), :data:`MASK_CREDIT`,
  :data:`MASK_NUMBER`;
* editions (:mod:`pipeline.export`) isolate left-to-right runs inside
  right-to-left text: :data:`ISOLATE_LATIN_RUN`, :data:`ISOLATE_ARABIC_RUN`
  (an edition's URL never swallows Arabic letters);
* link targets (checks and editions): :func:`link_scheme`,
  :func:`safe_link_target` (which targets an edition may write).
"""

from __future__ import annotations

import functools
import re

# --------------------------------------------------------------------------- masks

#: A mask token as engines give it back (lenient). The check stage flags these in msgstr.
MASK_PATTERN = re.compile(r"\[\s*X\s*(\d+)\s*X\s*\]")
#: What is left of a token an engine broke ("[X3", "X3X]", "[x 3 x]").
MASK_GARBLED = re.compile(r"\[\s*[Xx]\s*\d+|[Xx]\s*\d+\s*[Xx]\s*\]|\b[Xx]\d+[Xx]\b")
MASK_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'\]\[]+", re.IGNORECASE)
MASK_CREDIT = re.compile(r"\[[^\[\]\n]{1,120}\]")
MASK_NUMBER = re.compile(r"(?<![^\W_])\d+(?:[.,:/]\d+)*(?=(?:st|nd|rd|th)\b|(?![^\W_]))")
TRAILING_URL_PUNCT = ".,;:!?)"

# --------------------------------------------------------------------------- prose and scripts

BIDI_MARKS = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
ISOLATES = re.compile("[\u2066-\u2069]")
DIGITS_TO_ASCII = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬٪", "01234567890123456789.,%")
URL = re.compile(r"(?:https?://|ftp://|www\.)[^\s<>\"'\]\[«»]+[^\s<>\"'\]\[«».,;:!?)]", re.I)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?/?>")  # not <a@b.c> or <%s>
FORMAT = re.compile(r"%(?:\d+\$|\([^)]*\))?[-+#0']*\d*(?:\.\d+)?(?:hh|h|ll|l|L|z|j|t)?[diouxXeEfFgGcspr]"
                    r"|\{[A-Za-z0-9_]*(?::[^{}]*)?\}|&#?\w+;")
NUMBER = re.compile(r"\d+(?:[,.\u00a0\u202f\u066b\u066c]\d+)*")
ARABIC_LETTER = re.compile("[\u0620-\u064a\u066e-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06ff"
                           "\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc]")
LATIN = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"  # not × ÷
LATIN_LETTER = re.compile(f"[{LATIN}]")
LATIN_WORD = re.compile(f"[{LATIN}]+(?:['’-][{LATIN}]+)*")
OTHER_LETTER = re.compile("[\u0370-\u03ff\u0400-\u04ff]")  # Greek, Cyrillic look-alikes
ARABIC_WORD = re.compile(r"[\u0600-\u06ff]+")
LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z'’-]*(?:\s+[A-Za-z][A-Za-z'’-]*){2,}")
BRACKETED = re.compile(r"\[[^\[\]]+\]")
WORD_SPLIT = re.compile(r"[\s/]+")
TWO_LETTERS = re.compile(r"[^\W\d_]{2,}")
PROSE_WORD = re.compile(r"[a-z]{3,}[.,;:!?]?")

# --------------------------------------------------------------------------- editions (bidi isolation)

_ED_LATIN = "A-Za-z\u00C0-\u024F\u1E00-\u1EFF"
_ED_ARABIC = "\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF"
_ED_DIGIT = "0-9\u0660-\u0669\u06F0-\u06F9"
_ED_URL = r"(?:https?://|www\.)[^\s<>\"\u0600-\u06FF]*[^\s<>\"\u0600-\u06FF.,;:!?)\]\u060c]"
# A token of Latin script or digits; inner punctuation is allowed, edges are letters/digits.
# Only Latin digits: Arabic-Indic digits are already right-to-left friendly.
_ED_LATIN_TOKEN = (rf"[{_ED_LATIN}0-9$€£]"
                   rf"(?:[{_ED_LATIN}0-9.,:/\-_'’&@+#=%]*[{_ED_LATIN}0-9%])?")
ISOLATE_LATIN_RUN = re.compile(rf"(?:{_ED_URL}|{_ED_LATIN_TOKEN})(?:[ ]+(?:{_ED_URL}|{_ED_LATIN_TOKEN}))*")
ISOLATE_ARABIC_RUN = re.compile(rf"[{_ED_ARABIC}](?:[{_ED_ARABIC}{_ED_DIGIT} ،؛.\-]*[{_ED_ARABIC}{_ED_DIGIT}])?")
EDITION_LATIN = _ED_LATIN
HAS_LATIN = re.compile(rf"[{_ED_LATIN}]")
LOCAL_NUMBER = re.compile(rf"[{_ED_DIGIT}]+(?:[.,٬٫][{_ED_DIGIT}]+)*")
STRONG_LETTER = re.compile(rf"[{_ED_LATIN}{_ED_ARABIC}\u0590-\u05FF]")


# --------------------------------------------------------------------------- link targets

#: Schemes an edition may link to; a target without a scheme (relative) is fine too.
SAFE_LINK_SCHEMES = ("http", "https", "mailto")
_LINK_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
# Browsers drop these before reading a scheme; markdown-it percent-encodes them.
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f]|%(?:[01][0-9A-Fa-f]|20|7[Ff])")


def link_scheme(target: str) -> str | None:
    """The scheme a browser reads in a link *target* (lower case); None when it is relative.

    >>> link_scheme(" Java\tScript:alert(1)"), link_scheme("java%09script:x"), link_scheme("a/b:c")
    ('javascript', 'javascript', None)
    """
    m = _LINK_SCHEME.match(_IGNORED_IN_URL.sub("", target))
    return m.group(1).lower() if m else None


def safe_link_target(target: str) -> bool:
    """True when an edition may write *target*: http(s), mailto or relative.

    >>> safe_link_target("https://x.org/a b"), safe_link_target("#notes"), safe_link_target("data:,x")
    (True, True, False)
    """
    scheme = link_scheme(target)
    return scheme is None or scheme in SAFE_LINK_SCHEMES


def short(s: str, width: int = 60) -> str:
    """Shorten *s* for a message: newlines escaped, an ellipsis past *width*.

    >>> short("Kirkuk air base reopens", 11)
    'Kirkuk air…'
    """
    s = s.replace("\n", "\\n")
    return s if len(s) <= width else s[:width - 1] + "…"


def normalise_digits(text: str) -> str:
    """Map Arabic-Indic digits and separators to ASCII and drop bidi marks.

    >>> normalise_digits("٢٠٢٥ و ١٫٥ و ۱۲٪\u200f")
    '2025 و 1.5 و 12%'
    """
    return BIDI_MARKS.sub("", text).translate(DIGITS_TO_ASCII)


@functools.lru_cache(maxsize=2048)
def strip_protected(text: str) -> str:
    """Remove what is not prose: URLs, e-mails, masks, format directives, markup."""
    # Cached: every check of a unit strips the same two strings. A pattern
    # whose anchor character is absent cannot match, so most texts skip most subs.
    lower = text.lower()
    if "://" in text or "www." in lower:
        text = URL.sub(" ", text)
    if "@" in text:
        text = EMAIL.sub(" ", text)
    if "[" in text:
        text = MASK_PATTERN.sub(" ", text)
    if "<" in text:
        text = TAG.sub(" ", text)
    if "%" in text or "{" in text or "&" in text:
        text = FORMAT.sub(" ", text)
    return text


# --------------------------------------------------------------------------- structured outputs

_TAG_OPENER = re.compile(r"<(?=[A-Za-z/!?])")


def text_only(text: str) -> str:
    """*text* with HTML tags removed: what structured outputs (front matter, index.json) carry.

    A static-site generator or a CMS reading an edition's front matter or
    ``index.json`` may well put the title into a page unescaped; a
    translation's ``<script>`` must not come along.

    >>> text_only('Kirkuk <script>alert("x")</script> reopens')
    'Kirkuk alert("x") reopens'
    >>> text_only("Profits < costs, <b unclosed"), text_only("no markup")
    ('Profits < costs, b unclosed', 'no markup')
    """
    if "<" not in text:
        return text
    text = _TAG_OPENER.sub("", TAG.sub(" ", text))
    return re.sub(r"[ \t]{2,}", " ", text).strip()

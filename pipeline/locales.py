"""Locale facts from babel (the only module that imports babel).

Locales are written babel style everywhere in newsloc (``ar``, ``ar_IQ``,
``ckb``, ``ku``); engine codes are derived elsewhere. This module answers:
is this a locale, which way does it write, how many plural forms does it
have, what is its name, which digits does it use by default.

babel loads on the first question that needs its data (about 5 ms): a
command that asks none, like a pre-translation, never imports it.
"""

from __future__ import annotations

import functools
import gettext
import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import LocaleError

if TYPE_CHECKING:
    from babel import Locale


def base_language(code: str) -> str:
    """Return the language part of a locale code.

    >>> base_language("ar_IQ"), base_language("ckb-IR"), base_language("ku")
    ('ar', 'ckb', 'ku')
    """
    return code.replace("-", "_").split("_", 1)[0].lower()


@functools.lru_cache(maxsize=None)
def _parse(code: str) -> Locale:
    from babel import Locale
    return Locale.parse(code.replace("-", "_"))


def parse_locale(code: str, *, path: str | Path | None = None) -> Locale:
    """Return babel's :class:`Locale` for *code*, or raise :class:`LocaleError`.

    >>> parse_locale("ckb").language
    'ckb'
    """
    from babel import UnknownLocaleError
    try:
        return _parse(code)
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise LocaleError(f"unknown locale {code!r}", path=path) from exc


def text_direction(code: str) -> str:
    """Return ``"rtl"`` or ``"ltr"``.

    >>> text_direction("ckb"), text_direction("ku")
    ('rtl', 'ltr')
    """
    return parse_locale(code).text_direction


# ---------------------------------------------------------------- plural forms
#
# gettext numbers a language's plural forms in the order of CLDR's categories
# (zero, one, two, few, many, other), as msginit, Weblate and existing
# catalogues do; babel's own table orders Arabic's last two forms the other
# way. So the formula is derived here from CLDR's rules (via babel), in that
# order, for integer counts (no visible fraction digits, no exponent), keeping
# only the categories some integer falls in; the last one is the default.

#: CLDR's categories in the order gettext numbers plural forms.
CATEGORY_ORDER = ("zero", "one", "two", "few", "many", "other")
#: The counts a plural formula's meaning is compared on.
PLURAL_SAMPLE = tuple(range(1001)) + (10_000, 100_000, 1_000_000, 10_000_000, 1_000_000_000)

_RULE_TOKEN = re.compile(r"\s*(?:(?P<num>\d+(?:\.\.\d+)?(?:,\d+(?:\.\.\d+)?)*)|(?P<word>[a-z]+))")
#: CLDR operands that are zero for an integer count.
_ZERO_OPERANDS = frozenset("vwftce")


def _relations(rule: str) -> list[list[tuple[str, int | None, bool, list[tuple[int, int]]]]]:
    """Parse a CLDR rule (babel's spelling) into or-ed lists of and-ed relations.

    A relation is ``(operand, modulus, negated, ranges)``.
    """
    tokens = [(m.group("num"), m.group("word")) for m in _RULE_TOKEN.finditer(rule)]
    alternatives: list[list] = [[]]
    pos = 0
    while pos < len(tokens):
        word = tokens[pos][1]
        if word in ("or", "and"):
            if word == "or":
                alternatives.append([])
            pos += 1
            continue
        operand = "n" if word in ("n", "i") else word
        pos += 1
        modulus = None
        if tokens[pos][1] in ("mod", "%"):
            modulus = int(tokens[pos + 1][0])
            pos += 2
        negated = False
        while tokens[pos][1] in ("not", "in", "is", "within"):
            negated ^= tokens[pos][1] == "not"
            pos += 1
        ranges = []
        for part in tokens[pos][0].split(","):
            low, _, high = part.partition("..")
            ranges.append((int(low), int(high or low)))
        pos += 1
        alternatives[-1].append((operand, modulus, negated, ranges))
    return alternatives


def _relation_c(operand: str, modulus: int | None, negated: bool,
                ranges: list[tuple[int, int]], *, inside_and: bool) -> str | bool:
    """One relation as C for integer n, or True/False when it is constant."""
    if operand in _ZERO_OPERANDS:
        return any(low <= 0 <= high for low, high in ranges) != negated
    var = "n" if modulus is None else f"n%{modulus}"
    top = None if modulus is None else modulus - 1
    parts = []
    for low, high in ranges:
        if top is not None:
            high = min(high, top)
        if low == high:
            parts.append(f"{var}!={low}" if negated else f"{var}=={low}")
            continue
        bounds_low, bounds_high = low > 0, top is None or high < top  # n%m is in 0..m-1 anyway
        if negated:
            sides = ([f"{var}<{low}"] if bounds_low else []) + ([f"{var}>{high}"] if bounds_high else [])
            parts.append(" || ".join(sides) or "0")
        else:
            sides = ([f"{var}>={low}"] if bounds_low else []) + ([f"{var}<={high}"] if bounds_high else [])
            parts.append(" && ".join(sides) or "1")
    joiner = " && " if negated else " || "
    if len(parts) == 1:
        text, top_or = parts[0], " || " in parts[0]
    else:
        text = joiner.join(f"({p})" if joiner == " && " and " || " in p else p for p in parts)
        top_or = joiner == " || "
    return f"({text})" if inside_and and top_or else text


def cldr_rule_to_c(rule: str) -> str | bool:
    """Return the C condition of a CLDR plural rule for integer n (or a constant).

    >>> cldr_rule_to_c("n mod 100 in 3..10")
    'n%100>=3 && n%100<=10'
    >>> cldr_rule_to_c("n mod 100 in 11..99")
    'n%100>=11'
    >>> cldr_rule_to_c("v in 0 and i mod 10 in 2..4 and i mod 100 not in 12..14")
    'n%10>=2 && n%10<=4 && (n%100<12 || n%100>14)'
    """
    alternatives = []
    for relations in _relations(rule):
        texts = []
        for relation in relations:
            c = _relation_c(*relation, inside_and=len(relations) > 1)
            if c is False:
                break
            if c is not True:
                texts.append(c)
        else:
            if not texts:
                return True
            alternatives.append(" && ".join(texts))
    if not alternatives:
        return False
    if len(alternatives) == 1:
        return alternatives[0]
    return " || ".join(f"({a})" if " || " in a else a for a in alternatives)


def gettext_plural(rules: dict[str, str]) -> tuple[int, str]:
    """Return ``(nplurals, expression)`` for CLDR *rules* (category → rule), numbered as gettext does.

    >>> gettext_plural({"one": "n in 1"})
    (2, '(n != 1)')
    >>> gettext_plural({})
    (1, '0')
    """
    conditions = [c for c in (cldr_rule_to_c(rules[cat]) for cat in CATEGORY_ORDER[:-1] if cat in rules)
                  if c is not False]
    tests = [(lambda n: True) if c is True else gettext.c2py(c) for c in conditions]
    reached = [False] * (len(conditions) + 1)
    for n in PLURAL_SAMPLE:
        reached[next((k for k, test in enumerate(tests) if test(n)), len(tests))] = True
    kept = [c for c, r in zip(conditions, reached) if r]
    if not reached[-1] and kept:
        kept.pop()  # no integer is "other": the last category is the default
    if not kept:
        return 1, "0"
    if len(kept) == 1:
        negated = {"n==1": "n != 1", "n==0 || n==1": "n > 1", "n<=1": "n > 1"}.get(kept[0])
        return 2, f"({negated or f'!({kept[0]})'})"
    return len(kept) + 1, " : ".join(f"{c} ? {k}" for k, c in enumerate(kept)) + f" : {len(kept)}"


@functools.lru_cache(maxsize=None)
def plural_forms(code: str) -> tuple[int, str]:
    """Return ``(nplurals, plural_expression)`` for *code*, from CLDR, numbered as gettext does.

    >>> plural_forms("ar")
    (6, 'n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5')
    """
    return gettext_plural(dict(parse_locale(code).plural_form.rules))


def plural_forms_header(code: str) -> str:
    """Return the value of a PO ``Plural-Forms`` header.

    >>> plural_forms_header("ku")
    'nplurals=2; plural=(n != 1);'
    """
    n, expr = plural_forms(code)
    return f"nplurals={n}; plural={expr};"


_PLURAL_HEADER = re.compile(r"nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.*?)\s*;?\s*;?\s*$", re.DOTALL)


@functools.lru_cache(maxsize=256)
def plural_meaning(header: str) -> tuple[int, tuple[int, ...]] | None:
    """``(nplurals, form chosen for each count of PLURAL_SAMPLE)`` of a Plural-Forms value.

    None when the value cannot be read or evaluated.

    >>> plural_meaning("nplurals=2; plural=n != 1;") == plural_meaning(plural_forms_header("ku"))
    True
    """
    m = _PLURAL_HEADER.match(header.strip())
    if not m:
        return None
    try:
        fn = gettext.c2py(m.group(2))
        return int(m.group(1)), tuple(int(fn(n)) for n in PLURAL_SAMPLE)
    except (ValueError, SyntaxError, RecursionError, ZeroDivisionError, TypeError):
        return None


def plural_permutation(old: str, new: str) -> list[int] | None:
    """How forms of Plural-Forms *old* map onto *new*: ``mapping[old_form] = new_form``.

    None when the two do not choose the same groups of counts (then the
    forms of one cannot be reordered into the other).

    >>> babel = "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=0 && n%100<=2 ? 4 : 5);"
    >>> plural_permutation(babel, plural_forms_header("ar"))
    [0, 1, 2, 3, 5, 4]
    """
    a, b = plural_meaning(old), plural_meaning(new)
    if a is None or b is None or a[0] != b[0]:
        return None
    mapping: dict[int, int] = {}
    for x, y in zip(a[1], b[1]):
        if mapping.setdefault(x, y) != y:
            return None
    if len(set(mapping.values())) != len(mapping):
        return None
    unused = iter(k for k in range(b[0]) if k not in mapping.values())
    return [mapping[k] if k in mapping else next(unused) for k in range(a[0])]


def display_name(code: str, in_locale: str | None = None) -> str:
    """Return the locale's name, in itself or in *in_locale*.

    >>> display_name("ar", "en")
    'Arabic'
    """
    locale = parse_locale(code)
    other = parse_locale(in_locale) if in_locale else locale
    return locale.get_display_name(other) or code


def language_name_en(code: str) -> str:
    """English name of the language, as gettext headers like it ("Arabic")."""
    return display_name(code, "en")


def default_numbering_system(code: str) -> str:
    """CLDR's default numbering system: ``"arab"`` for ckb and ar_IQ, ``"latn"`` for ar.

    >>> default_numbering_system("ckb"), default_numbering_system("ar")
    ('arab', 'latn')
    """
    return parse_locale(code).default_numbering_system or "latn"


def script_of(code: str) -> str:
    """The script a locale is written in: ``"Arab"`` or ``"Latn"`` (by direction).

    >>> script_of("ckb"), script_of("ku")
    ('Arab', 'Latn')
    """
    locale = parse_locale(code)
    if locale.script:
        return locale.script
    return "Arab" if locale.text_direction == "rtl" else "Latn"


def format_long_date(value: date, code: str) -> str:
    """Format a publication date as readers of *code* expect (month names per locale).

    >>> format_long_date(date(2026, 3, 29), "ar_IQ")
    '29 آذار 2026'
    """
    from babel.dates import format_date
    return format_date(value, "long", locale=parse_locale(code))


#: Digits of the CLDR numbering systems an edition may use (babel has the
#: symbols of each system but formats every number with Latin digits).
DIGITS = {
    "latn": "0123456789",
    "arab": "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669",
    "arabext": "\u06f0\u06f1\u06f2\u06f3\u06f4\u06f5\u06f6\u06f7\u06f8\u06f9",
}


def number_symbols(code: str, system: str) -> tuple[str, str]:
    """Return the ``(group, decimal)`` separators of *code* written in numbering *system*.

    >>> number_symbols("ckb", "arab")
    ('٬', '٫')
    >>> number_symbols("ku", "latn")
    ('.', ',')
    """
    from babel.numbers import get_decimal_symbol, get_group_symbol
    locale = parse_locale(code)
    try:
        return (get_group_symbol(locale, numbering_system=system),
                get_decimal_symbol(locale, numbering_system=system))
    except Exception:  # babel raises UnsupportedNumberingSystemError (a plain Exception)
        return (get_group_symbol(locale), get_decimal_symbol(locale))


def convert_digits(text: str, system: str) -> str:
    """Write every digit of *text* (Latin, Arabic-Indic or Persian) in numbering *system*.

    >>> convert_digits("29 2026", "arab")
    '٢٩ ٢٠٢٦'
    >>> convert_digits("٢٩", "latn")
    '29'
    """
    target = DIGITS.get(system)
    if target is None:
        raise LocaleError(f"unknown numbering system {system!r} (known: {', '.join(sorted(DIGITS))})")
    table = {ord(d): target[i] for digits in DIGITS.values() for i, d in enumerate(digits)}
    return text.translate(table)


def format_publication_date(value: date, code: str, system: str | None = None) -> str:
    """Format a publication date for *code* with digits of numbering *system* (default: CLDR's).

    >>> format_publication_date(date(2026, 3, 29), "ar_IQ")
    '٢٩ آذار ٢٠٢٦'
    >>> format_publication_date(date(2026, 4, 2), "ckb", "latn")
    '2ی نیسانی 2026'
    """
    return convert_digits(format_long_date(value, code), system or default_numbering_system(code))

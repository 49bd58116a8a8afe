"""Locale facts from babel (the only module that imports babel).

Locales are written babel style everywhere in newsloc (``ar``, ``ar_IQ``,
``ckb``, ``ku``); engine codes are derived elsewhere. This module answers:
is this a locale, which way does it write, how many plural forms does it
have, what is its name, which digits does it use by default.
"""

from __future__ import annotations

import functools
from datetime import date
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.plurals import get_plural

from .errors import LocaleError


@functools.lru_cache(maxsize=None)
def base_language(code: str) -> str:
    """Return the language part of a locale code.

    >>> base_language("ar_IQ"), base_language("ckb-IR"), base_language("ku")
    ('ar', 'ckb', 'ku')
    """
    return code.replace("-", "_").split("_", 1)[0].lower()


def _parse(code: str) -> Locale:
    return Locale.parse(code.replace("-", "_"))


def parse_locale(code: str, *, path: str | Path | None = None) -> Locale:
    """Return babel's :class:`Locale` for *code*, or raise :class:`LocaleError`.

    >>> parse_locale("ckb").language
    'ckb'
    """
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


def plural_forms(code: str) -> tuple[int, str]:
    """Return ``(nplurals, plural_expression)`` from CLDR.

    >>> plural_forms("ar")[0]
    6
    """
    plural = get_plural(parse_locale(code))
    return plural.num_plurals, plural.plural_expr


def plural_forms_header(code: str) -> str:
    """Return the value of a PO ``Plural-Forms`` header.

    >>> plural_forms_header("ku")
    'nplurals=2; plural=(n != 1);'
    """
    n, expr = plural_forms(code)
    return f"nplurals={n}; plural={expr};"


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

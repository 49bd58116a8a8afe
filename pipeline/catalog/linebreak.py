"""Line breaking as GNU gettext does it: UAX #14 as libunistring 1.0 implements it.

The pair table of UAX #14 with libunistring's handling of spaces, combining
marks, zero-width space and joiner, regional indicators and Hebrew hyphens
(:func:`possible_breaks`); display columns (:func:`char_width`); and the
breaks that fit a width (:func:`width_breaks`), with a fast path for text of
the frequent classes. The line-break classes come from the ``regex``
module's Unicode tables (``\\p{Line_Break=...}``), the only place newsloc uses it.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Iterable, Sequence

import regex

# ---------------------------------------------------------------- UAX #14

# Classes that index the pair table, in its order, then the ones the
# algorithm handles before the table (BK CR LF CM ZW SP) and ZWJ's neighbours.
_TABLE_CLASSES = ("WJ GL B2 BA BB HY CL CP1 CP2 EX IN NS OP1 OP2 QU IS NU PO PR SY "
                  "AL H2 H3 ID1 ID2 JL JV JT HL RI ZWJ EB EM").split()
_C = {name: k for k, name in enumerate(_TABLE_CLASSES)}
BK, CR, LF, CM, ZW, SP = range(len(_TABLE_CLASSES), len(_TABLE_CLASSES) + 6)
HL_BA = 99  # a Hebrew letter followed by a hyphen or break-after (LB21a)

# UAX #14's pair table (section 7.3) as libunistring 1.0 tailors it: row =
# class before, column = class after; D direct break, I break only across
# spaces, P prohibited.
_PAIRS = """
WJ  PIIIIIPPPPIIIIIPIIIPIIIIIIIIIIIII
GL  PIIIIIPPPPIIIIIPIIIPIIIIIIIIIIIII
B2  PIPIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD
BA  PDDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD
BB  PIIIIIPPPPIIIIIPIIIPIIIIIIIIIIIII
HY  PDDIDIPPPPIIDDIPIDDPDDDDDDDDDDDDD
CL  PIDIDIPPPPIPDDIPDIIPDDDDDDDDDDDDD
CP1 PIDIDIPPPPIIDDIPIIIPIDDDDDDDIDIDD
CP2 PIDIDIPPPPIIDDIPDIIPDDDDDDDDDDDDD
EX  PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD
IN  PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD
NS  PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD
OP1 PPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPP
OP2 PPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPP
QU  PIIIIIPPPPIIPPIPIIIPIIIIIIIIIIIII
IS  PIDIDIPPPPIIDDIPIDDPDDDDDDDDDDDDD
NU  PIDIDIPPPPIIIDIPIIIPIDDDDDDDIDIDD
PO  PIDIDIPPPPIIIIIPIDDPIDDDDDDDIDIDD
PR  PIDIDIPPPPIIIIIPIDDPIIIIIIIIIDIII
SY  PIDIDIPPPPIIDDIPIDDPDDDDDDDDIDDDD
AL  PIDIDIPPPPIIIDIPIIIPIDDDDDDDIDIDD
H2  PIDIDIPPPPIIDDIPDIDPDDDDDDIIDDDDD
H3  PIDIDIPPPPIIDDIPDIDPDDDDDDDIDDDDD
ID1 PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDD
ID2 PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDI
JL  PIDIDIPPPPIIDDIPDIDPDIIDDIIDDDDDD
JV  PIDIDIPPPPIIDDIPDIDPDDDDDDIIDDDDD
JT  PIDIDIPPPPIIDDIPDIDPDDDDDDDIDDDDD
HL  PIDIDIPPPPIIIDIPIIIPIDDDDDDDIDIDD
RI  PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD
ZWJ PIDIDIPPPPIIIDIPIIIPIDDIIDDDIDIII
EB  PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDI
EM  PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDD
"""
_TABLE = tuple(row.split()[1] for row in _PAIRS.strip().splitlines())

# Unicode's classes (as the regex module names them) → the classes above.
# Classes libunistring resolves: AI, SA, XX and newer ones (AK AP AS VF VI,
# Unicode 15.1) are alphabetic, CB ideographic, CJ a non-starter, NL a
# mandatory break; OP, CP and ID are split as libunistring splits them.
_UNICODE_CLASSES = ("BK CR LF CM NL SG WJ ZW GL SP ZWJ B2 BA BB HY CB CL CP EX IN NS OP QU IS "
                    "NU PO PR SY AI AK AL AP AS CJ EB EM H2 H3 HH HL ID JL JV JT RI SA VF VI XX").split()
_RESOLVE = {"HH": _C["BA"], "BK": BK, "NL": BK, "CR": CR, "LF": LF, "CM": CM, "ZW": ZW, "SP": SP,
            "CB": _C["ID1"], "CJ": _C["NS"], "AI": _C["AL"], "SA": _C["AL"], "XX": _C["AL"],
            "SG": _C["AL"], "AK": _C["AL"], "AP": _C["AL"], "AS": _C["AL"], "VF": _C["AL"],
            "VI": _C["AL"]}
_PATTERNS = tuple((name, regex.compile(r"\p{Line_Break=%s}" % name)) for name in _UNICODE_CLASSES)
_EXTENDED_PICTOGRAPHIC = regex.compile(r"\p{Extended_Pictographic}")

# Characters whose class changed after Unicode 14, the version of the gettext
# (libunistring 1.0) whose output is the reference.
_UNICODE_14 = {0x034F: _C["GL"], 0x2057: _C["AL"],
               **{c: _C["AL"] for c in (0x0600, 0x0601, 0x0602, 0x0603, 0x0604, 0x0605,
                                         0x06DD, 0x08E2)}}

BREAK_PROHIBITED, BREAK_POSSIBLE, BREAK_MANDATORY, BREAK_UNDEFINED = 0, 1, 2, 3


@functools.lru_cache(maxsize=None)
def line_break_class(char: str) -> int:
    """Return libunistring's line-break class of *char* (an index of this module).

    >>> [_TABLE_CLASSES[line_break_class(c)] for c in 'a"(-']
    ['AL', 'QU', 'OP1', 'HY']
    """
    legacy = _UNICODE_14.get(ord(char))
    if legacy is not None:
        return legacy
    name = next((n for n, p in _PATTERNS if p.match(char)), "XX")
    if name == "CP" and char not in ")]":
        name = "CL"  # Unicode 16 moved a few brackets from CL to CP
    if name in _RESOLVE:
        return _RESOLVE[name]
    if name in ("OP", "CP"):
        wide = unicodedata.east_asian_width(char) in ("W", "F", "H")
        return _C[name + ("2" if wide else "1")]
    if name == "ID":
        unassigned = unicodedata.category(char) == "Cn"
        return _C["ID2" if unassigned and _EXTENDED_PICTOGRAPHIC.match(char) else "ID1"]
    return _C[name]


@functools.lru_cache(maxsize=None)
def char_width(char: str) -> int:
    """Columns *char* takes in a terminal, as libunistring counts them (UTF-8).

    >>> char_width("a"), char_width("\\u064e"), char_width("\\u200c"), char_width("\\u4e2d")
    (1, 0, 0, 2)
    """
    code = ord(char)
    if (code < 0x20 or 0x7F <= code < 0xA0 or unicodedata.bidirectional(char) == "NSM"
            or unicodedata.category(char) == "Cf" or 0x1160 <= code <= 0x11FF
            or 0xD7B0 <= code <= 0xD7FF or 0xE0000 <= code <= 0xE0FFF
            or unicodedata.name(char, "").startswith("ZERO WIDTH ")):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def possible_breaks(text: str) -> list[int]:
    """Return, for each character, whether a line may break before it (UAX #14).

    >>> possible_breaks("ab cd-ef")
    [0, 0, 0, 1, 0, 0, 1, 0]
    """
    out = [BREAK_PROHIBITED] * len(text)
    prev = last = BK     # class of the previous character / of the last non-space one
    space = False        # a space since the last non-space character
    ri = 0               # regional indicators right before this point
    table = _TABLE
    for k, char in enumerate(text):
        cls = line_break_class(char)
        if cls == BK or cls == LF or cls == CR:
            out[k] = BREAK_MANDATORY
            prev, last, space = cls, BK, False
            ri = 0
            continue
        if cls == SP:
            space = True
        elif cls == ZW:
            last, space = ZW, False
        elif cls == CM or cls == _C["ZWJ"]:
            if last == BK:
                last, space = _C["AL"], False
            elif last == ZW or space:
                out[k] = BREAK_POSSIBLE
                last, space = _C["AL"], False
            # otherwise X CM is X: nothing changes
        else:
            if last == BK:
                pass
            elif last == ZW:
                out[k] = BREAK_POSSIBLE
            elif prev == _C["ZWJ"]:
                pass
            elif last == _C["RI"] and cls == _C["RI"]:
                if space or ri % 2 == 0:
                    out[k] = BREAK_POSSIBLE
            elif prev == HL_BA:
                pass
            else:
                rule = table[last][cls]
                if rule == "D" or (rule == "I" and space):
                    out[k] = BREAK_POSSIBLE
            last, space = cls, False
        prev = HL_BA if prev == _C["HL"] and cls in (_C["HY"], _C["BA"]) else cls
        ri = ri + 1 if cls == _C["RI"] else 0
    return out


# ---------------------------------------------------------------- fast path
#
# Most text newsloc writes (English sources, machine output in Arabic script
# without vowel marks, Kurmanji) holds only characters of width 1 whose
# class the pair table decides alone: no combining marks, joiners, regional
# indicators, Hebrew letters or line separators. There a break opportunity
# depends only on the last non-space character and on whether spaces came
# between, so regular expressions over a string of class letters find them
# all at C speed; the result is the same as possible_breaks().

_COMPLEX = "~"


class _ClassLetters(dict):
    """str.translate table: character → one letter naming its class (``~``: not simple)."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        cls = line_break_class(char)
        if cls == SP:
            letter = " "
        elif cls >= len(_TABLE_CLASSES) or cls in (_C["ZWJ"], _C["RI"], _C["HL"]) \
                or char_width(char) != 1:
            letter = _COMPLEX
        else:
            letter = chr(0x41 + cls)
        self[code] = letter
        return letter


_LETTERS = _ClassLetters()


def _letter(cls: int) -> str:
    return re.escape(chr(0x41 + cls))


def _pairs(rules: str, *, before: Iterable[int] | None = None) -> frozenset[str]:
    """Class-letter pairs ``XY`` whose pair-table rule is in *rules*."""
    rows = range(len(_TABLE)) if before is None else before
    return frozenset(chr(0x41 + b) + chr(0x41 + a) for b in rows
                     for a, rule in enumerate(_TABLE[b]) if rule in rules)


# Letters and digits make up most text, so a search that stops at each of
# them would cost a Python step per character. Breaks between two adjacent
# characters are found from the rarer side of the pair: after punctuation
# ("-", "/", "." before a word) from the character before, after a letter or
# digit (a dash, an ideograph) from the character after. Breaks after spaces
# are everywhere between words, except where the pair table refuses them.
_FREQUENT = (_C["AL"], _C["NU"])
_DIRECT_PAIRS = _pairs("D", before=[k for k in range(len(_TABLE)) if k not in _FREQUENT])
_DIRECT_BEFORE = re.compile("[" + "".join(sorted({re.escape(p[0]) for p in _DIRECT_PAIRS})) + "]")
_DIRECT_AFTER = re.compile("|".join(
    f"[{''.join(_letter(k) for k, rule in enumerate(_TABLE[b]) if rule == 'D')}](?<=[{_letter(b)}].)"
    for b in _FREQUENT))
_GAPS = re.compile(r"[^ ] +(?=[^ ])")       # spaces after a character, before another
_REFUSED_ACROSS_SPACES = _pairs("P")


def _simple_opportunities(letters: str) -> list[int]:
    """Break opportunities of a string of class letters without ``~`` (sorted)."""
    refused = _REFUSED_ACROSS_SPACES
    found = [m.end() for m in _GAPS.finditer(letters)
             if letters[m.start()] + letters[m.end()] not in refused]
    pairs = _DIRECT_PAIRS
    found += [m.end() for m in _DIRECT_BEFORE.finditer(letters)
              if letters[m.start():m.end() + 1] in pairs]
    found += [m.start() for m in _DIRECT_AFTER.finditer(letters)]
    found.sort()
    return found


def width_breaks(text: str, width: int, start_column: int,
                 overrides: Sequence[int] | None = None) -> list[int]:
    """Return the positions (indexes into *text*) where lines break to fit *width* columns.

    The first line starts at *start_column*; a break goes at the last
    opportunity before the line would overflow (libunistring's
    ``ulc_width_linebreaks``). *overrides* force a position to
    ``BREAK_PROHIBITED`` (or possible); ``BREAK_UNDEFINED`` leaves it to UAX #14.
    """
    letters = text.translate(_LETTERS)
    if _COMPLEX in letters:
        return _width_breaks(text, width, start_column, overrides)
    opportunities = _simple_opportunities(letters)
    if overrides is not None:
        opportunities = [k for k in opportunities if overrides[k] == BREAK_UNDEFINED]
    chosen: list[int] = []
    last_p = -1
    last_column = start_column
    previous = 0
    for k in opportunities:
        piece = k - previous
        if last_p >= 0 and last_column + piece > width:
            chosen.append(last_p)
            last_column = 0
        last_p = k
        last_column += piece
        previous = k
    if last_p >= 0 and last_column + len(text) - previous > width:
        chosen.append(last_p)
    return chosen


def _width_breaks(text: str, width: int, start_column: int,
                  overrides: Sequence[int] | None = None) -> list[int]:
    """:func:`width_breaks` through full UAX #14 classes, for text holding complex characters."""
    breaks = possible_breaks(text)
    chosen: list[int] = []
    last_p = -1
    last_column = start_column
    piece = 0
    for k, char in enumerate(text):
        state = breaks[k]
        if overrides is not None and overrides[k] != BREAK_UNDEFINED:
            state = overrides[k]
        if state != BREAK_PROHIBITED:
            if last_p >= 0 and last_column + piece > width:
                chosen.append(last_p)
                last_column = 0
        if state == BREAK_MANDATORY:
            last_p, last_column, piece = -1, 0, 0
            continue
        if state == BREAK_POSSIBLE:
            last_p = k
            last_column += piece
            piece = 0
        piece += char_width(char)
    if last_p >= 0 and last_column + piece > width:
        chosen.append(last_p)
    return chosen

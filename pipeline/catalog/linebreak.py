"""Line breaking as GNU gettext does it: UAX #14 as libunistring 1.0 implements it.

The pair table of UAX #14 with libunistring's handling of spaces, combining
marks, zero-width space and joiner, regional indicators and Hebrew hyphens
(:func:`possible_breaks`); display columns (:func:`char_width`); and the
breaks that fit a width (:func:`width_breaks`), with a fast path for text of
the frequent classes. The line-break classes come from the ``regex``
module's Unicode tables (``\\p{Line_Break=...}``), the only place newsloc uses it;
those of Latin, Arabic and general punctuation are kept here (:data:`_COMMON`),
so writing catalogues of such text never imports regex.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from typing import Iterable, Sequence

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


@functools.lru_cache(maxsize=None)
def _patterns():
    """regex's ``\\p{Line_Break=...}`` per class, and ``\\p{Extended_Pictographic}`` (compiled once)."""
    import regex  # 6 ms, and 49 patterns to compile: only for characters _COMMON leaves out
    return (tuple((name, regex.compile(r"\p{Line_Break=%s}" % name)) for name in _UNICODE_CLASSES),
            regex.compile(r"\p{Extended_Pictographic}"))


# Characters whose class changed after Unicode 14, the version of the gettext
# (libunistring 1.0) whose output is the reference.
_UNICODE_14 = {0x034F: _C["GL"], 0x2057: _C["AL"],
               **{c: _C["AL"] for c in (0x0600, 0x0601, 0x0602, 0x0603, 0x0604, 0x0605,
                                         0x06DD, 0x08E2)}}

BREAK_PROHIBITED, BREAK_POSSIBLE, BREAK_MANDATORY, BREAK_UNDEFINED = 0, 1, 2, 3


# The classes of the characters most news text is made of (Latin, Arabic,
# general punctuation, currency signs), as unicode_class() resolves them:
# runs "first code point, class" up to the next one, "-" ending a covered
# range. tests/test_catalog_layout.py checks every code point against
# unicode_class() (regex's Unicode data).
_COMMON = """
0000 CM, 0009 BA, 000A LF, 000B BK, 000D CR, 000E CM, 0020 SP, 0021 EX, 0022 QU, 0023 AL,
0024 PR, 0025 PO, 0026 AL, 0027 QU, 0028 OP1, 0029 CP1, 002A AL, 002B PR, 002C IS, 002D HY,
002E IS, 002F SY, 0030 NU, 003A IS, 003C AL, 003F EX, 0040 AL, 005B OP1, 005C PR, 005D CP1,
005E AL, 007B OP1, 007C BA, 007D CL, 007E AL, 007F CM, 0085 BK, 0086 CM, 00A0 GL, 00A1 OP1,
00A2 PO, 00A3 PR, 00A6 AL, 00AB QU, 00AC AL, 00AD BA, 00AE AL, 00B0 PO, 00B1 PR, 00B2 AL,
00B4 BB, 00B5 AL, 00BB QU, 00BC AL, 00BF OP1, 00C0 AL, 0250 -, 0600 AL, 0609 PO, 060C IS,
060E AL, 0610 CM, 061B EX, 061C CM, 061D EX, 0620 AL, 064B CM, 0660 NU, 066A PO, 066B NU,
066D AL, 0670 CM, 0671 AL, 06D4 EX, 06D5 AL, 06D6 CM, 06DD AL, 06DF CM, 06E5 AL, 06E7 CM,
06E9 AL, 06EA CM, 06EE AL, 06F0 NU, 06FA AL, 0700 -, 0750 AL, 0780 -, 2000 BA, 2007 GL,
2008 BA, 200B ZW, 200C CM, 200D ZWJ, 200E CM, 2010 BA, 2011 GL, 2012 BA, 2014 B2, 2015 AL,
2018 QU, 201A OP1, 201B QU, 201E OP1, 201F QU, 2020 AL, 2024 IN, 2027 BA, 2028 BK, 202A CM,
202F GL, 2030 PO, 2038 AL, 2039 QU, 203B AL, 203C NS, 203E AL, 2044 IS, 2045 OP1, 2046 CL,
2047 NS, 204A AL, 2056 BA, 2057 AL, 2058 BA, 205C AL, 205D BA, 2060 WJ, 2061 AL, 2066 CM,
2070 -, 20A0 PR, 20A7 PO, 20A8 PR, 20B6 PO, 20B7 PR, 20BB PO, 20BC PR, 20BE PO, 20BF PR,
20C0 PO, 20C1 PR, 20D0 -
"""
_NAMED = {**_C, "BK": BK, "CR": CR, "LF": LF, "CM": CM, "ZW": ZW, "SP": SP, "-": None}
_COMMON_RUNS = [(int(code, 16), _NAMED[name]) for code, name in
                (run.split() for run in _COMMON.strip().replace("\n", " ").split(", "))]
_COMMON_STARTS = [start for start, _ in _COMMON_RUNS]


@functools.lru_cache(maxsize=None)
def line_break_class(char: str) -> int:
    """Return libunistring's line-break class of *char* (an index of this module).

    >>> [_TABLE_CLASSES[line_break_class(c)] for c in 'a"(-']
    ['AL', 'QU', 'OP1', 'HY']
    """
    k = bisect.bisect_right(_COMMON_STARTS, ord(char)) - 1
    if k >= 0 and _COMMON_RUNS[k][1] is not None:
        return _COMMON_RUNS[k][1]
    return unicode_class(char)


def unicode_class(char: str) -> int:
    """:func:`line_break_class` from regex's Unicode tables (:data:`_COMMON` holds the frequent ones)."""
    legacy = _UNICODE_14.get(ord(char))
    if legacy is not None:
        return legacy
    patterns, pictographic = _patterns()
    name = next((n for n, p in patterns if p.match(char)), "XX")
    if name == "CP" and char not in ")]":
        name = "CL"  # Unicode 16 moved a few brackets from CL to CP
    if name in _RESOLVE:
        return _RESOLVE[name]
    if name in ("OP", "CP"):
        wide = unicodedata.east_asian_width(char) in ("W", "F", "H")
        return _C[name + ("2" if wide else "1")]
    if name == "ID":
        unassigned = unicodedata.category(char) == "Cn"
        return _C["ID2" if unassigned and pictographic.match(char) else "ID1"]
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

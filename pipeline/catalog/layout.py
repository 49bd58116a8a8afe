"""PO file layout as GNU gettext writes it (``msgcat``, ``msgmerge``, ``xgettext``).

gettext's writer (``write-po.c``) lays out every string the same way, and
translators' tools that save through libgettextpo (Poedit, msgmerge, msgcat)
produce the same bytes. newsloc writes that layout itself, so a catalogue
saved by the pipeline and one saved by a translator's tool agree, and neither
rewrites the other until an entry changes.

Strings (``msgid``, ``msgstr``, ``#| msgid``, ``#~ msgstr`` ...)
    The value is cut after each ``\\n``; each piece is escaped (``\\"``,
    ``\\\\``, ``\\n``, ``\\t`` ...) and broken into lines of at most *width*
    (79) columns, quotes included, at the line-break opportunities of
    Unicode's line breaking algorithm (UAX #14) as libunistring 1.0
    implements it: the pair table of UAX #14 with libunistring's handling of
    spaces, combining marks, zero-width space and joiner, regional
    indicators and Hebrew hyphens. A space stays at the end of its line.
    Escape sequences, format directives of entries flagged ``*-format`` and
    the final ``\\n`` are never split. Columns are display columns: Arabic
    vowel marks, ZWNJ and other non-spacing marks take none, East Asian wide
    characters two. A value that needs more than one line (or holds a
    ``\\n`` before its end) starts with an empty ``""`` line.
Comments
    Translator (``#``) and extracted (``#.``) comments are written line for
    line, never wrapped; ``#:`` references are packed into lines of at most
    79 bytes; flags are written in gettext's order: ``fuzzy`` (only when
    there is a translation), format flags, ``range:``, ``no-wrap``.
Obsolete entries
    ``#~`` prefixed; one without a translation is not written (as gettext).

Where this module writes more than gettext would, on purpose: flags gettext
does not know (a translator's own, ``wrap``, ``*-check``) are kept, after
the known ones, because nothing a translator wrote may be dropped.

Line breaking itself is :mod:`.linebreak`.
"""

from __future__ import annotations

import functools
import re
from typing import Iterable, Sequence

from .linebreak import BREAK_PROHIBITED, BREAK_UNDEFINED, char_width, width_breaks

WIDTH = 79

# ---------------------------------------------------------------- strings

_ESCAPES = {"\a": "a", "\b": "b", "\f": "f", "\n": "n", "\r": "r", "\t": "t", "\v": "v",
            "\\": "\\", '"': '"'}
_NEEDS_ESCAPE = re.compile(r'[\a\b\f\n\r\t\v\\"]')

# Format directives a translator's tool keeps in one piece (c-format,
# python-format, python-brace-format): no break inside them.
_DIRECTIVES = {
    "c": re.compile(r"%(?:[0-9]+\$)?[-+ #0'I]*(?:[0-9]+|\*(?:[0-9]+\$)?)?"
                    r"(?:\.(?:[0-9]+|\*(?:[0-9]+\$)?))?(?:hh|h|ll|l|L|q|j|z|t)?[diouxXeEfFgGaAcspnm%]"),
    "python": re.compile(r"%(?:\([^)]*\))?[-+ #0]*(?:[0-9]+|\*)?(?:\.(?:[0-9]+|\*))?[hlL]?"
                         r"[diouxXeEfgGcrs%]"),
    "python-brace": re.compile(r"\{[^{}]*\}"),
}


_ESCAPE_TABLE = str.maketrans({char: "\\" + esc for char, esc in _ESCAPES.items()})
_ESCAPE_PAIR = re.compile(r"\\.", re.DOTALL)


def _portion(piece: str, directives: Sequence[tuple[int, int]], offset: int
             ) -> tuple[str, list[int]]:
    """Escape *piece*; return it with its break overrides (one per output character)."""
    if not directives:
        # Every backslash of the escaped text starts an escape pair: never
        # break inside one.
        text = piece.translate(_ESCAPE_TABLE)
        overrides = [BREAK_UNDEFINED] * len(text)
        for m in _ESCAPE_PAIR.finditer(text):
            overrides[m.start() + 1] = BREAK_PROHIBITED
        return text, overrides
    out: list[str] = []
    overrides = []
    inside = _inside_directive(directives, offset, len(piece))
    for k, char in enumerate(piece):
        brk = BREAK_PROHIBITED if inside[k] else BREAK_UNDEFINED
        esc = _ESCAPES.get(char)
        if esc is not None:
            out.append("\\" + esc)
            overrides.append(brk)
            overrides.append(BREAK_PROHIBITED)
        else:
            out.append(char)
            overrides.append(brk)
    return "".join(out), overrides


def _inside_directive(directives: Sequence[tuple[int, int]], offset: int, length: int) -> list[bool]:
    inside = [False] * length
    for start, end in directives:
        for pos in range(max(start + 1, offset), min(end, offset + length)):
            inside[pos - offset] = True
    return inside


def _directives(value: str, formats: Sequence[str]) -> list[tuple[int, int]]:
    """Spans of the format directives of *value*, up to the first invalid one (as gettext)."""
    for fmt in formats:
        pattern = _DIRECTIVES.get(fmt)
        if pattern is None:
            continue
        opener = "{" if fmt == "python-brace" else "%"
        spans = []
        pos = value.find(opener)
        while pos >= 0:
            m = pattern.match(value, pos)
            if m is None:
                break  # gettext's parser stops at an invalid directive
            spans.append(m.span())
            pos = value.find(opener, m.end())
        return spans
    return []


@functools.lru_cache(maxsize=4096)  # a text is laid out for the template and each language in turn
def string_lines(prefix: str, name: str, value: str, *, wrap: bool = True,
                 formats: tuple[str, ...] = (), width: int = WIDTH) -> tuple[str, ...]:
    """Return the lines (without newlines) gettext writes for ``name "value"``.

    >>> string_lines("", "msgid", "Hello")
    ('msgid "Hello"',)
    >>> string_lines("#~ ", "msgstr", "a\\nb")
    ('#~ msgstr ""', '#~ "a\\\\n"', '#~ "b"')
    """
    lines: list[str] = []
    directives = _directives(value, formats) if formats and value else ()
    after_break = len(prefix) + 1
    avail = (width if wrap else 2 ** 31 - 1) - 1 - after_break
    first = True
    start = 0
    while True:
        end = value.find("\n", start)
        end = len(value) if end < 0 else end + 1
        piece = value[start:end]
        if not _NEEDS_ESCAPE.search(piece) and not directives:
            text, overrides = piece, None
        else:
            text, overrides = _portion(piece, directives, start)
        if piece.endswith("\n"):
            overrides = overrides if overrides is not None else [BREAK_UNDEFINED] * len(text)
            overrides[len(text) - 2] = BREAK_PROHIBITED
        more = end < len(value)
        while True:
            column = len(prefix) + (len(name) + 1 if first else 0) + 1 - after_break
            if column + _fast_width(text) <= avail:
                cuts: list[int] = []  # fits on the line: nothing to compute
            else:
                cuts = width_breaks(text, avail, column, overrides) if text else []
            if first and text and (more or column > avail or cuts):
                lines.append(f'{prefix}{name} ""')
                first = False
                continue
            break
        head = f"{prefix}{name} " if first else prefix
        first = False
        bounds = [0] + cuts + [len(text)]
        for k in range(len(bounds) - 1):
            lines.append(f'{head if k == 0 else prefix}"{text[bounds[k]:bounds[k + 1]]}"')
        start = end
        if start >= len(value):
            break
    return tuple(lines)


def _fast_width(text: str) -> int:
    """An upper bound of the display width of *text* (exact for ASCII)."""
    return len(text) if text.isascii() else sum(char_width(c) for c in text)


# ---------------------------------------------------------------- entries

FORMAT_LANGUAGES = ("c objc python python-brace java java-printf csharp javascript scheme "
                    "lisp elisp librep ruby sh awk lua object-pascal smalltalk qt qt-plural kde "
                    "kde-kuit boost tcl perl perl-brace php gcc-internal gfc-internal ycp").split()
_FORMAT_RANK = {lang: k for k, lang in enumerate(FORMAT_LANGUAGES)}
_FORMAT_FLAG = re.compile(r"(no-|possible-|impossible-)?(.+)-format")
_RANGE_FLAG = re.compile(r"range: *(\d+)\.\.(\d+)")


def ordered_flags(flags: Iterable[str], *, fuzzy: bool, obsolete: bool = False) -> list[str]:
    """Return *flags* as gettext writes them: fuzzy, formats, range, no-wrap, then others.

    *fuzzy* says whether the fuzzy flag is written (gettext drops it from an
    entry without a translation).

    >>> ordered_flags(["python-format", "fuzzy", "mine", "c-format"], fuzzy=True)
    ['fuzzy', 'c-format', 'python-format', 'mine']
    """
    formats: dict[int, str] = {}
    rng = None
    no_wrap = False
    others: list[str] = []
    for flag in flags:
        flag = flag.strip()
        if not flag or flag == "fuzzy":
            continue
        m = _FORMAT_FLAG.fullmatch(flag)
        if m and m.group(2) in _FORMAT_RANK:
            if m.group(1) != "impossible-":
                formats[_FORMAT_RANK[m.group(2)]] = flag
            continue
        if _RANGE_FLAG.fullmatch(flag) and not obsolete:
            lo, hi = _RANGE_FLAG.fullmatch(flag).groups()
            if int(lo) <= int(hi):
                rng = f"range: {int(lo)}..{int(hi)}"
                continue
        if flag == "no-wrap":
            no_wrap = True
            continue
        if flag not in others:
            others.append(flag)
    out = ["fuzzy"] if fuzzy else []
    out += [formats[k] for k in sorted(formats)]
    if rng:
        out.append(rng)
    if no_wrap:
        out.append("no-wrap")
    return out + others


def reference_lines(references: Iterable[tuple[str, str]], width: int = WIDTH) -> list[str]:
    """Return the ``#:`` lines for *references* (file, line), packed as gettext packs them.

    >>> reference_lines([("a.txt", "3"), ("b.txt", "")])
    ['#: a.txt:3 b.txt']
    """
    lines: list[str] = []
    current = "#:"
    column = 2
    for path, line in references:
        while path.startswith("./"):
            path = path[2:]
        item = f"{path}:{line}" if line not in (None, "") else path
        size = len(item.encode("utf-8")) + 1
        if column > 2 and column + size > width:
            lines.append(current)
            current, column = "#:", 2
        current += " " + item
        column += size
    lines.append(current)
    return lines


def comment_lines(mark: str, text: str) -> list[str]:
    """Return comment lines as gettext writes them: ``#`` + mark, and a space before any text.

    >>> comment_lines("", "note\\n\\nmore")
    ['# note', '#', '# more']
    """
    return [f"#{mark} {line}" if line else f"#{mark}" for line in text.split("\n")]


def entry_lines(*, msgid: str, msgstr: str = "", msgctxt: str | None = None,
                msgid_plural: str | None = None, msgstr_plural: Sequence[str] = (),
                tcomment: str = "", comment: str = "",
                occurrences: Iterable[tuple[str, str]] = (), flags: Iterable[str] = (),
                previous_msgctxt: str | None = None, previous_msgid: str | None = None,
                previous_msgid_plural: str | None = None, obsolete: bool = False,
                width: int = WIDTH) -> list[str]:
    """Return the lines of one entry (no blank line around it), as gettext writes them."""
    flags = list(flags)
    first_msgstr = msgstr_plural[0] if msgid_plural is not None and msgstr_plural else msgstr
    if obsolete and not first_msgstr:
        return []
    fuzzy = "fuzzy" in flags and (obsolete or bool(first_msgstr))
    ordered = ordered_flags(flags, fuzzy=fuzzy, obsolete=obsolete)
    formats = tuple(m.group(2) for f in ordered
                    if (m := _FORMAT_FLAG.fullmatch(f)) and m.group(1) in (None, "possible-"))
    wrap = "no-wrap" not in ordered
    lines: list[str] = []
    if tcomment:
        lines += comment_lines("", tcomment)
    if comment:
        lines += comment_lines(".", comment)
    occurrences = list(occurrences)
    if occurrences:
        lines += reference_lines(occurrences, width)
    if ordered:
        lines.append("#, " + ", ".join(ordered))
    prev = "#~| " if obsolete else "#| "
    field = functools.partial(string_lines, wrap=wrap, formats=formats, width=width)
    if previous_msgctxt is not None:
        lines += field(prev, "msgctxt", previous_msgctxt)
    if previous_msgid is not None:
        lines += field(prev, "msgid", previous_msgid)
    if previous_msgid_plural is not None:
        lines += field(prev, "msgid_plural", previous_msgid_plural)
    prefix = "#~ " if obsolete else ""
    if msgctxt is not None:
        lines += field(prefix, "msgctxt", msgctxt)
    lines += field(prefix, "msgid", msgid)
    if msgid_plural is not None:
        lines += field(prefix, "msgid_plural", msgid_plural)
        for k, text in enumerate(msgstr_plural):
            lines += field(prefix, f"msgstr[{k}]", text)
    else:
        lines += field(prefix, "msgstr", msgstr)
    return lines

"""Bidi isolation and escaping of edition text.

In a right-to-left edition, runs of Latin script and numbers (names, K1,
$250,000, URLs) are isolated (``<bdi>`` in HTML, U+2066..U+2069 in Markdown
and text) so they display in order; in a left-to-right edition Arabic-script
runs are isolated the same way. Markdown special characters are
backslash-escaped: translator text is never markup.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from ..textpatterns import (EDITION_LATIN, ISOLATE_ARABIC_RUN, ISOLATE_LATIN_RUN, STRONG_LETTER)

LRI, RLI, PDI, RLM = "\u2066", "\u2067", "\u2069", "\u200f"
# --------------------------------------------------------------------------- bidi and escaping

def bidi_chunks(text: str, direction: str) -> list[tuple[str, bool]]:
    """Split *text* into ``(chunk, isolate)`` pairs: runs of the other direction's script.

    In right-to-left text, Latin-script runs and numbers are isolated; in
    left-to-right text, Arabic-script runs.

    >>> bidi_chunks("قاعدة K1 Air Base في كركوك", "rtl")
    [('قاعدة ', False), ('K1 Air Base', True), (' في كركوك', False)]
    """
    pattern = ISOLATE_LATIN_RUN if direction == "rtl" else ISOLATE_ARABIC_RUN
    chunks: list[tuple[str, bool]] = []
    pos = 0
    for m in pattern.finditer(text):
        if m.start() > pos:
            chunks.append((text[pos:m.start()], False))
        chunks.append((m.group(), True))
        pos = m.end()
    if pos < len(text):
        chunks.append((text[pos:], False))
    return chunks


def html_isolate(text: str, direction: str) -> Markup:
    """Escape *text* for HTML, wrapping opposite-direction runs in ``<bdi>``.

    >>> str(html_isolate("<script>x</script> داعش", "rtl"))
    '&lt;<bdi>script</bdi>&gt;<bdi>x</bdi>&lt;/<bdi>script</bdi>&gt; داعش'
    """
    return Markup("").join(Markup("<bdi>{}</bdi>").format(chunk) if iso else escape(chunk)
                           for chunk, iso in bidi_chunks(text, direction))


def unicode_isolate(text: str, direction: str) -> str:
    """Wrap opposite-direction runs of *text* in Unicode isolates where order could break.

    A run is isolated when it holds anything beyond letters (spaces, digits,
    punctuation) or opens the text (where it would set the paragraph's
    direction); a lone word displays right without help.

    >>> unicode_isolate("دفع $250,000 يومياً", "rtl") == "دفع \\u2066$250,000\\u2069 يومياً"
    True
    """
    opener = LRI if direction == "rtl" else RLI
    out = []
    for k, (chunk, iso) in enumerate(bidi_chunks(text, direction)):
        if iso and (k == 0 or not chunk.isalpha()):
            chunk = f"{opener}{chunk}{PDI}"
        out.append(chunk)
    return "".join(out)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~])")
_MD_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])")


def md_escape(text: str) -> str:
    r"""Escape *text* so Markdown shows it literally (no markup, no raw HTML).

    >>> md_escape("<script>alert(1)</script> *x*")
    '\\<script\\>alert(1)\\</script\\> \\*x\\*'
    >>> md_escape("1. not a list")
    '1\\. not a list'
    """
    text = _MD_SPECIAL.sub(r"\\\1", text)
    m = _MD_LINE_START.match(text)
    if m:
        marker = m.group(2)
        escaped = marker[:-1] + "\\" + marker[-1]
        text = m.group(1) + escaped + text[m.end():]
    return text


def mark_rtl_lines(text: str) -> str:
    """Prefix RLM to lines of an RTL text file whose first strong character is not RTL."""
    lines = []
    for line in text.split("\n"):
        visible = re.sub(f"[{LRI}{RLI}\u2068].*?{PDI}", "", line)
        m = STRONG_LETTER.search(visible)
        if line.strip() and (m is None or re.match(f"[{EDITION_LATIN}]", m.group())):
            line = RLM + line
        lines.append(line)
    return "\n".join(lines)

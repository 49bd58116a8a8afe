"""Reading PO bytes faithfully, before polib sees them.

polib is permissive: it accepts truncated strings, bad escapes, duplicate
msgids and mis-declared charsets without a word. Every catalogue newsloc
reads passes through here first; a file that cannot be read faithfully
raises :class:`CatalogError` naming the file and line, and is never
repaired silently (so no command writes over it).

Accepted: UTF-8 with or without a byte-order mark; CRLF line endings (read
as LF); a legacy charset when the header declares it (``windows-1256``,
``iso-8859-15`` ...) and the bytes decode in it. Refused: bytes that do not
decode in the declared charset, NUL bytes, unterminated or unquoted
strings, unknown escapes, duplicate entries.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from .errors import CatalogError

_CHARSET = re.compile(rb"charset=([A-Za-z0-9_.:-]+)")
_KEYWORD = re.compile(r"^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+(.*)$")
_STRING = re.compile(r'^"((?:[^"\\]|\\.)*)"\s*$')
_ESCAPES = set('\\"ntrabfv')


def declared_charset(data: bytes) -> str:
    """Return the charset the header declares (``utf-8`` when none)."""
    head = data[:4096]
    m = _CHARSET.search(head)
    if not m:
        return "utf-8"
    name = m.group(1).decode("ascii", "replace")
    if name.upper() == "CHARSET":  # the template placeholder
        return "utf-8"
    return name


def decode_po(data: bytes, *, path: str | Path) -> str:
    """Decode PO bytes strictly per the declared charset; LF line endings."""
    if b"\x00" in data:
        offset = data.index(b"\x00")
        raise CatalogError("NUL byte: not a text PO file", path=path,
                           lineno=data.count(b"\n", 0, offset) + 1)
    bom = data.startswith(codecs.BOM_UTF8)
    if bom:
        data = data[len(codecs.BOM_UTF8):]
    charset = "utf-8" if bom else declared_charset(data)
    try:
        codecs.lookup(charset)
    except LookupError as exc:
        raise CatalogError(f"unknown charset {charset!r} in the Content-Type header",
                           path=path, lineno=1) from exc
    try:
        text = data.decode(charset)
    except UnicodeDecodeError as exc:
        lineno = data.count(b"\n", 0, exc.start) + 1
        raise CatalogError(f"bytes are not valid {charset} as the header declares "
                           f"(byte 0x{data[exc.start]:02x})", path=path, lineno=lineno) from exc
    return text.replace("\r\n", "\n")


def validate_po_text(text: str, *, path: str | Path) -> None:
    """Check the lexical structure polib would let through; raise on the first fault."""
    seen: dict[tuple[str | None, str, bool], int] = {}
    state: dict[str, list[str]] = {}
    entry_line = 0
    current: str | None = None
    obsolete = False

    def finish() -> None:
        nonlocal state
        if "msgid" in state:
            key = ("".join(state.get("msgctxt", [])) if "msgctxt" in state else None,
                   "".join(state["msgid"]), obsolete)
            if not any(k.startswith("msgstr") for k in state):
                raise CatalogError("entry has a msgid but no msgstr", path=path, lineno=entry_line)
            if key in seen and not key[2]:
                raise CatalogError(f"duplicate entry (first at line {seen[key]})",
                                   path=path, lineno=entry_line)
            seen.setdefault(key, entry_line)
        state = {}

    for lineno, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        is_obsolete = line.startswith("#~")
        if is_obsolete:
            line = line[2:].strip()
            if line.startswith("|"):
                continue
        elif line.startswith("#") or not line:
            if not line and state:
                finish()
            continue
        m = _KEYWORD.match(line)
        if m:
            keyword, rest = m.groups()
            if keyword in ("msgctxt", "msgid") and any(k.startswith("msgstr") for k in state):
                finish()
            if keyword == "msgctxt" or (keyword == "msgid" and "msgctxt" not in state):
                entry_line = lineno
                obsolete = is_obsolete
            current = keyword
            state.setdefault(keyword, [])
            _check_string(rest, path, lineno)
            state[keyword].append(_STRING.match(rest.strip()).group(1))
            continue
        if line.startswith('"'):
            if current is None:
                raise CatalogError("string outside an entry", path=path, lineno=lineno)
            _check_string(line, path, lineno)
            state.setdefault(current, []).append(_STRING.match(line).group(1))
            continue
        raise CatalogError(f"unexpected text: {line[:40]!r}", path=path, lineno=lineno)
    finish()


def _check_string(token: str, path: str | Path, lineno: int) -> None:
    token = token.strip()
    m = _STRING.match(token)
    if not m:
        if token.startswith('"'):
            raise CatalogError("unterminated string", path=path, lineno=lineno)
        raise CatalogError(f"expected a quoted string, found {token[:30]!r}", path=path, lineno=lineno)
    body = m.group(1)
    i = 0
    while True:
        i = body.find("\\", i)
        if i < 0:
            break
        nxt = body[i + 1:i + 2]
        if nxt not in _ESCAPES and not nxt.isdigit() and nxt != "x":
            raise CatalogError(f"invalid escape \\{nxt}", path=path, lineno=lineno)
        i += 2

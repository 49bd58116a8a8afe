"""Reading PO bytes faithfully, before polib sees them.

polib is permissive: it accepts truncated strings (dropping a character),
bad escapes, duplicate msgids, wrong plural counts and mis-declared charsets
without a word, and it splits lines wherever Python's ``str.splitlines``
does. Every catalogue newsloc reads passes through :func:`decode_po` and
:func:`validate_po_text` first; a file that cannot be read faithfully raises
:class:`CatalogError` naming the file and line, and is never repaired
silently (so no command writes over it).

Accepted (read as if it were plain UTF-8 with LF line endings)
    * UTF-8, with or without a byte-order mark;
    * CRLF line endings;
    * a legacy ASCII-compatible charset (``windows-1256``, ``iso-8859-15``
      ...) when the header's ``Content-Type`` declares it and the bytes
      decode in it; newsloc writes the file back as UTF-8;
    * lines of any length (a 10 MB string is read in linear time).

Refused (fatal, :class:`CatalogError`)
    * bytes that are not valid in the declared charset (a UTF-8 file that
      ends in the middle of a character: truncated);
    * a mis-declared charset: UTF-8 bytes under a legacy declaration, a BOM
      contradicting the header, bytes that decode to C1 control characters,
      an unknown or non-ASCII-compatible charset (UTF-16/32);
    * NUL bytes, bare CR line endings, raw characters polib would take as a
      line break (VT, FF, U+0085, U+2028, U+2029);
    * syntax errors: unterminated or unquoted strings, text outside an
      entry, keywords out of order, an msgid without msgstr, an empty file;
    * escapes other than ``\\\\ \\" \\n \\t \\r \\v \\b \\f`` (gettext also knows
      ``\\a``, octal and hex escapes, but polib would mangle them);
    * duplicate entries (same msgctxt and msgid);
    * msgid_plural without msgstr[n] (or the reverse), msgstr[n] indices not
      0, 1, 2 ... in order, and a number of plural forms different from the
      header's ``nplurals``.

Reported, not fatal (:func:`validate_po_text` returns them as
:class:`PoProblem` for the ``file`` check, as ``msgfmt -c`` would)
    missing or default header fields, no charset, plural entries without a
    ``Plural-Forms`` header, a plural expression out of range, c-format /
    python-format / python-brace-format directives that do not match, an
    msgstr that does not begin or end with a newline like its msgid, a file
    that does not end with a newline.
"""

from __future__ import annotations

import codecs
import functools
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CatalogError
from .directives import FORMATS, arg_name

__all__ = ["PoProblem", "RawEntry", "decode_po", "declared_charset", "scan_po",
           "validate_po_text", "validate_entries", "format_problems", "plural_count"]

_HEADER_CHARSET = re.compile(rb'"Content-Type:[^"\n]*?charset=([A-Za-z0-9_.:-]+)', re.I)
_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?(?=[\s\"]|$)")
_POLIB_ESCAPES = {"\\": "\\", '"': '"', "n": "\n", "t": "\t", "r": "\r",
                  "v": "\v", "b": "\b", "f": "\f"}
_GETTEXT_ONLY_ESCAPES = set("a?'x01234567")
_ESCAPE = re.compile(r"\\(.?)", re.S)
# Characters str.splitlines() breaks on (polib splits text with it) besides \n and \r.
_LINE_BREAKERS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_C1 = re.compile("[\x80-\x9f]")
_NPLURALS = re.compile(r"nplurals\s*=\s*(\d+)")
_PLURAL_EXPR = re.compile(r"plural\s*=\s*([^;]*);?")
# Fields msgfmt --check-header wants, with the default values of a fresh POT.
HEADER_FIELDS = {
    "Project-Id-Version": "PACKAGE VERSION",
    "PO-Revision-Date": "YEAR-MO-DA HO:MI+ZONE",
    "Last-Translator": "FULL NAME <EMAIL@ADDRESS>",
    "Language-Team": "LANGUAGE <LL@li.org>",
    "Language": None,
    "MIME-Version": None,
    "Content-Type": None,
    "Content-Transfer-Encoding": None,
}


@dataclass(frozen=True)
class PoProblem:
    """A fault ``msgfmt -c`` would report that does not stop faithful reading."""

    lineno: int
    severity: str  # "error" | "warning"
    message: str
    msgid: str = ""


@dataclass
class RawEntry:
    """One entry as the file spells it (strings unescaped)."""

    lineno: int
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int | None, str] = field(default_factory=dict)  # None = singular msgstr
    msgstr_lineno: int = 0
    flags: list[str] = field(default_factory=list)
    obsolete: bool = False

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None and not self.obsolete

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translations(self) -> list[tuple[int | None, str]]:
        return sorted(self.msgstr.items(), key=lambda kv: -1 if kv[0] is None else kv[0])


# --------------------------------------------------------------------------- decoding

def declared_charset(data: bytes) -> str | None:
    """Return the charset the header's Content-Type declares (None when there is none).

    >>> declared_charset(b'msgid ""\\nmsgstr ""\\n"Content-Type: text/plain; charset=windows-1256\\\\n"\\n')
    'windows-1256'
    """
    head = _header_block(data)
    m = _HEADER_CHARSET.search(head)
    if not m:
        return None
    return m.group(1).decode("ascii", "replace")


def _header_block(data: bytes) -> bytes:
    """The bytes of the first entry (the header), bounded so huge lines stay cheap."""
    head = data[:65536]
    start = head.find(b'msgid ""')
    if start < 0:
        return b""
    end = head.find(b"\n\n", start)
    end2 = head.find(b"\r\n\r\n", start)
    ends = [e for e in (end, end2) if e >= 0]
    return head[start:min(ends) if ends else len(head)]


def _ascii_compatible(charset: str) -> bool:
    try:
        return "msgid \"\"\n".encode(charset) == b'msgid ""\n' and \
            b'msgid ""\n'.decode(charset) == 'msgid ""\n'
    except (UnicodeError, LookupError):
        return False


def _lineno_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode_po(data: bytes, *, path: str | Path) -> str:
    """Decode PO bytes strictly per the declared charset; return text with LF line endings."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise CatalogError("UTF-16 byte-order mark: PO files must be UTF-8 (or an "
                           "ASCII-compatible charset); convert with iconv", path=path, lineno=1)
    if b"\x00" in data:
        offset = data.index(b"\x00")
        raise CatalogError("NUL byte: not a text PO file (binary, .mo or UTF-16?)",
                           path=path, lineno=_lineno_at(data, offset))
    bom = data.startswith(codecs.BOM_UTF8)
    if bom:
        data = data[len(codecs.BOM_UTF8):]
    declared = declared_charset(data)
    charset = declared
    if declared is None or declared.upper() == "CHARSET":  # no header, or the POT placeholder
        charset = "utf-8"
    try:
        canonical = codecs.lookup(charset).name
    except LookupError as exc:
        raise CatalogError(f"unknown charset {charset!r} in the Content-Type header",
                           path=path, lineno=_header_line(data)) from exc
    if not _ascii_compatible(canonical):
        raise CatalogError(f"charset {charset!r} is not ASCII-compatible; PO files must be "
                           "UTF-8 or a legacy 8-bit charset", path=path, lineno=_header_line(data))
    is_utf8 = canonical in ("utf-8", "utf-8-sig")
    if bom and not is_utf8:
        raise CatalogError(f"UTF-8 byte-order mark but the header declares {charset!r}: "
                           "mis-declared charset", path=path, lineno=_header_line(data))
    if not is_utf8 and not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:  # multi-byte UTF-8 that happens to decode in a legacy charset: mojibake
            raise CatalogError(f"the header declares {charset!r} but the text is UTF-8: "
                               "mis-declared charset (fix the Content-Type header)",
                               path=path, lineno=_header_line(data))
    try:
        text = data.decode(canonical)
    except UnicodeDecodeError as exc:
        lineno = _lineno_at(data, exc.start)
        if is_utf8 and exc.end >= len(data) and "unexpected end" in exc.reason:
            raise CatalogError("file ends in the middle of a UTF-8 character: truncated",
                               path=path, lineno=lineno) from exc
        hint = " (a legacy charset such as windows-1256 not declared in the header?)" if is_utf8 else ""
        raise CatalogError(f"byte 0x{data[exc.start]:02x} is not valid {charset}, the charset "
                           f"the header declares{hint}", path=path, lineno=lineno) from exc
    if not is_utf8:
        m = _C1.search(text)
        if m:
            raise CatalogError(f"bytes decode to control character U+{ord(m.group()):04X} in "
                               f"{charset}: mis-declared charset?", path=path,
                               lineno=text.count("\n", 0, m.start()) + 1)
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            at = text.index("\r")
            raise CatalogError("carriage return without line feed (old Mac line ending or a raw "
                               "CR inside a string; write it as \\r)", path=path,
                               lineno=text.count("\n", 0, at) + 1)
    return text


def _header_line(data: bytes) -> int:
    head = data[:65536]
    m = _HEADER_CHARSET.search(head)
    return _lineno_at(data, m.start()) if m else 1


# --------------------------------------------------------------------------- scanning

def _unquote(line: str, start: int, path: str | Path, lineno: int) -> str:
    """Return the unescaped value of the quoted string at line[start:], which must end the line.

    Linear in the line length (str.find does the walking), so a 10 MB line is cheap.
    """
    n = len(line)
    while start < n and line[start] in " \t":
        start += 1
    if start >= n:
        raise CatalogError("keyword without a string", path=path, lineno=lineno)
    if line[start] != '"':
        raise CatalogError(f"expected a quoted string, found {line[start:start + 30]!r}",
                           path=path, lineno=lineno)
    pos = start + 1
    # The closing quote is the first one preceded by an even run of backslashes.
    quote = line.find('"', pos)
    while quote >= 0:
        run = 0
        while line[quote - 1 - run] == "\\":
            run += 1
        if run % 2 == 0:
            break
        quote = line.find('"', quote + 1)
    body = line[pos:] if quote < 0 else line[pos:quote]
    if "\\" in body:
        for nxt in sorted(set(_ESCAPE.findall(body)) - _POLIB_ESCAPES.keys()):
            if not nxt:
                raise CatalogError("unterminated string (ends with a backslash)",
                                   path=path, lineno=lineno)
            if nxt in _GETTEXT_ONLY_ESCAPES:
                raise CatalogError(f"escape \\{nxt} is valid gettext but polib would change it; "
                                   "write the character itself", path=path, lineno=lineno)
            raise CatalogError(f"invalid escape \\{nxt}", path=path, lineno=lineno)
    if quote < 0:
        raise CatalogError("unterminated string (no closing quote: truncated?)",
                           path=path, lineno=lineno)
    rest = line[quote + 1:]
    if rest.strip(" \t"):
        raise CatalogError(f"text after the closing quote: {rest.strip()[:30]!r}",
                           path=path, lineno=lineno)
    if "\\" in body:
        return _unescape(body)
    return body


def _unescape(body: str) -> str:
    r"""Unescape a validated string body in C-speed passes.

    Splitting on ``\\`` first pairs backslashes left to right, as a reader
    would; what remains are single escapes that cannot interact.

    >>> _unescape(r'a\\nb\n\"')
    'a\\nb\n"'
    """
    parts = body.split("\\\\")
    for i, part in enumerate(parts):
        if "\\" in part:
            for code, char in _POLIB_ESCAPES.items():
                if code != "\\":
                    part = part.replace("\\" + code, char)
            parts[i] = part
    return "\\".join(parts)


def scan_po(text: str, *, path: str | Path) -> list[RawEntry]:
    """Parse PO text into :class:`RawEntry` records; raise on the first syntax fault."""
    if not text.strip():
        raise CatalogError("empty file (no header, no entries): truncated?", path=path, lineno=1)
    m = _LINE_BREAKERS.search(text)
    if m:
        raise CatalogError(f"raw U+{ord(m.group()):04X} would be read as a line break by polib; "
                           "remove it or write it as an escape", path=path,
                           lineno=text.count("\n", 0, m.start()) + 1)
    entries: list[RawEntry] = []
    cur: RawEntry | None = None
    last: tuple[str, int | None] | None = None  # the keyword continuation lines extend
    flags: list[str] = []
    prev_field: str | None = None  # inside #| previous strings
    strings: dict[tuple[str, int | None], list[str]] = {}

    def close() -> None:
        nonlocal cur, last, strings
        if cur is not None:
            if not any(k[0] == "msgstr" for k in strings):
                raise CatalogError("entry has a msgid but no msgstr (truncated?)",
                                   path=path, lineno=cur.lineno)
            cur.msgctxt = "".join(strings[("msgctxt", None)]) if ("msgctxt", None) in strings else None
            cur.msgid = "".join(strings.get(("msgid", None), []))
            if ("msgid_plural", None) in strings:
                cur.msgid_plural = "".join(strings[("msgid_plural", None)])
            for (kw, idx), parts in strings.items():
                if kw == "msgstr":
                    cur.msgstr[idx] = "".join(parts)
            entries.append(cur)
        cur, last, strings = None, None, {}

    order = {"msgctxt": 0, "msgid": 1, "msgid_plural": 2, "msgstr": 3}
    for lineno, raw in enumerate(text.split("\n"), start=1):
        line = raw.lstrip(" \t")
        obsolete = False
        if line.startswith("#~"):
            obsolete = True
            line = line[2:].lstrip(" \t")
            if not line:
                continue
            if line.startswith("|"):  # obsolete previous string
                line = "#" + line
            elif not line.startswith("#") and not line.startswith(("msg", '"')):
                raise CatalogError(f"unexpected text in obsolete entry: {line[:40]!r}",
                                   path=path, lineno=lineno)
        if not line:
            prev_field = None
            continue
        if line.startswith("#"):
            if line.startswith("#|"):
                body = line[2:].lstrip(" \t")
                km = _KEYWORD.match(body)
                if km:
                    prev_field = km.group(1)
                    _unquote(body, km.end(), path, lineno)
                elif body.startswith('"') and prev_field:
                    _unquote(body, 0, path, lineno)
                else:
                    raise CatalogError(f"malformed previous-string line: {line[:40]!r}",
                                       path=path, lineno=lineno)
                continue
            if cur is not None and any(k[0] == "msgstr" for k in strings):
                close()
            if line.startswith("#,"):
                flags.extend(f.strip() for f in line[2:].split(",") if f.strip())
            continue
        km = _KEYWORD.match(line)
        if km:
            kw, idx = km.group(1), km.group(2)
            index = int(idx) if idx is not None else None
            if index is not None and kw != "msgstr":
                raise CatalogError(f"{kw} cannot take an index", path=path, lineno=lineno)
            value = _unquote(line, km.end(), path, lineno)
            has_str = any(k[0] == "msgstr" for k in strings)
            if cur is not None and kw in ("msgctxt", "msgid") and has_str:
                close()
            if cur is None:
                if kw not in ("msgctxt", "msgid"):
                    raise CatalogError(f"{kw} without a msgid before it", path=path, lineno=lineno)
                cur = RawEntry(lineno=lineno, flags=flags, obsolete=obsolete)
                flags = []
            else:
                last_kw = last[0] if last else "msgctxt"
                if order[kw] < order[last_kw] or (kw == last_kw and kw != "msgstr"):
                    raise CatalogError(f"{kw} out of order (after {last_kw})", path=path, lineno=lineno)
                if kw == "msgstr" and (kw, index) in strings:
                    label = "" if index is None else f"[{index}]"
                    raise CatalogError(f"msgstr{label} appears twice (missing msgid?)",
                                       path=path, lineno=lineno)
                if obsolete != cur.obsolete:
                    raise CatalogError("entry mixes obsolete (#~) and active lines",
                                       path=path, lineno=lineno)
            if kw == "msgstr" and not has_str:
                cur.msgstr_lineno = lineno
            last = (kw, index)
            strings[last] = [value]
            continue
        if line.startswith('"'):
            if cur is None or last is None:
                raise CatalogError("string outside an entry", path=path, lineno=lineno)
            if obsolete != cur.obsolete:
                raise CatalogError("entry mixes obsolete (#~) and active lines",
                                   path=path, lineno=lineno)
            strings[last].append(_unquote(line, 0, path, lineno))
            continue
        raise CatalogError(f"unexpected text: {line[:40]!r}", path=path, lineno=lineno)
    close()
    if not entries:
        raise CatalogError("no entries (not a PO file?)", path=path, lineno=1)
    return entries


# --------------------------------------------------------------------------- validation

def header_fields(entries: list[RawEntry]) -> dict[str, str]:
    """Return the header fields (``Key: value`` lines of the msgid "" entry)."""
    for e in entries:
        if e.is_header:
            fields = {}
            for line in e.msgstr.get(None, "").split("\n"):
                if ":" in line:
                    key, value = line.split(":", 1)
                    fields[key.strip()] = value.strip()
            return fields
    return {}


def plural_count(fields: dict[str, str]) -> int | None:
    """Return ``nplurals`` from the header fields (None when not declared).

    >>> plural_count({"Plural-Forms": "nplurals=6; plural=n==0 ? 0 : 5;"})
    6
    """
    m = _NPLURALS.search(fields.get("Plural-Forms", ""))
    return int(m.group(1)) if m else None


def validate_po_text(text: str, *, path: str | Path, faults_only: bool = False) -> list[PoProblem]:
    """Check what ``msgfmt -c`` checks; raise on faults that stop faithful reading.

    Returns the non-fatal problems (header fields, format directives,
    newlines) for the ``file`` check to report; with *faults_only* (a
    command that only reads the file, :func:`pipeline.catalog.load_catalog`)
    they are not looked for, and the answer is empty.
    """
    return validate_entries(scan_po(text, path=path), text, path=path, faults_only=faults_only)


def validate_entries(entries: list[RawEntry], text: str, *, path: str | Path,
                     faults_only: bool = False) -> list[PoProblem]:
    """Validate entries :func:`scan_po` read from *text* (see :func:`validate_po_text`)."""
    problems: list[PoProblem] = []
    header_entry = next((e for e in entries if e.is_header), None)
    fields = header_fields(entries)
    hline = header_entry.lineno if header_entry else 1
    nplurals = plural_count(fields)

    seen: dict[tuple[str | None, str], int] = {}
    has_plural = False
    for e in entries:
        if e.obsolete:
            continue
        key = (e.msgctxt, e.msgid)
        if key in seen:
            raise CatalogError(f"duplicate entry for msgid {_short(e.msgid)!r} "
                               f"(first at line {seen[key]})", path=path, lineno=e.lineno)
        seen[key] = e.lineno
        indexed = sorted(k for k in e.msgstr if k is not None)
        if e.msgid_plural is not None:
            has_plural = True
            if None in e.msgstr:
                raise CatalogError("entry has msgid_plural but a plain msgstr; use msgstr[0], "
                                   "msgstr[1] ...", path=path, lineno=e.msgstr_lineno)
            if indexed != list(range(len(indexed))):
                raise CatalogError(f"plural forms must be msgstr[0], msgstr[1] ... in order, "
                                   f"found {indexed}", path=path, lineno=e.msgstr_lineno)
            translated = any(e.msgstr.values())
            if nplurals is not None and len(indexed) != nplurals and translated:
                # Like msgfmt: untranslated entries do not count, a fuzzy one is a warning.
                if e.fuzzy:
                    problems.append(PoProblem(e.msgstr_lineno, "warning",
                                              f"fuzzy entry has {len(indexed)} plural forms, "
                                              f"nplurals={nplurals}", e.msgid))
                    continue
                raise CatalogError(f"entry has {len(indexed)} plural forms but the Plural-Forms "
                                   f"header declares nplurals={nplurals}",
                                   path=path, lineno=e.msgstr_lineno)
        elif indexed:
            raise CatalogError("msgstr[n] without msgid_plural", path=path, lineno=e.msgstr_lineno)
    if faults_only:  # every fault that raises is above; the rest is reported by `newsloc check`
        return []

    if header_entry is None:
        problems.append(PoProblem(1, "error", "no header entry (msgid \"\"): msgfmt -c refuses "
                                  "the file; `newsloc extract` restores it"))
    else:
        if header_entry.fuzzy:
            problems.append(PoProblem(hline, "warning", "the header is marked fuzzy"))
        for name, default in HEADER_FIELDS.items():
            if name not in fields:
                problems.append(PoProblem(hline, "warning", f"header field {name!r} missing"))
            elif default is not None and fields[name] == default:
                problems.append(PoProblem(hline, "warning",
                                          f"header field {name!r} still has the initial default value"))
        content_type = fields.get("Content-Type", "")
        if "Content-Type" in fields and "charset=" not in content_type:
            problems.append(PoProblem(hline, "warning", "no charset in the Content-Type header"))
        elif "charset=CHARSET" in content_type:
            problems.append(PoProblem(hline, "warning", "charset is still the placeholder CHARSET"))
    if "Plural-Forms" in fields:
        problems.extend(_plural_expression_problems(fields["Plural-Forms"], hline))
    elif has_plural:
        problems.append(PoProblem(hline, "error", "plural entries but no Plural-Forms header"))

    for e in entries:
        if e.obsolete or e.is_header or e.fuzzy:
            continue
        problems.extend(_newline_problems(e))
        problems.extend(_format_problems(e))
    if not text.endswith("\n"):
        problems.append(PoProblem(text.count("\n") + 1, "warning",
                                  "file does not end with a newline (truncated?)"))
    return problems


def _short(s: str, width: int = 50) -> str:
    return s if len(s) <= width else s[:width - 1] + "…"


@functools.lru_cache(maxsize=64)
def _plural_expression_problems(value: str, lineno: int) -> tuple[PoProblem, ...]:
    # Cached: a project's catalogues share a handful of expressions, and trying
    # one on n = 0..1000 costs more than reading a small catalogue.
    return tuple(_plural_expression_faults(value, lineno))


def _plural_expression_faults(value: str, lineno: int) -> list[PoProblem]:
    m = _NPLURALS.search(value)
    e = _PLURAL_EXPR.search(value.replace("nplurals", "_"))
    if not m or not e:
        return [PoProblem(lineno, "error", f"Plural-Forms is not 'nplurals=N; plural=EXPR;': {value!r}")]
    n = int(m.group(1))
    if n < 1:
        return [PoProblem(lineno, "error", f"nplurals={n} must be at least 1")]
    try:
        fn = gettext.c2py(e.group(1).strip())
    except (ValueError, SyntaxError, RecursionError):
        return [PoProblem(lineno, "error", f"invalid plural expression {e.group(1).strip()!r}")]
    for k in range(0, 1001):
        try:
            idx = fn(k)
        except (ZeroDivisionError, RecursionError, ValueError):
            return [PoProblem(lineno, "error", f"plural expression fails for n={k}")]
        if not 0 <= idx < n:
            return [PoProblem(lineno, "error",
                              f"plural expression gives form {idx} for n={k}, outside nplurals={n}")]
    return []


def _newline_problems(e: RawEntry) -> list[PoProblem]:
    out = []
    for idx, value in e.translations:
        if not value:
            continue
        source = e.msgid if idx in (None, 0) or e.msgid_plural is None else e.msgid_plural
        label = "msgstr" if idx is None else f"msgstr[{idx}]"
        for side, test in (("begin", str.startswith), ("end", str.endswith)):
            if test(source, "\n") != test(value, "\n"):
                out.append(PoProblem(e.lineno, "error",
                                     f"msgid and {label} do not both {side} with a newline", e.msgid))
    return out


def _format_problems(e: RawEntry) -> list[PoProblem]:
    out = []
    for flag, parse in FORMATS.items():
        if flag not in e.flags:
            continue
        want = parse(e.msgid)
        if e.msgid_plural is not None:
            want = {**want, **parse(e.msgid_plural)}
        for idx, value in e.translations:
            if not value:
                continue
            label = "msgstr" if idx is None else f"msgstr[{idx}]"
            got = parse(value)
            for key, kind in got.items():
                if key not in want:
                    out.append(PoProblem(e.lineno, "error", f"{flag}: {label} has directive "
                                         f"{arg_name(key)} that msgid does not have", e.msgid))
                elif want[key] != kind and "any" not in (kind, want[key]):
                    out.append(PoProblem(e.lineno, "error", f"{flag}: {label} formats {arg_name(key)} "
                                         f"as {kind}, msgid as {want[key]}", e.msgid))
            # A plural form may drop the number ("one file"); a singular translation may not.
            if idx is None:
                for key in want:
                    if key not in got:
                        out.append(PoProblem(e.lineno, "error", f"{flag}: {label} lacks directive "
                                             f"{arg_name(key)} of msgid", e.msgid))
    return out


def format_problems(problems: list[PoProblem], path: str | Path) -> list[str]:
    """Render problems as ``path:line: severity: message`` lines (for logs)."""
    return [f"{path}:{p.lineno}: {p.severity}: {p.message}" for p in problems]

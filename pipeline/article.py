"""Articles: the English source, read into a list of blocks that carry a role.

Two input forms are read:

* **Plain text** (``.txt``), as scraped from a news site or as in the BBC
  corpus: blocks are separated by blank lines. At the top, an optional block
  of short *section* labels (one per line, e.g. "Iraq News" / "Security"),
  then the *headline*, an optional *byline* ("By NAME in PLACE") and an
  optional publication *date* line. A block that ends with a bracketed credit
  ("... [Ahmad al-Rubaye/AFP]") is a photo *caption* followed by its *credit*;
  scrapes repeat the caption, and a repeat is kept once. Short lines without
  closing punctuation between paragraphs are *subheads*. A wire dateline
  ("BAGHDAD (AFP) -") opening the first paragraph becomes a *dateline* block.
  The site furniture at the end ("Do you like this article?",
  "0 Comment(s)", "Comment Policy ...") is dropped: it never reaches a
  translator.
* **Markdown with YAML front matter** (``.md``), the form editors write new
  articles in. Front-matter keys: ``title`` (required), ``section`` (string
  or list), ``byline``, ``dateline``, ``date`` (YYYY-MM-DD), and the photo as
  ``image: {caption: ..., credit: ...}`` (or ``caption``/``credit`` at the
  top level). In the body, ``## Heading`` lines are subheads and the other
  blank-line separated blocks are paragraphs.

Unreadable input (binary, undecodable, empty, no headline) raises
:class:`ArticleError` naming the file and, where known, the line.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import yaml

from .errors import ArticleError
from .fsutil import read_bytes

#: Roles a block can carry, in the order they usually appear.
ROLES = ("section", "headline", "byline", "dateline", "date", "caption",
         "credit", "subhead", "paragraph")

#: Roles whose text is one segment (never split into sentences).
WHOLE_ROLES = frozenset({"section", "headline", "byline", "dateline", "credit", "subhead"})

#: Roles that are metadata, not text to translate.
UNTRANSLATED_ROLES = frozenset({"date"})

# Site furniture that starts the tail of a scrape; it and everything after it
# are dropped. Anchored, whole-block patterns, so that a paragraph merely
# mentioning comments survives.
_FURNITURE = [re.compile(p, re.IGNORECASE) for p in (
    r"do you like this article\??",
    r"\d+\s+comment\(s\).*",
    r"comment policy\b.*",
    r"\*?\s*denotes required field.*",
    r"(share|share this article|related articles?|read more|advertisement)\s*:?",
)]

_CREDIT = re.compile(r"^(?P<caption>.*\S)\s*\[(?P<credit>[^\[\]]{2,120})\]\s*$", re.S)
_BYLINE = re.compile(r"^By\s+[A-Z\u00C0-\u024F][^\n]{1,150}$")
_DATELINE = re.compile(
    r"^(?P<dateline>[A-Z][A-Z'.-]+(?:[ -][A-Z][A-Z'.-]+)*"       # BAGHDAD, NEW YORK
    r"(?:,\s+[A-Z][a-z]+\.?(?:\s+\d{1,2})?)?"                      # , Iraq / , March 29
    r"(?:\s+\((?:[A-Za-z][A-Za-z .&-]{0,30})\))?)"                # (AFP)
    r"\s+(?:-|--|\u2013|\u2014)\s+(?=\S)"
)
_LINE_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f]")  # \x04 would split a msgid for msgfmt
_DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%B %d, %Y", "%d %b %Y", "%b %d, %Y")
_SENTENCE_END = tuple('.?!:;,"\u201d\u2019)…')
_MAX_SUBHEAD_WORDS = 10
_MAX_SECTION_WORDS = 4


@dataclass(frozen=True)
class Block:
    """One unit of an article: its role, its text and where it starts."""

    role: str
    text: str
    lineno: int

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")


@dataclass(frozen=True)
class Article:
    """An English article as the pipeline understands it."""

    path: Path
    blocks: tuple[Block, ...]
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def slug(self) -> str:
        return self.path.stem

    @property
    def headline(self) -> str:
        return next(b.text for b in self.blocks if b.role == "headline")

    @property
    def date(self) -> dt.date | None:
        value = self.meta.get("date")
        return value if isinstance(value, dt.date) else None

    def by_role(self, role: str) -> list[Block]:
        return [b for b in self.blocks if b.role == role]


def read_article(path: str | Path) -> Article:
    """Read an article file (``.txt`` scrape or ``.md`` with front matter)."""
    path = Path(path)
    text = _read_text(path)
    if path.suffix.lower() in (".md", ".markdown"):
        return _parse_markdown(path, text)
    return _parse_plain(path, text)


def parse_article(path: str | Path, text: str) -> Article:
    """Parse article *text* as if read from *path* (the suffix picks the form)."""
    path = Path(path)
    if not text.strip():
        raise ArticleError("empty article", path=path)
    if path.suffix.lower() in (".md", ".markdown"):
        return _parse_markdown(path, text)
    return _parse_plain(path, text)


def _read_text(path: Path) -> str:
    data = read_bytes(path, error=ArticleError)
    if b"\x00" in data[:8192]:
        raise ArticleError("binary file (NUL bytes), not an article", path=path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        lineno = data.count(b"\n", 0, exc.start) + 1
        raise ArticleError(f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})",
                           path=path, lineno=lineno) from exc
    if "\x00" in text:
        lineno = text.count("\n", 0, text.index("\x00")) + 1
        raise ArticleError("NUL character in text", path=path, lineno=lineno)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ArticleError("empty article", path=path)
    return text


def _raw_blocks(text: str, first_line: int = 1) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(lineno, lines)`` for each blank-line separated block."""
    lines: list[str] = []
    start = first_line
    for offset, line in enumerate(text.split("\n")):
        stripped = _clean(line)
        if stripped:
            if not lines:
                start = first_line + offset
            lines.append(stripped)
        elif lines:
            yield start, lines
            lines = []
    if lines:
        yield start, lines


def _clean(line: str) -> str:
    """Normalise one line: strip, collapse runs of blanks, drop invisible junk."""
    line = line.replace("\u00a0", " ").replace("\ufeff", "").replace("\u200b", "")
    # Characters other tools read as line breaks (polib, str.splitlines) become spaces.
    line = _CONTROLS.sub("", _LINE_BREAKS.sub(" ", line))
    return re.sub(r"[ \t]+", " ", line).strip()


def _is_furniture(text: str) -> bool:
    return any(p.fullmatch(text) for p in _FURNITURE)


def _looks_like_label(line: str) -> bool:
    return (len(line.split()) <= _MAX_SECTION_WORDS and not line.endswith(_SENTENCE_END)
            and line[:1].isupper())


def _looks_like_subhead(text: str) -> bool:
    words = text.split()
    return (1 <= len(words) <= _MAX_SUBHEAD_WORDS and text[:1].isupper()
            and not text.endswith(_SENTENCE_END) and "\n" not in text
            and not _CREDIT.match(text))


def _parse_date(text: str) -> dt.date | None:
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _parse_plain(path: Path, text: str) -> Article:
    raw = list(_raw_blocks(text))
    # Drop the furniture tail: the first furniture block and all after it.
    for i, (_, lines) in enumerate(raw):
        if _is_furniture(" ".join(lines)) or _is_furniture(lines[0]):
            raw = raw[:i]
            break
    if not raw:
        raise ArticleError("no headline: the article has no text before the site furniture",
                           path=path)
    blocks: list[Block] = []
    meta: dict[str, Any] = {}
    i = 0
    # Section labels: a first block of several short label lines, followed by more text.
    lineno, lines = raw[0]
    if len(raw) > 1 and len(lines) > 1 and all(_looks_like_label(x) for x in lines):
        blocks.extend(Block("section", line, lineno + k) for k, line in enumerate(lines))
        i = 1
    elif len(raw) > 2 and len(lines) == 1 and _looks_like_label(lines[0]) and \
            len(raw[1][1]) == 1 and not raw[1][1][0].endswith(_SENTENCE_END) and \
            len(raw[1][1][0].split()) > _MAX_SECTION_WORDS and not _BYLINE.match(raw[1][1][0]):
        # One short label line, then a longer headline line.
        blocks.append(Block("section", lines[0], lineno))
        i = 1
    # Headline: the next block, on one line (a multi-line first block is joined).
    lineno, lines = raw[i]
    headline = " ".join(lines)
    if len(headline) > 300:
        raise ArticleError("no headline: the first block is a paragraph, not a headline",
                           path=path, lineno=lineno)
    blocks.append(Block("headline", headline, lineno))
    i += 1
    seen_captions: set[str] = set()
    first_paragraph = True
    for lineno, lines in raw[i:]:
        body = " ".join(lines)
        if len(blocks) <= 4 and _BYLINE.match(body) and not blocks[-1].role == "paragraph" \
                and not any(b.role == "byline" for b in blocks):
            blocks.append(Block("byline", body, lineno))
            continue
        if "date" not in meta and first_paragraph and (date := _parse_date(body)):
            meta["date"] = date
            blocks.append(Block("date", body, lineno))
            continue
        match = _CREDIT.match(body)
        if match:
            key = body
            if key in seen_captions:
                continue  # scrapes repeat the photo caption: keep it once
            seen_captions.add(key)
            blocks.append(Block("caption", match["caption"], lineno))
            blocks.append(Block("credit", match["credit"].strip(), lineno))
            continue
        if not first_paragraph and _looks_like_subhead(body):
            blocks.append(Block("subhead", body, lineno))
            continue
        if first_paragraph and (dl := _DATELINE.match(body)):
            blocks.append(Block("dateline", dl["dateline"], lineno))
            body = body[dl.end():]
        blocks.append(Block("paragraph", body, lineno))
        first_paragraph = False
    return Article(path=path, blocks=tuple(blocks), meta=meta)


def _parse_markdown(path: Path, text: str) -> Article:
    front: dict[str, Any] = {}
    body_start = 1
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":
        try:
            end = next(k for k in range(1, len(lines)) if lines[k].strip() in ("---", "..."))
        except StopIteration:
            raise ArticleError("front matter opened with '---' is never closed",
                               path=path, lineno=1) from None
        try:
            loaded = yaml.safe_load("\n".join(lines[1:end])) or {}
        except (yaml.YAMLError, ValueError) as exc:  # ValueError: e.g. date: 2024-02-30
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 2 if mark is not None else 1
            problem = getattr(exc, "problem", None) or str(exc) or "invalid YAML"
            raise ArticleError(f"front matter: {problem}", path=path, lineno=line) from exc
        if not isinstance(loaded, dict):
            raise ArticleError("front matter must be a mapping of keys to values",
                               path=path, lineno=2)
        front = loaded
        body_start = end + 2
        body = "\n".join(lines[end + 1:])
    else:
        body = text
    blocks: list[Block] = []
    meta: dict[str, Any] = {}

    def line_of(key: str) -> int:
        for k, line in enumerate(lines[:body_start], start=1):
            if re.match(rf"\s*{re.escape(key)}\s*:", line):
                return k
        return 1

    sections = front.get("section") or front.get("sections") or []
    if isinstance(sections, str):
        sections = [sections]
    for label in sections:
        blocks.append(Block("section", _clean(str(label)), line_of("section")))

    title = front.get("title") or front.get("headline")
    raw = list(_raw_blocks(body, body_start))
    if not title:
        # A first "# Title" line in the body stands in for a missing title key.
        if raw and raw[0][1][0].startswith("# "):
            title = raw[0][1][0][2:]
            raw = raw[1:]
        else:
            raise ArticleError("no headline: front matter has no 'title' and the body "
                               "does not start with '# Title'", path=path, lineno=1)
    blocks.append(Block("headline", _clean(str(title)), line_of("title")))
    if front.get("byline"):
        blocks.append(Block("byline", _clean(str(front["byline"])), line_of("byline")))
    if front.get("dateline"):
        blocks.append(Block("dateline", _clean(str(front["dateline"])), line_of("dateline")))
    if front.get("date"):
        value = front["date"]
        if isinstance(value, dt.datetime):
            value = value.date()
        if not isinstance(value, dt.date):
            value = _parse_date(str(value))
            if value is None:
                raise ArticleError(f"date {front['date']!r} is not YYYY-MM-DD",
                                   path=path, lineno=line_of("date"))
        meta["date"] = value
        blocks.append(Block("date", value.isoformat(), line_of("date")))
    image = front.get("image") if isinstance(front.get("image"), dict) else {}
    caption = image.get("caption") or front.get("caption") or front.get("image_caption")
    credit = image.get("credit") or front.get("credit") or front.get("image_credit")
    if caption:
        blocks.append(Block("caption", _clean(str(caption)), line_of("caption")))
    if credit:
        blocks.append(Block("credit", _clean(str(credit)).strip("[]"), line_of("credit")))
    for k in ("author", "tags", "slug", "image"):
        if k in front:
            meta[k] = front[k]
    for lineno, block_lines in raw:
        first = block_lines[0]
        if re.match(r"#{1,6}\s", first) and len(block_lines) == 1:
            blocks.append(Block("subhead", first.lstrip("#").strip(), lineno))
            continue
        blocks.append(Block("paragraph", " ".join(block_lines), lineno))
    return Article(path=path, blocks=tuple(blocks), meta=meta)

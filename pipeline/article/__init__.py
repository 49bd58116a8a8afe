"""Articles: the English source, read into a list of blocks that carry a role.

Three input forms are read, picked by the file's suffix:

* **Plain text** (``.txt``), as scraped from a news site or as in the BBC
  corpus (:mod:`.plaintext`): blank-line separated blocks, section labels,
  headline, byline, date, captions with a bracketed credit, subheads, a wire
  dateline; the site furniture at the end is dropped.
* **Markdown with YAML front matter** (``.md``), the form editors write new
  articles in (:mod:`.markdown`): CommonMark with GFM tables and
  strikethrough; lists, quotes, tables, figures, code and HTML blocks.
* **HTML** (``.html``, ``.htm``), a CMS export fragment or a whole saved web
  page (:mod:`.html`): roles from the markup, site chrome dropped.

Blocks of Markdown and HTML articles carry their structure (:class:`Frame`)
and inline CommonMark text (:mod:`.inline`); see ``docs/articles.md``.

Unreadable input (binary, undecodable, empty, no headline, no content)
raises :class:`ArticleError` naming the file and, where known, the line.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from ..config import DEFAULT_LIMITS
from ..errors import ArticleError
from ..fsutil import read_bytes
from . import inline
from .model import ROLES, UNTRANSLATED_ROLES, WHOLE_ROLES, Article, Block, Frame
from .plaintext import parse_plain

__all__ = ["ROLES", "UNTRANSLATED_ROLES", "WHOLE_ROLES", "Article", "Block", "Frame", "inline",
           "parse_article", "read_article"]


#: Largest article file read by default, in bytes (``[tool.newsloc.limits] article_bytes``).
MAX_ARTICLE_BYTES = DEFAULT_LIMITS["article_bytes"]  # [tool.newsloc.limits] article_bytes


def read_article(path: str | Path, *, max_bytes: int = MAX_ARTICLE_BYTES) -> Article:
    """Read an article file (``.txt`` scrape, ``.md`` with front matter, ``.html``).

    A file larger than *max_bytes* is refused before it is read: a 50 MB
    single-line article once took 1.1 GB of memory to extract.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError:
        size = 0  # read_bytes names the problem
    if size > max_bytes:
        raise ArticleError(f"article of {size:,} bytes; the limit is {max_bytes:,} "
                           "([tool.newsloc.limits] article_bytes)", path=path)
    return _parse(path, _read_text(path))


def parse_article(path: str | Path, text: str) -> Article:
    """Parse article *text* as if read from *path* (the suffix picks the form)."""
    path = Path(path)
    if not text.strip():
        raise ArticleError("empty article", path=path)
    return _parse(path, text)


def _parse(path: Path, text: str) -> Article:
    suffix = path.suffix.lower()
    # The Markdown and HTML readers (and their parsers) load on first use.
    if suffix in (".md", ".markdown"):
        from .markdown import parse_markdown
        return parse_markdown(path, text)
    if suffix in (".html", ".htm"):
        from .html import parse_html
        return parse_html(path, text)
    return parse_plain(path, text)


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def _declared_charset(data: bytes) -> str | None:
    """The charset a page declares in a ``<meta>`` near its start, if Python knows it.

    >>> _declared_charset(b'<html><head><meta charset="windows-1252">')
    'cp1252'
    """
    m = _META_CHARSET.search(data[:4096])
    if m is None:
        return None
    try:
        return codecs.lookup(m.group(1).decode("ascii")).name
    except LookupError:
        return None


def _read_text(path: Path) -> str:
    data = read_bytes(path, error=ArticleError)
    if b"\x00" in data[:8192]:
        raise ArticleError("binary file (NUL bytes), not an article", path=path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        declared = _declared_charset(data) if path.suffix.lower() in (".html", ".htm") else None
        if declared is None:
            lineno = data.count(b"\n", 0, exc.start) + 1
            raise ArticleError(f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})",
                               path=path, lineno=lineno) from exc
        # A saved web page in the charset its <meta> declares (windows-1252, ISO-8859-1...).
        text = data.decode(declared, errors="replace")
    if "\x00" in text:
        lineno = text.count("\n", 0, text.index("\x00")) + 1
        raise ArticleError("NUL character in text", path=path, lineno=lineno)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ArticleError("empty article", path=path)
    return text


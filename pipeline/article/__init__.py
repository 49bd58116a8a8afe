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

from pathlib import Path

from ..errors import ArticleError
from ..fsutil import read_bytes
from .markdown import parse_markdown
from .model import ROLES, UNTRANSLATED_ROLES, WHOLE_ROLES, Article, Block
from .plaintext import parse_plain

__all__ = ["ROLES", "UNTRANSLATED_ROLES", "WHOLE_ROLES", "Article", "Block", "parse_article", "read_article"]


def read_article(path: str | Path) -> Article:
    """Read an article file (``.txt`` scrape or ``.md`` with front matter)."""
    path = Path(path)
    text = _read_text(path)
    if path.suffix.lower() in (".md", ".markdown"):
        return parse_markdown(path, text)
    return parse_plain(path, text)


def parse_article(path: str | Path, text: str) -> Article:
    """Parse article *text* as if read from *path* (the suffix picks the form)."""
    path = Path(path)
    if not text.strip():
        raise ArticleError("empty article", path=path)
    if path.suffix.lower() in (".md", ".markdown"):
        return parse_markdown(path, text)
    return parse_plain(path, text)


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


"""YAML front matter of Markdown articles: read safely, with the line of every problem.

``split_front_matter(path, text)`` returns ``(front, body, body_start, lines)``:
the mapping of keys, the body text after the closing ``---``, the body's
first line number, and the article's lines (to find the line of a key).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import ArticleError


def split_front_matter(path: Path, text: str) -> tuple[dict[str, Any], str, int, list[str]]:
    """Split *text* into its front matter (a mapping, ``{}`` if absent) and its body."""
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
    return front, body, body_start, lines

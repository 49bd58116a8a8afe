"""YAML front matter of Markdown articles: read safely, with the line of every problem.

``split_front_matter(path, text)`` returns ``(front, body, body_start, key_lines)``:
the mapping of keys, the body text after the closing ``---``, the body's
first line number, and the article's lines (to find the line of a key).

Front matter is written by people and by CMS exports, and read by a program
that turns it into msgids and editions, so it is held to a contract
(issue 13):

* **no aliases**: ``*name`` (and merge keys ``<<: *name``) are refused: a
  handful of nested aliases expands to gigabytes (the "billion laughs"),
  and an article has no use for them. Anchors alone are harmless.
* **a size cap**: :data:`MAX_FRONT_MATTER` characters.
* **every field the reader uses has its type**: ``title``/``headline``,
  ``byline``, ``dateline``, ``caption``, ``credit``, ``image_caption``,
  ``image_credit``, ``slug`` are text; ``section``/``sections``, ``author``,
  ``tags`` are text or a list of texts; ``date`` is a date (``YYYY-MM-DD``,
  checked by the reader); ``image`` is a mapping whose values are text
  (``caption``, ``credit``, ``src``, ``alt``...). A number, ``true`` or a
  list where text belongs would otherwise become a msgid (``"[1, 2]"``,
  ``"True"``); a wrong one is an :class:`ArticleError` naming the file, the
  line and the key. Other keys are the CMS's business and are ignored.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from ..errors import ArticleError

#: Longest front matter read, in characters (a long one is a mistake or an attack).
MAX_FRONT_MATTER = 64 * 1024

TEXT_KEYS = ("title", "headline", "byline", "dateline", "caption", "credit", "image_caption",
             "image_credit", "slug")
TEXT_OR_LIST_KEYS = ("section", "sections", "author", "tags")


class _NoAliasLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing aliases (and so merge keys) where they occur."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, f"aliases (*{event.anchor}) are not allowed in front matter",
                event.start_mark)
        return super().compose_node(parent, index)


def split_front_matter(path: Path, text: str) -> tuple[dict[str, Any], str, int, dict[str, int]]:
    """Split *text* into its front matter (a mapping, ``{}`` if absent) and its body."""
    front: dict[str, Any] = {}
    key_lines: dict[str, int] = {}
    body_start = 1
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":
        try:
            end = next(k for k in range(1, len(lines)) if lines[k].strip() in ("---", "..."))
        except StopIteration:
            raise ArticleError("front matter opened with '---' is never closed",
                               path=path, lineno=1) from None
        source = "\n".join(lines[1:end])
        if len(source) > MAX_FRONT_MATTER:
            raise ArticleError(f"front matter of {len(source):,} characters; the limit is "
                               f"{MAX_FRONT_MATTER:,}", path=path, lineno=1)
        loaded, key_lines = _load(path, source)
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, dict):
            raise ArticleError("front matter must be a mapping of keys to values",
                               path=path, lineno=2)
        _check_types(path, loaded, key_lines)
        front = loaded
        body_start = end + 2
        body = "\n".join(lines[end + 1:])
    else:
        body = text
    return front, body, body_start, key_lines


def _load(path: Path, source: str) -> tuple[Any, dict[str, int]]:
    """Load YAML *source* (aliases refused); return the value and the line of each top-level key."""
    loader = _NoAliasLoader(source)
    try:
        node = loader.get_single_node()
        value = loader.construct_document(node) if node is not None else None
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: e.g. date: 2024-02-30
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc) or "invalid YAML"
        raise ArticleError(f"front matter: {problem}", path=path, lineno=line) from exc
    finally:
        loader.dispose()
    key_lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key, child in node.value:
            if isinstance(key, yaml.ScalarNode):
                key_lines.setdefault(str(key.value), key.start_mark.line + 2)
                if isinstance(child, yaml.MappingNode):  # image: {caption: ...}
                    for sub, _ in child.value:
                        if isinstance(sub, yaml.ScalarNode):
                            key_lines.setdefault(f"{key.value}.{sub.value}", sub.start_mark.line + 2)
    return value, key_lines


def _kind(value: Any) -> str:
    """Name a YAML value's type for a message.

    >>> _kind(1984), _kind(True), _kind([1, 2]), _kind({"a": 1}), _kind(None)
    ('a number', 'true/false', 'a list', 'a mapping', 'nothing')
    """
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "nothing"
    if isinstance(value, (dt.date, dt.datetime)):
        return "a date"
    return type(value).__name__


def _check_types(path: Path, front: dict[str, Any], key_lines: dict[str, int]) -> None:
    """Raise ArticleError at the first field whose type is not what the reader expects."""

    def bad(key: str, expected: str, value: Any) -> ArticleError:
        hint = f' (put it in quotes: {key.rpartition(".")[2]}: "{value}")' \
            if isinstance(value, (int, float)) \
            and not isinstance(value, bool) else ""
        return ArticleError(f"front matter: {key}: expected {expected}, got {_kind(value)}{hint}",
                            path=path, lineno=key_lines.get(key, 2))

    for key in TEXT_KEYS:
        if key in front and front[key] is not None and not isinstance(front[key], str):
            raise bad(key, "text", front[key])
    for key in TEXT_OR_LIST_KEYS:
        value = front.get(key)
        if value is None or isinstance(value, str):
            continue
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise bad(key, "text or a list of texts", value if not isinstance(value, list)
                      else next(v for v in value if not isinstance(v, str)))
    if "date" in front and front["date"] is not None \
            and not isinstance(front["date"], (str, dt.date)):
        raise bad("date", "a date (YYYY-MM-DD)", front["date"])
    if "image" in front and front["image"] is not None:
        image = front["image"]
        if not isinstance(image, dict):
            raise bad("image", "a mapping (caption: ..., credit: ...)", image)
        for sub, value in image.items():
            if value is not None and not isinstance(value, str):
                raise bad(f"image.{sub}", "text", value)

"""A deterministic offline engine: pseudo-translation for tests and dry runs.

``fake`` needs no network and always gives the same answer: the target
code in brackets, then the text with every word outside a mask token
upper-cased and wrapped in ``‹ ›``. Mask tokens, digits and whitespace pass
through untouched, so the whole translate stage (masking, caching,
provenance, saving) can be exercised without a server::

    newsloc translate --engine fake --lang ar
"""

from __future__ import annotations

import re

from ...errors import EngineUnsupported
from .base import EngineOptions

_WORD = re.compile(r"\[X\d+X\]|[^\W\d_]+", re.UNICODE)


def pseudo_translate(text: str, target: str) -> str:
    """Return the fake translation of *text*.

    >>> pseudo_translate("Iraq has [X0X] soldiers", "ar")
    '[ar] ‹IRAQ› ‹HAS› [X0X] ‹SOLDIERS›'
    """
    def word(m: re.Match) -> str:
        w = m.group(0)
        return w if w.startswith("[X") else f"‹{w.upper()}›"
    return f"[{target}] " + _WORD.sub(word, text)


class FakeSession:
    def __init__(self, engine: "FakeEngine") -> None:
        self.engine = engine

    def translate(self, text: str, source: str, target: str) -> str | None:
        self.engine.calls += 1
        return pseudo_translate(text, target)


class FakeEngine:
    """Offline pseudo-translation (no requests, every language)."""

    name = "fake"
    max_chars = 5000
    concurrency = 2
    rate = 0.0
    local = True

    def __init__(self, name: str = "fake", options: EngineOptions | None = None) -> None:
        self.options = options or EngineOptions()
        self.calls = 0

    def check(self, source: str, target: str) -> None:
        if not target or target == source:
            raise EngineUnsupported(f"engine fake cannot translate {source!r} into {target!r}")

    def session(self) -> FakeSession:
        return FakeSession(self)

    def close(self) -> None:
        pass

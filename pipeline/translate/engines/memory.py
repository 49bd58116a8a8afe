"""The ``memory`` engine: the translation memory alone, offline.

``newsloc translate --engine memory`` pre-translates from the project's
reviewed catalogues and imported TMX (see :mod:`pipeline.memory`, run by the
translate stage as a pre-translator before any engine) and then sends
nothing: what the memory cannot serve stays untranslated for a later run
with a real engine. Nothing ever leaves the machine.
"""

from __future__ import annotations

from ...errors import EngineError
from .base import EngineOptions


class MemoryEngine:
    """An engine that never sends: the memory pre-translator did all it can."""

    name = "memory"
    max_chars = 1 << 30
    concurrency = 1
    rate = 0.0
    local = True
    sends = False  # the translate stage skips sending for this engine

    def __init__(self, name: str = "memory", options: EngineOptions | None = None) -> None:
        self.options = options or EngineOptions()

    def check(self, source: str, target: str) -> None:
        """Every pair is fine: the memory holds whatever languages it holds."""

    def session(self) -> "MemoryEngine":
        return self

    def translate(self, text: str, source: str, target: str) -> str | None:
        raise EngineError("not in the translation memory (the memory engine sends nothing)")

    def close(self) -> None:
        """Nothing to release."""

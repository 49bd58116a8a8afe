"""Machine-translation engines, by name.

:data:`ENGINES` maps an engine name (what ``--engine`` and
``[tool.newsloc.translate] engine`` accept) to a factory
``factory(name, options) -> Engine`` (see :mod:`.base` for the protocol).
Adding an engine is one line::

    ENGINES["memory"] = MemoryEngine      # a class taking (name, options)

deep-translator engines live in :mod:`.deep` (the only module importing
deep_translator), ``llm`` in :mod:`.llm` (the only module importing
openai); both are imported lazily so that ``fake`` and local engines work
without them.
"""

from __future__ import annotations

from typing import Callable

from ...errors import EngineError
from .base import (Engine, EngineOptions, FatalError, QuotaExceeded, Session, TransientError,
                   redact)
from .fake import FakeEngine
from .memory import MemoryEngine


def _deep(name: str, options: EngineOptions) -> Engine:
    from .deep import DeepEngine
    return DeepEngine(name, options)


def _llm(name: str, options: EngineOptions) -> Engine:
    from .llm import LLMEngine
    return LLMEngine(name, options)


#: name → factory(name, options) returning an :class:`~.base.Engine`.
ENGINES: dict[str, Callable[[str, EngineOptions], Engine]] = {
    "google": _deep,
    "microsoft": _deep,
    "libre": _deep,
    "mymemory": _deep,
    "deepl": _deep,
    "fake": FakeEngine,
    "memory": MemoryEngine,   # the translation memory alone, offline (pipeline.memory)
    "llm": _llm,              # a chat model on any OpenAI-compatible server, one request per article
}

#: Environment variable holding each engine's key.
KEY_VARIABLES = {
    "microsoft": "NEWSLOC_MICROSOFT_KEY",
    "deepl": "NEWSLOC_DEEPL_KEY",
    "libre": "NEWSLOC_LIBRE_API_KEY",
    "llm": "NEWSLOC_LLM_API_KEY",
}


def get_engine(name: str, options: EngineOptions | None = None) -> Engine:
    """Create the engine called *name*; raise EngineError for an unknown name."""
    factory = ENGINES.get(name)
    if factory is None:
        raise EngineError(f"unknown engine {name!r} (known: {', '.join(sorted(ENGINES))})")
    return factory(name, options or EngineOptions())


__all__ = ["ENGINES", "KEY_VARIABLES", "Engine", "EngineOptions", "FatalError", "QuotaExceeded",
           "Session", "TransientError", "get_engine", "redact"]

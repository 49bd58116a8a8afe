"""Machine translation and the translation memory: filling catalogues with suggestions for review.

The stage, in the order a text goes through it:

``run``          :func:`translate_project`: collect untranslated entries, ask the
                 pre-translation steps (the memory), then the engine; write fuzzy
                 suggestions with provenance, never over reviewed work.
``pretranslate`` the memory as a pre-translation step; ``memory``: its index and lookup;
                 ``units``: the translation unit; ``tmx`` / ``exchange``: TMX 1.4.
``protect``      masks (URLs, numbers, credits, glossary terms) before a request,
                 restored and verified after; ``glossary``: the desk's term lists.
``sender``       worker threads, rate limit, retries, validation of answers.
``cache``        the MT cache (SQLite), shared by articles and languages.
``engines``      one adapter per engine family (deep-translator lives only in ``engines/deep``).
"""

from __future__ import annotations

import importlib

#: Where each public name of the package lives. They load on first use: a command
#: that needs one part of the stage (status reads the MT cache) must not import the
#: whole stage (memory, catalogues, polib, rapidfuzz: 20 ms and more).
_HOMES = {"Summary": ".summary", "default_engine": ".options", "engine_options": ".options",
          "pretranslate_catalogs": ".run", "translate_project": ".run"}

__all__ = sorted(_HOMES)


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES[name], __name__), name)
    globals()[name] = value
    return value

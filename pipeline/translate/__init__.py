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

from .options import default_engine, engine_options
from .run import pretranslate_catalogs, translate_project
from .summary import Summary

__all__ = ["Summary", "default_engine", "engine_options", "pretranslate_catalogs", "translate_project"]

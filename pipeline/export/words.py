"""Edition words: the fixed words an edition prints around the article.

"By", "Photo:", "Published", the labels on unreviewed text, the index
title... are not in any article, so they live in a gettext catalogue of their
own per language, shipped with newsloc: ``pipeline/export/data/words/<lang>.po``
(read through :mod:`pipeline.catalog`, like every catalogue). Only reviewed
(non-fuzzy) entries are used.

Lookup falls back from the full locale to its language (``ar_IQ`` → ``ar``)
and finally to the English msgid, so an edition in a language without a words
catalogue still renders (a warning is logged once). Placeholders are
``str.format`` fields (``{name}``, ``{date}``, ``{credit}``); a translation
that breaks them falls back to English rather than failing an export.
"""

from __future__ import annotations

import functools
import logging
from importlib import resources

from ..catalog import load_catalog, translations
from ..locales import base_language

log = logging.getLogger(__name__)

#: The msgids every words catalogue should translate (English is the msgid itself).
WORDS = (
    "By {name}",
    "Photo: {credit}",
    "Published {date}",
    "Machine translation, not yet reviewed",
    "Source text, not yet translated",
    "Parts of this edition are not yet reviewed translations; they are marked.",
    "Articles",
    "All articles",
    "Translated from English",
    "No articles yet.",
    "Partial edition",
)


@functools.lru_cache(maxsize=None)
def _catalogue(lang: str) -> dict[str, str]:
    ref = resources.files("pipeline.export") / "data" / "words" / f"{lang}.po"
    if not ref.is_file():
        return {}
    with resources.as_file(ref) as path:
        return translations(load_catalog(path))


class Words:
    """The fixed words of one language; ``words("Photo: {credit}", credit=...)``."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        base = base_language(lang)
        self._table = {**_catalogue(base), **(_catalogue(lang) if lang != base else {})}
        if not self._table and base != "en":
            log.warning("no edition words for %s: editions use the English words", lang)

    def __call__(self, msgid: str, **fields: str) -> str:
        """Return *msgid* translated, with *fields* filled in.

        >>> Words("ar")("Photo: {credit}", credit="AFP")
        'الصورة: AFP'
        >>> Words("fr")("Articles")
        'Articles'
        """
        text = self._table.get(msgid, msgid)
        try:
            return text.format(**fields)
        except (KeyError, IndexError, ValueError):
            log.warning("edition word %r for %s has broken placeholders; using English",
                        msgid, self.lang)
            return msgid.format(**fields)


"""File-scope checks: what ``msgfmt -c`` verifies, plural forms, the Language header.
"""

from __future__ import annotations

from typing import Iterator

from ..catalog.validate import plural_count
from ..locales import plural_forms as cldr_plural_forms
from ..errors import PipelineError
from ..locales import base_language
from .registry import Document, Issue, known_language, register

# --------------------------------------------------------------------------- file checks

@register("file", "error", "file", scope="file")
def file(doc: Document) -> Iterator[Issue]:
    """What msgfmt -c verifies: syntax, escapes, duplicates, header fields, plural forms, formats.

    Faults that stop faithful reading end the check of the file with one
    error (see :mod:`pipeline.povalidate`); the rest are reported here with
    msgfmt's severity.
    """
    for p in doc.problems:
        yield Issue(p.message, p.lineno, p.msgid, p.severity)


@register("plural-forms", "error", "file", scope="file")
def plural_forms(doc: Document) -> Iterator[Issue]:
    """The header's nplurals is the language's (six for Arabic, two for Kurdish)."""
    if not known_language(doc.lang):
        return
    try:
        want = cldr_plural_forms(doc.lang)[0]
    except PipelineError:
        return
    have = plural_count(doc.fields)
    if have is None or have == want:
        return
    header = next((e for e in doc.entries if e.is_header), None)
    translated_plural = any(e.msgid_plural is not None and any(e.msgstr.values()) and not e.obsolete
                            for e in doc.entries)
    yield Issue(f"Plural-Forms declares nplurals={have}; {doc.lang} has {want} plural forms",
                header.msgstr_lineno if header else 1, "",
                None if translated_plural else "warning")


@register("language", "warning", "file", scope="file")
def language(doc: Document) -> Iterator[Issue]:
    """The Language header names the language the file is checked as."""
    declared = doc.fields.get("Language", "")
    if declared and known_language(doc.lang) and base_language(declared) != base_language(doc.lang):
        header = next((e for e in doc.entries if e.is_header), None)
        yield Issue(f"Language header says {declared!r}, checked as {doc.lang!r}",
                    header.msgstr_lineno if header else 1)

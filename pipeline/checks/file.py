"""File-scope checks: what ``msgfmt -c`` verifies, plural forms, the Language header.
"""

from __future__ import annotations

from typing import Iterator

from ..errors import PipelineError
from ..locales import PLURAL_SAMPLE, base_language, plural_forms_header, plural_meaning
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
    """The header's Plural-Forms means the language's: the same form for every count.

    Compared on the form chosen for n = 0..1000 (and a few large counts), so
    any spelling of the conventional formula passes (six forms for Arabic,
    two for Kurdish), and a formula with the right nplurals but forms in
    another order (babel's Arabic: forms 4 and 5 swapped) does not.
    """
    if not known_language(doc.lang):
        return
    try:
        wanted = plural_forms_header(doc.lang)
    except PipelineError:
        return
    want = plural_meaning(wanted)
    declared = doc.fields.get("Plural-Forms")
    if declared is None or want is None:
        return
    have = plural_meaning(declared)
    if have is None or have == want:
        return  # an unreadable formula is the "file" check's finding
    header = next((e for e in doc.entries if e.is_header), None)
    translated_plural = any(e.msgid_plural is not None and any(e.msgstr.values()) and not e.obsolete
                            for e in doc.entries)
    if have[0] != want[0]:
        message = f"Plural-Forms declares nplurals={have[0]}; {doc.lang} has {want[0]} plural forms"
    else:
        n, got, expected = next((n, a, b) for n, a, b in zip(PLURAL_SAMPLE, have[1], want[1]) if a != b)
        message = (f"Plural-Forms chooses form {got} for n={n} where {doc.lang} uses form {expected} "
                   f"(expected {wanted!r})")
    yield Issue(message, header.msgstr_lineno if header else 1, "",
                None if translated_plural else "warning")


@register("language", "warning", "file", scope="file")
def language(doc: Document) -> Iterator[Issue]:
    """The Language header names the language the file is checked as."""
    declared = doc.fields.get("Language", "")
    if declared and known_language(doc.lang) and base_language(declared) != base_language(doc.lang):
        header = next((e for e in doc.entries if e.is_header), None)
        yield Issue(f"Language header says {declared!r}, checked as {doc.lang!r}",
                    header.msgstr_lineno if header else 1)

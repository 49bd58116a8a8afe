"""A cache for polib's field formatting: the only code that touches polib's internals.

polib formats every field anew with textwrap, the costliest step of writing
a catalogue; the template and each language's catalogue hold the same
msgids, so a field's lines are computed once and reused. polib's function
depends on its arguments only (not on the entry), so the output is the same.

The cache is installed only where polib's private helper has the shape it
was written for (polib 1.2); any other polib keeps its own, slower but
correct, formatting, and ``tests/test_catalog_internals.py`` fails loudly so
that the change is seen.
"""

from __future__ import annotations

import functools
import inspect

import polib

#: The private helper this module caches, and the parameters it must take.
HELPER = getattr(getattr(polib, "_BaseEntry", None), "_str_field", None)
EXPECTED_PARAMETERS = ["self", "fieldname", "delflag", "plural_index", "field", "wrapwidth"]


@functools.lru_cache(maxsize=16384)
def _field_lines(fieldname: str, delflag: str, plural_index: str, field: str,
                 wrapwidth: int) -> tuple[str, ...]:
    return tuple(HELPER(None, fieldname, delflag, plural_index, field, wrapwidth))


def _str_field(self, fieldname, delflag, plural_index, field, wrapwidth=78):
    return list(_field_lines(fieldname, delflag, plural_index, field, wrapwidth))


def compatible() -> bool:
    """True when polib's private helper has the expected signature."""
    return HELPER is not None and list(inspect.signature(HELPER).parameters) == EXPECTED_PARAMETERS


def install() -> bool:
    """Install the cache into polib when compatible; return whether it was installed."""
    if not compatible():
        return False
    if polib._BaseEntry._str_field is not _str_field:
        polib._BaseEntry._str_field = _str_field
    return True

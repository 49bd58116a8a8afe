"""Quality checks that understand Arabic, Sorani and Kurmanji.

Checks are data producers: they return :class:`Finding` records and the CLI
decides the exit code. The package, in the order a check runs:

``registry``
    :data:`CHECKS`, :func:`register`, and the records checks see
    (:class:`Unit` for one translation, :class:`Document` for a file).
``numbers``, ``script``, ``punctuation``, ``protected``, ``safety``, ``hygiene``
    entry-scope checks, one module per group; ``file``: file-scope checks.
``runner``
    one catalogue: read it as every command does, run the checks on its
    reviewed entries (:func:`check_catalog`).
``project``
    many catalogues (:func:`run_checks`): the check manifest, the pool,
    then project-scope checks such as ``consistency``.

What is checked: reviewed (non-fuzzy, translated, active) entries, what
would be published. Checks registered with ``fuzzy=True`` (safety, engine
garbage) also look at fuzzy entries, since a reviewer's editor shows them.

Script awareness: digits are compared after mapping Arabic-Indic ٠-٩ and
Extended Arabic-Indic ۰-۹ to 0-9 and ٫ ٬ ٪ to . , %, with bidi marks
removed; ، ؛ ؟ count as , ; ? in ar and ckb; no capitalisation rule is
applied to Arabic script.

To add a check: write a function in the module of its group, decorate it
with :func:`register`, and give it a docstring whose first line is its title.
"""

from __future__ import annotations

from . import file, hygiene, inline, numbers, protected, punctuation, safety, script  # noqa: F401  (registers)
from . import consistency  # noqa: F401  (registers the project-scope check last)
from .numbers import numbers_in
from .project import (CatalogRef, CheckReport, check_project, has_errors, iter_checks, recorded_findings,
                      run_checks)
from .registry import (CHECKS, GROUPS, SEVERITIES, Check, Document, Finding, Issue, Unit, known_language, register,
                       render_finding)
from .runner import check_catalog, language_of, read_document, units_of
from ..textpatterns import normalise_digits

__all__ = ["CHECKS", "GROUPS", "SEVERITIES", "CatalogRef", "Check", "CheckReport", "Document", "Finding",
           "Issue", "Unit", "check_catalog", "check_project", "has_errors", "iter_checks", "known_language", "language_of",
           "normalise_digits", "numbers_in", "read_document", "recorded_findings", "register", "render_finding", "run_checks",
           "units_of"]

"""The check registry and the records checks work on.

A check is a small function registered in :data:`CHECKS` with a name, a
severity (``"error"`` fails ``newsloc check``; ``"warning"`` informs), a
group and a title (the first line of its docstring). Scopes:

``entry``   ``fn(unit: Unit) -> Iterable[str]``: one translation against its source.
``file``    ``fn(doc: Document) -> Iterable[Issue]``: the whole file.
``project`` ``fn(project, refs, cache) -> Iterable[Finding]``: across catalogues.
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from ..catalog.validate import RawEntry
from ..errors import PipelineError
from ..locales import parse_locale
from ..locales import script_of as locale_script
from ..textpatterns import short
from ..translate.glossary import Glossary

SEVERITIES = ("error", "warning")
GROUPS = ("file", "numbers", "script", "punctuation", "protected", "inline", "safety", "hygiene")


@dataclass(frozen=True)
class Finding:
    """One problem: where it is, which check found it, how bad it is."""

    path: str
    lineno: int | None
    msgid: str
    check: str
    severity: str  # "error" | "warning"
    message: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        return render_finding(self.path, self.lineno, self.msgid, self.check, self.severity, self.message)


def render_finding(path: str, lineno: int | None, msgid: str, check: str, severity: str, message: str) -> str:
    """One finding as ``newsloc check`` prints it: ``file:line: severity: check: message [entry]``."""
    where = f"{path}:{lineno}" if lineno else path
    if msgid:
        return f"{where}: {severity}: {check}: {message} [{short(msgid)}]"
    return f"{where}: {severity}: {check}: {message}"


@dataclass(frozen=True)
class Issue:
    """What a file-scope check yields: a message with its own line and severity."""

    message: str
    lineno: int | None = None
    msgid: str = ""
    severity: str | None = None  # None: the check's severity


@dataclass(frozen=True)
class Check:
    """A registered check."""

    name: str
    severity: str
    group: str
    scope: str
    func: Callable[..., Iterable[Any]]
    fuzzy: bool = False  # also runs on fuzzy entries

    @property
    def title(self) -> str:
        doc = (self.func.__doc__ or self.name).strip()
        return doc.split("\n\n")[0].replace("\n", " ")


#: Every check, by name (entry, file and project scope alike).
CHECKS: dict[str, Check] = {}


def register(name: str, severity: str, group: str, *, scope: str = "entry",
             fuzzy: bool = False) -> Callable[[Callable], Callable]:
    """Register a check function under *name* (decorator)."""
    if severity not in SEVERITIES:
        raise ValueError(f"severity must be one of {SEVERITIES}")
    if scope not in ("entry", "file", "project"):
        raise ValueError("scope must be entry, file or project")

    def wrap(func: Callable) -> Callable:
        CHECKS[name] = Check(name, severity, group, scope, func, fuzzy)
        return func
    return wrap


# --------------------------------------------------------------------------- data

@dataclass
class Unit:
    """One translation to check against its source."""

    source: str
    target: str
    lang: str
    entry: RawEntry
    form: int | None = None  # plural index, None for a singular msgstr
    glossary: Glossary | None = None
    sources: tuple[str, ...] = ()  # msgid and msgid_plural
    _terms: list[tuple[str, str]] | None = field(default=None, repr=False, compare=False)

    @property
    def terms(self) -> list[tuple[str, str]]:
        """The glossary's (term, rendering) pairs found in the source (computed once per unit)."""
        if self._terms is None:
            self._terms = self.glossary.find(self.source) if self.glossary is not None else []
        return self._terms

    @property
    def term_targets(self) -> list[str]:
        """The glossary renderings of the terms found in the source."""
        return [target for _term, target in self.terms]

    @property
    def script(self) -> str:
        return script_of(self.lang)

    @property
    def plural(self) -> bool:
        return self.entry.msgid_plural is not None


@dataclass
class Document:
    """A catalogue as the checks see it."""

    path: Path
    lang: str
    text: str
    entries: list[RawEntry]
    problems: list  # povalidate.PoProblem
    fields: dict[str, str] = field(default_factory=dict)
    catalog: Any = None  # the polib catalogue, as every other command reads the file


@functools.lru_cache(maxsize=64)
def script_of(lang: str) -> str:
    """The script of *lang* (``Arab``, ``Latn``...); Latin when babel does not know it."""
    try:
        return locale_script(lang)
    except PipelineError:
        return "Latn"



@functools.lru_cache(maxsize=64)
def known_language(lang: str | None) -> bool:
    """True when *lang* is a locale babel knows (``und`` and empty are not)."""
    if not lang or lang == "und":
        return False
    try:
        parse_locale(lang)
    except PipelineError:
        return False
    return True

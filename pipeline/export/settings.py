"""Export settings (``[tool.newsloc.export]``) and the publication policy.
"""

from __future__ import annotations

from dataclasses import dataclass, field


from ..config import Project
from ..errors import ConfigError, ExportError
from ..locales import (DIGITS, default_numbering_system, parse_locale)

# --------------------------------------------------------------------------- settings

FORMATS = ("html", "md", "txt")


@dataclass(frozen=True)
class ExportSettings:
    """The ``[tool.newsloc.export]`` table.

    ``formats``: which files to write (default all of html, md, txt).
    ``locale``: per language, the locale used for dates and numbers
    (e.g. ``{ar = "ar_IQ"}`` for Iraqi month names; default: the language).
    ``digits``: per language, the numbering system (``latn``, ``arab`` or
    ``arabext``; default: CLDR's default numbering system of that locale,
    i.e. ``arab`` for ar_IQ and ckb, ``latn`` for ar and ku).
    ``min_reviewed``: the default bar in percent (100).
    ``proof``: write proof pages (default true).
    """

    formats: tuple[str, ...] = FORMATS
    locale: dict[str, str] = field(default_factory=dict)
    digits: dict[str, str] = field(default_factory=dict)
    min_reviewed: float = 100.0
    proof: bool = True

    def locale_of(self, lang: str) -> str:
        return self.locale.get(lang, lang)

    def digits_of(self, lang: str) -> str:
        return self.digits.get(lang) or default_numbering_system(self.locale_of(lang))


def export_settings(project: Project) -> ExportSettings:
    """Read and validate ``[tool.newsloc.export]``; raise :class:`ConfigError` naming the file."""
    table = project.section("export")
    where = project.root / "pyproject.toml"

    def bad(message: str) -> ConfigError:
        return ConfigError(f"[tool.newsloc.export] {message}", path=where)

    formats = table.get("formats", list(FORMATS))
    if isinstance(formats, str):
        formats = [f.strip() for f in formats.split(",") if f.strip()]
    if not isinstance(formats, list) or not formats or any(f not in FORMATS for f in formats):
        raise bad(f"formats must be a list drawn from {', '.join(FORMATS)}")
    mappings = {}
    for key in ("locale", "digits"):
        value = table.get(key, {})
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise bad(f"{key} must be a table of language = \"value\"")
        mappings[key] = {k.replace("-", "_"): v.replace("-", "_") for k, v in value.items()}
    for code in mappings["locale"].values():
        parse_locale(code, path=where)
    for lang, system in mappings["digits"].items():
        if system not in DIGITS:
            raise bad(f"digits.{lang} = {system!r}: use one of {', '.join(sorted(DIGITS))}")
    min_reviewed = table.get("min_reviewed", 100)
    if not isinstance(min_reviewed, (int, float)) or not 0 <= min_reviewed <= 100:
        raise bad("min_reviewed must be a number from 0 to 100")
    proof = table.get("proof", True)
    if not isinstance(proof, bool):
        raise bad("proof must be true or false")
    return ExportSettings(formats=tuple(dict.fromkeys(formats)), locale=mappings["locale"],
                          digits=mappings["digits"], min_reviewed=float(min_reviewed), proof=proof)


@dataclass(frozen=True)
class Policy:
    """When an edition may be published, and what fills its unreviewed segments."""

    min_reviewed: float = 100.0
    machine: bool = False
    #: Publish an edition even when ``check`` finds an error in one of its reviewed
    #: entries (``--allow-check-errors``); the report marks each such edition.
    allow_check_errors: bool = False

    def __post_init__(self) -> None:
        if not 0 <= self.min_reviewed <= 100:
            raise ExportError(f"--min-reviewed must be 0..100, not {self.min_reviewed:g}")

"""Errors raised by the newsloc core.

Every failure the core reports to a user is a :class:`PipelineError`; the CLI
turns it into a one-line ``Error: ...`` message and exit code 1. Each error
carries the file (and line, where one is known) it is about, so the message
always names what to fix.

Hierarchy::

    PipelineError
     + ConfigError        bad [tool.newsloc] settings or project layout
     |  + SettingsError      a setting of the wrong type, range or name (exit 2)
     + ArticleError       an article that cannot be read or understood
     + CatalogError       a PO/POT file that cannot be read faithfully or written
     + LocaleError        a locale code babel does not know
     + EngineError        a machine-translation engine that failed or refused
     |  + EngineUnsupported  the engine cannot serve that language pair
     + ExportError        an edition that cannot be rendered or written
     + LockError          another newsloc run holds the project lock
"""

from __future__ import annotations

from pathlib import Path


class PipelineError(Exception):
    """Base class of every error the core reports to a user."""

    def __init__(self, message: str, *, path: str | Path | None = None,
                 lineno: int | None = None) -> None:
        self.message = message
        self.path = Path(path) if path is not None else None
        self.lineno = lineno
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = str(self.path)
        if self.lineno is not None:
            where += f":{self.lineno}"
        return f"{where}: {self.message}"


class ConfigError(PipelineError):
    """Bad project settings."""


class SettingsError(ConfigError):
    """A ``[tool.newsloc]`` setting the schema refuses (:mod:`pipeline.schema`); bad usage, exit 2."""


class ArticleError(PipelineError):
    """An article that cannot be read or has no usable structure."""


class CatalogError(PipelineError):
    """A catalogue that cannot be read faithfully, or cannot be written."""


class LocaleError(PipelineError):
    """A locale code that babel does not know."""


class EngineError(PipelineError):
    """A machine-translation engine failed."""


class EngineUnsupported(EngineError):
    """The engine cannot serve the requested language pair."""


class ExportError(PipelineError):
    """An edition that cannot be rendered or written."""


class LockError(PipelineError):
    """Another newsloc run holds the lock."""

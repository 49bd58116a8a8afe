"""The engine protocol: what the translate stage needs from a machine-translation service.

An *engine* turns one text (already masked by :mod:`pipeline.protect`, never
longer than :attr:`Engine.max_chars`) from the project's source language into
one target locale. It makes at most one request per call and never retries:
retries, concurrency, rate limits, caching and validation belong to
:mod:`pipeline.machine`, so every engine gets them for free.

Rules for an engine
    * ``check(source, target)`` raises :class:`~pipeline.errors.EngineUnsupported`
      when it cannot serve the pair, *before* any translation request.
    * ``translate`` raises :class:`TransientError` for what a retry may cure
      (HTTP 429, 5xx, timeouts, refused or dropped connections),
      :class:`FatalError` (or :class:`QuotaExceeded`) when every further request
      would fail the same way (refused key, quota used up: stop the run),
      and :class:`~pipeline.errors.EngineError` for anything else (a bad
      answer, a refused key). It may return ``None``: the caller treats it as
      a garbage answer.
    * A client object is not assumed to be thread-safe: ``translate`` is
      called on a *session* (:meth:`Engine.session`), and the translate stage
      opens one session per worker thread.
    * Keys and other secrets never appear in an exception message: engines
      pass them through :func:`redact`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from ...errors import EngineError


class TransientError(EngineError):
    """A failure a later retry may cure (429, 5xx, timeout, connection)."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        self.status = status
        super().__init__(message)


class FatalError(EngineError):
    """A failure that every further request would repeat (refused key, used-up quota): stop sending."""


class QuotaExceeded(FatalError):
    """The engine's account or free tier is used up: stop sending."""


@dataclass(frozen=True)
class EngineOptions:
    """Settings of one engine run, from the command line and ``[tool.newsloc.translate]``."""

    url: str | None = None            # service root (self-hosted LibreTranslate, proxies, tests)
    api_key: str | None = None
    region: str | None = None         # Microsoft resource region
    timeout: float = 30.0             # seconds per request
    concurrency: int | None = None    # parallel requests; None = the engine's default
    rate: float | None = None         # requests per second; None = the engine's default
    extra: dict = field(default_factory=dict)

    def secrets(self) -> list[str]:
        """Values that must never be shown."""
        return [s for s in (self.api_key,) if s]


@runtime_checkable
class Session(Protocol):
    """A per-thread client of an engine."""

    def translate(self, text: str, source: str, target: str) -> str | None:
        """Translate one masked text with exactly one request."""


@runtime_checkable
class Engine(Protocol):
    """A machine-translation service."""

    name: str
    max_chars: int          # longest text one request may carry
    concurrency: int        # default parallel requests
    rate: float             # default requests per second (0 = unlimited)
    local: bool             # True when nothing leaves the machine/building

    def check(self, source: str, target: str) -> None:
        """Raise EngineUnsupported if the pair cannot be served; no translation request."""

    def session(self) -> Session:
        """Return a new client for one worker thread."""

    def close(self) -> None:
        """Release what the engine holds (connections)."""


def redact(text: str, secrets: list[str] | tuple[str, ...]) -> str:
    """Replace every secret in *text* by ``***``.

    >>> redact("bad key abc123 in url?api_key=abc123", ["abc123"])
    'bad key *** in url?api_key=***'
    """
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


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

Two kinds of engine
    * **per-text** (every engine but ``llm``): ``session.translate(text,
      source, target)`` gets one masked text and returns one string;
    * **article-level** (``article_level = True``, the ``llm`` engine):
      ``session.translate_article(request, timeout=...)`` gets an
      :class:`ArticleRequest` (the masked, untranslated entries of one
      article and language, each with an opaque id, plus the article's
      context) and returns an :class:`ArticleAnswer` keyed by those ids.
      Items it could not give cleanly go in ``refused`` with a reason; the
      translate stage never matches an answer by position. Such an engine
      also names its cache key (``cache_engine``, ``cache_salt``), its
      provenance (``MT: <provenance> <date>``) and its request budget
      (``token_budget``, ``context_size``).
"""

from __future__ import annotations

import re

import logging
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from ...errors import EngineError
from ...redact import redact_urls, url_secrets


class TransientError(EngineError):
    """A failure a later retry may cure (429, 5xx, timeout, connection)."""

    def __init__(self, message: str, *, status: int | None = None,
                 retry_after: float | None = None) -> None:
        self.status = status
        self.retry_after = retry_after   # seconds the server asked to wait (429 Retry-After)
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
    timeout: float = 30.0             # seconds per request, all of it (connect, headers, body)
    concurrency: int | None = None    # parallel requests; None = the engine's default
    rate: float | None = None         # requests per second; None = the engine's default
    max_response_bytes: int = 4 << 20     # one answer, decompressed (a gzip bomb stops here)
    max_answer_ratio: float = 4.0         # answer length / source length (pipeline.translate.answer)
    extra: dict = field(default_factory=dict)
    model: str | None = None          # the llm engine's model (or Azure deployment) name

    def secrets(self) -> list[str]:
        """Values that must never be shown: the key, and credentials inside the URL."""
        return [s for s in (self.api_key, *url_secrets(self.url)) if s]


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
    """Replace every secret in *text* by ``***``, and the credentials of every URL in it.

    A secret shorter than :data:`SHORT_SECRET` characters is replaced only as
    a whole word: a one-letter key must not turn every "a" of a message into
    ``***``.

    >>> redact("bad key abc123 in url?api_key=abc123", ["abc123"])
    'bad key *** in url?api_key=***'
    >>> redact("key k1 refused; k1x and bk1 stay", ["k1"])
    'key *** refused; k1x and bk1 stay'
    >>> redact("cannot reach http://desk:pw@mt.local/", [])
    'cannot reach http://desk:***@mt.local/'
    """
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        if len(secret) >= SHORT_SECRET:
            text = text.replace(secret, "***")
        else:
            text = re.sub(rf"(?<![\w-]){re.escape(secret)}(?![\w-])", "***", text)
    return redact_urls(text)


#: Secrets shorter than this are only searched as whole words.
SHORT_SECRET = 8


# ---------------------------------------------------------------------------
# Article-level engines

@dataclass(frozen=True)
class Item:
    """One entry of an article-level request: an opaque id and the masked source."""

    id: str
    source: str
    note: str = ""     # the extractor's note for translators ("headline", "byline (keep the name...)")


@dataclass(frozen=True)
class Neighbour:
    """A sentence around the entries, sent as context only."""

    source: str
    translation: str | None = None   # the desk's reviewed translation, when there is one


@dataclass(frozen=True)
class ArticleContext:
    """What an article-level engine may read besides the entries."""

    slug: str
    headline: str = ""
    neighbours: tuple[Neighbour, ...] = ()
    glossary: tuple[tuple[str, str, str], ...] = ()   # (term, approved rendering, note)
    style: str = ""                                    # locales/<lang>/style.md


@dataclass(frozen=True)
class ArticleRequest:
    """The untranslated entries of one article (or one budget-sized part of it) in one language."""

    source: str
    target: str
    items: tuple[Item, ...]
    context: ArticleContext


@dataclass
class ArticleAnswer:
    """What one article-level request gave back, by item id."""

    texts: dict[str, str] = field(default_factory=dict)     # id → translation (still masked)
    refused: dict[str, str] = field(default_factory=dict)   # id → why no translation
    extra: list[str] = field(default_factory=list)          # ids answered that were not asked
    malformed: bool = False                                 # no usable answer at all
    tokens_in: int = 0
    tokens_out: int = 0


@runtime_checkable
class ArticleSession(Protocol):
    """A per-thread client of an article-level engine."""

    def translate_article(self, request: ArticleRequest, *, timeout: float | None = None
                          ) -> ArticleAnswer:
        """Translate the items of *request* with exactly one request."""


class RedactFilter(logging.Filter):
    """Remove secrets from urllib3's debug lines (they show full URLs)."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            message = redact(record.getMessage(), sorted(self.secrets))
            record.msg, record.args = message, ()
        return True


#: Installed on the HTTP libraries' loggers; engines add their keys to ``LOG_REDACTION.secrets``.
LOG_REDACTION = RedactFilter()
for _name in ("urllib3.connectionpool", "urllib3.util.retry", "requests"):
    logging.getLogger(_name).addFilter(LOG_REDACTION)

"""Sending texts to an engine: worker threads, rate limit, retries with backoff,
the circuit breaker, and validation of what comes back.

Each worker thread holds one engine session and takes :class:`Request`
items from a queue; results (:class:`Result`) go back on another queue in
whatever order they finish, and the orchestrator (:mod:`.dispatch`) applies them.
Texts longer than an engine's limit are cut at sentence, clause or word gaps
(:func:`split_text`) and joined back.
"""

from __future__ import annotations

import logging
import queue
import random
import re
import signal
import threading
import time
from dataclasses import dataclass

from ..errors import EngineError, PipelineError
from ..textpatterns import ARABIC_LETTER, LATIN_LETTER, strip_protected
from .engines import EngineOptions, FatalError, QuotaExceeded, TransientError
from .engines.base import ArticleAnswer, ArticleRequest, Engine
from .answer import CANNOT_CARRY, MAX_RATIO, NOT_TEXT, TOO_LONG, check_answer
from .protect import Masked, MaskError, restore

log = logging.getLogger(__name__)

BACKOFF_MAX = 10.0
RETRY_AFTER_MAX = 120.0      # longest Retry-After honoured; a request's deadline still applies
BREAKER = 5                  # consecutive failed texts (after retries) that stop the run
UNCHANGED_MIN_WORDS = 4      # an unchanged result this long is garbage, not a name
QUOTA_WARNING = re.compile(r"MYMEMORY WARNING|USED ALL AVAILABLE FREE TRANSLATIONS|"
                           r"QUERY LENGTH LIMIT EXCEEDED", re.IGNORECASE)


@dataclass
class Failure:
    """One text that could not be translated, and why."""

    lang: str
    text: str
    kind: str      # short reason: "HTTP 500", "lost placeholder", "timeout" ...
    detail: str


# ---------------------------------------------------------------------------
# Step 6: split

_SENTENCE_GAP = re.compile(r"(?<=[.!?\u2026\u061f])[\"'\u201d\u2019)\]]*\s+")
_CLAUSE_GAP = re.compile(r"(?<=[,;:\u2014\u2013\u060c\u061b])\s+")
_WORD_GAP = re.compile(r"\s+")


def split_text(text: str, limit: int) -> list[tuple[str, str]]:
    """Cut *text* into pieces of at most *limit* characters: (piece, whitespace after).

    Sentence boundaries first, then clauses, then words; joining the pieces
    with their whitespace gives the text back.

    >>> split_text("One two. Three four, five six.", 12)
    [('One two.', ' '), ('Three four,', ' '), ('five six.', '')]
    """
    if len(text) <= limit:
        return [(text, "")]
    for gap in (_SENTENCE_GAP, _CLAUSE_GAP, _WORD_GAP):
        parts: list[tuple[str, str]] = []
        pos = 0
        for m in gap.finditer(text):
            if m.start() == 0:
                continue
            piece_end = m.start() + len(m.group(0).rstrip())  # closing quotes stay with the piece
            parts.append((text[pos:piece_end], text[piece_end:m.end()]))
            pos = m.end()
        parts.append((text[pos:], ""))
        if len(parts) > 1:
            return _pack([p for part in parts for p in split_text(part[0], limit)[:-1]
                          + [(split_text(part[0], limit)[-1][0], part[1])]], limit)
    # one unbreakable run: hard cut
    return [(text[i:i + limit], "") for i in range(0, len(text), limit)]


def _pack(parts: list[tuple[str, str]], limit: int) -> list[tuple[str, str]]:
    """Join consecutive pieces while they fit (fewer requests)."""
    out: list[tuple[str, str]] = []
    for piece, gap in parts:
        if out and len(out[-1][0]) + len(out[-1][1]) + len(piece) <= limit:
            prev, prev_gap = out[-1]
            out[-1] = (prev + prev_gap + piece, gap)
        else:
            out.append((piece, gap))
    return out


# ---------------------------------------------------------------------------
# Steps 7-9: workers

@dataclass
class Request:
    lang: str
    source: str       # the piece of source text (cache key)
    masked: Masked


@dataclass
class Result:
    request: Request
    text: str | None = None
    failure: Failure | None = None
    attempts: int = 0
    chars: int = 0


class RateLimit:
    """At most *rate* request starts per second across all workers (0 = no limit)."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate if rate and rate > 0 else 0.0
        self.next = 0.0
        self.lock = threading.Lock()

    def wait(self, stop: threading.Event) -> None:
        if not self.interval:
            return
        with self.lock:
            now = time.monotonic()
            start = max(now, self.next)
            self.next = start + self.interval
        if start > now:
            stop.wait(start - now)


def wrong_script(text: str, script: str | None) -> str | None:
    """Why *text* is not written in *script* (``Arab``, ``Latn``), or None when it is.

    Masks, URLs and markup are left out; a few letters of the other script
    (a Latin acronym in Sorani, a name) are fine, a majority is not.

    >>> wrong_script("«ckb» IRAQ HAS [X0X] TROOPS", "Arab")
    'wrong script: Latin letters where Arabic script is expected'
    >>> wrong_script("سەربازانی K1", "Arab") is None, wrong_script("Kerkûk", "Latn") is None
    (True, True)
    """
    if script not in ("Arab", "Latn"):
        return None
    prose = strip_protected(text)
    arabic = len(ARABIC_LETTER.findall(prose))
    latin = len(LATIN_LETTER.findall(prose))
    if script == "Arab" and latin > arabic:
        return "wrong script: Latin letters where Arabic script is expected"
    if script == "Latn" and arabic > latin:
        return "wrong script: Arabic script where Latin letters are expected"
    return None


def validate(request: Request, result: object, *, script: str | None = None,
             max_ratio: float = MAX_RATIO) -> str:
    """Return the restored translation, or raise MaskError/QuotaExceeded/AnswerRefused for garbage.

    Every engine's answer passes through here, and first through
    :func:`~.answer.check_answer` (type, size, characters a catalogue cannot
    carry). With *script* (article-level engines, which are told the
    script), an answer mostly in the other script is refused too.
    """
    if result is None or (isinstance(result, str) and not result.strip()):
        raise MaskError("no translation in the answer")
    result = check_answer(result, request.masked.text, max_ratio=max_ratio)
    if QUOTA_WARNING.search(result):     # before the script: a quota warning in any script
        raise QuotaExceeded(f"the engine answered with a quota warning: {result.strip()[:80]}")
    problem = wrong_script(result, script)
    if problem:
        raise MaskError(problem)
    if result.strip() == request.masked.text.strip():
        words = re.findall(r"[^\W\d_]+", request.masked.text)
        if len(words) >= UNCHANGED_MIN_WORDS:
            raise MaskError("source returned unchanged")
    return restore(request.masked, result)


def failure_kind(message: str) -> str:
    m = re.search(r"HTTP \d+", message)
    if m:
        return m.group(0)
    for needle, kind in (("no answer within", "timeout"), ("no complete answer within", "timeout"),
                         ("connection refused", "connection refused"),
                         ("malformed JSON", "malformed answer"), ("unexpected answer", "malformed answer"),
                         ("lost placeholder", "lost placeholder"),
                         ("garbled placeholder", "garbled placeholder"),
                         ("broken span", "broken span"), ("broken markup", "broken span"),
                         ("unchanged", "source returned unchanged"),
                         ("no translation", "empty answer"), ("wrong script", "wrong script"),
                         ("deadline", "timeout"), (NOT_TEXT, "wrong type"),
                         (CANNOT_CARRY, "control character"), (TOO_LONG, "too long"),
                         ("connection", "connection error")):
        if needle in message:
            return kind
    return "engine error"


@dataclass
class ArticleWork:
    """One article-level request for the pool (planned by :mod:`.articles`)."""

    lang: str
    request: ArticleRequest
    chars: int                # characters of the entries sent


@dataclass
class ArticleResult:
    work: ArticleWork
    answer: ArticleAnswer | None = None
    failure: Failure | None = None
    attempts: int = 0
    chars: int = 0
    refused_all: bool = False     # set by the orchestrator: the answer parsed, every item refused


class Pool:
    """Worker threads, one engine session each, fed from a queue.

    The queue carries :class:`Request` items (one text, per-text engines)
    or :class:`ArticleWork` items (article-level engines); both get the same
    rate limit, retries with backoff (at least what a 429's ``Retry-After``
    asks, up to :data:`RETRY_AFTER_MAX`), breaker and stop handling. An
    article-level request also has a total deadline (``deadline`` setting,
    default twice the timeout) across its attempts and waits: each attempt
    gets the time that is left, and no retry starts past it.
    """

    def __init__(self, engine: Engine, source: str, options: EngineOptions,
                 retries: int, backoff: float) -> None:
        self.engine = engine
        self.source = source
        self.todo: queue.Queue[Request | None] = queue.Queue()
        self.done: queue.Queue[Result] = queue.Queue()
        self.stop = threading.Event()
        self.stop_reason: str | None = None
        self.retries = retries
        self.backoff = backoff
        self.max_ratio = options.max_answer_ratio
        self.timeout = options.timeout
        self.deadline = float(options.extra.get("deadline") or 2 * options.timeout)
        self.limit = RateLimit(options.rate if options.rate is not None else engine.rate)
        n = options.concurrency or engine.concurrency
        self.lock = threading.Lock()
        self.failing = 0
        self.threads = [threading.Thread(target=self._work, name=f"newsloc-mt-{i}", daemon=True)
                        for i in range(max(1, n))]

    def start(self) -> None:
        for t in self.threads:
            t.start()

    def halt(self, reason: str) -> None:
        with self.lock:
            if self.stop_reason is None:
                self.stop_reason = reason
        self.stop.set()

    def close(self) -> None:
        self.stop.set()
        for _ in self.threads:
            self.todo.put(None)

    def _work(self) -> None:
        try:
            session = self.engine.session()
        except Exception as exc:  # noqa: BLE001 - a worker never dies silently
            self.halt(str(exc) if isinstance(exc, PipelineError)
                      else f"cannot open an engine session ({type(exc).__name__})")
            session = None
        while True:
            request = self.todo.get()
            if request is None:
                return
            if isinstance(request, ArticleWork):
                if self.stop.is_set() or session is None:
                    self.done.put(ArticleResult(request, failure=Failure(
                        request.lang, "", "not sent", self.stop_reason or "stopped")))
                    continue
                try:
                    self.done.put(self._run_article(session, request))
                except Exception as exc:  # noqa: BLE001 - as below: counted, never a hang
                    log.debug("engine worker error", exc_info=True)
                    message = f"{type(exc).__name__} in the {self.engine.name} client"
                    self._count_failure(message)
                    self.done.put(ArticleResult(request, failure=Failure(
                        request.lang, "", "engine error", message), attempts=1))
                continue
            if self.stop.is_set() or session is None:
                self.done.put(Result(request, failure=Failure(
                    request.lang, request.source, "not sent", self.stop_reason or "stopped")))
                continue
            try:
                result = self._run(session, request)
            except Exception as exc:  # noqa: BLE001 - a client's surprise is a counted failure, never a hang
                log.debug("engine worker error", exc_info=True)
                message = f"{type(exc).__name__} in the {self.engine.name} client"
                result = Result(request, failure=Failure(request.lang, request.source,
                                                         "engine error", message), attempts=1)
                self._count_failure(message)
            self.done.put(result)

    def _delay(self, exc: TransientError, attempt: int) -> float:
        """Seconds before retry number *attempt* + 1: backoff, or the server's Retry-After."""
        delay = min(BACKOFF_MAX, self.backoff * (2 ** attempt)) * random.uniform(0.8, 1.2)
        asked = getattr(exc, "retry_after", None)
        if asked is not None:
            delay = max(delay, min(float(asked), RETRY_AFTER_MAX))
        return delay

    def _run_article(self, session, work: ArticleWork) -> ArticleResult:
        result = ArticleResult(work)
        started = time.monotonic()
        attempt = 0
        what = f"{len(work.request.items)} entries of {work.request.context.slug}"
        while True:
            self.limit.wait(self.stop)
            if self.stop.is_set():
                result.failure = Failure(work.lang, what, "not sent", self.stop_reason or "stopped")
                return result
            left = self.deadline - (time.monotonic() - started)
            if left <= 0:
                result.failure = Failure(work.lang, what, "timeout",
                                         f"deadline of {self.deadline:g}s passed "
                                         f"(after {result.attempts} attempts)")
                self._count_failure("deadline passed")
                return result
            result.attempts += 1
            result.chars += work.chars
            try:
                answer = session.translate_article(work.request, timeout=min(self.timeout, left))
                result.answer = answer
                quota = next((t for t in answer.texts.values()
                              if isinstance(t, str) and QUOTA_WARNING.search(t)), None)
                if quota is not None:  # stop here, as _run does: no further request is sent
                    self.halt(f"the engine answered with a quota warning: {quota.strip()[:80]}")
                elif answer.malformed:
                    self._count_failure("malformed answer")
                # A parsed answer resets the breaker in judge(), once its items are
                # checked: resetting here, before that, kept refused answers from adding up.
                return result
            except TransientError as exc:
                delay = self._delay(exc, attempt)
                late = time.monotonic() - started + delay >= self.deadline
                if attempt < self.retries and not self.stop.is_set() and not late:
                    self.stop.wait(delay)
                    attempt += 1
                    continue
                why = " (the deadline leaves no time to retry)" if late and attempt < self.retries else ""
                result.failure = Failure(work.lang, what, failure_kind(str(exc)),
                                         f"{exc} (after {result.attempts} attempts){why}")
                self._count_failure(str(exc))
                return result
            except FatalError as exc:
                result.failure = Failure(work.lang, what, "stopped", str(exc))
                self.halt(str(exc))
                return result
            except EngineError as exc:
                message = str(exc)
                result.failure = Failure(work.lang, what, failure_kind(message), message)
                self._count_failure(message)
                return result

    def _run(self, session, request: Request) -> Result:
        result = Result(request)
        attempt = 0
        while True:
            self.limit.wait(self.stop)
            if self.stop.is_set():
                result.failure = Failure(request.lang, request.source, "not sent",
                                         self.stop_reason or "stopped")
                return result
            result.attempts += 1
            result.chars += len(request.masked.text)
            try:
                answer = session.translate(request.masked.text, self.source, request.lang)
                result.text = validate(request, answer, max_ratio=self.max_ratio)
                with self.lock:
                    self.failing = 0
                return result
            except TransientError as exc:
                if attempt < self.retries and not self.stop.is_set():
                    self.stop.wait(self._delay(exc, attempt))
                    attempt += 1
                    continue
                result.failure = Failure(request.lang, request.source, failure_kind(str(exc)),
                                         f"{exc} (after {result.attempts} attempts)")
                self._count_failure(str(exc))
                return result
            except FatalError as exc:
                result.failure = Failure(request.lang, request.source, "stopped", str(exc))
                self.halt(str(exc))
                return result
            except (EngineError, MaskError) as exc:
                message = str(exc)
                result.failure = Failure(request.lang, request.source, failure_kind(message), message)
                self._count_failure(message)
                return result

    def judge(self, result: ArticleResult) -> None:
        """Count an article answer whose every item was refused toward the breaker, as :meth:`_run` does.

        Its items are checked in the orchestrator (that needs the request's
        masks); an answer with an item accepted resets the count.
        """
        if result.refused_all:
            self._count_failure("every item of the answer refused")
        elif result.failure is None and result.answer is not None and not result.answer.malformed:
            with self.lock:
                self.failing = 0

    def _count_failure(self, message: str) -> None:
        with self.lock:
            self.failing += 1
            failing = self.failing
        if failing >= BREAKER:
            self.halt(f"engine keeps failing ({failing} texts in a row): {message}")


# ---------------------------------------------------------------------------
# Step 10: write


class DeferredInterrupt:
    """Turn Ctrl-C into a request the translate loop honours between two results.

    A KeyboardInterrupt raised at an arbitrary point could land between
    caching a result and queueing it for the catalogue, leaving a received
    suggestion only in the cache. With this handler the loop stops at a clean
    point and saves everything received. A second Ctrl-C interrupts at once.
    Only installed in the main thread (signal handlers cannot be set elsewhere).
    """

    def __init__(self) -> None:
        self.requested = False
        self.previous = None

    def install(self) -> None:
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGINT, self._handle)

    def uninstall(self) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)
            self.previous = None

    def _handle(self, signum, frame) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True

    def check(self) -> None:
        if self.requested:
            raise KeyboardInterrupt

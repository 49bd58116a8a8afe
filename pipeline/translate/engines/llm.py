"""The ``llm`` engine: a chat model on any OpenAI-compatible server, one request per article.

The only module that imports ``openai`` (the maintained client, 1.x and
later). It works the same way with OpenAI itself, Azure OpenAI and the
servers desks run in-house (vLLM, llama.cpp's ``llama-server``, Ollama,
LocalAI): ``--url`` is the client's ``base_url`` (``http://host:8000/v1``),
``--model`` the model (or Azure deployment) name, and the key comes from
``NEWSLOC_LLM_API_KEY`` (a self-hosted server without keys gets a dummy).

Unlike the per-sentence engines, it is **article-level**
(``article_level = True``): a session receives an
:class:`~.base.ArticleRequest` (the masked, untranslated entries of one
article and language, with the article's context) and returns an
:class:`~.base.ArticleAnswer` matched by id. The wire contract (messages,
answer shape, tolerance) is in :mod:`.prompt` and docs/llm.md.

The answer's body is read as it arrives (the client's
``with_streaming_response``, still one ordinary non-streamed completion):
a request that has not *finished* within its time is abandoned even if the
server keeps trickling bytes, and a body larger than
``max_response_bytes`` (decompressed) is refused.

As for every engine, one call is exactly one HTTP request: the client's own
retries are switched off (``max_retries=0``) because retries, backoff,
``Retry-After``, rate limits, deadlines and validation belong to the
translate stage. Errors are classified here:

* 429, 408, 409 and 5xx, timeouts, refused or dropped connections →
  :class:`~.base.TransientError` (a 429's ``Retry-After`` travels with it);
* 401 and 403 (key refused), 404 (wrong ``--url`` or ``--model``) →
  :class:`~.base.FatalError`: every further request would fail the same way;
* a 400 that names ``response_format`` → the request is sent again once
  without the JSON schema, and the session stops asking for it (older
  servers); the answer is validated the same way either way;
* an answer with no usable JSON → :class:`~pipeline.errors.EngineError`
  (every entry of that request counted as failed, none written).
"""

from __future__ import annotations

import ipaddress
import json
import logging
import threading
import time
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import openai

from ...errors import ConfigError, EngineError
from .base import (ArticleAnswer, ArticleRequest, EngineOptions, FatalError, TransientError,
                   redact)
from .prompt import PROMPT_VERSION, AnswerError, build_messages, parse_answer, response_format

log = logging.getLogger(__name__)

#: Settings of ``[tool.newsloc.translate.llm]`` and their defaults.
DEFAULTS = {
    "temperature": 0.0,        # translation, not creative writing
    "max_tokens": None,        # answer cap per request; None = the server's default
    "token_budget": 3000,      # estimated source tokens of entries per request
    "context": 2,              # neighbouring entries (each side) sent as context
    "response_format": "json_schema",   # or "json_object", or "none"
    "api_version": None,       # Azure OpenAI's api-version (then --url is the resource endpoint)
}
RESPONSE_FORMATS = ("json_schema", "json_object", "none")
DUMMY_KEY = "newsloc-no-key"   # self-hosted servers want some bearer token, or none


def _is_local(url: str | None) -> bool:
    """True when *url* points at this machine or a private network (embargoed copy stays in).

    >>> _is_local("http://127.0.0.1:8000/v1"), _is_local("https://api.openai.com/v1")
    (True, False)
    """
    if not url:
        return False
    host = urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".local") or host.endswith(".internal"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_private or address.is_loopback


def retry_after(headers) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (a number or an HTTP date), or None.

    >>> retry_after({"retry-after": "2"}), retry_after({})
    (2.0, None)
    """
    value = (headers or {}).get("retry-after") if headers is not None else None
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


class LLMEngine:
    """A chat-completions server translating whole articles."""

    name = "llm"
    article_level = True
    max_chars = 1 << 20        # pieces are never cut for this engine: the batch is
    concurrency = 4
    rate = 0.0

    def __init__(self, name: str = "llm", options: EngineOptions | None = None) -> None:
        self.options = options or EngineOptions()
        extra = self.options.extra
        self.model = str(self.options.model or extra.get("model") or "")
        if not self.model:
            raise ConfigError("engine llm needs a model: --model NAME or "
                              "[tool.newsloc.translate.llm] model = \"...\"")
        if not self.options.url and not self.options.api_key:
            raise ConfigError("engine llm needs --url (a self-hosted server, e.g. "
                              "http://localhost:8000/v1) or NEWSLOC_LLM_API_KEY (OpenAI)")
        self.settings = {key: extra.get(key, default) for key, default in DEFAULTS.items()}
        if self.settings["response_format"] not in RESPONSE_FORMATS:
            raise ConfigError(f"[tool.newsloc.translate.llm] response_format must be one of "
                              f"{', '.join(RESPONSE_FORMATS)}")
        self.local = _is_local(self.options.url)
        self.schema = self.settings["response_format"]
        self._schema_lock = threading.Lock()

    # what the translate stage asks of an article-level engine
    @property
    def cache_engine(self) -> str:
        """The engine column of the MT cache: the model is part of the key."""
        return f"llm {self.model}"

    @property
    def cache_salt(self) -> str:
        """Added to the cache fingerprint: a new prompt version is a new key."""
        return f"prompt:{PROMPT_VERSION}"

    @property
    def provenance(self) -> str:
        """What follows ``MT:`` in the entries written: ``llm <model>``."""
        return f"llm {self.model}"

    @property
    def token_budget(self) -> int:
        return int(self.settings["token_budget"])

    @property
    def context_size(self) -> int:
        return int(self.settings["context"])

    def check(self, source: str, target: str) -> None:
        """A chat model takes any pair; nothing to ask the server before translating."""

    def session(self) -> "LLMSession":
        return LLMSession(self)

    def close(self) -> None:
        pass

    def _client(self):
        key = self.options.api_key or DUMMY_KEY
        timeout = self.options.timeout
        if self.settings["api_version"]:
            return openai.AzureOpenAI(azure_endpoint=self.options.url, api_key=key,
                                      api_version=str(self.settings["api_version"]),
                                      timeout=timeout, max_retries=0)
        return openai.OpenAI(base_url=self.options.url or None, api_key=key, timeout=timeout,
                             max_retries=0)

    def _drop_schema(self) -> None:
        with self._schema_lock:
            if self.schema != "none":
                log.warning("the llm server refused response_format %s: asking for plain JSON "
                            "from now on (set response_format = \"none\" to skip this)",
                            self.schema)
                self.schema = "none"


class LLMSession:
    """One client (one worker thread)."""

    def __init__(self, engine: LLMEngine) -> None:
        self.engine = engine
        self.client = engine._client()

    def _where(self) -> str:
        url = self.engine.options.url or "https://api.openai.com/v1"
        parts = urlsplit(url)
        return f"llm server {parts.scheme}://{parts.hostname}" + \
            (f":{parts.port}" if parts.port else "")

    def _secrets(self) -> list[str]:
        return self.engine.options.secrets()

    def translate_article(self, request: ArticleRequest, *, timeout: float | None = None
                          ) -> ArticleAnswer:
        """Send one request for the entries of *request*; return the answer matched by id."""
        engine = self.engine
        kwargs = {"model": engine.model,
                  "messages": build_messages(request)}
        if engine.settings["temperature"] is not None:
            kwargs["temperature"] = float(engine.settings["temperature"])
        if engine.settings["max_tokens"]:
            kwargs["max_tokens"] = int(engine.settings["max_tokens"])
        schema = engine.schema
        if schema == "json_schema":
            kwargs["response_format"] = response_format()
        elif schema == "json_object":
            kwargs["response_format"] = {"type": "json_object"}
        limit = float(timeout if timeout is not None else engine.options.timeout)
        kwargs["timeout"] = limit
        started = time.monotonic()
        try:
            with self.client.chat.completions.with_streaming_response.create(**kwargs) as response:
                body = self._read(response, started, limit)
        except openai.APIStatusError as exc:
            if exc.status_code == 400 and "response_format" in kwargs and \
                    "response_format" in str(exc.message) + str(getattr(exc, "body", "")):
                engine._drop_schema()
                raise TransientError(f"{self._where()}: HTTP 400 (response_format refused)",
                                     status=400, retry_after=0.0) from None
            raise self._status_error(exc) from None
        except openai.APITimeoutError:
            raise TransientError(f"{self._where()}: no answer within {limit:g}s") from None
        except openai.APIConnectionError as exc:
            cause = exc.__cause__ or exc
            text = redact(str(cause), self._secrets())
            what = "connection refused" if "refused" in text.lower() else f"connection error ({text[:120]})"
            raise TransientError(f"cannot reach {self._where()}: {what}") from None
        except openai.OpenAIError as exc:
            raise EngineError(f"{self._where()}: {redact(str(exc), self._secrets())[:200]}") from None
        return self._answer(body, request)

    def _read(self, response, started: float, limit: float) -> bytes:
        """The body as it arrives, abandoned past *limit* seconds or ``max_response_bytes``."""
        cap = int(self.engine.options.max_response_bytes)
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > cap:
                raise EngineError(f"{self._where()}: answer larger than {cap:,} bytes: refused")
            if time.monotonic() - started > limit:
                raise TransientError(f"{self._where()}: no complete answer within {limit:g}s")
        return bytes(body)

    def _status_error(self, exc: "openai.APIStatusError") -> Exception:
        status = exc.status_code
        where = self._where()
        detail = redact(str(getattr(exc, "message", "") or ""), self._secrets())[:160]
        if status == 429 or status in (408, 409) or status >= 500:
            return TransientError(f"{where}: HTTP {status}", status=status,
                                  retry_after=retry_after(exc.response.headers))
        if status in (401, 403):
            return FatalError(f"{where}: HTTP {status}: the key was refused "
                              "(NEWSLOC_LLM_API_KEY)")
        if status == 404:
            return FatalError(f"{where}: HTTP 404: no such model {self.engine.model!r} or wrong "
                              f"--url (it must end where /chat/completions starts, e.g. /v1)")
        return EngineError(f"{where}: HTTP {status}: {detail}")

    def _max_chars(self, request: ArticleRequest) -> int:
        """The longest answer content worth reading: every item at ``max_answer_ratio``, plus JSON."""
        ratio = self.engine.options.max_answer_ratio
        return int(sum(ratio * len(item.source) + 200 for item in request.items)) + 1000

    def _answer(self, body: bytes, request: ArticleRequest) -> ArticleAnswer:
        """Match the completion in *body* to the request's ids (see :func:`.prompt.parse_answer`)."""
        answer = ArticleAnswer()
        try:
            data = json.loads(body)
        except ValueError:
            raise EngineError(f"{self._where()}: unexpected answer (not JSON)") from None
        if not isinstance(data, dict):
            raise EngineError(f"{self._where()}: unexpected answer (not a completion)")
        usage = data.get("usage")
        if isinstance(usage, dict):
            answer.tokens_in = _count(usage.get("prompt_tokens"))
            answer.tokens_out = _count(usage.get("completion_tokens"))
        choices = data.get("choices")
        choice = choices[0] if isinstance(choices, list) and choices else None
        message = choice.get("message") if isinstance(choice, dict) else None
        if not isinstance(message, dict):
            raise EngineError(f"{self._where()}: unexpected answer (no choices)")
        content = message.get("content")
        truncated = choice.get("finish_reason") == "length"
        try:
            parsed = parse_answer(content, [item.id for item in request.items],
                                  truncated=truncated, max_chars=self._max_chars(request))
        except AnswerError as exc:
            reason = f"{exc}" + (" (answer cut off: finish_reason length)" if truncated else "")
            answer.refused = {item.id: reason for item in request.items}
            answer.malformed = True
            return answer
        answer.texts, answer.refused, answer.extra = parsed.texts, parsed.refused, parsed.extra
        return answer


def _count(value) -> int:
    """A usage count as the server gave it, or 0 when it is not a sane number."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0

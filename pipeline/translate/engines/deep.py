"""Engines served through deep-translator (the only module that imports it).

Engines: ``google`` (the free web endpoint, no key), ``microsoft`` (key),
``libre`` (a LibreTranslate server, usually self-hosted: ``--url``, key
optional), ``mymemory`` (free tier, optional e-mail) and ``deepl`` (key,
Arabic only).

Language codes differ per engine, and newsloc maps them here (tested):

=========  ======  ===========  ===========  =======================
locale     google  microsoft    mymemory     libre
=========  ======  ===========  ===========  =======================
``ar``     ar      ar           ar-SA        ar
``ckb``    ckb     ku (!)       ckb-IQ       ckb, if the server has it
``ku``     ku      kmr (!)      kmr-TR       ku or kmr, if served
=========  ======  ===========  ===========  =======================

Microsoft calls Sorani ``ku`` and Kurmanji ``kmr``: the opposite of Google.
deep-translator's own LibreTranslate list lacks ``ckb`` and ``ku``, but a
server may serve them, so for ``libre`` the server's ``GET /languages``
decides. DeepL serves Arabic only (of our languages).

What deep-translator does not do, and this module adds
    * **timeouts**: its clients call ``requests.get/post`` without one. The
      deep-translator modules see a stand-in for ``requests`` that adds the
      engine's timeout and a keep-alive session per worker thread, and
      records the HTTP status (its exceptions often drop it). Outside a
      newsloc worker thread the stand-in behaves exactly like ``requests``.
    * **error classes**: 429, 5xx, timeouts and connection errors become
      :class:`~.base.TransientError` (retried by the caller); a refused key
      becomes :class:`~.base.FatalError`; everything else an
      :class:`~pipeline.errors.EngineError` with a one-line message.
    * **secrets**: keys are removed from every message, and from urllib3's
      debug log lines (which show request URLs with ``api_key=``).
    * **thread safety**: the Google and MyMemory clients keep request state
      on the instance, so each worker thread gets its own client objects.
    * Microsoft's client fetches its language list from the internet when it
      is created; ours uses the static map above instead.
"""

from __future__ import annotations

import logging
import socket
import threading
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import urlsplit

import requests
import requests.adapters
import urllib3.connection
import urllib3.connectionpool
from deep_translator import deepl as _deepl
from deep_translator import google as _google
from deep_translator import libre as _libre
from deep_translator import microsoft as _microsoft
from deep_translator import mymemory as _mymemory
from deep_translator.constants import GOOGLE_LANGUAGES_TO_CODES, MY_MEMORY_LANGUAGES_TO_CODES
from deep_translator.exceptions import (
    ApiKeyException,
    AuthorizationException,
    BaseError,
    MicrosoftAPIerror,
    RequestError,
    ServerException,
    TooManyRequests,
    TranslationNotFound,
)

from ...errors import EngineError, EngineUnsupported
from ...locales import base_language
from .base import LOG_REDACTION, EngineOptions, FatalError, TransientError, redact

log = logging.getLogger(__name__)

#: Per-engine codes for the locales newsloc publishes (and the English source).
GOOGLE_CODES = {"en": "en", "ar": "ar", "ckb": "ckb", "ku": "ku"}
MICROSOFT_CODES = {"en": "en", "ar": "ar", "ckb": "ku", "ku": "kmr"}
MYMEMORY_CODES = {"en": "en-GB", "ar": "ar-SA", "ckb": "ckb-IQ", "ku": "kmr-TR"}
DEEPL_CODES = {"en": "en", "ar": "ar"}
#: LibreTranslate: candidate codes, the first the server lists wins.
LIBRE_CANDIDATES = {"en": ("en",), "ar": ("ar",), "ckb": ("ckb",), "ku": ("ku", "kmr")}


# --------------------------------------------------------------------------
# HTTP: a total deadline, a capped body, per-thread sessions, status capture

_local = threading.local()
#: Bytes of one answer, decompressed, beyond which it is refused (a gzip bomb).
MAX_RESPONSE_BYTES = 4 << 20
_CHUNK = 1 << 16


class DeadlineExceeded(requests.Timeout):
    """The whole request (connect, headers, body) took longer than the engine's timeout."""


class AnswerTooLarge(requests.RequestException):
    """The answer, decompressed, is larger than the cap."""


class _Tracked:
    """Remember, per thread, the connection a request is sent on (for the deadline)."""

    def request(self, *args, **kwargs):
        _connections[threading.get_ident()] = self
        return super().request(*args, **kwargs)


class _HTTPConnection(_Tracked, urllib3.connection.HTTPConnection):
    pass


class _HTTPSConnection(_Tracked, urllib3.connection.HTTPSConnection):
    pass


class _HTTPPool(urllib3.connectionpool.HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(urllib3.connectionpool.HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


class _Adapter(requests.adapters.HTTPAdapter):
    """requests' adapter with connections whose socket the deadline can shut."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}


def _session() -> requests.Session:
    session = requests.Session()
    session.mount("http://", _Adapter())
    session.mount("https://", _Adapter())
    return session


class _Deadline:
    """Shut the socket of this thread's request when its total time is up.

    requests' ``timeout`` bounds each socket read, so a server trickling one
    byte a second never trips it. A timer shuts the connection's socket at
    the deadline instead; the blocked read then fails at once, whatever phase
    the request is in (status line, headers or body).
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.lock = threading.Lock()
        self.finished = False
        self.expired = False
        self.owner = threading.get_ident()
        self.timer = threading.Timer(seconds, self._expire)
        self.timer.daemon = True

    def __enter__(self) -> "_Deadline":
        _connections.pop(self.owner, None)
        self.timer.start()
        return self

    def __exit__(self, *exc) -> None:
        with self.lock:
            self.finished = True
            _connections.pop(self.owner, None)
        self.timer.cancel()

    def _expire(self) -> None:
        with self.lock:
            if self.finished:
                return
            self.expired = True
            connection = _connections.get(self.owner)
        sock = getattr(connection, "sock", None)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


#: thread id → the connection its current request uses (read by the deadline timer).
_connections: dict[int, Any] = {}


class _Requests:
    """Stands in for the ``requests`` module inside deep-translator's clients."""

    exceptions = requests.exceptions

    def __getattr__(self, name: str) -> Any:
        return getattr(requests, name)

    def get(self, url, **kwargs):
        return self._call("GET", url, **kwargs)

    def post(self, url, **kwargs):
        return self._call("POST", url, **kwargs)

    def _call(self, method: str, url: str, **kwargs):
        timeout = getattr(_local, "timeout", None)
        if timeout is None:  # not a newsloc worker: plain requests, untouched
            return requests.request(method, url, **kwargs)
        session = getattr(_local, "session", None)
        if session is None:
            session = _local.session = _session()
        _local.status = None
        _local.error = None
        try:
            response = fetch(session, method, url, timeout=timeout,
                             limit=getattr(_local, "limit", MAX_RESPONSE_BYTES), **kwargs)
        except requests.RequestException as exc:
            _local.error = exc  # Microsoft's client swallows it: keep it for us
            raise
        _local.status = response.status_code
        return response


def fetch(session: requests.Session, method: str, url: str, *, timeout: float, limit: int,
          **kwargs) -> requests.Response:
    """Send one request and read its answer, all within *timeout* seconds and *limit* bytes.

    Raises :class:`DeadlineExceeded` when the whole exchange took too long
    and :class:`AnswerTooLarge` when the decompressed body passes *limit*.
    """
    kwargs.pop("timeout", None)
    kwargs.pop("stream", None)
    with _Deadline(timeout) as deadline:
        try:
            response = session.request(method, url, timeout=timeout, stream=True, **kwargs)
            body = bytearray()
            for chunk in response.iter_content(_CHUNK):
                body += chunk
                if len(body) > limit:
                    response.close()
                    raise AnswerTooLarge(f"answer larger than {limit} bytes")
            # Hand the client a response whose body is already read, as
            # requests does without stream=True.
            response._content = bytes(body)
            response.close()
            return response
        except requests.RequestException:
            if deadline.expired:
                raise DeadlineExceeded(f"no complete answer within {timeout:g}s") from None
            raise
        except OSError:  # a socket shut under a read that requests does not wrap
            if deadline.expired:
                raise DeadlineExceeded(f"no complete answer within {timeout:g}s") from None
            raise requests.ConnectionError("connection closed by the server") from None


#: deep-translator's client modules whose module-level ``requests`` is replaced by the stand-in
#: (tests/test_library_internals.py fails loudly if a release stops calling ``requests`` through it).
CLIENT_MODULES = (_google, _libre, _microsoft, _mymemory, _deepl)
_SHIM = _Requests()
for _module in CLIENT_MODULES:
    if not hasattr(_module, "requests"):
        raise ImportError(f"deep-translator changed: {_module.__name__} no longer uses requests; "
                          "see pipeline/translate/engines/deep.py")
    _module.requests = _SHIM


# --------------------------------------------------------------------------
# Clients

class _OwnCodes:
    """Skip deep-translator's language lists: newsloc maps and checks codes itself."""

    def _map_language_to_code(self, *languages):
        yield from languages


class _Google(_OwnCodes, _google.GoogleTranslator):
    pass


class _Libre(_OwnCodes, _libre.LibreTranslator):
    pass


class _MyMemory(_OwnCodes, _mymemory.MyMemoryTranslator):
    pass


class _Deepl(_OwnCodes, _deepl.DeeplTranslator):
    pass


class _Microsoft(_OwnCodes, _microsoft.MicrosoftTranslator):
    def _get_supported_languages(self):  # the stock one calls the internet from __init__
        return {k: v for k, v in MICROSOFT_CODES.items()}


@dataclass(frozen=True)
class Spec:
    """How one deep-translator engine is driven."""

    name: str
    max_chars: int
    concurrency: int
    rate: float
    local: bool
    needs_key: bool
    path: str                        # appended to --url to reach the endpoint
    make: Callable[[str, str, EngineOptions], Any]


def _make_google(source, target, opts):
    return _Google(source=source, target=target)


def _make_libre(source, target, opts):
    client = _Libre(source=source, target=target, api_key=opts.api_key or "-",
                    custom_url="https://libretranslate.com/")
    client.api_key = opts.api_key  # the stock client insists on one; servers may not
    return client


def _make_mymemory(source, target, opts):
    return _MyMemory(source=source, target=target, email=opts.extra.get("email"))


def _make_deepl(source, target, opts):
    return _Deepl(source=source, target=target, api_key=opts.api_key,
                  use_free_api=bool(opts.extra.get("free", True)))


def _make_microsoft(source, target, opts):
    return _Microsoft(source=source, target=target, api_key=opts.api_key, region=opts.region)


SPECS = {
    "google": Spec("google", 4900, 4, 5.0, False, False, "m", _make_google),
    "microsoft": Spec("microsoft", 10000, 4, 10.0, False, True, "translate?api-version=3.0",
                      _make_microsoft),
    "libre": Spec("libre", 5000, 32, 0.0, True, False, "", _make_libre),
    "mymemory": Spec("mymemory", 480, 2, 2.0, False, False, "get", _make_mymemory),
    "deepl": Spec("deepl", 5000, 4, 5.0, False, True, "", _make_deepl),
}


def _root(url: str) -> str:
    return url if url.endswith("/") else url + "/"


class DeepEngine:
    """One deep-translator engine with newsloc's code maps, timeouts and error classes."""

    def __init__(self, name: str, options: EngineOptions) -> None:
        if name not in SPECS:
            raise EngineError(f"unknown deep-translator engine {name!r}")
        self.spec = SPECS[name]
        self.name = name
        self.options = options
        self.max_chars = self.spec.max_chars
        self.concurrency = self.spec.concurrency
        self.rate = self.spec.rate
        self.local = self.spec.local
        if self.spec.needs_key and not options.api_key:
            raise EngineError(f"engine {name} needs an API key: set NEWSLOC_{name.upper()}_KEY "
                              f"or pass --api-key")
        if name == "libre" and not options.url:
            raise EngineError("engine libre needs the server's address: --url http://host:port/ "
                              "(or url = ... in [tool.newsloc.translate])")
        LOG_REDACTION.secrets.update(options.secrets())
        self._codes: dict[str, str] = {}
        self._libre_languages: list[dict] | None = None

    # -- codes ----------------------------------------------------------

    def code(self, lang: str) -> str:
        """Return the engine's code for a newsloc locale, or raise EngineUnsupported."""
        if lang in self._codes:
            return self._codes[lang]
        code = self._lookup(lang)
        if code is None:
            raise EngineUnsupported(f"engine {self.name} cannot translate {lang!r}")
        self._codes[lang] = code
        return code

    def _lookup(self, lang: str) -> str | None:
        key = lang.replace("-", "_")
        base = base_language(lang)
        if self.name == "google":
            return GOOGLE_CODES.get(key) or GOOGLE_CODES.get(base) or (
                base if base in GOOGLE_LANGUAGES_TO_CODES.values() else None)
        if self.name == "microsoft":
            return MICROSOFT_CODES.get(key) or MICROSOFT_CODES.get(base)
        if self.name == "mymemory":
            found = MYMEMORY_CODES.get(key) or MYMEMORY_CODES.get(base)
            if found is None:
                wanted = key.replace("_", "-")
                found = next((v for v in MY_MEMORY_LANGUAGES_TO_CODES.values()
                              if v.lower() == wanted.lower()), None)
            return found
        if self.name == "deepl":
            return DEEPL_CODES.get(key) or DEEPL_CODES.get(base)
        if self.name == "libre":
            served = {entry.get("code") for entry in self._libre_list()}
            for candidate in LIBRE_CANDIDATES.get(base, (base,)):
                if candidate in served:
                    return candidate
            return None
        return None

    def _libre_list(self) -> list[dict]:
        """Ask the LibreTranslate server which languages it serves (once)."""
        if self._libre_languages is None:
            url = _root(self.options.url) + "languages"
            where = self.where()
            try:
                with _session() as session:
                    response = fetch(session, "GET", url, timeout=self.options.timeout,
                                     limit=self.options.max_response_bytes)
                response.raise_for_status()
                data = response.json()
            except AnswerTooLarge:
                raise EngineError(f"libre server {where}: GET /languages is larger than "
                                  f"{self.options.max_response_bytes} bytes") from None
            except requests.Timeout:
                raise EngineError(f"libre server {where} did not answer GET /languages within "
                                  f"{self.options.timeout:g}s") from None
            except requests.ConnectionError as exc:
                raise EngineError(f"cannot reach libre server {where} "
                                  f"({_connection_reason(exc)})") from None
            except requests.HTTPError as exc:
                raise EngineError(f"libre server {where} answered GET /languages with HTTP "
                                  f"{exc.response.status_code}") from None
            except requests.RequestException as exc:
                raise EngineError(f"libre server {where}: GET /languages failed "
                                  f"({type(exc).__name__})") from None
            except ValueError:
                raise EngineError(f"libre server {where}: GET /languages is not JSON") from None
            if not isinstance(data, list):
                raise EngineError(f"libre server {where}: GET /languages is not a list")
            self._libre_languages = [d for d in data if isinstance(d, dict)]
        return self._libre_languages

    def check(self, source: str, target: str) -> None:
        """Raise EngineUnsupported unless the engine serves source → target."""
        src, tgt = self.code(source), self.code(target)
        if self.name == "libre":
            for entry in self._libre_list():
                if entry.get("code") == src and "targets" in entry and tgt not in entry["targets"]:
                    raise EngineUnsupported(f"libre server {self.where()} cannot translate "
                                            f"{source!r} into {target!r}")

    def where(self) -> str:
        """Host of the service, for messages (never the query string or a key)."""
        if not self.options.url:
            return self.name
        parts = urlsplit(self.options.url)
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        try:
            port = f":{parts.port}" if parts.port else ""
        except ValueError:
            port = ""
        return f"{parts.scheme}://{host}{port}{parts.path}"  # never userinfo or the query

    # -- sessions -------------------------------------------------------

    def session(self) -> "DeepSession":
        return DeepSession(self)

    def close(self) -> None:
        session = getattr(_local, "session", None)
        if session is not None:
            session.close()
            _local.session = None


def _connection_reason(exc: BaseException) -> str:
    text = str(exc)
    for needle, reason in (("refused", "connection refused"), ("Name or service", "unknown host"),
                           ("timed out", "timed out"), ("reset", "connection reset"),
                           ("RemoteDisconnected", "connection closed by the server"),
                           ("Connection aborted", "connection closed by the server")):
        if needle in text:
            return reason
    return "connection failed"


class DeepSession:
    """The client objects of one worker thread (deep-translator clients are not thread-safe)."""

    def __init__(self, engine: DeepEngine) -> None:
        self.engine = engine
        self._clients: dict[tuple[str, str], Any] = {}

    def _client(self, source: str, target: str):
        key = (source, target)
        client = self._clients.get(key)
        if client is None:
            opts = self.engine.options
            try:
                client = self.engine.spec.make(source, target, opts)
            except ApiKeyException:
                raise FatalError(f"engine {self.engine.name} needs an API key") from None
            if opts.url:
                client._base_url = _root(opts.url) + self.engine.spec.path
            self._clients[key] = client
        return client

    def translate(self, text: str, source: str, target: str) -> str | None:
        """Send one request; map every failure to newsloc's error classes."""
        engine = self.engine
        src, tgt = engine.code(source), engine.code(target)
        client = self._client(src, tgt)
        _local.timeout = engine.options.timeout
        _local.limit = engine.options.max_response_bytes
        _local.status = None
        _local.error = None
        secrets = engine.options.secrets()
        where = engine.where()
        try:
            return client.translate(text)
        except requests.Timeout:
            raise TransientError(f"{where}: no answer within {engine.options.timeout:g}s") from None
        except requests.ConnectionError as exc:
            raise TransientError(f"{where}: {_connection_reason(exc)}") from None
        except requests.exceptions.JSONDecodeError:
            raise self._bad_answer(where, "malformed JSON") from None
        except AnswerTooLarge as exc:
            raise EngineError(f"{where}: {exc} (max_response_bytes)") from None
        except requests.exceptions.ChunkedEncodingError:
            raise TransientError(f"{where}: connection closed mid-answer") from None
        except requests.RequestException as exc:
            raise TransientError(f"{where}: {redact(type(exc).__name__, secrets)}") from None
        except TooManyRequests:
            raise TransientError(f"{where}: HTTP 429 too many requests", status=429) from None
        except AuthorizationException:
            raise FatalError(f"{where}: the key was refused (HTTP 403)") from None
        except (RequestError, ServerException):
            raise self._http_error(where) from None
        except MicrosoftAPIerror as exc:
            status = _local.status or 0
            message = f"{where}: HTTP {status}: {redact(exc.api_message, secrets)}"[:300]
            if status in (401, 403):
                raise FatalError(message) from None
            if status == 429 or status >= 500:
                raise TransientError(message, status=status) from None
            raise EngineError(message) from None
        except TranslationNotFound:
            return None
        except ValueError:  # requests' JSONDecodeError is a ValueError
            raise self._bad_answer(where, "malformed JSON") from None
        except (KeyError, TypeError, AttributeError, IndexError, StopIteration):
            if _local.error is not None:  # Microsoft's client hides the real failure
                error = _local.error
                if isinstance(error, requests.Timeout):
                    raise TransientError(f"{where}: no answer within "
                                         f"{engine.options.timeout:g}s") from None
                if isinstance(error, requests.ConnectionError):
                    raise TransientError(f"{where}: {_connection_reason(error)}") from None
                if isinstance(error, AnswerTooLarge):
                    raise EngineError(f"{where}: {error} (max_response_bytes)") from None
                if isinstance(error, requests.exceptions.ChunkedEncodingError):
                    raise TransientError(f"{where}: connection closed mid-answer") from None
            raise self._bad_answer(where, "unexpected answer") from None
        except BaseError as exc:
            raise EngineError(f"{where}: {redact(exc.message, secrets).strip()}"[:300]) from None
        finally:
            _local.timeout = None

    def _http_error(self, where: str) -> EngineError:
        status = _local.status
        if status is None:
            return TransientError(f"{where}: request failed")
        if status == 429 or status >= 500:
            return TransientError(f"{where}: HTTP {status}", status=status)
        if status in (401, 403):
            return FatalError(f"{where}: the key was refused (HTTP {status})")
        return EngineError(f"{where}: HTTP {status}")

    def _bad_answer(self, where: str, what: str) -> EngineError:
        status = _local.status
        if status is not None and (status == 429 or status >= 500):
            return TransientError(f"{where}: HTTP {status}", status=status)
        return EngineError(f"{where}: {what} in the answer")


def baseline_client(name: str, source: str, target: str, options: EngineOptions):
    """Return a plain deep-translator client (no newsloc timeouts): the benchmark's baseline."""
    engine = DeepEngine(name, options)
    client = engine.spec.make(engine.code(source), engine.code(target), options)
    if options.url:
        client._base_url = _root(options.url) + engine.spec.path
    return client


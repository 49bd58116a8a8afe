"""A loopback chat-completions server (the OpenAI API shape) for the llm engine's tests and benchmark.

It speaks ``POST /v1/chat/completions`` over real HTTP on 127.0.0.1, so the
real ``openai`` client runs unmodified against it, and it holds newsloc's
wire contract (docs/llm.md) the way a desk's own server must:

* the **last user message** is a JSON array of ``{"id", "source"}`` objects;
* the answer's message content is ``{"translations": [{"id", "text"}]}``.

Besides ``/v1/chat/completions`` it answers Azure OpenAI's dated route,
``/openai/deployments/<deployment>/chat/completions?api-version=...``.

The target language is read from the system message (``locale code ckb``).
The "translation" is deterministic (:func:`chat_translate`): ``«lang» ``
then the source with letters transliterated into Arabic letters for ``ar``
and ``ckb``, upper-cased for every other language; mask tokens ``[X0X]``
and digits pass through.

Fault modes (``server.mode``), applied to the first ``server.fail_first``
requests only when that is set:

``ok``, ``shuffle`` (items in reverse order), ``missing`` (the middle item
left out), ``extra`` (an item with an id that was not asked), ``prose``
(the JSON in a fenced block between sentences), ``length`` (content cut
mid-JSON, ``finish_reason: length``), ``empty`` (the first item's text
empty), ``badtype`` (the first item's text a number), ``duplicate`` (the
first item twice, with different texts), ``latin`` (the first item in Latin
letters whatever the target), ``latinall`` (every item so), ``arabic`` (the first item in Arabic letters),
``lose`` (mask tokens dropped from every item), ``nojson`` (prose only),
``nul`` (a NUL in the first item), ``long`` (the first item 50 times over),
``429`` (with ``Retry-After: server.retry_after``), ``500``, ``401``,
``hang`` (no answer until the server stops), ``trickle`` (the answer one
byte every 20 ms), ``huge`` (a 5 MB body), ``notjson`` (a body that is not
JSON), ``noschema`` (400 for any request with a ``json_schema`` response
format, as older servers do).

``server.log`` keeps every request body (parsed JSON); ``server.latency``
delays every answer. Usage is reported as characters / 4.
"""

from __future__ import annotations

import json
import re
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

from .loopback import LoopbackServer

MASK = re.compile(r"\[X\d+X\]")
_ARABIC = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
_LETTER = re.compile(r"[A-Za-z]")
_TARGET = re.compile(r"locale code ([A-Za-z_-]+)")


def chat_translate(text: str, target: str) -> str:
    """The server's deterministic 'translation' of one entry.

    >>> chat_translate("Iraq has [X0X] troops", "ku")
    '«ku» IRAQ HAS [X0X] TROOPS'
    >>> chat_translate("Iraq [X0X]", "ckb")
    '«ckb» ذعاظ [X0X]'
    """
    if target.split("_")[0] in ("ar", "ckb"):
        parts = re.split(r"(\[X\d+X\])", text)
        body = "".join(p if MASK.fullmatch(p) else
                       _LETTER.sub(lambda m: _ARABIC[ord(m.group(0).lower()) - 97], p)
                       for p in parts)
    else:
        body = text.upper()
    return f"«{target}» {body}"


class ChatServer(LoopbackServer):
    url_path = "/v1"

    def __init__(self, latency: float = 0.0, api_key: str | None = None) -> None:
        super().__init__(_Handler, latency, api_key)
        self.retry_after = "0"
        self.times: list[float] = []     # time.monotonic() of each request's arrival
        self.paths: list[str] = []       # each request's path and query
        self.headers: list[dict] = []    # each request's headers

    def arrivals(self) -> list[float]:
        """When each request arrived (``time.monotonic()``)."""
        return self.snapshot(self.times)

    def reset(self) -> None:
        with self.lock:
            self.times.clear()
            self.paths.clear()
            self.headers.clear()
        super().reset()


def entries_of(body: dict) -> list[dict]:
    """The entries a request carries: the JSON array in its last user message."""
    last = [m for m in body.get("messages", []) if m.get("role") == "user"][-1]
    content = last["content"]
    if isinstance(content, list):  # content parts
        content = "".join(p.get("text", "") for p in content)
    return json.loads(content)


def target_of(body: dict) -> str:
    for message in body.get("messages", []):
        m = _TARGET.search(str(message.get("content", "")))
        if m:
            return m.group(1)
    return "xx"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: ChatServer

    def log_message(self, *args) -> None:
        pass

    def _send(self, status: int, payload: dict | bytes, headers: dict | None = None,
              trickle: bool = False) -> None:
        data = payload if isinstance(payload, bytes) else \
            json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if not trickle:
            self.wfile.write(data)
            return
        for i in range(len(data)):
            if self.server.stopping.wait(0.02):
                return
            self.wfile.write(data[i:i + 1])
            self.wfile.flush()

    def _error(self, status: int, message: str, headers: dict | None = None) -> None:
        self._send(status, {"error": {"message": message, "type": "fault", "code": status}},
                   headers)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        route = urlsplit(self.path).path.rstrip("/")
        azure = re.fullmatch(r"/openai/deployments/[^/]+/chat/completions", route)
        if route not in ("/v1/chat/completions", "/chat/completions") and not azure:
            return self._error(404, f"no route {self.path}")
        try:
            body = json.loads(raw)
            entries = entries_of(body)
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            return self._error(400, f"bad request: {exc}")
        with self.server.lock:
            self.server.log.append(body)
            self.server.times.append(time.monotonic())
            self.server.paths.append(self.path)
            self.server.headers.append(dict(self.headers))
        if self.server.api_key and \
                self.headers.get("Authorization") != f"Bearer {self.server.api_key}":
            return self._error(401, "Incorrect API key provided")
        if self.server.latency:
            time.sleep(self.server.latency)
        mode = self.server.fault()
        if mode == "hang":
            self.server.stopping.wait(30)
            return self._error(503, "stopping")
        if mode == "429":
            return self._error(429, "Rate limit reached", {"Retry-After": self.server.retry_after})
        if mode in ("500", "401"):
            return self._error(int(mode), f"fault {mode}")
        if mode == "notjson":
            return self._send(200, b"<html>Bad gateway</html>")
        if mode == "huge":
            return self._send(200, b'{"choices": [], "pad": "' + b"x" * 5_000_000 + b'"}')
        if mode == "noschema" and (body.get("response_format") or {}).get("type") == "json_schema":
            return self._error(400, "response_format json_schema is not supported")
        target = target_of(body)
        items = [{"id": e["id"], "text": chat_translate(e["source"], target)} for e in entries]
        finish = "stop"
        if mode == "shuffle":
            items.reverse()
        elif mode == "missing" and items:
            del items[len(items) // 2]
        elif mode == "extra":
            items.append({"id": "not-asked", "text": "«extra»"})
        elif mode == "empty" and items:
            items[0]["text"] = "  "
        elif mode == "badtype" and items:
            items[0]["text"] = 12345
        elif mode == "duplicate" and items:
            items.insert(1, {"id": items[0]["id"], "text": items[0]["text"] + " (2)"})
        elif mode == "latin" and items:
            items[0]["text"] = chat_translate(entries[0]["source"], "ku")
        elif mode == "latinall":
            for item, entry in zip(items, entries):
                item["text"] = chat_translate(entry["source"], "ku")
        elif mode == "nul" and items:
            items[0]["text"] = items[0]["text"] + "\x00"
        elif mode == "long" and items:
            items[0]["text"] = items[0]["text"] * 50
        elif mode == "arabic" and items:
            items[0]["text"] = chat_translate(entries[0]["source"], "ckb")
        elif mode == "quota":          # a free tier's warning in place of every translation
            for item in items:
                item["text"] = "MYMEMORY WARNING: YOU USED ALL AVAILABLE FREE TRANSLATIONS FOR TODAY"
        elif mode == "lose":
            for item in items:
                item["text"] = MASK.sub("", item["text"])
        content = json.dumps({"translations": items}, ensure_ascii=False)
        if mode == "prose":
            content = f"Here are the translations:\n```json\n{content}\n```\nLet me know!"
        elif mode == "nojson":
            content = "I am sorry, I cannot translate this text."
        elif mode == "length":
            content, finish = content[:int(len(content) * 0.6)], "length"
        prompt_chars = len(raw.decode("utf-8", "replace"))
        self._send(200, trickle=mode == "trickle", payload={
            "id": f"chatcmpl-{len(self.server.log)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", ""),
            "choices": [{"index": 0, "finish_reason": finish,
                         "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": prompt_chars // 4, "completion_tokens": len(content) // 4,
                      "total_tokens": prompt_chars // 4 + len(content) // 4},
        })


if __name__ == "__main__":  # manual use: python -m tests.chatserver
    ChatServer().serve_until_interrupted()

"""A loopback machine-translation server for tests and the benchmark.

Speaks just enough of each engine's HTTP API for deep-translator's real
clients to talk to it over real HTTP on 127.0.0.1:

* LibreTranslate: ``POST /translate`` (q, source, target, api_key as query,
  form or JSON), ``GET /languages``;
* Google's mobile page: ``GET /m?sl=..&tl=..&q=..`` (HTML with
  ``<div class="result-container">``);
* MyMemory: ``GET /get?q=..&langpair=en-GB|ar-SA``;
* DeepL: ``GET /v2/translate?auth_key=..&text=..&target_lang=..``;
* Microsoft: ``POST /microsoft/translate?from=..&to=..`` with a JSON list.

The "translation" is deterministic: ``«target» `` followed by the text with
letters upper-cased (mask tokens ``[X0X]`` survive; digits too).

Fault modes (``server.mode``): ``ok``, ``429``, ``500``, ``hang`` (no answer
until the server stops), ``malformed`` (broken JSON / page without a
result), ``quota`` (MyMemory's quota warning as the translation),
``lose`` (drops mask tokens), ``unchanged`` (echoes the source), ``403``,
``swap`` (the first two mask tokens change places: a span's closing token
comes before its opening one), ``double`` (the first mask token twice),
``empty-span`` (the words between the first two tokens dropped).

Hostile modes (what a broken or malicious server may send; newsloc must
end each with a counted failure, within its deadline, and a readable
catalogue): ``nul``, ``u2028``, ``nel`` (a NUL, LINE SEPARATOR or NEXT LINE
inside the translation), ``int`` and ``list`` (the translation field is
``12345`` or a JSON list; Google's page has no types, so it shows the
digits), ``huge`` (a translation 200 times the source), ``bomb`` (a
gzip-compressed answer that inflates to :attr:`MTServer.bomb_size` bytes),
``trickle`` (the whole answer, status line included, one byte every
:attr:`MTServer.trickle_delay` seconds), ``close`` (headers announcing a
body, half of it, then the connection closed).
``server.fail_first = N`` applies the mode to the first N translation
requests only, then answers normally. ``server.latency`` delays every
answer (seconds). ``server.log`` records every translation request.
"""

from __future__ import annotations

import gzip
import html
import json
import socket
import re
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from .loopback import LoopbackServer

QUOTA = ("MYMEMORY WARNING: YOU USED ALL AVAILABLE FREE TRANSLATIONS FOR TODAY. NEXT AVAILABLE IN "
         "10 HOURS 20 MINUTES 38 SECONDS VISIT HTTPS://MYMEMORY.TRANSLATED.NET/DOC/USAGEFORM.PHP "
         "TO TRANSLATE MORE")
MASK = re.compile(r"\[X\d+X\]")
LANGUAGES = ["en", "ar", "ckb", "ku"]
HOSTILE_CHARS = {"nul": "\x00", "u2028": "\u2028", "nel": "\x85"}


def fake_translate(text: str, target: str) -> str:
    """The server's deterministic 'translation'."""
    return f"«{target}» " + text.upper()


_BOMBS: dict[tuple[int, str], bytes] = {}   # compressed once per size and content type


def _shown(value) -> str:
    """A JSON-typed hostile answer as an HTML page would show it."""
    return " ".join(value) if isinstance(value, list) else str(value)


class MTServer(LoopbackServer):
    def __init__(self, latency: float = 0.0, api_key: str | None = None,
                 languages: list[str] | None = None) -> None:
        super().__init__(_Handler, latency, api_key)
        self.languages = list(languages or LANGUAGES)
        self.bomb_size = 16 << 20       # bytes the ``bomb`` answer inflates to (> the 4 MiB cap)
        self.trickle_delay = 0.25       # seconds between two bytes in ``trickle``

    def translations(self) -> list[dict]:
        """Every translation request so far (engine, q, target, path, params)."""
        return self.requests()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: MTServer

    def log_message(self, *args) -> None:  # quiet
        pass

    # -- plumbing --------------------------------------------------------

    def _params(self) -> dict[str, str]:
        parts = urlsplit(self.path)
        params = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        length = int(self.headers.get("Content-Length") or 0)
        self._body = self.rfile.read(length) if length else b""
        kind = self.headers.get("Content-Type", "")
        if self._body and "json" in kind:
            try:
                data = json.loads(self._body)
                if isinstance(data, dict):
                    params.update({k: str(v) for k, v in data.items()})
            except ValueError:
                pass
        elif self._body and "form" in kind:
            params.update({k: v[0] for k, v in parse_qs(self._body.decode()).items()})
        return params

    def _send(self, status: int, body: str, kind: str = "application/json") -> None:
        mode = getattr(self, "_mode", "ok")
        self._mode = "ok"
        if mode == "bomb":
            return self._send_bomb(kind)
        data = body.encode("utf-8")
        head = (f"{self.protocol_version} {status} {self.responses[status][0]}\r\n"
                f"Content-Type: {kind}; charset=utf-8\r\n"
                f"Content-Length: {len(data)}\r\n\r\n").encode("ascii")
        if mode == "trickle":  # every byte late, the status line too
            for k in range(len(head + data)):
                if self.server.stopping.wait(self.server.trickle_delay):
                    break
                self.wfile.write((head + data)[k:k + 1])
                self.wfile.flush()
            return None
        if mode == "close":  # promise a body, send half of it, hang up
            self.wfile.write(head + data[:len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return None
        self.wfile.write(head + data)

    def _send_bomb(self, kind: str) -> None:
        """A small gzip body that inflates to ``server.bomb_size`` bytes (valid JSON/HTML)."""
        size = self.server.bomb_size
        bomb = _BOMBS.get((size, kind))
        if bomb is None:
            if "json" in kind:
                raw = b'{"translatedText": "' + b"A" * size + b'", "translations": []}'
            else:
                raw = b'<html><body><div class="result-container">' + b"A" * size + b"</div></body></html>"
            bomb = _BOMBS[(size, kind)] = gzip.compress(raw, 6)
        self.send_response(200)
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(bomb)))
        self.end_headers()
        self.wfile.write(bomb)

    def _record(self, engine: str, text: str, target: str, params: dict) -> str:
        with self.server.lock:
            self.server.log.append({"engine": engine, "q": text, "target": target,
                                    "path": self.path, "params": params})
        if self.server.latency:
            time.sleep(self.server.latency)
        mode = self.server.fault()
        if mode == "hang":
            self.server.stopping.wait(30)
        return mode

    def _answer(self, mode: str, text: str, target: str):
        """The translation to put in the answer (not always a string, in hostile modes)."""
        self._mode = mode
        if mode == "quota":
            return QUOTA
        if mode == "unchanged":
            return text
        out = fake_translate(text, target)
        if mode == "lose":
            out = MASK.sub("", out)
        tokens = MASK.findall(out)
        if mode == "swap" and len(tokens) >= 2:
            first, second = MASK.search(out), list(MASK.finditer(out))[1]
            out = (out[:first.start()] + second.group() + out[first.end():second.start()]
                   + first.group() + out[second.end():])
        if mode == "double" and tokens:
            out = out + " " + tokens[0]
        if mode == "empty-span" and len(tokens) >= 2:
            first, second = MASK.search(out), list(MASK.finditer(out))[1]
            out = out[:first.end()] + out[second.start():]
        if mode in HOSTILE_CHARS:
            cut = len(out) // 2
            out = out[:cut] + HOSTILE_CHARS[mode] + out[cut:]
        if mode == "huge":
            out = (out + " ") * 200
        if mode == "int":
            return 12345
        if mode == "list":
            return [out, out]
        return out

    def _error(self, mode: str) -> bool:
        """Send an error answer for modes that have one; True if sent."""
        if mode in ("429", "500", "403", "503"):
            self._send(int(mode), json.dumps({"error": f"fault {mode}"}))
            return True
        if mode == "hang":
            self._send(503, json.dumps({"error": "stopping"}))
            return True
        return False

    # -- routes ----------------------------------------------------------

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        params = self._params()
        if path == "/languages":
            langs = [{"code": c, "name": c, "targets": [t for t in self.server.languages if t != c]}
                     for c in self.server.languages]
            return self._send(200, json.dumps(langs))
        if path == "/m":
            text, target = params.get("q", ""), params.get("tl", "")
            mode = self._record("google", text, target, params)
            if self._error(mode):
                return None
            if mode == "malformed":
                return self._send(200, "<html><body><p>sorry</p></body></html>", "text/html")
            out = self._answer(mode, text, target)
            page = (f'<html><body><div class="other">x</div>'
                    f'<div class="result-container">{html.escape(_shown(out))}</div></body></html>')
            return self._send(200, page, "text/html")
        if path == "/get":
            text = params.get("q", "")
            target = params.get("langpair", "|").split("|")[1]
            mode = self._record("mymemory", text, target, params)
            if self._error(mode):
                return None
            if mode == "malformed":
                return self._send(200, '{"responseData": {"translatedText": ')
            out = self._answer(mode, text, target)
            return self._send(200, json.dumps({"responseData": {"translatedText": out},
                                               "matches": [], "responseStatus": 200}))
        if path == "/v2/translate":
            text, target = params.get("text", ""), params.get("target_lang", "")
            mode = self._record("deepl", text, target, params)
            if self.server.api_key and params.get("auth_key") != self.server.api_key:
                return self._send(403, json.dumps({"message": "Wrong key"}))
            if self._error(mode):
                return None
            if mode == "malformed":
                return self._send(200, '{"translations": [')
            out = self._answer(mode, text, target)
            return self._send(200, json.dumps({"translations": [{"text": out}]}))
        self._send(404, json.dumps({"error": "not found"}))

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        params = self._params()
        if path == "/translate":
            text, target = params.get("q", ""), params.get("target", "")
            mode = self._record("libre", text, target, params)
            if self.server.api_key and params.get("api_key") != self.server.api_key:
                return self._send(403, json.dumps({"error": "Invalid API key"}))
            if target not in self.server.languages:
                return self._send(400, json.dumps({"error": f"{target} is not supported"}))
            if self._error(mode):
                return None
            if mode == "malformed":
                return self._send(200, '{"translatedText": "broken')
            out = self._answer(mode, text, target)
            return self._send(200, json.dumps({"translatedText": out}))
        if path == "/microsoft/translate":
            try:
                body = json.loads(self._body or b"[]")
                text = body[0]["text"]
            except (ValueError, KeyError, IndexError, TypeError):
                return self._send(400, json.dumps({"error": {"code": 400000, "message": "bad"}}))
            target = params.get("to", "")
            mode = self._record("microsoft", text, target, params)
            if self.server.api_key and \
                    self.headers.get("Ocp-Apim-Subscription-Key") != self.server.api_key:
                return self._send(401, json.dumps({"error": {"code": 401000,
                                                             "message": "bad credentials"}}))
            if self._error(mode):
                return None
            if mode == "malformed":
                return self._send(200, "[{")
            out = self._answer(mode, text, target)
            return self._send(200, json.dumps([{"translations": [{"text": out, "to": target}]}]))
        self._send(404, json.dumps({"error": "not found"}))


if __name__ == "__main__":  # manual use: python -m tests.mtserver
    MTServer().serve_until_interrupted()

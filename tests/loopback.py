"""What the loopback test servers share (tests/mtserver.py, tests/chatserver.py).

A threaded HTTP server on a free port of 127.0.0.1 (so parallel test
workers never collide), with a fault mode that applies to every request or,
with ``fail_first = N``, to the first N only, a latency, an API key it
expects, and a log of requests. Tests never reach the internet.
"""

from __future__ import annotations

import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LoopbackServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    url_path = "/"   # what follows the port in :attr:`url`

    def __init__(self, handler: type[BaseHTTPRequestHandler], latency: float = 0.0,
                 api_key: str | None = None) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.mode = "ok"
        self.fail_first: int | None = None
        self.latency = latency
        self.api_key = api_key
        self.log: list[dict] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()

    @property
    def url(self) -> str:
        """The base URL a client is given (``--url``)."""
        return f"http://127.0.0.1:{self.server_address[1]}{self.url_path}"

    def requests(self) -> list[dict]:
        """What the server logged of each request so far."""
        return self.snapshot(self.log)

    def snapshot(self, items: list) -> list:
        """A copy of one of the server's lists, taken under its lock."""
        with self.lock:
            return list(items)

    def reset(self) -> None:
        """Forget the log; answer normally again."""
        with self.lock:
            self.log.clear()
        self.mode, self.fail_first = "ok", None

    def handle_error(self, request, client_address) -> None:
        """Stay quiet when a client hangs up mid-answer: fault and deadline tests give up on the server."""
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError, OSError)):
            return
        super().handle_error(request, client_address)

    def start(self):
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.shutdown()
        self.server_close()

    def serve_until_interrupted(self) -> None:
        """Manual use (``python -m tests.mtserver``): serve until Ctrl-C."""
        self.start()
        print(f"serving on {self.url} (Ctrl-C to stop)")
        try:
            self.stopping.wait()
        except KeyboardInterrupt:
            self.stop()

    def fault(self) -> str:
        """The mode for this request (``fail_first`` counts requests)."""
        with self.lock:
            if self.fail_first is None:
                return self.mode
            if self.fail_first > 0:
                self.fail_first -= 1
                return self.mode
            return "ok"

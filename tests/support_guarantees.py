"""Helpers for the "nothing lost" tests: child newsloc processes, a gated MT server, checks."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pipeline.catalog import is_reviewed, load_catalog
from .mtserver import MTServer
from .paths import REPO
from .tools import msgfmt_check

SUBJECTS = ("The governor", "Local traders", "Aid workers", "The ministry", "Farmers near Mosul",
            "Teachers in Erbil", "The border police", "Bank officials")
VERBS = ("announced", "criticised", "welcomed", "questioned", "postponed", "defended")
OBJECTS = ("the reconstruction plan", "a new water network", "fuel subsidies",
           "the school calendar", "customs checks", "the budget vote")


def write_articles(root: Path, count: int, sentences: int = 6) -> list[Path]:
    """Write *count* small plain-text articles with distinct sentences; return their paths."""
    folder = root / "articles"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for a in range(count):
        lines = [f"Regional report number {a + 1} on the week's decisions", ""]
        para = []
        for s in range(sentences):
            k = a * sentences + s
            para.append(f"{SUBJECTS[k % len(SUBJECTS)]} {VERBS[k // 3 % len(VERBS)]} "
                        f"{OBJECTS[k // 7 % len(OBJECTS)]} on day {k + 1}.")
            if len(para) == 3:
                lines += [" ".join(para), ""]
                para = []
        if para:
            lines.append(" ".join(para))
        path = folder / f"report-{a + 1:03d}.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("NEWSLOC_ROOT", None)
    env.pop("NEWSLOC_WAIT", None)
    return env


def newsloc(root: Path, *args: str, **popen) -> subprocess.Popen:
    """Start ``python -m pipeline --root ROOT ARGS...`` as a child process."""
    return subprocess.Popen([sys.executable, "-m", "pipeline", "--root", str(root), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=child_env(), **popen)


def run_newsloc(root: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run a newsloc command to completion in a child process."""
    return subprocess.run([sys.executable, "-m", "pipeline", "--root", str(root), *args],
                          capture_output=True, text=True, env=child_env(), timeout=timeout)


def catalogue_files(root: Path) -> list[Path]:
    return sorted((root / "locales").rglob("*.po")) + sorted((root / "locales").rglob("*.pot"))


_MSGFMT_OK: set[bytes] = set()


def _msgfmt(path: Path) -> tuple[Path, bytes, int, str]:
    data = path.read_bytes()
    if data in _MSGFMT_OK:
        return path, data, 0, ""
    return (path, data, *msgfmt_check(data))


def assert_catalogues_valid(root: Path) -> None:
    """Every PO/POT reads strictly, and ``msgfmt -c`` accepts it."""
    files = catalogue_files(root)
    assert files, "no catalogues"
    for path in files:
        load_catalog(path)
    with ThreadPoolExecutor(max_workers=4) as pool:  # each distinct content checked once
        for path, data, code, err in pool.map(_msgfmt, files):
            assert code == 0, f"msgfmt -c refuses {path}:\n{err}"
            _MSGFMT_OK.add(data)


def reviewed_snapshot(root: Path) -> dict[Path, dict[str, str]]:
    """Each catalogue's reviewed entries, as the exact text written for them."""
    return {p: {e.msgid: str(e) for e in load_catalog(p) if is_reviewed(e)}
            for p in sorted((root / "locales").rglob("*.po"))}


def mt_entries(root: Path) -> dict[tuple[Path, str], str]:
    """Every machine suggestion on disk: (catalogue, msgid) -> msgstr."""
    out = {}
    for path in sorted((root / "locales").rglob("*.po")):
        for e in load_catalog(path):
            if not e.obsolete and e.msgstr and "MT:" in (e.comment or ""):
                out[(path, e.msgid)] = e.msgstr
    return out


def temp_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*.newsloc.tmp")]


class GatedServer:
    """The loopback LibreTranslate server with a gate: closed, requests wait for it.

    While the gate is closed no answer reaches the child, so it has nothing
    to write: the test knows exactly when the child is idle with the lock held.
    """

    def __init__(self, latency: float = 0.0) -> None:
        self.server = MTServer(latency=latency).start()
        self.gate = threading.Event()
        self.gate.set()
        fault = self.server.fault

        def gated() -> str:
            while not self.gate.wait(0.05):
                if self.server.stopping.is_set():
                    break
            return fault()

        self.server.fault = gated

    @property
    def url(self) -> str:
        return self.server.url

    def requests(self) -> list[dict]:
        return self.server.translations()

    def wait_requests(self, n: int, timeout: float = 20.0, proc: subprocess.Popen | None = None) -> None:
        """Wait until the server has seen *n* translation requests."""
        deadline = time.monotonic() + timeout
        while len(self.requests()) < n:
            if proc is not None and proc.poll() is not None:
                out, err = proc.communicate()
                raise AssertionError(f"child ended early ({proc.returncode}):\n{out}\n{err}")
            if time.monotonic() > deadline:
                raise AssertionError(f"only {len(self.requests())} requests after {timeout}s")
            time.sleep(0.02)

    def stop(self) -> None:
        self.gate.set()
        self.server.stop()


def translate_args(url: str, *extra: str) -> list[str]:
    return ["translate", "--engine", "libre", "--url", url, "--no-memory", *extra]

"""The programs tests use as oracles (gettext's msgfmt, Chromium): skipped when absent, an error in CI.

``.ci/run`` installs them; a CI run (``CI=true``) that lacks one fails the
test that needs it instead of skipping it silently.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def require(*names: str, install: str) -> str:
    """The path of the first program of *names* found; skip (fail in CI) when none is."""
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    message = f"{names[0]} is not installed (apt-get install {install})"
    if IN_CI:
        pytest.fail(f"{message}: .ci/run must install it", pytrace=False)
    pytest.skip(message)


def msgfmt_check(data: bytes) -> tuple[int, str]:
    """Run ``msgfmt -c`` on PO bytes: (exit code, its complaints)."""
    proc = subprocess.run([require("msgfmt", install="gettext"), "-c", "-o", os.devnull, "-"],
                          input=data, capture_output=True)
    return proc.returncode, proc.stderr.decode("utf-8", "replace")

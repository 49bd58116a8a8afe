"""Versions of installed libraries, read the way importlib.metadata reads them, but cheaply.

Stage keys (:func:`pipeline.state.manifest.stage_key`) and the settings
marker (:func:`pipeline.config.load_project`: settings checked once per
version of the libraries that check them) name library versions on every
command; importing importlib.metadata and its e-mail parser costs about
10 ms of start-up, so the plain cases are read here and the rest left to it.
"""

from __future__ import annotations

import functools
import os
import re
import sys


@functools.lru_cache(maxsize=None)
def library_version(dist: str) -> str:
    """The version of the installed distribution *dist*, or ``"absent"``.

    What :func:`importlib.metadata.version` answers, read directly where that
    is plain (:func:`_plain_version`): importing importlib.metadata and its
    e-mail parser cost about 10 ms of every command's start-up.
    """
    version = _plain_version(dist)
    if version is not None:
        return version
    from importlib import metadata
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "absent"


def _plain_version(dist: str) -> str | None:
    """The ``Version`` field of the first ``<dist>-*.dist-info`` (or ``.egg-info``) folder on
    ``sys.path``, as importlib.metadata finds it; None for anything else (no such folder, a
    zip or an egg on the path, an odd field): importlib.metadata answers those."""
    wanted = _dist_key(dist)
    for entry in sys.path:
        if entry.lower().endswith(".egg"):
            return None
        found = _dist_folders(entry)
        if found is None:
            return None
        if wanted in found:
            return _metadata_version(os.path.join(entry, found[wanted]))
    return None


@functools.lru_cache(maxsize=None)
def _dist_folders(entry: str) -> dict[str, str] | None:
    """The first ``.dist-info``/``.egg-info`` folder of each distribution in the sys.path
    folder *entry* (listed once for every library a key names); None if it is not a folder."""
    try:
        names = os.listdir(entry or ".")
    except FileNotFoundError:
        return {}
    except OSError:
        return None
    found: dict[str, str] = {}
    for name in names:
        low = name.lower()
        if low.endswith((".dist-info", ".egg-info")):
            found.setdefault(_dist_key(low.rpartition(".")[0].partition("-")[0]), name)
    return found


def _dist_key(name: str) -> str:
    """A distribution name as importlib.metadata compares them (PEP 503, dashes as underscores)."""
    return re.sub(r"[-_.]+", "_", name).lower()


def _metadata_version(folder: str) -> str | None:
    """The ``Version:`` field of a .dist-info/.egg-info folder, None if it is not plainly there."""
    for file in ("METADATA", "PKG-INFO"):
        try:
            with open(os.path.join(folder, file), encoding="utf-8") as fh:
                for line in fh:
                    if not line.strip() or line[0] in " \t":
                        return None  # end of the fields, or a folded one: not this simple
                    name, colon, value = line.partition(":")
                    if colon and name.lower() == "version":
                        return value.lstrip(" \t").rstrip("\r\n")
        except (OSError, UnicodeDecodeError):
            continue
        return None
    return None

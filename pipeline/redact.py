"""Credentials in URLs: find them and mask them, in messages, logs and the lock note.

Kept out of :mod:`pipeline.textpatterns` because every command that writes
needs it (the lock note shows the command line) and most need none of those
patterns, which cost 4 ms to compile at each start-up.
"""

from __future__ import annotations

import re

#: Query keys whose values are credentials (``?api_key=...``, ``&token=...``).
SECRET_QUERY_KEY = re.compile(r"^(?:api[_-]?key|apikey|key|auth[_-]?key|access[_-]?token|token|"
                              r"password|passwd|pwd|secret|client[_-]?secret|sig|signature|"
                              r"subscription[_-]?key|x-api-key)$", re.IGNORECASE)
#: A URL with a scheme, as it may appear in a message or a command line.
ANY_URL = re.compile(r"\b[A-Za-z][A-Za-z0-9+.-]*://[^\s<>\"']+")


def url_secrets(url: str | None) -> list[str]:
    """The credentials a URL carries: its userinfo's password (or lone user) and secret query values.

    >>> url_secrets("http://desk:S3cret@mt.local:5000/?api_key=K123&lang=ar")
    ['S3cret', 'K123']
    >>> url_secrets("https://ghp_TOKEN@example.org/"), url_secrets("http://mt.local/")
    (['ghp_TOKEN'], [])
    """
    from urllib.parse import parse_qsl, urlsplit
    if not url:
        return []
    try:
        parts = urlsplit(url)
    except ValueError:
        return []
    found = []
    userinfo = parts.netloc.rpartition("@")[0] if "@" in parts.netloc else ""
    if userinfo:
        user, colon, password = userinfo.partition(":")
        found.append(password if colon else user)
    found += [v for k, v in parse_qsl(parts.query, keep_blank_values=True)
              if v and SECRET_QUERY_KEY.match(k)]
    return [s for s in found if s]


def redact_url(url: str) -> str:
    """Return *url* with its credentials replaced by ``***`` (user names stay).

    >>> redact_url("http://desk:S3cret@mt.local:5000/v1?api_key=K123&lang=ar")
    'http://desk:***@mt.local:5000/v1?api_key=***&lang=ar'
    >>> redact_url("https://TOKEN@example.org/x")
    'https://***@example.org/x'
    """
    from urllib.parse import urlsplit, urlunsplit
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, host = netloc.rpartition("@")
        user, colon, _password = userinfo.partition(":")
        netloc = f"{user}:***@{host}" if colon else f"***@{host}"
    query = "&".join(
        f"{k}=***" if SECRET_QUERY_KEY.match(k.partition("=")[0]) and "=" in piece else piece
        for piece in parts.query.split("&") if piece
        for k in [piece.partition("=")[0]]) if parts.query else ""
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def redact_urls(text: str) -> str:
    """Redact the credentials of every URL in *text* (messages, log lines, lock notes).

    >>> redact_urls("cannot reach http://u:pw@h:1/ (refused)")
    'cannot reach http://u:***@h:1/ (refused)'
    """
    return ANY_URL.sub(lambda m: redact_url(m.group(0)), text) if "://" in text else text

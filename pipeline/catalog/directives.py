"""Format directives (c-format, python-format, python-brace-format) as msgfmt -c compares them.

Each reader maps a string to its arguments: ``{position or name: kind}``
(``None`` when the string cannot be read as that format).
"""

from __future__ import annotations

import re

# c-format: %[pos$][flags][width][.prec][size]conv
_C_FORMAT = re.compile(r"%(?:(\d+)\$)?[-+ #0']*(?:\d+|\*(?:\d+\$)?)?(?:\.(?:\d+|\*(?:\d+\$)?))?"
                       r"(?:hh|h|ll|l|L|q|j|z|Z|t|I)?([diouxXeEfFgGaAcspnm%]|<[A-Za-z0-9_]+>)")
_PY_FORMAT = re.compile(r"%(?:\(([^)]*)\))?[-+ #0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[hlL]?"
                        r"([diouxXeEfFgGcrsab%])")
_BRACE_FORMAT = re.compile(r"\{\{|\}\}|\{([^{}:!]*)(?:![rsa])?(?::[^{}]*)?\}")
_KIND = {**dict.fromkeys("diouxXc", "integer"), **dict.fromkeys("eEfFgGaA", "float"),
         "s": "string", "p": "pointer", "n": "count", "r": "string", "a": "string", "b": "bytes"}


def _c_args(s: str) -> dict[str, str] | None:
    args: dict[str, str] = {}
    auto = 0
    for m in _C_FORMAT.finditer(s):
        conv = m.group(2)
        if conv in ("%", "m"):
            continue
        if m.group(1):
            key = m.group(1)
        else:
            auto += 1
            key = str(auto)
        args[key] = _KIND.get(conv, conv)
    return args


def _py_args(s: str) -> dict[str, str]:
    args: dict[str, str] = {}
    auto = 0
    for m in _PY_FORMAT.finditer(s):
        if m.group(2) == "%":
            continue
        if m.group(1) is not None:
            key = m.group(1)
        else:
            auto += 1
            key = f"#{auto}"
        args[key] = _KIND.get(m.group(2), m.group(2))
    return args


def _brace_args(s: str) -> dict[str, str]:
    return {m.group(1) or "#": "any" for m in _BRACE_FORMAT.finditer(s) if m.group(0) not in ("{{", "}}")}


FORMATS = {"c-format": _c_args, "python-format": _py_args, "python-brace-format": _brace_args}


def arg_name(key: str) -> str:
    """How a message names an argument: ``number 2`` for a position, else its name."""
    if key.startswith("#"):
        return f"number {key[1:]}"
    return f"argument {key!r}"

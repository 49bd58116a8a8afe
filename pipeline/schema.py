"""The settings schema: every key of ``[tool.newsloc]`` and its sub-tables (pydantic only here).

A project's settings are checked once, when the project loads, before any
work or request: a wrong type, a value out of range, an unknown engine or an
unknown key (a typo must not silently fall back to a default engine) is one
:class:`~pipeline.errors.SettingsError` naming the table and key, e.g.::

    pyproject.toml: [tool.newsloc.translate] retries: expected an integer, got "many"

Rules the schema encodes (docs/settings.md lists every key):

* **types are strict**: ``true`` is not a number, ``"3"`` is not an integer,
  ``translate = "libre"`` is not a table. An integer is accepted where a
  number is expected.
* **ranges**: ``concurrency`` ≥ 1, ``rate`` ≥ 0, ``timeout`` > 0,
  ``retries`` 0..20, ``min_reviewed`` 0..100, ``threshold`` 1..100, ...
* **allowed values**: engine names, output formats, numbering systems.
* **folders stay inside the project**: ``articles``, ``locales`` and
  ``editions`` are relative paths without ``..`` (or absolute paths inside
  the project root); the check on what they *resolve* to is done by
  :func:`pipeline.config.load_project`, which knows the root.
* **unknown keys are errors**, in every table.

Keys other issues build on are defined here so the schema stays the one
place: ``[tool.newsloc.memory] url`` (a shared PostgreSQL memory, also from
the environment variable ``NEWSLOC_MEMORY_URL``) and the ``llm`` engine's
``model``, ``max_tokens``, ``token_budget``, ``context``, ``response_format``,
``api_version`` and ``temperature``.

:func:`validate_settings` returns the table with defaults *not* filled in
(the stage that owns a table keeps its defaults), as plain dicts, so the
rest of the code keeps reading ``project.section(name)``.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath, PureWindowsPath
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError, field_validator

#: Every engine name ``engine =`` may give (the translate stage's registry
#: must be a subset; a test holds them together).
ENGINE_NAMES = ("deepl", "fake", "google", "libre", "llm", "memory", "microsoft", "mymemory")
FORMAT_NAMES = ("html", "md", "txt")
DIGIT_SYSTEMS = ("arab", "arabext", "latn")
MEMORY_URL_SCHEMES = ("postgresql", "postgres")
#: What a locale code looks like (babel then decides whether it knows it).
LOCALE_PATTERN = r"^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*$"


class _Table(BaseModel):
    """A TOML table: strict types, unknown keys refused, never mutated."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _url(value: str | None, schemes: tuple[str, ...]) -> str | None:
    from urllib.parse import urlsplit
    if value is None:
        return value
    parts = urlsplit(value)
    if parts.scheme.lower() not in schemes or not parts.netloc:
        raise ValueError(f"expected a URL starting with {' or '.join(s + '://' for s in schemes)}")
    return value


class EngineSettings(_Table):
    """Keys of ``[tool.newsloc.translate]`` shared with ``[tool.newsloc.translate.<engine>]``."""

    url: str | None = None                      # service root (LibreTranslate, proxy, LLM server)
    api_key: str | None = None                  # better: the engine's environment variable
    region: str | None = None                   # Microsoft resource region
    email: str | None = None                    # MyMemory's higher free quota
    free: StrictBool | None = None              # DeepL free API
    timeout: float | None = Field(None, gt=0, le=3600)   # total seconds per request
    concurrency: int | None = Field(None, ge=1, le=256)
    rate: float | None = Field(None, ge=0)                 # requests per second, 0 = unlimited
    retries: int | None = Field(None, ge=0, le=20)
    backoff: float | None = Field(None, ge=0, le=600)
    max_answer_ratio: float | None = Field(None, ge=1, le=1000)   # answer length / source length
    max_response_bytes: int | None = Field(None, ge=1024, le=1 << 30)  # decompressed body cap
    deadline: float | None = Field(None, gt=0, le=86400)  # one request with its retries (llm)
    # the llm engine (docs/llm.md)
    model: str | None = Field(None, min_length=1)
    max_tokens: int | None = Field(None, ge=1)
    token_budget: int | None = Field(None, ge=1)
    context: int | None = Field(None, ge=0, le=100)
    response_format: Literal["json_schema", "json_object", "none"] | None = None
    api_version: str | None = Field(None, min_length=1)
    temperature: float | None = Field(None, ge=0, le=2)

    @field_validator("url")
    @classmethod
    def _http(cls, value: str | None) -> str | None:
        return _url(value, ("http", "https"))


class TranslateSettings(EngineSettings):
    """``[tool.newsloc.translate]``: the default engine, its settings, per-engine overrides."""

    engine: Literal[ENGINE_NAMES] | None = None  # type: ignore[valid-type]
    deepl: EngineSettings | None = None
    fake: EngineSettings | None = None
    google: EngineSettings | None = None
    libre: EngineSettings | None = None
    llm: EngineSettings | None = None
    memory: EngineSettings | None = None
    microsoft: EngineSettings | None = None
    mymemory: EngineSettings | None = None


class ExportSettings(_Table):
    """``[tool.newsloc.export]``."""

    formats: Union[list[Literal[FORMAT_NAMES]], str] | None = Field(None)  # type: ignore[valid-type]
    locale: dict[str, str] | None = None
    digits: dict[str, Literal[DIGIT_SYSTEMS]] | None = None  # type: ignore[valid-type]
    min_reviewed: float | None = Field(None, ge=0, le=100)
    proof: StrictBool | None = None

    @field_validator("formats")
    @classmethod
    def _formats(cls, value):
        if isinstance(value, str):
            items = [f.strip() for f in value.split(",") if f.strip()]
            bad = [f for f in items if f not in FORMAT_NAMES]
            if bad or not items:
                raise ValueError(f"expected formats drawn from {', '.join(FORMAT_NAMES)}")
        elif value is not None and not value:
            raise ValueError("expected at least one format")
        return value


class MemorySettings(_Table):
    """``[tool.newsloc.memory]``."""

    threshold: float | None = Field(None, gt=0, le=100)
    exact_is_reviewed: StrictBool | None = None
    url: str | None = None   # a shared PostgreSQL memory; NEWSLOC_MEMORY_URL overrides ("": none)
    desk: str | None = Field(None, min_length=1)   # this project's name in a shared memory

    @field_validator("url")
    @classmethod
    def _pg(cls, value: str | None) -> str | None:
        return _url(value, MEMORY_URL_SCHEMES) if value else value


class LimitSettings(_Table):
    """``[tool.newsloc.limits]``: sizes newsloc refuses, with a message, rather than choke on."""

    article_bytes: int | None = Field(None, ge=1024)
    entry_chars: int | None = Field(None, ge=100)
    glossary_terms: int | None = Field(None, ge=1)


class ProjectSettings(_Table):
    """``[tool.newsloc]``."""

    source: str | None = Field(None, pattern=LOCALE_PATTERN)
    languages: Union[list[Annotated[str, Field(pattern=LOCALE_PATTERN)]], Annotated[str, Field(pattern=LOCALE_PATTERN)]] | None = None
    articles: str | None = None
    locales: str | None = None
    editions: str | None = None
    allow_outside: StrictBool | None = None
    translate: TranslateSettings | None = None
    export: ExportSettings | None = None
    memory: MemorySettings | None = None
    limits: LimitSettings | None = None

    @field_validator("articles", "locales", "editions")
    @classmethod
    def _inside(cls, value: str | None) -> str | None:
        if value is None:
            return value
        if not value.strip():
            raise ValueError("expected a folder name, got an empty string")
        if ".." in PurePosixPath(value).parts or ".." in PureWindowsPath(value).parts:
            raise ValueError(f"{value!r} leaves the project ('..'); folders must stay inside it")
        return value

    @field_validator("languages")
    @classmethod
    def _langs(cls, value):
        if isinstance(value, list):
            if not value:
                raise ValueError("expected at least one language")
            if len(set(value)) != len(value):
                raise ValueError("a language is listed twice")
        return value


# --------------------------------------------------------------------------- messages

_EXPECTED = {
    "int_type": "expected an integer", "int_from_float": "expected an integer",
    "float_type": "expected a number", "bool_type": "expected true or false",
    "string_type": "expected a string", "model_type": "expected a table",
    "dict_type": "expected a table", "list_type": "expected a list",
    "model_attributes_type": "expected a table",
}


def _toml(value: Any) -> str:
    """Show a value the way it was written in TOML.

    >>> _toml("many"), _toml(True), _toml(5), _toml({"a": 1})
    ('"many"', 'true', '5', 'a table')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _value_at(data: Any, loc: tuple) -> Any:
    for part in loc:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data


def _split(loc: tuple) -> tuple[list[str], type[BaseModel], list]:
    """Split an error location into (table names, table model, key path inside that table)."""
    # pydantic names union branches in the location ("list[...]", "str", "function-..."): drop them
    loc = tuple(p for p in loc if not (isinstance(p, str) and (
        p.startswith(("list[", "function-", "dict[", "literal[", "constrained-")) or p in ("str", "int", "float"))))
    model: type[BaseModel] = ProjectSettings
    tables: list[str] = []
    k = 0
    while k < len(loc) - 1:
        field = model.model_fields.get(loc[k]) if isinstance(loc[k], str) else None
        sub = next((a for a in getattr(field.annotation, "__args__", ()) or (field.annotation,)
                    if isinstance(a, type) and issubclass(a, BaseModel)), None) if field else None
        if sub is None:
            break
        tables.append(loc[k])
        model = sub
        k += 1
    return tables, model, list(loc[k:])


def _key(path: list) -> str:
    """``["digits", "ar"]`` → ``digits.ar``; ``["formats", 1]`` → ``formats[1]``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def describe(error: dict, data: dict) -> str:
    """One line for a pydantic error: ``[tool.newsloc.<table>] <key>: <problem>``."""
    tables, model, path = _split(tuple(error["loc"]))
    value = _value_at(data, (*tables, *path))
    table = ".".join(["tool", "newsloc", *tables])
    key = _key(path)
    kind = error["type"]
    if kind == "extra_forbidden":
        if tables == ["translate"] and isinstance(value, dict):
            return f"[{table}] {key}: no such engine (engines: {', '.join(ENGINE_NAMES)})"
        return f"[{table}] {key}: unknown key (known: {', '.join(sorted(model.model_fields))})"
    if kind in _EXPECTED:
        problem = f"{_EXPECTED[kind]}, got {_toml(value)}"
    elif kind == "literal_error":
        allowed = error.get("ctx", {}).get("expected", "").replace("'", '"')
        problem = f"expected one of {allowed}, got {_toml(value)}"
    elif kind in _BOUNDS:
        bound = next(iter(error.get("ctx", {}).values()), "")
        problem = f"must be {_BOUNDS[kind]} {bound:g}, got {_toml(value)}" if isinstance(
            bound, (int, float)) else f"must be {_BOUNDS[kind]} {bound}, got {_toml(value)}"
    elif kind == "value_error":
        problem = str(error.get("ctx", {}).get("error", error["msg"]))
    elif kind in ("string_too_short", "too_short"):
        problem = f"must not be empty, got {_toml(value)}"
    elif kind == "string_pattern_mismatch":
        problem = f"expected a locale code such as \"ar\" or \"ckb_IQ\", got {_toml(value)}"
    else:
        problem = f"{error['msg']}, got {_toml(value)}"
    return f"[{table}] {key}: {problem}"


_BOUNDS = {"greater_than": ">", "greater_than_equal": "≥", "less_than": "<", "less_than_equal": "≤"}


def _most_specific(errors: list[dict]) -> dict:
    """The error to show: a union reports one per branch; the branch whose type matched says most."""
    first = errors[0]
    where = _split(tuple(first["loc"]))
    for error in errors:
        if _split(tuple(error["loc"]))[::2] == where[::2] and error["type"] not in _EXPECTED:
            return error
    return first


class SettingsInvalid(ValueError):
    """The settings table broke the schema; ``str()`` is the one-line message."""


def validate_settings(table: Any) -> dict[str, Any]:
    """Check ``[tool.newsloc]`` (*table*, as TOML gave it); return it unchanged, or raise SettingsInvalid."""
    if not isinstance(table, dict):
        raise SettingsInvalid(f"[tool] newsloc: expected a table, got {_toml(table)}")
    try:
        ProjectSettings.model_validate(table)
    except ValidationError as exc:
        raise SettingsInvalid(describe(_most_specific(exc.errors(include_url=False)), table)) from None
    return table

"""Engine options: ``[tool.newsloc.translate]`` (and its ``.<engine>`` table), environment and flags merged."""

from __future__ import annotations

import os

from ..config import Project
from ..errors import ConfigError
from .engines import KEY_VARIABLES, EngineOptions


#: Seconds per request when no ``timeout`` is set: a model writes a whole article per request.
DEFAULT_TIMEOUT = {"llm": 300.0}
#: Settings passed to engines as they are (``EngineOptions.extra``).
EXTRA_KEYS = ("email", "free", "retries", "backoff", "deadline", "max_response_bytes",
              "temperature", "max_tokens", "token_budget", "context", "response_format",
              "api_version")


def engine_options(project: Project, *, engine: str, url: str | None = None,
                   api_key: str | None = None, model: str | None = None,
                   environ: dict | None = None) -> EngineOptions:
    """Merge ``[tool.newsloc.translate]`` (and its ``.<engine>`` sub-table), environment and flags."""
    environ = os.environ if environ is None else environ
    section = project.section("translate")
    own = section.get(engine, {}) if isinstance(section.get(engine), dict) else {}
    merged = {k: v for k, v in section.items() if not isinstance(v, dict)}
    merged.update(own)
    key = api_key or environ.get(KEY_VARIABLES.get(engine, ""), None) or merged.get("api_key")
    try:
        return EngineOptions(
            url=url or merged.get("url"),
            api_key=key or None,
            region=merged.get("region"),
            timeout=float(merged.get("timeout", DEFAULT_TIMEOUT.get(engine, 30.0))),
            concurrency=int(merged["concurrency"]) if "concurrency" in merged else None,
            rate=float(merged["rate"]) if "rate" in merged else None,
            extra={k: v for k, v in merged.items() if k in EXTRA_KEYS},
            model=model or (str(merged["model"]) if merged.get("model") else None),
            # pipeline.schema checked these when the project loaded
            **{k: merged[k] for k in ("max_response_bytes", "max_answer_ratio") if k in merged},
        )
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"[tool.newsloc.translate] has a bad value: {exc}",
                          path=project.root / "pyproject.toml") from exc


def default_engine(project: Project) -> str:
    """The engine named in ``[tool.newsloc.translate] engine``, else google."""
    return str(project.section("translate").get("engine", "google"))

"""What a translate run did (:class:`Summary`), and the pre-translation step interface."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ..config import Project
from ..errors import PipelineError

if TYPE_CHECKING:
    from .sender import Failure


class PreTranslator(Protocol):
    """A step run before the engine (translation memory plugs in here).

    Called once per target language with the texts still needing a
    translation; returns ``{text: (translation, provenance_line)}`` for the
    ones it can fill, e.g. ``("...", "TM 96% other-article")``. Fills are
    written fuzzy with that provenance line. A value may carry two more
    items, ``(translation, provenance, previous_msgid, reviewed)``: the
    source the suggestion was made for (shown as ``#| msgid``) and whether
    it is written as reviewed (an exact memory match the project accepts).
    """

    def __call__(self, project: Project, lang: str, texts: list[str]) -> dict[str, tuple[str, str]]:
        ...


@dataclass
class Summary:
    """What a translate run did."""

    engine: str = ""
    catalogs: int = 0
    segments: int = 0          # entries that needed a translation
    unique: int = 0            # distinct (language, text) pairs among them
    prefilled: int = 0
    cache_hits: int = 0
    requests: int = 0          # HTTP requests (retries included)
    chars_sent: int = 0
    translated: int = 0        # entries filled
    kept: int = 0              # fills not applied: a translator edited the entry meanwhile
    failures: list[Failure] = field(default_factory=list)
    errors: list[PipelineError] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    stopped: str | None = None  # why sending stopped early
    tokens_in: int = 0         # prompt tokens the server counted (article-level engines)
    tokens_out: int = 0        # completion tokens the server counted
    extra_items: int = 0       # answer items with an id that was not asked (ignored)
    interrupted: bool = False
    elapsed: float = 0.0

    _written: set = field(default_factory=set, repr=False)

    def wrote(self, path: Path) -> None:
        """Count *path* as written (once, in the order of first writes; a set, not a list scan)."""
        if path not in self._written:
            self._written.add(path)
            self.written.append(path)

    @property
    def failed(self) -> int:
        """Entries left untranslated because of a failure."""
        return self._failed_entries

    _failed_entries: int = 0

    @property
    def ok(self) -> bool:
        return not (self.failures or self.errors or self.stopped or self.interrupted)

    def reasons(self) -> Counter:
        return Counter(f.kind for f in self.failures)

    def as_dict(self, root: Path | None = None) -> dict:
        """The summary as plain data (``newsloc translate --json``); paths relative to *root*."""
        def rel(path: Path) -> str:
            try:
                return str(path.relative_to(root)) if root else str(path)
            except ValueError:
                return str(path)
        return {
            "engine": self.engine, "ok": self.ok, "catalogs": self.catalogs,
            "segments": self.segments, "unique": self.unique, "prefilled": self.prefilled,
            "cache_hits": self.cache_hits, "requests": self.requests,
            "chars_sent": self.chars_sent, "tokens_in": self.tokens_in,
            "tokens_out": self.tokens_out, "translated": self.translated, "failed": self.failed,
            "kept": self.kept, "extra_items": self.extra_items,
            "failures": [{"lang": f.lang, "text": f.text, "kind": f.kind, "detail": f.detail}
                         for f in self.failures],
            "errors": [str(e) for e in self.errors],
            "written": [rel(p) for p in self.written],
            "stopped": self.stopped, "interrupted": self.interrupted,
            "elapsed": round(self.elapsed, 3),
        }

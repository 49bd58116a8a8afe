"""Pre-translation from the translation memory: a step of the translate stage.

:func:`pipeline.translate.run.translate_project` asks :class:`MemoryPretranslator`
first, for the texts of entries still untranslated; the stage writes the
answers, so a reviewed entry is never touched. An exact match is written
fuzzy with ``TM 100% from <slug>`` (or reviewed when ``exact_is_reviewed``
and the memory agrees on one translation from reviewed catalogues); a close
match is written fuzzy with ``TM <score>% from <slug>`` and the memory's
source as the previous msgid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..config import Project
from .memory import Match, Memory, load_memory, memory_settings, normalize_space

#: Unmatched texts a report lists (the rest are counted).
UNMATCHED_KEPT = 1000


@dataclass
class PretranslateReport:
    """What the memory did for one catalogue."""

    exact: int = 0          # filled from an identical sentence (fuzzy)
    reviewed: int = 0       # filled from an identical sentence and accepted as reviewed
    fuzzy: int = 0          # filled from a similar sentence
    unmatched: list[str] = field(default_factory=list)  # msgids left for an engine (the first 1,000)
    left: int = 0           # how many msgids were left for an engine

    @property
    def filled(self) -> int:
        return self.exact + self.reviewed + self.fuzzy

    def leave(self, text: str) -> None:
        """Count *text* as left for an engine (a cold run over an archive leaves a million)."""
        self.left += 1
        if len(self.unmatched) < UNMATCHED_KEPT:
            self.unmatched.append(text)


@dataclass
class ProjectPretranslation:
    """What pre-translation did across catalogues."""

    report: PretranslateReport = field(default_factory=PretranslateReport)
    written: list[Path] = field(default_factory=list)
    missing: list[Path] = field(default_factory=list)

class MemoryPretranslator:
    """The translate stage's pre-translation step (a ``machine.PreTranslator``).

    Called per language with the texts still needing a translation; answers
    ``{text: (translation, provenance, previous_msgid, reviewed)}`` for the
    ones the memory serves. The memory is loaded once, on first use, and
    counts of what it served are kept for the command's summary.
    """

    def __init__(self, project: Project, *, memory: Memory | None = None) -> None:
        self.threshold, self.exact_is_reviewed = memory_settings(project)
        self._memory = memory
        self._project = project
        self.served = PretranslateReport()

    @property
    def memory(self) -> Memory:
        if self._memory is None:
            self._memory = load_memory(self._project)
        return self._memory

    def __call__(self, project: Project, lang: str, texts: list[str]) -> dict[str, tuple[str, str, str | None, bool]]:
        out: dict[str, tuple[str, str, str | None, bool]] = {}
        texts = [text for text in texts if text.strip()]
        # All of them at once: on PostgreSQL a round trip per kind of question, not per text.
        matches = self.memory.lookup_many([normalize_space(t) for t in texts], lang, threshold=self.threshold)
        for text in texts:
            match = matches[normalize_space(text)]
            if match is None:
                self.served.leave(text)
                continue
            accept = self._accepts(match)
            if accept:
                self.served.reviewed += 1
            elif match.exact:
                self.served.exact += 1
            else:
                self.served.fuzzy += 1
            out[text] = (_with_outer_space(text, match.unit.target), match.provenance,
                         None if match.exact else match.unit.source, accept)
        return out

    def _accepts(self, match: Match) -> bool:
        return accepts_as_reviewed(match, self.exact_is_reviewed)


def accepts_as_reviewed(match: Match, exact_is_reviewed: bool) -> bool:
    """True when a match may be written as reviewed: exact, from the desk's own
    reviewed catalogues, unambiguous, and the project says so."""
    return (exact_is_reviewed and match.exact and not match.unit.imported and not match.unit.foreign
            and match.alternatives == 1)


def _with_outer_space(msgid: str, target: str) -> str:
    """Give *target* the leading and trailing whitespace of *msgid*.

    >>> _with_outer_space(" Hello\\n", "مرحبا ")
    ' مرحبا\\n'
    """
    lead = msgid[:len(msgid) - len(msgid.lstrip())]
    trail = msgid[len(msgid.rstrip()):]
    return lead + target.strip() + trail

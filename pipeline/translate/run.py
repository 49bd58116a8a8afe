"""The translate stage: machine translation for review, fast, cheap and safe.

:func:`translate_project` fills untranslated entries of the target
catalogues, in clear steps:

1. **collect** the entries that need a translation, per catalogue. A
   reviewed (non-fuzzy) translation is never touched; an entry that is
   fuzzy with a translation (its source changed, or an earlier suggestion)
   keeps it unless ``retranslate``;
2. **prefill** with pre-translators (the seam for translation memory:
   ``prefill=[...]`` callables, see :class:`PreTranslator`), which fill what
   they can before any engine is asked;
3. **dedupe** identical texts across articles (one request per text and
   target language);
4. **cache**: what the engine produced before (:mod:`pipeline.translate.cache`) is
   reused, never paid for twice;
5. **protect**: numbers, URLs, e-mails, credits and glossary terms are
   masked (:mod:`pipeline.protect`);
6. **split** texts over the engine's length limit at sentence, then
   clause, then word boundaries;
7. **send** concurrently: a per-engine number of worker threads (one client
   each), a shared rate limit, timeouts, and retries with exponential
   backoff on 429, 5xx, timeouts and connection errors. A fatal answer
   (refused key, used-up quota) or an engine that keeps failing stops all
   sending;
8. **validate**: ``None``, MyMemory's quota warning, the source returned
   unchanged (sentences of 4+ words) and lost or garbled masks are rejected;
9. **restore** masks and outer whitespace;
10. **write** each result ``fuzzy`` with ``#. MT: <engine> <date>``.

Steps 4-10 are in :mod:`.dispatch`, loaded only when an engine sends
(``--engine memory`` stops after step 3).

An **article-level** engine (``engine.article_level``: ``llm``) goes
through the same steps with one difference at 6-7: instead of one request
per text, the texts one article needs in one language go together in one
request (split by the engine's token budget), with the article's context
(:mod:`.articles`); the answer is matched to the texts by id, and each
text is validated (masks, type, script) on its own, so a bad item fails
alone and never lands on a neighbour. Its cache key names the model and
its prompt version; the tokens the server counted are added up in
:class:`Summary`.

Saving: catalogues are written atomically as results arrive (when a
catalogue is complete and at least every :data:`~pipeline.translate.dispatch.FLUSH_SECONDS`), and on
failure or Ctrl-C, so nothing received is lost; a rerun resumes (the cache
answers what was already received). Before writing, the file is compared
with what was read: if a translator saved it meanwhile, it is re-read and
only entries still as they were get the suggestion.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

from ..config import Project
from .engines import EngineOptions, get_engine
from ..state.manifest import Manifest
from .memory import Memory
from .pretranslate import MemoryPretranslator, ProjectPretranslation
from .catalogs import CatalogState, apply_fill, collect, record_done, save_states, translate_key
from .summary import PreTranslator, Summary

if TYPE_CHECKING:
    from .cache import MTCache

RETRIES = 3                  # extra attempts after a transient failure
BACKOFF = 0.5                # first backoff in seconds, doubled each retry

#: Catalogues read, filled and saved together: memory stays bounded and the
#: bookkeeping linear however large the archive (texts repeated across batches
#: come from the MT cache).
BATCH_CATALOGUES = 300


@dataclass
class StageRun:
    """What the batches of one translate run share."""

    project: Project
    engine: str
    eng: object
    options: EngineOptions
    retries: int
    backoff: float
    summary: Summary
    progress: Callable[[int, int], None] | None
    cache: MTCache | None = None
    checked: set = field(default_factory=set)
    glossaries: dict = field(default_factory=dict)
    prints: dict = field(default_factory=dict)
    styles: dict = field(default_factory=dict)     # lang → style notes (article-level engines)
    done: int = 0

    def report(self) -> None:
        if self.progress is not None:
            total = self.summary.segments
            self.progress(min(self.done, total), total)


def translate_project(project: Project, paths: Sequence[Path], langs: Sequence[str], *,
                      engine: str = "google", options: EngineOptions | None = None,
                      retranslate: bool = False, prefill: Sequence[PreTranslator] = (),
                      progress: Callable[[int, int], None] | None = None,
                      retries: int = RETRIES, backoff: float = BACKOFF) -> Summary:
    """Fill the untranslated entries of *paths* × *langs* with suggestions from *engine*.

    Catalogues are handled :data:`BATCH_CATALOGUES` at a time (read, filled,
    saved), so the cost is linear in segments and memory does not grow with
    the archive.
    """
    started = time.monotonic()
    options = options or EngineOptions()
    retries = int(options.extra.get("retries", retries))
    backoff = float(options.extra.get("backoff", backoff))
    summary = Summary(engine=engine)
    eng = get_engine(engine, options)    # unknown name, missing key or URL: fail before anything
    run = StageRun(project, engine, eng, options, retries, backoff, summary, progress)
    manifest = Manifest.load(project, "translate", translate_key(project), lazy=True)
    pairs = [(path, lang) for path in paths for lang in langs]
    try:
        for k in range(0, len(pairs), BATCH_CATALOGUES):
            states = collect(project, pairs[k:k + BATCH_CATALOGUES], retranslate, summary, manifest)
            try:
                if states:
                    _translate_batch(run, states, prefill)
            finally:
                record_done(project, manifest, states)
            if summary.interrupted or summary.stopped:
                break
        run.report()
    finally:
        if run.cache is not None:
            run.cache.close()
        eng.close()
        summary.failures = [f for f in summary.failures if f.kind != "not sent"] + \
            [f for f in summary.failures if f.kind == "not sent"]
        summary.elapsed = time.monotonic() - started
    return summary


def _translate_batch(run: StageRun, states: list[CatalogState], prefill: Sequence[PreTranslator]) -> None:
    project, eng, summary = run.project, run.eng, run.summary
    summary.segments += sum(len(s.needs) for s in states)
    langs = sorted({s.lang for s in states})

    # Which catalogues need each (language, text), in catalogue order so that
    # early catalogues complete first (one pass: linear in segments).
    holders: dict[tuple[str, str], list[CatalogState]] = {}
    for state in states:
        for entry in state.po:
            if entry.msgid in state.open_texts:
                owners = holders.setdefault((state.lang, entry.msgid), [])
                if not owners or owners[-1] is not state:
                    owners.append(state)

    # Step 2: pre-translators (translation memory) fill what they can first.
    for pre in prefill:
        for lang in langs:
            texts = sorted(t for (lg, t), owners in holders.items()
                           if lg == lang and any(t in s.open_texts for s in owners))
            if not texts:
                continue
            for text, fill in pre(project, lang, texts).items():
                for state in holders.get((lang, text), ()):
                    if text in state.open_texts:
                        filled = apply_fill(state, text, *fill)
                        summary.prefilled += filled
                        run.done += filled

    # Step 3: dedupe (language, text) across catalogues.
    wanted: dict[tuple[str, str], list[CatalogState]] = {}
    for key, owners in holders.items():
        owners = [s for s in owners if key[1] in s.open_texts]
        if owners:
            wanted[key] = owners
    summary.unique += len(wanted)

    if not wanted or not getattr(eng, "sends", True):  # e.g. --engine memory: offline
        save_states(states, summary)
        run.report()
        return

    from .dispatch import send_batch   # the sending machinery: only for an engine that sends
    send_batch(run, states, wanted)


def pretranslate_catalogs(project: Project, slugs: Iterable[str], languages: Iterable[str], *,
                          memory: Memory | None = None, retranslate: bool = False) -> ProjectPretranslation:
    """Pre-translate the catalogues of *slugs* × *languages* from the memory alone.

    This is ``newsloc translate --engine memory`` as a function: the same
    stage (:func:`translate_project`) with the memory as its
    only source, so it saves, re-reads a translator's concurrent save and
    never touches a reviewed entry exactly as the command does.
    """
    step = MemoryPretranslator(project, memory=memory)
    slugs = list(slugs)
    summary = translate_project(project, project.find_articles(slugs), list(languages),
                                engine="memory", retranslate=retranslate, prefill=[step])
    if summary.errors and not all("no catalogue" in str(e) for e in summary.errors):
        raise summary.errors[0]
    return ProjectPretranslation(report=step.served, written=list(summary.written),
                                 missing=[e.path for e in summary.errors if e.path is not None])

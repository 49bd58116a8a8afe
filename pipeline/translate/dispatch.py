"""Steps 4-10 of the translate stage for an engine that sends (every engine but ``memory``).

:func:`pipeline.translate.run.translate_project` reads a batch of catalogues
and lets the pre-translators (the memory) fill what they can; what is left
comes here (:func:`send_batch`): cache, protect, split, send, validate,
restore, write, as :mod:`pipeline.translate.run` describes. Kept apart
from the stage so that ``translate --engine memory``, which sends nothing,
never imports the glossary, masks, article requests and sender: start-up
is most of what pre-translating one article costs.
"""

from __future__ import annotations

import hashlib
import logging
import queue
import time
from typing import TYPE_CHECKING, Callable, Iterable

from ..config import slug_for
from ..errors import EngineError
from ..segment import MARKUP_FLAG
from .answer import AnswerRefused, check_answer
from .articles import Batch, plan_batches, read_style, style_fingerprint
from .cache import MTCache
from .catalogs import SAVE_BATCH, CatalogState, apply_fill, provenance_line, save_states
from .engines import EngineOptions
from .engines.prompt import language_facts
from .glossary import Glossary, load_glossary
from .protect import Masked, MaskError, mask, unmask_source
from .sender import (ArticleResult, ArticleWork, DeferredInterrupt, Failure, Pool, Request, failure_kind,
                     split_text, validate)
from .summary import Summary

if TYPE_CHECKING:
    from .run import StageRun

log = logging.getLogger(__name__)

FLUSH_SECONDS = 2.0          # save received results at least this often


def glossary_fingerprint(glossary: Glossary) -> str:
    """Identify the glossary renderings a cached result was made with."""
    if not glossary.terms:
        return ""
    data = "\n".join(f"{k}\t{v}" for k, v in sorted(glossary.terms.items()))
    return hashlib.sha256(data.encode()).hexdigest()[:16]


def _prepare(run: StageRun, langs: Iterable[str]) -> None:
    """Check the engine serves each language (before any request); load its glossary; open the cache."""
    for lang in sorted(set(langs) - run.checked):
        run.eng.check(run.project.source, lang)      # before any translation request
        run.checked.add(lang)
        run.glossaries[lang] = load_glossary(run.project, lang)
        run.prints[lang] = glossary_fingerprint(run.glossaries[lang])
    if run.cache is None:
        run.cache = MTCache.for_project(run.project)


def send_batch(run: StageRun, states: list[CatalogState],
               wanted: dict[tuple[str, str], list[CatalogState]]) -> None:
    """Steps 4-10 for the (language, text) pairs of *states* no pre-translator filled."""
    project, eng, summary = run.project, run.eng, run.summary
    _prepare(run, (lang for lang, _ in wanted))
    # Entries of Markdown/HTML articles hold inline CommonMark (flag md-text): their
    # spans are masked too, and their results are cached apart from plain texts'.
    markup = {e.msgid.strip() for s in states for e in s.po if MARKUP_FLAG in e.flags}
    prints = _Prints(run.prints, markup)
    plan = _plan_articles if getattr(eng, "article_level", False) else _plan_texts
    writer = _Writer(states, summary)
    works, handle = plan(run, wanted, prints, writer)
    pool = Pool(eng, project.source, run.options, run.retries, run.backoff)
    writer.flush()
    run.report()
    try:
        _drive(pool, works, handle, writer, summary)
    finally:
        writer.flush(force=True)


class _Prints:
    """Cache fingerprints per (language, text), and which texts hold inline markup."""

    def __init__(self, glossary: dict[str, str], markup: set[str]) -> None:
        self.glossary, self.markup = glossary, markup

    def is_markup(self, text: str) -> bool:
        return text.strip() in self.markup

    def __call__(self, lang: str, text: str) -> str:
        return self.glossary[lang] + ("+md-text" if self.is_markup(text) else "")


class _Writer:
    """Saves pending fills: completed catalogues together, every one at least every FLUSH_SECONDS.

    Completed catalogues are saved :data:`SAVE_BATCH` at a time (one sync to
    disk for all, :func:`save_states`), or when due (every FLUSH_SECONDS);
    partly filled ones when the engine is idle that long, and at the end.
    Only catalogues touched since the last flush are looked at: a scan of
    all catalogues per result made a cold run quadratic in the archive's size.
    """

    def __init__(self, states: list[CatalogState], summary: Summary) -> None:
        self.states, self.summary = states, summary
        self.touched: dict[int, CatalogState] = {}
        self.last = time.monotonic()

    def touch(self, state: CatalogState) -> None:
        self.touched[id(state)] = state

    def flush(self, force: bool = False, due: bool = False) -> None:
        picked = [(id(s), s) for s in self.states] if force else list(self.touched.items())
        ready = [s for _, s in picked if s.pending and (force or not s.open_texts)]
        if not (force or due) and len(ready) < SAVE_BATCH:
            return
        save_states(ready, self.summary)
        for key, state in picked:
            if force or not state.pending:
                self.touched.pop(key, None)
        if force or due:
            self.last = time.monotonic()

    def tick(self) -> None:
        self.flush(due=time.monotonic() - self.last >= FLUSH_SECONDS)

    def idle(self) -> None:
        if time.monotonic() - self.last >= FLUSH_SECONDS:
            self.flush(force=True)


def _drive(pool: Pool, works: list, handle: Callable[[object], None], writer: _Writer,
           summary: Summary) -> None:
    """Step 7: send *works* through *pool*, hand each result to *handle*, save as they arrive.

    Ctrl-C stops at a clean point between two results (see
    :class:`DeferredInterrupt`); whatever was received is saved by the caller.
    """
    stop = DeferredInterrupt()
    try:
        stop.install()
        pool.start()
        for work in works:
            pool.todo.put(work)
        outstanding = len(works)
        while outstanding:
            stop.check()
            try:
                result = pool.done.get(timeout=0.2)
            except queue.Empty:
                writer.idle()
                if not any(t.is_alive() for t in pool.threads):  # never wait for nobody
                    pool.halt("the engine's workers ended unexpectedly")
                    break
                continue
            outstanding -= 1
            summary.requests += result.attempts
            summary.chars_sent += result.chars
            handle(result)
            if isinstance(result, ArticleResult):
                pool.judge(result)
            writer.tick()
    except KeyboardInterrupt:
        summary.interrupted = True
        pool.halt("interrupted")
    finally:
        stop.uninstall()
        pool.close()
        stopped = pool.stop_reason if pool.stop_reason != "interrupted" else None
        if stopped:
            summary.stopped = stopped


def _failer(wanted: dict[tuple[str, str], list[CatalogState]], summary: Summary,
            writer: _Writer):
    """Return fail(lang, text, kind, detail): count a text's entries as failed, once."""
    def fail(lang: str, text: str, kind: str, detail: str) -> None:
        summary.failures.append(Failure(lang, text, kind, detail))
        summary._failed_entries += sum(1 for s in wanted[(lang, text)] for k in s.needs
                                       if k[1] == text)
        for state in wanted[(lang, text)]:
            state.open_texts.discard(text)
            writer.touch(state)       # it may be complete now: save what it has
    return fail


def _completer(run: StageRun, wanted: dict[tuple[str, str], list[CatalogState]], provenance: str,
               writer: _Writer):
    """Return complete((lang, text), translation): queue the fill in every catalogue wanting it."""
    def complete(key: tuple[str, str], translation: str) -> None:
        for state in wanted[key]:
            run.done += apply_fill(state, key[1], translation, provenance)
            writer.touch(state)
    return complete


def _usable(cached: str | None, text: str, options: EngineOptions) -> str | None:
    """A cached answer, if it still passes the answer checks (a cache an older newsloc wrote may not)."""
    if cached is None:
        return None
    try:
        return check_answer(cached, text, max_ratio=options.max_answer_ratio)
    except AnswerRefused as exc:
        log.warning("cached answer for %r not reused: %s", text[:60], exc)
        return None


def _cached(cache: MTCache, key: str, source: str, wanted: Iterable[tuple[str, str]],
            fingerprint: Callable[[str, str], str]) -> dict[tuple[str, str], str]:
    """The cache's answers for *wanted* (lang, text) pairs, looked up in bulk.

    A few queries per language, not one per text: a round trip each on a
    shared PostgreSQL cache.
    """
    hits: dict[tuple[str, str], str] = {}
    for lang in sorted({lang for lang, _ in wanted}):
        texts = [text for lg, text in wanted if lg == lang]
        found = cache.lookup_many(key, source, lang, texts, lambda t, lg=lang: fingerprint(lg, t))
        hits.update(((lang, t), r) for t, r in found.items())
    return hits


def _plan_texts(run: StageRun, wanted: dict[tuple[str, str], list[CatalogState]], prints: _Prints,
                writer: _Writer):
    """Steps 4-6 for a per-text engine: cache, mask, split; return (requests, result handler)."""
    project, engine, eng, summary = run.project, run.engine, run.eng, run.summary
    glossaries, cache = run.glossaries, run.cache
    complete = _completer(run, wanted, provenance_line(engine), writer)
    fail = _failer(wanted, summary, writer)
    jobs: dict[tuple[str, str], dict] = {}     # (lang, text) → pieces, translations
    requests_by_piece: dict[tuple[str, str], list[tuple[str, str, int]]] = {}
    finished: list[tuple[tuple[str, str], str]] = []
    def lookup(lang: str, text: str, whole: str) -> str | None:
        return _usable(cache.lookup(engine, project.source, lang, text, prints(lang, whole)),
                       text, run.options)

    hits = _cached(cache, engine, project.source, wanted, prints)
    for (lang, text) in wanted:
        cached = _usable(hits.get((lang, text)), text, run.options)
        if cached is not None:
            summary.cache_hits += 1
            finished.append(((lang, text), cached))
            continue
        core = text.strip()
        is_markup = prints.is_markup(text)
        whole = mask(text, glossaries[lang], markup=is_markup)
        if whole.only_masks:
            finished.append(((lang, text), unmask_source(whole)))
            continue
        limit = max(50, eng.max_chars - 50)
        if is_markup and len(whole.text) > limit:
            # Cutting would split spans between requests: left for the translator.
            fail(lang, text, "too long", "an entry with inline markup longer than the engine's "
                 f"limit ({eng.max_chars})")
            continue
        pieces = [(p, g) for p, g in split_text(core, limit)] if len(whole.text) > limit else [(core, "")]
        job = {"pieces": pieces, "out": [None] * len(pieces), "lead": whole.lead, "trail": whole.trail,
               "left": len(pieces)}
        jobs[(lang, text)] = job
        for index, (piece, _gap) in enumerate(pieces):
            cached = lookup(lang, piece, text) if len(pieces) > 1 else None
            if cached is not None:
                job["out"][index] = cached
                job["left"] -= 1
                continue
            requests_by_piece.setdefault((lang, piece), []).append((lang, text, index))

    def join(job) -> str:
        body = "".join(out.strip() + gap for out, (_p, gap) in zip(job["out"], job["pieces"]))
        return job["lead"] + body.strip() + job["trail"]

    for key, translation in finished:
        complete(key, translation)
    for key, job in jobs.items():
        if job["left"] == 0:
            translation = join(job)
            cache.put(engine, project.source, key[0], key[1], translation, prints(*key))
            complete(key, translation)

    def handle(result) -> None:
        req = result.request
        owners = requests_by_piece[(req.lang, req.source)]
        if result.failure is not None:
            for lang, text, _index in owners:
                job = jobs[(lang, text)]
                if not job.get("failed"):
                    job["failed"] = True
                    fail(lang, text, result.failure.kind, result.failure.detail)
            return
        for lang, text, index in owners:
            job = jobs[(lang, text)]
            job["out"][index] = result.text.strip()
            job["left"] -= 1
            if len(job["pieces"]) > 1:
                cache.put(engine, project.source, lang, req.source, result.text.strip(),
                          prints(lang, text))
            if job["left"] == 0 and not job.get("failed"):
                translation = join(job)
                cache.put(engine, project.source, lang, text, translation, prints(lang, text))
                complete((lang, text), translation)
        run.report()

    works = [Request(lang, piece, mask(piece, glossaries[lang], markup=prints.is_markup(piece)))
             for (lang, piece) in requests_by_piece]
    return works, handle


_REFUSED_KINDS = (("missing", "missing item"), ("twice", "duplicate item"),
                  ("empty", "empty translation"), ("not text", "malformed item"),
                  ("cut off", "answer cut off"), ("JSON", "malformed answer"),
                  ("answer", "malformed answer"))


def refused_kind(reason: str) -> str:
    """The short kind of an item an article-level answer did not give cleanly.

    >>> refused_kind("missing from the answer"), refused_kind("answer cut off (finish_reason length)")
    ('missing item', 'answer cut off')
    """
    for needle, kind in _REFUSED_KINDS:
        if needle in reason:
            return kind
    return "malformed item"


def _plan_articles(run: StageRun, wanted: dict[tuple[str, str], list[CatalogState]],
                   prints: _Prints, writer: _Writer):
    """Steps 4-6 for an article-level engine: cache and mask per entry, then one request per
    article and language (split by the engine's token budget); return (requests, handler).

    A text several articles need is sent with the first of them. Each text
    an answer gives goes through :func:`.sender.validate` (masks, type,
    script) before it is cached or written; everything else is a counted
    failure of that text alone.
    """
    project, eng, summary = run.project, run.eng, run.summary
    glossaries, cache = run.glossaries, run.cache
    for lang in glossaries:
        if lang not in run.styles:    # a bad style.md stops the run before anything is sent
            run.styles[lang] = read_style(project, lang)
    styles = run.styles
    complete = _completer(run, wanted, provenance_line(eng.provenance), writer)
    fail = _failer(wanted, summary, writer)
    extra = {lang: "|".join(p for p in (style_fingerprint(styles[lang]), eng.cache_salt) if p)
             for lang in glossaries}

    def fingerprint(lang: str, text: str) -> str:
        return "|".join(p for p in (prints(lang, text), extra[lang]) if p)
    key = eng.cache_engine
    todo: dict[int, dict[str, Masked]] = {}     # id(first catalogue needing it) → msgid → masked
    owner: dict[int, CatalogState] = {}
    hits = _cached(cache, key, project.source, wanted, fingerprint)
    for (lang, text), holders in wanted.items():
        cached = _usable(hits.get((lang, text)), text, run.options)
        if cached is not None:
            summary.cache_hits += 1
            complete((lang, text), cached)
            continue
        masked = mask(text, glossaries[lang], markup=prints.is_markup(text))
        if masked.only_masks:
            complete((lang, text), unmask_source(masked))
            continue
        owner[id(holders[0])] = holders[0]
        todo.setdefault(id(holders[0]), {})[text] = masked
    batches: list[Batch] = []
    for ident, texts in todo.items():
        state = owner[ident]
        batches.extend(plan_batches(slug_for(state.path), state.lang, project.source,
                                    [e for e in state.po if not e.obsolete], texts,
                                    budget=eng.token_budget, context=eng.context_size,
                                    glossary=glossaries[state.lang], style=styles[state.lang]))
    by_request = {id(b.request): b for b in batches}
    scripts = {lang: language_facts(lang).script for lang in glossaries}

    def handle(result: ArticleResult) -> None:
        batch = by_request[id(result.work.request)]
        lang = batch.lang
        answer = result.answer
        if answer is not None:
            summary.tokens_in += answer.tokens_in
            summary.tokens_out += answer.tokens_out
            summary.extra_items += len(answer.extra)
        accepted = 0
        for ident, text in batch.texts.items():
            if result.failure is not None:
                fail(lang, text, result.failure.kind, result.failure.detail)
            elif ident in answer.texts:
                try:
                    translation = validate(Request(lang, text, batch.masks[ident]),
                                           answer.texts[ident], script=scripts[lang],
                                           max_ratio=run.options.max_answer_ratio)
                except AnswerRefused as exc:     # type, size, characters: never cached
                    fail(lang, text, exc.kind, str(exc))
                    continue
                except (MaskError, EngineError) as exc:  # a quota warning: the worker has stopped the pool
                    fail(lang, text, failure_kind(str(exc)), str(exc))
                    continue
                cache.put(key, project.source, lang, text, translation, fingerprint(lang, text))
                complete((lang, text), translation)
                accepted += 1
            else:
                reason = answer.refused.get(ident, "missing from the answer")
                fail(lang, text, refused_kind(reason), reason)
        # A malformed answer was counted toward the breaker where it arrived (the worker):
        # only a parsed answer whose every item was refused is counted here.
        result.refused_all = (result.failure is None and bool(batch.texts) and not accepted
                              and not (result.answer is not None and result.answer.malformed))
        run.report()

    works = [ArticleWork(b.lang, b.request, b.chars) for b in batches]
    return works, handle

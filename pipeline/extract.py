"""Extraction: article → segments → POT template → one PO catalogue per language.

``extract_article`` is the whole first stage for one article. It writes a
file only when its content changes (see :func:`pipeline.fsutil.atomic_write`),
keeps the template's ``POT-Creation-Date`` while the entries stay the same,
and merges each existing catalogue with :func:`pipeline.catalog.merge`, so a
translator's work survives every source edit. A catalogue that cannot be
read faithfully is refused (reported, left untouched); the others go on.

``extract_articles`` runs that stage over many articles, as ``newsloc
extract`` and ``newsloc build`` do:

* **Incremental.** The extract manifest (:mod:`pipeline.manifest`) records,
  per article, the digests of the article, of the template and of each
  catalogue as the last run left them. An article whose files all still
  hash the same, under the same code and settings, is skipped; a language
  whose catalogue a translator edited is merged again (its digest changed).
  ``force=True`` ignores the manifest.
* **Parallel.** Articles that need work are segmented and merged in a pool
  of ``jobs`` processes (pySBD is CPU-bound); ``jobs=1`` works in-process.
  Each article's files depend only on that article and its own catalogues,
  so the bytes written are the same whatever the number of jobs or the
  order of completion. Articles sharing a slug (``a.txt`` and ``a.md``)
  are handled together, in order, by one worker.
* **Streaming.** One article at a time per worker; only small summaries
  travel back, so memory stays flat however large the archive.
* **Durable, batched writes.** The files of a few articles (``BATCH``) are
  written together by :func:`pipeline.fsutil.atomic_write_many`: temporary
  files, one flush of the filesystem, renames, one fsync per folder. Each
  file is as atomic and durable as with ``atomic_write``, for a fraction of
  the fsyncs (two per file cost more than segmenting on this disk).
  Every write of a batch is tried before any outcome is reported, and a
  run stopped early starts no write it has not finished.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Sequence

from . import errors as _errors
from . import fsutil as _fsutil
from .config import Project, slug_for
from .errors import ArticleError, CatalogError, PipelineError
from .fsutil import UNCHECKED, atomic_write_many
from .state.manifest import Manifest, digest_bytes, digest_path, digest_paths, stage_key
from .parallel import map_chunks, resolve_jobs, start_pool

if TYPE_CHECKING:
    from .article import Article

# article, segment and catalog (pySBD, polib, babel, rapidfuzz) are imported
# where articles are worked on: a run with nothing to do never loads them.

#: Articles whose records and digests are fetched together when a run plans its work.
PLAN_CHUNK = 500
STAGE = "extract"
LIBRARIES = ("pysbd", "polib", "babel", "rapidfuzz", "PyYAML", "markdown-it-py", "lxml")
#: Below this many articles to (re)do, a process pool costs more than it saves.
POOL_THRESHOLD = 8
#: Articles whose files are written together, with one flush (see _write_batch).
BATCH = 8


@dataclass
class ExtractResult:
    """What extraction did for one article."""

    slug: str
    entries: int = 0
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    errors: list[PipelineError] = field(default_factory=list)
    #: SHA-256 of each template/catalogue as this run left it (for the manifest).
    digests: dict[Path, str] = field(default_factory=dict)
    #: SHA-256 of the article bytes, taken before reading it.
    source_digest: str | None = None
    #: What the reader skipped or did not know ("articles/x.html: unknown element <marquee> ...").
    warnings: list[str] = field(default_factory=list)


@dataclass
class ExtractSummary:
    """What ``extract_articles`` did over a set of articles."""

    articles: int = 0          # articles extracted or up to date (failed ones excluded)
    entries: int = 0
    written: int = 0           # files written
    unchanged: int = 0         # files left as they were (skipped ones included)
    skipped: int = 0           # articles found up to date by the manifest
    jobs: int = 1              # processes that did the work (1 = in-process)
    errors: list[PipelineError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # the readers' warnings, "path: message"


def source_ref(project: Project, path: Path) -> str:
    """The article path as occurrences show it: relative to the root, with slashes.

    An article that is a symbolic link (to an archive elsewhere) is named by
    its place in the project, not by its target.
    """
    root = str(project.root)
    absolute = os.path.abspath(path)
    if absolute.startswith(root + os.sep):
        return Path(absolute[len(root) + 1:]).as_posix()
    try:
        return Path(path).resolve().relative_to(project.root).as_posix()
    except ValueError:
        return Path(path).as_posix()


def extract_article(project: Project, path: Path, languages: Iterable[str] | None = None,
                    *, article: Article | None = None) -> ExtractResult:
    """Write the template and catalogues of one article; return what changed."""
    return _finish(_prepare(project, path, languages, article=article))


@dataclass
class _Pending:
    """One article's files, computed, with their writes possibly still running."""

    result: ExtractResult
    writes: list[tuple[Path, bytes]]
    order: dict[Path, int]
    #: Per write, once done: True (written), False (unchanged) or the error met.
    outcomes: list | None = None
    #: Digest each catalogue must still have when it is replaced (None: must not exist).
    expects: dict[Path, str | None] = field(default_factory=dict)


def _prepare(project: Project, path: Path, languages: Iterable[str] | None, *,
             article: Article | None = None, trusted: tuple[str, str] | None = None) -> _Pending:
    """Compute one article's template and catalogues (reads files, writes none).

    *trusted* is ``(article digest, template digest)`` from the manifest when
    only catalogues changed: if both files still hash so, the template on
    disk is exactly what segmenting the article would give, and is read
    instead (a translator's edit then costs a merge, not a segmentation).
    """
    from .catalog import catalog_text, fresh_catalog_texts, has_header, load_catalog, merge
    langs = list(languages if languages is not None else project.languages)
    template = _trusted_template(project, path, trusted) if article is None and trusted else None
    if template is not None:
        source_digest, template, data = template
        slug = slug_for(path)
        result = ExtractResult(slug=slug, entries=len(template), source_digest=source_digest)
        pot_path = project.template_path(slug)
        writes: list[tuple[Path, bytes]] = [(pot_path, data)]
        fresh: dict[str, str] | None = None
    else:
        result, pot_path, template = _segment(project, path, article)
        # Catalogues that do not exist yet hold the template's entries as they
        # are: format those once for the template and every new language.
        missing = [lang for lang in langs if not project.catalog_path(result.slug, lang).exists()]
        pot_text, fresh = fresh_catalog_texts(template, missing)
        writes = [(pot_path, pot_text.encode("utf-8"))]
    expects: dict[Path, str | None] = {}
    for lang in langs:
        po_path = project.catalog_path(result.slug, lang)
        try:
            data = po_path.read_bytes()
        except FileNotFoundError:
            data = None
        except OSError as exc:
            result.errors.append(CatalogError(f"cannot read: {exc.strerror or exc}", path=po_path))
            continue
        if data is None:
            text = fresh[lang] if fresh and lang in fresh else _new_text(template, lang)
            writes.append((po_path, text.encode("utf-8")))
            expects[po_path] = None  # created by this run: nobody else's file may be there
            continue
        try:
            # Parse the very bytes that are hashed, so the record matches the work.
            current = load_catalog(po_path, data=data)
        except PipelineError as exc:
            result.errors.append(exc)
            continue
        if not has_header(current):
            result.warnings.append(f"{source_ref(project, po_path)}: no header entry (msgid \"\"), "
                                   "which msgfmt -c refuses: the header was restored")
        merged = merge(current, template, lang)
        declared = current.metadata.get("Plural-Forms")
        if declared is not None and merged.metadata.get("Plural-Forms") != declared:
            result.warnings.append(f"{source_ref(project, po_path)}: Plural-Forms corrected to "
                                   f"{merged.metadata['Plural-Forms']!r} (was {declared!r})")
        text = catalog_text(merged).encode("utf-8")
        if text == data or text == catalog_text(current).encode("utf-8"):
            # Nothing to merge: the file stays as the translator's tool wrote it.
            result.unchanged.append(po_path)
            result.digests[po_path] = digest_bytes(data)
            continue
        writes.append((po_path, text))
        # A translator who saves while this run merges keeps their file (ChangedOnDisk).
        expects[po_path] = digest_bytes(data)
    # Files are reported in reading order: template first, then the languages.
    order = {p: k for k, p in enumerate([pot_path] + [project.catalog_path(result.slug, lang)
                                                      for lang in langs])}
    return _Pending(result, writes, order, expects=expects)


def _new_text(template, lang: str) -> str:
    """The text of a brand-new catalogue for *lang* (its file appeared missing late)."""
    from .catalog import catalog_text, new_catalog
    return catalog_text(new_catalog(template, lang))


def _segment(project: Project, path: Path, article: Article | None):
    """Read and segment the article; return (result, template path, template)."""
    from .article import read_article
    from .catalog import build_template, load_catalog, same_entries
    from .segment import segment_article
    source_digest = digest_path(path)  # before reading: an edit made meanwhile is seen next run
    article = article or read_article(path, max_bytes=project.limit("article_bytes"))
    segments = segment_article(article, project.source)
    longest = project.limit("entry_chars")
    for segment in segments:
        if len(segment.source) > longest:
            raise ArticleError(f"a segment of {len(segment.source):,} characters; the limit is "
                               f"{longest:,} ([tool.newsloc.limits] entry_chars): split the "
                               "paragraph", path=path, lineno=segment.lineno)
    template = build_template(segments, source_ref=source_ref(project, path),
                              title=article.headline)
    result = ExtractResult(slug=article.slug, entries=len(template), source_digest=source_digest,
                           warnings=[f"{source_ref(project, path)}: {w}" for w in article.warnings])
    pot_path = project.template_path(article.slug)
    if pot_path.exists():
        try:
            old = load_catalog(pot_path)
        except PipelineError:
            # A template is derived data (nobody translates in it): a broken one
            # is rebuilt from the article rather than refused.
            old = None
        if old is not None and same_entries(old, template) and old.header == template.header:
            template = old
    return result, pot_path, template


def _trusted_template(project: Project, path: Path, trusted: tuple[str, str]):
    """Return (article digest, template, template bytes) if both files still hash as trusted."""
    from .catalog import load_catalog
    source_digest = digest_path(path)
    pot_path = project.template_path(slug_for(path))
    try:
        data = pot_path.read_bytes()
    except OSError:
        return None
    if source_digest != trusted[0] or digest_bytes(data) != trusted[1]:
        return None  # changed since the manifest was consulted: segment after all
    try:
        return source_digest, load_catalog(pot_path, data=data), data
    except PipelineError:
        return None


def _write_batch(pendings: list[_Pending]) -> None:
    """Write the files of several articles with one flush (see ``atomic_write_many``).

    Each outcome lands in its article's ``outcomes``: True, False or the error.
    """
    items = [(path, data, p.expects.get(path, UNCHECKED)) for p in pendings for path, data in p.writes]
    outcomes = atomic_write_many(items, error=CatalogError)
    k = 0
    for pending in pendings:
        pending.outcomes = outcomes[k:k + len(pending.writes)]
        k += len(pending.writes)


def _finish(pending: _Pending) -> ExtractResult:
    """Complete the article's writes (unless a batch did); return the result.

    A failed write (full disk, a link, a translator's save) is one of the
    result's errors; the files that were written are still counted, so the
    summary says what is on disk (it once said "0 file(s) written" after
    replacing 3 of 4). A file without a digest is looked at again next run.
    """
    result = pending.result
    if pending.outcomes is None:
        _write_batch([pending])
    for (path, data), written in zip(pending.writes, pending.outcomes):
        if isinstance(written, PipelineError):
            result.errors.append(written)
            continue
        if isinstance(written, BaseException):
            raise written
        (result.written if written else result.unchanged).append(path)
        result.digests[path] = digest_bytes(data)
    result.written.sort(key=lambda p: pending.order.get(p, len(pending.order)))
    result.unchanged.sort(key=lambda p: pending.order.get(p, len(pending.order)))
    return result


# ---------------------------------------------------------------- many articles

def extract_key(project: Project) -> str:
    """The manifest key of extraction: code, library versions and the settings it reads."""
    return stage_key(STAGE, libraries=LIBRARIES,
                     settings={"source": project.source, "root": str(project.root),
                               # a lowered limit applies to every article, changed or not
                               "limits": [project.limit("article_bytes"), project.limit("entry_chars")]})


@dataclass
class _Unit:
    """Articles sharing one slug (usually one), with the languages each needs."""

    paths: list[Path]
    languages: list[list[str]]
    trusted: list[tuple[str, str] | None]


def extract_articles(project: Project, paths: Sequence[Path] | None = None,
                     languages: Iterable[str] | None = None, *, jobs: int | None = None,
                     force: bool = False,
                     progress: Callable[[int], None] | None = None) -> ExtractSummary:
    """Extract many articles, skipping up-to-date ones and using *jobs* processes.

    *paths* defaults to every article of the project (and then the manifest
    forgets articles that are gone). *progress* is called with the number of
    articles finished since the last call.
    """
    every = paths is None
    paths = list(project.article_paths() if paths is None else paths)
    langs = list(languages if languages is not None else project.languages)
    jobs = resolve_jobs(jobs)
    manifest = Manifest.load(project, STAGE, extract_key(project), lazy=True)
    summary = ExtractSummary()
    units: list[_Unit] = []
    by_slug: dict[str, _Unit] = {}
    planned: list[str] = []  # every article's record name (the manifest keeps only those)
    for start in range(0, len(paths), PLAN_CHUNK):
        chunk = paths[start:start + PLAN_CHUNK]
        items = [source_ref(project, path) for path in chunk]
        planned += items
        names = [_file_names(project, path, langs) for path in chunk]
        digests = {} if force else _digests_of(manifest, items, names)
        for path, item, files in zip(chunk, items, names):
            record = manifest.get(item)
            todo, trusted = (langs, None) if force else _stale_languages(record, files, langs, digests)
            if todo is None:  # up to date
                summary.articles += 1
                summary.skipped += 1
                summary.entries += int((record or {}).get("entries", 0))
                summary.unchanged += 1 + len(langs)
                if progress:
                    progress(1)
                continue
            slug = slug_for(path)
            if slug in by_slug:  # same files as an earlier article: same worker, in order
                by_slug[slug].paths.append(path)
                by_slug[slug].languages.append(langs)
                by_slug[slug].trusted.append(None)
            else:
                by_slug[slug] = _Unit([path], [todo], [trusted])
                units.append(by_slug[slug])
    try:
        for outcome in _run_units(project, units, jobs, summary):
            _absorb(project, manifest, summary, outcome, langs)
            if progress:
                progress(1)
        if every:
            manifest.keep_only(planned)
    finally:
        manifest.save()  # also after Ctrl-C: what finished stays recorded
    return summary


def _file_names(project: Project, path: Path, langs: list[str]) -> tuple[str, str, list[str]]:
    """The article's, its template's and its catalogues' file names (strings: a plan over an
    archive of 20,000 articles would build 300,000 Path objects)."""
    slug = slug_for(path)
    return (os.fspath(path), project.template_name(slug), [project.catalog_name(slug, lang) for lang in langs])


def _digests_of(manifest: Manifest, items: list[str],
                names: list[tuple[str, str, list[str]]]) -> dict[str, str | None]:
    """The digests a chunk of articles is planned with (their :func:`_file_names`), taken
    in a few queries, with the chunk's records fetched alike: a no-op extract of an archive
    asks the store per chunk, never per file, and keeps no row of the whole archive."""
    manifest.prefetch(items)
    return digest_paths([name for article, template, catalogs in names
                         for name in (article, template, *catalogs)], manifest.store)


def _stale_languages(record: dict | None, files: tuple[str, str, list[str]], langs: list[str],
                     digests: dict[str, str | None]) -> tuple[list[str] | None, tuple[str, str] | None]:
    """Return the languages to (re)extract for an article whose :func:`_file_names` are
    *files* (None: all up to date), and the (article, template) digests when only
    catalogues changed. *digests* holds the digests of its files (:func:`_digests_of`)."""
    if record is None:
        return langs, None
    article, template, catalogs = files
    source = digests[article]
    pot = digests[template]
    if source is None or pot is None or record.get("source") != source or record.get("pot") != pot:
        return langs, None  # article edited or template changed: every catalogue needs a merge
    done = record.get("langs") or {}
    stale = []
    for lang, catalog in zip(langs, catalogs):
        po = digests[catalog]
        if po is None or done.get(lang) != [source, pot, po]:
            stale.append(lang)
    return (stale, (source, pot)) if stale else (None, None)


@dataclass
class _Outcome:
    """What a worker sends back for one article (picklable, small)."""

    path: Path
    languages: list[str]
    result: ExtractResult | None
    errors: list[tuple[str, str, str | None, int | None]]


def _run_units(project: Project, units: list[_Unit], jobs: int,
               summary: ExtractSummary) -> Iterator[_Outcome]:
    # Tasks of a few articles: fewer round trips, and each worker keeps its
    # writes in flight across the articles of a task.
    pool = start_pool(jobs, work=sum(len(u.paths) for u in units), threshold=POOL_THRESHOLD,
                      tasks=len(units))
    if pool is None:
        yield from _do_units(project, units)
        return
    summary.jobs = min(jobs, len(units))
    with pool:
        yield from map_chunks(_do_units, project, units, pool=pool, jobs=summary.jobs)


def _do_units(project: Project, units: Iterable[_Unit]) -> Iterator[_Outcome]:
    """Extract the articles of *units*, writing the files of up to BATCH articles at once."""
    batch: list[tuple[Path, list[str], _Pending]] = []

    def flush() -> Iterator[_Outcome]:
        # Every write of the batch is tried (and lands or is cleaned up)
        # before any outcome is reported.
        _write_batch([pending for _, _, pending in batch])
        done, batch[:] = list(batch), []
        for path, langs, pending in done:
            try:
                result = _finish(pending)
            except PipelineError as exc:
                yield _Outcome(path, langs, None, [_pack(exc)])
                continue
            errors = [_pack(e) for e in result.errors]
            result.errors = []
            yield _Outcome(path, langs, result, errors)

    for unit in units:
        for k, (path, langs, trusted) in enumerate(zip(unit.paths, unit.languages, unit.trusted)):
            if k and batch:  # the same files as the article before: let its writes land first
                yield from flush()
            try:
                pending = _prepare(project, path, langs, trusted=trusted)
            except PipelineError as exc:
                yield _Outcome(path, langs, None, [_pack(exc)])
                continue
            batch.append((path, langs, pending))
            if len(batch) >= BATCH:
                yield from flush()
    if batch:
        yield from flush()


def _pack(exc: PipelineError) -> tuple[str, str, str | None, int | None]:
    # PipelineError keeps path/lineno as attributes that pickling would lose.
    return (type(exc).__name__, exc.message, None if exc.path is None else str(exc.path), exc.lineno)


def _unpack(packed: tuple[str, str, str | None, int | None]) -> PipelineError:
    name, message, path, lineno = packed
    cls = getattr(_errors, name, None) or getattr(_fsutil, name, PipelineError)
    if not (isinstance(cls, type) and issubclass(cls, PipelineError)):
        cls = PipelineError
    return cls(message, path=path, lineno=lineno)


def _absorb(project: Project, manifest: Manifest, summary: ExtractSummary,
            outcome: _Outcome, langs: list[str]) -> None:
    """Count one article's outcome and record what it left on disk."""
    item = source_ref(project, outcome.path)
    errors = [_unpack(e) for e in outcome.errors]
    summary.errors.extend(errors)
    result = outcome.result
    if result is None:
        manifest.drop(item)  # failed article: try again (and report again) next run
        return
    summary.articles += 1
    summary.entries += result.entries
    summary.warnings.extend(result.warnings)
    summary.written += len(result.written)
    summary.unchanged += len(result.unchanged)
    pot_path = project.template_path(result.slug)
    pot = result.digests.get(pot_path)
    source = result.source_digest
    # Languages left out of the work were found up to date: their catalogues count as unchanged.
    summary.unchanged += sum(1 for lang in langs if lang not in outcome.languages)
    old = manifest.get(item) or {}
    done: dict[str, list] = {}
    if old.get("source") == source and old.get("pot") == pot:
        done.update(old.get("langs") or {})
    for lang in outcome.languages:
        digest = result.digests.get(project.catalog_path(result.slug, lang))
        if digest is not None:
            done[lang] = [source, pot, digest]
        else:  # refused catalogue: look again next run
            done.pop(lang, None)
    if source is None or pot is None:
        manifest.drop(item)
        return
    manifest.put(item, {"slug": result.slug, "entries": result.entries, "source": source,
                        "pot": pot, "langs": done})

"""Export: reassemble each article in each language as an edition readers can use.

An *edition* is the article (its blocks, from :func:`pipeline.article.read_article`)
with every segment replaced by its translation from the language's catalogue,
rendered as HTML, Markdown and plain text under ``<out>/<lang>/<slug>.<ext>``,
plus an index page per language and a bilingual proof page per article.

Publication policy
    * By default an edition is written only when every segment is reviewed
      (translated and not fuzzy).
    * ``min_reviewed`` (percent of segments) lowers the bar for a partial
      edition: unreviewed segments fall back to the English source, or, with
      ``machine``, to their fuzzy (machine) translation; both are visibly
      labelled as such in every format.
    * The headline must be reviewed in every case: it names the edition in the
      index and is the one line nobody may publish unchecked.
    * An article below the bar is skipped with its reason. Nothing already
      published is ever deleted, truncated or half-written: each file is
      replaced atomically, and a skipped edition leaves its files untouched.

Text rules
    * Sentences of a block are joined as the target language writes them
      (a single space for ar/ckb/ku; nothing for scripts without spaces).
    * Translator text is never markup: HTML is rendered by Jinja2 with
      autoescaping, Markdown special characters are backslash-escaped.
    * In a right-to-left edition, runs of Latin script and numbers (names,
      K1, $250,000, URLs) are isolated (``<bdi>`` in HTML, U+2066..U+2069 in
      Markdown and text) so they display in order; in a left-to-right edition
      Arabic-script runs are isolated the same way.
    * Digits follow the configured numbering system (see :class:`ExportSettings`);
      numbers inside Latin-script tokens (K1, F-16, URLs) keep their digits.

Determinism: the output holds no timestamps, so exporting again with nothing
changed rewrites nothing (:func:`pipeline.fsutil.atomic_write` skips
identical bytes).

Writes: every edition is rendered completely before any of its files is
written, and the files of a few articles (``BATCH``) are written together by
:func:`pipeline.fsutil.atomic_write_many` (temporary files, one flush of the
filesystem, renames, one fsync per folder): each file is as atomic and
durable as with ``atomic_write``, for a fraction of the fsyncs. An edition
with a file that could not be written is an error: the manifest does not
record it (it is retried next run), and the report lists every such
edition with the files that failed (:attr:`ExportReport.failed`), once
everything else is written, recorded and indexed.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence


from .. import __version__
from ..article import Article, read_article
from ..catalog import load_catalog
from ..checks import Finding, check_catalog, read_document, recorded_findings
from ..extract import source_ref
from ..locales import base_language
from ..textpatterns import short, text_only
from ..config import Project, slug_for
from ..errors import ExportError, PipelineError
from ..fsutil import UNCHECKED, atomic_write, atomic_write_many
from ..state.manifest import RecordBatches, digest_bytes, digest_path, digest_paths, stage_key
from ..parallel import map_chunks, resolve_jobs, start_pool
from ..segment import Segment, segment_article
from .model import MISSING, REVIEWED, assemble_edition, assess
from .render import IndexEntry, render_edition, render_index, render_proof
from .settings import FORMATS, ExportSettings, Policy, export_settings

log = logging.getLogger(__name__)



# --------------------------------------------------------------------------- the export run

@dataclass(slots=True)
class Outcome:
    """What export did for one article in one language."""

    slug: str
    lang: str
    status: str                     # "written", "unchanged", "skipped", "error"
    reason: str = ""
    # Files counted, not named: a run over the archive writes 240,000 of them.
    written: int = 0
    unchanged: int = 0
    partial: bool = False
    #: A file of this edition could not be written (the reason names each one).
    write_failed: bool = False
    #: Check errors in reviewed entries published anyway (``--allow-check-errors``).
    check_errors: int = 0

    @property
    def exported(self) -> bool:
        return self.status in ("written", "unchanged")


@dataclass
class ExportReport:
    """Everything an export run did.

    ``written`` and ``unchanged`` count files (edition, proof and index
    files); each outcome names its own files until the run has counted them
    (a run over the archive would otherwise keep 240,000 names).
    """

    outcomes: list[Outcome] = field(default_factory=list)
    written: int = 0
    unchanged: int = 0

    @property
    def exported(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.exported]

    @property
    def skipped(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.exported]

    @property
    def failed(self) -> list[Outcome]:
        """Editions with a file that could not be written (each names its files)."""
        return [o for o in self.outcomes if o.write_failed]


def _findings(project: Project, po_path: Path, lang: str, doc: Any = None) -> tuple[list[Any] | None, str]:
    """Return ``check``'s findings for a catalogue, or None and why the checks could not run.

    A check that crashes must not take the proof page down with it, nor let an
    unchecked edition through: the caller refuses the edition (unless
    ``--allow-check-errors``) and the proof page says the checks did not run.
    """
    try:
        return list(check_catalog(po_path, lang, project, doc=doc)), ""
    except Exception as exc:  # noqa: BLE001 - any check bug: reported, and the edition refused
        log.warning("checks failed on %s: %s", po_path, exc)
        return None, f"{type(exc).__name__}: {exc}"


def _recorded_findings(po_path: Path, checked: tuple[tuple, ...]) -> list[Any]:
    """Findings from ``check``'s records, as :func:`_findings` would return them."""
    return [Finding(str(po_path), *f) for f in checked]


def export_editions(project: Project, paths: Iterable[Path] | None = None,
                    languages: Iterable[str] | None = None, *,
                    formats: Sequence[str] | None = None, out: Path | None = None,
                    policy: Policy | None = None, proof: bool | None = None,
                    jobs: int | None = None, force: bool = False) -> ExportReport:
    """Export the editions of *paths* (default: every article) in *languages*.

    Writes ``<out>/<lang>/<slug>.<fmt>``, ``<out>/<lang>/index.html`` (+ ``index.json``)
    and ``<out>/proof/<lang>/<slug>.html``. Refused editions are reported, not written.
    Editions whose inputs and files are as the export manifest recorded them are
    not rendered again (``force=True`` renders everything); the others are
    rendered in *jobs* processes (default: one per CPU).
    """
    settings = export_settings(project)
    formats = tuple(formats or settings.formats)
    for fmt in formats:
        if fmt not in FORMATS:
            raise ExportError(f"unknown format {fmt!r} (use {', '.join(FORMATS)})")
    out = Path(out) if out is not None else project.editions_dir
    policy = policy or Policy(min_reviewed=settings.min_reviewed)
    proof = settings.proof if proof is None else proof
    languages = list(languages) if languages is not None else list(project.languages)
    every = paths is None
    paths = list(paths) if paths is not None else project.article_paths()
    jobs = resolve_jobs(jobs)
    job = _Job(project, settings, formats, out, policy, proof, run=time.time_ns())
    # Records a block of articles at a time: a run over the archive never holds them all.
    records = RecordBatches.open(project, STAGE, export_key(job))
    words = {lang: _words_digest(lang) for lang in languages}
    slugs = Counter(slug_for(p) for p in paths)
    # Plain strings in this loop: a no-op run over thousands of editions is
    # mostly hashing, and pathlib would cost as much again.
    out_dir = str(out)

    # Nothing recorded under this key (a first export, new code, --force): every
    # edition is rendered, so the workers are forked now, before the plan of the
    # whole archive is in memory (a forked worker carries all its parent holds).
    early = None
    if force or records is None or records.replace:
        early = start_pool(jobs, work=len(paths), threshold=POOL_THRESHOLD)
    report = ExportReport()
    # Per article, in order: its outcomes by language (filled from the
    # records now, or by a worker below).
    slots: list[dict[str, Outcome]] = [{} for _ in paths]
    index_entries: dict[str, dict[str, IndexEntry]] = {lang: {} for lang in languages}
    units: list[_Unit] = []
    by_slug: dict[str, _Unit] = {}
    refs = [source_ref(project, p) for p in paths]
    try:
        for start in range(0, len(paths), BLOCK):
            block = range(start, min(start + BLOCK, len(paths)))
            recorded = {} if records is None or force else \
                records.fetch([_item(lang, refs[k]) for k in block for lang in languages])
            # Hash before use: an edit made while this run works is seen next run. The
            # block's files are asked for together (digest_path would load every row).
            known = digest_paths(_block_files(project, [paths[k] for k in block], [refs[k] for k in block],
                                              languages, recorded, out_dir),
                                 records.store if records is not None else None)

            def digest(name: str) -> str | None:
                return known[name] if name in known else digest_path(name)
            for k in block:
                path, ref = paths[k], refs[k]
                slug = slug_for(path)
                article_digest = digest(os.fspath(path))
                todo: dict[str, _Inputs] = {}
                for lang in languages:
                    po_path = project.catalog_name(slug, lang)
                    inputs = _Inputs(ref, article_digest, digest(po_path), words[lang])
                    record = recorded.get(_item(lang, ref))
                    # Articles sharing a slug write the same files: always redone, in order.
                    if not force and slugs[slug] == 1 and _up_to_date(record, inputs, out_dir, digest):
                        outcome, entry = _recorded(slug, lang, record)
                        report.unchanged += len(record["files"])
                        slots[k][lang] = outcome
                        if entry is not None:
                            index_entries[lang][slug] = entry
                    else:
                        todo[lang] = inputs
                if not todo:
                    continue
                if slug in by_slug:
                    by_slug[slug].articles.append((k, path, todo))
                else:
                    by_slug[slug] = _Unit([(k, path, todo)])
                    units.append(by_slug[slug])
            del recorded
            if records is not None:
                try:  # the digests just taken: written now, not carried to the workers
                    records.store.flush()
                except PipelineError as exc:
                    log.warning("cannot save file digests: %s", exc)
    except BaseException:
        if early is not None:  # planning failed: no worker outlives the run
            early.terminate()
            early.join()
        raise

    pool = early if early is not None else start_pool(
        jobs, work=sum(len(u.articles) for u in units), threshold=POOL_THRESHOLD, tasks=len(units))
    try:
        # Proof pages show check findings and check errors block publication;
        # `newsloc check` records them per catalogue digest, so a catalogue it
        # has seen is not checked again: the process rendering an edition looks
        # its catalogue's findings up (see _render_article).
        done_since_save = 0
        for k, done in map_chunks(_do_units, job, units, pool=pool, jobs=min(jobs, len(units))):
            for lang, outcome, record, entry in done:
                report.written += outcome.written
                report.unchanged += outcome.unchanged
                slots[k][lang] = outcome
                if entry is not None:
                    index_entries[lang][outcome.slug] = entry
                if records is not None:
                    item = _item(lang, refs[k])
                    if record is None:
                        records.drop(item)  # an error: retried (and reported) every run
                    else:
                        records.put(item, record)
            done_since_save += 1
            if done_since_save >= BLOCK:
                done_since_save = 0
                if records is not None:
                    records.saved("export")
        if every and records is not None:
            current = set(refs)
            for item in records.items():
                if item.split("/", 1)[-1] not in current:
                    records.drop(item)
    finally:
        if pool is not None:
            pool.terminate()  # all results are in (or the run failed): stop the workers
            pool.join()
        if records is not None:  # also after an error or Ctrl-C: what finished stays recorded
            records.saved("export")
    for slot in slots:
        for lang in languages:
            report.outcomes.append(slot[lang])

    if "html" in formats:
        for lang in languages:
            written = _update_index(project, out, lang, index_entries[lang])
            for _path, changed in written:
                if changed:
                    report.written += 1
                else:
                    report.unchanged += 1
    # Editions whose files could not all be written (a full disk) are in the
    # report, each with its reason: the caller reports every one of them, not
    # only the first, once every other edition is written, recorded and indexed.
    return report


# --------------------------------------------------------------------------- incremental, parallel

STAGE = "export"
LIBRARIES = ("Jinja2", "MarkupSafe", "babel", "polib", "pysbd", "PyYAML", "markdown-it-py", "lxml")
#: Below this many articles to render, a process pool costs more than it saves.
POOL_THRESHOLD = 8
#: Articles whose records are read (and results saved) together.
BLOCK = 256


_PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class _Job:
    """What every edition of one run is rendered with (picklable, sent to workers)."""

    project: Project
    settings: ExportSettings
    formats: tuple[str, ...]
    out: Path
    policy: Policy
    proof: bool
    #: Tells one run from the next (a worker looks check's records up once per run).
    run: int = 0


@dataclass(frozen=True)
class _Inputs:
    """The digests of what an edition is made from, taken before it is rendered."""

    ref: str
    article: str | None
    po: str | None
    words: str


@dataclass
class _Unit:
    """Articles sharing one slug (usually one): (position, path, languages to do)."""

    articles: list[tuple[int, Path, dict[str, _Inputs]]]


def export_key(job: _Job) -> str:
    """The manifest key of export: code, libraries, templates, glossaries and every setting."""
    project = job.project
    templates = {p.name: digest_path(p) for p in sorted((_PACKAGE / "templates").iterdir())
                 if p.is_file()}
    glossaries = {p.relative_to(project.locales_dir).as_posix(): digest_path(p)
                  for p in sorted(project.locales_dir.glob("*/glossary.*"))}
    settings = job.settings
    return stage_key(STAGE, libraries=LIBRARIES, settings={
        "root": str(project.root), "source": project.source, "out": os.path.abspath(job.out),
        "formats": list(job.formats), "locale": settings.locale, "digits": settings.digits,
        "policy": [job.policy.min_reviewed, job.policy.machine, job.policy.allow_check_errors],
        "proof": job.proof,
        "templates": templates, "glossaries": glossaries})


def _words_digest(lang: str) -> str:
    """Digest of the edition-words catalogues a language reads (its own and its base's)."""
    base = base_language(lang)
    folder = _PACKAGE / "data" / "words"
    return digest_bytes("\0".join(str(digest_path(folder / f"{code}.po"))
                                   for code in dict.fromkeys((base, lang))).encode())


def _item(lang: str, ref: str) -> str:
    return f"{lang}/{ref}"


def _block_files(project: Project, paths: list[Path], refs: list[str], languages: list[str],
                 recorded: dict[str, dict], out: str) -> list[str]:
    """The files whose digests a block of articles needs: articles, catalogues, recorded editions."""
    names = []
    for path, ref in zip(paths, refs):
        names.append(os.fspath(path))
        for lang in languages:
            names.append(project.catalog_name(slug_for(path), lang))
            files = (recorded.get(_item(lang, ref)) or {}).get("files")
            if isinstance(files, dict):
                names.extend(os.path.join(out, rel) for rel in files)
    return names


def _up_to_date(record: dict | None, inputs: _Inputs, out: str,
                digest: Callable[[str], str | None] = digest_path) -> bool:
    """True when *record* was made from *inputs* and every file it wrote still holds its bytes."""
    if (record is None or inputs.article is None or record.get("article") != inputs.article
            or record.get("po") != inputs.po or record.get("words") != inputs.words):
        return False
    files = record.get("files")
    if not isinstance(files, dict):
        return False
    # Never assume an edition is there: a deleted or edited file is rendered again.
    return all(digest(os.path.join(out, rel)) == recorded for rel, recorded in files.items())


def _recorded(slug: str, lang: str, record: dict) -> tuple[Outcome, IndexEntry | None]:
    """The outcome (and index entry) of an up-to-date edition, from its record (its files
    are counted by the caller, not named)."""
    if record.get("status") == "exported":
        outcome = Outcome(slug, lang, "unchanged", partial=bool(record.get("partial")))
    else:
        outcome = Outcome(slug, lang, "skipped", str(record.get("reason", "")))
    entry = None
    index = record.get("index")
    if isinstance(index, list) and len(index) == 4:
        entry = IndexEntry(slug, str(index[0]), index[1], index[2], bool(index[3]))
    return outcome, entry


_Done = tuple[str, Outcome, "dict | None", "IndexEntry | None"]




#: Articles whose files are written together, with one flush (see atomic_write_many).
BATCH = 8

# One rendered edition waiting for its files to be written:
# (language, inputs, outcome, index entry, {path: text}).
_Rendered = tuple[str, _Inputs, Outcome, "IndexEntry | None", dict[Path, str]]


def _do_units(job: _Job, units: Iterable[_Unit]) -> Iterator[tuple[int, list[_Done]]]:
    """Render the editions of *units*, writing the files of up to BATCH articles at once."""
    batch: list[tuple[int, list[_Rendered]]] = []
    paths: set[Path] = set()
    for unit in units:
        for k, path, todo in unit.articles:
            rendered = _render_article(job, path, todo)
            files = {p for r in rendered for p in r[4]}
            # Articles sharing a slug write the same files: the later one must be
            # compared with what the earlier one left, so it waits for that write.
            if len(batch) >= BATCH or files & paths:
                yield from _write_batch(job, batch)
                batch, paths = [], set()
            batch.append((k, rendered))
            paths |= files
    yield from _write_batch(job, batch)


def _render_article(job: _Job, path: Path, todo: dict[str, _Inputs]) -> list[_Rendered]:
    """Render (not write) the editions of one article in the languages of *todo*."""
    project = job.project
    try:
        article = read_article(path, max_bytes=job.project.limit("article_bytes"))
        segments = segment_article(article, project.source)
    except PipelineError as exc:
        return [(lang, inputs, Outcome(slug_for(path), lang, "error", str(exc)), None, {})
                for lang, inputs in todo.items()]
    lookup = _check_records(job)
    return [(lang, inputs, *_render_one(project, article, segments, lang, formats=job.formats,
                                        out=job.out, policy=job.policy, settings=job.settings,
                                        proof=job.proof,
                                        checked=None if lookup is None else lookup(
                                            project.catalog_path(slug_for(path), lang), lang, inputs.po)))
            for lang, inputs in todo.items()]


_LOOKUP: list = [None, None]  # (process id, run), check's records lookup


def _check_records(job: _Job) -> Callable | None:
    """This run's lookup of the findings ``check`` recorded (see :func:`recorded_findings`).

    Made once per run in each process that renders, which asks for each
    catalogue's findings as it renders it: no process holds the findings of
    the whole archive.
    """
    tag = (os.getpid(), job.run)
    if _LOOKUP[0] != tag:
        _LOOKUP[:] = [tag, recorded_findings(job.project)]
    return _LOOKUP[1]


def _write_batch(job: _Job, batch: list[tuple[int, list[_Rendered]]]
                 ) -> Iterator[tuple[int, list[_Done]]]:
    """Write every file of *batch* with one flush; yield each article's results."""
    if not batch:
        return
    items = [(p, text.encode("utf-8"), UNCHECKED)
             for _, rendered in batch for r in rendered for p, text in r[4].items()]
    landed = iter(atomic_write_many(items, error=ExportError))
    datas = iter(data for _, data, _ in items)
    for k, rendered in batch:
        done: list[_Done] = []
        for lang, inputs, outcome, entry, files in rendered:
            digests: dict[Path, str] = {}
            failed: list[str] = []
            edition_files = False  # one of the edition's own files (not the proof page) changed
            for path in files:
                changed, data = next(landed), next(datas)
                if isinstance(changed, BaseException):
                    failed.append(str(changed))
                    continue
                digests[path] = digest_bytes(data)
                if changed:
                    outcome.written += 1
                    edition_files |= path.parent.name == lang and path.parent.parent == job.out
                else:
                    outcome.unchanged += 1
            if failed:
                # Files that did land are reported; none is recorded, so the
                # whole edition is written again next run.
                outcome.status, outcome.reason = "error", "; ".join(failed)
                outcome.write_failed = True
                entry = None
            elif entry is not None:
                outcome.status = "written" if edition_files else "unchanged"
            record = None
            if outcome.status != "error":
                record = {"article": inputs.article, "po": inputs.po, "words": inputs.words,
                          "status": "exported" if outcome.exported else "skipped",
                          "reason": outcome.reason, "partial": outcome.partial,
                          "files": {p.relative_to(job.out).as_posix(): d
                                    for p, d in digests.items()},
                          "index": None if entry is None else [entry.headline, entry.date,
                                                               entry.date_text, entry.partial]}
            done.append((lang, outcome, record, entry))
        yield k, done


#: Called with (slug, lang) each time an edition is rendered (tests count renders).
on_render: Callable[[str, str], None] | None = None


def _render_one(project: Project, article: Article, segments: list[Segment], lang: str, *,
                formats: Sequence[str], out: Path, policy: Policy, settings: ExportSettings,
                proof: bool, checked: tuple[tuple, ...] | None = None
                ) -> tuple[Outcome, IndexEntry | None, dict[Path, str]]:
    """Render one edition; return its outcome, index entry and files to write (path: text).

    Nothing is written here: the caller writes the files (see :func:`_write_batch`)
    and completes the outcome.

    *checked*: the catalogue's findings as ``check`` recorded them
    (lineno, msgid, check, severity, message); None runs the checks.
    """
    outcome = Outcome(article.slug, lang, "skipped")
    po_path = project.catalog_path(article.slug, lang)
    if not po_path.is_file():
        outcome.reason = f"no catalogue {po_path.name} for {lang}: run `newsloc extract`"
        return outcome, None, {}
    try:
        # Without check's findings the checks run here: the file is read once, for them and the edition.
        doc = read_document(po_path, lang) if checked is None else None
        po = load_catalog(po_path) if doc is None else doc.catalog
    except PipelineError as exc:
        outcome.status, outcome.reason = "error", str(exc)
        return outcome, None, {}
    if on_render is not None:
        on_render(article.slug, lang)
    readiness = assess(segments, po)
    missing = sum(s.state == MISSING for s in readiness.states)
    files: dict[Path, str] = {}
    findings, crash = _findings(project, po_path, lang, doc) if checked is None else \
        (_recorded_findings(po_path, checked), "")
    if proof:
        files[out / "proof" / lang / f"{article.slug}.html"] = render_proof(
            article, lang, readiness, policy=policy, findings=findings, catalog_name=po_path.name)
    if crash and not policy.allow_check_errors:
        outcome.reason = (f"the checks could not run on {po_path.name} ({crash}); "
                          "fix it, or pass --allow-check-errors")
        return outcome, None, files
    blocking = check_errors_in_reviewed(findings, readiness)
    if blocking and not policy.allow_check_errors:
        first = blocking[0]
        more = f" (and {len(blocking) - 1} more)" if len(blocking) > 1 else ""
        outcome.reason = (f"check error in a reviewed entry: {first.check} at "
                          f"{po_path.name}:{first.lineno} ({short(' '.join(first.msgid.split()), 50)!r}): "
                          f"{first.message}{more}; fix it, or pass --allow-check-errors")
        return outcome, None, files   # the proof page still shows what to fix
    outcome.check_errors = len(blocking)
    entry = None
    try:
        edition = assemble_edition(project, article, lang, po, policy=policy,
                                   settings=settings, segments=segments, readiness=readiness)
    except ExportError as exc:
        outcome.reason = exc.message.split(": ", 1)[-1]
        if missing:
            outcome.reason += f"; {missing} segment(s) missing from the catalogue: run `newsloc extract`"
        edition = None
    if edition is not None:
        for fmt in formats:
            files[out / lang / f"{article.slug}.{fmt}"] = render_edition(edition, fmt)
        outcome.partial = edition.partial
        entry = IndexEntry(article.slug, text_only(edition.headline.plain), edition.date_iso,
                           edition.date_text, edition.partial)
    # Everything is rendered before anything is written: a failure above leaves
    # every file as it was.
    return outcome, entry, files


def check_errors_in_reviewed(findings: Sequence[Any] | None, readiness) -> list[Any]:
    """The ``check`` errors found in entries the edition shows as reviewed (they block publication)."""
    if not findings:
        return []
    reviewed = {s.segment.source for s in readiness.states if s.state == REVIEWED}
    return [f for f in findings if f.severity == "error" and f.msgid in reviewed]


def _update_index(project: Project, out: Path, lang: str,
                  updates: dict[str, IndexEntry]) -> list[tuple[Path, bool]]:
    """Merge this run's editions into ``<out>/<lang>/index.json`` and render ``index.html``.

    Entries of editions exported earlier stay while their HTML file exists, so
    exporting one article never drops the others from the index.
    """
    folder = out / lang
    json_path = folder / "index.json"
    entries: dict[str, IndexEntry] = {}
    if json_path.is_file():
        try:
            for item in json.loads(json_path.read_text(encoding="utf-8")).get("editions", []):
                entry = IndexEntry(str(item["slug"]), str(item["headline"]), item.get("date"),
                                   item.get("date_text"), bool(item.get("partial")))
                entries[entry.slug] = entry
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            log.warning("%s: unreadable, rebuilt from this run's editions (%s)", json_path, exc)
    entries.update(updates)
    entries = {slug: e for slug, e in entries.items() if (folder / f"{slug}.html").is_file()}
    if not entries and not folder.is_dir():
        return []
    ordered = sorted(entries.values(), key=lambda e: (e.date is None, _neg_date(e.date), e.slug))
    data = {"language": lang, "generator": f"newsloc {__version__}",
            "editions": [{"slug": e.slug, "headline": e.headline, "date": e.date,
                          "date_text": e.date_text, "partial": e.partial,
                          "html": f"{e.slug}.html"} for e in ordered]}
    json_text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    html_path = folder / "index.html"
    return [(json_path, atomic_write(json_path, json_text, error=ExportError)),
            (html_path, atomic_write(html_path, render_index(lang, ordered), error=ExportError))]


def _neg_date(value: str | None) -> str:
    """Sort key putting the newest ISO date first."""
    if not value:
        return ""
    return "".join(chr(0x10FFFF - ord(c)) for c in value)

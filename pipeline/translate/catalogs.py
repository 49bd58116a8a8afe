"""The catalogues of a translate run: what each still needs, the suggestions waiting to be
written, and writing them without touching a reviewed entry or a translator's concurrent save.
"""


import hashlib
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from ..catalog import (Catalog, Entry, catalog_text, fill_fuzzy, is_reviewed, load_catalog, now_stamp,
                       save_catalog)
from ..config import Project, slug_for
from ..errors import CatalogError, PipelineError
from ..fsutil import ChangedOnDisk, atomic_write_many, file_digest
from ..state.manifest import Manifest, digest_paths, item_name, stage_key
from .summary import Summary

log = logging.getLogger(__name__)

SAVE_BATCH = 32              # completed catalogues saved together (one sync to disk)


# ---------------------------------------------------------------------------
# Step 1: collect

def needs_translation(entry: Entry, retranslate: bool = False) -> bool:
    """True when the stage may write a suggestion into *entry*."""
    if entry.obsolete or not entry.msgid or entry.msgid_plural:
        return False
    if is_reviewed(entry):
        return False          # a translator's work: never
    if not entry.msgstr:
        return True
    return retranslate        # fuzzy with a translation (source changed / earlier suggestion)


def entry_key(entry: Entry) -> tuple[str | None, str]:
    return (entry.msgctxt, entry.msgid)


@dataclass
class Fill:
    text: str
    provenance: str
    seen: str               # msgstr when read: a fill applies only if it is still this
    previous: str | None = None   # source the suggestion translates, when not this msgid
    reviewed: bool = False        # written without the fuzzy flag


@dataclass
class CatalogState:
    path: Path
    lang: str
    po: Catalog
    digest: str
    needs: dict[tuple[str | None, str], str] = field(default_factory=dict)  # key → msgstr seen
    pending: dict[tuple[str | None, str], Fill] = field(default_factory=dict)
    open_texts: set[str] = field(default_factory=set)

    def entries(self) -> dict[tuple[str | None, str], Entry]:
        return {entry_key(e): e for e in self.po if not e.obsolete}


def translate_key(project: Project) -> str:
    """The key of the translate stage's records ("nothing open in this catalogue")."""
    return stage_key("translate", libraries=("polib",), settings={"root": str(project.root)})


def open_counts(po: Catalog) -> dict[str, int]:
    return {"open": sum(1 for e in po if needs_translation(e, False)),
            "open_all": sum(1 for e in po if needs_translation(e, True))}


def collect(project: Project, pairs: Sequence[tuple[Path, str]], retranslate: bool,
             summary: Summary, manifest: Manifest | None = None) -> list[CatalogState]:
    """Read the catalogues of *pairs* (article, language) that have something to translate.

    A catalogue whose bytes are those recorded with no entry open (for this
    mode) is not parsed: a translate with nothing to do reads the state store
    and file metadata only, the records and digests of a batch in a few
    queries.
    """
    states = []
    mode = "open_all" if retranslate else "open"
    wanted = []  # (catalogue file, its record's name, language)
    for path, lang in pairs:
        po = project.catalog_name(slug_for(path), lang)
        wanted.append((po, item_name(project, po), lang))
    if manifest is not None:
        manifest.prefetch(item for _po, item, _lang in wanted)
    digests = digest_paths((po for po, _item, _lang in wanted), manifest.store if manifest is not None else None)
    for po_name, item, lang in wanted:
        digest = digests.get(po_name)
        if digest is None and not os.path.isfile(po_name):
            summary.errors.append(CatalogError(
                "no catalogue: run `newsloc extract` first", path=Path(po_name)))
            continue
        record = manifest.get(item) if manifest is not None else None
        summary.catalogs += 1
        if digest is not None and record is not None and record.get("digest") == digest \
                and record.get(mode) == 0:
            continue
        po_path = Path(po_name)
        try:
            if digest is None:
                raise CatalogError("cannot read the catalogue", path=po_path)
            po = load_catalog(po_path)
        except PipelineError as exc:
            summary.errors.append(exc)
            continue
        state = CatalogState(po_path, lang, po, digest)
        for entry in po:
            if needs_translation(entry, retranslate):
                state.needs[entry_key(entry)] = entry.msgstr
                state.open_texts.add(entry.msgid)
        states.append(state)
    return states


def record_done(project: Project, manifest: Manifest | None, states: list[CatalogState]) -> None:
    """Record what each catalogue still has open, for the bytes now on disk."""
    if manifest is None:
        return
    for state in states:
        if not state.pending:  # pending fills are not on disk: the next run reads it again
            manifest.put(item_name(project, state.path), {"digest": state.digest, **open_counts(state.po)})
    try:
        manifest.save()
    except PipelineError as exc:  # a read-only checkout: the next run reads the catalogues again
        log.warning("cannot save the translate records: %s", exc)


def provenance_line(engine: str) -> str:
    return f"MT: {engine} {now_stamp()[:10]}"


def apply_fill(state: CatalogState, text: str, translation: str, provenance: str,
           previous: str | None = None, reviewed: bool = False) -> int:
    """Queue a fill for every entry of *state* with msgid *text*; return how many."""
    n = 0
    for key, seen in state.needs.items():
        if key[1] == text and key not in state.pending:
            state.pending[key] = Fill(translation, provenance, seen, previous, reviewed)
            n += 1
    state.open_texts.discard(text)
    return n


def save_state(state: CatalogState, summary: Summary) -> None:
    """Write pending fills; if the file changed on disk, only into entries still untouched.

    Pending fills are forgotten only once the catalogue holding them is on
    disk: a Ctrl-C or a failed write during the save leaves them pending, and
    the next save (the interrupt handler's, or the next batch's) writes them.
    The write itself is refused if a translator saved the file between our
    check and the rename (``expect=``); then the file is re-read and merged
    again.
    """
    if not state.pending:
        return
    for _attempt in range(3):
        try:
            current = file_digest(state.path) if state.path.is_file() else None
        except OSError:
            current = None
        if current != state.digest:
            log.warning("%s changed on disk during translate: re-reading it; your edits are kept",
                        state.path)
            try:
                state.po = load_catalog(state.path)
            except PipelineError as exc:
                summary.errors.append(exc)
                state.pending.clear()
                return
            state.digest = current
        applied = apply_pending(state, summary)
        try:
            if save_catalog(state.po, state.path, expect=state.digest):
                summary.wrote(state.path)
            state.digest = file_digest(state.path)
        except ChangedOnDisk:
            continue  # a translator saved just now: re-read, merge again
        except PipelineError as exc:
            summary.errors.append(exc)
            return
        for key in state.pending:
            state.needs.pop(key, None)
        state.pending.clear()
        summary.translated += applied
        return
    summary.errors.append(PipelineError("kept changing on disk while translate tried to save it; "
                                        "run translate again", path=state.path))


def save_states(states: Sequence[CatalogState], summary: Summary) -> None:
    """Save the pending fills of several catalogues with one flush to disk.

    Each catalogue is saved exactly as :func:`save_state` would (fills only
    into entries still as they were read, the write refused if a translator
    saved the file meanwhile), but the files are written together
    (:func:`pipeline.fsutil.atomic_write_many`: one sync instead of two per
    file, which dominated a cold run). A catalogue that changed on disk
    goes through :func:`save_state`, which re-reads and merges it.
    """
    ready = [s for s in states if s.pending]
    if len(ready) < 2:
        for state in ready:
            save_state(state, summary)
        return
    items, applied, slow = [], [], []
    for state in ready:
        current = file_digest(state.path) if state.path.is_file() else None
        if current != state.digest:
            slow.append(state)  # a translator saved it: re-read and merge, one by one
            continue
        applied.append((state, apply_pending(state, summary)))
        items.append((state.path, catalog_text(state.po).encode("utf-8"), state.digest))
    outcomes = atomic_write_many(items, error=CatalogError) if items else []
    for (state, count), (_path, data, _expect), outcome in zip(applied, items, outcomes):
        if isinstance(outcome, ChangedOnDisk):
            slow.append(state)
            continue
        if isinstance(outcome, PipelineError):
            summary.errors.append(outcome)
            continue
        if outcome:
            summary.wrote(state.path)
        state.digest = hashlib.sha256(data).hexdigest()
        for key in state.pending:
            state.needs.pop(key, None)
        state.pending.clear()
        summary.translated += count
    for state in slow:
        save_state(state, summary)


def apply_pending(state: CatalogState, summary: Summary) -> int:
    """Put pending fills into the in-memory catalogue; return how many were applied."""
    entries = state.entries()
    applied = 0
    for key, fill in state.pending.items():
        entry = entries.get(key)
        if entry is not None and fill.text != fill.seen and entry.msgstr == fill.text \
                and fill.provenance in (entry.comment or ""):
            applied += 1  # put there by an earlier save that did not reach the disk
            continue
        if entry is None or entry.msgstr != fill.seen or is_reviewed(entry):
            summary.kept += 1
            continue
        fill_fuzzy(entry, fill.text, fill.provenance)
        if fill.previous:
            entry.previous_msgid = fill.previous
        if fill.reviewed:
            entry.flags.remove("fuzzy")
        applied += 1
    return applied

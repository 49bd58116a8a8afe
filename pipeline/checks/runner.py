"""Running the checks on one catalogue: read it as every command does, then run
the file checks and the entry checks on its reviewed entries.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Iterable, Iterator

from ..catalog import parse_catalog
from ..catalog.validate import RawEntry, decode_po, header_fields, scan_po, validate_entries
from ..config import Project
from ..errors import CatalogError, PipelineError
from ..fsutil import read_bytes
from ..locales import parse_locale
from ..translate.glossary import Glossary, glossary_paths, load_glossary
from .registry import CHECKS, GROUPS, Check, Document, Finding, Unit, known_language

# --------------------------------------------------------------------------- running

def language_of(path: Path, text: str | None = None) -> str | None:
    """Guess a PO file's language: its Language header, else its folder name (``locales/ckb/x.po``)."""
    if text is None:
        try:
            text = decode_po(path.read_bytes(), path=path)
        except (OSError, PipelineError):
            text = ""
    m = re.search(r'^"Language:\s*([A-Za-z_@-]*)\s*\\n"', text[:65536], re.M)
    if m and m.group(1):
        return m.group(1).replace("-", "_")
    for part in reversed(path.parent.parts):
        if part in ("LC_MESSAGES",):
            continue
        try:
            parse_locale(part)
            return part
        except PipelineError:
            break
    return None


def selected_checks(checks: Iterable[str] | None) -> dict[str, Check]:
    if not checks:
        return dict(CHECKS)
    chosen = {}
    for name in checks:
        if name in CHECKS:
            chosen[name] = CHECKS[name]
        elif name in GROUPS:
            chosen.update({k: c for k, c in CHECKS.items() if c.group == name})
        else:
            raise PipelineError(f"unknown check or group {name!r} (known: "
                                f"{', '.join(sorted(set(CHECKS) | set(GROUPS)))})")
    return chosen


def read_document(po_path: Path, lang: str, *, data: bytes | None = None) -> Document:
    """Read and validate a PO file the way :func:`catalog.load_catalog` does.

    *data*, when given, is the file's content already read (and hashed).
    The file is scanned once: the entries the validator read are the ones
    the checks see.
    """
    if data is None:
        data = read_bytes(po_path, error=CatalogError)
    text = decode_po(data, path=po_path)
    entries = scan_po(text, path=po_path)
    problems = validate_entries(entries, text, path=po_path)
    po = parse_catalog(text, path=po_path)  # polib must read it too, as every command will
    return Document(po_path, lang, text, entries, problems, header_fields(entries), po)


def units_of(entry: RawEntry, lang: str, glossary: Glossary | None) -> Iterator[Unit]:
    """Yield one :class:`Unit` per translated form of *entry*."""
    sources = (entry.msgid,) + ((entry.msgid_plural,) if entry.msgid_plural is not None else ())
    for form, target in entry.translations:
        source = entry.msgid if form in (None, 0) or entry.msgid_plural is None else entry.msgid_plural
        yield Unit(source, target, lang, entry, form, glossary, sources)


def check_catalog(po_path: Path, lang: str | None, project: Project | None = None, *,
                  include_fuzzy: bool = False, checks: Iterable[str] | None = None,
                  doc: Document | None = None) -> list[Finding]:
    """Run the registered entry and file checks on one catalogue; return the findings.

    A file that cannot be read faithfully gives a single ``file`` error.
    *doc*: the catalogue as :func:`read_document` already read it (a caller
    that needs its polib catalogue too reads the file once).
    """
    po_path = Path(po_path)
    selected = selected_checks(checks)
    shown = str(po_path)
    if doc is None:
        try:
            doc = read_document(po_path, lang or "und")
        except CatalogError as exc:
            return [Finding(shown, exc.lineno, "", "file", "error", exc.message)]
    return run_document(doc, project, selected, include_fuzzy)


#: msgids whose "translation" is the translators' names and addresses (GNOME, KDE).
CREDITS_MSGIDS = {"translator-credits", "translator_credits", "translators", "your names",
                  "your emails", "name of translators", "email of translators"}




def run_document(doc: Document, project: Project | None, selected: dict[str, Check],
                  include_fuzzy: bool) -> list[Finding]:
    shown = str(doc.path)
    findings: list[Finding] = []
    for c in selected.values():
        if c.scope != "file":
            continue
        for issue in c.func(doc):
            findings.append(Finding(shown, issue.lineno, issue.msgid, c.name,
                                    issue.severity or c.severity, issue.message))
    glossary_ = None
    if project is not None and _inside(doc.path, project.root):
        # A file from elsewhere (another project's PO) is not bound by this desk's glossary.
        glossary_ = _glossary_for(project, doc.lang)
    entry_checks = [c for c in selected.values() if c.scope == "entry"]
    if not known_language(doc.lang):
        # Without a language, script rules and "identical" have nothing to stand on.
        entry_checks = [c for c in entry_checks if c.group != "script" and c.name != "identical"]
    for entry in doc.entries:
        if entry.obsolete or entry.is_header or not any(entry.msgstr.values()):
            continue
        active = [c for c in entry_checks if c.fuzzy or include_fuzzy or not entry.fuzzy]
        if entry.msgid.strip().lower() in CREDITS_MSGIDS:
            active = [c for c in active if c.group == "safety"]  # names and addresses, not prose
        if not active:
            continue
        for unit in units_of(entry, doc.lang, glossary_):
            for c in active:
                for message in c.func(unit):
                    label = "" if unit.form is None else f"msgstr[{unit.form}]: "
                    findings.append(Finding(shown, entry.msgstr_lineno or entry.lineno, entry.msgid,
                                            c.name, c.severity, label + message))
    findings.sort(key=lambda f: (f.lineno or 0, f.check))
    return findings


_GLOSSARIES: dict[tuple, Any] = {}


def _glossary_for(project: Project, lang: str) -> Glossary:
    """Load the glossary of *lang* once per process (again when its files change)."""
    stamp = []
    for path in glossary_paths(project, lang):
        try:
            st = path.stat()
        except OSError:
            continue
        stamp.append((str(path), st.st_mtime_ns, st.st_size))
    key = (str(project.root), lang, tuple(stamp))
    glossary_ = _GLOSSARIES.get(key)
    if glossary_ is None:
        if len(_GLOSSARIES) > 32:
            _GLOSSARIES.clear()
        glossary_ = _GLOSSARIES[key] = load_glossary(project, lang)
    return glossary_


def _inside(path: Path, root: Path) -> bool:
    try:
        canonical_path(path).relative_to(canonical_path(root))
    except ValueError:
        return False
    return True


_FOLDERS: dict[str, str] = {}
_CANON: dict[str, str] = {}


def forget_resolved_paths() -> None:
    """Forget the folders :func:`canonical_path` resolved (they may have moved since)."""
    _FOLDERS.clear()
    _CANON.clear()


def canonical_str(path: Path | str) -> str:
    """``str(Path(path).resolve())``, resolving each folder once (thousands of catalogues share three).

    Strings, not Path objects: a run over the archive asks this for every catalogue.
    """
    key = os.fspath(path)
    known = _CANON.get(key)
    if known is not None:
        return known
    if len(_CANON) > 65536:
        _CANON.clear()
    head, name = os.path.split(key)
    if name in ("", ".", "..") or os.path.islink(key):
        resolved = os.path.realpath(key)
    else:
        folder = _FOLDERS.get(head)
        if folder is None:
            folder = _FOLDERS[head] = os.path.realpath(head or os.curdir)
        resolved = os.path.join(folder, name)
    _CANON[key] = resolved
    return resolved


def canonical_path(path: Path | str) -> Path:
    """``Path(path).resolve()``, through :func:`canonical_str`'s caches."""
    return Path(canonical_str(path))


# --------------------------------------------------------------------------- many catalogues

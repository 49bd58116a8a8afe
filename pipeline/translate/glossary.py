"""Glossaries: approved renderings and do-not-translate terms, one file per language.

File: ``locales/<lang>/glossary.csv`` (UTF-8, edit it in any spreadsheet or
text editor; Weblate and Poedit export CSV too). Columns::

    term,translation,note
    ISIS,داعش,Arabic media use the acronym Daesh
    AFP,,do not translate: agency name stays as written
    # lines starting with # are comments

* ``term`` is the English source term. A term with a capital letter
  (``ISIS``, ``Kirkuk``) matches case-sensitively; an all-lower-case term
  matches in any case. Terms match whole words only (``ISIS`` matches in
  ``anti-ISIS`` but not in ``CRISIS``). Longer terms win over shorter ones.
* ``translation`` is the approved rendering. **Empty means do not
  translate**: the term is kept exactly as written (and maps to itself in
  :attr:`Glossary.terms`).
* ``note`` is for translators and is ignored by the pipeline.
* The header line is optional.

A TBX file ``locales/<lang>/glossary.tbx`` (the terminology exchange format
of CAT tools and Weblate) is read too: each ``termEntry`` with an English
term and a term in the catalogue's language. CSV rows win over TBX entries.

The translate stage masks glossary terms and restores the approved
rendering; the check stage flags a translation that misses it.
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Project
from ..errors import ConfigError
from ..fsutil import read_text

GLOSSARY_NAMES = ("glossary.csv", "glossary.tbx")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass
class Glossary:
    """The approved terms of one target language."""

    lang: str
    terms: dict[str, str] = field(default_factory=dict)  # source → target (itself if DNT)
    notes: dict[str, str] = field(default_factory=dict)
    paths: tuple[Path, ...] = ()
    _regex: re.Pattern | None = field(default=None, repr=False, compare=False)

    @property
    def do_not_translate(self) -> set[str]:
        """Terms kept as written."""
        return {k for k, v in self.terms.items() if k == v}

    def _pattern(self) -> re.Pattern | None:
        if self._regex is None and self.terms:
            parts = []
            for term in sorted(self.terms, key=lambda t: (-len(t), t)):
                body = re.escape(term)
                if term == term.lower():
                    body = f"(?i:{body})"
                parts.append(body)
            self._regex = re.compile(r"(?<![^\W_])(?:" + "|".join(parts) + r")(?![^\W_])")
        return self._regex

    def _target_of(self, matched: str) -> tuple[str, str]:
        if matched in self.terms:
            return matched, self.terms[matched]
        for term, target in self.terms.items():  # a case-insensitive match
            if term == term.lower() and term == matched.lower():
                return term, (matched if target == term else target)
        return matched, matched

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """Return (start, end, approved rendering) of every term occurrence in *text*."""
        pattern = self._pattern()
        if pattern is None:
            return []
        return [(m.start(), m.end(), self._target_of(m.group(0))[1]) for m in pattern.finditer(text)]

    def find(self, text: str) -> list[tuple[str, str]]:
        """Return the (term, approved rendering) pairs present in a source text, in order.

        >>> g = Glossary("ar", {"ISIS": "داعش", "AFP": "AFP"})
        >>> g.find("Coalition helps Iraq sustain anti-ISIS fight [AFP]; CRISIS")
        [('ISIS', 'داعش'), ('AFP', 'AFP')]
        """
        pattern = self._pattern()
        if pattern is None:
            return []
        out: list[tuple[str, str]] = []
        for m in pattern.finditer(text):
            pair = self._target_of(m.group(0))
            if pair not in out:
                out.append(pair)
        return out


def glossary_paths(project: Project, lang: str) -> list[Path]:
    """Return the glossary files of *lang* that exist (CSV first)."""
    folder = project.locales_dir / lang
    return [folder / name for name in GLOSSARY_NAMES if (folder / name).is_file()]


def load_glossary(project: Project, lang: str) -> Glossary:
    """Read ``locales/<lang>/glossary.csv`` (and ``.tbx``); empty glossary if there is none."""
    glossary = Glossary(lang)
    paths = glossary_paths(project, lang)
    for path in reversed(paths):  # TBX first, so CSV rows win
        if path.suffix == ".csv":
            rows = read_csv(path)
        else:
            rows = read_tbx(path, project.source, lang)
        if len(rows) > project.limit("glossary_terms"):
            raise ConfigError(f"glossary of {len(rows):,} terms; the limit is "
                              f"{project.limit('glossary_terms'):,} ([tool.newsloc.limits] "
                              "glossary_terms)", path=path)
        for term, target, note in rows:
            glossary.terms[term] = target or term
            if note:
                glossary.notes[term] = note
    glossary.paths = tuple(paths)
    return glossary


def read_csv(path: Path) -> list[tuple[str, str, str]]:
    """Parse a glossary CSV into (term, translation, note) rows."""
    text = read_text(path, what="glossary", error=ConfigError)
    rows: list[tuple[str, str, str]] = []
    seen: dict[str, int] = {}
    reader = csv.reader(io.StringIO(text))
    try:
        for row in reader:
            lineno = reader.line_num
            if not row or not any(c.strip() for c in row) or row[0].lstrip().startswith("#"):
                continue
            cells = [c.strip() for c in row] + ["", ""]
            term, target, note = cells[0], cells[1], cells[2]
            if not rows and not seen and term.lower() == "term":
                continue  # header line
            if not term:
                raise ConfigError("empty term (first column)", path=path, lineno=lineno)
            if term in seen:
                raise ConfigError(f"term {term!r} is listed twice (first on line {seen[term]})",
                                  path=path, lineno=lineno)
            seen[term] = lineno
            rows.append((term, target, note))
    except csv.Error as exc:
        raise ConfigError(f"not valid CSV: {exc}", path=path, lineno=reader.line_num) from exc
    return rows


def read_tbx(path: Path, source: str, lang: str) -> list[tuple[str, str, str]]:
    """Parse a TBX file into (term, translation, note) rows for *source* → *lang*."""
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as exc:
        raise ConfigError(f"not a readable TBX file: {exc}", path=path) from exc
    want = {source.lower().split("_")[0]}
    have = lang.lower().replace("-", "_")
    rows = []
    for entry in root.iter():
        if _local_name(entry.tag) not in ("termEntry", "conceptEntry"):
            continue
        by_lang: dict[str, str] = {}
        note = ""
        for lang_set in entry:
            if _local_name(lang_set.tag) != "langSet":
                if _local_name(lang_set.tag) in ("descrip", "note") and lang_set.text:
                    note = lang_set.text.strip()
                continue
            code = (lang_set.get(_XML_LANG) or lang_set.get("lang") or "").lower().replace("-", "_")
            term = next((t.text for t in lang_set.iter() if _local_name(t.tag) == "term" and t.text),
                        None)
            if term:
                by_lang[code] = term.strip()
        src = next((v for k, v in by_lang.items() if k.split("_")[0] in want), None)
        tgt = by_lang.get(have) or next((v for k, v in by_lang.items()
                                         if k.split("_")[0] == have.split("_")[0]), None)
        if src and tgt:
            rows.append((src, "" if tgt == src else tgt, note))
    return rows


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""

"""The TMX 1.4 format: units to a TMX document and back (parsed with defusedxml).

The project-level commands (``newsloc tm export`` / ``tm import``) are in
:mod:`pipeline.translate.exchange`.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections import Counter
from itertools import groupby
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator
from xml.etree import ElementTree as ET

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from .. import __version__
from ..errors import CatalogError
from .units import Unit, normalize_space

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Codes other tools use for the project's languages (TMX carries BCP 47 tags).
LANGUAGE_ALIASES = {"kmr": "ku", "ku_latn": "ku", "ku_arab": "ckb", "ckb_arab": "ckb"}

def tmx_lang(code: str) -> str:
    """Return the BCP 47 tag TMX wants for a babel-style locale code.

    >>> tmx_lang("ar_IQ"), tmx_lang("ckb")
    ('ar-IQ', 'ckb')
    """
    return code.replace("_", "-")


def project_lang(tag: str, languages: Iterable[str]) -> str | None:
    """Map a TMX language tag to one of *languages* (exact, alias, then base language).

    >>> project_lang("AR-SA", ["ar", "ckb", "ku"]), project_lang("kmr", ["ar", "ckb", "ku"])
    ('ar', 'ku')
    >>> project_lang("fr", ["ar"]) is None
    True
    """
    wanted = {lang.lower().replace("-", "_"): lang for lang in languages}
    code = tag.strip().lower().replace("-", "_")
    if code in wanted:
        return wanted[code]
    alias = LANGUAGE_ALIASES.get(code) or LANGUAGE_ALIASES.get(code.split("_")[0])
    if alias in wanted:
        return wanted[alias]
    base = code.split("_")[0]
    if base in wanted:
        return wanted[base]
    return None


def _tmx_stamp() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = (dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch
              else dt.datetime.now(dt.timezone.utc))
    return moment.strftime("%Y%m%dT%H%M%SZ")


def write_tmx(units: Iterable[Unit], *, source_lang: str = "en") -> bytes:
    """Return a TMX 1.4 document holding *units* (one ``tu`` per distinct translation)."""
    rows = sorted(((u.lang, u.source, u.target, u.origin) for u in units), key=lambda r: (r[0], r[1]))
    out = io.BytesIO()
    stream_tmx(group_tus(rows), out, source_lang=source_lang)
    return out.getvalue()


def group_tus(rows: Iterable[tuple[str, str, str, str]]) -> Iterator[tuple[str, str, str, set[str]]]:
    """What one ``tu`` is: (lang, source, target, origins) per distinct translation (spacing
    aside), from (lang, source, target, origin) rows ordered by (lang, source) and then
    file order; the first spelling of each translation is kept, in normalised order."""
    for (lang, source), group in groupby(rows, key=lambda r: (r[0], r[1])):
        by_text: dict[str, tuple[str, set[str]]] = {}
        for _, _, target, origin in group:
            by_text.setdefault(normalize_space(target), (target, set()))[1].add(origin)
        for _, (target, origins) in sorted(by_text.items()):
            yield lang, source, target, origins


def stream_tmx(tus: Iterable[tuple[str, str, str, Iterable[str]]], out: BinaryIO, *,
               source_lang: str = "en") -> int:
    """Write a TMX 1.4 document to *out* as it goes, one ``tu`` per (lang, source, target,
    origins) of *tus* (in that order); return how many.

    The bytes are those of one ElementTree of the whole document indented with
    ``ET.indent`` (each ``tu`` is serialised by ElementTree, indented at its depth), but
    only one ``tu`` is held at a time: ``tm export`` of a 20,000-article archive writes
    over a million.
    """
    header = ET.Element("header", {
        "creationtool": "newsloc", "creationtoolversion": __version__,
        "datatype": "PlainText", "segtype": "sentence", "adminlang": "en",
        "srclang": tmx_lang(source_lang), "o-tmf": "newsloc", "creationdate": _tmx_stamp(),
    })
    out.write(b'<?xml version="1.0" encoding="UTF-8"?>\n'
              b'<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n'
              b'<tmx version="1.4">\n  ' + ET.tostring(header, encoding="unicode").encode("utf-8"))
    count = 0
    for lang, source, target, origins in tus:
        tu = ET.Element("tu", srclang=tmx_lang(source_lang))
        for origin in sorted(set(origins)):
            ET.SubElement(tu, "prop", type="x-newsloc-origin").text = origin
        for code, text in ((source_lang, source), (lang, target)):
            tuv = ET.SubElement(tu, "tuv", {XML_LANG: tmx_lang(code)})
            ET.SubElement(tuv, "seg").text = text
        ET.indent(tu, space="  ", level=2)
        out.write((b"\n  <body>" if not count else b"") + b"\n    "
                  + ET.tostring(tu, encoding="unicode").encode("utf-8"))
        count += 1
    out.write(b"\n  </body>\n</tmx>\n" if count else b"\n  <body />\n</tmx>\n")
    return count


# Inline codes of TMX 1.4 whose content is native markup, not text.
_CODE_TAGS = {"bpt", "ept", "ph", "it", "ut"}


def _seg_text(seg: ET.Element) -> str:
    """Return the plain text of a ``seg``: inline codes dropped, ``hi``/``sub`` text kept."""
    parts = [seg.text or ""]
    for child in seg:
        if _local(child.tag) not in _CODE_TAGS:
            parts.append(_seg_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def read_tmx(path: str | Path, *, source_lang: str, languages: Iterable[str],
             others: Counter | None = None) -> list[Unit]:
    """Read a TMX file (safely) into units for *languages*; other languages are skipped
    (and, with *others*, their ``tuv`` counted per language tag, ``?`` for none).

    Parsed incrementally: each ``tu`` is read and dropped from ``<body>``, so a vendor's
    memory of tens of megabytes is not held as one element tree (a 30 MB file cost
    240 MB so).
    """
    path = Path(path)
    languages = list(languages)
    units: list[Unit] = []
    stem = path.stem
    depth, body, seen_body = 0, None, False
    for event, elem in _iterparse(path):
        if event == "start":
            depth += 1
            if depth == 1 and _local(elem.tag) != "tmx":
                raise CatalogError(f"not a TMX file (root element <{_local(elem.tag)}>)", path=path)
            if depth == 2 and elem.tag == "body" and not seen_body:
                body, seen_body = elem, True
            continue
        depth -= 1
        if body is not None and depth < 2:
            body = None  # the end of <body>
        elif body is not None and elem.tag == "tu":
            units.extend(_tu_units(elem, source_lang, languages, stem, path, others))
            elem.clear()
            if depth == 2:
                body.clear()  # the emptied tu's too: nothing of the file is kept
    if not seen_body:
        raise CatalogError("not a TMX file: no <body>", path=path)
    return units


def _iterparse(path: Path, events: tuple[str, ...] = ("start", "end")) -> Iterator[tuple[str, ET.Element]]:
    try:
        yield from SafeET.iterparse(str(path), events=events, forbid_dtd=False,
                                    forbid_entities=True, forbid_external=True)
    except FileNotFoundError as exc:
        raise CatalogError("no such file", path=path) from exc
    except OSError as exc:
        raise CatalogError(f"cannot read: {exc.strerror or exc}", path=path) from exc
    except ET.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise CatalogError(f"not well-formed XML: {exc.msg if hasattr(exc, 'msg') else exc}",
                           path=path, lineno=line) from exc
    except DefusedXmlException as exc:
        raise CatalogError(f"refused unsafe XML ({type(exc).__name__}): entities and external "
                           "references are not allowed in a TMX file", path=path) from exc


def _tu_units(tu: ET.Element, source_lang: str, languages: list[str], stem: str,
              path: Path, others: Counter | None = None) -> list[Unit]:
    texts: dict[str, str] = {}
    src_text = None
    for tuv in tu.findall("tuv"):
        tag = tuv.get(XML_LANG) or tuv.get("lang") or ""
        if others is not None and project_lang(tag, [source_lang]) is None \
                and project_lang(tag, languages) is None:
            others[tag or "?"] += 1
        seg = tuv.find("seg")
        if seg is None:
            continue
        text = normalize_space(_seg_text(seg))
        if not text:
            continue
        if project_lang(tag, [source_lang]) is not None:
            src_text = text
            continue
        lang = project_lang(tag, languages)
        if lang is not None and lang not in texts:
            texts[lang] = _seg_text(seg).strip()
    if src_text is None:  # no segment in the project's source language
        return []
    origins = [p.text.strip() for p in tu.findall("prop")
               if p.get("type") == "x-newsloc-origin" and p.text and p.text.strip()]
    origin = origins[0] if origins else stem
    if not origin.startswith("tmx:"):
        origin = f"tmx:{origin}"
    return [Unit(src_text, target, lang, origin, path.as_posix(), None, True)
            for lang, target in texts.items()]

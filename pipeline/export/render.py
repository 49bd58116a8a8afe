"""Rendering editions, index pages and proof pages with Jinja2 (autoescaping on).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import jinja2
from markupsafe import Markup, escape

from .. import __version__
from ..article import Article
from ..errors import ExportError
from ..textpatterns import text_only
from ..locales import (display_name, text_direction)
from .bidi import LRI, PDI, RLI, RLM, html_isolate, mark_rtl_lines, md_escape, unicode_isolate
from .blocks import html_body, markdown_body, text_body
from .markup import image_html, image_markdown, inline_html, inline_markdown, inline_text
from .model import (SHOWN_MACHINE, SHOWN_REVIEWED, SHOWN_SOURCE, Edition, Item, Readiness, Run, Text,
                    digit_localiser, words_for)
from .settings import FORMATS, Policy

# --------------------------------------------------------------------------- rendering

@dataclass(frozen=True)
class IndexEntry:
    """One edition as the language's index lists it."""

    slug: str
    headline: str
    date: str | None
    date_text: str | None
    partial: bool


_ENV: jinja2.Environment | None = None


def _env() -> jinja2.Environment:
    global _ENV
    if _ENV is None:
        _ENV = jinja2.Environment(
            loader=jinja2.PackageLoader("pipeline.export", "templates"),
            autoescape=jinja2.select_autoescape(["html"], default_for_string=False),
            undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
            trim_blocks=True, lstrip_blocks=True,
            # Templates ship with the package: no stat() per render to look for edits.
            auto_reload=False)
    return _ENV


def lang_tag(code: str) -> str:
    """BCP 47 tag for HTML ``lang``: ``ar_IQ`` → ``ar-IQ``.

    >>> lang_tag("ar_IQ")
    'ar-IQ'
    """
    return code.replace("_", "-")


def render_edition(edition: Edition, fmt: str) -> str:
    """Render *edition* as ``html``, ``md`` or ``txt``."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (use {', '.join(FORMATS)})")
    words = words_for(edition.lang)
    direction = edition.direction
    labels = {SHOWN_MACHINE: words("Machine translation, not yet reviewed"),
              SHOWN_SOURCE: words("Source text, not yet translated")}
    # Entries with inline markup (md-text): digits are localised in their words only.
    localise = digit_localiser(edition.locale, edition.digits)

    def html_words(text: str) -> Markup:
        return html_isolate(text, direction)

    def uni_words(text: str) -> str:
        return unicode_isolate(text, direction)

    if fmt == "html":
        def html_run(run: Run) -> Markup:
            if not run.markup:
                return html_isolate(run.text, direction) if run.shown != SHOWN_SOURCE else escape(run.text)
            if run.shown == SHOWN_SOURCE:
                return inline_html(run.text, escape)
            return inline_html(run.text, html_words, localise)

        def inline(text: Text | None) -> Markup:
            if text is None:
                return Markup("")
            parts = []
            for run in text.runs():
                if run.shown == SHOWN_REVIEWED:
                    parts.append(html_run(run))
                elif run.shown == SHOWN_MACHINE:
                    parts.append(Markup('<span class="machine">{}</span> '
                                        '<small class="flag">[{}]</small>').format(
                        html_run(run), labels[SHOWN_MACHINE]))
                else:
                    parts.append(Markup('<span class="source" lang="en" dir="ltr">{}</span> '
                                        '<small class="flag">[{}]</small>').format(
                        html_run(run), labels[SHOWN_SOURCE]))
            return Markup(" ").join(parts)
    else:
        isolate = (lambda s: s) if fmt == "txt" else md_escape
        source_opener = LRI if direction == "rtl" else ""
        source_closer = PDI if direction == "rtl" else ""
        with_markup = inline_text if fmt == "txt" else inline_markdown

        def inline(text: Text | None) -> str:  # type: ignore[misc]
            if text is None:
                return ""
            parts = []
            for run in text.runs():
                if run.markup and run.shown == SHOWN_SOURCE:
                    body = f"{source_opener}{with_markup(run.text)}{source_closer}"
                elif run.markup:
                    body = with_markup(run.text, uni_words, localise)
                elif run.shown == SHOWN_SOURCE:
                    body = f"{source_opener}{isolate(run.text)}{source_closer}"
                else:
                    body = isolate(unicode_isolate(run.text, direction))
                if run.shown != SHOWN_REVIEWED:
                    flag = f"[{labels[run.shown]}]"
                    body += f" *{md_escape(flag)}*" if fmt == "md" else f" {flag}"
                parts.append(body)
            return " ".join(parts)

    context = {
        "e": edition, "w": words, "inline": inline, "lang_tag": lang_tag(edition.lang),
        "dir": direction, "fonts": _font_stack(direction), "generator": f"newsloc {__version__}",
        "published": words("Published {date}", date=edition.date_text) if edition.date_text else None,
        "title": edition.headline.plain, "partial": edition.partial, "body": None,
        # front matter carries text, never markup (issue 13)
        "title_text": text_only(edition.headline.plain),
        "sections_text": [text_only(s.plain) for s in edition.sections],
        "json": lambda v: json.dumps(v, ensure_ascii=False),
        "underline": lambda s, ch: ch * max(3, len(re.sub(f"[{LRI}{RLI}{PDI}\u2068{RLM}]", "", str(s)))),
    }
    if fmt == "html":
        context["photo"] = lambda credit: Markup(escape(words("Photo: {credit}", credit="\x00"))
                                                 .replace("\x00", credit))
    elif fmt == "md":
        context["photo"] = lambda credit: md_escape(words("Photo: {credit}", credit="\x00")) \
            .replace("\x00", str(credit))
    else:
        context["photo"] = lambda credit: words("Photo: {credit}", credit="\x00").replace("\x00", str(credit))
    if edition.structured:
        context["body"] = _body(edition, fmt, inline, context["photo"], html_words, localise)
    text = _env().get_template(f"edition.{fmt}").render(**context)
    # Plain editions mark Latin-led lines right to left; a structured Markdown edition
    # cannot (a mark before "- " or "| " would undo the list or the table): it relies on
    # its front matter's dir and the isolates around every Latin run.
    if fmt == "txt" and direction == "rtl" or (fmt == "md" and direction == "rtl"
                                                 and not edition.structured):
        if fmt == "md" and text.startswith("---\n"):
            end = text.index("\n---\n", 4) + 5
            text = text[:end] + mark_rtl_lines(text[end:])
        else:
            text = mark_rtl_lines(text)
    return text


def _body(edition: Edition, fmt: str, inline: Callable[[Any], Any], photo: Callable[[Any], Any],
          html_words: Callable[[str], Markup], localise: Callable[[str], str]) -> Any:
    """The body of a structured edition (lists, quotes, tables, figures) in *fmt*."""
    if fmt == "html":
        def image(item: Item) -> Markup:
            alt = localise(item.text.plain) if item.text is not None else ""
            return image_html(item.attrs.get("src") or "", alt, item.attrs.get("title"), html_words)
        return html_body(edition.items, inline, image=image, photo=photo)
    if fmt == "md":
        def md_image(item: Item) -> str:
            return image_markdown(inline(item.text), item.attrs.get("src") or "", item.attrs.get("title"))
        return markdown_body(edition.items, inline, image=md_image, photo=photo)
    return text_body(edition.items, inline, photo=photo)


def _font_stack(direction: str) -> str:
    """CSS font stack: Arabic-script faces that cover Sorani letters first for RTL editions."""
    arabic = ['"Noto Naskh Arabic"', '"Noto Sans Arabic"', '"Noto Kufi Arabic"', '"Amiri"',
              '"Scheherazade New"', '"Vazirmatn"', '"Geeza Pro"', '"Segoe UI"', '"Tahoma"']
    latin = ['"Noto Serif"', '"Noto Sans"', '"DejaVu Serif"', '"Georgia"', '"Times New Roman"']
    stack = arabic + latin if direction == "rtl" else latin + arabic
    return ", ".join(stack + ["serif"])


def render_index(lang: str, entries: Sequence[IndexEntry]) -> str:
    """Render the index page of one language."""
    words = words_for(lang)
    direction = text_direction(lang)
    return _env().get_template("index.html").render(
        lang_tag=lang_tag(lang), dir=direction, w=words, entries=entries,
        language=display_name(lang), fonts=_font_stack(direction),
        generator=f"newsloc {__version__}",
        iso=lambda s: html_isolate(s, direction))


def render_proof(article: Article, lang: str, readiness: Readiness, *, policy: Policy,
                 findings: Sequence[Any] | None, catalog_name: str) -> str:
    """Render the bilingual proof page of *article* in *lang*."""
    direction = text_direction(lang)
    by_msgid: dict[str, list[Any]] = {}
    for f in findings or ():
        by_msgid.setdefault(getattr(f, "msgid", "") or "", []).append(f)
    rows = []
    seen: set[str] = set()
    for n, st in enumerate(readiness.states, start=1):
        first = st.segment.source not in seen
        seen.add(st.segment.source)
        rows.append({"n": n, "seg": st.segment, "state": st.state,
                     "translation": html_isolate(st.translation, direction),
                     "findings": by_msgid.get(st.segment.source, []) if first else []})
    general = by_msgid.get("", [])
    reason = readiness.refusal(policy)
    return _env().get_template("proof.html").render(
        article=article, lang=lang, lang_tag=lang_tag(lang), dir=direction,
        language=display_name(lang, "en"), rows=rows, r=readiness, reason=reason,
        policy=policy, findings_available=findings is not None, general=general,
        catalog_name=catalog_name, fonts=_font_stack("rtl"),
        generator=f"newsloc {__version__}")

"""The identity property's machinery: an article's editions with every translation = its source.

:func:`editions_with_identity` reads an article with newsloc's reader, builds its
catalogue in memory with every msgstr equal to its msgid (reviewed), assembles the
Arabic edition (right to left: isolates and ``<bdi>`` everywhere) and renders it as
HTML and Markdown: the library calls ``newsloc extract``/``export`` make, without files
per example. :func:`shape` reduces an HTML rendering to what the property compares:
elements, link and image targets, alt text and text (whitespace collapsed), ignoring
what an edition adds for display only (``<bdi>``, bidi isolates and marks, ``dir``,
``<thead>``/``<tbody>``, a figure around an image, paragraphs inside list items whose
tightness the reader does not keep) and heading levels (the body's may be one lower).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

from lxml import html as lxml_html
from markdown_it.common.utils import escapeHtml

from pipeline.article import read_article
from pipeline.article.inline import markdown
from pipeline.catalog import build_template, new_catalog
from pipeline.config import load_project
from pipeline.export import assemble_edition, render_edition
from pipeline.segment import segment_article
from pipeline.textpatterns import safe_link_target

LANG = "ar"
_BIDI = re.compile("[\u2066-\u2069\u200e\u200f\u061c]")
_UNWRAP = {"bdi", "span", "thead", "tbody", "figcaption", "small"}


def source_renderer():
    """How a source's Markdown renders for the comparison: newsloc's parser, raw HTML shown as text.

    An edition never makes raw HTML live, so the reference shows it the same way: an HTML
    block as preformatted text, inline HTML escaped.
    """
    md = markdown().__class__("commonmark").enable(["table", "strikethrough"])
    md.renderer.rules["html_inline"] = lambda tokens, idx, *args: escapeHtml(tokens[idx].content)
    md.renderer.rules["html_block"] = lambda tokens, idx, *args: (
        '<pre class="html"><code>' + escapeHtml(tokens[idx].content) + "</code></pre>\n")
    return md


def editions_with_identity(root: Path, path: Path) -> tuple[str, str]:
    """Return the (HTML, Markdown) editions of *path* with every translation equal to its source."""
    project = load_project(root)
    article = read_article(path)
    segments = segment_article(article, project.source)
    po = new_catalog(build_template(segments, source_ref=path.name, title=path.stem), LANG)
    for entry in po:
        entry.msgstr = entry.msgid
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    edition = assemble_edition(project, article, LANG, po, segments=segments)
    return render_edition(edition, "html"), render_edition(edition, "md")


def edition_body_html(page: str) -> str:
    """The body of an HTML edition (inside <article>, without its header and footer)."""
    doc = lxml_html.document_fromstring(page)
    article = doc.find(".//article")
    for part in article.findall("header") + article.findall("footer"):
        article.remove(part)
    return "".join(lxml_html.tostring(child, encoding="unicode") for child in article)


def markdown_body(md_edition: str) -> str:
    """The body of a Markdown edition: after its front matter, header lines and before its footer."""
    body = md_edition.split("\n---\n", 1)[1]
    body = body.rsplit("\n---\n", 1)[0]
    lines = body.split("\n")
    # The header: "# headline" and, when present, "**byline**" / date lines, up to the first blank
    # line after the headline.
    start = next(k for k, line in enumerate(lines) if line.startswith("# "))
    end = start + 1
    while end < len(lines) and lines[end].strip() == "":
        end += 1
    return "\n".join(lines[end:])


def shape(fragment: str) -> list:
    """What the identity property compares in an HTML fragment."""
    root = lxml_html.fragment_fromstring(fragment or "<p></p>", create_parent="div")
    return _walk(root, "div")


def _walk(el, parent_tag: str) -> list:
    out: list = []
    if el.text:
        out.append(el.text)
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else None
        if tag is None:
            pass
        elif (tag in _UNWRAP or (tag == "p" and parent_tag == "li")
              or (tag == "a" and not safe_link_target(child.get("href", "")))):
            out.extend(_walk(child, parent_tag))
        elif tag == "img" and not safe_link_target(child.get("src", "")):
            out.append(child.get("alt", ""))
        else:
            name = "h" if re.fullmatch(r"h[1-6]", tag) else "p" if tag == "figure" else tag
            attrs = tuple((k, unquote(child.get(k)) if k in ("href", "src") else " ".join(
                _BIDI.sub("", child.get(k)).split()))
                for k in ("href", "src", "alt", "start") if child.get(k) is not None)
            out.append((name, attrs, tuple(_walk(child, tag))))
        if child.tail:
            out.append(child.tail)
    merged: list = []
    for item in out:
        if isinstance(item, str):
            item = _BIDI.sub("", item)
            if merged and isinstance(merged[-1], str):
                merged[-1] += item
                continue
        merged.append(item)
    return [" ".join(m.split()) if isinstance(m, str) else m for m in merged
            if not (isinstance(m, str) and not m.split())]

"""A Markdown/HTML corpus generated from plain-text articles, for the pipeline benchmark.

``make_markup_corpus(sources, folder, count=200)`` writes *count* articles
into *folder*, alternately ``.md`` and ``.html``, built deterministically
from the plain-text *sources* (the BBC corpus): the same words, dressed as
editors and CMSs dress them: a link and bold words in the first paragraph,
emphasis, a bullet list and a numbered list made of sentences, a block
quote, a table of the numbers the article mentions, a figure with caption
and credit; the HTML ones are whole pages with site chrome around the
``<article>``. Nothing random: the same sources give the same files.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"])")
_NUMBER = re.compile(r"[$\u00a3]?\d[\d,.]*(?:bn|m|%)?")


def _read(path: Path) -> tuple[str, list[str]]:
    blocks = [" ".join(b.split()) for b in path.read_text(encoding="utf-8", errors="replace").split("\n\n")]
    blocks = [b for b in blocks if b]
    return blocks[0], blocks[1:]


def _pieces(paragraphs: list[str]) -> dict:
    sentences = [s for p in paragraphs for s in _SENTENCE.split(p)]
    numbers = [n for p in paragraphs for n in _NUMBER.findall(p) if any(c.isdigit() for c in n)][:6]
    return {"sentences": sentences, "numbers": numbers or ["1", "2"]}


def _emphasise(text: str, k: int, left: str, right: str) -> str:
    words = text.split(" ")
    if len(words) < 6:
        return text
    i = 1 + k % (len(words) - 4)
    words[i] = f"{left}{words[i]}{right}"
    return " ".join(words)


def to_markdown(title: str, paragraphs: list[str], k: int) -> str:
    p = _pieces(paragraphs)
    out = [f"---\ntitle: {title!r}\nbyline: By Staff Reporter in London\ndate: 2005-03-{1 + k % 28:02d}\n---\n"]
    for n, para in enumerate(paragraphs):
        para = para.replace("*", "").replace("_", " ").replace("[", "(").replace("]", ")")
        if n == 0:
            words = para.split(" ")
            link = " ".join(words[:3])
            para = f"[{link}](https://example.org/story/{k} \"Source\") " + " ".join(words[3:])
            para = _emphasise(para, k, "**", "**")
        elif n % 3 == 1:
            para = _emphasise(para, n, "*", "*")
        out.append(para + "\n")
        if n == 1:
            out.append("\n".join(f"- {s}" for s in p["sentences"][:3]) + "\n")
            out.append("\n".join(f"{i}. {s}" for i, s in enumerate(p["sentences"][3:5], 1)) + "\n")
        if n == 2:
            out.append(f"> {p['sentences'][-1]}\n")
            out.append(f"![{title}](https://example.org/img/{k}.jpg)\n\n*{p['sentences'][0]}* [Staff/AFP]\n")
        if n == 3:
            rows = "\n".join(f"| {i} | {v} |" for i, v in enumerate(p["numbers"], 1))
            out.append(f"| Item | Figure |\n|---|---:|\n{rows}\n")
    return "\n".join(out)


def to_html(title: str, paragraphs: list[str], k: int) -> str:
    p = _pieces(paragraphs)
    esc = html.escape
    body = []
    for n, para in enumerate(paragraphs):
        words = [esc(w) for w in para.split(" ")]
        if n == 0 and len(words) > 6:
            words[:3] = [f'<a href="https://example.org/story/{k}" title="Source">{" ".join(words[:3])}</a>']
            words[4] = f"<strong>{words[4]}</strong>"
        elif n % 3 == 1 and len(words) > 6:
            words[2] = f"<em>{words[2]}</em>"
        body.append(f"<p>{' '.join(words)}</p>")
        if n == 1:
            body.append("<ul>" + "".join(f"<li>{esc(s)}</li>" for s in p["sentences"][:3]) + "</ul>")
            body.append("<ol>" + "".join(f"<li>{esc(s)}</li>" for s in p["sentences"][3:5]) + "</ol>")
        if n == 2:
            body.append(f"<blockquote><p>{esc(p['sentences'][-1])}</p></blockquote>")
            body.append(f'<figure><img src="https://example.org/img/{k}.jpg" alt="{esc(title)}">'
                        f"<figcaption>{esc(p['sentences'][0])} <span class=\"credit\">Staff/AFP</span>"
                        "</figcaption></figure>")
        if n == 3:
            rows = "".join(f"<tr><td>{i}</td><td>{esc(v)}</td></tr>" for i, v in enumerate(p["numbers"], 1))
            body.append(f"<table><thead><tr><th>Item</th><th>Figure</th></tr></thead><tbody>{rows}</tbody></table>")
    main = "\n".join(body)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(title)} | Example News</title>
<script>window.ads = [];</script><style>body {{ font-family: serif; }}</style></head>
<body><header class="site-header"><nav><a href="/">Home</a> <a href="/business">Business</a></nav></header>
<main><article><header><h1>{esc(title)}</h1><p class="byline">By Staff Reporter in London</p>
<time datetime="2005-03-{1 + k % 28:02d}">March 2005</time></header>
{main}
<div class="share-tools"><a href="https://example.org/share">Share this article</a></div>
</article><aside><h2>Related stories</h2><ul><li><a href="/x">Another story</a></li></ul></aside></main>
<footer><p>Copyright Example News</p></footer></body></html>
"""


def make_markup_corpus(sources: list[Path], folder: Path, count: int = 200) -> list[Path]:
    """Write *count* Markdown/HTML articles made from *sources* into *folder*; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    chosen = sorted(sources)
    if not chosen:
        return []
    step = max(1, len(chosen) // count)
    written = []
    for k in range(count):
        title, paragraphs = _read(chosen[(k * step) % len(chosen)])
        if not paragraphs:
            continue
        if k % 2:
            path = folder / f"markup-{k:03d}.html"
            path.write_text(to_html(title, paragraphs, k), encoding="utf-8")
        else:
            path = folder / f"markup-{k:03d}.md"
            path.write_text(to_markdown(title, paragraphs, k), encoding="utf-8")
        written.append(path)
    return written

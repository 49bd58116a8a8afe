"""Letters, counted, for the "never a lost word" tests of the article readers.

What a reader of the page sees (:func:`shown_letters`: text and image
descriptions, not scripts, styles or form fields) must all be in the
article newsloc read (:func:`article_letters`: block text, inline HTML kept
as markup, autolink addresses).
"""

from __future__ import annotations

from collections import Counter

import lxml.html

from pipeline.article import inline


def letters(text: str) -> Counter:
    return Counter(c for c in text if c.isalnum())


def shown_letters(html: str) -> Counter:
    """Letters of the text and image descriptions of *html*, as a browser shows them."""
    if not html.strip():
        return Counter()
    doc = lxml.html.document_fromstring(f"<div>{html}</div>")
    for el in doc.iter("script", "style", "textarea", "title"):
        el.drop_tree()
    found = letters(doc.text_content())
    for img in doc.iter("img"):
        found += letters(img.get("alt") or "")
    return found


def article_letters(art) -> Counter:
    """Letters of what the article holds for translation or keeps as written."""
    found: Counter = Counter()
    for block in art.blocks:
        if not block.markup:
            found += letters(block.text)
            continue
        nodes = inline.parse(block.text)
        found += letters(inline.plain_of(nodes))
        for node in inline.walk(nodes):
            if isinstance(node, inline.Html):
                found += letters(node.raw)
            elif isinstance(node, inline.Link) and node.autolink:
                found += letters(node.href)
    return found

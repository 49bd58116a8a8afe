"""Protection: keep what an engine must not touch out of its hands.

Before a text goes to an engine, these spans are replaced by mask tokens
``[X0X]``, ``[X1X]`` ... (numbered in order of appearance):

* URLs (``https://...``, ``www....``) and e-mail addresses;
* bracketed credits (``[Ahmad al-Rubaye/AFP]``), kept verbatim;
* glossary terms (:mod:`pipeline.glossary`), restored as their approved
  rendering in the target language (or unchanged if do-not-translate);
* numbers (``250,000``, ``29`` in ``29th``, ``2.5``, ``1500``), so figures
  are never rounded, reformatted or lost.

The token shape ``[X0X]`` is the one Weblate uses with Google, Microsoft and
LibreTranslate: engines pass it through as an opaque word. Restoring is
lenient about what engines do to it (spaces inside the brackets, digits
turned into Arabic-Indic ``[X١X]``) and strict about the rest: every token
must come back exactly once. A result that lost, duplicated, invented or
garbled a token raises :class:`MaskError` and is never written.

The msgid's leading and trailing whitespace (which engines strip) is put
back around the result.

Inline markup (entries flagged ``md-text``: links, emphasis, code ... as
inline CommonMark, see :mod:`pipeline.article.inline`) is masked as well:
a span becomes a pair of tokens around its words, so an engine translates
link text and emphasised words and may move them, but never sees a link
target. Restoring rebuilds the spans, escapes the engine's words for
Markdown and re-reads the result: an answer that lost, repeated, crossed
or emptied a span raises :class:`MaskError` like a lost number.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..textpatterns import (EMAIL, MASK_CREDIT, MASK_GARBLED, MASK_NUMBER, MASK_PATTERN, MASK_URL,
                           TRAILING_URL_PUNCT)

if TYPE_CHECKING:
    from .glossary import Glossary


#: Kinds of span, in priority order when two start at the same place.
KINDS = ("url", "email", "credit", "term", "number")


def token(index: int) -> str:
    """Return the mask token for *index*.

    >>> token(3)
    '[X3X]'
    """
    return f"[X{index}X]"


class MaskError(ValueError):
    """An engine's result lost or garbled a mask token."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class Masked:
    """A text ready for an engine, and what restoring it needs."""

    text: str                       # masked and stripped: what is sent
    restore_as: tuple[str, ...]     # replacement for token i
    kinds: tuple[str, ...] = field(default=())
    lead: str = ""
    trail: str = ""
    #: Inline markup (``md-text`` entries): per token, the source node it stands
    #: for (a span's opening and closing tokens share one), None for the others.
    nodes: tuple[Any, ...] = ()
    markup: bool = False

    @property
    def only_masks(self) -> bool:
        """True when nothing translatable is left (e.g. ``1500 / 1500``)."""
        return not re.search(r"[^\W\d_]", MASK_PATTERN.sub("", self.text))


def _spans(text: str, glossary: "Glossary | None") -> list[tuple[int, int, str, str]]:
    """Return candidate spans (start, end, kind, restore_as)."""
    found: list[tuple[int, int, str, str]] = []
    for m in MASK_URL.finditer(text):
        url = m.group(0).rstrip(TRAILING_URL_PUNCT)
        found.append((m.start(), m.start() + len(url), "url", url))
    for m in EMAIL.finditer(text):
        found.append((m.start(), m.end(), "email", m.group(0)))
    for m in MASK_CREDIT.finditer(text):
        if not MASK_PATTERN.fullmatch(m.group(0)):
            found.append((m.start(), m.end(), "credit", m.group(0)))
    if glossary is not None:
        for start, end, target in glossary.spans(text):
            found.append((start, end, "term", target))
    for m in MASK_NUMBER.finditer(text):
        found.append((m.start(), m.end(), "number", m.group(0)))
    return found


def _mask_into(text: str, glossary: "Glossary | None", pieces: list[str],
               restore_as: list[str], kinds: list[str]) -> None:
    """Append *text* to *pieces* with its protected spans replaced by tokens."""
    candidates = sorted(_spans(text, glossary),
                        key=lambda s: (s[0], -(s[1] - s[0]), KINDS.index(s[2])))
    pos = 0
    for start, end, kind, replacement in candidates:
        if start < pos or end <= start:
            continue  # overlaps a span already taken
        pieces.append(text[pos:start])
        pieces.append(token(len(restore_as)))
        restore_as.append(replacement)
        kinds.append(kind)
        pos = end
    pieces.append(text[pos:])


def mask(text: str, glossary: "Glossary | None" = None, *, markup: bool = False) -> Masked:
    """Mask numbers, URLs, e-mails, credits and glossary terms of *text*.

    With *markup* (an ``md-text`` entry: inline CommonMark), the inline spans
    are masked too (see :func:`_mask_markup`).

    >>> m = mask("  Sorties cost $250,000 per day, see https://x.org.")
    >>> m.text, m.restore_as, m.lead
    ('Sorties cost $[X0X] per day, see [X1X].', ('250,000', 'https://x.org'), '  ')
    """
    core = text.strip()
    lead = text[:len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()):] if core else ""
    if markup:
        return _mask_markup(core, glossary, lead, trail)
    pieces: list[str] = []
    restore_as: list[str] = []
    kinds: list[str] = []
    _mask_into(core, glossary, pieces, restore_as, kinds)
    return Masked("".join(pieces), tuple(restore_as), tuple(kinds), lead, trail)


# --------------------------------------------------------------------------- inline markup

def _mask_markup(core: str, glossary: "Glossary | None", lead: str, trail: str) -> Masked:
    """Mask an inline-CommonMark text: a span becomes a pair of tokens, a leaf one token.

    * a link, image, bold, italic or strikethrough becomes an opening and a
      closing token around its words, which are translated: ``[X0X]report[X1X]``.
      The link target and title stay in the tokens: they are never sent;
    * a code span, a hard line break, an autolink and raw inline HTML become
      one token each, restored verbatim;
    * the words between are masked as any text (numbers, URLs, glossary
      terms) and sent without Markdown escapes (``5 \\* 3`` goes out as ``5 * 3``).

    >>> m = mask("See the [report](https://x.org/r) on **Tuesday**.", markup=True)
    >>> m.text
    'See the [X0X]report[X1X] on [X2X]Tuesday[X3X].'
    """
    from ..article.inline import Break, Code, Html, Link, Text, parse, render
    pieces: list[str] = []
    restore_as: list[str] = []
    kinds: list[str] = []
    nodes: list[Any] = []

    def add(kind: str, shown: str, node: Any) -> None:
        pieces.append(token(len(restore_as)))
        restore_as.append(shown)
        kinds.append(kind)
        nodes.append(node)

    def visit(items: Any) -> None:
        for node in items:
            if isinstance(node, Text):
                before = len(restore_as)
                _mask_into(node.text, glossary, pieces, restore_as, kinds)
                nodes.extend([None] * (len(restore_as) - before))
            elif isinstance(node, (Code, Break, Html)) or (isinstance(node, Link) and node.autolink):
                add("leaf", render([node]), node)
            else:
                opening, closing = _span_marks(node)
                add("open", opening, node)
                visit(node.children)
                add("close", closing, node)

    visit(parse(core))
    return Masked("".join(pieces), tuple(restore_as), tuple(kinds), lead, trail,
                  tuple(nodes), markup=True)


def _span_marks(node: Any) -> tuple[str, str]:
    """What a span's opening and closing tokens stand for, as Markdown (for messages).

    >>> from pipeline.article.inline import Link
    >>> _span_marks(Link((), "https://x.org"))
    ('[', '](https://x.org)')
    """
    from ..article.inline import Text, render
    whole = render([dataclasses.replace(node, children=(Text("\x00"),))])
    cut = whole.index("\x00")
    return whole[:cut], whole[cut + 1:]


def _trim(children: list[Any]) -> tuple[str, list[Any], str]:
    """Move the white space at the edges of a span's words out of the span.

    Engines write ``[X0X] Tuesday [X1X]``; ``** Tuesday **`` is not bold in
    CommonMark, ``**Tuesday**`` with the spaces outside is.
    """
    from ..article.inline import Text
    before = after = ""
    if children and isinstance(children[0], Text):
        text = children[0].text
        before = text[:len(text) - len(text.lstrip())]
        children[0] = Text(text.lstrip())
    if children and isinstance(children[-1], Text):
        text = children[-1].text
        after = text[len(text.rstrip()):]
        children[-1] = Text(text.rstrip())
    return before, [c for c in children if not (isinstance(c, Text) and not c.text)], after


def _shown(masked: Masked, index: int) -> str:
    """The span token *index* belongs to, as Markdown around an ellipsis: ``[…](https://x.org)``."""
    both = [j for j, node in enumerate(masked.nodes) if node is masked.nodes[index]]
    return masked.restore_as[both[0]] + "…" + masked.restore_as[both[-1]]


def _rebuild(masked: Masked, result: str) -> list[Any]:
    """Turn an engine's *result* back into inline nodes; MaskError if a span is broken."""
    from ..article.inline import Text
    stack: list[list[Any]] = [[]]
    opened: list[int] = []

    def add_text(s: str) -> None:
        top = stack[-1]
        if top and isinstance(top[-1], Text):
            if top[-1].text[-1:].isspace() and s[:1].isspace():
                s = s.lstrip()  # one space where a span's edge space moved out
            top[-1] = Text(top[-1].text + s)
        elif s:
            top.append(Text(s))

    pos = 0
    for m in MASK_PATTERN.finditer(result):
        add_text(result[pos:m.start()])
        pos = m.end()
        i = int(m.group(1))
        kind = masked.kinds[i]
        if kind == "open":
            stack.append([])
            opened.append(i)
        elif kind == "close":
            if not opened or masked.nodes[opened[-1]] is not masked.nodes[i]:
                raise MaskError(f"broken span {_shown(masked, i)}")
            opened.pop()
            before, children, after = _trim(stack.pop())
            if not children and masked.nodes[i].children:
                raise MaskError(f"broken span {_shown(masked, i)}: its words were lost")
            add_text(before)
            stack[-1].append(dataclasses.replace(masked.nodes[i], children=tuple(children)))
            add_text(after)
        elif kind == "leaf":
            stack[-1].append(masked.nodes[i])
        else:
            add_text(masked.restore_as[i])
    add_text(result[pos:])
    if opened:
        raise MaskError(f"broken span {_shown(masked, opened[-1])}")
    return stack[0]


def _shape(nodes: Any) -> tuple[Any, ...]:
    """The markup of *nodes* without their words, siblings in any order."""
    from ..article.inline import Text
    out: list[Any] = []
    for node in nodes:
        if isinstance(node, Text):
            continue
        children = getattr(node, "children", None)
        if children is None:
            out.append(node)
        else:
            out.append((dataclasses.replace(node, children=()), _shape(children)))
    return tuple(sorted(out, key=repr))


def _restore_markup(masked: Masked, result: str) -> str:
    """Rebuild the spans around the engine's words, escape them, and prove the spans held."""
    from ..article.inline import parse, render
    nodes = _rebuild(masked, result)
    text = render(nodes)
    if _shape(parse(text)) != _shape(nodes):
        raise MaskError("broken markup: a span of the source does not read back as one")
    return text


def check_masks(masked: Masked, result: str) -> None:
    """Raise MaskError unless *result* holds every token of *masked* exactly once."""
    seen: list[int] = []
    for m in MASK_PATTERN.finditer(result):
        seen.append(int(m.group(1)))  # int() reads Arabic-Indic digits too
    expected = set(range(len(masked.restore_as)))
    unknown = sorted(i for i in set(seen) if i not in expected)
    if unknown:
        raise MaskError(f"invented placeholder {token(unknown[0])}")
    doubled = sorted(i for i in set(seen) if seen.count(i) > 1)
    if doubled:
        raise MaskError(f"placeholder {token(doubled[0])} repeated "
                        f"({masked.restore_as[doubled[0]]!r})")
    lost = sorted(expected - set(seen))
    if lost:
        what = ", ".join(repr(masked.restore_as[i]) for i in lost[:3])
        garbled = MASK_GARBLED.search(MASK_PATTERN.sub("", result))
        verb = "garbled" if garbled else "lost"
        raise MaskError(f"{verb} placeholder{'s' if len(lost) > 1 else ''} for {what}")
    if MASK_GARBLED.search(MASK_PATTERN.sub("", result)):
        raise MaskError("garbled placeholder in the result")


def restore(masked: Masked, result: str) -> str:
    """Put the masked spans and the outer whitespace back into an engine's *result*.

    >>> m = mask("Cost: 250,000 dollars\\n")
    >>> restore(m, " التكلفة: [X0X] دولار ")
    'التكلفة: 250,000 دولار\\n'
    """
    check_masks(masked, result)
    if masked.markup:
        text = _restore_markup(masked, result.strip())
    else:
        text = MASK_PATTERN.sub(lambda m: masked.restore_as[int(m.group(1))], result)
    return masked.lead + text.strip() + masked.trail


def unmask_source(masked: Masked) -> str:
    """Return the source text back from *masked* with glossary renderings applied.

    Used for texts with nothing left to translate (only numbers, URLs, ...).
    """
    return restore(masked, masked.text)

"""Segments: the units a translator sees, one per sentence or whole block.

Sentence splitting builds on pySBD (a port of the Golden Rules segmenter),
fed one paragraph at a time, with rules that wire copy needs on top:

* a piece that ends in a title or rank (``Maj.``, ``Gen.``, ``Dr.``,
  ``Sen.``, ``No.`` ...) never ends a sentence: titles precede names;
* a short opening fragment that ends in a time or other abbreviation
  ("At 5 a.m.") is joined to what follows;
* a piece that starts with a comma, semicolon, colon or closing bracket is
  joined to the piece before (pySBD splits "Barclays plc., said");
* very long paragraphs are cut at line breaks first (pySBD is slow on long
  strings).

Blocks whose role is in :data:`pipeline.article.WHOLE_ROLES` (headline,
byline, subheads, credit, ...) are one segment each, never split.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass


from .article import UNTRANSLATED_ROLES, WHOLE_ROLES, Article, Block, inline

#: Abbreviations that stand before a name, so a sentence never ends on them.
TITLES = frozenset("""
Mr Mrs Ms Mx Dr Prof Rev Fr Sr Jr St Mt Ft Gen Lt Col Maj Capt Cpt Cmdr Cdr Adm
Brig Sgt Cpl Pvt Pte Gov Sen Rep Pres Amb Hon Supt Insp Det Const No Nos Messrs
Sheikh Sh Gen'l Mme Mlle
""".split())

#: Abbreviations after which a short opening fragment is not a sentence of its own.
_FRAGMENT_ENDINGS = re.compile(r"(?:\b[ap]\.m\.|\b[AP]\.M\.|\bJan\.|\bFeb\.|\bAug\.|\bSept?\.|"
                               r"\bOct\.|\bNov\.|\bDec\.|\bc\.|\bca\.|\bapprox\.)$")
_TITLE_END = re.compile(r"(?:^|[\s(\"'\u201c])([A-Z][A-Za-z']{0,6})\.$")
_LEADING_JOINER = re.compile(r"^[,;:)\]}%\u060c\u061b]")
_LONG_PARAGRAPH = 4000
_SHORT_FRAGMENT_WORDS = 3


@dataclass(frozen=True)
class Segment:
    """One entry for translators: the text, its role and where it comes from.

    ``markup`` says *source* is inline CommonMark (from a Markdown or HTML
    article); ``place`` locates it in the article's structure ("list item
    2.1", "table cell r1c2 (header)", "figure 1").
    """

    source: str
    role: str
    lineno: int
    block: int        # index of the block in the article (0-based)
    sentence: int     # index of the sentence in the block (0-based)
    sentences: int    # number of sentences in the block
    markup: bool = False
    place: str = ""

    @property
    def context(self) -> str:
        """Translator-facing description of where the segment stands."""
        label = ROLE_NOTES.get(self.role, self.role)
        if self.place:
            label = f"{label}, {self.place}" if self.role in _PLACED_ROLES else self.place
        if self.sentences > 1:
            return f"{label}, sentence {self.sentence + 1} of {self.sentences}"
        return label

    @functools.cached_property
    def flags(self) -> tuple[str, ...]:
        """Catalogue flags of the entry: ``md-text`` when the text holds markup (parsed once)."""
        return (MARKUP_FLAG,) if self.markup and inline.has_markup(self.source) else ()


#: The flag of entries whose text holds inline Markdown (Weblate's name for it).
MARKUP_FLAG = "md-text"

ROLE_NOTES = {
    "section": "section label",
    "headline": "headline",
    "byline": "byline (keep the name; translate 'By' and 'in')",
    "dateline": "dateline (place name, agency)",
    "caption": "photo caption",
    "credit": "photo credit (photographer/agency: transliterate, do not translate)",
    "subhead": "subhead",
    "paragraph": "paragraph",
    "quote": "block quote",
    "item": "list item",
    "cell": "table cell",
    "header_cell": "table cell",
    "alt": "image description (alt text)",
}

# Roles whose note stays in front of the place ("photo caption, figure 1");
# for the others the place says it all ("list item 2.1").
_PLACED_ROLES = frozenset({"caption", "credit", "alt", "paragraph", "quote", "subhead"})


def split_sentences(text: str, lang: str = "en") -> list[str]:
    """Split one paragraph into sentences, tuned for wire copy.

    >>> split_sentences("Joint Operations Command spokesman Maj. Gen. Tahseen al-Khafaji told Diyaruna. It ended.")
    ['Joint Operations Command spokesman Maj. Gen. Tahseen al-Khafaji told Diyaruna.', 'It ended.']
    >>> split_sentences("At 5 a.m. Mr. Smith went to the bank. He left.")
    ['At 5 a.m. Mr. Smith went to the bank.', 'He left.']
    """
    text = " ".join(text.split())
    if not text:
        return []
    return list(_split_cached(text, lang))


#: Paragraphs whose cut is remembered per process: wire copy repeats within a
#: run, but an archive's cold extract must not keep every paragraph (65,536 of
#: them held about 100 MB per worker at 20,000 articles).
SPLIT_CACHE = 4096


@functools.lru_cache(maxsize=SPLIT_CACHE)
def _split_cached(text: str, lang: str) -> tuple[str, ...]:
    if len(text) > _LONG_PARAGRAPH:
        # pySBD's cost grows fast with length: cut at clear sentence ends first.
        pieces = re.split(r"(?:(?<=[.!?])|(?<=[.!?][\"\u201d']))\s+(?=[\"\u201c]?[A-Z])", text)
        chunks, current = [], ""
        for piece in pieces:
            if current and len(current) + len(piece) > _LONG_PARAGRAPH:
                chunks.append(current)
                current = piece
            else:
                current = f"{current} {piece}" if current else piece
        if current:
            chunks.append(current)
        raw = [s for chunk in chunks for part in _quoted_runs(chunk) for s in _pysbd(part, lang)]
    else:
        raw = [s for part in _quoted_runs(text) for s in _pysbd(part, lang)]
    return tuple(_apply_news_rules(text, [s.strip() for s in raw if s.strip()]))


# ---------------------------------------------------------------- quotations
#
# Wire copy quotes a speaker over several sentences by opening a quotation
# mark on each one and closing only the last: ``said: "A. "B. "C."``. pySBD
# pairs straight double quotes from left to right, so it takes ``. "`` for the
# end of a quotation, misses the sentence end and leaves the closing mark
# alone as a "sentence" (15% of BBC articles had such an entry). Such a
# paragraph is cut before each reopening mark first, and pySBD reads each
# piece on its own; a piece with no letter or digit is never a sentence
# (see _apply_news_rules).

_REOPENS = re.compile(r'"(?=[A-Z0-9])')
_SENTENCE_END_BEFORE = re.compile(r"[.!?] +$")
#: A letter or a digit, in any script: what makes a piece worth translating.
WORD_CHAR = re.compile(r"[^\W_]")


def _quoted_runs(text: str) -> list[str]:
    """Cut *text* before each quotation mark that reopens a quotation after a sentence end.

    A cut is made where a quotation is open, a sentence ends (``.``, ``?``,
    ``!`` and a space) and a straight double quote follows, before a capital
    letter or a digit; the quotation stays open after it.

    >>> _quoted_runs('He said: "It is over. "We go home." Then he left.')
    ['He said: "It is over.', '"We go home." Then he left.']
    """
    if text.count('"') < 3:
        return [text]
    parts: list[str] = []
    start = 0
    open_quote = False
    for m in re.finditer('"', text):
        at = m.start()
        if open_quote and _REOPENS.match(text, at):
            end = _SENTENCE_END_BEFORE.search(text, start, at)
            if end is not None:
                parts.append(text[start:end.start() + 1])
                start = at
                continue  # the quotation stays open
        open_quote = not open_quote
    parts.append(text[start:])
    return parts


# ---------------------------------------------------------------- sure sentences
#
# pySBD runs some 150 regex passes over a paragraph, most of them looking for
# things plain news prose does not contain (lists, abbreviations, ellipses,
# quotes inside quotes). A paragraph is cut where the sentence end is sure,
# and a piece that holds nothing pySBD looks at is a sentence as it stands;
# only the other pieces go through pySBD. The output is pySBD's, as the
# tests check on every paragraph of the BBC corpus, on the Golden Rules and
# on generated paragraphs:
#
# * Cuts are only made in paragraphs without the features pySBD treats
#   across the whole paragraph: list markers ("2. " "b)" "(iv)"), a single
#   quote opening after a space, curly single quotes, guillemets, "--",
#   backslashes, a parenthesis right after a closing quote.
# * A sure end is "token. Capital" where the token stands after a space and
#   is a word of two letters or more that pySBD (or the news rules) cannot
#   read as an abbreviation, a number of three digits or more, a percentage,
#   or ends in a closing parenthesis or double quote; and every double quote,
#   curly quote and bracket opened before it is closed: pySBD pairs them
#   from left to right, so no pair crosses the cut and each piece is read
#   as it is read in the paragraph.
# * A plain piece starts with a letter or digit, ends with that period and
#   holds no other sentence punctuation: letters, digits, spaces, , ; : & %
#   $ £ / - ( ) double quotes (not after "-"), apostrophes inside words and
#   periods inside numbers ("1.5bn"). The last piece of a paragraph may end
#   in any word or number: nothing follows that pySBD could split off.

_WHOLE_PARAGRAPH = re.compile(r"(?<![^\s\-\u2043])\d{1,2}\.[\s)]|\d\)\s|\([a-z]+\)|(?<!\S)[a-z]{1,5}\)"
                              r"|(?<!\S)[A-Za-z]\.|(?<![A-Za-z0-9])'|[\u2018\u2019\u201a\u201b\u00ab\u00bb\\]"
                              r"|--|[\"\u201d]\s\(|\"\"")
# "token. Capital", "token. "Capital" (group 1) or "token." Capital" with ? or ! too (group 2).
_SURE_END = re.compile(r"(?<!\S)((?:[^\s.]|(?<=\d)\.(?=\d))+)\. (?=\"?[A-Z])|(?<!\S)\"?([A-Za-z0-9%'\-]*[A-Za-z0-9%])[.?!]\" (?=[A-Z])")
_SURE_TOKEN = re.compile(r"[\"(]?(?:([A-Za-z]{2,}(?:-[A-Za-z]{2,})*)|[$\u00a3]?\d[\d,]*\d\d|[$\u00a3]?\d[\d,]*(?:\.\d+)?%"
                         r"|[$\u00a3]\d[\d,]*(?:\.\d+)?(?:bn|m|tn|k)?|\d[\d,]*(?:\.\d+)?(?:bn|m|tn)"
                         r"|[A-Za-z0-9%$\u00a3]+(?=[)\"]))[)\"]?")
_PLAIN_BODY = r"\"?[A-Za-z0-9](?:[A-Za-z0-9 ,;:&%$\u00a3/'()\"]|-(?!\")|(?<=\d)\.(?=\d))*"
_PLAIN = re.compile(_PLAIN_BODY + r"(?:\.|(?<=[A-Za-z0-9%])[.?!]\")")
_PLAIN_LAST = re.compile(_PLAIN_BODY + r"(?<=[A-Za-z0-9%)\"])\.|" + _PLAIN_BODY + r"(?<=[A-Za-z0-9%])[.?!]\"")
#: A piece opening with a quote must not hold a quotation pySBD ends at its closing quote.
_QUOTED_SENTENCE = re.compile(r"\"[^\"]*[^,]\"(?=\s[A-Z])")
_OPENERS, _CLOSERS = "([{\u201c", ")]}\u201d"


@functools.lru_cache(maxsize=1)
def _abbreviation_words() -> frozenset[str]:
    """Every word pySBD or the news rules may take for an abbreviation (lower case)."""
    from .sbd import english_abbreviations  # pySBD loads where text is segmented, not on import
    return english_abbreviations() | {t.lower() for t in TITLES}


def sentence_segmenter(lang: str):
    """pySBD's segmenter for *lang* (:func:`pipeline.sbd.sentence_segmenter`, cached there).

    pySBD (about 10 ms to import) loads here, where text is segmented: the
    catalogue and translate stages import this module for its types only.
    """
    from .sbd import sentence_segmenter as segmenter
    return segmenter(lang)


def _pysbd(text: str, lang: str) -> list[str]:
    """Return what pySBD returns for *text*, skipping it for sure, plain sentences."""
    segmenter = sentence_segmenter(lang)
    if lang != "en" or _WHOLE_PARAGRAPH.search(text):
        return segmenter.segment(text)
    abbreviations = _abbreviation_words()
    out: list[str] = []
    start = 0        # start of the current piece
    run = None       # start of the pieces waiting for pySBD
    quotes = depth = 0
    scanned = 0
    for m in _SURE_END.finditer(text):
        between = text[scanned:m.end()]
        scanned = m.end()
        quotes += between.count('"')
        depth += sum(between.count(c) for c in _OPENERS) - sum(between.count(c) for c in _CLOSERS)
        if quotes % 2 or depth:
            continue
        if m.group(1) is not None:
            token = _SURE_TOKEN.fullmatch(m.group(1))
            if token is None or (token.group(1) is not None and any(
                    w.lower() in abbreviations for w in token.group(1).split("-"))):
                continue
        end = m.end() - 1  # the space after the period
        run = _take(text, start, end, run, out, segmenter)
        start = end + 1
    _take(text, start, len(text), run, out, segmenter, last=True)
    return out


def _take(text: str, start: int, end: int, run: int | None, out: list[str], segmenter, *,
          last: bool = False) -> int | None:
    """Add the piece text[start:end]: as it is if plain, else queued for pySBD; return the queue."""
    piece = text[start:end]
    # A piece before a cut ends in a sure end (checked by the caller).
    if (_PLAIN_LAST if last else _PLAIN).fullmatch(piece) and not piece.count('"') % 2 and (
            piece[0] != '"' or not _QUOTED_SENTENCE.match(piece)):
        if run is not None:
            out.extend(segmenter.segment(text[run:start - 1]))
        out.append(piece)
        return None
    run = start if run is None else run
    if last:
        out.extend(segmenter.segment(text[run:end]))
    return run


def _apply_news_rules(text: str, pieces: list[str]) -> list[str]:
    """Join pieces the news rules say belong together, keeping the original spacing."""
    spans: list[list[int]] = []
    pos = 0
    for piece in pieces:
        start = text.find(piece, pos)
        if start < 0:  # pySBD altered the text: fall back to its pieces as they are
            return pieces
        end = start + len(piece)
        if spans and (m := _STRANDED_NUMBER.match(piece)) and \
                _MID_SENTENCE.search(prev := text[spans[-1][0]:spans[-1][1]]) and \
                not _STRANDED_NUMBER.match(prev):  # a real list: "1. The first item 2. ..."
            # pySBD took "18." for a list number: "aged 16 to" + "18. These are...".
            # The number closes the sentence before; the rest starts the next.
            spans[-1][1] = start + len(m.group(1))
            start += m.end()
            if start >= end:
                pos = end
                continue
        if spans and _should_join(text[spans[-1][0]:spans[-1][1]], piece, first=len(spans) == 1):
            spans[-1][1] = end
        else:
            spans.append([start, end])
        pos = end
    return [text[a:b] for a, b in _join_wordless(text, spans)]


def _join_wordless(text: str, spans: list[list[int]]) -> list[list[int]]:
    """Join each span without a letter or digit (a lone closing quote) to the one before.

    A leading one joins the span after it; a text with no letter or digit
    at all gives no span: there is nothing in it to translate.
    """
    out: list[list[int]] = []
    pending: int | None = None
    for a, b in spans:
        if WORD_CHAR.search(text, a, b):
            out.append([a if pending is None else pending, b])
            pending = None
        elif out:
            out[-1][1] = b
        elif pending is None:
            pending = a
    return out


_STRANDED_NUMBER = re.compile(r"(\d+(?:[.,]\d+)*\.)\s+")
_MID_SENTENCE = re.compile(r"\b[a-z]+$")  # the piece before stops on a lower-case word


def _should_join(prev: str, piece: str, *, first: bool) -> bool:
    if _LEADING_JOINER.match(piece):
        return True
    m = _TITLE_END.search(prev)
    if m and m.group(1) in TITLES:
        return True
    if first and len(prev.split()) <= _SHORT_FRAGMENT_WORDS and _FRAGMENT_ENDINGS.search(prev):
        return True
    return False


def segment_article(article: Article, lang: str = "en") -> list[Segment]:
    """Return the article's segments in reading order (duplicates included)."""
    segments: list[Segment] = []
    figures: dict[int, int] = {}
    for index, block in enumerate(article.blocks):
        if block.role in UNTRANSLATED_ROLES:
            continue
        place = _place(block, figures) if block.frames else ""
        if block.role in WHOLE_ROLES:
            sentences = [block.text.strip() if block.markup else " ".join(block.text.split())]
        elif block.markup and inline.has_markup(block.text):
            sentences = split_marked(block.text, lang)
        else:
            sentences = split_sentences(block.text, lang)
        sentences = _worded(sentences)
        for k, sentence in enumerate(sentences):
            segments.append(Segment(sentence, block.role, block.lineno, index, k, len(sentences),
                                    block.markup, place))
    return segments


def _worded(sentences: list[str]) -> list[str]:
    """Sentences with a letter or digit; one without is joined to the one before (or after).

    No catalogue entry is ever without a word: a block of punctuation alone
    ("* * *") gives no segment (editions show it as it is).
    """
    out: list[str] = []
    pending = ""
    for sentence in sentences:
        if not sentence:
            continue
        if WORD_CHAR.search(sentence):
            out.append(f"{pending} {sentence}" if pending else sentence)
            pending = ""
        elif out:
            out[-1] = f"{out[-1]} {sentence}"
        else:
            pending = f"{pending} {sentence}" if pending else sentence
    return out


def block_notes(article: Article) -> list[str]:
    """For each block, a short note of where it stands and what it keeps.

    ("list item 2.1", "table cell r1c2 (header)", "figure 1, src=/p.jpg",
    "h3", "code python"; "" for a block with nothing to say), as ``newsloc
    show`` prints them.
    """
    figures: dict[int, int] = {}
    notes = []
    for block in article.blocks:
        parts = [_place(block, figures)] if block.frames else []
        if block.role == "subhead" and "level" in block.attrs:
            parts.append(f"h{block.attrs['level']}")
        if block.attrs.get("src"):
            parts.append(f"src={block.attrs['src']}")
        if block.role == "code" and block.attrs.get("info"):
            parts.append(f"code {block.attrs['info']}")
        notes.append(", ".join(p for p in parts if p))
    return notes


def _place(block: Block, figures: dict[int, int]) -> str:
    """Where *block* stands in the article's structure, for translators."""
    if block.role in ("cell", "header_cell"):
        row = block.frame("row")
        r = row.attrs.get("index", 0) if row else 0
        where = f"table cell r{r}c{block.attrs.get('col', 0)}"
        return where + " (header)" if block.role == "header_cell" else where
    figure = block.frame("figure")
    if figure is not None:
        return f"figure {figures.setdefault(figure.id, len(figures) + 1)}"
    items = [str(f.attrs.get("index", 0)) for f in block.frames if f.kind == "item"]
    return "list item " + ".".join(items) if items else ""


def _span_start(cut: int, where: list[int], locked: list[tuple[int, int]]) -> int:
    """Move a cut made at a span's first word back to the span's start."""
    moved = True
    while moved:
        moved = False
        for a, b in locked:
            if a < cut < b and where[bisect.bisect_left(where, a)] >= cut:
                cut, moved = a, True
    return cut


def split_marked(text: str, lang: str = "en") -> list[str]:
    r"""Split inline CommonMark *text* into sentences without cutting a span.

    The sentence splitter reads the words (:func:`inline.plain_map`); each
    cut is mapped back onto the markup, and a cut that would fall inside a
    link, an emphasis, a code span or an image, or right after a hard line
    break, is not made.

    >>> split_marked("See [the report. It is long](https://x.org). Then *one. two* ends. Done.")
    ['See [the report. It is long](https://x.org).', 'Then *one. two* ends.', 'Done.']
    >>> split_marked("It ended. **Tuesday** came. \\*Not\\* a span. [Next](/n) one.")
    ['It ended.', '**Tuesday** came.', '\\*Not\\* a span.', '[Next](/n) one.']
    """
    markup, plain, where, locked = inline.plain_map(inline.parse(text))
    if markup != text:  # not canonical: keep the block whole rather than guess
        return [text.strip()]
    # split_sentences reads whitespace-collapsed text: keep a map back to *plain*.
    normal: list[str] = []
    back: list[int] = []
    for k, ch in enumerate(plain):
        if ch.isspace():
            if not normal or normal[-1] == " ":
                continue
            ch = " "
        normal.append(ch)
        back.append(k)
    flat = "".join(normal).rstrip(" ")
    cuts: list[int] = []
    pos = 0
    for sentence in split_sentences(flat, lang):
        start = flat.find(sentence, pos)
        if start < 0:
            return [text.strip()]
        if start > 0:
            cut = _span_start(where[back[start]], where, locked)
            if not any(a < cut < b for a, b in locked) and \
                    not markup[:cut].rstrip(" ").endswith("\\\n"):
                cuts.append(cut)
        pos = start + len(sentence)
    bounds = [0] + cuts + [len(markup)]
    return [markup[a:b].strip() for a, b in zip(bounds, bounds[1:]) if markup[a:b].strip()]

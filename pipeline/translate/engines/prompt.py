"""The llm engine's wire contract: the messages sent, the answer expected (see docs/llm.md).

Pure functions, no client library: what a desk's own server has to
understand is defined here, and tested without one.

A request is a chat conversation:

1. a **system** message: the task, the target language told apart by name
   in English and in itself, its script and its neighbour it must not be
   confused with (Sorani ``ckb`` is written in the Arabic-based Kurdish
   alphabet, Kurmanji ``ku`` in Latin letters), the answer's shape, and
   the rule for mask tokens ``[X0X]``;
2. a **user** message with the context: the article's headline, the
   sentences around the entries (with the desk's reviewed translation when
   there is one), the extractor's note on each entry (``headline``,
   ``byline (keep the name; ...)``), the glossary terms that occur in the
   article, the desk's style notes (``locales/<lang>/style.md``);
3. the **last user** message: the entries, nothing else, as a JSON array
   of ``{"id": "...", "source": "..."}``. Ids are opaque strings, unique
   within the request.

The answer's message content must hold one JSON object
``{"translations": [{"id": "...", "text": "..."}]}``; a fenced block or
prose around it is tolerated. Items are matched **by id only**, never by
position: an item missing, empty, not a string, given twice, or (when the
answer was cut off) incomplete is refused for its entry alone; an item
with an id that was not asked is ignored and counted.

:data:`PROMPT_VERSION` is part of the MT cache key: bump it whenever the
wording changes what a model would answer.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from .base import ArticleRequest

#: Bump when the prompt changes what a model answers (keys the MT cache).
PROMPT_VERSION = "1"

#: The longest style notes sent (characters); the rest of style.md is left out.
STYLE_MAX_CHARS = 4000


@dataclass(frozen=True)
class LanguageFacts:
    """How the prompt names a target language and what script it must come back in."""

    name: str          # in English
    native: str        # in the language itself
    script: str        # ISO 15924: "Arab", "Latn", or "" (not checked)
    rule: str          # one sentence for the model


LANGUAGES = {
    "ar": LanguageFacts(
        "Arabic", "العربية", "Arab",
        "Write Modern Standard Arabic as Arabic news media do, in Arabic script."),
    "ckb": LanguageFacts(
        "Central Kurdish (Sorani)", "کوردیی ناوەندی", "Arab",
        "Write Sorani Kurdish (as in Sulaymaniyah and Erbil) in the Arabic-based Kurdish "
        "alphabet, with its letters ە ێ ۆ ڕ ڵ; never Latin letters. This is not Kurmanji "
        "and not Arabic."),
    "ku": LanguageFacts(
        "Northern Kurdish (Kurmanji)", "Kurdî (Kurmancî)", "Latn",
        "Write Kurmanji Kurdish (as in Duhok and Kurmanji news media) in the Latin (Hawar) "
        "alphabet, with its letters ç ê î ş û; never Arabic script. This is not Sorani."),
}


def language_facts(lang: str, english_name: str | None = None) -> LanguageFacts:
    """Return the facts for *lang* (a babel code such as ``ckb`` or ``ar_IQ``).

    >>> language_facts("ckb").native
    'کوردیی ناوەندی'
    >>> language_facts("fr", "French").script
    ''
    """
    base = lang.replace("-", "_").split("_")[0].lower()
    if base in LANGUAGES:
        return LANGUAGES[base]
    name = english_name or lang
    return LanguageFacts(name, name, "", f"Write {name} as its news media do.")


SCHEMA = {
    "type": "object",
    "properties": {
        "translations": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"id": {"type": "string"}, "text": {"type": "string"}},
                "required": ["id", "text"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["translations"],
    "additionalProperties": False,
}


def response_format() -> dict:
    """The ``response_format`` asking for the answer's JSON schema (OpenAI structured outputs)."""
    return {"type": "json_schema",
            "json_schema": {"name": "translations", "strict": True, "schema": SCHEMA}}


def estimate_tokens(text: str) -> int:
    """A conservative token count for budgeting (3 characters a token; no tokenizer needed).

    >>> estimate_tokens("Coalition helps Iraq")
    7
    """
    return len(text) // 3 + 1


def system_message(request: ArticleRequest, english_name: str | None = None) -> str:
    """The task: who translates what into which language and script, and how to answer."""
    facts = language_facts(request.target, english_name)
    return (
        f"You translate English news copy for a newsroom into {facts.name}, "
        f"in the language's own name {facts.native}, locale code {request.target}. "
        f"{facts.rule}\n"
        "The last message is a JSON array of entries, each an object with an \"id\" and an "
        "English \"source\": the untranslated sentences, headings and captions of one "
        "article, in article order. Translate every entry on its own, completely and "
        "faithfully, in the register of news copy; do not merge, split, summarise or "
        "explain entries, and do not translate the ids.\n"
        "Tokens such as [X0X] stand for numbers, links, credits and approved terms: copy "
        "every token of an entry into its translation exactly once and unchanged (same "
        "brackets, same Latin X, same digits), and add no tokens.\n"
        "Use the context message (headline, surrounding sentences with the desk's reviewed "
        "translations, glossary, style notes) so that names, titles, terms and agreement stay "
        "consistent across the article; never translate the context itself.\n"
        "Answer with one JSON object and nothing else: "
        "{\"translations\": [{\"id\": \"<id>\", \"text\": \"<translation>\"}]}, "
        "exactly one item per entry id."
    )


def context_message(request: ArticleRequest) -> str:
    """The article around the entries: headline, neighbours, glossary, style notes."""
    ctx = request.context
    facts = language_facts(request.target)
    lines = ["Context for the entries in the next message (do not translate it)."]
    if ctx.headline:
        lines.append(f"Headline of the article: {ctx.headline}")
    if ctx.neighbours:
        lines.append("Sentences around the entries, in article order (source => the desk's "
                     "reviewed translation, when there is one):")
        for n in ctx.neighbours:
            lines.append(f"- {n.source}" + (f" => {n.translation}" if n.translation else ""))
    notes = [item for item in request.items if item.note]
    if notes:
        lines.append("Notes on the entries (what each is, and the desk's instructions):")
        for item in notes:
            lines.append(f"- id {item.id}: {item.note}")
    if ctx.glossary:
        lines.append(f"Glossary: approved {facts.name} renderings of terms in this article "
                     "(use them; where a term is masked as a token, the token stands for it):")
        for term, rendering, note in ctx.glossary:
            kept = " (keep as written)" if rendering == term else ""
            lines.append(f"- {term} => {rendering}{kept}" + (f"; note: {note}" if note else ""))
    if ctx.style:
        lines.append(f"The desk's style notes for {facts.name}:")
        lines.append(ctx.style[:STYLE_MAX_CHARS].strip())
    return "\n".join(lines)


def entries_message(request: ArticleRequest) -> str:
    """The last user message: the entries as a JSON array of ``{"id", "source"}``.

    Non-ASCII characters are sent as they are (fewer tokens than ``\\uXXXX``).
    """
    return json.dumps([{"id": item.id, "source": item.source} for item in request.items],
                      ensure_ascii=False)


def build_messages(request: ArticleRequest, english_name: str | None = None) -> list[dict]:
    """The chat messages of one request."""
    return [
        {"role": "system", "content": system_message(request, english_name)},
        {"role": "user", "content": context_message(request)},
        {"role": "user", "content": entries_message(request)},
    ]


# ---------------------------------------------------------------------------
# Answers

class AnswerError(ValueError):
    """The answer holds no usable ``{"translations": [...]}`` object at all."""


@dataclass
class ParsedAnswer:
    """What an answer gave, by id."""

    texts: dict[str, str] = field(default_factory=dict)     # id → translation (still masked)
    refused: dict[str, str] = field(default_factory=dict)   # id → why it was refused
    extra: list[str] = field(default_factory=list)          # ids answered that were not asked


_FENCE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)```", re.S)
_DECODER = json.JSONDecoder()


#: At most this many places where a JSON object may start are tried per answer
#: (each try may read to the end: a hostile answer must not cost quadratic time).
MAX_OBJECT_TRIES = 2000


def _objects(content: str, tries: int = MAX_OBJECT_TRIES):
    """Yield every JSON object that starts somewhere in *content*, outermost first."""
    pos = content.find("{")
    while pos != -1 and tries > 0:
        tries -= 1
        try:
            value, end = _DECODER.raw_decode(content, pos)
        except (ValueError, RecursionError):
            pos = content.find("{", pos + 1)
            continue
        yield value, pos, end
        pos = content.find("{", pos + 1)


def _translations(content: str) -> list | None:
    """The ``translations`` list of the first object holding one, or None."""
    candidates = [content.strip()] + [m.group(1) for m in _FENCE.finditer(content)]
    for text in candidates:
        try:
            value = json.loads(text)
        except (ValueError, RecursionError):
            continue
        if isinstance(value, dict) and "translations" in value:
            return value["translations"]
    for value, _start, _end in _objects(content):
        if isinstance(value, dict) and "translations" in value:
            return value["translations"]
    return None


def _salvage(content: str) -> list:
    """The complete ``{"id", "text"}`` objects of an answer cut off mid-JSON."""
    items = []
    for value, _start, _end in _objects(content):
        if isinstance(value, dict) and "id" in value and "text" in value:
            items.append(value)
    return items


def parse_answer(content: str | None, ids: list[str], *, truncated: bool = False,
                 max_chars: int | None = None) -> ParsedAnswer:
    """Match an answer's items to the request's *ids*, refusing what is not one clean text each.

    >>> a = parse_answer('Sure! {"translations": [{"id": "2", "text": "B"}, {"id": "1", "text": "A"}]}',
    ...                  ["1", "2", "3"])
    >>> a.texts, a.refused
    ({'2': 'B', '1': 'A'}, {'3': 'missing from the answer'})
    """
    answer = ParsedAnswer()
    if content is None or not isinstance(content, str) or not content.strip():
        raise AnswerError("empty answer")
    if max_chars is not None and len(content) > max_chars:
        raise AnswerError(f"answer of {len(content):,} characters for this request "
                          f"(limit {max_chars:,}): refused")
    items = _translations(content)
    if items is None:
        if truncated:
            items = _salvage(content)
        else:
            raise AnswerError("no JSON object with \"translations\" in the answer")
    if not isinstance(items, list):
        raise AnswerError("\"translations\" is not a list")
    wanted = set(ids)
    seen: dict[str, int] = {}
    for item in items:
        if not isinstance(item, dict):
            continue
        key = item.get("id")
        if isinstance(key, int) and not isinstance(key, bool):
            key = str(key)  # models often turn "7" into 7
        if not isinstance(key, str):
            continue
        seen[key] = seen.get(key, 0) + 1
        if key not in wanted:
            if key not in answer.extra:
                answer.extra.append(key)
            continue
        text = item.get("text")
        if seen[key] > 1:
            answer.texts.pop(key, None)
            answer.refused[key] = "answered twice"
        elif not isinstance(text, str):
            answer.refused[key] = f"translation is {type(text).__name__}, not text"
        elif not text.strip():
            answer.refused[key] = "empty translation"
        else:
            answer.texts[key] = text
    for key in ids:
        if key not in answer.texts and key not in answer.refused:
            answer.refused[key] = ("answer cut off (finish_reason length)" if truncated
                                   else "missing from the answer")
    return answer

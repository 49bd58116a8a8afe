"""Engine answers checked before anything uses or caches them.

Every engine's result passes through :func:`check_answer` (the translate
stage calls it on each answer, and on each cached answer before reuse): an
engine is a remote party, and what it sends back ends up in a translator's
catalogue and, after review, in print. An answer is refused when

* it is not a string (``12345``, a list, an object: a broken or hostile
  server; deep-translator passes JSON values through as they come);
* it is longer than ``max_ratio`` times the source plus :data:`SLACK`
  characters (a runaway model, a gzip bomb that got through, a server
  echoing a page);
* it holds a character a PO file cannot carry faithfully: NUL and the
  other C0 controls except tab and newline, DEL and the C1 controls
  (U+0080–U+009F, NEXT LINE U+0085 among them), LINE and PARAGRAPH
  SEPARATOR (U+2028/U+2029, which gettext tools and editors break lines
  at), lone surrogates and the non-characters U+FFFE/U+FFFF.

A refused answer raises :class:`AnswerRefused` (an
:class:`~pipeline.errors.EngineError`): the entry stays untranslated, the
failure is counted under :attr:`AnswerRefused.kind`, and nothing is cached.
"""

from __future__ import annotations

import re

from ..errors import EngineError

#: Default for ``[tool.newsloc.translate] max_answer_ratio``.
MAX_RATIO = 4.0
#: Characters allowed on top of the ratio (short sources: names, headlines).
SLACK = 100

#: Words of the refusal messages (the translate summary counts failures by them).
NOT_TEXT, TOO_LONG, CANNOT_CARRY = "not text", "max_answer_ratio", "a catalogue cannot carry"

_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


class AnswerRefused(EngineError):
    """An engine's answer that must not be used; :attr:`kind` says why, for the summary."""

    def __init__(self, message: str, *, kind: str) -> None:
        self.kind = kind
        super().__init__(message)


def check_answer(answer: object, source: str, *, max_ratio: float = MAX_RATIO) -> str:
    """Return *answer* if it may be used as a translation of *source*; raise AnswerRefused.

    >>> check_answer("مرحبا", "Hello")
    'مرحبا'
    >>> check_answer(12345, "Hello")
    Traceback (most recent call last):
    ...
    pipeline.translate.answer.AnswerRefused: answer is a number, not text
    >>> check_answer("a\\u2028b", "Hello")
    Traceback (most recent call last):
    ...
    pipeline.translate.answer.AnswerRefused: answer holds U+2028, which a catalogue cannot carry
    """
    if not isinstance(answer, str):
        what = {bool: "true/false", int: "a number", float: "a number", list: "a list",
                dict: "an object", type(None): "empty"}.get(type(answer), type(answer).__name__)
        raise AnswerRefused(f"answer is {what}, {NOT_TEXT}", kind="wrong type")
    limit = int(max_ratio * len(source)) + SLACK
    if len(answer) > limit:
        raise AnswerRefused(f"answer of {len(answer)} characters for a source of {len(source)} "
                            f"(limit {limit}: {TOO_LONG} = {max_ratio:g})", kind="too long")
    bad = _FORBIDDEN.search(answer)
    if bad:
        raise AnswerRefused(f"answer holds U+{ord(bad.group()):04X}, which {CANNOT_CARRY}",
                            kind="control character")
    return answer

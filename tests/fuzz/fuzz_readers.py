"""Coverage-guided fuzzing of newsloc's readers with atheris (libFuzzer).

Feeds arbitrary bytes to the article reader (as ``.txt`` and ``.md``) and
to the PO reader, then, for input they accept, to segmentation and
catalogue writing. Anything but a :class:`PipelineError` is a crash, and
so is a reader writing a file.

    python tests/fuzz/fuzz_readers.py -runs=200000            # a long run
    python tests/fuzz/fuzz_readers.py -max_total_time=600 corpus/

The test suite runs it for 1500 inputs only (tests/test_fuzz_readers.py).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from pipeline import fsutil
    from pipeline.article import read_article
    from pipeline.catalog import build_template, catalog_text, load_catalog
    from pipeline.errors import PipelineError
    from pipeline.povalidate import validate_po_text
    from pipeline.segment import segment_article

WORKDIR = Path(tempfile.mkdtemp(prefix="newsloc-fuzz-"))


def _no_writes(*args, **kwargs):
    raise AssertionError(f"a reader tried to write {args[:1]}")


fsutil.atomic_write = _no_writes
import pipeline.catalog as _catalog  # noqa: E402

_catalog.atomic_write = _no_writes


def test_one_input(data: bytes) -> None:
    if not data:
        return
    kind, body = data[0] % 3, data[1:]
    name = ("story.txt", "story.md", "ar.po")[kind]
    path = WORKDIR / name
    path.write_bytes(body)
    try:
        if kind < 2:
            article = read_article(path)
            segments = segment_article(article, "en")
            template = build_template(segments, source_ref="articles/" + name,
                                      title=article.headline)
            validate_po_text(catalog_text(template), path="<written>")
        else:
            po = load_catalog(path)
            validate_po_text(catalog_text(po), path="<rewritten>")
    except PipelineError:
        pass
    names = sorted(p.name for p in WORKDIR.iterdir())
    if names != [name]:
        raise AssertionError(f"files appeared: {names}")
    path.unlink()


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()

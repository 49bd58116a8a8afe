"""Coverage-guided fuzzing of newsloc's readers with atheris (libFuzzer).

Feeds arbitrary bytes to the article reader (as ``.txt``, ``.md`` and ``.html``) and
to the PO reader, then, for input they accept, to segmentation and
catalogue writing. Anything but a :class:`PipelineError` is a crash, and
so is a reader writing a file.

    python tests/fuzz/fuzz_readers.py -runs=200000            # a long run
    python tests/fuzz/fuzz_readers.py -max_total_time=600 corpus/

The test suite runs it for 1500 inputs only (tests/test_fuzz_readers.py).
Importing this module does nothing (pytest imports it for doctests); the
harness is set up in :func:`main`.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

_env: dict = {}


def _no_writes(*args, **kwargs):
    raise AssertionError(f"a reader tried to write {args[:1]}")


def test_one_input(data: bytes) -> None:
    """Run one input through a reader chosen by its first byte."""
    if not data:
        return
    env = _env
    workdir: Path = env["workdir"]
    kind, body = data[0] % 4, data[1:]
    name = ("story.txt", "story.md", "story.html", "ar.po")[kind]
    path = workdir / name
    path.write_bytes(body)
    try:
        if kind < 3:
            article = env["read_article"](path)
            segments = env["segment_article"](article, "en")
            template = env["build_template"](segments, source_ref="articles/" + name,
                                             title=article.headline)
            env["validate_po_text"](env["catalog_text"](template), path="<written>")
        else:
            po = env["load_catalog"](path)
            env["validate_po_text"](env["catalog_text"](po), path="<rewritten>")
    except env["PipelineError"]:
        pass
    names = sorted(p.name for p in workdir.iterdir())
    if names != [name]:
        raise AssertionError(f"files appeared: {names}")
    path.unlink()


def main() -> None:
    import atheris

    with atheris.instrument_imports():
        import pipeline.catalog as catalog
        from pipeline import fsutil
        from pipeline.article import read_article
        from pipeline.errors import PipelineError
        from pipeline.catalog.validate import validate_po_text
        from pipeline.segment import segment_article
    fsutil.atomic_write = _no_writes
    catalog.atomic_write = _no_writes
    _env.update(workdir=Path(tempfile.mkdtemp(prefix="newsloc-fuzz-")), read_article=read_article,
                segment_article=segment_article, build_template=catalog.build_template,
                catalog_text=catalog.catalog_text, load_catalog=catalog.load_catalog,
                validate_po_text=validate_po_text, PipelineError=PipelineError)
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()

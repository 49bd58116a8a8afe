"""Export's batched writes: a file that cannot be written, articles sharing a slug."""

from __future__ import annotations

import shutil
from pathlib import Path

from pipeline.cli import cli
from pipeline.export import run as export

from .paths import KIRKUK as DATA
from .support_state import stage_records
from .test_export_incremental import SLUG, edition_files, run


def _records(root: Path) -> dict:
    return stage_records(root, "export")


def test_a_file_that_cannot_be_written_fails_the_run_and_only_its_edition(runner, tmp_path):
    reference = tmp_path / "reference"
    shutil.copytree(DATA, reference)
    assert run(runner, reference, "export").exit_code == 0
    root = tmp_path / "desk"
    shutil.copytree(DATA, root)
    blocker = root / "editions" / "ku" / f"{SLUG}.md"
    blocker.mkdir(parents=True)  # a folder where the file goes: the rename fails, even as root

    result = run(runner, root, "export")
    assert result.exit_code == 1
    assert f"ku/{SLUG}.md: cannot write" in result.output  # the message names the file
    # Everything else landed, as a clean run writes it; nothing half-written, no temp file.
    # (ku's index does not list the failed edition yet: it differs until the rerun.)
    def landed(files: dict) -> dict:
        return {k: v[0] for k, v in files.items() if not k.startswith("ku/index")}
    want = landed(edition_files(reference))
    del want[f"ku/{SLUG}.md"]
    assert landed(edition_files(root)) == want
    assert not [p for p in (root / "editions").rglob("*") if p.name.endswith(".newsloc.tmp")]
    # The manifest records the editions that landed, not the failed one: it is redone next run.
    recorded = {item.split("/", 1)[0] for item in _records(root)}
    assert recorded == {"ar", "ckb"}

    blocker.rmdir()
    seen: list[tuple[str, str]] = []
    export.on_render = lambda slug, lang: seen.append((slug, lang))
    try:
        assert run(runner, root, "export").exit_code == 0
    finally:
        export.on_render = None
    assert seen == [(SLUG, "ku")]
    assert {k: v[0] for k, v in edition_files(root).items()} == \
        {k: v[0] for k, v in edition_files(reference).items()}


def test_articles_sharing_a_slug_are_refused_before_anything_is_written(runner, tmp_path):
    """Issue 13: x.md and x.txt would write the same editions; one was silently dropped."""
    root = tmp_path / "desk"
    shutil.copytree(DATA, root)
    source = (root / "articles" / f"{SLUG}.md").read_text(encoding="utf-8")
    (root / "articles" / f"{SLUG}.txt").write_text(
        source.replace("Kirkuk", "Kirkuk air base"), encoding="utf-8")
    result = runner.invoke(cli, ["--root", str(root), "export", "--min-reviewed", "0"])
    assert result.exit_code == 1
    assert f"{SLUG}.md" in result.output and f"{SLUG}.txt" in result.output
    assert not (root / "editions").exists()

"""Where the test suite finds its inputs: this checkout, the shared test data, the golden files.

``../shared`` (beside the checkout) holds the BBC corpus, real PO files and
pySBD's Golden Rules; ``NEWSLOC_SHARED`` points elsewhere (a git worktree
outside the checkout's folder, say). Tests that read it carry the ``shared``
marker: without the folder they are skipped with a reason, and in CI
(``CI=true``) the run stops with one error instead.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("NEWSLOC_SHARED") or REPO.parent / "shared")
SEED = REPO / "articles" / "coalition-helps-iraq-sustain-anti-isis-fight.txt"
SEED_SLUG = SEED.stem
PO_REAL = SHARED / "testdata" / "po-real"
BBC = SHARED / "corpus" / "bbc"
GOLDEN = Path(__file__).resolve().parent / "golden"
GOLDEN_RULES = SHARED / "testdata" / "segment_golden_en.json"  # pySBD's Golden Rules, English
KIRKUK = Path(__file__).resolve().parent / "data" / "export"  # the small test newsroom of the export tests
KIRKUK_SLUG = "kirkuk-air-base-reopens"


def allow_links_outside(root: Path) -> None:
    """Let the project at *root* read articles that are links to files outside it (the corpus)."""
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(text.replace("[tool.newsloc]\n", "[tool.newsloc]\nallow_outside = true\n", 1),
                         encoding="utf-8")

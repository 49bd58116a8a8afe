"""Reading the state store in tests: the records a stage keeps (``.newsloc/state.sqlite``)."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.config import load_project
from pipeline.state.store import close_store, open_store


def stage_records(root, stage: str) -> dict:
    """item → record of *stage* (empty when the stage recorded nothing)."""
    project = root if not isinstance(root, (str, Path)) else load_project(root)
    return {item: json.loads(data) for item, data in open_store(project).db.execute(
        "SELECT item, data FROM records WHERE stage = ?", (stage,))}


def stages(root) -> list[str]:
    project = root if not isinstance(root, (str, Path)) else load_project(root)
    return [s for (s,) in open_store(project).db.execute("SELECT DISTINCT stage FROM records ORDER BY stage")]


def forget_stage(root, stage: str) -> None:
    """Delete a stage's records (as deleting its manifest file used to)."""
    project = root if not isinstance(root, (str, Path)) else load_project(root)
    db = open_store(project).db
    db.execute("DELETE FROM records WHERE stage = ?", (stage,))
    db.execute("DELETE FROM stages WHERE stage = ?", (stage,))


__all__ = ["close_store", "forget_stage", "stage_records", "stages"]

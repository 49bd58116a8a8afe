"""Render bench/state.py's results (JSON) as the Markdown tables docs/performance.md shows.

Run:  python3 bench/state_report.py [bench/results/state.json]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

STEPS = [  # (result key, what the row says)
    ("extract_cold", "`extract`, cold"),
    ("extract_noop", "`extract`, nothing changed"),
    ("translate_fake_cold", "`translate --engine fake`, cold"),
    ("translate_noop", "`translate`, nothing to do"),
    ("translate_cached", "`translate --retranslate`, all from the MT cache"),
    ("status_cold", "`status`, cold"),
    ("status_noop", "`status`, nothing changed"),
    ("check_cold", "`check`, cold"),
    ("check_noop", "`check`, nothing changed"),
    ("export_cold", "`export`, cold"),
    ("export_noop", "`export`, nothing changed"),
    ("pretranslate_first", "pre-translate one new article, first call (memory built from every catalogue)"),
    ("pretranslate_1", "pre-translate one new article"),
    ("pretranslate_2", "pre-translate one new article"),
    ("pretranslate_3", "pre-translate one new article"),
]


def _mb(value) -> str:
    return f"{value:.0f}" if value else "–"


def table(run: dict) -> str:
    """One run (size × backend) as a Markdown table."""
    head = (f"**{run['articles']:,} articles, {run['backend']}**"
            + (f" ({run['segments']:,} segments)" if run.get("segments") else "")
            + f"; load average {run['load_before'][0]} before, {run['load_after'][0]} after\n\n")
    rows = ["| step | wall | CPU (tree) | peak RSS, tree | peak PSS, tree |",
            "| --- | ---: | ---: | ---: | ---: |"]
    for key, label in STEPS:
        step = run.get(key)
        if not isinstance(step, dict):
            continue
        note = "" if step.get("rc", 0) in (0, None) or key.startswith("check") else f" (exit {step['rc']})"
        rows.append(f"| {label}{note} | {step['seconds']:.2f} s | {step['cpu_s']:.2f} s | "
                    f"{_mb(step.get('peak_tree_mb'))} MB | {_mb(step.get('peak_tree_pss_mb'))} MB |")
    tail = []
    if run.get("fake_cpu_ms_per_segment"):
        tail.append(f"cold `translate --engine fake`: {run['fake_cpu_ms_per_segment']:.3f} ms of CPU per segment "
                    f"({run['fake_ms_per_segment']:.3f} ms wall), the fake engine included")
    if run.get("pretranslate_one_s") is not None:
        tail.append(f"pre-translating one article, median of 3: {run['pretranslate_one_s']:.2f} s wall, "
                    f"{run.get('pretranslate_one_cpu_s', 0):.2f} s CPU, at most {run['pretranslate_one_mb']:.0f} MB")
    if run.get("peak_tree_mb_any"):
        tail.append(f"largest peak of any command (RSS of the tree): {run['peak_tree_mb_any']:.0f} MB")
    return head + "\n".join(rows) + ("\n\n" + "; ".join(tail) + "." if tail else "") + "\n"


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "results" / "state.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    print(f"{data.get('cpus')} CPUs.\n")
    for run in data["runs"]:
        print(table(run))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Shared fixtures: a throw-away copy of the sample project, a CLI runner, paths."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SEED = REPO / "articles" / "coalition-helps-iraq-sustain-anti-isis-fight.txt"
SEED_SLUG = SEED.stem
PO_REAL = SHARED / "testdata" / "po-real"
BBC = SHARED / "corpus" / "bbc"
GOLDEN = Path(__file__).resolve().parent / "golden"


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="Rewrite golden files from the current output (review the diff).")


@pytest.fixture
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch):
    """Reproducible headers: POT-Creation-Date and friends come from this epoch."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the sample project (pyproject, articles, locales) in tmp_path."""
    root = tmp_path / "desk"
    root.mkdir()
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    shutil.copytree(REPO / "articles", root / "articles")
    if (REPO / "locales").is_dir():
        shutil.copytree(REPO / "locales", root / "locales")
    return root


@pytest.fixture
def empty_project(tmp_path: Path) -> Path:
    """A project with the seed article and no catalogues yet."""
    root = tmp_path / "fresh"
    (root / "articles").mkdir(parents=True)
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    shutil.copy(SEED, root / "articles" / SEED.name)
    return root

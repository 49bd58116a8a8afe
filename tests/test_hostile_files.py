"""Issue 13: nothing written outside the project, no names that collide.

A symbolic link where newsloc writes (the lock, the state store, a
catalogue, an edition) is an error naming it, and the file it points to is
left byte-identical. Articles that are links out of the project are not
read unless ``allow_outside = true``. Two articles with one slug, or an
article named like a generated page, are errors naming the files.
"""

from __future__ import annotations

import os
import shutil

import pytest

from pipeline.cli import cli
from pipeline.errors import PipelineError
from pipeline.fsutil import UNCHECKED, atomic_write, atomic_write_many

from .paths import KIRKUK_SLUG, SEED, SEED_SLUG

SECRET = b"# the user's own file, outside the project\nexport PATH=/usr/bin\n"


def newsloc(runner, root, *args):
    return runner.invoke(cli, ["--root", str(root), *args])


@pytest.fixture
def outside(tmp_path):
    """A file outside the project that a link will point to."""
    target = tmp_path / "home" / ".bashrc"
    target.parent.mkdir()
    target.write_bytes(SECRET)
    return target


def test_atomic_write_refuses_a_link_and_leaves_its_target(tmp_path, outside):
    link = tmp_path / "ar.po"
    link.symlink_to(outside)
    with pytest.raises(PipelineError, match="symbolic link") as info:
        atomic_write(link, "new")
    assert info.value.path == link
    assert outside.read_bytes() == SECRET and link.is_symlink()
    dangling = tmp_path / "ku.po"
    dangling.symlink_to(tmp_path / "nowhere" / "ku.po")
    with pytest.raises(PipelineError, match="symbolic link"):
        atomic_write(dangling, "new")
    assert not (tmp_path / "nowhere").exists()
    real = tmp_path / "ckb.po"
    outcomes = atomic_write_many([(link, "new", UNCHECKED), (real, "new", UNCHECKED)])
    assert isinstance(outcomes[0], PipelineError) and outcomes[1] is True
    assert outside.read_bytes() == SECRET and real.read_text() == "new"


def test_linked_lock_is_refused(runner, empty_project, outside):
    (empty_project / ".newsloc").mkdir()
    (empty_project / ".newsloc" / "lock").symlink_to(outside)
    result = newsloc(runner, empty_project, "extract")
    assert result.exit_code == 1
    assert "lock" in result.output and "symbolic link" in result.output
    assert outside.read_bytes() == SECRET
    assert not (empty_project / "locales").exists()


def test_linked_state_store_is_refused(runner, empty_project, outside, caplog):
    """The store is derived state: extract goes on without it, says why, and writes nothing there."""
    (empty_project / ".newsloc").mkdir()
    (empty_project / ".newsloc" / "state.sqlite").symlink_to(outside)
    result = newsloc(runner, empty_project, "extract")
    said = result.output + caplog.text
    assert "state.sqlite" in said and "symbolic link" in said
    assert outside.read_bytes() == SECRET
    assert not (outside.parent / ".bashrc-wal").exists()


def test_linked_catalogue_is_refused(runner, project, outside):
    assert newsloc(runner, project, "extract").exit_code == 0
    po = project / "locales" / "ar" / f"{SEED_SLUG}.po"
    shared = outside.parent / "ar.po"          # a catalogue kept elsewhere, linked in
    shared.write_bytes(po.read_bytes() + b"\n#~ msgid \"kept outside\"\n#~ msgstr \"\"\n")
    before = shared.read_bytes()
    po.unlink()
    po.symlink_to(shared)
    pyproject = project / "pyproject.toml"   # reading it is allowed; writing through it never
    pyproject.write_text(pyproject.read_text().replace("[tool.newsloc]\n",
                                                       "[tool.newsloc]\nallow_outside = true\n", 1))
    article = project / "articles" / f"{SEED_SLUG}.txt"
    article.write_text(article.read_text().replace("fight: officials", "fight: US officials", 1))
    result = newsloc(runner, project, "extract")
    assert result.exit_code == 1, result.output
    assert f"{SEED_SLUG}.po" in result.output and "symbolic link" in result.output
    assert shared.read_bytes() == before


def test_linked_edition_is_refused(runner, kirkuk, outside):
    first = newsloc(runner, kirkuk, "export")
    assert first.exit_code == 0, first.output
    edition = kirkuk / "editions" / "ar" / f"{KIRKUK_SLUG}.html"
    assert edition.is_file()
    edition.unlink()
    edition.symlink_to(outside)
    result = newsloc(runner, kirkuk, "export", "--force")
    assert result.exit_code == 1, result.output
    assert f"{KIRKUK_SLUG}.html" in result.output and "symbolic link" in result.output
    assert outside.read_bytes() == SECRET and edition.is_symlink()
    assert (kirkuk / "editions" / "ckb" / f"{KIRKUK_SLUG}.html").is_file()   # the others are written


def test_article_linked_from_outside_is_not_read_unless_allowed(runner, empty_project, tmp_path):
    elsewhere = tmp_path / "private" / "embargoed.txt"
    elsewhere.parent.mkdir()
    shutil.copy(SEED, elsewhere)
    (empty_project / "articles" / "embargoed.txt").symlink_to(elsewhere)
    result = newsloc(runner, empty_project, "extract")
    assert result.exit_code == 1
    assert "embargoed.txt" in result.output and "outside the project" in result.output
    assert not (empty_project / "locales").exists()
    pyproject = empty_project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("[tool.newsloc]\n",
                                                       "[tool.newsloc]\nallow_outside = true\n", 1))
    result = newsloc(runner, empty_project, "extract")
    assert result.exit_code == 0, result.output
    assert (empty_project / "locales" / "templates" / "embargoed.pot").is_file()


@pytest.mark.parametrize("setting", ['locales = "/tmp"', 'editions = "../published"'])
def test_folders_outside_the_project_are_refused(runner, empty_project, setting):
    pyproject = empty_project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("[tool.newsloc]\n", "[tool.newsloc]\n", 1)
                         .replace('locales = "locales"\n', "").replace('editions = "editions"\n', "")
                         .replace("[tool.newsloc]\n", f"[tool.newsloc]\n{setting}\n", 1))
    result = newsloc(runner, empty_project, "extract")
    assert result.exit_code == 2, result.output
    assert setting.split()[0] in result.output and "project" in result.output


def test_folder_linked_outside_is_refused(runner, empty_project, tmp_path):
    site = tmp_path / "www"
    site.mkdir()
    (empty_project / "editions").symlink_to(site)
    result = newsloc(runner, empty_project, "extract")
    assert result.exit_code == 2, result.output
    assert "editions" in result.output and "allow_outside" in result.output


def test_two_articles_with_one_slug_are_an_error_naming_both(runner, empty_project):
    shutil.copy(SEED, empty_project / "articles" / "story.txt")
    (empty_project / "articles" / "story.md").write_text("---\ntitle: Story\n---\n\nText here.\n")
    result = newsloc(runner, empty_project, "extract")
    assert result.exit_code == 1
    assert "story.md" in result.output and "story.txt" in result.output
    assert not (empty_project / "locales" / "templates" / "story.pot").exists()


@pytest.mark.parametrize("name", ["index.txt", "proof.md", "Index.txt"])
def test_article_named_like_a_generated_page_is_an_error(runner, empty_project, name):
    (empty_project / "articles" / name).write_text(
        "---\ntitle: Index\n---\n\nText here.\n" if name.endswith(".md") else SEED.read_text())
    result = newsloc(runner, empty_project, "extract")
    assert result.exit_code == 1
    assert name in result.output and "newsloc generates" in result.output


def test_orphan_catalogue_is_reported_by_status_and_check(runner, project):
    """A translator's renamed catalogue (slug-mine.po) was ignored without a word."""
    mine = project / "locales" / "ar" / f"{SEED_SLUG}-mine.po"
    shutil.copy(project / "locales" / "ar" / f"{SEED_SLUG}.po", mine)
    for command in ("status", "check"):
        result = newsloc(runner, project, command)
        warning = [line for line in result.output.splitlines() if f"{SEED_SLUG}-mine.po" in line]
        assert warning and "used by nothing" in warning[0], (command, result.output)
    assert f"{SEED_SLUG}-mine.po" not in newsloc(runner, project, "status", SEED_SLUG).output


def test_catalogue_linked_from_outside_is_not_read_unless_allowed(runner, project, outside):
    shared = outside.parent / "ar.po"
    po = project / "locales" / "ar" / f"{SEED_SLUG}.po"
    shutil.copy(po, shared)
    po.unlink()
    po.symlink_to(shared)
    for command in ("status", "check", "export"):
        result = newsloc(runner, project, command)
        assert result.exit_code == 1, (command, result.output)
        assert f"{SEED_SLUG}.po" in result.output and "outside the project" in result.output
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("[tool.newsloc]\n",
                                                       "[tool.newsloc]\nallow_outside = true\n", 1))
    assert newsloc(runner, project, "status").exit_code == 0


@pytest.mark.parametrize("folder", ["locales", "editions"])
def test_language_folder_linked_outside_is_refused_before_any_write(runner, kirkuk, tmp_path, folder):
    """locales/ar or editions/ar as a link out of the project: nothing is written there, even with allow_outside."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (kirkuk / folder).mkdir(exist_ok=True)
    lang = kirkuk / folder / "ar"
    if lang.exists():
        shutil.rmtree(lang)
    lang.symlink_to(elsewhere, target_is_directory=True)
    for allow in (False, True):
        if allow:
            pyproject = kirkuk / "pyproject.toml"
            pyproject.write_text(pyproject.read_text(encoding="utf-8").replace(
                "[tool.newsloc]\n", "[tool.newsloc]\nallow_outside = true\n", 1), encoding="utf-8")
        for command in ("extract", "export"):
            result = newsloc(runner, kirkuk, command)
            assert result.exit_code != 0, result.output
            assert "link to a folder outside the project" in result.output and str(lang) in result.output
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("marker", ["kept", "deleted", "garbled"])
def test_catalogue_linked_in_after_a_clean_run_is_refused(runner, project, outside, monkeypatch, marker):
    """Catalogue folders whose listing held no link are remembered (.newsloc/links.ok) and not
    listed again while their stat data stays the same; a link added later changes the folder's,
    so the next command still refuses it (with the marker, without it, with it unreadable)."""
    import time

    import pipeline.config as config

    assert newsloc(runner, project, "extract").exit_code == 0
    later = time.time() + 10  # the folders' last changes are older than the racy window
    monkeypatch.setattr(config.time, "time", lambda: later)
    assert newsloc(runner, project, "status").exit_code in (0, 1)
    links_ok = project / ".newsloc" / "links.ok"
    assert str(project / "locales" / "ar") in links_ok.read_text(encoding="utf-8")
    if marker == "deleted":
        links_ok.unlink()
    elif marker == "garbled":
        links_ok.write_text("{not json", encoding="utf-8")
    link = project / "locales" / "ar" / "kept-elsewhere.po"
    link.symlink_to(outside)
    for command in ("status", "translate"):
        result = newsloc(runner, project, command)
        assert result.exit_code == 1, result.output
        assert "kept-elsewhere.po" in result.output and "is a link to a file outside the project" in result.output
    assert outside.read_bytes() == SECRET


def test_catalogue_linked_in_the_second_after_a_clean_run_is_refused(runner, project, outside, monkeypatch):
    """A listing taken within the racy window of the folder's last change is not remembered:
    a link added in the same clock tick could leave the folder's times as they were. (The
    clock is pinned: a loaded machine must not push the listing out of the window.)"""
    from pipeline import config
    assert newsloc(runner, project, "extract").exit_code == 0
    folder = project / "locales" / "ar"
    links_ok = project / ".newsloc" / "links.ok"
    monkeypatch.setattr(config.time, "time", lambda: os.stat(folder).st_mtime + 1)  # within the window
    status = newsloc(runner, project, "status")
    assert status.exit_code in (0, 1) and not isinstance(status.exception, Exception), status.output
    assert not links_ok.exists() or str(folder) not in links_ok.read_text(encoding="utf-8")
    monkeypatch.undo()
    (project / "locales" / "ar" / "kept-elsewhere.po").symlink_to(outside)
    result = newsloc(runner, project, "status")
    assert result.exit_code == 1 and "kept-elsewhere.po" in result.output, result.output

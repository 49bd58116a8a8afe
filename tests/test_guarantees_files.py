"""Atomic writes and the project lock, in process.

A failing write (full disk, Ctrl-C, a rename refused) leaves the old file
byte-identical and no temporary file behind; the project lock names its
holder, is re-entrant, and is not fooled by a leftover lock file.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from pipeline import fsutil
from pipeline.catalog import load_catalog
from pipeline.cli import _command_line, cli
from pipeline.config import load_project
from pipeline.errors import CatalogError, LockError, PipelineError
from pipeline.fsutil import TEMP_SUFFIX, atomic_write, default_mode, sweep_temp_files
from pipeline.lock import acquire, lock_path, project_lock, read_holder, release

from .paths import SEED_SLUG
from .support_guarantees import child_env


def leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith(TEMP_SUFFIX)]


# -- atomic_write ------------------------------------------------------------

def test_new_file_gets_umask_mode_and_existing_mode_is_kept(tmp_path):
    target = tmp_path / "sub" / "dir" / "a.po"
    assert atomic_write(target, "one\n") is True
    assert stat.S_IMODE(target.stat().st_mode) == default_mode()
    old = os.umask(0o002)
    try:
        other = tmp_path / "shared.po"
        atomic_write(other, "x")
        assert stat.S_IMODE(other.stat().st_mode) == 0o664  # group-writable checkout stays so
    finally:
        os.umask(old)
    target.chmod(0o640)
    atomic_write(target, "two\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert target.read_text() == "two\n"


def test_unchanged_bytes_touch_nothing(tmp_path):
    target = tmp_path / "a.po"
    atomic_write(target, "same\n")
    os.utime(target, (1_000_000, 1_000_000))
    assert atomic_write(target, b"same\n") is False
    assert target.stat().st_mtime == 1_000_000


@pytest.mark.parametrize("where", ["write", "fsync", "replace"])
def test_full_disk_leaves_the_old_file_intact(tmp_path, monkeypatch, where):
    target = tmp_path / "ar.po"
    target.write_bytes(b"reviewed work\n")
    full = OSError(errno.ENOSPC, "No space left on device")
    if where == "replace":
        monkeypatch.setattr(fsutil.os, "replace", lambda *a: (_ for _ in ()).throw(full))
    elif where == "fsync":
        monkeypatch.setattr(fsutil.os, "fsync", lambda fd: (_ for _ in ()).throw(full))
    else:
        real_fdopen = os.fdopen

        class Full:
            def __init__(self, fh):
                self.fh = fh

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self.fh.close()

            def write(self, data):
                self.fh.write(data[: len(data) // 2])  # half written, then the disk is full
                raise full

        monkeypatch.setattr(fsutil.os, "fdopen", lambda fd, mode: Full(real_fdopen(fd, mode)))
    with pytest.raises(CatalogError) as info:
        atomic_write(target, "x" * 100_000, error=CatalogError)
    assert str(info.value) == f"{target}: cannot write: No space left on device"
    assert target.read_bytes() == b"reviewed work\n"
    assert not leftovers(tmp_path)


def test_ctrl_c_during_a_write_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "ar.po"
    target.write_bytes(b"old\n")

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(fsutil.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, "new\n")
    assert target.read_bytes() == b"old\n" and not leftovers(tmp_path)


def _as_unprivileged_user(func) -> None:
    """Run *func* in a forked child that has dropped root (uid/gid 65534, "nobody"), re-raising its failure.

    Root writes into read-only folders, so a root test run (CI) checks the
    read-only case as an ordinary user would meet it.
    """
    import multiprocessing
    import traceback

    def child(queue):
        try:
            if os.geteuid() == 0:
                os.setgroups([])
                os.setgid(65534)
                os.setuid(65534)
            func()
        except BaseException:  # noqa: BLE001 - sent back to the test
            queue.put(traceback.format_exc())
        else:
            queue.put(None)

    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=child, args=(queue,))
    proc.start()
    failure = queue.get(timeout=60)
    proc.join(60)
    assert failure is None, failure


def test_read_only_folder_is_a_clear_error():
    base = Path(tempfile.mkdtemp(prefix="newsloc-ro-"))
    try:
        base.chmod(0o755)
        folder = base / "ro"
        folder.mkdir()
        (folder / "a.po").write_text("old")
        (folder / "a.po").chmod(0o644)
        folder.chmod(0o555)

        def write():
            with pytest.raises(PipelineError, match="cannot write: Permission denied"):
                atomic_write(folder / "a.po", "new")
        _as_unprivileged_user(write)
        assert (folder / "a.po").read_text() == "old" and not leftovers(folder)
    finally:
        shutil.rmtree(base, onerror=lambda fn, p, exc: (os.chmod(os.path.dirname(p), 0o755), fn(p)))


def test_symlinked_catalogue_is_never_written_through(tmp_path):
    """Issue 13: a link where newsloc writes is an error; the file it points to is untouched."""
    real = tmp_path / "shared" / "ar.po"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "ar.po"
    link.symlink_to(real)
    with pytest.raises(PipelineError, match="symbolic link"):
        atomic_write(link, "new")
    assert link.is_symlink() and real.read_text() == "old"


def test_the_directory_is_fsynced_after_the_rename(tmp_path, monkeypatch):
    synced = []
    real_fsync = os.fsync

    def spy(fd):
        synced.append(os.readlink(f"/proc/self/fd/{fd}") if Path("/proc/self/fd").is_dir() else fd)
        return real_fsync(fd)

    monkeypatch.setattr(fsutil.os, "fsync", spy)
    atomic_write(tmp_path / "new" / "a.po", "x")
    if Path("/proc/self/fd").is_dir():
        assert str(tmp_path / "new") in synced  # the rename
        assert str(tmp_path) in synced          # the new folder's entry


def test_lock_sweeps_temporaries_only_after_a_run_that_never_released(tmp_path):
    """A clean release empties the lock file; the next holder walks the catalogue
    folders for a killed run's temporaries only when the file still names a holder."""
    (tmp_path / "pyproject.toml").write_text('[tool.newsloc]\nlanguages = ["ar"]\n', encoding="utf-8")
    project = load_project(tmp_path)
    release(acquire(project))  # a clean run
    stray = tmp_path / "locales" / "ar" / f".a.po.k3j4h5g6{TEMP_SUFFIX}"
    stray.parent.mkdir(parents=True)
    stray.write_text("x")
    release(acquire(project))
    assert stray.exists()  # the last run released: nothing of newsloc's to sweep
    # A killed holder leaves its pid and command in the file.
    lock_path(project).write_text('{"pid": 1, "command": "newsloc translate"}\n', encoding="utf-8")
    path = acquire(project)
    assert not stray.exists()
    release(path)
    assert lock_path(project).read_text() == ""


def test_sweep_removes_only_old_temporaries(tmp_path):
    old = tmp_path / "ar" / f".a.po.k3j4h5g6{TEMP_SUFFIX}"
    young = tmp_path / f".b.po.zz99aa00{TEMP_SUFFIX}"
    other = tmp_path / "ar" / ".a.po.swp"
    for p in (old, young, other):
        p.parent.mkdir(exist_ok=True)
        p.write_text("x")
    os.utime(old, (time.time() - 3600,) * 2)
    assert sweep_temp_files(tmp_path) == [old]
    assert young.exists() and other.exists()
    assert sweep_temp_files(tmp_path, older_than=0) == [young]


def test_extract_on_a_full_disk_keeps_the_catalogue(runner, project, full_disk):
    po = project / "locales" / "ar" / f"{SEED_SLUG}.po"
    before = po.read_bytes()
    article = project / "articles" / f"{SEED_SLUG}.txt"
    article.write_text(article.read_text(encoding="utf-8").replace("Iraq", "Iraq's", 3),
                       encoding="utf-8")
    full_disk(".po")
    result = runner.invoke(cli, ["--root", str(project), "extract"])
    assert result.exit_code == 1
    assert f"{po}: cannot write: No space left on device" in result.output
    assert po.read_bytes() == before
    # extract waits for every write it started before it returns (tested below).
    assert not leftovers(project)
    full_disk(None)
    result = runner.invoke(cli, ["--root", str(project), "extract"])
    assert result.exit_code == 0, result.output
    load_catalog(po)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_extract_returns_only_when_every_write_has_landed(runner, project, monkeypatch, full_disk):
    real_fsync = os.fsync

    def slow_fsync(fd):
        # A slow disk for the catalogues: they are still being written when the
        # template's write fails.
        if ".po." in os.readlink(f"/proc/self/fd/{fd}"):
            time.sleep(0.5)
        return real_fsync(fd)

    monkeypatch.setattr(fsutil.os, "fsync", slow_fsync)
    full_disk(".pot")
    article = project / "articles" / f"{SEED_SLUG}.txt"
    article.write_text(article.read_text(encoding="utf-8").replace("Iraq", "Iraq's", 3),
                       encoding="utf-8")
    result = runner.invoke(cli, ["--root", str(project), "extract"])
    assert result.exit_code == 1
    assert not leftovers(project)  # every write finished (or cleaned up) before returning


# -- the project lock ---------------------------------------------------------

HOLD = """
import sys, time
from pipeline.config import load_project
from pipeline.lock import project_lock
with project_lock(load_project(sys.argv[1]), command="newsloc translate --engine google"):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def hold(root: Path, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(root), str(seconds)],
                            stdout=subprocess.PIPE, text=True, env=child_env())
    assert proc.stdout.readline().strip() == "locked"
    return proc


@pytest.mark.slow
def test_lock_names_its_holder_and_wait_succeeds(runner, project):
    holder = hold(project, 1.5)
    try:
        result = runner.invoke(cli, ["--root", str(project), "extract"])
        assert result.exit_code == 1
        assert f"pid {holder.pid}, running 'newsloc translate --engine google', since " in \
            result.output
        started = time.monotonic()
        result = runner.invoke(cli, ["--root", str(project), "extract", "--wait", "30"])
        assert result.exit_code == 0, result.output
        assert time.monotonic() - started >= 0.5
    finally:
        holder.kill()
        holder.wait()
    assert lock_path(load_project(project)).read_text() == ""  # released: says nothing stale


@pytest.mark.slow
def test_wait_from_the_environment(runner, project):
    holder = hold(project, 1.0)
    try:
        result = runner.invoke(cli, ["--root", str(project), "extract"], env={"NEWSLOC_WAIT": "30"})
        assert result.exit_code == 0, result.output
    finally:
        holder.kill()
        holder.wait()


def test_a_leftover_lock_file_is_not_a_lock(runner, project):
    """A killed run's lock file (text still in it) does not block anyone."""
    path = lock_path(load_project(project))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"pid": 999999, "host": "x", "command": "newsloc build", "started": "s"}')
    result = runner.invoke(cli, ["--root", str(project), "extract"])
    assert result.exit_code == 0, result.output


def test_lock_is_reentrant_in_one_process(project):
    proj = load_project(project)
    with project_lock(proj, command="newsloc build") as outer:
        inner = acquire(proj, command="newsloc translate")  # build runs translate
        release(inner)
        assert read_holder(outer).command == "newsloc build"  # still held by the outer
        probe = subprocess.run([sys.executable, "-c", HOLD, str(project), "0"],
                               capture_output=True, text=True, env=child_env())
        assert "LockError" in probe.stderr
    probe = subprocess.run([sys.executable, "-c", HOLD, str(project), "0"],
                           capture_output=True, text=True, env=child_env())
    assert probe.returncode == 0


def test_unwritable_state_folder_is_a_clear_error(project):
    (project / ".newsloc").write_text("not a folder")
    with pytest.raises(LockError, match="cannot create the project lock"):
        acquire(load_project(project))


def test_secrets_never_reach_the_lock_file(monkeypatch):
    import click
    monkeypatch.setattr(sys, "argv", ["newsloc", "translate", "--engine", "libre", "--api-key",
                                      "s3cret", "--url=http://x/", "--api-key=s3cret2"])
    with click.Context(cli) as ctx:
        line = _command_line(ctx)
    assert "s3cret" not in line
    assert line == "newsloc translate --engine libre --api-key *** --url=http://x/ --api-key=***"


def test_readers_do_not_take_the_lock(runner, project):
    holder = hold(project, 5)
    try:
        result = runner.invoke(cli, ["--root", str(project), "show", SEED_SLUG])
        assert result.exit_code == 0
    finally:
        holder.kill()
        holder.wait()


def test_every_writing_command_offers_wait(runner):
    for command in (["extract"], ["translate"], ["export"], ["build"], ["tm", "import"]):
        result = runner.invoke(cli, [*command, "--help"])
        assert result.exit_code == 0, command
        assert "--wait SECONDS" in result.output, command


def test_expect_refuses_to_overwrite_a_file_saved_meanwhile(tmp_path):
    from pipeline.catalog import parse_catalog, save_catalog
    from pipeline.fsutil import ChangedOnDisk, file_digest
    path = tmp_path / "ar.po"
    path.write_text('msgid "a"\nmsgstr ""\n', encoding="utf-8")
    seen = file_digest(path)
    path.write_text('msgid "a"\nmsgstr "ترجمة"\n', encoding="utf-8")  # Poedit saved meanwhile
    po = parse_catalog('msgid "a"\nmsgstr "[MT]"\n')
    with pytest.raises(ChangedOnDisk, match="changed on disk since it was read"):
        save_catalog(po, path, expect=seen)
    assert "ترجمة" in path.read_text(encoding="utf-8") and not leftovers(tmp_path)
    assert save_catalog(po, path, expect=file_digest(path)) is True  # after re-reading: fine
    with pytest.raises(ChangedOnDisk):
        atomic_write(tmp_path / "new.po", "x", expect=file_digest(path))  # expected a file
    assert atomic_write(tmp_path / "new.po", "x", expect=None) is True
    with pytest.raises(ChangedOnDisk):
        atomic_write(tmp_path / "new.po", "y", expect=None)  # expected no file

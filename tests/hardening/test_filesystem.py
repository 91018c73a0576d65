"""The file system fights back: odd paths, links, permissions, read-only and full disks.

Each failure must be exit 2 with one ``studylog-md: error:`` line that says what to do, and
must leave the file exactly as it was (bytes, mtime, inode, mode) with no temporary file
beside it. Each success must change the marker and nothing else.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from ._cli import (
    LOG_BYTES,
    LOG_TOGGLED,
    FileState,
    assert_no_temp_files,
    assert_no_traceback,
    assert_untouched,
    assert_user_error,
    remount_read_only,
    run_cli,
    write_log,
)
from .conftest import Mount

ROOT_ONLY = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")


# --- paths that are not regular files -------------------------------------------------------


@pytest.fixture
def odd_paths(tmp_path: Path) -> dict[str, str]:
    """A path of each kind that is not a readable regular file, with a word its error names."""
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    (tmp_path / "folder.md").mkdir()
    dangling = tmp_path / "dangling.md"
    dangling.symlink_to(tmp_path / "nowhere.md")
    return {
        str(tmp_path / "missing.md"): "no such file",
        str(tmp_path / "folder.md"): "folder",
        str(fifo): "FIFO",
        str(dangling): "symbolic link",
        "/dev/null": "character device",
        "/dev/zero": "character device",
        str(tmp_path / "log.md" / "child.md"): "not a folder",
    }


@pytest.mark.parametrize("command", ["list", "stats"])
def test_read_commands_report_every_odd_path_and_go_on(
    command: str, odd_paths: dict[str, str], log: Path
) -> None:
    # One run with every bad path plus a good file: each bad one gets its own error line, the
    # good one is still processed (never blocks on the FIFO, never reads /dev/zero), exit 2.
    result = run_cli(command, *odd_paths, str(log))
    assert_user_error(result, *odd_paths)
    for path, word in odd_paths.items():
        line = next(ln for ln in result.stderr.splitlines() if path in ln)
        assert word in line, result.describe()
    assert "U-Net" in result.stdout or "Papers" in result.stdout, result.describe()
    assert_untouched(log, FileState(LOG_BYTES, *_identity(log)))


def _identity(path: Path) -> tuple[int, int, int]:
    st = path.stat()
    return st.st_mtime_ns, st.st_ino, st.st_mode


@pytest.mark.parametrize(
    ("name", "word"),
    [
        ("missing.md", "no such file"),
        ("folder.md", "folder"),
        ("pipe.md", "FIFO"),
        ("/dev/zero", "character device"),
    ],
)
def test_toggle_refuses_what_is_not_a_regular_file(
    name: str, word: str, odd_paths: dict[str, str], tmp_path: Path
) -> None:
    path = name if name.startswith("/") else str(tmp_path / name)
    result = run_cli("toggle", path, "U-Net")
    assert_user_error(result, word)
    assert_no_temp_files(tmp_path)


def test_symlink_loop_is_a_user_error(tmp_path: Path) -> None:
    (tmp_path / "a.md").symlink_to(tmp_path / "b.md")
    (tmp_path / "b.md").symlink_to(tmp_path / "a.md")
    for args in (("list", "a.md"), ("toggle", "a.md", "U-Net")):
        result = run_cli(*args, cwd=tmp_path)
        assert_user_error(result, "symbolic link")


# --- size limits ----------------------------------------------------------------------------


def test_max_bytes_refuses_before_reading(log: Path) -> None:
    before = FileState.of(log)
    for args in (
        ("list", "--max-bytes", "10", str(log)),
        ("toggle", "--max-bytes", "10", str(log), "U-Net"),
    ):
        result = run_cli(*args)
        assert_user_error(result, "--max-bytes", f"{len(LOG_BYTES):,} bytes")
    assert_untouched(log, before)


def test_a_huge_sparse_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    # 64 GiB of holes: reading it would take minutes and all the memory; the size check
    # happens on stat, before the first read, so the refusal is instant.
    big = tmp_path / "big.md"
    with big.open("wb") as handle:
        handle.truncate(64 * 1024**3)
    for args in (("list", str(big)), ("toggle", str(big), "x"), ("stats", str(big))):
        result = run_cli(*args)
        assert_user_error(result, "over the limit", "--max-bytes")


def test_standard_input_over_max_bytes(tmp_path: Path) -> None:
    result = run_cli("list", "--max-bytes", "100", "-", stdin=b"x" * 5000)
    assert_user_error(result, "<stdin>", "--max-bytes")


# --- links ----------------------------------------------------------------------------------


def test_toggle_through_a_symlink_edits_the_target_and_keeps_the_link(tmp_path: Path) -> None:
    real_dir = tmp_path / "real"
    real_dir.mkdir()
    target = write_log(real_dir / "log.md")
    link = tmp_path / "link.md"
    link.symlink_to(os.path.relpath(target, tmp_path))
    result = run_cli("toggle", "link.md", "U-Net", cwd=tmp_path)
    assert result.returncode == 0, result.describe()
    assert link.is_symlink()
    assert os.readlink(link) == os.path.relpath(target, tmp_path)
    assert target.read_bytes() == LOG_TOGGLED
    assert_no_temp_files(tmp_path)
    assert_no_temp_files(real_dir)


def test_a_hard_link_is_refused_with_a_way_out(log: Path) -> None:
    other = log.with_name("other.md")
    os.link(log, other)
    before = FileState.of(log)
    result = run_cli("toggle", str(log), "U-Net")
    assert_user_error(result, "hard links", "--in-place")
    assert_untouched(log, before)
    assert other.read_bytes() == LOG_BYTES


def test_a_hard_link_with_in_place_writes_through_both_names(log: Path) -> None:
    other = log.with_name("other.md")
    os.link(log, other)
    inode = log.stat().st_ino
    result = run_cli("toggle", "--in-place", str(log), "U-Net")
    assert result.returncode == 0, result.describe()
    assert log.read_bytes() == LOG_TOGGLED
    assert other.read_bytes() == LOG_TOGGLED
    assert log.stat().st_ino == inode
    assert log.stat().st_nlink == 2
    assert_no_temp_files(log.parent)


# --- permissions ----------------------------------------------------------------------------


@pytest.mark.parametrize("mode", [0o640, 0o755])
def test_mode_bits_are_kept(log: Path, mode: int) -> None:
    log.chmod(mode)
    result = run_cli("toggle", str(log), "U-Net")
    assert result.returncode == 0, result.describe()
    assert stat.S_IMODE(log.stat().st_mode) == mode
    assert log.read_bytes() == LOG_TOGGLED


@ROOT_ONLY
def test_owner_and_group_are_kept(log: Path) -> None:
    os.chown(log, 4321, 4322)
    result = run_cli("toggle", str(log), "U-Net")
    assert result.returncode == 0, result.describe()
    st = log.stat()
    assert (st.st_uid, st.st_gid) == (4321, 4322)
    assert log.read_bytes() == LOG_TOGGLED


def test_a_read_only_file_is_not_edited(log: Path) -> None:
    log.chmod(0o444)
    before = FileState.of(log)
    for extra in ((), ("--in-place",)):
        result = run_cli("toggle", *extra, str(log), "U-Net")
        assert_user_error(result, "read-only", "chmod")
        assert_untouched(log, before)


# Every command that writes, with a file it has something to write to.
WRITERS = {
    "add": (LOG_BYTES, ("add", "{}", "--section", "Papers", "--title", "ResNet")),
    "fix": (LOG_BYTES.replace(b"04597)", b"04597?utm_source=x)"), ("fix", "{}")),
    "stats-write": (
        LOG_BYTES + b"\n<!-- studylog-md:stats -->\n<!-- /studylog-md:stats -->\n",
        ("stats", "--write", "{}"),
    ),
}


@pytest.mark.parametrize("writer", WRITERS, ids=WRITERS)
def test_every_writer_respects_a_read_only_file(tmp_path: Path, writer: str) -> None:
    data, args = WRITERS[writer]
    log = write_log(tmp_path / "log.md", data)
    log.chmod(0o444)
    before = FileState.of(log)
    result = run_cli(*[a.format(log) for a in args])
    assert_user_error(result, "read-only")
    assert_untouched(log, before)


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "ro"
    folder.mkdir()
    write_log(folder / "log.md")
    folder.chmod(0o555)
    yield folder
    folder.chmod(0o755)


def test_a_read_only_folder_refuses_the_atomic_replace(read_only_folder: Path) -> None:
    log = read_only_folder / "log.md"
    before = FileState.of(log)
    result = run_cli("toggle", str(log), "U-Net")
    assert_user_error(result, "read-only", "--in-place")
    assert_untouched(log, before)


def test_a_read_only_folder_allows_in_place(read_only_folder: Path) -> None:
    log = read_only_folder / "log.md"
    inode = log.stat().st_ino
    result = run_cli("toggle", "--in-place", str(log), "U-Net")
    assert result.returncode == 0, result.describe()
    assert log.read_bytes() == LOG_TOGGLED
    assert log.stat().st_ino == inode


@pytest.fixture
def public_folder() -> Iterator[Path]:
    """A folder every user can enter (``tmp_path`` is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="studylog-hardening-"))
    folder.chmod(0o755)
    yield folder
    for child in folder.iterdir():
        child.unlink()
    folder.rmdir()


def _skip_unless_runnable_by(user: int) -> None:
    """Skip when this Python or the project cannot be run by ``user`` (a private pyenv)."""
    try:
        probe = subprocess.run(
            [sys.executable, "-c", "import studylog_md"],
            user=user,
            group=user,
            extra_groups=[],
            capture_output=True,
            check=False,
        )
    except OSError:
        pytest.skip("this Python cannot be run by an unprivileged user here")
    if probe.returncode != 0:
        pytest.skip("the project is not importable by an unprivileged user here")


NOBODY = 65534


@ROOT_ONLY
def test_an_unreadable_file_as_a_normal_user(public_folder: Path) -> None:
    _skip_unless_runnable_by(NOBODY)
    log = write_log(public_folder / "log.md")
    log.chmod(0o600)
    before = FileState.of(log)
    for args in (("list", str(log)), ("toggle", str(log), "U-Net")):
        result = run_cli(*args, user=NOBODY)
        assert result.returncode == 2, result.describe()
        assert_no_traceback(result)
        assert "not readable" in result.stderr or "permission denied" in result.stderr
    assert_untouched(log, before)


@ROOT_ONLY
def test_a_writable_file_in_a_folder_a_normal_user_cannot_write(public_folder: Path) -> None:
    _skip_unless_runnable_by(NOBODY)
    log = write_log(public_folder / "log.md")
    log.chmod(0o666)  # the file is writable, the folder (root's, 0755) is not
    before = FileState.of(log)
    result = run_cli("toggle", str(log), "U-Net", user=NOBODY)
    assert_user_error(result, "permission denied", "--in-place")
    assert_untouched(log, before)
    result = run_cli("toggle", "--in-place", str(log), "U-Net", user=NOBODY)
    assert result.returncode == 0, result.describe()
    assert log.read_bytes() == LOG_TOGGLED


# --- read-only and full file systems (tmpfs, as root) ---------------------------------------


def test_a_read_only_file_system(tmpfs: Mount) -> None:
    point = tmpfs("size=1m")
    log = write_log(point / "log.md")
    remount_read_only(point)
    before = FileState.of(log)
    listed = run_cli("list", str(log))
    assert listed.returncode == 0, listed.describe()
    assert "U-Net" in listed.stdout
    for extra in ((), ("--in-place",)):
        result = run_cli("toggle", *extra, str(log), "U-Net")
        assert_user_error(result, "read-only file system")
        assert_untouched(log, before)


def test_every_writer_on_a_read_only_file_system(tmpfs: Mount) -> None:
    point = tmpfs("size=1m")
    logs = {name: write_log(point / f"{name}.md", data) for name, (data, _) in WRITERS.items()}
    remount_read_only(point)
    for name, (_, args) in WRITERS.items():
        before = FileState.of(logs[name])
        result = run_cli(*[a.format(logs[name]) for a in args])
        assert_user_error(result, "read-only file system")
        assert_untouched(logs[name], before)


def _fill(point: Path) -> None:
    """Fill the file system at ``point`` to the last byte (unbuffered: no flush at close)."""
    fd = os.open(point / "filler", os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        for size in (65536, 4096, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                pass
    finally:
        os.close(fd)


def _big_log() -> bytes:
    """A log of exactly 16 KiB: tmpfs pages are 4 KiB, so any growth needs a new page."""
    rows = "".join(f"|Extra resource {i}|⬜|\n" for i in range(400))
    data = LOG_BYTES + b"\n## More\n\n|Resource|Progress|\n|---|---|\n" + rows.encode()
    filler = 16384 - len(data) - len(b"\n<!--  -->\n")
    assert filler > 0
    return data + b"\n<!-- " + b"x" * filler + b" -->\n"


def test_a_full_disk_leaves_the_file_untouched(tmpfs: Mount) -> None:
    point = tmpfs("size=64k")
    log = write_log(point / "log.md", _big_log())
    others = {name: write_log(point / f"{name}.md", data) for name, (data, _) in WRITERS.items()}
    _fill(point)
    runs = [
        (log, ("toggle", str(log), "U-Net")),
        (log, ("add", "--in-place", str(log), "--section", "Papers", "--title", "A new title")),
    ] + [
        (others[name], tuple(a.format(others[name]) for a in args))
        for name, (_, args) in WRITERS.items()
    ]
    for path, args in runs:
        before = path.read_bytes()
        result = run_cli(*args)
        assert_user_error(result, "no space left")
        assert path.read_bytes() == before
        assert_no_temp_files(point)


def test_a_full_disk_still_allows_a_same_size_toggle_in_place(tmpfs: Mount) -> None:
    # ⬜ and ✅ are both three bytes: written into the file itself, no block is allocated.
    point = tmpfs("size=64k")
    log = write_log(point / "log.md", _big_log())
    _fill(point)
    result = run_cli("toggle", "--in-place", str(log), "U-Net")
    assert result.returncode == 0, result.describe()
    assert log.read_bytes() == _big_log().replace(
        "|⬜|segmentation|".encode(), "|✅|segmentation|".encode()
    )


# --- the same file under several names ------------------------------------------------------


def test_the_same_file_named_several_ways_is_read_once(log: Path) -> None:
    link = log.with_name("link.md")
    link.symlink_to(log.name)
    names = [str(log), str(log), f"{log.parent}/./{log.name}", str(link)]
    listed = run_cli("list", "--format", "json", *names)
    assert listed.returncode == 0, listed.describe()
    assert listed.stdout.count('"title": "U-Net"') == 1, listed.describe()
    counted = run_cli("stats", "--format", "json", *names)
    assert counted.returncode == 0, counted.describe()
    report = json.loads(counted.stdout)
    assert report["total"] == 3, counted.describe()
    assert len(report["files"]) == 1, counted.describe()

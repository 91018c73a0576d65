"""Ctrl-C and other programs changing the file while studylog-md edits it.

The rule for Ctrl-C: the outcome is all or nothing, and what the CLI says is true. Either the
command stopped before its one atomic step (exit 130, "nothing was written", the original
intact) or the change was made, and then the CLI prints it as made and never claims that
nothing was written (exit 0, or 130 when it noticed the Ctrl-C). In no case is a temporary
file left behind.

The rule for outside changes: a file that changed, vanished or was replaced between the read
and the write is never overwritten (exit 2, "changed on disk" / "deleted or moved").
"""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from studylog_md import FileChangedError, load
from studylog_md.safe_write import editing, write_back

from ._cli import (
    LOG_BYTES,
    LOG_TOGGLED,
    TIMEOUT,
    CliResult,
    FileState,
    assert_no_temp_files,
    assert_no_traceback,
    assert_untouched,
    assert_user_error,
    child_env,
    cli_command,
)
from ._inject import Fault, run_with_fault

# --- Ctrl-C -----------------------------------------------------------------------------------


def _assert_all_or_nothing(result: CliResult, log: Path, before: FileState) -> None:
    assert_no_traceback(result)
    assert_no_temp_files(log.parent)
    if result.returncode == 0 or log.read_bytes() != before.data:
        # Past the point of no return: the change is made, and reported as made.
        assert result.returncode in (0, 130), result.describe()
        assert log.read_bytes() == LOG_TOGGLED, result.describe()
        assert "⬜ → ✅" in result.stdout, result.describe()
        assert "nothing was written" not in result.stderr, result.describe()
    else:
        assert result.returncode == 130, result.describe()
        assert "interrupted" in result.stderr, result.describe()
        assert "nothing was written" in result.stderr, result.describe()
        assert_untouched(log, before)


MOMENTS = [
    "open:target:1",  # opening the file to read it
    "open:target:2",  # checking it is unchanged, just before writing
    "open:temp:1",  # creating the temporary file
    "os.rename:temp:1",  # os.replace, the commit point itself
]


@pytest.mark.parametrize(
    "fault",
    [Fault(at, how) for at in MOMENTS for how in ("sigint", "csigint")],
    ids=lambda f: f.label,
)
def test_ctrl_c_at_every_moment_of_a_toggle(log: Path, fault: Fault) -> None:
    before = FileState.of(log)
    result = run_with_fault(fault, log, "toggle", str(log), "U-Net")
    _assert_all_or_nothing(result, log, before)


def test_ctrl_c_after_the_commit_is_not_reported_as_nothing_written(log: Path) -> None:
    # The folder is opened for its fsync right after os.replace has put the new file in place.
    before = FileState.of(log)
    result = run_with_fault(Fault("open:folder:1", "sigint"), log, "toggle", str(log), "U-Net")
    _assert_all_or_nothing(result, log, before)


@pytest.mark.parametrize(
    "fault",
    [Fault("open:target:2", "sigint"), Fault("open:target:3", "sigint")],
    ids=lambda f: f.label,
)
def test_ctrl_c_during_an_in_place_write(log: Path, fault: Fault) -> None:
    # open 1: the read; open 2: the unchanged-check; open 3: opening the file for writing.
    before = FileState.of(log)
    result = run_with_fault(fault, log, "toggle", "--in-place", str(log), "U-Net")
    _assert_all_or_nothing(result, log, before)


def _wait_until_open(pid: int, path: Path, deadline: float) -> None:
    """Wait until process ``pid`` has ``path`` open (it is then inside ``editing()``)."""
    real = str(path.resolve())
    fd_dir = Path(f"/proc/{pid}/fd")
    while time.monotonic() < deadline:
        try:
            for fd in fd_dir.iterdir():
                try:
                    if os.readlink(fd) == real:
                        return
                except OSError:
                    continue
        except OSError:
            pass
        time.sleep(0.01)
    raise AssertionError(f"process {pid} never opened {path}")


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_a_real_sigint_while_waiting_for_the_lock(log: Path) -> None:
    # We hold the edit lock, so the child must wait for it; once /proc shows the child has the
    # file open it is in that wait, and a real SIGINT from outside lands there every time.
    before = FileState.of(log)
    holder = os.open(log, os.O_RDONLY)
    fcntl.flock(holder, fcntl.LOCK_EX)
    child = subprocess.Popen(
        cli_command(["toggle", str(log), "U-Net"]),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=child_env(),
    )
    try:
        _wait_until_open(child.pid, log, time.monotonic() + TIMEOUT)
        child.send_signal(signal.SIGINT)
        stdout, stderr = child.communicate(timeout=TIMEOUT)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        os.close(holder)
    result = CliResult(
        ("toggle", str(log), "U-Net"),
        child.returncode,
        stdout.decode("utf-8", "replace"),
        stderr.decode("utf-8", "replace"),
        0.0,
    )
    assert result.returncode == 130, result.describe()
    assert "interrupted; nothing was written" in result.stderr, result.describe()
    assert_no_traceback(result)
    assert_untouched(log, before)


# --- other programs changing the file between the read and the write --------------------------


def test_a_change_with_the_same_size_and_mtime_is_caught(log: Path) -> None:
    # An editor rewrote one word (same length) and the mtime is unchanged: only the SHA-256
    # comparison can see it. The editor's version must survive.
    result = run_with_fault(Fault("open:target:2", "modify"), log, "toggle", str(log), "U-Net")
    assert_user_error(result, "changed on disk", "Run the command again")
    assert log.read_bytes() == LOG_BYTES.replace(b"segmentation", b"Segmentation")
    assert_no_temp_files(log.parent)


def test_a_file_deleted_before_the_write_is_not_recreated(log: Path) -> None:
    result = run_with_fault(Fault("open:target:2", "delete"), log, "toggle", str(log), "U-Net")
    assert_user_error(result, "deleted or moved")
    assert not log.exists()
    assert_no_temp_files(log.parent)


def test_a_file_replaced_before_the_write_is_not_overwritten(log: Path) -> None:
    result = run_with_fault(Fault("open:target:2", "replace"), log, "toggle", str(log), "U-Net")
    assert_user_error(result, "changed on disk")
    assert log.read_bytes() == b"# Someone else's file\n"
    assert_no_temp_files(log.parent)


def test_a_change_before_an_in_place_write_is_caught(log: Path) -> None:
    result = run_with_fault(
        Fault("open:target:2", "replace"), log, "toggle", "--in-place", str(log), "U-Net"
    )
    assert_user_error(result, "changed on disk")
    assert log.read_bytes() == b"# Someone else's file\n"


# The same at the library level: the change happens inside the ``editing`` block.


def test_library_edit_refuses_a_concurrent_change(log: Path) -> None:
    with editing(log) as snapshot:
        log.write_bytes(LOG_BYTES + b"\nadded by someone else\n")
        with pytest.raises(FileChangedError):
            write_back(snapshot, LOG_TOGGLED)
    assert log.read_bytes() == LOG_BYTES + b"\nadded by someone else\n"
    assert_no_temp_files(log.parent)


def test_library_edit_refuses_a_same_size_same_mtime_change(log: Path) -> None:
    with editing(log) as snapshot:
        st = log.stat()
        log.write_bytes(LOG_BYTES.replace(b"segmentation", b"Segmentation"))
        os.utime(log, ns=(st.st_atime_ns, st.st_mtime_ns))
        with pytest.raises(FileChangedError):
            write_back(snapshot, LOG_TOGGLED)
    assert b"Segmentation" in log.read_bytes()


def test_library_edit_refuses_a_deleted_file(log: Path) -> None:
    with editing(log) as snapshot:
        log.unlink()
        with pytest.raises(FileChangedError, match="deleted or moved"):
            write_back(snapshot, LOG_TOGGLED)
    assert not log.exists()
    assert_no_temp_files(log.parent)


def test_library_edit_keeps_a_chmod_made_meanwhile(log: Path) -> None:
    # chmod does not change the content or the mtime: the write goes ahead, with the new mode.
    log.chmod(0o644)
    with editing(log) as snapshot:
        log.chmod(0o600)
        assert write_back(snapshot, LOG_TOGGLED)
    assert log.read_bytes() == LOG_TOGGLED
    assert log.stat().st_mode & 0o777 == 0o600


def test_document_save_refuses_a_concurrent_change(log: Path) -> None:
    doc = load(log)
    doc.toggle("U-Net")
    log.write_bytes(LOG_BYTES + b"\nadded by someone else\n")
    with pytest.raises(FileChangedError):
        doc.save()
    assert log.read_bytes().endswith(b"added by someone else\n")


def test_two_editors_are_serialised(log: Path) -> None:
    # Two real toggles of two different entries at once: the lock orders them, so both
    # changes end up in the file (neither overwrites the other).
    first = subprocess.Popen(
        cli_command(["toggle", str(log), "U-Net"]), env=child_env(), stdout=subprocess.PIPE
    )
    second = subprocess.Popen(
        cli_command(["toggle", str(log), "Write the summary"]),
        env=child_env(),
        stdout=subprocess.PIPE,
    )
    assert first.wait(timeout=TIMEOUT) == 0
    assert second.wait(timeout=TIMEOUT) == 0
    for child in (first, second):
        assert child.stdout is not None
        child.stdout.close()
    data = log.read_bytes()
    assert "|✅|segmentation|".encode() in data
    assert b"- [x] Write the summary" in data

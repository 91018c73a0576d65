"""safe_write: atomic, locked, stale-checked writes, tested against real faults.

Nothing here is mocked: a full disk is a real 64 KiB tmpfs, a read-only file system is a real
``mount -o remount,ro``, concurrency is two real processes, and the Ctrl-C test interrupts a
real ``write(2)`` (see ``test_ctrl_c_during_write_leaves_original_and_no_temp``). Mounting needs
root; those tests skip, saying so, when it is not available.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from studylog_md.errors import FileChangedError, InputError, WriteError
from studylog_md.safe_write import DEFAULT_MAX_BYTES, Snapshot, editing, read_file, write_back

ORIGINAL = b"# Study log\n\n| Resource | Status |\n| --- | --- |\n| Book | \xe2\xac\x9c |\n"
NEW = ORIGINAL + b"| Course | \xe2\x9c\x85 |\n"


def temp_leftovers(folder: Path) -> list[str]:
    """Names of temporary files write_back may have left in ``folder``."""
    return sorted(name for name in os.listdir(folder) if name.endswith(".tmp"))


def make_log(folder: Path, data: bytes = ORIGINAL, name: str = "STUDY_LOG.md") -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


# --- real mounts ---------------------------------------------------------------------------


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, check=False)


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A real 64 KiB tmpfs, unmounted afterwards whatever happens."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mount_point = tmp_path / "mnt"
    mount_point.mkdir()
    done = _run("mount", "-t", "tmpfs", "-o", "size=64k,mode=0755", "tmpfs", str(mount_point))
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip() or done.returncode}")
    try:
        yield mount_point
    finally:
        if _run("umount", str(mount_point)).returncode != 0:
            _run("umount", "-l", str(mount_point))


# --- round trips ---------------------------------------------------------------------------


@pytest.mark.parametrize("mode", [0o640, 0o755, 0o600])
def test_round_trip_keeps_mode_bits(tmp_path: Path, mode: int) -> None:
    path = make_log(tmp_path)
    os.chmod(path, mode)
    with editing(path) as snap:
        assert snap.data == ORIGINAL
        assert snap.mode == mode
        assert write_back(snap, NEW) is True
    assert path.read_bytes() == NEW
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert temp_leftovers(tmp_path) == []


def test_write_replaces_the_file_atomically(tmp_path: Path) -> None:
    # A new inode proves the bytes went through a temp file and os.replace, never a
    # truncate-and-write of the original.
    path = make_log(tmp_path)
    before = path.stat().st_ino
    snap = read_file(path)
    assert write_back(snap, NEW)
    assert path.stat().st_ino != before
    assert path.read_bytes() == NEW


def test_snapshot_fields_describe_the_file(tmp_path: Path) -> None:
    path = make_log(tmp_path)
    st = path.stat()
    snap = read_file(str(path))
    assert isinstance(snap, Snapshot)
    assert snap.path == path
    assert snap.target == path.resolve()
    assert (snap.size, snap.mtime_ns, snap.inode, snap.device, snap.nlink) == (
        len(ORIGINAL),
        st.st_mtime_ns,
        st.st_ino,
        st.st_dev,
        1,
    )
    assert len(snap.sha256) == 64


def test_write_through_symlink_keeps_the_link(tmp_path: Path) -> None:
    real_dir = tmp_path / "real"
    real_dir.mkdir()
    real = make_log(real_dir)
    link = tmp_path / "link.md"
    link.symlink_to(Path("real") / "STUDY_LOG.md")  # relative, as users usually make them
    with editing(link) as snap:
        assert snap.path == link
        assert snap.target == real.resolve()
        assert write_back(snap, NEW)
    assert link.is_symlink()
    assert os.readlink(link) == os.path.join("real", "STUDY_LOG.md")
    assert real.read_bytes() == NEW
    assert temp_leftovers(tmp_path) == [] and temp_leftovers(real_dir) == []


def test_unchanged_bytes_write_nothing(tmp_path: Path) -> None:
    path = make_log(tmp_path)
    old_ns = 1_600_000_000_123_456_789
    os.utime(path, ns=(old_ns, old_ns))
    inode = path.stat().st_ino
    with editing(path) as snap:
        assert write_back(snap, ORIGINAL) is False
    st = path.stat()
    assert st.st_mtime_ns == old_ns
    assert st.st_ino == inode
    assert temp_leftovers(tmp_path) == []


def test_owner_is_kept_when_root(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("only root can give a file to another user")
    path = make_log(tmp_path)
    os.chown(path, 65534, 65534)
    with editing(path) as snap:
        write_back(snap, NEW)
    st = path.stat()
    assert (st.st_uid, st.st_gid) == (65534, 65534)


# --- real write failures -------------------------------------------------------------------


def test_full_disk_leaves_original_and_no_temp(tmpfs: Path) -> None:
    path = make_log(tmpfs)
    payload = ORIGINAL + b"x" * (256 * 1024)  # four times the size of the file system
    with editing(path) as snap, pytest.raises(WriteError) as info:
        write_back(snap, payload)
    message = str(info.value)
    assert message == f"could not write {path}: no space left on device; the file is untouched"
    assert "\n" not in message
    assert path.read_bytes() == ORIGINAL
    assert temp_leftovers(tmpfs) == []


def test_full_disk_in_place_leaves_original(tmpfs: Path) -> None:
    path = make_log(tmpfs)
    other = tmpfs / "other-name.md"
    os.link(path, other)
    with editing(path) as snap, pytest.raises(WriteError, match="no space left on device"):
        write_back(snap, ORIGINAL + b"x" * (256 * 1024), in_place=True)
    assert path.read_bytes() == ORIGINAL
    assert other.read_bytes() == ORIGINAL
    assert path.stat().st_size == len(ORIGINAL)
    assert temp_leftovers(tmpfs) == []


def test_read_only_file_system(tmpfs: Path) -> None:
    path = make_log(tmpfs)
    done = _run("mount", "-o", "remount,ro", str(tmpfs))
    if done.returncode != 0:
        pytest.skip(f"cannot remount the tmpfs read-only: {done.stderr.strip()}")
    with editing(path) as snap:
        with pytest.raises(WriteError) as info:
            write_back(snap, NEW)
        assert str(info.value) == (
            f"could not write {path}: read-only file system; the file is untouched"
        )
        with pytest.raises(WriteError, match="read-only file system"):
            write_back(snap, NEW, in_place=True)
    assert path.read_bytes() == ORIGINAL
    assert temp_leftovers(tmpfs) == []


def test_read_only_file_is_refused(tmp_path: Path) -> None:
    path = make_log(tmp_path)
    os.chmod(path, 0o444)
    with editing(path) as snap:
        for in_place in (False, True):
            with pytest.raises(WriteError) as info:
                write_back(snap, NEW, in_place=in_place)
            assert not isinstance(info.value, FileChangedError)
            assert str(info.value) == (
                f"{path} is read-only; make it writable (chmod u+w) to edit it"
            )
    assert path.read_bytes() == ORIGINAL
    assert temp_leftovers(tmp_path) == []


def test_read_only_folder_is_refused_even_for_root(tmp_path: Path) -> None:
    # Documented decision: a folder with no write bit at all refuses the atomic replace for
    # everyone, root included (root would otherwise succeed), so a root run and a user run
    # agree. --in-place does not need the folder and still works.
    folder = tmp_path / "locked"
    folder.mkdir()
    path = make_log(folder)
    os.chmod(folder, 0o555)
    try:
        with editing(path) as snap:
            with pytest.raises(WriteError, match=r"folder .* is read-only.*--in-place"):
                write_back(snap, NEW)
            assert path.read_bytes() == ORIGINAL
            assert write_back(snap, NEW, in_place=True) is True
        assert path.read_bytes() == NEW
        assert temp_leftovers(folder) == []
    finally:
        os.chmod(folder, 0o755)


def test_file_size_limit_is_a_write_error(tmp_path: Path) -> None:
    # RLIMIT_FSIZE makes write(2) fail with EFBIG: one more real failure in the middle of
    # writing the temp file. Python ignores SIGXFSZ, so the error surfaces as OSError.
    path = make_log(tmp_path)
    code = f"""
        import resource, sys
        from studylog_md.errors import WriteError
        from studylog_md.safe_write import editing, write_back
        with editing({str(path)!r}) as snap:
            resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, resource.RLIM_INFINITY))
            try:
                write_back(snap, snap.data + b"y" * (1024 * 1024))
            except WriteError as exc:
                print(exc)
                sys.exit(2)
        print("written")
    """
    done = run_child(code)
    assert done.returncode == 2, done.stderr
    assert done.stdout.strip() == f"could not write {path}: file too large; the file is untouched"
    assert path.read_bytes() == ORIGINAL
    assert temp_leftovers(tmp_path) == []


# --- stale snapshots -----------------------------------------------------------------------


def test_changed_between_read_and_write(tmp_path: Path) -> None:
    path = make_log(tmp_path)
    theirs = ORIGINAL + b"| Their edit | \xe2\x9c\x85 |\n"
    with editing(path) as snap:
        path.write_bytes(theirs)  # another editor saves meanwhile (the lock is advisory)
        with pytest.raises(FileChangedError, match="changed on disk since it was read"):
            write_back(snap, NEW)
    assert path.read_bytes() == theirs
    assert temp_leftovers(tmp_path) == []


def test_same_size_same_mtime_change_is_caught_by_the_hash(tmp_path: Path) -> None:
    path = make_log(tmp_path)
    with editing(path) as snap:
        theirs = ORIGINAL.replace(b"Book", b"BOOK")
        assert len(theirs) == len(ORIGINAL)
        path.write_bytes(theirs)
        os.utime(path, ns=(snap.mtime_ns, snap.mtime_ns))  # as a coarse-clock file system would
        assert path.stat().st_size == snap.size
        with pytest.raises(FileChangedError):
            write_back(snap, NEW)
    assert path.read_bytes() == theirs


def test_deleted_between_read_and_write(tmp_path: Path) -> None:
    path = make_log(tmp_path)
    with editing(path) as snap:
        path.unlink()
        with pytest.raises(FileChangedError, match="deleted or moved"):
            write_back(snap, NEW)
        with pytest.raises(FileChangedError):
            write_back(snap, NEW, in_place=True)
    assert not path.exists()  # not resurrected
    assert temp_leftovers(tmp_path) == []


def test_replaced_between_read_and_write(tmp_path: Path) -> None:
    path = make_log(tmp_path)
    theirs = b"# Replaced by another tool\n"
    with editing(path) as snap:
        other = make_log(tmp_path, theirs, name="incoming.md")
        os.replace(other, path)
        with pytest.raises(FileChangedError):
            write_back(snap, NEW)
        with pytest.raises(FileChangedError):
            write_back(snap, NEW, in_place=True)
    assert path.read_bytes() == theirs


def test_symlink_pointed_elsewhere_between_read_and_write(tmp_path: Path) -> None:
    first = make_log(tmp_path, name="a.md")
    second = make_log(tmp_path, name="b.md")
    link = tmp_path / "log.md"
    link.symlink_to("a.md")
    snap = read_file(link)
    link.unlink()
    link.symlink_to("b.md")
    with pytest.raises(FileChangedError, match="different file"):
        write_back(snap, NEW)
    assert first.read_bytes() == ORIGINAL and second.read_bytes() == ORIGINAL


# --- hard links ----------------------------------------------------------------------------


def test_hard_link_needs_in_place(tmp_path: Path) -> None:
    path = make_log(tmp_path)
    other = tmp_path / "same-file.md"
    os.link(path, other)
    with editing(path) as snap:
        assert snap.nlink == 2
        with pytest.raises(WriteError, match=r"2 hard links.*--in-place") as info:
            write_back(snap, NEW)
        assert "\n" not in str(info.value)
        assert path.read_bytes() == ORIGINAL
        assert write_back(snap, NEW, in_place=True) is True
    assert path.read_bytes() == NEW
    assert other.read_bytes() == NEW
    assert path.stat().st_ino == other.stat().st_ino
    assert path.stat().st_nlink == 2
    assert temp_leftovers(tmp_path) == []


def test_in_place_shrinking_truncates(tmp_path: Path) -> None:
    path = make_log(tmp_path, NEW)
    os.link(path, tmp_path / "twin.md")
    with editing(path) as snap:
        assert write_back(snap, ORIGINAL, in_place=True)
    assert path.read_bytes() == ORIGINAL
    assert (tmp_path / "twin.md").read_bytes() == ORIGINAL


# --- what read_file refuses ----------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.md"
    with pytest.raises(InputError) as info:
        read_file(missing)
    assert str(info.value) == f"{missing}: no such file; check the path"
    with pytest.raises(InputError, match="no such file"), editing(missing):
        pass  # pragma: no cover - never reached


def test_dangling_symlink(tmp_path: Path) -> None:
    link = tmp_path / "log.md"
    link.symlink_to("gone.md")
    with pytest.raises(InputError, match=r"symbolic link to .*gone\.md, which does not exist"):
        read_file(link)


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a folder, not a file") as info:
        read_file(tmp_path)
    assert "README.md" in str(info.value)


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    # Opening a FIFO for reading with no writer blocks forever; reaching the assertions at
    # all proves it was never opened that way.
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match=r"named pipe \(FIFO\), not a regular file"):
        read_file(fifo)
    with pytest.raises(InputError, match="named pipe"), editing(fifo):
        pass  # pragma: no cover - never reached


def test_socket_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.md"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.bind(str(path))
        with pytest.raises(InputError, match="is a socket, not a regular file"):
            read_file(path)


def test_char_device_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="/dev/null is a character device"):
        read_file("/dev/null")
    link = tmp_path / "null.md"
    link.symlink_to("/dev/null")
    with pytest.raises(InputError, match="character device"), editing(link):
        pass  # pragma: no cover - never reached


def test_too_big(tmp_path: Path) -> None:
    path = make_log(tmp_path)
    with pytest.raises(InputError, match="--max-bytes") as info:
        read_file(path, max_bytes=10)
    assert f"is {len(ORIGINAL):,} bytes, over the limit of 10 bytes" in str(info.value)
    with pytest.raises(InputError, match="--max-bytes"), editing(path, max_bytes=10):
        pass  # pragma: no cover - never reached
    assert read_file(path, max_bytes=len(ORIGINAL)).data == ORIGINAL


def test_default_limit(tmp_path: Path) -> None:
    sparse = tmp_path / "huge.md"
    with open(sparse, "wb") as handle:
        handle.truncate(DEFAULT_MAX_BYTES + 1)  # sparse: costs no disk space
    with pytest.raises(InputError, match=r"16,777,217 bytes.*--max-bytes"):
        read_file(sparse)


@pytest.fixture
def shared() -> Iterator[Path]:
    """A 0777 folder outside pytest's 0700 tree, so that user ``nobody`` can reach it."""
    folder = Path(tempfile.mkdtemp(prefix="studylog-safe-write-", dir="/tmp"))
    os.chmod(folder, 0o777)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_unprivileged_user(shared: Path) -> None:
    """Permission errors as a normal user sees them (a child drops root first)."""
    if os.geteuid() != 0:
        pytest.skip("needs root to switch to an unprivileged user")
    secret = make_log(shared, name="secret.md")
    os.chmod(secret, 0o600)  # root's, unreadable for nobody
    not_mine = make_log(shared, name="not-mine.md")
    os.chmod(not_mine, 0o644)  # readable, not writable for nobody (folder is 0777)
    mine_dir = shared / "roots-folder"
    mine_dir.mkdir(mode=0o755)
    mine = make_log(mine_dir, name="mine.md")
    os.chown(mine, 65534, 65534)  # nobody's file in root's folder: no temp file possible
    code = f"""
        import json, os
        from studylog_md.errors import StudylogError
        from studylog_md.safe_write import editing, read_file, write_back
        os.setgid(65534)
        os.setuid(65534)
        out = {{}}
        for name, path in [("secret", {str(secret)!r}), ("not_mine", {str(not_mine)!r}),
                           ("mine", {str(mine)!r})]:
            try:
                with editing(path) as snap:
                    write_back(snap, snap.data + b"more\\n")
                out[name] = "written"
            except StudylogError as exc:
                out[name] = type(exc).__name__ + ": " + str(exc)
        print(json.dumps(out))
    """
    done = run_child(code)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["secret"] == (
        f"InputError: cannot read {secret}: permission denied; check the permissions of the "
        "file and its folders"
    )
    assert result["not_mine"].startswith(f"WriteError: {not_mine} is not writable by you")
    assert result["mine"] == (
        f"WriteError: could not write {mine}: permission denied; the file is untouched "
        "(replacing it safely needs a writable folder; --in-place does not)"
    )
    assert not_mine.read_bytes() == ORIGINAL and mine.read_bytes() == ORIGINAL
    assert temp_leftovers(shared) == [] and temp_leftovers(mine_dir) == []


# --- the lock ------------------------------------------------------------------------------


def test_lock_times_out_while_another_process_edits(tmp_path: Path) -> None:
    path = make_log(tmp_path)
    holder = start_child(
        f"""
        import sys
        from studylog_md.safe_write import editing
        with editing({str(path)!r}):
            print("locked", flush=True)
            sys.stdin.readline()
        """
    )
    try:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(WriteError) as info, editing(path, lock_timeout=0.2):
            pass  # pragma: no cover - never reached
        assert str(info.value) == f"another process is editing {path}; try again"
        holder.stdin.write("done\n")
        holder.stdin.flush()
        assert holder.wait(timeout=30) == 0
    finally:
        holder.kill()
        holder.wait()
    with editing(path, lock_timeout=0.2) as snap:  # released: free again
        assert snap.data == ORIGINAL


def test_waiting_editor_follows_a_replaced_file(tmp_path: Path) -> None:
    # A waits on the lock of the inode B is about to replace; when B is done, A must read
    # B's new file, not the unlinked old inode.
    path = make_log(tmp_path)
    seen: list[bytes] = []
    errors: list[BaseException] = []

    def waiter() -> None:
        try:
            with editing(path) as snap:
                seen.append(snap.data)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    with editing(path) as snap:
        thread = threading.Thread(target=waiter)
        thread.start()
        # Wait (bounded) until the waiter has opened the old inode, i.e. is polling its lock.
        for _ in range(1000):
            if open_descriptors_on(path) >= 2:
                break
            time.sleep(0.01)
        assert open_descriptors_on(path) >= 2, "the waiter never opened the file"
        assert write_back(snap, NEW)
    thread.join(timeout=30)
    assert not thread.is_alive() and errors == []
    assert seen == [NEW]


def open_descriptors_on(path: Path) -> int:
    """How many of this process's descriptors are open on the file now at ``path``."""
    inode = path.stat().st_ino
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.stat(f"/proc/self/fd/{fd}").st_ino == inode:
                count += 1
        except OSError:
            continue
    return count


APPENDER = """
    import json, sys
    from studylog_md.errors import WriteError
    from studylog_md.safe_write import editing, write_back
    path, tag, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    print("ready", flush=True)
    sys.stdin.readline()
    ok, failed = [], []
    for i in range(rounds):
        line = f"{tag}-{i}"
        try:
            with editing(path) as snap:
                write_back(snap, snap.data + line.encode() + b"\\n")
            ok.append(line)
        except WriteError as exc:
            failed.append(str(exc))
    print(json.dumps({"ok": ok, "failed": failed}))
"""


def test_two_processes_never_lose_an_update(tmp_path: Path) -> None:
    path = make_log(tmp_path, b"# log\n")
    script = tmp_path / "append.py"
    script.write_text(textwrap.dedent(APPENDER))
    reported_ok: list[str] = []
    for round_ in range(3):
        children = [
            subprocess.Popen(
                [sys.executable, str(script), str(path), f"r{round_}{tag}", "15"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for tag in "AB"
        ]
        for child in children:  # both imported and waiting: start them at the same moment
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "ready"
        for child in children:
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
        for child in children:
            stdout, stderr = child.communicate(timeout=60)
            assert child.returncode == 0, stderr
            result = json.loads(stdout)
            reported_ok += result["ok"]
            for message in result["failed"]:  # a loser may only fail loudly
                assert "another process is editing" in message
    lines = path.read_bytes().decode().splitlines()
    assert lines[0] == "# log"
    # Every append that reported success is there exactly once, and nothing else is.
    assert sorted(lines[1:]) == sorted(reported_ok)
    assert len(reported_ok) == 3 * 2 * 15  # with a 10 s lock timeout no one should lose
    assert temp_leftovers(tmp_path) == []


# --- Ctrl-C --------------------------------------------------------------------------------

INTERRUPTER = """
    import resource, signal, sys
    from studylog_md.safe_write import editing, write_back
    path, how = sys.argv[1], sys.argv[2]

    def on_file_too_big(signum, frame):
        raise KeyboardInterrupt

    # The kernel sends SIGXFSZ from inside write(2)/fallocate(2) when a write reaches the
    # file size limit: a Ctrl-C that lands in the middle of the write, every time.
    signal.signal(signal.SIGXFSZ, on_file_too_big)
    with editing(path) as snap:
        if how == "overwrite":  # same length: no fallocate, the in-place write itself is cut
            new = snap.data.replace(b"a", b"b")
        else:
            new = snap.data + b"z" * (4 * 1024 * 1024)
        resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, resource.RLIM_INFINITY))
        try:
            write_back(snap, new, in_place=how != "atomic")
        except KeyboardInterrupt:
            print("interrupted")
            sys.exit(130)
    print("not interrupted")
"""


@pytest.mark.parametrize("how", ["atomic", "grow", "overwrite"])
def test_ctrl_c_during_write_leaves_original_and_no_temp(tmp_path: Path, how: str) -> None:
    # atomic: cut while writing the temp file, which must be removed.
    # grow (in place): cut while reserving space, before any byte of the file changed.
    # overwrite (in place): cut after the first 256 KiB of the file were overwritten, which
    # must be put back.
    original = ORIGINAL + b"a" * (512 * 1024) if how == "overwrite" else ORIGINAL
    path = make_log(tmp_path, original)
    if how != "atomic":
        os.link(path, tmp_path / "twin.md")
    script = tmp_path / "interrupt.py"
    script.write_text(textwrap.dedent(INTERRUPTER))
    done = subprocess.run(
        [sys.executable, str(script), str(path), how],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout.strip()) == (130, "interrupted"), done.stderr
    assert path.read_bytes() == original
    assert temp_leftovers(tmp_path) == []


# --- helpers -------------------------------------------------------------------------------


def run_child(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def start_child(code: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )

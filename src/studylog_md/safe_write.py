"""Reading a file for an edit, and writing it back without ever losing it.

Guarantees (see ``docs/safe-writes.md`` for the user-facing version):

* A write is all or nothing: the new bytes go to a temporary file in the target's own folder,
  are flushed to disk, and replace the original in one ``os.replace``. Any failure on the way
  (disk full, read-only file system, permission denied, Ctrl-C) leaves the original untouched
  and no temporary file behind.
* A write never overwrites someone else's change: the file on disk must still be the one that
  was read (same inode, size, mtime and SHA-256), otherwise :class:`FileChangedError`.
* Two studylog-md processes editing the same file are serialised by an advisory ``flock`` on
  the file itself, held for the whole read-modify-write (:func:`editing`).

Only regular files are ever opened: FIFOs, sockets and devices are refused after ``stat`` and
before ``open`` (which could block forever on a FIFO), and every open uses ``O_NONBLOCK`` plus
an ``fstat`` of the descriptor in case the path was swapped in between.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from .errors import FileChangedError, InputError, WriteError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Snapshot",
    "editing",
    "read_file",
    "write_back",
    "write_file",
]

DEFAULT_MAX_BYTES = 16 * 1024 * 1024

# Writes and reads go in 1 MiB pieces: small enough that Ctrl-C is noticed promptly during a
# big write, large enough that a 16 MiB file needs only a handful of system calls.
_CHUNK = 1024 * 1024
_TEMP_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
_RESTORE_PIECE = 64 * 1024
_LOCK_POLL_SECONDS = 0.05
_OPEN_READ = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | getattr(os, "O_NOCTTY", 0)

# Friendlier, stable wording for the failures users actually meet; anything else falls back to
# the C library's text.
_REASONS = {
    errno.ENOSPC: "no space left on device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "read-only file system",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EFBIG: "file too large",
    errno.EIO: "input/output error",
    errno.ENOENT: "no such file or folder",
    errno.ELOOP: "too many levels of symbolic links",
    errno.ENOTDIR: "a part of the path is not a folder",
}

_KIND = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


class Snapshot(NamedTuple):
    """A file's bytes and the identity of the file they were read from.

    ``path`` is the path as the user gave it; ``target`` is the real file behind it (symbolic
    links resolved), which is what :func:`write_back` replaces. ``mode`` holds the permission
    bits only (``stat.S_IMODE``).
    """

    path: Path
    target: Path
    data: bytes
    size: int
    mtime_ns: int
    inode: int
    device: int
    mode: int
    nlink: int

    @property
    def sha256(self) -> str:
        """The hex SHA-256 of ``data`` (computed when asked: the stale check compares bytes)."""
        import hashlib

        return hashlib.sha256(self.data).hexdigest()


def read_file(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> Snapshot:
    """Read a regular file for a read-only command.

    Raises :class:`InputError` with a one-line, actionable message when the path is missing,
    a folder, a FIFO, a socket or a device, is unreadable, or is larger than ``max_bytes``.
    """
    shown = os.fspath(path)
    target = _resolve(path)
    fd = _open_regular(shown, target, max_bytes)
    try:
        return _snapshot(fd, Path(path), target, shown, max_bytes)
    finally:
        os.close(fd)


@contextmanager
def editing(
    path: str | os.PathLike[str],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    lock_timeout: float = 10.0,
) -> Iterator[Snapshot]:
    """Lock the file for editing and yield its :class:`Snapshot`.

    The lock is an advisory ``flock(LOCK_EX)`` on the real file itself (no lock file beside
    it), held until the ``with`` block ends, so a :func:`write_back` inside the block is
    serialised against every other studylog-md process. Raises :class:`WriteError` when
    another process holds the lock for longer than ``lock_timeout`` seconds.
    """
    shown = os.fspath(path)
    _refuse_special(shown)
    deadline = time.monotonic() + max(lock_timeout, 0.0)
    while True:
        target = _resolve(path)
        fd = _open_regular(shown, target, max_bytes)
        try:
            _lock(fd, shown, deadline)
            if _still_names(target, fd) and _resolve(path) == target:
                break
            # Another writer replaced the file (os.replace) while we waited: the inode we
            # locked is no longer the file. Start again on the one that is there now.
            if time.monotonic() >= deadline:
                raise WriteError(f"another process is editing {shown}; try again", shown)
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # closing the descriptor releases its lock
    try:
        snapshot = _snapshot(fd, Path(path), target, shown, max_bytes)
        yield snapshot
    finally:
        os.close(fd)


def write_back(snapshot: Snapshot, new_data: bytes, *, in_place: bool = False) -> bool:
    """Write ``new_data`` to the file ``snapshot`` was read from; True when it was written.

    Returns False (and touches nothing) when ``new_data`` equals what was read. Raises
    :class:`FileChangedError` when the file changed or vanished since it was read, and
    :class:`WriteError` when the file is read-only, has several hard links (unless
    ``in_place``), sits in a read-only folder, or the write fails; in every case the original
    file is untouched and no temporary file is left behind.

    With ``in_place=True`` the bytes are written into the existing inode instead of replacing
    it, which keeps hard links intact (space is reserved first, so a full disk is still
    detected before any byte changes).
    """
    if new_data == snapshot.data:
        return False
    shown = os.fspath(snapshot.path)
    current = _check_unchanged(snapshot, shown)
    if stat.S_IMODE(current.st_mode) & 0o222 == 0:
        # Root would be allowed to write anyway; a file without any write bit is the owner
        # saying "do not edit this", so we honour the bits for everyone.
        raise WriteError(f"{shown} is read-only; make it writable (chmod u+w) to edit it", shown)
    if os.geteuid() != 0 and not _writable_by_me(snapshot.target):
        raise WriteError(
            f"{shown} is not writable by you; nothing was written (check its owner and mode)",
            shown,
        )
    if in_place:
        _write_in_place(snapshot, new_data, shown)
        return True
    if current.st_nlink > 1:
        raise WriteError(
            f"{shown} has {current.st_nlink} hard links; replacing it would split them (the "
            "other names would keep the old text), so nothing was written. Use --in-place to "
            "write into the file itself",
            shown,
        )
    folder = snapshot.target.parent
    if stat.S_IMODE(_stat_folder(folder, shown).st_mode) & 0o222 == 0:
        # Same rule as for the file: a folder without any write bit is read-only for everyone,
        # root included, so a root run and a user run give the same answer.
        raise WriteError(
            f"the folder {folder} is read-only, so {shown} cannot be replaced safely; nothing "
            f"was written. Make the folder writable (chmod u+w) or use --in-place",
            shown,
        )
    _replace_atomically(snapshot, new_data, current, shown)
    return True


# --- opening and reading -------------------------------------------------------------------


def _resolve(path: str | os.PathLike[str]) -> Path:
    """The real file behind ``path``; a symlink loop is the user's to fix, not a crash.

    (Python 3.11 raises RuntimeError for a loop, 3.13 OSError.)
    """
    try:
        return Path(path).resolve()
    except (RuntimeError, OSError) as exc:
        raise InputError(
            f"{os.fspath(path)}: symbolic link loop; point the link at a real file", os.fspath(path)
        ) from exc


# Pseudo-file systems: a path through them (/dev/stdin -> /proc/self/fd/0 -> a pipe, or the
# file the shell redirected) is not a file the user meant to edit in place.
_SPECIAL_ROOTS = ("/dev/", "/proc/")


def _refuse_special(shown: str) -> None:
    """Refuse an edit through ``/dev`` or ``/proc`` (``toggle /dev/stdin < log.md``)."""
    hop = os.path.abspath(shown)
    for _ in range(40):
        if hop.startswith(_SPECIAL_ROOTS) or hop in ("/dev", "/proc"):
            try:
                st = os.stat(shown)
            except OSError:
                st = None
            if st is not None and not stat.S_ISREG(st.st_mode):
                # /dev/zero, or /dev/stdin on a pipe: say what it is.
                _check_kind_and_size(st, shown, DEFAULT_MAX_BYTES)
            root = "/" + hop.split("/")[1]
            raise InputError(
                f"{shown} is not a regular file (it leads into {root}: a device, a pipe or "
                "another program's file); give the path of the Markdown file itself",
                shown,
            )
        try:
            parent = os.path.realpath(os.path.dirname(hop))
        except OSError:
            return
        hop = os.path.join(parent, os.path.basename(hop))
        if not os.path.islink(hop):
            if hop.startswith(_SPECIAL_ROOTS):
                continue  # a folder link led there: refused on the next turn
            return
        try:
            hop = os.path.join(parent, os.readlink(hop))
        except OSError:
            return
        hop = os.path.abspath(hop)


def _dangling_target(shown: str) -> str | None:
    """What a dangling symbolic link at ``shown`` points to; None when it is not one."""
    if os.path.islink(shown) and not os.path.exists(shown):
        try:
            return os.readlink(shown)
        except OSError:
            return None
    return None


def _open_regular(shown: str, target: Path, max_bytes: int) -> int:
    """Open ``target`` for reading after checking it is a regular file of acceptable size."""
    try:
        st = os.stat(target)
    except OSError as exc:
        raise _input_error(exc, shown, target) from exc
    _check_kind_and_size(st, shown, max_bytes)
    try:
        fd = os.open(target, _OPEN_READ)
    except OSError as exc:
        raise _input_error(exc, shown, target) from exc
    try:
        # The path may have been swapped for a FIFO or a device between stat and open;
        # O_NONBLOCK kept the open from hanging, fstat tells us what we really got.
        _check_kind_and_size(os.fstat(fd), shown, max_bytes)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _check_kind_and_size(st: os.stat_result, shown: str, max_bytes: int) -> None:
    if not stat.S_ISREG(st.st_mode):
        kind = _KIND.get(stat.S_IFMT(st.st_mode), "not a regular file")
        if stat.S_ISDIR(st.st_mode):
            raise InputError(
                f"{shown} is a folder, not a file; give the path of a Markdown file "
                f"(for example {os.path.join(shown, 'README.md')})",
                shown,
            )
        raise InputError(
            f"{shown} is {kind}, not a regular file; give the path of a Markdown file", shown
        )
    if st.st_size > max_bytes:
        raise _too_big(shown, st.st_size, max_bytes)


def _too_big(shown: str, size: int | None, max_bytes: int) -> InputError:
    # size is None when the file grew past the limit while it was being read.
    what = f"is {size:,} bytes" if size is not None else "grew to more bytes than that"
    return InputError(
        f"{shown} {what}, over the limit of {max_bytes:,} bytes; pass a larger --max-bytes "
        "to read it",
        shown,
    )


def _input_error(exc: OSError, shown: str, target: Path) -> InputError:
    if isinstance(exc, FileNotFoundError):
        if os.path.islink(shown):
            return InputError(
                f"{shown} is a symbolic link to {target}, which does not exist; fix the link",
                shown,
            )
        return InputError(f"{shown}: no such file; check the path", shown)
    if isinstance(exc, PermissionError):
        return InputError(
            f"cannot read {shown}: permission denied; check the permissions of the file and "
            "its folders",
            shown,
        )
    return InputError(f"cannot read {shown}: {_reason(exc)}", shown)


def _snapshot(fd: int, path: Path, target: Path, shown: str, max_bytes: int) -> Snapshot:
    # fstat before reading: if someone writes while we read, the recorded mtime/size are the
    # old ones and write_back will see the change and refuse.
    st = os.fstat(fd)
    try:
        data = _read_all(fd, max_bytes)
    except OSError as exc:
        raise _input_error(exc, shown, target) from exc
    if data is None:
        raise _too_big(shown, None, max_bytes)
    return Snapshot(
        path=path,
        target=target,
        data=data,
        size=st.st_size,
        mtime_ns=st.st_mtime_ns,
        inode=st.st_ino,
        device=st.st_dev,
        mode=stat.S_IMODE(st.st_mode),
        nlink=st.st_nlink,
    )


def _read_all(fd: int, limit: int) -> bytes | None:
    """All bytes from the current offset, or None when there are more than ``limit``."""
    parts: list[bytes] = []
    total = 0
    while True:
        # The file may have grown since stat: read at most one byte past the limit.
        piece = os.read(fd, min(_CHUNK, limit + 1 - total))
        if not piece:
            return b"".join(parts)
        parts.append(piece)
        total += len(piece)
        if total > limit:
            return None


# --- locking -------------------------------------------------------------------------------


def _lock(fd: int, shown: str, deadline: float) -> None:
    """Take ``flock(LOCK_EX)`` on ``fd``, polling until ``deadline``."""
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        except OSError as exc:
            # Some file systems (certain network mounts) do not support flock at all. The
            # stale check in write_back still refuses to overwrite a concurrent change, so
            # going on without the lock is safe; it only loses the queueing.
            if exc.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.EINVAL):
                return
            raise WriteError(f"could not lock {shown}: {_reason(exc)}", shown) from exc
        if time.monotonic() >= deadline:
            raise WriteError(f"another process is editing {shown}; try again", shown)
        time.sleep(_LOCK_POLL_SECONDS)


def _still_names(target: Path, fd: int) -> bool:
    """True when ``target`` is still the file open as ``fd`` (same device and inode)."""
    try:
        on_disk = os.stat(target)
    except OSError:
        return False
    mine = os.fstat(fd)
    return (on_disk.st_ino, on_disk.st_dev) == (mine.st_ino, mine.st_dev)


# --- writing -------------------------------------------------------------------------------


def _check_unchanged(snapshot: Snapshot, shown: str) -> os.stat_result:
    """The file's current stat, after checking it is exactly what ``snapshot`` read."""
    changed = FileChangedError(
        f"{shown} changed on disk since it was read; nothing was written. Run the command again.",
        shown,
    )
    gone = FileChangedError(
        f"{shown} was deleted or moved since it was read; nothing was written", shown
    )
    if _resolve(snapshot.path) != snapshot.target:
        raise FileChangedError(
            f"{shown} now points to a different file than when it was read; nothing was written",
            shown,
        )
    try:
        fd = os.open(snapshot.target, _OPEN_READ)
    except FileNotFoundError as exc:
        raise gone from exc
    except OSError as exc:
        raise WriteError(
            f"could not write {shown}: {_reason(exc)}; the file is untouched", shown
        ) from exc
    try:
        st = os.fstat(fd)
        if (
            not stat.S_ISREG(st.st_mode)
            or (st.st_ino, st.st_dev) != (snapshot.inode, snapshot.device)
            or st.st_size != snapshot.size
            or st.st_mtime_ns != snapshot.mtime_ns
        ):
            raise changed
        # Same size and mtime can still hide a change on file systems with coarse
        # timestamps, so compare the content too.
        data = _read_all(fd, snapshot.size)
        if data is None or data != snapshot.data:
            raise changed
    except OSError as exc:
        raise WriteError(
            f"could not write {shown}: {_reason(exc)}; the file is untouched", shown
        ) from exc
    finally:
        os.close(fd)
    return st


def _replace_atomically(
    snapshot: Snapshot, new_data: bytes, current: os.stat_result, shown: str
) -> None:
    """Temp file in the same folder, fsync, same mode/owner, re-check, ``os.replace``."""
    _commit(snapshot.target, new_data, current, shown, check=snapshot)


def _commit(
    target: Path,
    new_data: bytes,
    current: os.stat_result | None,
    shown: str,
    *,
    check: Snapshot | None,
) -> None:
    """The one atomic write: temp file beside ``target``, fsync, mode, rename, fsync folder.

    ``current`` is the stat of the file being replaced (its mode and owner are copied), or
    None for a new file: then the temp file is created with ``0666`` and the kernel applies
    the umask, and it is *linked* into place, which fails rather than overwrite a file that
    appeared meanwhile. ``check`` is the snapshot to compare the file with just before the
    rename (edits); None for generated files.
    """
    temp: str | None = None
    replaced = False
    try:
        # What tempfile.mkstemp does (O_EXCL, mode 0600), but with the name stored in
        # ``temp`` *before* the file exists: mkstemp only hands the name back once it
        # returns, so a Ctrl-C in between would leave a temp file nobody knows about.
        fd = -1
        for _ in range(100):
            temp = _temp_name(target)
            try:
                fd = os.open(temp, _TEMP_FLAGS, 0o600 if current is not None else 0o666)
                break
            except FileExistsError:
                temp = None  # somebody else's file: never ours to delete
        if temp is None:
            raise FileExistsError(errno.EEXIST, "no unused temporary file name", str(target))
        try:
            _write_all(fd, new_data)
            os.fsync(fd)
            if current is not None:
                _copy_owner(fd, current)
                # The mode currently on disk (not the one at read time) so that a chmod made
                # meanwhile, which does not change mtime, is kept too. chmod after chown:
                # chown clears the set-user-ID bit.
                os.fchmod(fd, stat.S_IMODE(current.st_mode))
        finally:
            os.close(fd)
        # Writing and syncing the temporary file takes milliseconds, and a program that does
        # not take our lock (an editor, `echo >> log.md`) may have changed the file meanwhile:
        # look again, as late as possible. What remains is the time between this check and
        # the rename (microseconds; see docs/safe-writes.md).
        if check is not None:
            _check_unchanged(check, shown)
        if current is None:
            _link_new(temp, target, shown)
        else:
            os.replace(temp, target)
        replaced = True
    except BaseException as exc:
        # No function call may come before the protected loop: CPython runs a pending
        # signal handler (Ctrl-C) at calls and loop jumps, and a KeyboardInterrupt raised
        # here before the unlink would leave the temp file behind.
        interrupted = False
        while temp is not None and not replaced:
            try:
                os.unlink(temp)
            except KeyboardInterrupt:
                interrupted = True  # unlink is idempotent: try again, re-raise below
                continue
            except OSError:
                pass  # already gone (or never created)
            break
        if interrupted and not isinstance(exc, KeyboardInterrupt):
            raise KeyboardInterrupt from exc
        if isinstance(exc, OSError):
            raise _write_error(exc, shown) from exc
        raise
    if current is None:
        # The new name is in place; the temporary one goes (a leftover is only a second
        # name for the same bytes, so failing here is not worth an error).
        while True:
            try:
                os.unlink(temp)
            except KeyboardInterrupt:
                continue
            except OSError:
                pass
            break
    _fsync_folder(target.parent)


def _link_new(temp: str, target: Path, shown: str) -> None:
    """Give the finished temp file its real name, never overwriting a file that appeared."""
    try:
        os.link(temp, target)
    except FileExistsError as exc:
        raise FileChangedError(
            f"{shown} was created by someone else meanwhile; nothing was written", shown
        ) from exc
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS):
            raise
        # A file system without hard links (FAT, some FUSE mounts): a rename after a last
        # look is the best it allows.
        if os.path.lexists(target):
            raise FileChangedError(
                f"{shown} was created by someone else meanwhile; nothing was written", shown
            ) from exc
        os.rename(temp, target)


def write_file(path: str | os.PathLike[str], data: bytes, *, create: bool = False) -> None:
    """Write a whole generated file (a chart, a badge, a new log) atomically.

    The bytes go to a temporary file beside the target, are synced, and then take its place
    in one step, so a reader sees the old file or the new one, never half of one. An existing
    file is replaced and keeps its mode (and, for root, its owner); a symbolic link stays a
    link and its target is replaced. A new file gets ``0666`` less the umask, applied by the
    kernel when the temporary file is created (reading the umask would mean setting it,
    which races with every other thread of the process).

    With ``create=True`` the file must not exist: one that appears meanwhile is never
    overwritten (:class:`FileChangedError`). A dangling symbolic link is refused rather than
    replaced by a regular file. Every failure is a :class:`WriteError` naming the path;
    nothing is left behind.
    """
    shown = os.fspath(path)
    _refuse_special(shown)
    link_target = _dangling_target(shown)
    if link_target is not None:
        raise WriteError(
            f"{shown} is a symbolic link to {link_target}, which does not exist; nothing was "
            "written. Create the file it points to, or remove the link, then write again",
            shown,
        )
    target = _resolve(path)
    try:
        current: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        current = None
    except OSError as exc:
        raise _write_error(exc, shown) from exc
    if current is not None:
        if create:
            raise FileChangedError(f"{shown} already exists; nothing was written", shown)
        if not stat.S_ISREG(current.st_mode):
            kind = _KIND.get(stat.S_IFMT(current.st_mode), "not a regular file")
            raise WriteError(f"could not write {shown}: it is {kind}; give a file name", shown)
    try:
        folder = os.stat(target.parent)
    except OSError as exc:
        if isinstance(exc, FileNotFoundError):
            raise WriteError(
                f"could not write {shown}: the folder {target.parent} does not exist; "
                "create it first",
                shown,
            ) from exc
        raise _write_error(exc, shown) from exc
    if not stat.S_ISDIR(folder.st_mode):
        raise WriteError(f"could not write {shown}: {target.parent} is not a folder", shown)
    _commit(target, data, current, shown, check=None)


def _temp_name(target: Path) -> str:
    """``.NAME.<random>.tmp`` beside ``target``: hidden, and easy to recognise if ever left."""
    return os.path.join(os.fspath(target.parent), f".{target.name}.{os.urandom(6).hex()}.tmp")


def _write_in_place(snapshot: Snapshot, new_data: bytes, shown: str) -> None:
    """Overwrite the existing inode; on any failure put the original bytes back."""
    old = snapshot.data
    try:
        # Read-write, so that a failed write can be checked and undone (see _restore).
        fd = os.open(snapshot.target, os.O_RDWR | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise _write_error(exc, shown) from exc
    touched = False
    try:
        st = os.fstat(fd)
        if (st.st_ino, st.st_dev) != (snapshot.inode, snapshot.device):
            raise FileChangedError(
                f"{shown} changed on disk since it was read; nothing was written. "
                "Run the command again.",
                shown,
            )
        touched = True
        if len(new_data) > len(old):
            # Reserve the extra space first, so that a full disk or a quota is reported
            # before a single byte of the original has been overwritten.
            os.posix_fallocate(fd, len(old), len(new_data) - len(old))
        _write_all(fd, new_data, offset=0)
        os.ftruncate(fd, len(new_data))
        os.fsync(fd)
    except BaseException as exc:
        # As in _replace_atomically: no call before the protected loop.
        restored = True
        interrupted = False
        while touched:
            try:
                restored = _restore(fd, old)  # idempotent, so an interrupted try is redone
            except KeyboardInterrupt:
                interrupted = True
                continue
            break
        if not restored:
            raise WriteError(
                f"could not write {shown}: {_describe(exc)}, and putting the original bytes "
                "back also failed; the file may be damaged, restore it from version control",
                shown,
            ) from exc
        if interrupted and not isinstance(exc, KeyboardInterrupt):
            raise KeyboardInterrupt from exc
        if isinstance(exc, OSError):
            raise _write_error(exc, shown) from exc
        raise
    finally:
        os.close(fd)


def _restore(fd: int, old: bytes) -> bool:
    """Make the file's bytes ``old`` again; True when that worked.

    Only the pieces that differ from ``old`` are rewritten: a failed write usually got part
    of the way, and rewriting just that part is both less work and less likely to hit the same
    failure again (the bytes after it were never touched).
    """
    try:
        for start in range(0, len(old), _RESTORE_PIECE):
            want = old[start : start + _RESTORE_PIECE]
            if os.pread(fd, len(want), start) != want:
                _write_all(fd, want, offset=start)
        os.ftruncate(fd, len(old))
        os.fsync(fd)
    except OSError:
        return False
    return True


def _write_all(fd: int, data: bytes, offset: int | None = None) -> None:
    view = memoryview(data)
    done = 0
    while done < len(view):
        piece = view[done : done + _CHUNK]
        if offset is None:
            done += os.write(fd, piece)
        else:
            done += os.pwrite(fd, piece, offset + done)


def _copy_owner(fd: int, current: os.stat_result) -> None:
    """Give the temp file the original's owner and group, best effort."""
    try:
        if os.geteuid() == 0:
            os.fchown(fd, current.st_uid, current.st_gid)
        elif os.fstat(fd).st_gid != current.st_gid:
            # A normal user may still set the group to one they belong to.
            os.fchown(fd, -1, current.st_gid)
    except OSError:
        pass


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable; some file systems cannot fsync a folder, which is fine."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _stat_folder(folder: Path, shown: str) -> os.stat_result:
    try:
        return os.stat(folder)
    except OSError as exc:
        raise _write_error(exc, shown) from exc


def _writable_by_me(target: Path) -> bool:
    if os.access in os.supports_effective_ids:
        return os.access(target, os.W_OK, effective_ids=True)
    return os.access(target, os.W_OK)


def _write_error(exc: OSError, shown: str) -> WriteError:
    message = f"could not write {shown}: {_reason(exc)}; the file is untouched"
    if exc.errno in (errno.EACCES, errno.EPERM):
        message += " (replacing it safely needs a writable folder; --in-place does not)"
    return WriteError(message, shown)


def _describe(exc: BaseException) -> str:
    return _reason(exc) if isinstance(exc, OSError) else "interrupted"


def _reason(exc: OSError) -> str:
    if exc.errno in _REASONS:
        return _REASONS[exc.errno]
    text = exc.strerror or (os.strerror(exc.errno) if exc.errno else str(exc))
    return text[:1].lower() + text[1:]

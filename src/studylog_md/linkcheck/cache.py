"""The verdict cache: an SQLite file that remembers settled verdicts between runs.

Only verdicts that will not change in a minute are stored: ``ok``, ``redirected`` and
``dead`` from a 404 or 410. Timeouts, refusals, 5xx, 429... are never stored, so they are
checked again next time. Neither request headers nor tokens are stored; URLs are stored with
their credentials redacted.

The path comes from configuration, and a repository under review can name any file. So the
cache only ever writes to a file it made: a new file is built under a temporary name, marked
with our own ``application_id`` and moved into place with ``link`` (never over an existing
file); an existing file is read first, without locks or side files, and is used only when it
carries the mark and exactly our table. Anything else is refused before a single write
(:class:`CacheRefused`).

The cache is optional: a file that cannot be opened or written (a read-only folder, a full
disk, a lock held for too long) raises :class:`CacheUnavailable`, and the checker runs
without it. WAL mode and a busy timeout make the file safe for several processes at once
(pre-commit runs hooks in parallel; a CI matrix may share a cache directory); a write that
cannot get the lock in time is dropped, not reported.
"""

from __future__ import annotations

import contextlib
import math
import os
import sqlite3
import stat
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .options import VERDICTS, LinkCheckConfigError, LinkResult
from .targets import redact

# "SLMD" (0x534c4d44): SQLite's application_id, the mark of a file this module made.
APPLICATION_ID = 0x534C4D44
SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 5000
# Entries older than this are deleted when a cache is opened, whatever max_cache_age asks.
PRUNE_AFTER = 30 * 86400.0
# Below this much free space the cache is not opened: SQLite would leave a -shm file behind
# when it cannot fill it, and a cache is not worth the last megabyte of a disk.
MIN_FREE_BYTES = 1 << 20
# Rows stamped later than this many seconds from now are pruned on open (get() never
# trusts any row from the future).
FUTURE_SLACK = 60.0
# SQLite's primary result code for "database is locked" (sqlite3.SQLITE_BUSY, which the
# type stubs this project checks against do not list).
_SQLITE_BUSY = 5
# The database header (https://www.sqlite.org/fileformat.html#the_database_header).
_MAGIC = b"SQLite format 3\x00"
_HEADER_SIZE = 100
_USER_VERSION_AT = 60
_APPLICATION_ID_AT = 68

_SCHEMA = """
CREATE TABLE results (
    url TEXT NOT NULL,
    context TEXT NOT NULL,
    verdict TEXT NOT NULL,
    status INTEGER,
    detail TEXT NOT NULL,
    final_url TEXT,
    checked_at REAL NOT NULL,
    PRIMARY KEY (url, context)
) WITHOUT ROWID
"""
# PRAGMA table_info of _SCHEMA: (name, type, notnull, pk) per column.
_COLUMNS = [
    ("url", "TEXT", 1, 1),
    ("context", "TEXT", 1, 2),
    ("verdict", "TEXT", 1, 0),
    ("status", "INTEGER", 0, 0),
    ("detail", "TEXT", 1, 0),
    ("final_url", "TEXT", 0, 0),
    ("checked_at", "REAL", 1, 0),
]


class CacheRefused(LinkCheckConfigError):
    """The cache path names a file studylog-md did not make: it is left exactly as it is."""


class CacheUnavailable(Exception):
    """The cache cannot be opened or written now (read-only folder, full disk, locked)."""


def is_settled(result: LinkResult) -> bool:
    """Whether a verdict may be cached: it will not change without the page changing."""
    if result.verdict in ("ok", "redirected"):
        return True
    return result.verdict == "dead" and result.status in (404, 410)


def _enable_wal(db: sqlite3.Connection) -> None:
    """Switch ``db`` to WAL mode, waiting for other connections as the busy timeout would.

    SQLite answers ``PRAGMA journal_mode = WAL`` with SQLITE_BUSY at once, without calling
    the busy handler, while another connection is switching the same file (four threads
    opening one fresh cache failed about one time in ten here). So the wait is ours.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    delay = 0.001
    while True:
        try:
            db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            # Extended codes (SQLITE_BUSY_RECOVERY...) carry the primary code in the low byte.
            if getattr(exc, "sqlite_errorcode", 0) & 0xFF != _SQLITE_BUSY:
                raise
            if time.monotonic() + delay > deadline:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 0.05)


def _not_ours(path: Path, why: str) -> CacheRefused:
    # Never "delete it": the file may be anything of the user's (issue 17, item 18).
    return CacheRefused(
        f"the link cache path {path} holds {why}, not a cache made by studylog-md; it was "
        "left untouched: set links.cache (or --cache) to another path, or --no-cache"
    )


def _inspect(path: Path) -> bool:
    """Whether ``path`` exists and is our cache; raises :class:`CacheRefused` for a file that
    is not. Reads only: no lock, no ``-wal``/``-shm`` file, no write."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise CacheUnavailable(exc.strerror or str(exc)) from None
    if not stat.S_ISREG(st.st_mode):
        raise _not_ours(path, "something that is not a regular file")
    try:
        # O_NONBLOCK: a FIFO swapped in after the stat must not block us.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        try:
            header = os.read(fd, _HEADER_SIZE)
        finally:
            os.close(fd)
    except OSError as exc:
        raise CacheUnavailable(exc.strerror or str(exc)) from None
    if len(header) < _HEADER_SIZE or not header.startswith(_MAGIC):
        raise _not_ours(path, "a file that is not an SQLite database")
    app_id = int.from_bytes(header[_APPLICATION_ID_AT : _APPLICATION_ID_AT + 4], "big")
    user_version = int.from_bytes(header[_USER_VERSION_AT : _USER_VERSION_AT + 4], "big")
    if app_id == 0 and user_version == SCHEMA_VERSION:
        # Made by 0.1.0, before the mark: adopted only if it holds our table and nothing else.
        _check_layout(path, legacy=True)
        return True
    if app_id != APPLICATION_ID:
        raise _not_ours(path, "another program's SQLite database")
    _check_layout(path)
    return True


def _check_layout(path: Path, *, legacy: bool = False) -> None:
    """Refuse a marked file whose tables are not exactly ours (a trigger or a view could
    make our writes do something else); ``legacy``: an unmarked file must match exactly."""
    uri = "file:" + quote(str(path.absolute())) + "?mode=ro&immutable=1"
    try:
        db = sqlite3.connect(uri, uri=True, isolation_level=None)
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            objects = db.execute("SELECT type, name FROM sqlite_master").fetchall()
            columns = [
                (row[1], str(row[2]).upper(), row[3], row[5])
                for row in db.execute("PRAGMA table_info(results)")
            ]
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        # Read without locks, so another process's checkpoint can make a page look torn:
        # not a reason to stop the run (the file carries our mark, we did not write it).
        raise CacheUnavailable(f"cannot read it ({exc})") from None
    if version != SCHEMA_VERSION and not legacy:
        return  # our older (or newer) layout: disposable, rebuilt on open
    if objects != [("table", "results")] or columns != _COLUMNS:
        if legacy:
            raise _not_ours(path, "another program's SQLite database")
        raise _not_ours(path, "an SQLite database with studylog-md's mark but other tables")


def _create(path: Path) -> None:
    """Make a new, empty cache at ``path``; never replaces a file that appeared meanwhile."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        db = sqlite3.connect(temp, isolation_level=None)
        try:
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.execute(_SCHEMA)
            db.execute("PRAGMA journal_mode = WAL")
        finally:
            db.close()
        try:
            os.link(temp, path)
        except FileExistsError:
            pass  # another process made one meanwhile: that one is used
        except OSError:
            # No hard links here (FAT, some network file systems): an exclusive create never
            # replaces a file either.
            with contextlib.suppress(FileExistsError):
                _copy_exclusive(temp, path)
    finally:
        for leftover in (temp, temp + "-wal", temp + "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(leftover)


def _check_free_space(folder: Path) -> None:
    for candidate in (folder, *folder.parents):  # the nearest folder that exists
        try:
            fs = os.statvfs(candidate)
        except FileNotFoundError:
            continue
        except (OSError, AttributeError):  # no statvfs (Windows): let SQLite find out
            return
        if fs.f_bavail * fs.f_frsize < MIN_FREE_BYTES:
            raise CacheUnavailable("the disk is full")
        return


def _copy_exclusive(source: str, path: Path) -> None:
    data = Path(source).read_bytes()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        path.unlink()  # ours: made by the O_EXCL open above
        raise
    os.close(fd)


def _side_files(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]


class LinkCache:
    """Settled verdicts keyed by URL and a *context* (what else could change the answer).

    Raises :class:`CacheRefused` (a configuration error) when ``path`` is a file studylog-md
    did not make, and :class:`CacheUnavailable` when it cannot be used now.
    """

    def __init__(self, path: Path, max_age: float) -> None:
        self._max_age = max_age
        self._path = path
        existed = [side.exists() for side in _side_files(path)]
        self._db: sqlite3.Connection | None = None
        try:
            ours = _inspect(path)
            _check_free_space(path.parent)
            if not ours:
                path.parent.mkdir(parents=True, exist_ok=True)
                _create(path)
                _inspect(path)  # whoever made it, it must be ours
            self._open(path)
        except (OSError, sqlite3.Error) as exc:
            self._abandon(existed)
            raise CacheUnavailable(getattr(exc, "strerror", None) or str(exc)) from None
        except BaseException:
            self._abandon(existed)
            raise

    def _open(self, path: Path) -> None:
        # connect's timeout is SQLite's busy timeout (sqlite3_busy_timeout).
        db = self._db = sqlite3.connect(
            str(path),
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
            # check_links may run the checker in a thread of its own (inside an event loop).
            check_same_thread=False,
        )
        # Checked again on the connection that writes: the file may have been swapped since
        # it was inspected.
        app_id = db.execute("PRAGMA application_id").fetchone()[0]
        if app_id == 0 and db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")  # a 0.1.0 cache, adopted
        elif app_id != APPLICATION_ID:
            raise _not_ours(path, "another program's SQLite database")
        _enable_wal(db)
        db.execute("PRAGMA synchronous = NORMAL")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA_VERSION:
            # Our own older (or newer) layout: the cache is disposable, start over.
            db.execute("BEGIN IMMEDIATE")
            db.execute("DROP TABLE IF EXISTS results")
            db.execute(_SCHEMA)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.execute("COMMIT")
        now = time.time()
        # Old rows, rows from the future (a wrong clock would make them valid forever) and
        # rows whose time is not a number go. "The future" starts a minute from now: another
        # process may write a row between our clock reading and the DELETE.
        db.execute(
            "DELETE FROM results WHERE NOT (typeof(checked_at) IN ('real', 'integer') "
            "AND checked_at >= ? AND checked_at <= ?)",
            (now - max(PRUNE_AFTER, self._max_age), now + FUTURE_SLACK),
        )

    def _abandon(self, existed: list[bool]) -> None:
        """Close after a failed open, removing the ``-wal``/``-shm`` files we made."""
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None
        for side, was_there in zip(_side_files(self._path), existed, strict=True):
            # Only empty ones: a side file with content may belong to another process that
            # opened the cache meanwhile (a live -wal holds its writes).
            with contextlib.suppress(OSError):
                if not was_there and side.stat().st_size == 0:
                    side.unlink()

    def get(self, url: str, context: str) -> LinkResult | None:
        """The cached verdict for ``url``, or ``None`` (unknown, older than max_age, from
        the future, or a row that does not hold what we write)."""
        if self._db is None:
            return None
        try:
            row = self._db.execute(
                "SELECT verdict, status, detail, final_url, checked_at FROM results "
                "WHERE url = ? AND context = ?",
                (redact(url), context),
            ).fetchone()
        except sqlite3.Error:  # including text that is not UTF-8
            return None
        if row is None:
            return None
        return _from_row(url, row, self._max_age, time.time())

    def put(self, result: LinkResult, context: str) -> None:
        """Remember ``result`` when it is settled; otherwise do nothing."""
        if self._db is None or not is_settled(result):
            return
        # Locked for longer than the busy timeout, disk full...: the cache is optional.
        with contextlib.suppress(sqlite3.Error):
            self._db.execute(
                "INSERT OR REPLACE INTO results "
                "(url, context, verdict, status, detail, final_url, checked_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    redact(result.url),
                    context,
                    result.verdict,
                    result.status,
                    result.detail,
                    result.final_url,
                    time.time(),
                ),
            )

    def close(self) -> None:
        """Close the database connection."""
        if self._db is not None:
            self._db.close()
            self._db = None


def _from_row(url: str, row: tuple[Any, ...], max_age: float, now: float) -> LinkResult | None:
    """The result a row stands for, or ``None`` when any value is not what :meth:`put`
    writes: another program (or a hand) may have edited the file."""
    verdict, status, detail, final_url, checked_at = row
    if isinstance(checked_at, bool) or not isinstance(checked_at, (int, float)):
        return None
    if not math.isfinite(checked_at) or not 0 <= now - checked_at <= max_age:
        return None
    if verdict not in VERDICTS or not isinstance(detail, str):
        return None
    if status is not None and (isinstance(status, bool) or not isinstance(status, int)):
        return None
    if final_url is not None and not isinstance(final_url, str):
        return None
    if verdict == "redirected" and not final_url:
        return None
    result = LinkResult(
        url=url, verdict=verdict, status=status, detail=detail, final_url=final_url,
        from_cache=True,
    )  # fmt: skip
    return result if is_settled(result) else None

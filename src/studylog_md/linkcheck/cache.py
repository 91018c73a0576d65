"""The verdict cache: an SQLite file that remembers settled verdicts between runs.

Only verdicts that will not change in a minute are stored: ``ok``, ``redirected`` and
``dead`` from a 404 or 410. Timeouts, refusals, 5xx, 429... are never stored, so they are
checked again next time. Neither request headers nor tokens are stored; URLs are stored with
their credentials redacted.

WAL mode and a busy timeout (plus a wait of our own while a new file is switched to WAL)
make the file safe for several processes at once (pre-commit runs hooks in parallel; a CI
matrix may share a cache directory). The cache is disposable: a write that cannot get the
lock in time is dropped, not reported.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from pathlib import Path

from .options import LinkCheckConfigError, LinkResult
from .targets import redact

SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 5000
# Entries older than this are deleted when a cache is opened, whatever max_cache_age asks.
PRUNE_AFTER = 30 * 86400.0
# SQLite's primary result code for "database is locked" (sqlite3.SQLITE_BUSY, which the
# type stubs this project checks against do not list).
_SQLITE_BUSY = 5

_SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
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


def is_settled(result: LinkResult) -> bool:
    """Whether a verdict may be cached: it will not change without the page changing."""
    if result.verdict in ("ok", "redirected"):
        return True
    return result.verdict == "dead" and result.status in (404, 410)


def _enable_wal(db: sqlite3.Connection) -> None:
    """Switch ``db`` to WAL mode, waiting for other connections as the busy timeout would.

    SQLite answers ``PRAGMA journal_mode = WAL`` with SQLITE_BUSY at once, without calling
    the busy handler, while another connection is switching the same new file (four threads
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


class LinkCache:
    """Settled verdicts keyed by URL and a *context* (what else could change the answer)."""

    def __init__(self, path: Path, max_age: float) -> None:
        self._max_age = max_age
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # connect's timeout is SQLite's busy timeout (sqlite3_busy_timeout).
            self._db = sqlite3.connect(
                str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None
            )
            _enable_wal(self._db)
            self._db.execute("PRAGMA synchronous = NORMAL")
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, SCHEMA_VERSION):
                # An older (or newer) layout: the cache is disposable, start over.
                self._db.execute("DROP TABLE IF EXISTS results")
            self._db.execute(_SCHEMA)
            if version != SCHEMA_VERSION:
                self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            self._db.execute(
                "DELETE FROM results WHERE checked_at < ?",
                (time.time() - max(PRUNE_AFTER, max_age),),
            )
        except (OSError, sqlite3.Error) as exc:
            raise LinkCheckConfigError(
                f"link cache {path} cannot be used ({exc}); delete it or choose another path"
            ) from None

    def get(self, url: str, context: str) -> LinkResult | None:
        """The cached verdict for ``url``, or ``None`` (unknown, or older than max_age)."""
        try:
            row = self._db.execute(
                "SELECT verdict, status, detail, final_url, checked_at FROM results "
                "WHERE url = ? AND context = ?",
                (redact(url), context),
            ).fetchone()
        except sqlite3.Error:
            return None
        if row is None or time.time() - float(row[4]) > self._max_age:
            return None
        verdict, status, detail, final_url, _ = row
        if verdict not in ("ok", "dead", "redirected"):
            return None
        return LinkResult(
            url=url,
            verdict=verdict,
            status=status,
            detail=detail,
            final_url=final_url,
            from_cache=True,
        )

    def put(self, result: LinkResult, context: str) -> None:
        """Remember ``result`` when it is settled; otherwise do nothing."""
        if not is_settled(result):
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
        self._db.close()

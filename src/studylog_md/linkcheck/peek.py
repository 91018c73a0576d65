"""Read the verdict cache without checking anything: what the editor's hover shows.

Opening :class:`~studylog_md.linkcheck.cache.LinkCache` creates the file and prunes it; a
hover must do neither (and must never reach the network), so the file is read only when it
already exists and carries the cache's mark, read-only and without leaving a side file.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from .options import LinkResult
from .sites import Sites

if TYPE_CHECKING:  # pragma: no cover
    from ..config import Config

CACHE_NAME = ".studylog-md-cache.sqlite"


def default_cache_path(file: Path) -> Path:
    """``.studylog-md-cache.sqlite`` beside the nearest ``pyproject.toml``, else the file."""
    folder = file.resolve().parent
    for candidate in (folder, *folder.parents):
        if (candidate / "pyproject.toml").is_file():
            return candidate / CACHE_NAME
        if (candidate / ".git").exists():
            break
    return folder / CACHE_NAME


def cache_path(config: Config, file: Path) -> Path | None:
    """Where ``check-links`` keeps the cache for ``file`` (None: the cache is turned off)."""
    links = config.links
    if not links.cache_enabled:
        return None
    return links.cache or default_cache_path(file)


def cached_verdicts(config: Config, file: Path, urls: Iterable[str]) -> dict[str, LinkResult]:
    """The cached verdicts of ``urls`` that are still fresh; never a request, never a write.

    Only a file the cache itself made is read (the same check as ``LinkCache``), and each row
    is trusted only as far as :meth:`LinkCache.get` would trust it.
    """
    from .cache import CacheRefused, CacheUnavailable, _from_row, _inspect
    from .targets import redact

    path = cache_path(config, file)
    wanted = list(dict.fromkeys(urls))
    if path is None or not wanted:
        return {}
    try:
        if not _inspect(path):
            return {}
    except (CacheRefused, CacheUnavailable):
        return {}  # not ours, or unreadable: `check-links` says so; a hover stays quiet
    sites = Sites.of(config.links)
    found: dict[str, LinkResult] = {}
    # Read-only and immutable, as the cache's own layout check reads: no lock, no -wal/-shm
    # file left behind (a plain read-only connection to a WAL database makes both). What a
    # running check-links has not yet checkpointed is not seen; a torn page is an error below.
    uri = "file:" + quote(str(path.absolute())) + "?mode=ro&immutable=1"
    try:
        db = sqlite3.connect(uri, uri=True, timeout=0.2, isolation_level=None)
    except sqlite3.Error:
        return {}
    now = time.time()
    with contextlib.closing(db):
        for url in wanted:
            host = _host(url)
            if host is None:
                continue
            context = "headers=" + ",".join(sites.header_names(host))
            try:
                row = db.execute(
                    "SELECT verdict, status, detail, final_url, checked_at FROM results "
                    "WHERE url = ? AND context = ?",
                    (redact(url), context),
                ).fetchone()
            except sqlite3.Error:  # a page torn by a concurrent checkpoint: show what we have
                return found
            result = _from_row(url, row, config.links.max_cache_age, now) if row else None
            if result is not None:
                found[url] = result
    return found


def _host(url: str) -> str | None:
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return host.lower()

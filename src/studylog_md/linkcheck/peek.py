"""Read the verdict cache without checking anything: what the editor's hover shows.

Opening :class:`~studylog_md.linkcheck.cache.LinkCache` creates the file and prunes it; a
hover must do neither (and must never reach the network), so the file is opened read-only,
and only when it already exists.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

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
    """The cached verdicts of ``urls`` that are still fresh; never a request, never a write."""
    from .targets import redact

    path = cache_path(config, file)
    wanted = list(dict.fromkeys(urls))
    if path is None or not wanted or not path.is_file():
        return {}
    sites = Sites(
        {host: sorted(codes) for host, codes in config.links.accept_status.items()},
        {host: dict(values) for host, values in config.links.headers.items()},
    )
    found: dict[str, LinkResult] = {}
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.2)
    except sqlite3.Error:
        return {}
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
            except sqlite3.Error:  # locked, no table yet, not a cache: nothing to show
                return found
            if row is None or time.time() - float(row[4]) > config.links.max_cache_age:
                continue
            verdict, status, detail, final_url, _ = row
            if verdict in ("ok", "dead", "redirected"):
                found[url] = LinkResult(url, verdict, status, detail, final_url, from_cache=True)
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

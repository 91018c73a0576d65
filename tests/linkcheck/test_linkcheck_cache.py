"""The verdict cache: settled verdicts are reused, transient ones are checked again."""

from __future__ import annotations

import dataclasses
import sqlite3
import threading
from pathlib import Path

import pytest
from linkserver import LinkServer

from studylog_md.linkcheck import LinkCheckConfigError, LinkCheckOptions, LinkResult, check_links
from studylog_md.linkcheck.cache import LinkCache

SETTLED = ["/ok", "/status/404", "/status/410", "/redirect/301?to=/ok"]
TRANSIENT = ["/status/503", "/status/429", "/status/403", "/slow?s=3", "/page#missing"]


def test_warm_cache_sends_no_request_for_settled_links(
    server: LinkServer, fast: LinkCheckOptions, tmp_path: Path
) -> None:
    options = dataclasses.replace(
        fast, cache_path=tmp_path / "links.sqlite", retries=0, timeout=0.3
    )
    urls = [server.url(p) for p in SETTLED + TRANSIENT]
    first = check_links(urls, options)
    assert not any(r.from_cache for r in first.values())
    before = {p: server.count(p.split("#")[0]) for p in SETTLED + TRANSIENT}
    second = check_links(urls, options)
    for path in SETTLED:
        url = server.url(path)
        assert second[url].from_cache, path
        assert server.count(path) == before[path], path
        cached = dataclasses.replace(second[url], from_cache=False)
        assert cached == first[url]
    for path in TRANSIENT:
        assert not second[server.url(path)].from_cache, path
        assert server.count(path.split("#")[0]) > before[path], path


def test_entries_older_than_max_age_are_ignored(
    server: LinkServer, fast: LinkCheckOptions, tmp_path: Path
) -> None:
    options = dataclasses.replace(fast, cache_path=tmp_path / "c.sqlite")
    url = server.url("/ok")
    check_links([url], options)
    expired = dataclasses.replace(options, max_cache_age=0.0)
    result = check_links([url], expired)[url]
    assert result.from_cache is False
    assert server.count("/ok") == 2


def test_accepting_a_status_overrides_a_cached_dead(
    server: LinkServer, fast: LinkCheckOptions, tmp_path: Path
) -> None:
    options = dataclasses.replace(fast, cache_path=tmp_path / "c.sqlite")
    url = server.url("/status/404")
    assert check_links([url], options)[url].verdict == "dead"
    accepting = dataclasses.replace(options, accept_status={"127.0.0.1": [404]})
    result = check_links([url], accepting)[url]
    assert (result.verdict, result.from_cache) == ("ok", False)


def test_no_headers_or_credentials_are_stored(
    server: LinkServer, fast: LinkCheckOptions, tmp_path: Path
) -> None:
    path = tmp_path / "c.sqlite"
    options = dataclasses.replace(fast, cache_path=path)
    url = f"http://bob:hunter2@127.0.0.1:{server.port}/ok"
    assert check_links([url], options)[url].verdict == "ok"
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT * FROM results").fetchall()
        mode = db.execute("PRAGMA journal_mode").fetchone()[0]
    assert len(rows) == 1
    assert "hunter2" not in repr(rows)
    assert "user-agent" not in repr(rows).lower()
    assert mode == "wal"
    again = check_links([url], options)[url]
    assert again.from_cache and again.url == url


def _open_and_write_at_once(path: Path, writers: int, rows: int) -> list[BaseException]:
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            cache = LinkCache(path, 3600)
            for i in range(rows):
                result = LinkResult(f"https://example.com/{name}/{i}", "ok", 200, "HTTP 200")
                cache.put(result, "")
            cache.close()
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(str(n),)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_several_writers_at_once(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite"
    assert _open_and_write_at_once(path, writers=4, rows=100) == []
    cache = LinkCache(path, 3600)
    found = [cache.get(f"https://example.com/{n}/{i}", "") for n in range(4) for i in range(100)]
    cache.close()
    assert all(r is not None and r.from_cache for r in found)


def test_several_connections_opening_one_new_file(tmp_path: Path) -> None:
    # SQLite refuses the switch to WAL at once (no busy handler) while another connection
    # is switching the same new file; one round of four failed about one time in ten before
    # the cache waited for it itself, so forty rounds make a regression all but certain.
    for round_ in range(40):
        path = tmp_path / f"fresh{round_}.sqlite"
        assert _open_and_write_at_once(path, writers=4, rows=2) == [], round_
        with sqlite3.connect(path) as db:
            assert db.execute("SELECT COUNT(*) FROM results").fetchone()[0] == 8


def test_transient_results_are_not_stored(tmp_path: Path) -> None:
    cache = LinkCache(tmp_path / "c.sqlite", 3600)
    cache.put(LinkResult("https://a.example/", "unverifiable", 503, "HTTP 503"), "")
    cache.put(LinkResult("https://b.example/", "dead", None, "connection refused"), "")
    cache.put(LinkResult("https://c.example/", "dead", 200, "no anchor #x"), "")
    cache.put(LinkResult("https://d.example/", "dead", 410, "HTTP 410"), "")
    assert cache.get("https://a.example/", "") is None
    assert cache.get("https://b.example/", "") is None
    assert cache.get("https://c.example/", "") is None
    assert cache.get("https://d.example/", "") is not None
    cache.close()


def test_a_corrupt_cache_file_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(LinkCheckConfigError):
        LinkCache(path, 3600)


def test_configuring_headers_for_a_host_rechecks_its_links(
    server: LinkServer, fast: LinkCheckOptions, tmp_path: Path
) -> None:
    # A 404 seen without a token may be a private repository: adding a token must re-check.
    options = dataclasses.replace(fast, cache_path=tmp_path / "c.sqlite")
    url = server.url("/status/404")
    check_links([url], options)
    with_token = dataclasses.replace(options, headers={"127.0.0.1": {"X-Token": "t"}})
    result = check_links([url], with_token)[url]
    assert result.from_cache is False
    assert check_links([url], with_token)[url].from_cache is True

"""Issue 17, the link checker's part: hostile cache files and rows, secrets servers echo,
Retry-After waits that add up, and numbers without bounds. Real SQLite files, real servers
on 127.0.0.x."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import sqlite3
import ssl
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from linkserver import LinkServer, make_certificate

from studylog_md.linkcheck import (
    LinkCheckConfigError,
    LinkCheckOptions,
    LinkResult,
    check_links,
)
from studylog_md.linkcheck.cache import (
    APPLICATION_ID,
    CacheRefused,
    CacheUnavailable,
    LinkCache,
)

# --- item 2 and 18: only a file we made is ever written --------------------------------------


def _snapshot(path: Path) -> tuple[str, int, list[str]]:
    """The file's digest and mtime, and the names in its folder (side files would show)."""
    st = path.stat()
    return (
        hashlib.sha256(path.read_bytes()).hexdigest(),
        st.st_mtime_ns,
        sorted(os.listdir(path.parent)),
    )


def _foreign_database(path: Path) -> Path:
    """Someone's database that happens to have a ``results`` table (rows a prune would hit)."""
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE results (url TEXT, context TEXT, checked_at REAL)")
        db.execute("INSERT INTO results VALUES ('keep', '', 0)")
        db.execute("CREATE TABLE accounts (name TEXT)")
        db.execute("INSERT INTO accounts VALUES ('alice')")
        db.execute("PRAGMA user_version = 7")
    db.close()
    return path


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(_foreign_database, id="another-programs-database"),
        pytest.param(
            lambda p: (p.write_text("root:x:0:0:root:/root:/bin/bash\n"), p)[1], id="passwd"
        ),
        pytest.param(lambda p: (p.write_bytes(b""), p)[1], id="empty-file"),
    ],
)
def test_a_file_we_did_not_make_is_refused_untouched(tmp_path: Path, make: object) -> None:
    path = make(tmp_path / "victim.db")  # type: ignore[operator]
    before = _snapshot(path)
    with pytest.raises(CacheRefused) as caught:
        LinkCache(path, 3600)
    assert _snapshot(path) == before  # same bytes, same mtime, no -wal/-shm, no temp file
    message = str(caught.value)
    assert str(path) in message and "not a cache made by studylog-md" in message
    assert "delete" not in message.lower()  # item 18: never suggest deleting it


def test_a_foreign_database_keeps_its_rows_and_settings_after_a_check(
    server: LinkServer, fast: LinkCheckOptions, tmp_path: Path
) -> None:
    path = _foreign_database(tmp_path / "victim.db")
    options = dataclasses.replace(fast, cache_path=path)
    with pytest.raises(LinkCheckConfigError):
        check_links([server.url("/ok")], options)
    assert server.requests == []  # refused before any request
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT url FROM results").fetchall() == [("keep",)]
        assert db.execute("PRAGMA user_version").fetchone()[0] == 7
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    db.close()


def test_our_mark_with_a_trigger_added_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    LinkCache(path, 3600).close()
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE log (x TEXT)")
        db.execute("CREATE TRIGGER t AFTER INSERT ON results BEGIN INSERT INTO log VALUES (1); END")
    db.close()
    with pytest.raises(CacheRefused):
        LinkCache(path, 3600)


def test_a_new_cache_carries_our_mark(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "c.sqlite"
    LinkCache(path, 3600).close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    db.close()
    assert sorted(os.listdir(path.parent)) == ["c.sqlite"]  # no temp file, no side files


# The layout of 0.1.0, whose caches carry no mark (application_id 0, user_version 1).
CACHE_0_1_0 = """
CREATE TABLE IF NOT EXISTS results (
    url TEXT NOT NULL, context TEXT NOT NULL, verdict TEXT NOT NULL, status INTEGER,
    detail TEXT NOT NULL, final_url TEXT, checked_at REAL NOT NULL,
    PRIMARY KEY (url, context)
) WITHOUT ROWID
"""


def test_a_cache_made_by_0_1_0_is_adopted(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute(CACHE_0_1_0)
        db.execute("PRAGMA user_version = 1")
        db.execute(
            "INSERT INTO results VALUES ('https://a.example/', 'headers=', 'ok', 200, "
            "'HTTP 200', NULL, ?)",
            (time.time(),),
        )
    db.close()
    cache = LinkCache(path, 3600)
    try:
        found = cache.get("https://a.example/", "headers=")
    finally:
        cache.close()
    assert found is not None and found.verdict == "ok"
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    db.close()


def test_an_unmarked_database_with_more_than_our_table_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    with sqlite3.connect(path) as db:
        db.execute(CACHE_0_1_0)
        db.execute("CREATE TABLE accounts (name TEXT)")
        db.execute("PRAGMA user_version = 1")
    db.close()
    before = _snapshot(path)
    with pytest.raises(CacheRefused):
        LinkCache(path, 3600)
    assert _snapshot(path) == before


# --- item 14: a row from the future is stale and is pruned --------------------------------------


def test_a_row_from_the_future_is_a_miss_and_pruned(
    server: LinkServer, fast: LinkCheckOptions, tmp_path: Path
) -> None:
    path = tmp_path / "c.sqlite"
    options = dataclasses.replace(fast, cache_path=path)
    url = server.url("/ok")
    check_links([url], options)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE results SET checked_at = ?", (time.time() + 10 * 86400,))
    db.close()
    result = check_links([url], dataclasses.replace(options, max_cache_age=0.0))[url]
    assert result.from_cache is False
    assert server.count("/ok") == 2
    # The run above wrote a fresh row over it; plant another one and open the cache.
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO results VALUES ('https://x.example/', '', 'ok', 200, 'HTTP 200', NULL, ?)",
            (time.time() + 86400,),
        )
    db.close()
    LinkCache(path, 3600).close()
    with sqlite3.connect(path) as db:
        urls = [row[0] for row in db.execute("SELECT url FROM results")]
    db.close()
    assert urls == [url]


# --- item 16: odd values in a row are a miss ----------------------------------------------------

ODD_ROWS = {
    "blob-detail": ("ok", 200, b"\x00\xffbinary", None, "NOW"),
    "text-time": ("ok", 200, "HTTP 200", None, "yesterday"),
    "negative-time": ("ok", 200, "HTTP 200", None, -1.0),
    "text-status": ("dead", "404 Not Found", "HTTP 404", None, "NOW"),
    "float-status": ("dead", 404.5, "HTTP 404", None, "NOW"),
    "unknown-verdict": ("maybe", 200, "HTTP 200", None, "NOW"),
    "unsettled-verdict": ("unverifiable", 503, "HTTP 503", None, "NOW"),
    "redirect-without-target": ("redirected", 301, "moved", None, "NOW"),
    "blob-final-url": ("redirected", 301, "moved", b"\x80", "NOW"),
    "infinite-time": ("ok", 200, "HTTP 200", None, float("inf")),
}


@pytest.mark.parametrize("name", sorted(ODD_ROWS))
def test_an_odd_row_is_a_miss(
    name: str, server: LinkServer, fast: LinkCheckOptions, tmp_path: Path
) -> None:
    path = tmp_path / "c.sqlite"
    LinkCache(path, 3600).close()
    url = server.url("/ok")
    verdict, status, detail, final_url, checked_at = ODD_ROWS[name]
    with sqlite3.connect(path) as db:
        # A trigger-free copy of what another program could write: SQLite's type affinity
        # lets any value into any column.
        db.execute(
            "INSERT INTO results VALUES (?, 'headers=', ?, ?, ?, ?, ?)",
            (url, verdict, status, detail, final_url,
             time.time() if checked_at == "NOW" else checked_at),
        )  # fmt: skip
    db.close()
    result = check_links([url], dataclasses.replace(fast, cache_path=path))[url]
    assert (result.verdict, result.from_cache) == ("ok", False), result.detail
    assert server.count("/ok") == 1


def test_text_that_is_not_utf8_is_a_miss(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    cache = LinkCache(path, 3600)
    cache.put(LinkResult("https://a.example/", "ok", 200, "HTTP 200"), "")
    cache.close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE results SET detail = CAST(x'ff00fe' AS TEXT)")
    db.close()
    cache = LinkCache(path, 3600)
    try:
        assert cache.get("https://a.example/", "") is None
    finally:
        cache.close()


# --- item 15: a cache that cannot be used is skipped, with one warning --------------------------


def test_a_cache_below_a_file_is_skipped_with_a_warning(
    server: LinkServer, fast: LinkCheckOptions, tmp_path: Path
) -> None:
    blocker = tmp_path / "log.md"
    blocker.write_text("# not a folder\n")
    warnings: list[str] = []
    options = dataclasses.replace(fast, cache_path=blocker / "cache.sqlite")
    url = server.url("/ok")
    result = check_links([url, server.url("/status/404")], options, warn=warnings.append)
    assert result[url].verdict == "ok"
    assert len(warnings) == 1 and "cannot be used" in warnings[0], warnings
    assert sorted(os.listdir(tmp_path)) == ["log.md"]


def test_a_cache_on_a_read_only_file_system_is_skipped(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    import subprocess

    point = tmp_path / "ro"
    point.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(point)],
                      capture_output=True, check=False).returncode:  # fmt: skip
        pytest.skip("cannot mount a tmpfs here")
    try:
        cache = LinkCache(point / "c.sqlite", 3600)
        cache.put(LinkResult("https://a.example/", "ok", 200, "HTTP 200"), "")
        cache.close()
        subprocess.run(["mount", "-o", "remount,ro", str(point)], check=True)
        with pytest.raises(CacheUnavailable):
            LinkCache(point / "c.sqlite", 3600)
        with pytest.raises(CacheUnavailable):
            LinkCache(point / "new.sqlite", 3600)
        assert sorted(os.listdir(point)) == ["c.sqlite"]
    finally:
        subprocess.run(["umount", "-l", str(point)], capture_output=True, check=False)


# --- item 17: vetting comes before the cache ----------------------------------------------------


def test_a_cached_verdict_does_not_answer_for_a_loopback_url(
    server: LinkServer, fast: LinkCheckOptions, tmp_path: Path
) -> None:
    options = dataclasses.replace(fast, cache_path=tmp_path / "c.sqlite")
    url = server.url("/ok")
    assert check_links([url], options)[url].verdict == "ok"  # cached, private allowed
    assert check_links([url], options)[url].from_cache
    strict = dataclasses.replace(options, allow_private=False)
    result = check_links([url], strict)[url]
    assert (result.verdict, result.from_cache) == ("skipped", False)
    assert "loopback" in result.detail
    assert server.count("/ok") == 1


# --- item 12: Retry-After waits are bounded per host and per run --------------------------------


@pytest.mark.slow  # waits out a real Retry-After (1 s)
def test_retry_after_waits_stop_at_the_host_budget(
    server: LinkServer, fast: LinkCheckOptions
) -> None:
    options = dataclasses.replace(
        fast, host_concurrency=1, retries=1, retry_after_host_budget=1.0, retry_after_cap=30.0
    )
    urls = [server.url(f"/status/429?retry_after=1&n={i}") for i in range(8)]
    started = time.monotonic()
    results = check_links(urls, options)
    elapsed = time.monotonic() - started
    # Unbounded, 8 links would wait at least 8 s; the budget allows one wait of 1 s.
    assert elapsed < 6.0, elapsed
    assert all(r.verdict == "unverifiable" for r in results.values())
    refused = [r for r in results.values() if "wait" in r.detail]
    assert len(refused) >= 6, [r.detail for r in results.values()]
    assert server.count("/status/429") <= 4


@pytest.mark.slow  # waits out a real Retry-After (1 s)
def test_retry_after_waits_stop_at_the_run_budget(
    server: LinkServer, server2: LinkServer, fast: LinkCheckOptions
) -> None:
    options = dataclasses.replace(
        fast, retries=1, retry_after_host_budget=60.0, retry_after_run_budget=1.0
    )
    urls = [s.url(f"/status/503?retry_after=1&n={i}") for s in (server, server2) for i in range(3)]
    started = time.monotonic()
    results = check_links(urls, options)
    assert time.monotonic() - started < 6.0
    assert any("Retry-After" in r.detail for r in results.values())
    assert all(r.verdict == "unverifiable" for r in results.values())


# --- item 13: numbers with bounds, from the Python API too --------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"timeout": float("inf")},
        {"timeout": float("nan")},
        {"timeout": 1e9},
        {"host_interval_ms": 10**23},
        {"max_cache_age": float("inf")},
        {"max_cache_age": 10**400},
        {"max_concurrency": 10**6},
        {"retries": True},
        {"retry_after_host_budget": -1.0},
    ],
    ids=lambda change: next(iter(change)),
)
def test_numbers_out_of_bounds_are_refused_before_any_request(
    change: dict[str, object], server: LinkServer, fast: LinkCheckOptions
) -> None:
    options = dataclasses.replace(fast, **change)  # type: ignore[arg-type]
    with pytest.raises(LinkCheckConfigError, match=next(iter(change))):
        check_links([server.url("/ok")], options)
    assert server.requests == []


# --- item 26: configured secrets never reach output or the cache --------------------------------

SECRET = "s3cr3t-t0ken-4242"


class _Echo(BaseHTTPRequestHandler):
    """Echoes the Authorization header in the reason phrase and in a permanent redirect."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        self._answer()

    def do_GET(self) -> None:
        self._answer()

    def _answer(self) -> None:
        auth = self.headers.get("Authorization", "")
        token = auth.split()[-1] if auth else ""
        if self.path.startswith("/moved"):
            self.send_response(301)
            self.send_header("Location", f"/gone-to?key={token}")
        elif self.path.startswith("/gone-to"):
            self.send_response(200)
        else:
            self.send_response(404, f"Not Found for {auth}")
        self.send_header("Content-Length", "0")
        self.send_header("Connection", "close")
        self.end_headers()


@pytest.fixture
def echo(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    made = make_certificate(tmp_path_factory.mktemp("tls"), ["echo.test"])
    if made is None:
        pytest.skip("the openssl command is not available")
    monkeypatch.setenv("SSL_CERT_FILE", str(made[0]))
    monkeypatch.setenv("SSL_CERT_DIR", str(made[0].parent / "none"))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    httpd.daemon_threads = True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(made[0]), str(made[1]))
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02})
    thread.start()
    try:
        yield f"https://echo.test:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


class _Resolver:
    async def __call__(self, host: str, port: int) -> list[str]:
        assert host == "echo.test"
        return ["127.0.0.1"]


def test_a_token_the_server_echoes_is_redacted_from_output_and_cache(
    echo: str, fast: LinkCheckOptions, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ECHO_TOKEN", SECRET)
    path = tmp_path / "c.sqlite"
    options = dataclasses.replace(
        fast,
        cache_path=path,
        headers={"echo.test": {"Authorization": "Bearer ${ECHO_TOKEN}"}},
    )
    urls = [f"{echo}/missing", f"{echo}/moved"]
    results = check_links(urls, options, resolver=_Resolver())
    missing, moved = results[urls[0]], results[urls[1]]
    assert missing.verdict == "dead" and "Not Found for" in missing.detail, missing
    assert moved.verdict == "ok" and moved.final_url is None, moved  # no fix writing it
    for result in results.values():
        assert SECRET not in repr(result), result
    assert "***" in missing.detail
    raw = path.read_bytes() + b"".join(
        side.read_bytes() for side in tmp_path.iterdir() if side.name != path.name
    )
    assert SECRET.encode() not in raw
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT * FROM results").fetchall()
    db.close()
    assert rows and SECRET not in repr(rows)
    # And the cached answer, read back, holds no secret either.
    again = check_links(urls, options, resolver=_Resolver())
    assert again[urls[0]].from_cache and SECRET not in again[urls[0]].detail


def test_which_configured_values_are_secrets() -> None:
    from studylog_md.linkcheck.sites import Sites, scrub

    sites = Sites(
        {},
        {
            "api.example": {
                "Authorization": "token literal-credential",
                "Accept": "text/html",
                "X-Team": "${TEAM_NAME}",
                "X-Missing": "${NOT_SET_HERE}",
            }
        },
        {"TEAM_NAME": "platform-team"},
    )
    secrets = sites.secrets()
    assert "token literal-credential" in secrets and "literal-credential" in secrets
    assert "platform-team" in secrets
    assert "text/html" not in secrets  # a plain setting, not a credential
    text = "HTTP 403 for token literal-credential (platform-team%20x) as text/html"
    assert scrub(text, secrets) == "HTTP 403 for *** (***%20x) as text/html"
    assert scrub("?k=literal-credential", secrets) == "?k=***"


def test_a_file_system_without_hard_links_still_gets_a_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # FAT and some network file systems refuse link(); the new file is then created with
    # O_EXCL, which never replaces a file either.
    def no_links(source: object, target: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    path = tmp_path / "c.sqlite"
    cache = LinkCache(path, 3600)
    cache.put(LinkResult("https://a.example/", "ok", 200, "HTTP 200"), "")
    cache.close()
    cache = LinkCache(path, 3600)
    try:
        assert cache.get("https://a.example/", "") is not None
    finally:
        cache.close()
    assert sorted(os.listdir(tmp_path)) == ["c.sqlite"]

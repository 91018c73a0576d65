"""Verdicts against a real HTTP server on 127.0.0.x."""

from __future__ import annotations

import dataclasses

import pytest
from linkserver import LinkServer, closed_port

from studylog_md.linkcheck import LinkCheckOptions, LinkResult, check_links


def one(url: str, options: LinkCheckOptions) -> LinkResult:
    return check_links([url], options)[url]


@pytest.mark.parametrize(
    ("path", "verdict", "status"),
    [
        ("/ok", "ok", 200),
        ("/status/404", "dead", 404),
        ("/status/410", "dead", 410),
        ("/status/403", "unverifiable", 403),
        ("/status/401", "unverifiable", 401),
        ("/status/999", "unverifiable", 999),
        ("/status/500", "unverifiable", 500),
        ("/status/400", "unverifiable", 400),
        ("/ok?nohead=1", "ok", 200),  # HEAD 405, GET 200
        ("/ok?headfail=1", "ok", 200),  # HEAD 404 (GET-only routing), GET 200
        ("/redirect/302?to=/ok", "ok", 200),  # a temporary redirect is just ok
        ("/redirect/307?to=/ok", "ok", 200),
        ("/redirect/303?to=/ok", "ok", 200),
        ("/redirect/301?to=/status/404", "dead", 404),
        ("/loop/a", "dead", 302),
        ("/chain/6", "dead", 302),  # one more than max_redirects=5
        ("/chain/5", "ok", 200),
        ("/cookieloop", "unverifiable", 302),
    ],
)
def test_verdict(
    server: LinkServer, fast: LinkCheckOptions, path: str, verdict: str, status: int
) -> None:
    result = one(server.url(path), fast)
    assert (result.verdict, result.status) == (verdict, status), result.detail
    assert result.from_cache is False


def test_dead_and_loop_details(server: LinkServer, fast: LinkCheckOptions) -> None:
    results = check_links(
        [server.url("/loop/a"), server.url("/chain/9"), server.url("/status/410")], fast
    )
    details = [r.detail for r in results.values()]
    assert details[0] == "redirect loop"
    assert details[1] == "too many redirects (more than 5)"
    assert details[2].startswith("HTTP 410")


def test_permanent_redirect_reports_final_url(server: LinkServer, fast: LinkCheckOptions) -> None:
    result = one(server.url("/redirect/301?to=/redirect/308?to=/ok"), fast)
    assert result.verdict == "redirected"
    assert result.final_url == server.url("/ok")
    assert server.url("/ok") in result.detail


def test_permanent_then_temporary_redirect_suggests_the_permanent_target(
    server: LinkServer, fast: LinkCheckOptions
) -> None:
    # http -> https (301) then a 302 to a login or language page is common: the link should
    # be updated to where the permanent part leads, not to the temporary page.
    result = one(server.url("/redirect/301?to=/redirect/302?to=/ok"), fast)
    assert result.verdict == "redirected"
    assert result.final_url == server.url("/redirect/302?to=/ok")


def test_redirect_across_hosts(
    server: LinkServer, server2: LinkServer, fast: LinkCheckOptions
) -> None:
    result = one(server.url("/redirect/308?to=" + server2.url("/ok")), fast)
    assert (result.verdict, result.final_url) == ("redirected", server2.url("/ok"))
    assert server2.count("/ok") == 1


def test_redirect_keeps_the_fragment(server: LinkServer, fast: LinkCheckOptions) -> None:
    result = one(server.url("/redirect/301?to=/page#intro"), fast)
    assert result.verdict == "redirected"
    assert result.final_url == server.url("/page#intro")


def test_retry_after_then_ok(server: LinkServer, fast: LinkCheckOptions) -> None:
    result = one(server.url("/ratelimited/a"), fast)
    assert result.verdict == "ok"
    assert server.count("/ratelimited/a") == 2


def test_429_after_all_retries_is_unverifiable(server: LinkServer, fast: LinkCheckOptions) -> None:
    options = dataclasses.replace(fast, retries=1, retry_after_cap=0.05)
    result = one(server.url("/status/429?retry_after=3600"), options)
    assert (result.verdict, result.status) == ("unverifiable", 429)
    # Retried once (the wait capped at 0.05 s), and no GET after a rate limit.
    assert [r.method for r in server.requests] == ["HEAD", "HEAD"]


def test_5xx_is_retried(server: LinkServer, fast: LinkCheckOptions) -> None:
    result = one(server.url("/flaky/x/2"), dataclasses.replace(fast, retries=2))
    assert result.verdict == "ok"
    assert server.count("/flaky/x") == 3


def test_slow_server_is_unverifiable(server: LinkServer, fast: LinkCheckOptions) -> None:
    options = dataclasses.replace(fast, timeout=0.2, retries=0)
    result = one(server.url("/slow?s=3"), options)
    assert result.verdict == "unverifiable"
    assert "timed out" in result.detail


def test_closed_port_is_dead(fast: LinkCheckOptions) -> None:
    url = f"http://127.0.0.1:{closed_port()}/"
    result = one(url, fast)
    assert (result.verdict, result.detail) == ("dead", "connection refused")


def test_big_body_is_not_downloaded(server: LinkServer, fast: LinkCheckOptions) -> None:
    # HEAD is refused, so the checker must GET a 50 MB body: it reads the headers and hangs
    # up. What the server could hand to the kernel before the hang-up is far below 1 MB.
    result = one(server.url("/big?nohead=1"), fast)
    assert result.verdict == "ok"
    assert [r.method for r in server.requests] == ["HEAD", "GET"]
    assert server.bytes_sent < 1024 * 1024


@pytest.mark.parametrize(
    ("fragment", "verdict"),
    [("intro", "ok"), ("old", "ok"), ("readme", "ok"), ("user-content-readme", "ok")],
)
def test_anchor_found(
    server: LinkServer, fast: LinkCheckOptions, fragment: str, verdict: str
) -> None:
    result = one(server.url(f"/page#{fragment}"), fast)
    assert result.verdict == verdict, result.detail
    assert [r.method for r in server.requests] == ["GET"]


def test_missing_anchor_is_dead(server: LinkServer, fast: LinkCheckOptions) -> None:
    result = one(server.url("/page#nowhere"), fast)
    assert (result.verdict, result.status) == ("dead", 200)
    assert result.detail.startswith("no anchor #nowhere")


def test_anchor_deep_in_a_chunked_page(server: LinkServer, fast: LinkCheckOptions) -> None:
    result = one(server.url("/bigpage?size=3000000&at=2500000#deep"), fast)
    assert result.verdict == "ok", result.detail


def test_anchor_search_stops_at_the_cap(server: LinkServer, fast: LinkCheckOptions) -> None:
    result = one(server.url("/bigpage?size=30000000#deep"), fast)
    assert result.verdict == "ok"
    assert "not checked further" in result.detail
    assert server.bytes_sent < 6 * 1024 * 1024


def test_anchor_on_a_non_html_page_is_not_checked(
    server: LinkServer, fast: LinkCheckOptions
) -> None:
    result = one(server.url("/text#x"), fast)
    assert result.verdict == "ok"
    assert "not an HTML page" in result.detail


def test_app_route_fragment_is_not_checked(server: LinkServer, fast: LinkCheckOptions) -> None:
    result = one(server.url("/page#/settings/profile"), fast)
    assert result.verdict == "ok"
    assert [r.method for r in server.requests] == ["HEAD"]


def test_non_http_links_are_skipped_without_a_request(
    server: LinkServer, fast: LinkCheckOptions
) -> None:
    urls = ["mailto:me@example.com", "ftp://example.com/x", "./notes.md", "#top"]
    results = check_links(urls, fast)
    assert {r.verdict for r in results.values()} == {"skipped"}


def test_invalid_urls_are_dead(fast: LinkCheckOptions) -> None:
    results = check_links(["http://", "https://host:99999/", "http://1.2.3.4.5/"], fast)
    assert [r.verdict for r in results.values()] == ["dead", "dead", "dead"]


def test_excluded_links_are_never_requested(server: LinkServer, fast: LinkCheckOptions) -> None:
    options = dataclasses.replace(fast, exclude=[r"/status/\d+"])
    results = check_links([server.url("/status/404"), server.url("/ok")], options)
    verdicts = [r.verdict for r in results.values()]
    assert verdicts == ["excluded", "ok"]
    assert server.count("/status") == 0


def test_accept_status_per_host(server: LinkServer, fast: LinkCheckOptions) -> None:
    options = dataclasses.replace(fast, accept_status={"127.0.0.1": [403]})
    result = one(server.url("/status/403"), options)
    assert (result.verdict, result.status) == ("ok", 403)
    other = dataclasses.replace(fast, accept_status={"127.0.0.9": [403]})
    assert one(server.url("/status/403"), other).verdict == "unverifiable"


def test_accept_status_for_all_hosts(server: LinkServer, fast: LinkCheckOptions) -> None:
    options = dataclasses.replace(fast, accept_status={"*": [999]})
    assert one(server.url("/status/999"), options).verdict == "ok"


def test_each_url_is_checked_once(server: LinkServer, fast: LinkCheckOptions) -> None:
    url = server.url("/ok")
    results = check_links([url, url, url], fast)
    assert list(results) == [url]
    assert server.count("/ok") == 1


def test_progress_reports_every_link(server: LinkServer, fast: LinkCheckOptions) -> None:
    calls: list[tuple[int, int, int]] = []
    urls = [server.url("/ok"), server.url("/status/404"), server.url("/ok"), "mailto:x@y"]
    check_links(urls, fast, progress=lambda *args: calls.append(args))
    assert [c[0] for c in calls] == [1, 2, 3]
    assert {c[1] for c in calls} == {3}
    assert calls[-1][2] == 1


def test_honest_user_agent_and_no_credentials_sent(
    server: LinkServer, fast: LinkCheckOptions
) -> None:
    url = f"http://alice:s3cret@127.0.0.1:{server.port}/ok"
    result = one(url, fast)
    assert result.verdict == "ok"
    (request,) = server.requests
    assert request.headers["user-agent"].startswith("studylog-md/")
    assert "authorization" not in request.headers
    assert "cookie" not in request.headers


def test_credentials_are_redacted_in_details(server: LinkServer, fast: LinkCheckOptions) -> None:
    url = f"http://alice:s3cret@127.0.0.1:{server.port}/redirect/301?to=/status/404"
    result = one(url, fast)
    assert result.verdict == "dead"
    closed = f"http://alice:s3cret@127.0.0.1:{closed_port()}/x"
    refused = one(closed, fast)
    for text in (result.detail, refused.detail, str(result.final_url)):
        assert "s3cret" not in text


def test_called_from_a_running_event_loop(server: LinkServer, fast: LinkCheckOptions) -> None:
    import asyncio

    async def inside() -> dict[str, LinkResult]:
        return check_links([server.url("/ok")], fast)

    results = asyncio.run(inside())
    assert results[server.url("/ok")].verdict == "ok"

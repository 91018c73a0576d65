"""Answers no well-behaved server gives: each ends as a verdict, never as a crash."""

from __future__ import annotations

import gzip

import pytest
from linkserver import RawServer

from studylog_md.linkcheck import LinkCheckOptions, check_links

HTML = b'<html><body><h1 id="here">x</h1></body></html>'


@pytest.mark.parametrize(
    ("answer", "path", "verdict", "detail"),
    [
        (b"garbage\r\n\r\n", "/", "unverifiable", "not an HTTP response"),
        (b"", "/", "unverifiable", "closed the connection"),
        (b"HTTP/1.1 200 OK\r\nX: " + b"a" * 70000 + b"\r\n\r\n", "/", "unverifiable", "long"),
        (
            b"HTTP/1.1 200 OK\r\n" + b"X-Many: 1\r\n" * 300 + b"\r\n",
            "/",
            "unverifiable",
            "too many",
        ),
        (
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
            "/",
            "ok",
            "HTTP 204",
        ),
        (
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"zz\r\nabc\r\n",
            "/#here",
            "unverifiable",
            "chunked",
        ),
        (b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n" + HTML, "/#here", "ok", "HTTP 200"),
        (
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=base64\r\n\r\n" + HTML,
            "/#here",
            "ok",
            "HTTP 200",
        ),
        (
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n"
            b"Content-Length: "
            + str(len(gzip.compress(HTML))).encode()
            + b"\r\n\r\n"
            + gzip.compress(HTML),
            "/#here",
            "ok",
            "HTTP 200",
        ),
        (
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: br\r\n\r\nxx",
            "/#here",
            "ok",
            "br-compressed",
        ),
        (b"HTTP/1.1 301 Moved\r\n\r\n", "/", "unverifiable", "without a Location"),
        (
            b"HTTP/1.1 302 Found\r\nLocation: javascript:alert(1)\r\n\r\n",
            "/",
            "unverifiable",
            "javascript",
        ),
        (b"HTTP/1.1 302 Found\r\nLocation: http://[oops/\r\n\r\n", "/", "dead", "invalid URL"),
    ],
)
def test_odd_answers(answer: bytes, path: str, verdict: str, detail: str) -> None:
    options = LinkCheckOptions(allow_private=True, timeout=1.0, retries=0)
    with RawServer(answer) as raw:
        url = raw.url(path)
        result = check_links([url], options)[url]
    assert result.verdict == verdict, result.detail
    assert detail in result.detail


def test_server_text_is_made_printable() -> None:
    answer = b"HTTP/1.1 418 \x1b[31mteapot" + b"!" * 1000 + b"\r\n\r\n"
    options = LinkCheckOptions(allow_private=True, timeout=1.0, retries=0)
    with RawServer(answer) as raw:
        url = raw.url("/")
        result = check_links([url], options)[url]
    assert result.verdict == "unverifiable"
    assert "\x1b" not in result.detail
    assert "?[31mteapot" in result.detail
    assert len(result.detail) <= 300

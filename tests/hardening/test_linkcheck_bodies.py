"""Hostile response bodies during an anchor check (issue 17, items 1, 19 and 20).

Every server here is a real socket on 127.0.0.1 that writes exactly the bytes a hostile or
broken server would: chunk sizes such as ``-1``, endless bodies on every framing, bytes
dripped slowly enough that no single read times out, bodies cut short, odd charsets.
"""

from __future__ import annotations

import dataclasses
import socket
import threading
import time
import zlib
from collections.abc import Callable

import pytest
from linkserver import PAGE, RawServer

from studylog_md.linkcheck import LinkCheckOptions, LinkResult, check_links

FAST = LinkCheckOptions(allow_private=True, timeout=1.0, retries=0, retry_backoff=0.01)
CAP = 4 * 1024 * 1024
FILLER = b"<p>" + b"lorem ipsum " * 1300 + b"</p>\n"


def check(server: RawServer, options: LinkCheckOptions = FAST) -> tuple[LinkResult, float]:
    url = server.url("/page#intro")
    started = time.monotonic()
    result = check_links([url], options)[url]
    return result, time.monotonic() - started


def head(*fields: str, charset: str = "utf-8") -> bytes:
    lines = ["HTTP/1.1 200 OK", f"Content-Type: text/html; charset={charset}", *fields]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


class Stream:
    """Writes ``first`` and then ``piece`` after ``piece`` (``every`` seconds apart) until
    ``limit`` bytes are sent, the client hangs up or ``seconds`` pass."""

    def __init__(
        self, first: bytes, piece: bytes, limit: int, every: float = 0.0, seconds: float = 10.0
    ) -> None:
        self.first, self.piece, self.limit = first, piece, limit
        self.every, self.seconds = every, seconds
        self.sent = 0
        self.lock = threading.Lock()

    def __call__(self, conn: socket.socket) -> None:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16 * 1024)
        conn.sendall(self.first)
        ends = time.monotonic() + self.seconds
        while self.sent < self.limit and time.monotonic() < ends:
            conn.sendall(self.piece)
            with self.lock:
                self.sent += len(self.piece)
            if self.every:
                time.sleep(self.every)


# -- 17.1: chunk sizes ------------------------------------------------------------------------


@pytest.mark.parametrize("size", ["-1", "-0", "+10", "0x10", "", "zz", "1" * 17, "1_0"])
def test_a_bad_chunk_size_ends_the_check_at_once(size: str) -> None:
    # "-1" made int(x, 16) happy and read(-1) read 2,000 MB; now only 1-16 hex digits pass.
    stream = Stream(
        head("Transfer-Encoding: chunked") + size.encode() + b"\r\n", b"x" * 65536, 64 << 20
    )
    with RawServer(stream) as server:
        result, seconds = check(server)
    assert result.verdict == "unverifiable", result.detail
    assert "chunk size" in result.detail
    assert stream.sent < 16 << 20  # the client stopped reading; the server gave up
    assert seconds < 5


# -- 17.1: the cap on every read path ------------------------------------------------------


def _gzip_bomb(size: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = FILLER * 64
    data = b"".join(compressor.compress(block) for _ in range(size // len(block)))
    return data + compressor.flush()


ENDLESS: dict[str, Callable[[], Stream]] = {
    "chunked": lambda: Stream(
        head("Transfer-Encoding: chunked") + b"7fffffffffffffff\r\n", FILLER, 96 << 20
    ),
    "content-length": lambda: Stream(head(f"Content-Length: {96 << 20}"), FILLER, 96 << 20),
    "until-close": lambda: Stream(head(), FILLER, 96 << 20),
}


@pytest.mark.parametrize("framing", sorted(ENDLESS))
def test_the_body_cap_holds_on_every_framing(framing: str) -> None:
    stream = ENDLESS[framing]()
    with RawServer(stream) as server:
        result, _ = check(server)
    assert result.verdict == "ok", result.detail
    assert "anchor not found in the first 4 MiB" in result.detail
    # The cap plus what the kernel buffers on both sides; 96 MiB were on offer.
    assert stream.sent < CAP + (12 << 20)


def test_the_cap_holds_for_a_gzip_bomb() -> None:
    bomb = _gzip_bomb(64 << 20)  # 64 MiB of HTML in well under a megabyte
    answer = head("Content-Encoding: gzip", f"Content-Length: {len(bomb)}") + bomb
    with RawServer(answer) as server:
        result, seconds = check(server)
    assert result.verdict == "ok", result.detail
    assert "anchor not found in the first 4 MiB" in result.detail
    assert seconds < 5


# -- 17.1: the link's deadline on every read path ------------------------------------------

GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
# One byte every 20 ms: no single read ever waits long enough to time out.
DRIP: dict[str, Callable[[], Stream]] = {
    "chunked": lambda: Stream(
        head("Transfer-Encoding: chunked") + b"100000\r\n", b"x", 1 << 20, every=0.02
    ),
    "content-length": lambda: Stream(head("Content-Length: 1000000"), b"x", 1 << 20, every=0.02),
    "until-close": lambda: Stream(head(), b"x", 1 << 20, every=0.02),
    # A gzip header, then a stored deflate block of 65,535 bytes, dripped.
    "gzip": lambda: Stream(
        head("Content-Encoding: gzip") + GZIP_HEADER + b"\x00\xff\xff\x00\x00",
        b"x",
        65535,
        every=0.02,
    ),
}


@pytest.mark.parametrize(
    "framing",
    [f if f == "chunked" else pytest.param(f, marks=pytest.mark.slow) for f in sorted(DRIP)],
)  # each framing waits for the whole deadline (~0.8 s); chunked in the default tier
def test_a_dripping_body_stops_at_the_links_deadline(framing: str) -> None:
    options = dataclasses.replace(FAST, timeout=0.25)  # 3 x 0.25 s for the whole link
    stream = DRIP[framing]()
    with RawServer(stream) as server:
        result, seconds = check(server, options)
    assert result.verdict == "unverifiable", result.detail
    assert "timed out" in result.detail
    # No single read waits long enough to time out: only the link's deadline (0.75 s) ends
    # this. Without it the server would drip on for its full 10 s.
    assert seconds < 2.5


# -- 17.19: a body cut short is unverifiable, not dead ----------------------------------------

CUT_SHORT = {
    "content-length": head("Content-Length: 5000") + FILLER[:100],
    "inside-a-chunk": head("Transfer-Encoding: chunked") + b"1000\r\n" + FILLER[:100],
    "no-last-chunk": head("Transfer-Encoding: chunked") + b"64\r\n" + FILLER[:100] + b"\r\n",
}


@pytest.mark.parametrize("case", sorted(CUT_SHORT))
def test_a_body_cut_short_is_unverifiable(case: str) -> None:
    with RawServer(CUT_SHORT[case]) as server:
        result, _ = check(server)
    assert result.verdict == "unverifiable", result.detail
    assert "cut short" in result.detail
    assert "anchor not checked" in result.detail


def test_a_whole_body_without_the_anchor_is_still_dead() -> None:
    # The counterpart: when the framing says the page is complete, a missing anchor is dead.
    body = FILLER[:100]
    answer = head(f"Content-Length: {len(body)}") + body
    with RawServer(answer) as server:
        result, _ = check(server)
    assert result.verdict == "dead"
    assert result.detail.startswith("no anchor #intro")


# -- 17.20: charsets that cannot decode an ASCII page --------------------------------------


@pytest.mark.parametrize("charset", ["idna", "utf-16", "utf-32", "base64", "rot13", "no-such"])
def test_an_odd_charset_falls_back_to_utf8(charset: str) -> None:
    answer = head(f"Content-Length: {len(PAGE)}", charset=charset) + PAGE
    with RawServer(answer) as server:
        result, _ = check(server)
    assert result.verdict == "ok", result.detail
    assert "internal error" not in result.detail


def test_utf16_with_a_byte_order_mark_is_read_as_utf16() -> None:
    found = PAGE.decode("ascii").encode("utf-16")  # with its BOM
    missing = found.replace("intro".encode("utf-16-le"), "outro".encode("utf-16-le"))
    verdicts = []
    for body in (found, missing):
        answer = head(f"Content-Length: {len(body)}", charset="utf-16") + body
        with RawServer(answer) as server:
            verdicts.append(check(server)[0].verdict)
    assert verdicts == ["ok", "dead"]

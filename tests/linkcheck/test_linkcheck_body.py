"""Body framing on any bytes: de-chunking is exact, and nothing but BodyError comes out.

The bytes are fed to a real ``asyncio.StreamReader``: this is the parser, not the network.
"""

from __future__ import annotations

import asyncio
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studylog_md.linkcheck.body import BodyError, BodyReader, Clock, framing


def read_all(data: bytes, headers: dict[str, str], cap: int = 1 << 20) -> tuple[bytes, BodyReader]:
    async def run() -> tuple[bytes, BodyReader]:
        reader = asyncio.StreamReader(limit=64 * 1024)
        reader.feed_data(data)
        reader.feed_eof()
        body = BodyReader(reader, framing("GET", 200, headers), Clock(5, time.monotonic() + 5), cap)
        out = b""
        while piece := await body.read():
            out += piece
        return out, body

    return asyncio.run(run())


def chunked(pieces: list[bytes], extension: bool) -> bytes:
    ext = b";name=value" if extension else b""
    body = b"".join(b"%x%s\r\n%s\r\n" % (len(p), ext, p) for p in pieces if p)
    return body + b"0\r\nTrailer: x\r\n\r\n"


@given(st.lists(st.binary(max_size=300), max_size=8), st.booleans())
@settings(max_examples=60, deadline=None)
def test_chunked_bodies_decode_exactly(pieces: list[bytes], extension: bool) -> None:
    out, body = read_all(chunked(pieces, extension), {"transfer-encoding": "chunked"})
    assert out == b"".join(pieces)
    assert body.complete


@given(st.lists(st.binary(min_size=1, max_size=300), min_size=1, max_size=8), st.integers(1, 500))
@settings(max_examples=60, deadline=None)
def test_the_cap_is_never_exceeded(pieces: list[bytes], cap: int) -> None:
    out, body = read_all(chunked(pieces, False), {"transfer-encoding": "chunked"}, cap)
    total = sum(map(len, pieces))
    assert out == b"".join(pieces)[:cap]
    # Exactly ``cap`` bytes also stop the reading: the end of the body is not looked for.
    assert body.capped == (total >= cap)
    assert body.complete == (total < cap)


@given(st.binary(max_size=400), st.sampled_from(["chunked", "length", "close"]))
@settings(max_examples=150, deadline=None)
def test_any_bytes_give_data_or_a_body_error(data: bytes, kind: str) -> None:
    headers = {
        "chunked": {"transfer-encoding": "chunked"},
        "length": {"content-length": "100"},
        "close": {},
    }[kind]
    try:
        out, _ = read_all(data, headers, cap=200)
    except BodyError as exc:
        assert exc.kind in ("protocol", "truncated")
        return
    assert len(out) <= 200


@pytest.mark.parametrize(
    ("headers", "kind", "clean"),
    [
        ({"transfer-encoding": "chunked"}, "chunked", True),
        ({"transfer-encoding": "chunked", "content-length": "5"}, "chunked", False),
        ({"transfer-encoding": "gzip"}, "close", False),
        ({"content-length": "5, 5"}, "length", True),
        ({"content-length": "5, 6"}, "close", False),
        ({"content-length": "-5"}, "close", False),
        ({"content-length": "１２"}, "close", False),  # full-width digits: isdigit() is True
        ({}, "close", True),
    ],
)
def test_framing_of_odd_headers(headers: dict[str, str], kind: str, clean: bool) -> None:
    frame = framing("GET", 200, headers)
    assert (frame.kind, frame.clean) == (kind, clean)


def test_no_body_for_head_204_304() -> None:
    assert framing("HEAD", 200, {"content-length": "9"}).kind == "none"
    assert framing("GET", 204, {}).kind == "none"
    assert framing("GET", 304, {"content-length": "9"}).kind == "none"

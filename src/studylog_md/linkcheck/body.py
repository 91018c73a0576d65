"""Reading a response body: framing, a byte cap and the link's deadline on every path.

A hostile server decides what the framing says. So a chunk size is exactly 1 to 16 hex
digits (``-1``, ``+5``, ``0x10`` and empty lines are errors: ``int(x, 16)`` accepts the
first three, and ``read(-1)`` would read until the server stops), every read asks for at
most what is left of the cap, and every wait is bounded by the link's deadline, whether the
body is chunked, has a ``Content-Length`` or runs until the connection closes.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Mapping
from typing import NamedTuple

_PIECE = 16 * 1024
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,16}")
MAX_TRAILER_LINES = 100


class BodyError(Exception):
    """The body broke its framing (``kind="protocol"``), or ended before its framing said
    it would (``kind="truncated"``)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


class Clock:
    """Per-step timeouts that never run past the link's deadline."""

    __slots__ = ("deadline", "timeout")

    def __init__(self, timeout: float, deadline: float) -> None:
        self.timeout = timeout
        self.deadline = deadline

    def limit(self) -> float:
        """Seconds the next step may take."""
        return max(0.0, min(self.timeout, self.deadline - time.monotonic()))

    def message(self, step: str) -> str:
        """Why a step timed out, for people."""
        if self.deadline - time.monotonic() <= 0:
            return f"timed out {step} (the time for this link was used up)"
        return f"timed out {step} (after {self.timeout:g} s)"


class Framing(NamedTuple):
    """How the body of a response ends."""

    kind: str  # "none" | "length" | "chunked" | "close"
    length: int = 0  # for "length"
    clean: bool = True  # False: the headers were odd enough that the connection is not reused


def framing(method: str, status: int, headers: Mapping[str, str]) -> Framing:
    """The framing of a response's body (RFC 9112, section 6.3)."""
    if method == "HEAD" or status < 200 or status in (204, 304):
        return Framing("none")
    encoding = headers.get("transfer-encoding", "").lower()
    length = headers.get("content-length")
    if encoding:
        # Transfer-Encoding wins over Content-Length; both at once is how request smuggling
        # starts, so such a connection is never used again.
        codings = [c.strip() for c in encoding.split(",")]
        if codings[-1] == "chunked":
            return Framing("chunked", clean=length is None)
        return Framing("close", clean=False)
    if length is not None:
        values = {value.strip() for value in length.split(",")}
        if len(values) == 1:
            value = values.pop()
            if value.isascii() and value.isdigit() and len(value) <= 18:
                return Framing("length", int(value))
        return Framing("close", clean=False)
    return Framing("close")


class BodyReader:
    """The de-chunked bytes of one body, at most ``cap`` of them, none after the deadline.

    :meth:`read` returns the next piece, or ``b""`` at the end of the body or once ``cap``
    bytes were read (:attr:`capped`). :attr:`complete` tells whether the whole body was read
    (the connection is then free for the next request). Raises :class:`BodyError`, or
    :class:`asyncio.TimeoutError` when the deadline passes.
    """

    def __init__(
        self, reader: asyncio.StreamReader, frame: Framing, clock: Clock, cap: int
    ) -> None:
        self._reader = reader
        self._frame = frame
        self._clock = clock
        self._left = cap
        self._remaining = frame.length if frame.kind == "length" else 0
        self._chunk_left = 0
        self.complete = frame.kind == "none" or (frame.kind == "length" and frame.length == 0)
        self.capped = False
        self.received = 0

    @property
    def frame(self) -> Framing:
        """How this body ends."""
        return self._frame

    @property
    def left_in_frame(self) -> int:
        """For a ``Content-Length`` body: the bytes not read yet."""
        return self._remaining

    def extend(self, cap: int, clock: Clock) -> None:
        """Allow ``cap`` more bytes, within ``clock``'s bounds (to drain the rest)."""
        self._left = cap
        self._clock = clock
        self.capped = False

    async def read(self) -> bytes:
        """The next piece of the body (``b""``: no more)."""
        if self.complete or self.capped:
            return b""
        if self._left <= 0:
            self.capped = True
            return b""
        kind = self._frame.kind
        if kind == "chunked":
            data = await self._next_chunked()
        elif kind == "length":
            data = await self._read(min(_PIECE, self._remaining, self._left))
            if not data:
                raise BodyError(
                    "truncated",
                    f"the body was cut short after {self.received} of {self._frame.length} bytes",
                )
            self._remaining -= len(data)
            self.complete = self._remaining == 0
        else:  # until the server closes the connection
            data = await self._read(min(_PIECE, self._left))
            self.complete = not data
        self._left -= len(data)
        self.received += len(data)
        return data

    async def _next_chunked(self) -> bytes:
        if self._chunk_left == 0:
            size = await self._chunk_size()
            if size == 0:
                await self._trailers()
                self.complete = True
                return b""
            self._chunk_left = size
        data = await self._read(min(_PIECE, self._chunk_left, self._left))
        if not data:
            raise BodyError(
                "truncated", f"the body was cut short after {self.received} bytes (in a chunk)"
            )
        self._chunk_left -= len(data)
        if self._chunk_left == 0:
            end = await self._line()
            if end.strip(b"\r\n"):
                raise BodyError("protocol", "bad chunked encoding (no line break after a chunk)")
        return data

    async def _chunk_size(self) -> int:
        line = await self._line()
        text = line.split(b";", 1)[0].strip(b" \t\r\n")
        if _CHUNK_SIZE.fullmatch(text) is None:
            shown = text[:20].decode("latin-1")
            raise BodyError("protocol", f"bad chunked encoding (chunk size {shown!r})")
        return int(text, 16)

    async def _trailers(self) -> None:
        for _ in range(MAX_TRAILER_LINES):
            if not (await self._line()).strip(b"\r\n"):
                return
        raise BodyError("protocol", "bad chunked encoding (too many trailer lines)")

    async def _line(self) -> bytes:
        try:
            return await asyncio.wait_for(self._reader.readuntil(b"\n"), self._clock.limit())
        except asyncio.LimitOverrunError:
            raise BodyError("protocol", "bad chunked encoding (line too long)") from None
        except asyncio.IncompleteReadError:
            raise BodyError(
                "truncated", f"the body was cut short after {self.received} bytes"
            ) from None

    async def _read(self, size: int) -> bytes:
        # ``size`` is always > 0 here: read(-1) or read(0) would mean "everything" or nothing.
        return await asyncio.wait_for(self._reader.read(size), self._clock.limit())


async def drain(body: BodyReader, cap: int, clock: Clock) -> bool:
    """Read and drop the rest of a body, at most ``cap`` more bytes within ``clock``'s
    bounds; whether the body then ended (so that its connection can be used again)."""
    if body.frame.kind == "length" and body.left_in_frame > cap:
        return False  # not worth the wait: a new connection is cheaper
    body.extend(cap, clock)
    try:
        while await body.read():
            pass
    except (BodyError, asyncio.TimeoutError, ConnectionError, OSError):
        return False
    return body.complete

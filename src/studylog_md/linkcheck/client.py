"""A minimal HTTP/1.1 client on asyncio streams, connecting to an address we vetted.

Why our own client: the checker must connect to *the* IP address it vetted while sending the
real ``Host`` header and TLS SNI and checking the certificate against the host name. With
``asyncio.open_connection(ip, port, ssl=ctx, server_hostname=host)`` that is one call, with
no DNS anywhere in this module. We also need far less than a general client: one request
per connection (``Connection: close``), the status line and headers, and at most a capped
prefix of the body when an anchor must be found. Measured against aiohttp and httpx in
``benchmarks/linkcheck_bench.py``; see docs/link-checking.md.

No cookies are kept, ``.netrc`` is never read, proxy environment variables are ignored, and
credentials written in URLs are never sent.
"""

from __future__ import annotations

import asyncio
import codecs
import re
import ssl
import time
import zlib
from collections.abc import Mapping
from dataclasses import dataclass

from .targets import Target, decoded_fragment

MAX_HEADER_BYTES = 64 * 1024
MAX_HEADERS = 200
# How much of an HTML body we read to look for an anchor (see docs/link-checking.md).
ANCHOR_READ_CAP = 4 * 1024 * 1024
_CHUNK = 16 * 1024
# How many characters of the previous chunk are searched again, for an attribute cut in two.
_OVERLAP = 1024
_STREAM_LIMIT = 64 * 1024


class FetchError(Exception):
    """A request that produced no HTTP response; ``kind`` says how it failed."""

    def __init__(self, kind: str, message: str, connected: bool = True) -> None:
        super().__init__(message)
        self.kind = kind  # "timeout" | "refused" | "reset" | "tls" | "protocol"
        self.connected = connected  # False: no connection was made (another address may work)

    @property
    def transient(self) -> bool:
        """Worth another try: the failure may be gone in a moment."""
        return self.kind in ("timeout", "refused", "reset")


@dataclass(slots=True)
class Response:
    """What one request told us."""

    status: int
    reason: str
    headers: dict[str, str]  # lower-case names; repeated headers joined with ", "
    anchor_found: bool | None = None  # None: not looked for (not HTML, no fragment, ...)
    anchor_note: str = ""  # why the anchor was not looked for
    body_bytes: int = 0  # body bytes read from the network

    @property
    def location(self) -> str | None:
        """The ``Location`` header, if any."""
        return self.headers.get("location")


def make_ssl_context() -> ssl.SSLContext:
    """The TLS context every https request uses: the system's trust store, hostname checks."""
    context = ssl.create_default_context()
    context.set_alpn_protocols(["http/1.1"])
    return context


async def fetch(
    target: Target,
    address: str,
    method: str,
    headers: Mapping[str, str],
    *,
    timeout: float,
    deadline: float,
    ssl_context: ssl.SSLContext | None,
    anchor: str | None = None,
) -> Response:
    """Send one request for ``target`` to ``address`` (already vetted) and read the answer.

    ``timeout`` bounds the connection (TCP + TLS), the wait for the headers and each body
    read; nothing goes on past ``deadline`` (a ``time.monotonic()`` value).
    With ``anchor`` (GET only) up to :data:`ANCHOR_READ_CAP` bytes of an HTML body are read
    to find ``id="anchor"`` or ``name="anchor"``; otherwise no body byte is read.
    """
    tls = target.scheme == "https"
    clock = _Clock(timeout, deadline)
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(
                address,
                target.port,
                ssl=(ssl_context or make_ssl_context()) if tls else None,
                server_hostname=target.host if tls else None,
                ssl_handshake_timeout=timeout if tls else None,
                limit=_STREAM_LIMIT,
            ),
            clock.limit(),
        )
    except asyncio.TimeoutError:
        raise FetchError("timeout", clock.message("connecting"), connected=False) from None
    except ssl.SSLCertVerificationError as exc:
        raise FetchError("tls", f"TLS certificate problem: {exc.verify_message}") from None
    except ssl.SSLError as exc:
        raise FetchError("tls", f"TLS error: {exc.reason or exc}") from None
    except ConnectionRefusedError:
        raise FetchError("refused", "connection refused", connected=False) from None
    except OSError as exc:
        raise FetchError(
            "reset", f"could not connect: {exc.strerror or exc}", connected=False
        ) from None
    try:
        writer.write(_request_bytes(target, method, headers))
        # One timer for the whole head, not one per line: cheaper at many links per second.
        response = await asyncio.wait_for(_read_head(reader), clock.limit())
        if method == "HEAD" or anchor is None or response.status // 100 != 2:
            return response
        await _find_anchor(reader, response, anchor, clock)
        return response
    except asyncio.TimeoutError:
        raise FetchError("timeout", clock.message("waiting for the server")) from None
    except ssl.SSLError as exc:
        raise FetchError("tls", f"TLS error: {exc.reason or exc}") from None
    except (ConnectionError, asyncio.IncompleteReadError) as exc:
        raise FetchError("reset", f"connection closed early ({type(exc).__name__})") from None
    except OSError as exc:
        raise FetchError("reset", f"network error: {exc.strerror or exc}") from None
    finally:
        # abort(), not close(): we never want the rest of the body, and a TLS close would
        # wait for the server's close_notify.
        writer.transport.abort()


def _request_bytes(target: Target, method: str, headers: Mapping[str, str]) -> bytes:
    lines = [f"{method} {target.target} HTTP/1.1", f"Host: {target.host_header}"]
    lines.extend(f"{name}: {value}" for name, value in headers.items())
    lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")


class _Clock:
    """Per-step timeouts that never run past the link's deadline."""

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


async def _read_line(reader: asyncio.StreamReader) -> bytes:
    try:
        return await reader.readuntil(b"\n")
    except asyncio.LimitOverrunError:
        raise FetchError("protocol", "header line too long") from None
    except asyncio.IncompleteReadError as exc:
        if not exc.partial:
            raise FetchError(
                "reset", "the server closed the connection without answering"
            ) from None
        return exc.partial


async def _read_head(reader: asyncio.StreamReader) -> Response:
    """Read the status line and headers, skipping interim 1xx responses."""
    while True:
        status, reason = _status_line(await _read_line(reader))
        headers: dict[str, str] = {}
        total = 0
        for _ in range(MAX_HEADERS + 1):
            line = await _read_line(reader)
            total += len(line)
            if total > MAX_HEADER_BYTES:
                raise FetchError("protocol", "response headers too large")
            if line in (b"\r\n", b"\n", b""):
                break
            name, sep, value = line.decode("latin-1").partition(":")
            if not sep:
                continue  # tolerate junk lines, as browsers do
            key = name.strip().lower()
            value = value.strip()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        else:
            raise FetchError("protocol", "too many response headers")
        if 100 <= status < 200:
            continue
        return Response(status=status, reason=reason, headers=headers)


def _status_line(line: bytes) -> tuple[int, str]:
    match = re.match(rb"HTTP/\d(?:\.\d)?\s+(\d{3})(?:\s+(.*))?\r?\n?$", line)
    if match is None:
        raise FetchError("protocol", "not an HTTP response")
    reason = (match.group(2) or b"").decode("latin-1", "replace").strip()
    return int(match.group(1)), reason


async def _find_anchor(
    reader: asyncio.StreamReader, response: Response, fragment: str, clock: _Clock
) -> None:
    content_type = response.headers.get("content-type", "").lower()
    if "html" not in content_type:
        response.anchor_note = "anchor not checked: not an HTML page"
        return
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("identity", "", "gzip", "x-gzip", "deflate"):
        response.anchor_note = f"anchor not checked: {encoding}-compressed page"
        return
    pattern = _anchor_pattern(fragment)
    decompressor = zlib.decompressobj(47) if encoding not in ("identity", "") else None
    charset = _charset(content_type)
    decoder = codecs.getincrementaldecoder(charset)(errors="replace")
    text = ""
    decoded_total = 0
    async for raw in _ChunkIterator(reader, response.headers, clock):
        response.body_bytes += len(raw)
        data = raw
        if decompressor is not None:
            try:
                data = decompressor.decompress(raw, ANCHOR_READ_CAP - decoded_total)
            except zlib.error:
                response.anchor_note = "anchor not checked: corrupt compressed page"
                return
        decoded_total += len(data)
        text = text[-_OVERLAP:] + decoder.decode(data)
        if pattern.search(text):
            response.anchor_found = True
            return
        if response.body_bytes >= ANCHOR_READ_CAP or decoded_total >= ANCHOR_READ_CAP:
            response.anchor_note = (
                f"anchor not found in the first {ANCHOR_READ_CAP // (1024 * 1024)} MiB; "
                "not checked further"
            )
            return
    response.anchor_found = False


def _charset(content_type: str) -> str:
    match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type)
    if match is not None:
        try:
            info = codecs.lookup(match.group(1))
        except LookupError:
            return "utf-8"
        # Only text encodings: "base64" or "rot13" are codecs too, but not charsets.
        if getattr(info, "_is_text_encoding", True):
            return info.name
    return "utf-8"


def _anchor_pattern(fragment: str) -> re.Pattern[str]:
    names = {fragment, decoded_fragment(fragment)}
    # GitHub renders Markdown headings as id="user-content-NAME" and scrolls to #NAME.
    names |= {"user-content-" + name for name in names}
    alternatives = "|".join(re.escape(name) for name in sorted(names))
    return re.compile(
        r"(?<![\w-])(?:id|name)\s*=\s*(?:\"(?:"
        + alternatives
        + r")\"|'(?:"
        + alternatives
        + r")'|(?:"
        + alternatives
        + r")(?=[\s>/]))",
        re.IGNORECASE,
    )


class _ChunkIterator:
    """The body's bytes in pieces, de-chunked, ending at Content-Length or EOF."""

    def __init__(self, reader: asyncio.StreamReader, headers: Mapping[str, str], clock: _Clock):
        self._reader = reader
        self._clock = clock
        self._chunked = "chunked" in headers.get("transfer-encoding", "").lower()
        length = headers.get("content-length", "")
        self._remaining: int | None = int(length) if length.strip().isdigit() else None
        self._chunk_left = 0
        self._done = False

    def __aiter__(self) -> _ChunkIterator:
        return self

    async def __anext__(self) -> bytes:
        if self._done:
            raise StopAsyncIteration
        if self._chunked:
            data = await self._next_chunked()
        else:
            size = _CHUNK if self._remaining is None else min(_CHUNK, self._remaining)
            data = await self._read(size) if size else b""
            if self._remaining is not None:
                self._remaining -= len(data)
        if not data:
            self._done = True
            raise StopAsyncIteration
        return data

    async def _next_chunked(self) -> bytes:
        if self._chunk_left == 0:
            size_line = await asyncio.wait_for(_read_line(self._reader), self._clock.limit())
            if not size_line.strip():  # the CRLF after the previous chunk
                size_line = await asyncio.wait_for(_read_line(self._reader), self._clock.limit())
            size_text = size_line.split(b";", 1)[0].strip()
            try:
                self._chunk_left = int(size_text, 16)
            except ValueError:
                raise FetchError("protocol", "bad chunked encoding") from None
            if self._chunk_left == 0:
                return b""
        data = await self._read(min(_CHUNK, self._chunk_left))
        self._chunk_left -= len(data)
        return data

    async def _read(self, size: int) -> bytes:
        return await asyncio.wait_for(self._reader.read(size), self._clock.limit())

"""A minimal HTTP/1.1 client on asyncio streams, connecting to an address we vetted.

Why our own client: the checker must connect to *the* IP address it vetted while sending the
real ``Host`` header and TLS SNI and checking the certificate against the host name. With
``asyncio.open_connection(sock=..., ssl=ctx, server_hostname=host)`` on a socket connected
to that address that is one call, with no DNS anywhere in this module. We also need far less
than a general client: the status line and headers, and at most a capped prefix of the body
when an anchor must be found. Measured against aiohttp, httpx and lychee in
``benchmarks/linkcheck_bench.py``; see docs/link-checking.md.

Connections are kept alive for the next request with the same key (vetted address, port,
scheme, host: see ``pool.py``) when the body was read to its end; otherwise dropped.
Connecting (happy eyeballs, proxies, TLS) is ``connect.py``; body framing is ``body.py``.
No cookies are kept, ``.netrc`` is never read, and credentials written in URLs are never sent.
"""

from __future__ import annotations

import asyncio
import codecs
import re
import ssl
import zlib
from collections.abc import Mapping
from dataclasses import dataclass

from .body import BodyError, BodyReader, Clock, drain, framing
from .connect import FetchError, open_connection
from .pool import Connection, ConnectionPool, PoolKey
from .proxy import Proxy
from .targets import Target, decoded_fragment

__all__ = ["ANCHOR_READ_CAP", "FetchError", "Response", "fetch", "make_ssl_context"]

MAX_HEADER_BYTES = 64 * 1024
MAX_HEADERS = 200
# How much of an HTML body we read to look for an anchor (see docs/link-checking.md).
ANCHOR_READ_CAP = 4 * 1024 * 1024
# The rest of a body is read (and dropped) to keep its connection only when it is this small
# and comes this quickly; otherwise the connection is closed instead.
DRAIN_CAP = 64 * 1024
DRAIN_SECONDS = 1.0
# How many characters of the previous piece are searched again, for an attribute cut in two.
_OVERLAP = 1024


@dataclass(slots=True)
class Response:
    """What one request told us."""

    status: int
    reason: str
    headers: dict[str, str]  # lower-case names; repeated headers joined with ", "
    anchor_found: bool | None = None  # None: not looked for (not HTML, no fragment, ...)
    anchor_note: str = ""  # why the anchor was not looked for
    body_bytes: int = 0  # body bytes read from the network
    version: str = "1.1"  # the HTTP version of the status line

    @property
    def location(self) -> str | None:
        """The ``Location`` header, if any."""
        return self.headers.get("location")


def make_ssl_context() -> ssl.SSLContext:
    """The TLS context every https request uses: the system's trust store, hostname checks."""
    context = ssl.create_default_context()
    context.set_alpn_protocols(["http/1.1"])
    return context


class _Stale(Exception):
    """A kept-alive connection that the server had closed before our request."""


async def fetch(
    target: Target,
    addresses: tuple[str, ...] | list[str],
    method: str,
    headers: Mapping[str, str],
    *,
    timeout: float,
    deadline: float,
    ssl_context: ssl.SSLContext | None,
    anchor: str | None = None,
    pool: ConnectionPool | None = None,
    proxy: Proxy | None = None,
) -> Response:
    """Send one request for ``target`` to one of ``addresses`` (already vetted) and read the
    answer; through ``proxy`` when given (``addresses`` are then not contacted).

    ``timeout`` bounds connecting (TCP + TLS), the wait for the headers and each body read;
    nothing goes on past ``deadline`` (a ``time.monotonic()`` value). With ``anchor`` (GET
    only) up to :data:`ANCHOR_READ_CAP` bytes of an HTML body are read to find
    ``id="anchor"`` or ``name="anchor"``. With ``pool`` a kept-alive connection with the same
    key is used when there is one, and the connection is kept when its body was read to the
    end. Raises :class:`FetchError`.
    """
    clock = Clock(timeout, deadline)
    tls = (ssl_context or make_ssl_context()) if target.scheme == "https" else None
    pool = pool if pool is not None else ConnectionPool(0)
    if proxy is None:
        keys = [PoolKey("", a, target.port, target.scheme, target.host) for a in addresses]
    else:
        via = f"{proxy.host}:{proxy.port}"
        keys = [PoolKey(via, target.host, target.port, target.scheme, target.host)]
    request = _request_bytes(target, method, headers, proxy if tls is None else None)
    connection = pool.take(keys)
    if connection is not None:
        try:
            return await _exchange(connection, request, method, anchor, clock, pool, True)
        except _Stale:
            pass  # the server closed it while it was idle: a fresh connection, once
    connection = await open_connection(
        keys[0]._replace(address="") if proxy is None else keys[0],
        list(addresses),
        clock=clock,
        tls=tls,
        proxy=proxy,
    )
    pool.opened += 1
    try:
        return await _exchange(connection, request, method, anchor, clock, pool, False)
    except _Stale:
        raise FetchError("reset", "the server closed the connection without answering") from None


async def _exchange(
    connection: Connection,
    request: bytes,
    method: str,
    anchor: str | None,
    clock: Clock,
    pool: ConnectionPool,
    reused: bool,
) -> Response:
    """One request and response on ``connection``; keeps or closes it afterwards."""
    keep = False
    try:
        connection.writer.write(request)
        # One timer for the whole head, not one per line: cheaper at many links per second.
        response = await asyncio.wait_for(_read_head(connection.reader, reused), clock.limit())
        frame = framing(method, response.status, response.headers)
        body = BodyReader(connection.reader, frame, clock, ANCHOR_READ_CAP)
        if anchor is not None and method == "GET" and response.status // 100 == 2:
            await _find_anchor(body, response, anchor)
        reusable = frame.clean and frame.kind != "close" and _keeps_alive(response)
        if reusable and not body.complete:
            drain_clock = Clock(min(clock.timeout, DRAIN_SECONDS), clock.deadline)
            reusable = await drain(body, DRAIN_CAP, drain_clock)
        keep = reusable  # only now: a cancelled drain must not leave half a body behind
        return response
    except asyncio.TimeoutError:
        raise FetchError("timeout", clock.message("waiting for the server")) from None
    except BodyError as exc:
        raise FetchError(exc.kind, str(exc)) from None
    except ssl.SSLError as exc:
        raise FetchError("tls", f"TLS error: {exc.reason or exc}") from None
    except (ConnectionError, asyncio.IncompleteReadError) as exc:
        raise FetchError("reset", f"connection closed early ({type(exc).__name__})") from None
    except OSError as exc:
        raise FetchError("reset", f"network error: {exc.strerror or exc}") from None
    finally:
        if keep:
            pool.give(connection)
        else:
            # abort(), not close(): a TLS close would wait for the server's close_notify.
            connection.close()


def _keeps_alive(response: Response) -> bool:
    tokens = {t.strip().lower() for t in response.headers.get("connection", "").split(",")}
    if response.version == "1.0":
        return "keep-alive" in tokens and "close" not in tokens
    return "close" not in tokens


def _request_bytes(
    target: Target, method: str, headers: Mapping[str, str], proxy: Proxy | None
) -> bytes:
    # Through a proxy, plain http goes in absolute form (RFC 9112, section 3.2.2).
    request_target = target.url if proxy is not None else target.target
    lines = [f"{method} {request_target} HTTP/1.1", f"Host: {target.host_header}"]
    lines.extend(f"{name}: {value}" for name, value in headers.items())
    if proxy is not None and proxy.authorization:
        lines.append(f"Proxy-Authorization: {proxy.authorization}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")


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


async def _read_head(reader: asyncio.StreamReader, reused: bool = False) -> Response:
    """Read the status line and headers, skipping interim 1xx responses."""
    try:
        first = await _read_line(reader)
    except (FetchError, ConnectionError) as exc:
        if reused and (not isinstance(exc, FetchError) or exc.kind == "reset"):
            raise _Stale from None
        raise
    if reused:
        try:
            _status_line(first)
        except FetchError:
            # Bytes a server sent after its previous answer (a body to a HEAD, say) arrived
            # after the connection was put back: not this request's answer.
            raise _Stale from None
    while True:
        status, reason, version = _status_line(first)
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
            first = await _read_line(reader)
            continue
        return Response(status=status, reason=reason, headers=headers, version=version)


def _status_line(line: bytes) -> tuple[int, str, str]:
    match = re.match(rb"HTTP/(\d(?:\.\d)?)\s+(\d{3})(?:\s+(.*))?\r?\n?$", line)
    if match is None:
        raise FetchError("protocol", "not an HTTP response")
    reason = (match.group(3) or b"").decode("latin-1", "replace").strip()
    return int(match.group(2)), reason, match.group(1).decode("ascii")


async def _find_anchor(body: BodyReader, response: Response, fragment: str) -> None:
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
    decoder: codecs.IncrementalDecoder | None = None
    text = ""
    decoded_total = 0
    while True:
        try:
            raw = await body.read()
        except BodyError as exc:
            if exc.kind == "truncated":
                # Half a page proves nothing either way: the anchor may be in the missing half.
                raise BodyError("truncated", f"{exc}; anchor not checked") from None
            raise
        if not raw:
            break
        response.body_bytes += len(raw)
        data = raw
        if decompressor is not None:
            try:
                # Never more out than is left of the cap: a small gzip bomb stays small.
                data = decompressor.decompress(raw, max(1, ANCHOR_READ_CAP - decoded_total))
            except zlib.error:
                response.anchor_note = "anchor not checked: corrupt compressed page"
                return
        if decoder is None:
            decoder = _decoder(content_type, data)
        decoded_total += len(data)
        try:
            piece = decoder.decode(data)
        except UnicodeError:  # a codec that passed the probe and still fails: plain UTF-8
            decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
            piece = decoder.decode(data)
        text = text[-_OVERLAP:] + piece
        if pattern.search(text):
            response.anchor_found = True
            return
        if decoded_total >= ANCHOR_READ_CAP:
            break
    if body.capped or decoded_total >= ANCHOR_READ_CAP:
        response.anchor_note = (
            f"anchor not found in the first {ANCHOR_READ_CAP // (1024 * 1024)} MiB; "
            "not checked further"
        )
        return
    response.anchor_found = False


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_PROBE = 'id="a-1" name=x>'


def _decoder(content_type: str, start: bytes) -> codecs.IncrementalDecoder:
    """A decoder for the page: its byte-order mark, else its declared charset when that is
    a text encoding that spells ``id="..."`` in ASCII, else UTF-8 (all with replacement).

    ``charset=idna`` (no ``errors="replace"``), ``utf-16`` without a byte-order mark (no
    byte order) or ``base64`` (not text) would otherwise fail or find nothing.
    """
    for bom, name in _BOMS:
        if start.startswith(bom):
            return codecs.getincrementaldecoder(name)(errors="replace")
    match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type)
    if match is not None:
        try:
            info = codecs.lookup(match.group(1))
            if getattr(info, "_is_text_encoding", True) and info.incrementaldecoder:
                decoder = info.incrementaldecoder(errors="replace")
                if decoder.decode(_PROBE.encode("ascii"), final=False) == _PROBE:
                    return info.incrementaldecoder(errors="replace")
        except (LookupError, UnicodeError, ValueError, TypeError):
            pass
    return codecs.getincrementaldecoder("utf-8")(errors="replace")


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

"""Opening a connection: happy eyeballs over the vetted addresses, proxies, TLS.

Happy eyeballs (RFC 8305): the addresses are tried in an order that alternates the address
families, each attempt starting :data:`STAGGER` seconds after the previous one (or at once
when the previous one failed), the first to connect wins and the others are dropped. A
black-holed address (an IPv6 route that swallows packets, a server whose backlog is full)
then costs a quarter of a second, not the link's whole timeout; each attempt also has a
timeout of its own, well under the link's (:func:`attempt_timeout`).

Only TCP is raced; TLS runs once, on the winner, with the link's host as server name.
"""

from __future__ import annotations

import asyncio
import re
import socket
import ssl
from typing import TYPE_CHECKING

from .pool import Connection, PoolKey

if TYPE_CHECKING:  # pragma: no cover
    from .body import Clock
    from .proxy import Proxy

STAGGER = 0.25  # RFC 8305, section 5: the recommended "Connection Attempt Delay"
STREAM_LIMIT = 64 * 1024
MAX_PROXY_HEAD = 16 * 1024


class FetchError(Exception):
    """A request that produced no HTTP response; ``kind`` says how it failed."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        # "timeout" | "refused" | "reset" | "tls" | "protocol" | "truncated" | "proxy"
        self.kind = kind

    @property
    def transient(self) -> bool:
        """Worth another try: the failure may be gone in a moment."""
        return self.kind in ("timeout", "refused", "reset", "truncated")


def interleave(addresses: list[str] | tuple[str, ...]) -> list[str]:
    """``addresses`` with the families alternating, the first address's family first."""
    if not addresses:
        return []
    first_v6 = ":" in addresses[0]
    same = [a for a in addresses if (":" in a) == first_v6]
    other = [a for a in addresses if (":" in a) != first_v6]
    ordered: list[str] = []
    for index in range(max(len(same), len(other))):
        ordered.extend(group[index] for group in (same, other) if index < len(group))
    return ordered


def attempt_timeout(timeout: float, addresses: int) -> float:
    """How long one address may take to accept: the whole timeout when it is the only one,
    else a third of it (at least a second), so that later addresses keep most of the time."""
    if addresses <= 1:
        return timeout
    return min(timeout, max(1.0, timeout / 3))


async def _attempt(address: str, port: int, timeout: float) -> tuple[socket.socket, str]:
    loop = asyncio.get_running_loop()
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setblocking(False)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        await asyncio.wait_for(loop.sock_connect(sock, (address, port)), timeout)
    except BaseException:
        sock.close()
        raise
    return sock, address


def _close_result(task: asyncio.Task[tuple[socket.socket, str]]) -> None:
    # An attempt cancelled at the moment it connected still hands back its socket.
    if not task.cancelled() and task.exception() is None:
        task.result()[0].close()


async def connect_tcp(addresses: list[str], port: int, timeout: float) -> tuple[socket.socket, str]:
    """A socket connected to the first of ``addresses`` that accepts (happy eyeballs), and
    that address.

    Raises :class:`FetchError` ("refused", "timeout" or "reset") when none does; the caller
    bounds the whole race by the link's deadline.
    """
    order = interleave(addresses)
    per_attempt = attempt_timeout(timeout, len(order))
    waiting = iter(order)
    running: set[asyncio.Task[tuple[socket.socket, str]]] = set()
    errors: list[BaseException] = []
    try:
        more = True
        while True:
            address = next(waiting, None) if more else None
            if address is None:
                more = False
            else:
                running.add(asyncio.ensure_future(_attempt(address, port, per_attempt)))
            if not running:
                break
            done, _ = await asyncio.wait(
                running, timeout=STAGGER if more else None, return_when=asyncio.FIRST_COMPLETED
            )
            for task in done:
                running.discard(task)
                failure = task.exception()
                if failure is None:
                    winner = task.result()
                    for other in done - {task}:
                        _close_result(other)
                    return winner
                errors.append(failure)
    finally:
        for task in running:
            task.cancel()
            task.add_done_callback(_close_result)
    raise _connect_failure(errors, per_attempt)


def _connect_failure(errors: list[BaseException], per_attempt: float) -> FetchError:
    if errors and all(isinstance(e, ConnectionRefusedError) for e in errors):
        return FetchError("refused", "connection refused")
    if any(isinstance(e, asyncio.TimeoutError) for e in errors):
        return FetchError("timeout", f"timed out connecting (after {per_attempt:g} s)")
    first = next((e for e in errors if isinstance(e, OSError)), None)
    reason = (first.strerror or str(first)) if first is not None else "no address"
    return FetchError("reset", f"could not connect: {reason}")


async def open_connection(
    key: PoolKey,
    addresses: list[str],
    *,
    clock: Clock,
    tls: ssl.SSLContext | None,
    proxy: Proxy | None,
) -> Connection:
    """A new connection for ``key``: to one of the vetted ``addresses`` (the connection's
    key then names the one that answered), or through ``proxy`` (tunnelled with CONNECT for
    https), with TLS for ``key.host`` when ``tls``. Raises :class:`FetchError`."""
    sock: socket.socket | None = None
    try:
        if proxy is None:
            sock, address = await asyncio.wait_for(
                connect_tcp(addresses, key.port, clock.timeout), clock.limit()
            )
            key = key._replace(address=address)
        else:
            sock = await _connect_proxy(proxy, clock)
            if tls is not None:
                await _tunnel(sock, proxy, key, clock)
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(
                sock=sock,
                ssl=tls,
                server_hostname=key.host if tls is not None else None,
                ssl_handshake_timeout=max(0.01, clock.limit()) if tls is not None else None,
                limit=STREAM_LIMIT,
            ),
            clock.limit(),
        )
        return Connection(key, reader, writer)
    except BaseException as exc:
        if sock is not None:
            sock.close()  # harmless when a transport has closed it already
        if isinstance(exc, Exception):
            raise _as_fetch_error(exc, clock) from None
        raise


def _as_fetch_error(exc: Exception, clock: Clock) -> Exception:
    if isinstance(exc, FetchError):
        return exc
    if isinstance(exc, asyncio.TimeoutError):
        return FetchError("timeout", clock.message("connecting"))
    if isinstance(exc, ssl.SSLCertVerificationError):
        return FetchError("tls", f"TLS certificate problem: {exc.verify_message}")
    if isinstance(exc, ssl.SSLError):
        return FetchError("tls", f"TLS error: {exc.reason or exc}")
    if isinstance(exc, ConnectionRefusedError):
        return FetchError("refused", "connection refused")
    if isinstance(exc, OSError):
        return FetchError("reset", f"could not connect: {exc.strerror or exc}")
    return exc


async def _connect_proxy(proxy: Proxy, clock: Clock) -> socket.socket:
    """A socket to the proxy. Its address is not vetted: the user chose it, and proxies
    usually live on private addresses."""
    loop = asyncio.get_running_loop()
    try:
        infos = await asyncio.wait_for(
            loop.getaddrinfo(proxy.host, proxy.port, type=socket.SOCK_STREAM), clock.limit()
        )
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        sock, _address = await asyncio.wait_for(
            connect_tcp(addresses, proxy.port, clock.timeout), clock.limit()
        )
        return sock
    except asyncio.TimeoutError:
        raise FetchError("proxy", f"timed out connecting to the {proxy.describe()}") from None
    except socket.gaierror:
        raise FetchError("proxy", f"the {proxy.describe()} has no address (DNS)") from None
    except FetchError as exc:
        raise FetchError("proxy", f"could not connect to the {proxy.describe()}: {exc}") from None


async def _tunnel(sock: socket.socket, proxy: Proxy, key: PoolKey, clock: Clock) -> None:
    """Ask the proxy for a tunnel to ``key.host:key.port`` (CONNECT) on the raw socket."""
    loop = asyncio.get_running_loop()
    host = f"[{key.host}]" if ":" in key.host else key.host
    authority = f"{host}:{key.port}"
    lines = [f"CONNECT {authority} HTTP/1.1", f"Host: {authority}"]
    if proxy.authorization:
        lines.append(f"Proxy-Authorization: {proxy.authorization}")
    try:
        await asyncio.wait_for(
            loop.sock_sendall(sock, ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")),
            clock.limit(),
        )
        head = b""
        while b"\r\n\r\n" not in head and b"\n\n" not in head:
            # The proxy sends nothing after its answer until we do: no tunnelled byte is
            # read here by mistake.
            piece = await asyncio.wait_for(loop.sock_recv(sock, 4096), clock.limit())
            if not piece:
                raise FetchError("proxy", f"the {proxy.describe()} closed the connection")
            head += piece
            if len(head) > MAX_PROXY_HEAD:
                raise FetchError("proxy", f"the {proxy.describe()} sent too large an answer")
    except asyncio.TimeoutError:
        sock.close()
        raise FetchError("proxy", f"timed out waiting for the {proxy.describe()}") from None
    except OSError as exc:
        sock.close()
        raise FetchError("proxy", f"the {proxy.describe()} failed: {exc.strerror or exc}") from None
    except FetchError:
        sock.close()
        raise
    match = re.match(rb"HTTP/\d(?:\.\d)?\s+(\d{3})([^\r\n]*)", head)
    if match is None or not match.group(1).startswith(b"2"):
        sock.close()
        answer = (
            "not HTTP"
            if match is None
            else f"HTTP {match.group(1).decode()} {match.group(2).decode('latin-1').strip()}"
        )
        raise FetchError("proxy", f"the {proxy.describe()} refused the tunnel ({answer.strip()})")

"""A real HTTP(S) server for link-checker tests and the benchmark, on 127.0.0.x.

Every request is recorded (method, path, headers), the number of requests in flight is
tracked (its maximum shows whether a per-host limit held), and large bodies are streamed
lazily while counting the bytes the server actually handed to the kernel.

Routes (query parameters in brackets):

* ``/ok``, ``/page`` — 200 with a small HTML page containing ``id="intro"``, ``name="old"``
  and ``id="user-content-readme"``
* ``/status/<code>`` — that status with a tiny body (``[retry_after]``)
* ``/redirect/<code>?to=<url>`` — a redirect (``to`` may be relative or absolute)
* ``/loop/a`` <-> ``/loop/b`` — a redirect loop
* ``/chain/<n>`` — ``n`` redirects before a 200
* ``/ratelimited/<key>`` — 429 with ``Retry-After: 1`` the first time for ``key``, then 200
* ``/flaky/<key>/<n>`` — 503 (no ``Retry-After``) for the first ``n`` requests of ``key``
* ``/slow`` — sleeps ``[s]`` seconds (default 2), then 200
* ``/delay`` — sleeps ``[ms]`` milliseconds, then 200 (for the benchmark)
* ``/big`` — a 50 MB body, streamed lazily
* ``/bigpage`` — a chunked HTML page of ``[size]`` bytes with ``id="deep"`` at ``[at]``
* ``/headers`` — 200; the request's headers are in :attr:`LinkServer.requests`

Any route answers HEAD with 405 when the query has ``nohead=1``, and with 404 when it has
``headfail=1`` (a framework that routes GET only).

With ``keep_alive=True`` the server keeps connections open between requests (HTTP/1.1
keep-alive) except for ``/big`` and ``/bigpage``; :attr:`LinkServer.connections` counts the
connections it accepted.
"""

from __future__ import annotations

import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import parse_qs, urlsplit

BIG_BODY = 50 * 1024 * 1024
PAGE = (
    b"<!doctype html><html><head><title>t</title></head><body>"
    b'<h1 id="intro">Intro</h1><a name="old"></a>'
    b'<h2 id="user-content-readme">Readme</h2><p>text</p></body></html>'
)


@dataclass(slots=True)
class Seen:
    """One request the server received."""

    method: str
    path: str
    headers: dict[str, str]
    started: float = 0.0  # time.monotonic() when the request was read
    ended: float = 0.0  # ... and when its handling ended


@dataclass(slots=True)
class _State:
    requests: list[Seen] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    bytes_sent: int = 0
    handled_seconds: float = 0.0
    counters: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server_names: list[str | None] = field(default_factory=list)
    connections: int = 0
    open_connections: int = 0
    max_open_connections: int = 0


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 256  # the default 5 drops SYNs under a burst of connections
    state: _State
    keep_alive = False


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    timeout = 10  # a kept-alive connection the client forgot does not hold a thread forever

    def setup(self) -> None:
        super().setup()
        state = self.server.state
        with state.lock:
            state.connections += 1
            state.open_connections += 1
            state.max_open_connections = max(state.max_open_connections, state.open_connections)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            with self.server.state.lock:
                self.server.state.open_connections -= 1

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output quiet

    def do_HEAD(self) -> None:
        self._handle("HEAD")

    def do_GET(self) -> None:
        self._handle("GET")

    def _handle(self, method: str) -> None:
        state = self.server.state
        started = time.monotonic()
        headers = {k.lower(): v for k, v in self.headers.items()}
        seen = Seen(method, self.path, headers, started)
        with state.lock:
            state.requests.append(seen)
            state.in_flight += 1
            state.max_in_flight = max(state.max_in_flight, state.in_flight)
        try:
            self._route(method)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client hung up: expected for big bodies
        finally:
            with state.lock:
                state.in_flight -= 1
                seen.ended = time.monotonic()
                state.handled_seconds += seen.ended - started
        if not self.server.keep_alive:
            self.close_connection = True

    def _count(self, key: str) -> int:
        state = self.server.state
        with state.lock:
            state.counters[key] = state.counters.get(key, 0) + 1
            return state.counters[key]

    def _reply(
        self,
        status: int,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        content_type: str = "text/html; charset=utf-8",
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if not self.server.keep_alive:
            self.send_header("Connection", "close")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _route(self, method: str) -> None:
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        segments = [s for s in parts.path.split("/") if s]
        head = segments[0] if segments else ""
        if method == "HEAD" and query.get("nohead") == "1":
            return self._reply(405, b"", {"Allow": "GET"})
        if method == "HEAD" and query.get("headfail") == "1":
            return self._reply(404)
        if head in ("ok", "page", "headers", ""):
            return self._reply(200, PAGE)
        if head == "text":
            return self._reply(200, b"id=intro plain", content_type="text/plain")
        if head == "status":
            extra = {"Retry-After": query["retry_after"]} if "retry_after" in query else {}
            return self._reply(int(segments[1]), b"status", extra)
        if head == "redirect":
            return self._reply(int(segments[1]), b"", {"Location": query.get("to", "/ok")})
        if head == "loop":
            other = "/loop/b" if segments[1:] == ["a"] else "/loop/a"
            return self._reply(302, b"", {"Location": other})
        if head == "cookieloop":
            return self._reply(302, b"", {"Location": self.path, "Set-Cookie": "seen=1"})
        if head == "chain":
            n = int(segments[1])
            if n == 0:
                return self._reply(200, PAGE)
            return self._reply(302, b"", {"Location": f"/chain/{n - 1}"})
        if head == "ratelimited":
            if self._count("ratelimited/" + segments[1]) == 1:
                return self._reply(429, b"slow down", {"Retry-After": query.get("after", "1")})
            return self._reply(200, PAGE)
        if head == "flaky":
            if self._count("flaky/" + segments[1]) <= int(segments[2]):
                return self._reply(503, b"busy")
            return self._reply(200, PAGE)
        if head == "slow":
            time.sleep(float(query.get("s", "2")))
            return self._reply(200, PAGE)
        if head == "delay":
            time.sleep(int(query.get("ms", "200")) / 1000)
            return self._reply(200, b"")
        if head == "big":
            return self._big()
        if head == "bigpage":
            return self._bigpage(int(query.get("size", "0")), int(query.get("at", "-1")))
        return self._reply(404, b"not found")

    def _big(self) -> None:
        # A small send buffer, so that "bytes sent" is close to "bytes the client took".
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16 * 1024)
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(BIG_BODY))
        self.send_header("Connection", "close")
        self.close_connection = True
        self.end_headers()
        if self.command == "HEAD":
            return
        chunk = b"x" * (16 * 1024)
        state = self.server.state
        for _ in range(BIG_BODY // len(chunk)):
            self.wfile.write(chunk)
            with state.lock:
                state.bytes_sent += len(chunk)

    def _bigpage(self, size: int, at: int) -> None:
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16 * 1024)
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close")
        self.close_connection = True
        self.end_headers()
        if self.command == "HEAD":
            return
        state = self.server.state
        sent = 0
        filler = b"<p>" + b"lorem ipsum " * 1300 + b"</p>\n"
        anchor = b'<h2 id="deep">Deep</h2>'
        while sent < size:
            piece = filler
            if at >= 0 and sent <= at < sent + len(filler):
                piece = anchor + filler
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            sent += len(piece)
            with state.lock:
                state.bytes_sent += len(piece)
        self.wfile.write(b"0\r\n\r\n")


class LinkServer:
    """A threaded HTTP server on ``host`` (any 127.0.0.x), optionally with TLS."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        tls: tuple[Path, Path] | None = None,
        *,
        keep_alive: bool = False,
        port: int = 0,
    ) -> None:
        self.host = host
        self._server = _Server((host, port), _Handler)
        self._server.state = _State()
        self._server.keep_alive = keep_alive
        self.scheme = "http"
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(tls[0]), str(tls[1]))
            names = self._server.state.server_names

            def remember(
                sock: ssl.SSLObject | ssl.SSLSocket, name: str | None, ctx: object
            ) -> None:
                names.append(name)

            context.sni_callback = remember
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
            self.scheme = "https"
        self.port: int = self._server.server_address[1]
        # A short poll interval: shutdown() waits up to one interval.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def __enter__(self) -> LinkServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()

    def url(self, path: str, host: str | None = None) -> str:
        """The absolute URL of ``path`` on this server (``host`` overrides the address)."""
        return f"{self.scheme}://{host or self.host}:{self.port}{path}"

    @property
    def requests(self) -> list[Seen]:
        """Every request received so far."""
        with self._server.state.lock:
            return list(self._server.state.requests)

    def count(self, path_prefix: str = "") -> int:
        """How many requests had a path starting with ``path_prefix``."""
        return sum(1 for r in self.requests if r.path.startswith(path_prefix))

    @property
    def max_in_flight(self) -> int:
        """The most requests this server handled at the same time."""
        return self._server.state.max_in_flight

    @property
    def bytes_sent(self) -> int:
        """Body bytes of ``/big`` and ``/bigpage`` handed to the kernel so far."""
        return self._server.state.bytes_sent

    @property
    def handled_seconds(self) -> float:
        """The sum of the time spent handling each request."""
        return self._server.state.handled_seconds

    @property
    def connections(self) -> int:
        """How many connections the server accepted."""
        return self._server.state.connections

    @property
    def max_open_connections(self) -> int:
        """The most connections that were open at the same time."""
        return self._server.state.max_open_connections

    @property
    def server_names(self) -> list[str | None]:
        """The TLS SNI names clients sent."""
        return list(self._server.state.server_names)


def closed_port(host: str = "127.0.0.1") -> int:
    """A port on ``host`` where nothing listens (connections are refused)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
    return port


def make_certificate(directory: Path, names: list[str]) -> tuple[Path, Path] | None:
    """A self-signed certificate for ``names`` made with the openssl CLI; None without it."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    san = ",".join(f"DNS:{n}" for n in names)
    try:
        subprocess.run(
            [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", str(key), "-out", str(cert), "-days", "2",
                "-subj", f"/CN={names[0]}", "-addext", f"subjectAltName={san}",
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    return cert, key


class RawServer:
    """A TCP server that reads a request head and answers with canned bytes, then closes.

    For answers no well-behaved server gives: garbage, huge headers, broken chunking.
    ``answer`` may also be a function that writes the answer itself (to drip bytes slowly
    or stream a lot); it gets the connected socket and should stop when sending fails.
    """

    def __init__(
        self, answer: bytes | Callable[[socket.socket], None], host: str = "127.0.0.1"
    ) -> None:
        self.answer = answer
        self.host = host
        self.connections = 0
        self._sock = socket.socket()
        self._sock.bind((host, 0))
        self._sock.listen(16)
        self._sock.settimeout(0.05)
        self.port: int = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                continue
            self.connections += 1
            with conn:
                conn.settimeout(2)
                data = b""
                try:
                    while b"\r\n\r\n" not in data:
                        chunk = conn.recv(4096)
                        if not chunk:
                            break
                        data += chunk
                    if callable(self.answer):
                        self.answer(conn)
                    else:
                        conn.sendall(self.answer)
                except OSError:
                    pass

    def __enter__(self) -> RawServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()
        self._sock.close()

    def url(self, path: str) -> str:
        """The absolute URL of ``path`` on this server."""
        return f"http://{self.host}:{self.port}{path}"

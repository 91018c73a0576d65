"""A real HTTP proxy on 127.0.0.1 for the link-checker tests: CONNECT and absolute-form.

It resolves names itself, from its own table (as a corporate proxy resolves names the CI
runner cannot), records what it was asked for, and relays bytes both ways.
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading
from dataclasses import dataclass
from types import TracebackType
from urllib.parse import urlsplit


@dataclass(slots=True)
class Asked:
    """One request the proxy received: ``CONNECT host:port`` or ``GET http://...``."""

    method: str
    target: str
    authorization: str | None


class ProxyServer:
    """A threaded forwarding proxy; ``hosts`` maps names to the addresses it connects to."""

    def __init__(self, hosts: dict[str, str] | None = None) -> None:
        self.hosts = hosts or {}
        self.asked: list[Asked] = []
        self.connections = 0
        self._lock = threading.Lock()
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self._sock.settimeout(0.05)
        self.port: int = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                continue
            with self._lock:
                self.connections += 1
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, client: socket.socket) -> None:
        with client:
            client.settimeout(5)
            data = b""
            try:
                while b"\r\n\r\n" not in data:
                    piece = client.recv(4096)
                    if not piece:
                        return
                    data += piece
            except OSError:
                return
            head, _, rest = data.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, target, _version = lines[0].split(" ", 2)
            fields = {
                name.strip().lower(): value.strip()
                for name, _, value in (line.partition(":") for line in lines[1:])
            }
            with self._lock:
                self.asked.append(Asked(method, target, fields.get("proxy-authorization")))
            if method == "CONNECT":
                host, _, port = target.rpartition(":")
                upstream = self._connect(host.strip("[]"), int(port))
                if upstream is None:
                    client.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                    return
                client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                first = rest
            else:
                parts = urlsplit(target)
                if parts.scheme != "http" or not parts.hostname:
                    client.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                    return
                upstream = self._connect(parts.hostname, parts.port or 80)
                if upstream is None:
                    client.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                    return
                # Servers must accept the absolute form too, so the request goes on as is
                # (and so do later requests on the same connection, to the same origin).
                kept = [
                    line
                    for line in head.split(b"\r\n")
                    if not line.lower().startswith(b"proxy-authorization:")
                ]
                first = b"\r\n".join(kept) + b"\r\n\r\n" + rest
            with upstream:
                upstream.sendall(first)
                _relay(client, upstream)

    def _connect(self, host: str, port: int) -> socket.socket | None:
        address = self.hosts.get(host, host)
        try:
            return socket.create_connection((address, port), timeout=5)
        except OSError:
            return None

    def __enter__(self) -> ProxyServer:
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


def _relay(a: socket.socket, b: socket.socket) -> None:
    """Copy bytes both ways until one side closes (or 10 s of silence)."""
    sockets = [a, b]
    while True:
        readable, _, _ = select.select(sockets, [], [], 10)
        if not readable:
            return
        for sock in readable:
            with contextlib.suppress(OSError):
                data = sock.recv(65536)
                if data:
                    (b if sock is a else a).sendall(data)
                    continue
            return

"""Keep-alive: idle connections kept for the next request to the *same* vetted address.

A connection is keyed by how it was made: the vetted IP address it went to (or the proxy it
goes through and the host behind it), the port, the scheme and the host name, which is also
the TLS server name its certificate was checked against. A request takes an idle connection
only with exactly its own key, so reuse never sends a request to an address that was not
vetted for it, nor over TLS checked for another name. Idle connections per key are at most
the per-host limit, and they are only kept when the previous body was read to its end.
"""

from __future__ import annotations

import asyncio
import time
from typing import NamedTuple

# Servers close idle connections after 5 to 75 s; reuse only well inside that, and a stale one
# is retried on a fresh connection anyway (see client.py).
IDLE_SECONDS = 4.0


class PoolKey(NamedTuple):
    """What a connection may be reused for."""

    via: str  # "" (direct) or the proxy's "host:port"
    address: str  # the vetted IP address (direct) or the link's host (through a proxy)
    port: int
    scheme: str
    host: str  # the link's host: Host header, TLS server name


class Connection:
    """One open connection and the key it was made for."""

    __slots__ = ("idle_since", "key", "reader", "writer")

    def __init__(
        self, key: PoolKey, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.key = key
        self.reader = reader
        self.writer = writer
        self.idle_since = 0.0

    def usable(self) -> bool:
        """Still open, and nothing unread waiting on it (bytes a server sent unasked)."""
        if self.writer.transport.is_closing() or self.reader.at_eof():
            return False
        # StreamReader keeps no public count of buffered bytes; an odd server that sent more
        # than its framing said must not have those bytes read as the next answer.
        return not getattr(self.reader, "_buffer", b"")

    def close(self) -> None:
        """Drop the connection at once (no TLS close_notify wait)."""
        self.writer.transport.abort()


class ConnectionPool:
    """Idle connections by :class:`PoolKey`: at most ``per_key`` for each key and
    ``total`` in all (the oldest idle one is closed first), so that a run over a thousand
    hosts does not keep a thousand sockets open."""

    def __init__(self, per_key: int, total: int = 64) -> None:
        self._per_key = per_key
        self._total = total
        self._idle: dict[PoolKey, list[Connection]] = {}
        self._order: dict[Connection, None] = {}  # every idle connection, oldest first
        self.opened = 0  # connections made (for tests and the benchmark)
        self.reused = 0

    def take(self, keys: list[PoolKey]) -> Connection | None:
        """An idle connection for the first of ``keys`` that has one."""
        now = time.monotonic()
        for key in keys:
            idle = self._idle.get(key)
            while idle:
                connection = idle.pop()
                del self._order[connection]
                if now - connection.idle_since < IDLE_SECONDS and connection.usable():
                    self.reused += 1
                    return connection
                connection.close()
        return None

    def give(self, connection: Connection) -> None:
        """Keep ``connection`` for another request with its key (or close it)."""
        idle = self._idle.setdefault(connection.key, [])
        if len(idle) >= self._per_key or self._total <= 0 or not connection.usable():
            connection.close()
            return
        if len(self._order) >= self._total:
            oldest = next(iter(self._order))
            del self._order[oldest]
            self._idle[oldest.key].remove(oldest)
            oldest.close()
        connection.idle_since = time.monotonic()
        idle.append(connection)
        self._order[connection] = None

    def __len__(self) -> int:
        return len(self._order)

    def close(self) -> None:
        """Close every idle connection (at the end of a run)."""
        for connection in self._order:
            connection.close()
        self._idle.clear()
        self._order.clear()

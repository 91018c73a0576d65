"""Connections: keep-alive within one vetted address, and happy eyeballs across addresses."""

from __future__ import annotations

import contextlib
import dataclasses
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from linkserver import LinkServer, RawServer

from studylog_md.linkcheck import LinkCheckOptions, check_links
from studylog_md.linkcheck.connect import interleave


class Resolver:
    """Test DNS: a fixed table; the system's resolver is never asked."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table

    async def __call__(self, host: str, port: int) -> list[str]:
        return self.table[host]


def test_keep_alive_reuses_connections(fast: LinkCheckOptions) -> None:
    options = dataclasses.replace(fast, host_concurrency=2)
    with LinkServer("127.0.0.1", keep_alive=True) as server:
        urls = [server.url(f"/ok?n={i}") for i in range(30)]
        urls += [server.url(f"/status/404?n={i}") for i in range(5)]  # bodies are drained
        results = check_links(urls, options)
        requests, connections = len(server.requests), server.connections
    assert [r.verdict for r in results.values()] == ["ok"] * 30 + ["dead"] * 5
    # HEAD for the 404s is answered 404 and asked again with GET: 40 requests in all.
    assert requests == 40
    assert connections < requests
    assert connections <= 2 * options.host_concurrency  # a stale one may be replaced


def test_a_server_that_closes_after_each_answer_still_works(fast: LinkCheckOptions) -> None:
    # HTTP/1.1 without "Connection: close", then the server hangs up: the kept connection is
    # stale, and the request goes again on a fresh one instead of failing.
    answer = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
    options = dataclasses.replace(fast, host_concurrency=1, retries=0)
    with RawServer(answer) as server:
        urls = [server.url(f"/x{i}") for i in range(8)]
        results = check_links(urls, options)
        connections = server.connections
    assert {r.verdict for r in results.values()} == {"ok"}
    assert connections == 8


class LateBodyServer:
    """Keeps connections alive and answers HEAD with a body that arrives 50 ms late (a
    broken server): the stray bytes land on an idle connection after it was put back."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.05)
        self.port: int = self.sock.getsockname()[1]
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(2)
            data = b""
            while True:
                try:
                    while b"\r\n\r\n" not in data:
                        piece = conn.recv(4096)
                        if not piece:
                            return
                        data += piece
                    _, _, data = data.partition(b"\r\n\r\n")
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n")
                    time.sleep(0.05)
                    conn.sendall(b"hello")  # for HEAD too: wrong, and late
                except OSError:
                    return

    def __enter__(self) -> LateBodyServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()
        self.sock.close()


def test_late_stray_bytes_on_a_kept_connection_are_not_an_answer(
    fast: LinkCheckOptions,
) -> None:
    options = dataclasses.replace(fast, host_concurrency=1, retries=0)
    with LateBodyServer() as server:
        urls = [f"http://127.0.0.1:{server.port}/p{i}" for i in range(4)]
        results = check_links(urls, options)
    assert {r.verdict for r in results.values()} == {"ok"}, [r.detail for r in results.values()]


@pytest.fixture
def same_port() -> Iterator[tuple[LinkServer, LinkServer]]:
    """Two keep-alive servers on the same port of 127.0.0.1 and 127.0.0.2."""
    for _ in range(20):
        with LinkServer("127.0.0.1", keep_alive=True) as first:
            try:
                second = LinkServer("127.0.0.2", keep_alive=True, port=first.port)
            except OSError:
                continue  # that port is taken on 127.0.0.2: try another
            with second:
                yield first, second
            return
    pytest.skip("no port free on both 127.0.0.1 and 127.0.0.2")


def test_connections_are_never_reused_across_vetted_addresses(
    same_port: tuple[LinkServer, LinkServer], fast: LinkCheckOptions
) -> None:
    first, second = same_port
    table = {"one.test": ["127.0.0.1"], "two.test": ["127.0.0.2"], "also-one.test": ["127.0.0.1"]}
    # One request per host at a time, up to 2 x 2 idle connections: room for all 3 keys.
    options = dataclasses.replace(fast, host_concurrency=1, max_concurrency=2)
    urls = [
        first.url(f"/ok?n={i}", host=name)
        for i in range(8)
        for name in ("one.test", "two.test", "also-one.test")
    ]
    results = check_links(urls, options, resolver=Resolver(table))
    assert {r.verdict for r in results.values()} == {"ok"}
    port = first.port
    hosts_at_first = {r.headers["host"] for r in first.requests}
    hosts_at_second = {r.headers["host"] for r in second.requests}
    # Same port, interleaved requests: every request still reached the address
    # its own host name was vetted for.
    assert hosts_at_first == {f"one.test:{port}", f"also-one.test:{port}"}
    assert hosts_at_second == {f"two.test:{port}"}
    assert len(first.requests) == 16 and len(second.requests) == 8
    assert second.connections < len(second.requests)  # and yet connections were reused
    # A connection is also kept per host name: one.test and also-one.test got their own.
    assert 2 <= first.connections < len(first.requests)


def test_idle_connections_are_bounded_over_many_hosts(fast: LinkCheckOptions) -> None:
    # Twelve host names on one address: twelve keys. With one request at a time the pool may
    # keep 2 x max_concurrency = 2 idle connections, not one per host.
    names = [f"h{i}.test" for i in range(12)]
    options = dataclasses.replace(fast, host_concurrency=1, max_concurrency=1)
    with LinkServer("127.0.0.1", keep_alive=True) as server:
        table = {name: ["127.0.0.1"] for name in names}
        urls = [server.url(f"/ok?n={n}", host=name) for name in names for n in range(2)]
        results = check_links(urls, options, resolver=Resolver(table))
        most_open = server.max_open_connections
    assert {r.verdict for r in results.values()} == {"ok"}
    # Two idle and the one in use, plus a few the server has not noticed closing yet (its
    # threads notice late on a busy machine); without the bound, all twelve stay open.
    assert most_open <= 8


def test_interleave_alternates_families() -> None:
    addresses = ["2001:db8::1", "2001:db8::2", "192.0.2.1", "2001:db8::3", "192.0.2.2"]
    assert interleave(addresses) == [
        "2001:db8::1",
        "192.0.2.1",
        "2001:db8::2",
        "192.0.2.2",
        "2001:db8::3",
    ]
    assert interleave(["192.0.2.1", "2001:db8::1"]) == ["192.0.2.1", "2001:db8::1"]


class BlackHole:
    """A listening socket whose backlog is full and which never accepts: the kernel drops
    every further SYN, so connecting to it hangs exactly like a black-holed route."""

    def __init__(self, host: str, port: int) -> None:
        self.sock = socket.socket()
        self.sock.bind((host, port))
        self.sock.listen(0)
        self.fillers: list[socket.socket] = []
        for _ in range(4):  # more than the accept queue holds
            filler = socket.socket()
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                filler.connect((host, port))
            self.fillers.append(filler)
        time.sleep(0.05)

    def hangs(self) -> bool:
        """Whether a new connection really hangs (it does on Linux)."""
        with socket.socket() as probe:
            probe.settimeout(0.3)
            try:
                probe.connect(self.sock.getsockname())
            except TimeoutError:
                return True
            except OSError:
                return False
        return False

    def close(self) -> None:
        for filler in self.fillers:
            filler.close()
        self.sock.close()


def test_a_black_holed_first_address_does_not_cost_the_timeout(fast: LinkCheckOptions) -> None:
    options = dataclasses.replace(fast, timeout=4.0, retries=0)
    with LinkServer("127.0.0.1", keep_alive=True) as server:
        try:
            hole = BlackHole("127.0.0.2", server.port)
        except OSError:
            pytest.skip("the port is taken on 127.0.0.2")
        try:
            if not hole.hangs():
                pytest.skip("this kernel refuses instead of dropping SYNs to a full backlog")
            table = {"eyeballs.test": ["127.0.0.2", "127.0.0.1"]}
            url = server.url("/ok", host="eyeballs.test")
            started = time.monotonic()
            result = check_links([url], options, resolver=Resolver(table))[url]
            seconds = time.monotonic() - started
        finally:
            hole.close()
    assert result.verdict == "ok", result.detail
    # The second address starts 250 ms after the first; sequential tries would take 4 s.
    assert seconds < 2.0

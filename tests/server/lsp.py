"""A small LSP client for the tests: the real server as a child process, JSON-RPC over stdio.

Written out (Content-Length framing, a reader thread) rather than pygls's asyncio client so
that a test reads as the conversation it checks, with no event loop in the test itself.
Requests from the server (``workspace/applyEdit``, ``client/registerCapability``) are
answered at once by the reader thread and recorded in :attr:`LspClient.server_requests`.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

TIMEOUT = 20.0

CAPABILITIES: dict[str, Any] = {
    "general": {"positionEncodings": ["utf-16"]},
    "workspace": {"applyEdit": True, "workspaceEdit": {"documentChanges": True}},
    "textDocument": {
        "synchronization": {"didSave": True},
        "publishDiagnostics": {"versionSupport": True},
        "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": []}}},
        "hover": {"contentFormat": ["markdown", "plaintext"]},
        "documentSymbol": {"hierarchicalDocumentSymbolSupport": True},
    },
}


def uri_of(path: Path) -> str:
    return path.resolve().as_uri()


class LspClient:
    """One server process and the messages exchanged with it."""

    def __init__(self, cwd: Path | None = None, apply_edits: bool = True) -> None:
        env = dict(os.environ)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "studylog_md", "server"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env=env,
        )
        self.apply_edits = apply_edits
        self._next_id = 0
        self._lock = threading.Lock()
        self._responses: dict[int, queue.Queue[dict[str, Any]]] = {}
        self.notifications: list[dict[str, Any]] = []
        self._notified = threading.Condition()
        self.server_requests: list[dict[str, Any]] = []
        self.stderr = b""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._errors = threading.Thread(target=self._drain_stderr, daemon=True)
        self._errors.start()

    # -- wire --------------------------------------------------------------------------------
    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.proc.stdin is not None
        with self._lock:
            self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.proc.stdin.flush()

    def _read(self) -> None:
        stream = self.proc.stdout
        assert stream is not None
        while True:
            length = None
            while True:
                header = stream.readline()
                if not header:
                    return
                if header in (b"\r\n", b"\n"):
                    break
                name, _, value = header.decode("ascii").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            assert length is not None, "a message without Content-Length"
            message = json.loads(stream.read(length))
            if "id" in message and "method" in message:
                self._answer(message)
            elif "id" in message:
                self._responses.setdefault(message["id"], queue.Queue()).put(message)
            else:
                with self._notified:
                    self.notifications.append(message)
                    self._notified.notify_all()

    def _drain_stderr(self) -> None:
        assert self.proc.stderr is not None
        self.stderr = self.proc.stderr.read()

    def _answer(self, message: dict[str, Any]) -> None:
        with self._notified:
            self.server_requests.append(message)
            self._notified.notify_all()
        result: Any = None
        if message["method"] == "workspace/applyEdit":
            result = {"applied": self.apply_edits}
        self._send({"id": message["id"], "result": result})

    # -- what tests call ---------------------------------------------------------------------
    def request(self, method: str, params: Any, timeout: float = TIMEOUT) -> Any:
        self._next_id += 1
        ident = self._next_id
        box = self._responses.setdefault(ident, queue.Queue())
        self._send({"id": ident, "method": method, "params": params})
        try:
            reply = box.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no answer to {method} in {timeout} s") from None
        if "error" in reply:
            raise AssertionError(f"{method} failed: {reply['error']}")
        return reply.get("result")

    def notify(self, method: str, params: Any) -> None:
        self._send({"method": method, "params": params})

    def wait_for(
        self, test: Callable[[dict[str, Any]], bool], timeout: float = TIMEOUT, start: int = 0
    ) -> dict[str, Any]:
        """The first notification from index ``start`` on that passes ``test``."""
        with self._notified:
            seen = start
            ok = self._notified.wait_for(
                lambda: (
                    any(test(m) for m in self.notifications[seen:]) or self.proc.poll() is not None
                ),
                timeout=timeout,
            )
            for message in self.notifications[seen:]:
                if test(message):
                    return message
        detail = self.stderr.decode("utf-8", "replace")[-2000:]
        raise AssertionError(f"no such notification (waited: {ok}); server stderr: {detail}")

    def diagnostics(
        self, uri: str, version: int | None = None, start: int = 0
    ) -> list[dict[str, Any]]:
        """The diagnostics published for ``uri`` (at ``version``) from notification ``start``."""

        def test(m: dict[str, Any]) -> bool:
            if m.get("method") != "textDocument/publishDiagnostics":
                return False
            params = m["params"]
            return params["uri"] == uri and (version is None or params.get("version") == version)

        found: list[dict[str, Any]] = self.wait_for(test, start=start)["params"]["diagnostics"]
        return found

    def initialize(
        self,
        root: Path,
        options: dict[str, Any] | None = None,
        capabilities: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        result: dict[str, Any] = self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": uri_of(root),
                "capabilities": capabilities or CAPABILITIES,
                "initializationOptions": options or {},
            },
        )
        self.notify("initialized", {})
        return result

    def open(self, path: Path, text: str | None = None, version: int = 1) -> str:
        uri = uri_of(path)
        if text is None:
            text = path.read_bytes().decode("utf-8", "surrogateescape")
        self.notify(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": uri,
                    "languageId": "markdown",
                    "version": version,
                    "text": text,
                }
            },
        )
        return uri

    def shutdown(self, timeout: float = TIMEOUT) -> int:
        """shutdown, exit, and the server's exit code."""
        self.request("shutdown", None)
        self.notify("exit", None)
        assert self.proc.stdin is not None
        with self._lock:
            self.proc.stdin.close()  # as editors do: nothing more will be sent
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            self.close()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None and not stream.closed:
                with self._lock:
                    stream.close()

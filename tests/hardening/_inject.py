"""Deterministic faults inside a real CLI child: an audit hook that acts at an exact moment.

CPython raises an audit event before every ``open``/``os.open`` and ``os.replace`` (event
``os.rename``). The child below installs a hook that counts matching events and, at the chosen
one, acts: it sends itself a real SIGINT (``signal.raise_signal``: Python's own handler turns
it into KeyboardInterrupt right there, as a Ctrl-C arriving at that instant would), a SIGINT
through C's ``raise()`` (Python notices it only after the audited operation, as it would a
Ctrl-C that lands during the system call), or it
changes the file the way another program would (an editor saving, ``>>``, ``rm``, ``mv``).

Nothing in studylog-md is replaced or mocked: the hook only chooses *when* the outside world
interferes, which a test could otherwise only hit by luck.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from ._cli import CliResult, run_cli

# The child: configuration comes from environment variables so that argv stays the CLI's.
CHILD = r"""
import os, signal, sys

target = os.path.realpath(os.environ["HARDEN_TARGET"])
folder = os.path.dirname(target)
event, kind, nth = os.environ["HARDEN_AT"].split(":")
nth = int(nth)
action = os.environ["HARDEN_ACTION"]
state = {"seen": 0, "busy": False}


def matches(path):
    if isinstance(path, int):
        return False
    path = os.fsdecode(path)
    real = os.path.realpath(path)
    name = os.path.basename(path)
    if kind == "target":
        return real == target
    if kind == "temp":
        return name.startswith("." + os.path.basename(target) + ".") and name.endswith(".tmp")
    if kind == "folder":
        return real == folder
    raise SystemExit("bad HARDEN_AT kind: " + kind)


def act():
    if action == "sigint":
        signal.raise_signal(signal.SIGINT)
    elif action == "csigint":
        # C's raise(): only the C-level handler runs now; Python raises KeyboardInterrupt at
        # its next check, i.e. after the operation being audited, as when Ctrl-C lands
        # during the system call itself.
        import ctypes

        getattr(ctypes.CDLL(None), "raise")(signal.SIGINT)
    elif action == "modify":
        # Same size, same mtime: only the content check can see this change.
        st = os.stat(target)
        with open(target, "r+b") as handle:
            data = handle.read()
            handle.seek(0)
            handle.write(data.replace(b"segmentation", b"Segmentation"))
        os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    elif action == "append":
        # Another program appending a line without taking our lock (`echo ... >> log.md`).
        with open(target, "ab") as handle:
            handle.write(b"- [ ] Appended by another program\n")
    elif action == "delete":
        os.unlink(target)
    elif action == "replace":
        with open(target + ".new", "wb") as handle:
            handle.write(b"# Someone else's file\n")
        os.replace(target + ".new", target)
    else:
        raise SystemExit("bad HARDEN_ACTION: " + action)


def hook(name, args):
    if state["busy"] or name != event or not args:
        return
    if not matches(args[0]):
        return
    state["seen"] += 1
    if state["seen"] != nth:
        return
    state["busy"] = True
    try:
        act()
    finally:
        state["busy"] = False


sys.addaudithook(hook)
from studylog_md.cli import main
sys.exit(main())
"""


@dataclass(frozen=True, slots=True)
class Fault:
    """Where and what: ``at`` is ``EVENT:KIND:N`` (the N-th ``EVENT`` on a ``KIND`` path)."""

    at: str
    action: str

    @property
    def label(self) -> str:
        return f"{self.action}@{self.at}"


def run_with_fault(fault: Fault, target: Path, *args: str) -> CliResult:
    """Run ``studylog-md ARGS`` in a child where ``fault`` strikes at its moment."""
    env = {"HARDEN_TARGET": str(target), "HARDEN_AT": fault.at, "HARDEN_ACTION": fault.action}
    return run_cli(*args, argv=[sys.executable, "-c", CHILD, *args], env=env)

"""Fixtures for the hardening tests: a study log in a fresh folder, and small tmpfs mounts."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ._cli import write_log

Mount = Callable[[str], Path]


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the pathological batch now if any selected test needs it (see test_structure)."""
    if any(
        "test_structure.py::test_pathological" in item.nodeid
        or "test_structure.py::test_deep_nesting" in item.nodeid
        for item in session.items
    ):
        from .test_structure import start_batch

        start_batch()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Delete the batch's inputs even when its tests did not run to the end."""
    from .test_structure import BATCH

    BATCH.close()


@pytest.fixture
def log(tmp_path: Path) -> Path:
    """``LOG`` written to ``tmp_path/log.md``."""
    return write_log(tmp_path / "log.md")


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Mount]:
    """Mount small tmpfs file systems (``mount("size=64k")``); unmounted afterwards.

    Needs root and a kernel that lets this process mount (CI runs as root); skips otherwise,
    so a developer without root still gets a green run.
    """
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mounted: list[Path] = []

    def mount(options: str) -> Path:
        point = tmp_path / f"mnt{len(mounted)}"
        point.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)],
            capture_output=True,
            check=False,
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace')}")
        mounted.append(point)
        return point

    yield mount
    for point in reversed(mounted):
        subprocess.run(["umount", "-l", str(point)], capture_output=True, check=False)

"""Fixtures for the hardening tests: a study log in a fresh folder, and small tmpfs mounts."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ._cli import write_log

Mount = Callable[[str], Path]


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


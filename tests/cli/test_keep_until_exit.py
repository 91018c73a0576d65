"""A command that keeps its one document until exit hides it from the cyclic collector (issue 19).

Each case runs in its own process: ``gc.freeze`` lasts for the rest of a process, and this
one is the test runner.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

LOG = "# Plan\n\n| Resource | Progress |\n|---|---|\n| [A](https://a.example/) | ⬜ |\n"

_RUN = """
import gc, sys
from studylog_md.cli import main
code = main(sys.argv[1:])
print(code, gc.get_freeze_count(), file=sys.stderr)
"""


def _frozen_after(tmp_path: Path, *argv: str) -> tuple[int, int]:
    done = subprocess.run(
        [sys.executable, "-c", _RUN, *argv],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    code, frozen = done.stderr.strip().splitlines()[-1].split()
    return int(code), int(frozen)


@pytest.mark.parametrize(
    "argv",
    [
        ("list", "--format", "json", "a.md"),
        ("lint", "a.md"),
        ("toggle", "--dry-run", "a.md", "A"),
    ],
)
def test_one_file_is_kept_out_of_the_collectors_sight(tmp_path: Path, argv: tuple[str]) -> None:
    (tmp_path / "a.md").write_text(LOG, encoding="utf-8")
    code, frozen = _frozen_after(tmp_path, *argv)
    assert code == 0
    assert frozen > 0


@pytest.mark.parametrize(
    "argv", [("list", "a.md", "b.md"), ("lint", "--jobs", "1", "a.md", "b.md")]
)
def test_many_files_are_left_to_the_collector(tmp_path: Path, argv: tuple[str]) -> None:
    # Each file's model is dropped after use: frozen, any cycles in it would never be freed.
    (tmp_path / "a.md").write_text(LOG, encoding="utf-8")
    (tmp_path / "b.md").write_text(LOG, encoding="utf-8")
    code, frozen = _frozen_after(tmp_path, *argv)
    assert code == 0
    assert frozen == 0

"""``studylog-md lint`` and ``studylog-md fix`` from the command line: output, exit codes, bytes."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from studylog_md.cli import cli
from studylog_md.cli._common import run
from studylog_md.config import clear_cache
from studylog_md.edit_types import apply_replacements

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seed" / "STUDY_LOG.md"

# path:line:col: CODE rule message
TEXT_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>SL\d{3}) (?P<rule>[a-z0-9-]+) (?P<message>.+)$")

SHORT_ROW = (
    "# Log\n"
    "\n"
    "| Resource | Progress | Notes |\n"
    "|---|---|---|\n"
    "| [A](https://a.example/) | ✅ | fine |\n"
    "| [B](https://b.example/) | ⬜ |\n"
)
CLEAN = (
    "# Log\n"
    "\n"
    "| Resource | Progress |\n"
    "|---|---|\n"
    "| [A](https://a.example/) | ✅ |\n"
    "| [B](https://b.example/) | ⬜ |\n"
)


@dataclass(frozen=True, slots=True)
class Result:
    code: int
    out: str
    err: str
    out_bytes: bytes

    def findings(self) -> list[tuple[str, int, int, str, str]]:
        """(path, line, column, code, rule) of every text-format finding on stdout."""
        found = []
        for line in self.out.splitlines():
            match = TEXT_LINE.match(line)
            if match:
                found.append(
                    (
                        match["path"],
                        int(match["line"]),
                        int(match["col"]),
                        match["code"],
                        match["rule"],
                    )
                )
        return found

    def rules_at(self) -> set[tuple[int, str]]:
        return {(line, rule) for _, line, _, _, rule in self.findings()}


def invoke(*args: str, stdin: bytes = b"") -> Result:
    """Run the CLI in this process, as the console script would (exit code from ``run``)."""
    out_raw, err_raw = io.BytesIO(), io.BytesIO()
    streams = (
        io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"),
        io.TextIOWrapper(out_raw, encoding="utf-8", write_through=True),
        io.TextIOWrapper(err_raw, encoding="utf-8", write_through=True),
    )
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = streams
    try:
        code = run(cli, list(args))
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        sys.stdin, sys.stdout, sys.stderr = saved
    data = out_raw.getvalue()
    return Result(code, data.decode("utf-8", "replace"), err_raw.getvalue().decode(), data)


@pytest.fixture(autouse=True)
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A repository root of its own, as the current folder (no configuration above it)."""
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    clear_cache()
    yield tmp_path
    clear_cache()


@pytest.fixture
def seed(repo: Path) -> Path:
    if not SEED.is_file():
        pytest.skip("../shared/seed/STUDY_LOG.md is not here (a user's clone has none)")
    copy = repo / "STUDY_LOG.md"
    copy.write_bytes(SEED.read_bytes())
    return copy


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


# --- the seed ------------------------------------------------------------------------------

SEED_FINDINGS = {
    (15, "column-count"),
    (16, "column-count"),
    (17, "column-count"),
    (53, "column-count"),
    (17, "duplicate-title"),
    (17, "duplicate-url"),
    (54, "tracking-params"),
    (66, "expiring-url"),
}


def test_seed_findings(seed: Path) -> None:
    result = invoke("lint", "STUDY_LOG.md")
    assert result.code == 1, result.err
    assert result.err == ""
    assert SEED_FINDINGS <= result.rules_at()
    assert {line for line, rule in result.rules_at() if rule == "column-count"} == {15, 16, 17, 53}
    for path, *_ in result.findings():
        assert path == "STUDY_LOG.md"

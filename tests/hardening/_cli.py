"""Helpers shared by the hardening tests: run the CLI for real, and check nothing was touched.

The CLI always runs as a child process (``python -m studylog_md``): an in-process runner
would hide a traceback behind pytest's own reporting, could not be interrupted with a real
SIGINT, and could not be stopped when an input makes it hang. Every run has a deadline
(``TIMEOUT``); a run that misses it is killed and the test fails with a clear message.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

# Generous: every input in the matrix finishes in well under a second when the code is
# healthy; 20 s only separates "slow on a busy CI machine" from "never finishes".
TIMEOUT = 20.0

# A small, ordinary study log: one table (two entries) and a task list (one entry).
LOG = (
    "# Log\n"
    "\n"
    "## Papers\n"
    "\n"
    "|Resource|Progress|Notes|\n"
    "|---|---|---|\n"
    "|[U-Net](https://arxiv.org/abs/1505.04597)|⬜|segmentation|\n"
    "|Attention Is All You Need|✅||\n"
    "\n"
    "## Tasks\n"
    "\n"
    "- [ ] Write the summary\n"
)
LOG_BYTES = LOG.encode("utf-8")
# ``LOG`` after ``toggle U-Net``: the marker and nothing else.
LOG_TOGGLED = LOG_BYTES.replace("|⬜|segmentation|".encode(), "|✅|segmentation|".encode())

TEMP_FILE = re.compile(r"^\..*\.tmp$")


@dataclass(frozen=True, slots=True)
class CliResult:
    """What one CLI run did."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    stdout_bytes: bytes = b""

    def describe(self) -> str:
        """The command and its output, for assertion messages."""
        return (
            f"studylog-md {' '.join(self.args)} -> exit {self.returncode} "
            f"in {self.seconds:.2f} s\n--- stdout ---\n{self.stdout[-2000:]}"
            f"\n--- stderr ---\n{self.stderr[-2000:]}"
        )


def cli_command(args: Sequence[str]) -> list[str]:
    """The argv that runs the CLI with this interpreter."""
    return [sys.executable, "-m", "studylog_md", *args]


def child_env() -> dict[str, str]:
    """The environment for a child: no colour, UTF-8 streams, no user site or hash seed noise."""
    env = dict(os.environ)
    env.update({"NO_COLOR": "1", "PYTHONIOENCODING": "utf-8", "PYTHONUTF8": "1"})
    env.pop("PYTHONWARNINGS", None)
    return env


def run_cli(
    *args: str,
    cwd: str | os.PathLike[str] | None = None,
    stdin: bytes | None = None,
    timeout: float = TIMEOUT,
    argv: Sequence[str] | None = None,
    user: int | None = None,
    env: Mapping[str, str] | None = None,
) -> CliResult:
    """Run the CLI in a child process; fail the test (not hang) when it misses ``timeout``.

    ``argv`` replaces the whole command line (for a custom child, e.g. with an audit hook);
    ``user`` runs the child as that uid (and gid), without supplementary groups; ``env`` adds
    variables to the child's environment.
    """
    command = list(argv) if argv is not None else cli_command(args)
    started = time.monotonic()
    try:
        done = subprocess.run(
            command,
            cwd=cwd,
            input=stdin if stdin is not None else b"",
            capture_output=True,
            timeout=timeout,
            env={**child_env(), **(env or {})},
            check=False,
            user=user,
            group=user,
            extra_groups=[] if user is not None else None,
        )
    except subprocess.TimeoutExpired as exc:
        # subprocess.run has killed the child already; say what hung.
        raise AssertionError(
            f"studylog-md {' '.join(args)} did not finish within {timeout:.0f} s"
        ) from exc
    return CliResult(
        tuple(args),
        done.returncode,
        done.stdout.decode("utf-8", "replace"),
        done.stderr.decode("utf-8", "replace"),
        time.monotonic() - started,
        done.stdout,
    )


@dataclass(frozen=True, slots=True)
class Job:
    """One CLI run of a batch (see :func:`run_many`)."""

    key: str
    args: tuple[str, ...]
    cwd: str | None = None


@dataclass(frozen=True, slots=True)
class JobResult:
    """A batch run's outcome: a result, or the reason there is none (it hung)."""

    result: CliResult | None
    failure: str | None


def run_many(jobs: Iterable[Job], *, workers: int = 3) -> dict[str, JobResult]:
    """Run many CLI commands a few at a time; a hung one costs its own deadline only.

    The pathological inputs run as one batch so that the matrix's wall time stays small even
    while an input still hangs (each hung run holds one worker for ``TIMEOUT``).
    """

    def one(job: Job) -> tuple[str, JobResult]:
        try:
            return job.key, JobResult(run_cli(*job.args, cwd=job.cwd), None)
        except AssertionError as exc:
            return job.key, JobResult(None, str(exc))

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return dict(pool.map(one, list(jobs)))


class BackgroundBatch:
    """A batch of CLI runs started early in a background thread and collected later.

    The pathological inputs cost about 20 s of CPU, mostly in their own processes. Started
    when collection ends (see ``conftest.py``), they run on the second core while the other
    hardening tests run their one child at a time on the first, instead of after them.
    """

    def __init__(self) -> None:
        self._future: Future[dict[str, JobResult]] | None = None
        self._folder: Path | None = None

    def start(self, make_jobs: Callable[[Path], list[Job]], *, workers: int = 2) -> None:
        """Write the inputs and start running the jobs (once; later calls do nothing)."""
        if self._future is not None:
            return
        folder = Path(tempfile.mkdtemp(prefix="studylog-hardening-"))
        self._folder = folder
        jobs = make_jobs(folder)
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hardening-batch")
        self._future = pool.submit(run_many, jobs, workers=workers)
        pool.shutdown(wait=False)

    def results(self) -> dict[str, JobResult]:
        """Every job's outcome (waits for the batch; it must have been started)."""
        assert self._future is not None, "start() the batch first"
        return self._future.result()

    def close(self) -> None:
        """Wait for the runs still going and delete the inputs."""
        if self._future is not None:
            self._future.result()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


def assert_no_traceback(result: CliResult) -> None:
    """No Python traceback and no internal error: every failure is a message for people."""
    assert "Traceback" not in result.stderr, result.describe()
    assert "studylog-md: internal error" not in result.stderr, result.describe()
    assert result.returncode != 3, result.describe()


def assert_user_error(result: CliResult, *words: str, code: int = 2) -> None:
    """Exit ``code``, no traceback, and a one-line ``studylog-md: error:`` naming ``words``."""
    assert result.returncode == code, result.describe()
    assert_no_traceback(result)
    errors = [line for line in result.stderr.splitlines() if line.startswith("studylog-md:")]
    assert errors, result.describe()
    for word in words:
        assert any(word in line for line in errors), f"{word!r} not in errors\n{result.describe()}"


def assert_usage_error(result: CliResult, *words: str) -> None:
    """Exit 2 with click's usage message (``Usage:`` and an ``Error:`` line)."""
    assert result.returncode == 2, result.describe()
    assert_no_traceback(result)
    assert "Usage: studylog-md" in result.stderr, result.describe()
    assert "Error:" in result.stderr, result.describe()
    for word in words:
        assert word in result.stderr, result.describe()


@dataclass(frozen=True, slots=True)
class FileState:
    """A file's bytes and identity, to prove that a failed command did not touch it."""

    data: bytes
    mtime_ns: int
    inode: int
    mode: int

    @classmethod
    def of(cls, path: Path) -> FileState:
        """The state of ``path`` now (symbolic links followed)."""
        st = path.stat()
        return cls(path.read_bytes(), st.st_mtime_ns, st.st_ino, st.st_mode)


def assert_untouched(path: Path, before: FileState) -> None:
    """Same bytes, same mtime, same inode, same mode, and no temporary file beside it."""
    after = FileState.of(path)
    assert after.data == before.data, f"{path}: the bytes changed"
    assert after.mtime_ns == before.mtime_ns, f"{path}: the mtime changed"
    assert after.inode == before.inode, f"{path}: the file was replaced"
    assert after.mode == before.mode, f"{path}: the mode changed"
    assert_no_temp_files(path.parent)


def temp_files(folder: Path) -> list[str]:
    """The temporary files studylog-md writes (``.NAME.<random>.tmp``) left in ``folder``."""
    return sorted(name for name in os.listdir(folder) if TEMP_FILE.match(name))


def assert_no_temp_files(folder: Path) -> None:
    """No ``.NAME.*.tmp`` left behind in ``folder``."""
    left = temp_files(folder)
    assert not left, f"temporary files left in {folder}: {left}"


def remount_read_only(point: Path) -> None:
    """Make a tmpfs mounted by the ``tmpfs`` fixture read-only (writes then fail with EROFS)."""
    subprocess.run(["mount", "-o", "remount,ro", str(point)], check=True, capture_output=True)


def write_log(path: Path, data: bytes = LOG_BYTES) -> Path:
    """Write ``data`` to ``path`` and return the path."""
    path.write_bytes(data)
    return path

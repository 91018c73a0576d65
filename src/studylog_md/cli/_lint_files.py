"""Linting many files: one file's work as a pure function, and worker processes when they pay.

``lint_path`` reads, parses and lints one file and returns everything as data (findings,
error lines, the entries ``duplicate-across-files`` compares); it prints nothing, so the same
function runs in this process or in a worker, and the parent prints the results in the
files' order either way.

Worker processes cost a start-up (a fork each) and a trip through pickle for every result,
and they only buy wall time when processors are free. The break-even measured with
``benchmarks/run.py`` (the "lint files: 2 workers" rows, 40-entry logs of about 8 KB, on a
2-core machine that other work kept busy): two workers were slower up to 64 files (ratios
1.48 at 4 files, 1.06 at 32, 1.11 at 64) and faster from 128 (0.85), that is from about
1 MB of Markdown. So the automatic choice (``--jobs 0``) starts workers from
:data:`PARALLEL_MIN_BYTES` in all, or from :data:`PARALLEL_MIN_FILES` files however small
(each file has a fixed cost: a stat of the configuration, an open, a parse set-up), and only
as many as there are free processors (:func:`auto_workers`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ._common import EXIT_INTERNAL, EXIT_USER, keep_until_exit

if TYPE_CHECKING:  # pragma: no cover
    from ..config import Config
    from ..lint.across import Listing
    from ..lint.diagnostic import Diagnostic
    from ..lint.options import LintOptions

STDIN = "-"
STDIN_NAME = "<stdin>"
PARALLEL_MIN_FILES = 400
PARALLEL_MIN_BYTES = 1024 * 1024
_CHUNKS_PER_WORKER = 4  # several chunks each, so one slow file does not idle the others


class Settings(NamedTuple):
    """What every file of a run is linted with (picklable: it goes to the workers)."""

    explicit_config: Path | None
    select: frozenset[str] | None
    ignore: frozenset[str]
    max_bytes: int | None
    extend_select: frozenset[str] = frozenset()


class Problem(NamedTuple):
    """A file that could not be linted: ``internal`` for a bug, else the user must act."""

    message: str
    code: int
    internal: bool = False


class FileResult(NamedTuple):
    """One file's outcome. ``doc``/``shown``/``config`` only in this process (for --online)."""

    findings: list[Diagnostic]
    problem: Problem | None
    listings: list[Listing]
    doc: Any = None
    shown: str = ""
    config: Any = None


def config_for(settings: Settings, path: str) -> Config:
    from ..config import load_config

    folder = Path.cwd() if path == STDIN else Path(path).parent
    return load_config(folder, settings.explicit_config)


def options_for(settings: Settings, config: Config, shown: str) -> LintOptions:
    options = config.lint_options(Path(shown if shown != STDIN_NAME else "."))
    return options._replace(
        select=settings.select if settings.select is not None else options.select,
        extend_select=options.extend_select | settings.extend_select,
        ignore=options.ignore | settings.ignore,
    )


def limit(settings: Settings, config: Config) -> int:
    return settings.max_bytes if settings.max_bytes is not None else config.max_bytes


def read(path: str, settings: Settings, config: Config) -> tuple[bytes, str]:
    """The bytes of ``path`` (or standard input) and the name to show for it."""
    from ..errors import InputError
    from ..safe_write import read_file

    size = limit(settings, config)
    if path != STDIN:
        return read_file(path, max_bytes=size).data, path
    data = sys.stdin.buffer.read(size + 1)
    if len(data) > size:
        raise InputError(
            f"{STDIN_NAME} is more than {size:,} bytes; pass a larger --max-bytes to read it",
            STDIN_NAME,
        )
    return data, STDIN_NAME


def vocabulary_for(config: Config, shown: str) -> Any:
    """The configured vocabulary, with the column names configured for this file."""
    return config.vocabulary(None if shown == STDIN_NAME else Path(shown))


def lint_path(
    path: str, settings: Settings, *, keep: bool = False, only: bool = False
) -> FileResult:
    """Lint one file; never raises for the file's sake (a bug in one file is a Problem).

    ``only``: the one file of this process, whose model lives until exit (``keep_until_exit``).
    """
    from .. import load_bytes
    from ..errors import StudylogError
    from ..lint.across import listings, selected
    from ..lint.engine import lint_document

    try:
        config = config_for(settings, path)
        data, shown = read(path, settings, config)
        doc = load_bytes(data, path=shown, vocabulary=vocabulary_for(config, shown))
        if only:
            keep_until_exit()
        options = options_for(settings, config, shown)
        found = lint_document(doc, shown, options)
        across = listings(doc, shown) if selected(options) else []
    except StudylogError as exc:
        return FileResult([], Problem(str(exc), exc.exit_code), [])
    except RecursionError:
        message = f"{path} is nested too deeply to read; flatten the deepest lists or quotes"
        return FileResult([], Problem(message, EXIT_USER), [])
    except Exception as exc:  # one file's bug must not hide the other files
        message = (
            f"studylog-md: internal error: {type(exc).__name__}: {exc} (while processing "
            f"{path}). This is a bug; please report it with the file that caused it. Nothing "
            "was written."
        )
        return FileResult([], Problem(message, EXIT_INTERNAL, internal=True), [])
    if keep:
        return FileResult(found, None, across, doc, shown, config)
    return FileResult(found, None, across)


def _lint_chunk(paths: Sequence[str], settings: Settings) -> list[FileResult]:
    return [lint_path(path, settings) for path in paths]


def cpu_count() -> int:
    """The processors this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def auto_workers(cpus: int, load: float | None) -> int:
    """Workers for the automatic choice: the processors other work leaves free.

    The one-minute load average counts the processes waiting for a processor; like
    ``make -l``, workers are only started for processors that are free, counting this process
    as one of the load (a run right after another sees its own load). On a machine other work
    keeps busy, a second worker buys no wall time and costs CPU (the benchmark's many-files
    rows measured both).
    """
    if load is None:
        return cpus
    return max(1, min(cpus, round(cpus + 1 - load)))


def _load() -> float | None:
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):  # not on this system
        return None


def worth_parallel(paths: Sequence[str], jobs: int) -> bool:
    """Whether worker processes pay for themselves on these files (see the module note)."""
    if jobs <= 1 or len(paths) < 2 or STDIN in paths:
        return False
    if len(paths) >= PARALLEL_MIN_FILES:
        return True
    total = 0
    for path in paths:
        try:
            total += os.path.getsize(path)
        except OSError:
            continue
    return total >= PARALLEL_MIN_BYTES


def lint_paths(paths: Sequence[str], settings: Settings, jobs: int) -> Iterator[FileResult]:
    """Every file's result, in the order of ``paths``; in ``jobs`` processes when it pays.

    ``jobs`` 0 means one per processor when there is enough work (:func:`worth_parallel`);
    1 means this process only; more means that many workers.
    """
    workers = min(auto_workers(cpu_count(), _load()) if jobs == 0 else jobs, len(paths))
    # --jobs N is obeyed as given; the automatic choice (0) asks whether workers pay.
    wanted = worth_parallel(paths, workers) if jobs == 0 else workers > 1 and STDIN not in paths
    if not wanted:
        for path in paths:
            yield lint_path(path, settings, only=len(paths) == 1)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from .. import loads

    loads("| a | b |\n|---|---|\n| x | y |\n")  # import the parser once, before the fork
    from ..lint import registry  # noqa: F401 - the rules too

    # fork where there is one: a worker starts with everything this process imported.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    count = min(len(paths), workers * _CHUNKS_PER_WORKER)
    size = -(-len(paths) // count)
    chunks = [paths[i : i + size] for i in range(0, len(paths), size)]
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for results in pool.map(_lint_chunk, chunks, [settings] * len(chunks)):
            yield from results

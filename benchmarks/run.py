"""studylog-md's speed and memory, as ratios to markdown-it-py's own full parse, in one run.

``python benchmarks/run.py [--quick] [--json PATH] [--sizes 100,1000,10000,100000]``

Every in-process number is the median of several runs, interleaved with the baseline's runs
(A B A B…) so that a machine that slows down halfway slows both down. The baseline is
``MarkdownIt("commonmark").enable("table").parse(text)`` on the same text: the full parse,
inline included, which is what a tool built naively on markdown-it-py would pay. Whole-process
rows run subprocesses against ``python -c "import …"``: what the user waits for at a prompt or
in a pre-commit hook. See ``benchmarks/README.md`` for what each row means.

Nothing here needs more than the project's test extra: ``time.perf_counter``,
``tracemalloc`` and ``subprocess``.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import itertools
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SEED = ROOT.parent / "shared" / "seed" / "STUDY_LOG.md"
DEFAULT_JSON = HERE / "results.json"
DEFAULT_SIZES = (100, 1_000, 10_000, 100_000)
QUICK_SIZES = (100, 1_000, 10_000)

if str(HERE) not in sys.path:  # generate.py and linkcheck_bench.py sit next to this file
    sys.path.insert(0, str(HERE))

from generate import TARGET_TITLE, generate  # noqa: E402

# Two sets of targets (medians, same run). The default run judges the *gates* (issue 6's):
# every change to reading or linting must keep them, so a regression fails the run. `--goals`
# judges issue 19's tightened *goals* instead; they are not met yet (benchmarks/README.md says
# where each row stands), and the default run must not fail for a goal still being worked on.
GATES = {
    "LOADS_TARGET": 0.5,
    "TOGGLE_TARGET": 0.6,
    "LINT_TARGET": 1.0,
    "GROWTH_TARGET": 11.0,
    "LINT_PROCESS_TARGET": 1.5,
    "TASK_LIST_PER_MB_TARGET": 3.0,
}
GOALS = {
    "LOADS_TARGET": 0.2,
    "TOGGLE_TARGET": 0.25,
    "LINT_TARGET": 0.5,
    "GROWTH_TARGET": 10.5,
    "LINT_PROCESS_TARGET": 1.2,
    "TASK_LIST_PER_MB_TARGET": 2.0,
}
# The size the ratio targets are judged at: below it fixed costs (a few function calls, the
# table rule's set-up) dominate.
LOADS_TARGET = GATES["LOADS_TARGET"]
TOGGLE_TARGET = GATES["TOGGLE_TARGET"]
LINT_TARGET = GATES["LINT_TARGET"]
MEMORY_TARGET = 1.0
GROWTH_TARGET = GATES["GROWTH_TARGET"]
# Issue 19: `list --format json` at 100,000 entries peaks at half markdown-it-py's parse or
# less (whole processes, peak resident memory: the JSON it writes is part of what it holds).
LIST_MEMORY_TARGET = 0.5
LIST_MEMORY_JUDGED_AT = 100_000
# An edit re-derives the document from its new text and verifies that re-parse against the
# old one (issue 13: no patched model, one check for every write), so it grows like a load.
EDIT_GROWTH_TARGET = GROWTH_TARGET
LINT_PROCESS_TARGET = GATES["LINT_PROCESS_TARGET"]
HELP_PROCESS_TARGET = 1.3
ONLINE_SHARE_TARGET = 0.6
# Issue 16: after a change, the server's diagnostics must come before a whole `lint` process
# on the same file would have finished.
SERVER_RELINT_TARGET = 1.0
SERVER_SIZE = 10_000
JUDGED_FROM = 10_000
FILES_ENTRIES = 40  # entries per file: a course's log, a README of links
BREAK_EVEN_COUNTS = (4, 8, 16, 32, 64, 128)
PER_FILE_SAMPLE = 40  # single-file processes timed to estimate "a process per file"
# Issue 17, item 11: a task list costs at most twice a table log per MB (the goal; the gate is
# 3x), and its peak memory stays within markdown-it-py's own parse of it.
TASK_LIST_PER_MB_TARGET = GATES["TASK_LIST_PER_MB_TARGET"]
TARGETS = {
    "loads+entries": LOADS_TARGET,
    "toggle end to end": TOGGLE_TARGET,
    "lint (offline)": LINT_TARGET,
}


def use_targets(targets: dict[str, float]) -> None:
    """Judge the run against ``targets`` (GATES or GOALS)."""
    global EDIT_GROWTH_TARGET
    globals().update(targets)
    EDIT_GROWTH_TARGET = targets["GROWTH_TARGET"]
    TARGETS.update(
        {
            "loads+entries": targets["LOADS_TARGET"],
            "toggle end to end": targets["TOGGLE_TARGET"],
            "lint (offline)": targets["LINT_TARGET"],
        }
    )


Lint = Callable[[Any, str], list[Any]]
"""``lint_document`` bound to default options: (document, path) -> findings."""


@dataclass(slots=True)
class Row:
    """One line of the results table."""

    name: str
    size: str  # entries, "seed", or "-"
    ours: float | None
    base: float | None
    unit: str  # "s", "MiB", "x" (a growth factor), "req" (requests in flight)
    baseline: str  # what ``base`` measures
    ratio: float | None = None
    target: float | None = None  # ratio must be <= target (>= for "min" rows)
    higher_is_better: bool = False
    runs: int = 0
    cpu_ratio: float | None = None  # the same ratio in CPU time (steadier on a busy machine)
    note: str = ""

    @property
    def verdict(self) -> str:
        """PASS / FAIL against the target, ``info`` without one, ``skip`` without numbers."""
        if self.ratio is None:
            return "skip"
        if self.target is None:
            return "info"
        ok = self.ratio >= self.target if self.higher_is_better else self.ratio <= self.target
        return "PASS" if ok else "FAIL"

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of a row."""
        data = asdict(self)
        data["verdict"] = self.verdict
        return data


@dataclass(slots=True)
class Settings:
    """How long and how often to measure."""

    budget: float = 0.3  # seconds of total time per in-process measurement
    min_runs: int = 3
    max_runs: int = 20_000
    process_runs: int = 7
    # tracemalloc slows markdown-it-py's parse about threefold; the peak ratio barely moves
    # with the size, so the largest size is left out unless asked for.
    memory_max_size: int = 10_000
    online: bool = True
    server: bool = True
    peers: bool = True
    peer_max_size: int = 10_000  # peers are several times slower than markdown-it-py
    process: bool = True
    files: bool = True  # the many-files rows
    files_count: int = 2_000
    files_runs: int = 3  # whole runs over files_count files (each takes seconds)
    break_even: tuple[int, ...] = BREAK_EVEN_COUNTS


@dataclass(slots=True)
class Report:
    """Every row, and the notes about what was skipped and why."""

    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        return row

    def skip(self, name: str, size: str, why: str) -> None:
        self.rows.append(Row(name, size, None, None, "", "", note=why))
        self.notes.append(f"{name} ({size}): skipped: {why}")


# -- timing ---------------------------------------------------------------------------------------
@dataclass(slots=True)
class Samples:
    """Wall-clock and CPU seconds of each run of one function."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def add(self, wall: float, cpu: float) -> None:
        self.wall.append(wall)
        self.cpu.append(cpu)

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)


def _once(func: Callable[[], object]) -> tuple[float, float]:
    cpu = time.process_time()
    started = time.perf_counter()
    func()
    return time.perf_counter() - started, time.process_time() - cpu


def time_interleaved(
    funcs: dict[str, Callable[[], object]],
    settings: Settings,
    warm: bool = True,
    collect_between: bool | None = None,
) -> dict[str, Samples]:
    """Run each function N times (N adapted to ``settings.budget``), interleaved; the samples.

    Each function gets ``max(min_runs, ceil(budget / first_run))`` runs, spread evenly over
    the schedule so that every function's runs alternate with the others' (A B A B…).
    ``warm=False`` means the caches are already warm (a larger size after a smaller one), so
    a first run that alone exceeds the budget counts as a sample instead of being thrown away.
    ``collect_between`` says whether to run the collector before every run (off the clock):
    by default, for the functions whose runs take over a millisecond. A full collection
    walks the whole heap and leaves the CPU caches cold, which a sub-millisecond function
    then pays for: the edit is timed with ``collect_between=False``.
    """
    samples = {name: Samples() for name in funcs}
    reps: dict[str, int] = {}
    for name, func in funcs.items():
        gc.collect()
        first, first_cpu = _once(func)
        if not warm and first >= settings.budget:
            samples[name].add(first, first_cpu)
        want = max(settings.min_runs, math.ceil(settings.budget / max(first, 1e-9)))
        reps[name] = min(settings.max_runs, want) - len(samples[name].wall)
    schedule = sorted(
        ((k + 0.5) / n, order, name)
        for order, (name, n) in enumerate(reps.items())
        for k in range(n)
    )
    collect = {
        name: settings.budget / max(reps[name], 1) > 0.001
        if collect_between is None
        else collect_between
        for name in funcs
    }
    for _position, _order, name in schedule:
        if collect[name]:
            # Garbage from the previous run must not be collected on this run's clock.
            gc.collect()
        samples[name].add(*_once(funcs[name]))
    return samples


def peak_memory(func: Callable[[], object]) -> int:
    """Peak bytes allocated while ``func`` runs (tracemalloc), its result included."""
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        result = func()
        peak = tracemalloc.get_traced_memory()[1]
        del result
    finally:
        tracemalloc.stop()
    return peak


def run_processes(
    commands: dict[str, Sequence[str]],
    runs: int,
    cwd: Path,
    cpu: dict[str, list[float]] | None = None,
) -> tuple[dict[str, list[float]], dict[str, int]]:
    """Wall time of each command, ``runs`` times, interleaved (A B A B…); and exit codes.

    With ``cpu``, each run's CPU seconds (user + system, worker processes included) are
    recorded there too: on a machine other work keeps busy, extra workers cannot buy wall
    time, and the CPU time shows what they cost.
    """
    import resource

    times: dict[str, list[float]] = {name: [] for name in commands}
    codes: dict[str, int] = {}
    # Bytecode caching on, as for an installed package (pip compiles it): with it off (this
    # sandbox sets PYTHONDONTWRITEBYTECODE) every run would compile our modules from source,
    # while markdown-it-py's and click's were compiled when they were installed.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for command in commands.values():  # one untimed run each: write .pyc, warm caches
        subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=False)
    for _ in range(runs):
        for name, command in commands.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=False)
            times[name].append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if cpu is not None:
                used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
                cpu.setdefault(name, []).append(used)
            codes[name] = done.returncode
    return times, codes


# -- what is measured -----------------------------------------------------------------------------
def _markdown_it() -> Callable[[str], object]:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable("table")
    return md.parse


def _lint() -> tuple[Lint | None, str]:
    """``lint_document`` bound to default options, or None and why not."""
    try:
        engine = importlib.import_module("studylog_md.lint.engine")
        options_module = importlib.import_module("studylog_md.lint.options")
    except ImportError as exc:
        return None, f"the linter is not importable ({exc})"
    lint_document = engine.lint_document
    options = options_module.LintOptions()

    def lint(doc: Any, path: str) -> list[Any]:
        return list(lint_document(doc, path, options))

    return lint, ""


def read_entries(doc: Any) -> int:
    """Touch every entry's title, URL and status (what ``list`` shows); returns a checksum."""
    total = 0
    for entry in doc.entries:
        total += len(entry.title) + (len(entry.url) if entry.url else 0) + len(entry.status.value)
    return total


def workloads(
    text: str, parse: Callable[[str], object], lint: Lint | None
) -> dict[str, Callable[[], object]]:
    """What is timed on one text: the baseline first, then ours."""
    from studylog_md import loads

    path = "generated.md"
    loaded = loads(text)
    assert loaded.dumps() == text, "the generated log must round-trip"

    def toggle() -> bytes:
        doc = loads(text)
        doc.toggle(TARGET_TITLE)
        return doc.to_bytes()

    funcs: dict[str, Callable[[], object]] = {
        "markdown-it": lambda: parse(text),
        "loads+entries": lambda: read_entries(loads(text)),
        "dumps (no-op)": loaded.dumps,
        "toggle end to end": toggle,
    }
    if lint is not None:
        funcs["lint (offline)"] = lambda: lint(loads(text), path)
    return funcs


def edit_workload(text: str) -> Callable[[], object]:
    """The edit alone (marker choice, replacement, safety check) on a loaded document.

    It flips the target back and forth. Timed on its own, not between multi-second loads
    that leave every cache cold: its time must not grow with the file.
    """
    from studylog_md import Status, loads

    edited = loads(text)
    flips = itertools.cycle((Status.DONE, Status.TODO))
    # An edit re-derives the document (and verifies the re-parse), so the entry is found
    # again each time: entries of an older parse are stale.
    return lambda: edited.set_status(edited.find(TARGET_TITLE), next(flips))


def in_process(report: Report, sizes: Sequence[int], settings: Settings) -> None:
    """The in-process rows for every size, then the growth rows."""
    parse = _markdown_it()
    lint, lint_missing = _lint()
    medians: dict[tuple[str, int], Samples] = {}
    base_medians: dict[int, Samples] = {}
    for index, size in enumerate(sizes):
        text = generate(size)
        label = str(size)
        samples = time_interleaved(workloads(text, parse, lint), settings, warm=index == 0)
        edit = {"edit + safety check": edit_workload(text)}
        samples.update(time_interleaved(edit, settings, collect_between=False))
        base = samples.pop("markdown-it")
        base_medians[size] = base
        for name, values in samples.items():
            medians[(name, size)] = values
            target = TARGETS.get(name) if size >= JUDGED_FROM else None
            report.add(
                Row(
                    name,
                    label,
                    values.median,
                    base.median,
                    "s",
                    "markdown-it parse",
                    ratio=values.median / base.median,
                    target=target,
                    runs=len(values.wall),
                    cpu_ratio=values.cpu_median / base.cpu_median,
                    note="not judged" if target is None and name in TARGETS else "",
                )
            )
        if lint is None:
            report.skip("lint (offline)", label, lint_missing)
        if size <= settings.memory_max_size:
            memory(report, label, text, parse, lint)
        if settings.peers and size <= settings.peer_max_size:
            peers(report, label, text, parse, settings)
    growth(report, sizes, medians, base_medians)


def memory(
    report: Report,
    label: str,
    text: str,
    parse: Callable[[str], object],
    lint: Lint | None,
) -> None:
    """Peak memory of loads+entries and of lint against markdown-it-py's parse."""
    from studylog_md import loads

    def load_entries() -> object:
        doc = loads(text)
        read_entries(doc)
        return doc

    base = peak_memory(lambda: parse(text))

    def add(name: str, ours: int) -> None:
        mib = 1024 * 1024
        report.add(
            Row(
                name,
                label,
                ours / mib,
                base / mib,
                "MiB",
                "markdown-it parse peak",
                ratio=ours / base,
                target=MEMORY_TARGET,
                runs=1,
            )
        )

    add("peak memory loads+entries", peak_memory(load_entries))
    if lint is None:
        return
    lint_fn = lint

    def run_lint() -> object:
        doc = loads(text)
        return doc, lint_fn(doc, "generated.md")

    add("peak memory lint", peak_memory(run_lint))


def growth(
    report: Report,
    sizes: Sequence[int],
    medians: dict[tuple[str, int], Samples],
    base_medians: dict[int, Samples],
) -> None:
    """Linear growth: the time at the largest size over the time at a tenth of it."""
    for big in sizes:
        small = big // 10
        if small not in sizes or big < 100_000:
            continue
        base_growth = base_medians[big].median / base_medians[small].median
        for name in ("loads+entries", "toggle end to end", "lint (offline)", "edit + safety check"):
            if (name, big) not in medians or (name, small) not in medians:
                continue
            factor = medians[(name, big)].median / medians[(name, small)].median
            cpu_factor = medians[(name, big)].cpu_median / medians[(name, small)].cpu_median
            target = EDIT_GROWTH_TARGET if name == "edit + safety check" else GROWTH_TARGET
            report.add(
                Row(
                    f"growth {name}",
                    f"{small}->{big}",
                    factor,
                    base_growth,
                    "x",
                    "markdown-it growth",
                    ratio=factor,
                    target=target,
                    runs=1,
                    cpu_ratio=cpu_factor,
                    note="ours and markdown-it columns are growth factors",
                )
            )


PEERS: dict[str, tuple[str, str]] = {
    # row name -> (module to import, what is timed)
    "peer: mdformat round trip": ("mdformat", "mdformat.text(text)"),
    "peer: pymarkdown scan": ("pymarkdown.api", "PyMarkdownApi().scan_string(text)"),
}


def _peer(module: Any, name: str, text: str) -> Callable[[], object]:
    if name == "peer: mdformat round trip":
        return lambda: module.text(text)
    scanner = module.PyMarkdownApi()
    return lambda: scanner.scan_string(text)


def peers(
    report: Report, label: str, text: str, parse: Callable[[str], object], settings: Settings
) -> None:
    """Other tools on the same text, when installed (never a dependency of this project).

    Each is interleaved with its own markdown-it-py runs, like every other in-process row.
    """
    for name, (module_name, what) in PEERS.items():
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            if not any(name in note for note in report.notes):
                report.notes.append(f"{name}: skipped: {module_name} is not installed")
            continue
        samples = time_interleaved(
            {"markdown-it": lambda: parse(text), name: _peer(module, name, text)}, settings
        )
        ours, base = samples[name], samples["markdown-it"]
        report.add(
            Row(
                name,
                label,
                ours.median,
                base.median,
                "s",
                "markdown-it parse",
                ratio=ours.median / base.median,
                runs=len(ours.wall),
                cpu_ratio=ours.cpu_median / base.cpu_median,
                note=what,
            )
        )


def _cli() -> list[str]:
    """How to run the console script: the one next to this Python, else ``-m``."""
    script = Path(sys.executable).parent / "studylog-md"
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "studylog_md"]


def whole_process(report: Report, settings: Settings) -> None:
    """``studylog-md lint`` and ``--help`` against bare imports of what they need."""
    cli = _cli()
    with tempfile.TemporaryDirectory() as folder:
        cwd = Path(folder)
        if SEED.is_file():
            log, label = SEED, "seed"
        else:
            log, label = cwd / "STUDY_LOG.md", "100"
            log.write_text(generate(100), encoding="utf-8")
        times, codes = run_processes(
            {
                "ours": [*cli, "lint", str(log)],
                "base": [sys.executable, "-c", "import markdown_it, click"],
            },
            settings.process_runs,
            cwd,
        )
        if codes["ours"] in (0, 1):
            _process_row(
                report,
                "process: studylog-md lint",
                label,
                times,
                LINT_PROCESS_TARGET,
                'python -c "import markdown_it, click"',
            )
        else:
            report.skip(
                "process: studylog-md lint",
                label,
                f"`studylog-md lint` exited {codes['ours']} (the command is not ready?)",
            )
        times, codes = run_processes(
            {"ours": [*cli, "--help"], "base": [sys.executable, "-c", "import click"]},
            settings.process_runs,
            cwd,
        )
        if codes["ours"] == 0:
            _process_row(
                report,
                "process: studylog-md --help",
                "-",
                times,
                HELP_PROCESS_TARGET,
                'python -c "import click"',
            )
        else:
            report.skip("process: studylog-md --help", "-", f"exited {codes['ours']}")


def _process_row(
    report: Report,
    name: str,
    label: str,
    times: dict[str, list[float]],
    target: float | None,
    baseline: str,
    cpu: dict[str, list[float]] | None = None,
) -> None:
    ours = statistics.median(times["ours"])
    base = statistics.median(times["base"])
    cpu_ratio = None
    if cpu and cpu.get("base") and statistics.median(cpu["base"]) > 0:
        cpu_ratio = statistics.median(cpu["ours"]) / statistics.median(cpu["base"])
    report.add(
        Row(
            name,
            label,
            ours,
            base,
            "s",
            baseline,
            ratio=ours / base,
            target=target,
            runs=len(times["ours"]),
            cpu_ratio=cpu_ratio,
        )
    )


def server_row(report: Report, sizes: Sequence[int], settings: Settings) -> None:
    """ "server re-lint after change": ``didChange`` to diagnostics, against a ``lint`` process.

    On the 10,000-entry log (or the largest size asked for, when smaller: the smoke test).
    """
    name = "server re-lint after change"
    size = min(SERVER_SIZE, max(sizes))
    try:
        importlib.import_module("pygls")
        bench = importlib.import_module("server_bench")
    except ImportError as exc:
        report.skip(name, str(size), f"not importable ({exc}); pip install 'studylog-md[server]'")
        return
    cli = _cli()
    with tempfile.TemporaryDirectory() as folder:
        cwd = Path(folder)
        (cwd / ".git").mkdir()  # no configuration from above the temporary folder
        log = cwd / "STUDY_LOG.md"
        log.write_text(generate(size), encoding="utf-8")
        try:
            times = bench.relint_times(
                log, [*cli, "server"], [*cli, "lint", str(log)], settings.process_runs, cwd
            )
        except Exception as exc:  # a server that fails is a skipped row, said why
            report.skip(name, str(size), f"the server run failed: {exc!r}")
            return
    ours, base = statistics.median(times.served), statistics.median(times.whole)
    cpu_ratio = None
    if times.served_cpu and times.whole_cpu:
        cpu_ratio = statistics.median(times.served_cpu) / statistics.median(times.whole_cpu)
    report.add(
        Row(
            name,
            str(size),
            ours,
            base,
            "s",
            "studylog-md lint FILE (a whole process)",
            ratio=ours / base,
            target=SERVER_RELINT_TARGET,
            runs=len(times.served),
            cpu_ratio=cpu_ratio,
            note=f"didChange (one marker) to publishDiagnostics ({times.count} diagnostics)",
        )
    )


def online_row(result: dict[str, Any]) -> Row:
    """The link-check row from ``linkcheck_bench.run_benchmark()``'s result."""
    effective = float(result["effective_concurrency"])
    configured = float(result["max_concurrency"])
    return Row(
        "online link check",
        f"{result.get('links', '?')} links",
        effective,
        configured,
        "req",
        "configured concurrency",
        ratio=effective / configured,
        target=ONLINE_SHARE_TARGET,
        higher_is_better=True,
        runs=1,
        note=f"{result.get('links_per_s', '?')} links/s, "
        f"{result.get('latency_ms', '?')} ms latency; columns are requests in flight",
    )


def online(report: Report) -> None:
    """Link-check throughput from ``benchmarks/linkcheck_bench.py``, when importable."""
    try:
        importlib.import_module("studylog_md.linkcheck")
        bench = importlib.import_module("linkcheck_bench")
    except ImportError as exc:
        report.skip("online link check", "-", f"not importable ({exc})")
        return
    try:
        result = bench.run_benchmark()
        report.add(online_row(result))
    except Exception as exc:  # someone else's benchmark: report it and go on
        report.skip("online link check", "-", f"run_benchmark() failed: {exc!r}")


# -- many files -------------------------------------------------------------------------------


def write_tree(folder: Path, count: int) -> None:
    """``count`` generated logs of :data:`FILES_ENTRIES` entries, 100 to a folder."""
    (folder / ".studylog-md.toml").write_text("", encoding="utf-8")  # nothing above counts
    for number in range(count):
        sub = folder / f"part{number // 100:03}"
        sub.mkdir(exist_ok=True)
        text = generate(FILES_ENTRIES, seed=number)
        (sub / f"log{number:05}.md").write_text(text, encoding="utf-8")


def _failure(command: Sequence[str], cwd: Path) -> str:
    """Why a command failed: its exit code and the last line it wrote on stderr."""
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    lines = done.stderr.strip().splitlines()
    return f"exited {done.returncode}" + (f": {lines[-1]}" if lines else "")


def files_rows(report: Report, settings: Settings) -> None:
    """``studylog-md lint TREE`` on many files: worker processes against one process.

    The row at ``settings.files_count`` files is the automatic choice (``--jobs 0``) against
    ``--jobs 1`` (every file in one process, one after another) and against an estimate of a
    process per file (what a shell loop or an old pre-commit hook would do: the median of
    :data:`PER_FILE_SAMPLE` single-file runs, times the file count). The break-even rows force
    two workers (``--jobs 2``) on small trees against ``--jobs 1``; where their ratio crosses 1
    is what ``PARALLEL_MIN_FILES`` in ``cli/_lint_files.py`` is set from.
    """
    cli = _cli()
    runs = max(1, settings.process_runs)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for count in settings.break_even:
            tree = root / f"tree{count}"
            tree.mkdir()
            write_tree(tree, count)
            cpu: dict[str, list[float]] = {}
            times, codes = run_processes(
                {
                    "ours": [*cli, "lint", "-q", "--jobs", "2", str(tree)],
                    "base": [*cli, "lint", "-q", "--jobs", "1", str(tree)],
                },
                runs,
                root,
                cpu,
            )
            if codes["ours"] not in (0, 1):
                why = _failure([*cli, "lint", "-q", "--jobs", "2", str(tree)], root)
                report.skip("lint files: 2 workers", str(count), why)
                continue
            _process_row(report, "lint files: 2 workers", str(count), times, None, "--jobs 1", cpu)
        count = settings.files_count
        tree = root / "big"
        tree.mkdir()
        write_tree(tree, count)
        big_runs = max(1, min(runs, settings.files_runs))
        cpu = {}
        times, codes = run_processes(
            {
                "ours": [*cli, "lint", "-q", str(tree)],
                "base": [*cli, "lint", "-q", "--jobs", "1", str(tree)],
            },
            big_runs,
            root,
            cpu,
        )
        if codes["ours"] not in (0, 1):
            why = _failure([*cli, "lint", "-q", str(tree)], root)
            report.skip("lint a tree (auto jobs)", f"{count:,} files", why)
            return
        label = f"{count:,} files"
        _process_row(report, "lint a tree (auto jobs)", label, times, None, "--jobs 1", cpu)
        sample = sorted(tree.rglob("*.md"))[:PER_FILE_SAMPLE]
        single: list[float] = []
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        for path in sample:
            started = time.perf_counter()
            subprocess.run([*cli, "lint", "-q", str(path)], cwd=root, env=env, capture_output=True)
            single.append(time.perf_counter() - started)
        estimate = statistics.median(single) * count
        ours = statistics.median(times["ours"])
        report.add(
            Row(
                "lint a tree vs a process per file",
                label,
                ours,
                estimate,
                "s",
                f"median of {len(single)} single-file runs x {count}",
                ratio=ours / estimate,
                runs=len(times["ours"]),
            )
        )


# -- output ---------------------------------------------------------------------------------------
def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "s":
        if value < 1e-3:
            return f"{value * 1e6:.1f} µs"
        if value < 1:
            return f"{value * 1e3:.2f} ms"
        return f"{value:.3f} s"
    if unit == "MiB":
        return f"{value:.2f} MiB"
    if unit == "x":
        return f"{value:.2f}x"
    return f"{value:.1f} {unit}"


def _ratio(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if value >= 0.01 else f"{value:.1e}"


def table(report: Report) -> str:
    """The results as a fixed-width text table."""
    header = ("measurement", "size", "ours", "baseline", "ratio", "cpu ratio", "target", "result")
    lines = []
    for row in report.rows:
        if row.target is None:
            target = "-"
        else:
            target = f"{'>=' if row.higher_is_better else '<='} {row.target:g}"
        lines.append(
            (
                row.name,
                row.size,
                _fmt(row.ours, row.unit),
                _fmt(row.base, row.unit),
                _ratio(row.ratio),
                _ratio(row.cpu_ratio),
                target,
                row.verdict,
            )
        )
    widths = [max(len(str(c)) for c in col) for col in zip(header, *lines)]
    out = []
    for cells in (header, *lines):
        out.append("  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip())
    out.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(out)


def markdown_table(report: Report) -> str:
    """The results as a Markdown table (for benchmarks/README.md)."""
    lines = [
        "| measurement | size | ours | baseline | ratio | cpu ratio | target | result |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in report.rows:
        target = "-"
        if row.target is not None:
            target = f"{'≥' if row.higher_is_better else '≤'} {row.target:g}"
        lines.append(
            f"| {row.name} | {row.size} | {_fmt(row.ours, row.unit)} | "
            f"{_fmt(row.base, row.unit)} | {_ratio(row.ratio)} | {_ratio(row.cpu_ratio)} | "
            f"{target} | {row.verdict} |"
        )
    return "\n".join(lines)


def metadata(sizes: Sequence[int], settings: Settings) -> dict[str, Any]:
    """Where and how the numbers were taken."""
    import markdown_it

    return {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "markdown_it": markdown_it.__version__,
        "sizes": list(sizes),
        "budget_s": settings.budget,
        "min_runs": settings.min_runs,
        "process_runs": settings.process_runs,
        # how busy the machine was (1, 5, 15 minutes) when the report was written
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }


def task_list(count: int) -> str:
    """A task list of ``count`` short items (about 14 bytes a line, as in issue 17, item 11)."""
    lines = ["# Tasks", ""]
    lines += [f"- [{'x' if i % 3 == 0 else ' '}] t{i:06d}" for i in range(count)]
    return "\n".join(lines) + "\n"


def task_lists(report: Report, sizes: Sequence[int], settings: Settings) -> None:
    """loads+entries of a task list against a table log of the same size, per MB; memory."""
    from studylog_md import loads

    table = generate(max(sizes))
    # As many items as make the task list as big as the table log, in bytes.
    tasks = task_list(max(1, len(table.encode()) // 14))
    samples = time_interleaved(
        {
            "table": lambda: read_entries(loads(table)),
            "tasks": lambda: read_entries(loads(tasks)),
        },
        settings,
    )
    per_mb = {
        name: samples[name].median / (len(text.encode()) / 1e6)
        for name, text in (("table", table), ("tasks", tasks))
    }
    cpu_per_mb = {
        name: samples[name].cpu_median / (len(text.encode()) / 1e6)
        for name, text in (("table", table), ("tasks", tasks))
    }
    label = f"{len(tasks.encode()) / 1e6:.1f} MB"
    report.add(
        Row(
            "task list loads+entries per MB",
            label,
            per_mb["tasks"],
            per_mb["table"],
            "s",
            "table log per MB",
            ratio=per_mb["tasks"] / per_mb["table"],
            target=TASK_LIST_PER_MB_TARGET,
            runs=len(samples["tasks"].wall),
            cpu_ratio=cpu_per_mb["tasks"] / cpu_per_mb["table"],
        )
    )
    if max(sizes) > settings.memory_max_size:
        report.skip("peak memory task list", label, "larger than --memory-max-size")
        return
    base = peak_memory(lambda: _markdown_it()(tasks))
    ours = peak_memory(lambda: loads(tasks))
    mib = 1024 * 1024
    report.add(
        Row(
            "peak memory task list",
            label,
            ours / mib,
            base / mib,
            "MiB",
            "markdown-it parse peak",
            ratio=ours / base,
            target=MEMORY_TARGET,
            runs=1,
        )
    )


# Linux counts the memory a process had before exec in its ru_maxrss, so a child forked from
# this (large) benchmark process would report the benchmark's size: a small launcher process
# starts the command and reports the command's own peak (wait4), in KiB, on its stdout.
_LAUNCH = """
import os, subprocess, sys
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, status, usage = os.wait4(p.pid, 0)
print(usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def peak_rss(command: Sequence[str], cwd: Path) -> tuple[int, int]:
    """Peak resident bytes of one process running ``command`` (its output discarded); exit code."""
    done = subprocess.run(
        [sys.executable, "-c", _LAUNCH, *command],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    kib, code = done.stdout.split()
    return int(kib) * 1024, int(code)  # ru_maxrss is in KiB on Linux


_PARSE_FILE = (
    "import sys; from markdown_it import MarkdownIt; "
    "text = open(sys.argv[1], encoding='utf-8').read(); "
    "tokens = MarkdownIt('commonmark').enable('table').parse(text)"
)


def list_memory(report: Report, sizes: Sequence[int]) -> None:
    """Peak memory of the process ``studylog-md list --format json`` against a parse process.

    At every size from 10,000 entries; judged at 100,000 (issue 19).
    """
    cli = _cli()
    name = "peak memory list --format json"
    for size in sizes:
        if size < JUDGED_FROM:
            continue
        with tempfile.TemporaryDirectory() as folder:
            cwd = Path(folder)
            log = cwd / "STUDY_LOG.md"
            log.write_text(generate(size), encoding="utf-8")
            ours, code = peak_rss([*cli, "list", "--format", "json", str(log)], cwd)
            base, base_code = peak_rss([sys.executable, "-c", _PARSE_FILE, str(log)], cwd)
        if code != 0 or base_code != 0:
            report.skip(name, str(size), f"exited {code} (ours) / {base_code} (markdown-it)")
            continue
        mib = 1024 * 1024
        judged = size >= LIST_MEMORY_JUDGED_AT
        report.add(
            Row(
                name,
                str(size),
                ours / mib,
                base / mib,
                "MiB",
                "markdown-it parse process peak RSS",
                ratio=ours / base,
                target=LIST_MEMORY_TARGET if judged else None,
                runs=1,
                note="" if judged else "judged at 100000",
            )
        )


PEER_PROCESSES: dict[str, tuple[str, ...]] = {
    # row name -> the command (its first word looked up on PATH), the file appended
    "peer process: markdownlint-cli2": ("markdownlint-cli2",),
    "peer process: mdformat --check": ("mdformat", "--check"),
    "peer process: pymarkdown scan": ("pymarkdown", "scan"),
}


def peer_processes(report: Report, sizes: Sequence[int], settings: Settings) -> None:
    """Other linters and formatters as whole processes against ``studylog-md lint``, same file.

    Info rows, when installed (``pip install -e ".[peers]"``; markdownlint-cli2 from npm):
    never a dependency. At the largest size up to ``peer_max_size``.
    """
    size = max([s for s in sizes if s <= settings.peer_max_size], default=min(sizes))
    cli = _cli()
    with tempfile.TemporaryDirectory() as folder:
        cwd = Path(folder)
        log = cwd / "STUDY_LOG.md"
        log.write_text(generate(size), encoding="utf-8")
        for name, command in PEER_PROCESSES.items():
            program = shutil.which(command[0]) or shutil.which(
                command[0], path=str(Path(sys.executable).parent)
            )
            if program is None:
                report.notes.append(f"{name}: skipped: {command[0]} is not installed")
                continue
            cpu: dict[str, list[float]] = {"ours": [], "base": []}
            times, _ = run_processes(
                {
                    "ours": [program, *command[1:], str(log)],
                    "base": [*cli, "lint", str(log)],
                },
                settings.process_runs,
                cwd,
                cpu,
            )
            _process_row(report, name, str(size), times, None, "studylog-md lint process", cpu)


def run(sizes: Sequence[int], settings: Settings) -> Report:
    """Take every measurement; the report."""
    report = Report()
    in_process(report, sizes, settings)
    task_lists(report, sizes, settings)
    if settings.process:
        whole_process(report, settings)
        list_memory(report, sizes)
        if settings.peers:
            peer_processes(report, sizes, settings)
        if settings.server:
            server_row(report, sizes, settings)
    if settings.files:
        files_rows(report, settings)
    if settings.online:
        online(report)
    return report


def _sizes(text: str) -> tuple[int, ...]:
    sizes = tuple(sorted({int(part.replace("_", "")) for part in text.split(",") if part}))
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes are positive entry counts, e.g. 100,1000")
    return sizes


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; exit code 1 when a judged row fails its target."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"sizes {','.join(map(str, QUICK_SIZES))} and shorter runs",
    )
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write JSON")
    parser.add_argument("--sizes", type=_sizes, help="entry counts, comma-separated")
    parser.add_argument("--budget", type=float, help="seconds per measurement (default 0.3)")
    parser.add_argument("--min-runs", type=int, help="fewest runs per measurement (default 3)")
    parser.add_argument("--process-runs", type=int, help="runs per subprocess (default 7)")
    parser.add_argument("--memory-max-size", type=int, help="largest size to trace memory at")
    parser.add_argument("--no-online", action="store_true", help="skip the link-check row")
    parser.add_argument("--no-peers", action="store_true", help="skip mdformat / pymarkdown")
    parser.add_argument("--no-server", action="store_true", help="skip the language-server row")
    parser.add_argument("--no-process", action="store_true", help="skip whole-process rows")
    parser.add_argument("--no-files", action="store_true", help="skip the many-files rows")
    parser.add_argument("--files", type=int, help="files in the many-files tree (default 2000)")
    parser.add_argument(
        "--break-even", type=_sizes, help="file counts of the break-even rows (4,8,...,128)"
    )
    parser.add_argument("--markdown", action="store_true", help="also print a Markdown table")
    parser.add_argument(
        "--goals", action="store_true", help="judge issue 19's goals instead of the gates"
    )
    args = parser.parse_args(argv)
    use_targets(GOALS if args.goals else GATES)
    settings = Settings()
    if args.quick:
        settings.budget = 0.15
        settings.memory_max_size = 10_000
    sizes = args.sizes or (QUICK_SIZES if args.quick else DEFAULT_SIZES)
    if args.budget is not None:
        settings.budget = args.budget
    if args.min_runs is not None:
        settings.min_runs = max(1, args.min_runs)
    if args.process_runs is not None:
        settings.process_runs = max(1, args.process_runs)
    if args.memory_max_size is not None:
        settings.memory_max_size = args.memory_max_size
    settings.online = not args.no_online
    settings.peers = not args.no_peers
    settings.server = not args.no_server
    settings.process = not args.no_process
    settings.files = not args.no_files
    if args.files is not None:
        settings.files_count = max(1, args.files)
    if args.break_even is not None:
        settings.break_even = args.break_even

    report = run(sizes, settings)
    print(table(report))
    for note in report.notes:
        print(f"note: {note}")
    if args.markdown:
        print()
        print(markdown_table(report))
    payload = {
        "meta": metadata(sizes, settings),
        "rows": [row.to_dict() for row in report.rows],
        "notes": report.notes,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.json}")
    return 1 if any(row.verdict == "FAIL" for row in report.rows) else 0


if __name__ == "__main__":
    sys.exit(main())

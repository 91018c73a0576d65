"""The benchmark's code paths work (``benchmarks/run.py`` at its smallest size, no timing
asserted), and the generator makes the log it promises."""

from __future__ import annotations

import importlib.util
import itertools
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from studylog_md import Status, loads

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _load(name: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generate() -> ModuleType:
    return _load("generate")


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    _load("generate")
    return _load("run")


@pytest.mark.parametrize("size", [1, 2, 7, 100, 1000])
def test_a_generated_log_has_exactly_the_entries_asked_for(generate: ModuleType, size: int) -> None:
    doc = loads(generate.generate(size))
    assert len(doc.entries) == size
    assert [e.title for e in doc.entries].count(generate.TARGET_TITLE) == 1


def test_the_generator_is_deterministic_and_the_seed_matters(generate: ModuleType) -> None:
    assert generate.generate(300) == generate.generate(300)
    assert generate.generate(300) != generate.generate(300, seed=1)


def test_a_generated_log_has_the_seed_style_quirks(generate: ModuleType) -> None:
    text = generate.generate(2000)
    doc = loads(text)
    lines = text.split("\n")
    rows = [e for e in doc.entries if e.kind == "row"]
    tasks = [e for e in doc.entries if e.kind == "task"]
    assert tasks, "an occasional task list"
    assert any(e.status is Status.UNKNOWN and e.marker_line < 0 for e in rows), "missing cells"
    assert any(e.row is not None and len(e.row.cells) == 4 for e in rows), "an extra cell"
    assert any(e.notes is None for e in rows), "rows without a notes cell"
    titles = [e.title for e in rows]
    assert len(set(titles)) < len(titles), "a few duplicates"
    glued_rule = any(a.startswith("|") and b == "---" for a, b in itertools.pairwise(lines))
    assert glued_rule, "a --- right under a table"
    glued_heading = any(
        a.startswith("### ") and b.startswith("|") for a, b in itertools.pairwise(lines)
    )
    assert glued_heading, "a heading glued to its table"
    assert {section.level for section in doc.sections} >= {1, 2, 3}, "nested headings"
    sizes = [len(t.rows) for t in doc.tables]
    assert max(sizes) <= 200 and sorted(sizes)[len(sizes) // 2] >= 20


@pytest.mark.parametrize("size", [1, 100, 1000])
def test_the_toggle_target_toggles_and_only_its_marker_changes(
    generate: ModuleType, size: int
) -> None:
    text = generate.generate(size)
    doc = loads(text)
    change = doc.toggle(generate.TARGET_TITLE)
    assert change.old_status is Status.TODO and change.new_status is Status.DONE
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if generate.TARGET_TITLE in line)
    lines[at] = lines[at].replace("|⬜|", "|✅|")
    assert doc.dumps() == "\n".join(lines)
    assert at >= len(lines) * 0.8 or size < 20  # near the end, so a find scans the log


def test_the_generator_script_writes_a_log(
    generate: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    assert generate.main(["5"]) == 0
    assert capsys.readouterr().out == generate.generate(5)
    assert generate.main([]) == 2


@pytest.mark.slow  # the whole benchmark at its smallest size, peers and processes included
def test_run_py_at_the_smallest_size_writes_every_row(
    bench: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "results.json"
    args = ["--sizes", "100", "--budget", "0", "--min-runs", "1", "--process-runs", "1"]
    args += ["--files", "12", "--break-even", "4"]
    code = bench.main([*args, "--no-online", "--no-server", "--json", str(out)])
    printed = capsys.readouterr().out
    data = json.loads(out.read_text(encoding="utf-8"))
    rows = {(row["name"], row["size"]): row for row in data["rows"]}
    for name in ("loads+entries", "dumps (no-op)", "toggle end to end", "edit + safety check"):
        row = rows[(name, "100")]
        assert row["ours"] > 0 and row["base"] > 0 and row["ratio"] > 0
        assert row["runs"] == 1 and row["cpu_ratio"] is not None
        assert name in printed
    memory = rows[("peak memory loads+entries", "100")]
    assert memory["unit"] == "MiB" and memory["verdict"] in ("PASS", "FAIL")
    # the linter and the whole-process rows run or say why not; either way there is a row
    assert ("lint (offline)", "100") in rows
    assert any(name.startswith("process: studylog-md --help") for name, _ in rows)
    assert not any(name.startswith("server re-lint") for name, _ in rows)  # --no-server
    # the many-files rows: a tree against one process, and against a process per file
    for key in (
        ("lint a tree (auto jobs)", "12 files"),
        ("lint a tree vs a process per file", "12 files"),
        ("lint files: 2 workers", "4"),
    ):
        assert rows[key]["ours"] > 0 and rows[key]["base"] > 0, key
    assert code == (1 if any(row["verdict"] == "FAIL" for row in data["rows"]) else 0)
    assert data["meta"]["sizes"] == [100]


@pytest.mark.slow  # starts the language server (~1-2 s) and a lint process
def test_the_server_row_at_the_smallest_size(bench: ModuleType) -> None:
    # The test extra installs pygls, so the row is measured, not skipped.
    report = bench.Report()
    bench.server_row(report, [100], bench.Settings(process_runs=1))
    (row,) = report.rows
    assert (row.name, row.size, row.runs) == ("server re-lint after change", "100", 1)
    assert row.ours > 0 and row.base > 0 and row.target == 1.0
    assert "publishDiagnostics" in row.note and row.verdict in ("PASS", "FAIL")


def test_the_online_row_reads_the_link_benchmark_result(bench: ModuleType) -> None:
    row = bench.online_row(
        {"effective_concurrency": 48.0, "max_concurrency": 64, "links": 400, "links_per_s": 240}
    )
    assert row.ratio == pytest.approx(0.75)
    assert row.verdict == "PASS"
    slow = bench.online_row({"effective_concurrency": 12.8, "max_concurrency": 64})
    assert slow.verdict == "FAIL"


def test_time_interleaved_alternates_and_honours_the_minimum(bench: ModuleType) -> None:
    order: list[str] = []
    settings = bench.Settings(budget=0.0, min_runs=3)
    samples = bench.time_interleaved(
        {"a": lambda: order.append("a"), "b": lambda: order.append("b")}, settings
    )
    assert len(samples["a"].wall) == len(samples["b"].wall) == 3
    assert order == ["a", "b"] * 4  # one calibration run each, then A B A B A B


def test_the_table_shows_every_row(bench: ModuleType) -> None:
    report = bench.Report()
    report.add(bench.Row("x", "10", 0.5, 1.0, "s", "base", ratio=0.5, target=0.6))
    report.skip("y", "10", "not installed")
    text = bench.table(report)
    assert "500.00 ms" in text and "PASS" in text and "skip" in text
    assert "| x | 10 |" in bench.markdown_table(report)


def test_the_many_files_tree_holds_logs_of_the_promised_size(
    bench: ModuleType, tmp_path: Path
) -> None:
    bench.write_tree(tmp_path, 130)
    files = sorted(tmp_path.rglob("*.md"))
    assert len(files) == 130
    assert {path.parent.name for path in files} == {"part000", "part001"}
    first = loads(files[0].read_text(encoding="utf-8"))
    assert len(first.entries) == bench.FILES_ENTRIES
    assert files[0].read_bytes() != files[1].read_bytes()  # a seed per file

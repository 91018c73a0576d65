"""The command line used wrongly: unknown options, odd file names, mixed good and bad files.

Usage mistakes are click's usage message and exit 2. With several files, every file is
processed and the worst outcome decides the exit code (2 beats 1 beats 0).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ._cli import (
    LOG,
    LOG_BYTES,
    LOG_TOGGLED,
    FileState,
    assert_no_traceback,
    assert_untouched,
    assert_usage_error,
    assert_user_error,
    run_cli,
    write_log,
)

# A row with one cell too many: lint's column-count finding (exit 1).
FINDINGS = LOG_BYTES.replace(
    b"|Attention Is All You Need|\xe2\x9c\x85||", b"|Attention|\xe2\x9c\x85|a|b|"
)


@pytest.mark.parametrize(
    "args",
    [
        ("list", "--bogus", "log.md"),
        ("stats", "--bogus", "log.md"),
        ("toggle", "--bogus", "log.md", "U-Net"),
        ("add", "--bogus", "log.md", "--section", "Papers", "--title", "x"),
        ("lint", "--bogus", "log.md"),
        ("fix", "--bogus", "log.md"),
        ("frobnicate", "log.md"),
        ("toggle", "log.md", "U-Net", "--to", "finished"),
        ("toggle", "log.md"),
        ("add", "log.md", "--title", "x"),
        ("lint", "--select", "no-such-rule", "log.md"),
        ("lint", "--max-bytes", "0", "log.md"),
    ],
    ids=lambda a: "-".join(a[:2]),
)
def test_usage_errors_are_exit_2_with_the_usage_line(log: Path, args: tuple[str, ...]) -> None:
    before = FileState.of(log)
    result = run_cli(*args, cwd=log.parent)
    assert_usage_error(result)
    assert_untouched(log, before)


@pytest.mark.parametrize("command", ["list", "stats", "toggle"])
def test_a_max_bytes_below_one_is_a_usage_error(log: Path, command: str) -> None:
    extra = ("U-Net",) if command == "toggle" else ()
    for value in ("0", "-5"):
        result = run_cli(command, "--max-bytes", value, str(log), *extra)
        assert_usage_error(result, "--max-bytes")
    assert log.read_bytes() == LOG_BYTES


def test_no_command_prints_the_help() -> None:
    result = run_cli()
    assert result.returncode in (0, 2), result.describe()
    assert_no_traceback(result)
    assert "Commands:" in result.stdout + result.stderr


def test_a_file_name_starting_with_a_dash(tmp_path: Path) -> None:
    log = write_log(tmp_path / "-log.md")
    result = run_cli("list", "-log.md", cwd=tmp_path)
    assert_usage_error(result, "No such option")
    for args in (("list", "--", "-log.md"), ("lint", "--", "-log.md")):
        result = run_cli(*args, cwd=tmp_path)
        assert result.returncode == 0, result.describe()
    result = run_cli("toggle", "--", "-log.md", "U-Net", cwd=tmp_path)
    assert result.returncode == 0, result.describe()
    assert log.read_bytes() == LOG_TOGGLED


def test_a_query_starting_with_a_dash(tmp_path: Path) -> None:
    log = write_log(tmp_path / "log.md", LOG_BYTES.replace(b"U-Net", b"-dash title"))
    result = run_cli("toggle", "--", "log.md", "-dash", cwd=tmp_path)
    assert result.returncode == 0, result.describe()
    assert "|✅|segmentation|".encode() in log.read_bytes()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "the query is empty"),
        ("   ", "the query is empty"),
        ("\udcff", "no entry matches"),
        ("*_`~", "the query is empty"),
    ],
    ids=["empty", "spaces", "invalid-utf8", "markup"],
)
def test_queries_that_can_match_nothing(log: Path, query: str, message: str) -> None:
    before = FileState.of(log)
    result = run_cli("toggle", str(log), query)
    assert_user_error(result, message)
    assert_untouched(log, before)


def test_an_ambiguous_query_lists_the_candidates(tmp_path: Path) -> None:
    log = write_log(tmp_path / "log.md", LOG_BYTES.replace(b"U-Net", b"Attention U-Net"))
    before = FileState.of(log)
    result = run_cli("toggle", str(log), "attention")
    assert_user_error(result, "matches 2 entries")
    assert "line 7:" in result.stderr and "line 8:" in result.stderr, result.describe()
    assert_untouched(log, before)


# --- several files -----------------------------------------------------------------------------


@pytest.fixture
def mixed(tmp_path: Path) -> list[str]:
    """A clean log, one with a lint finding, a UTF-16 one and a missing one."""
    write_log(tmp_path / "clean.md")
    write_log(tmp_path / "findings.md", FINDINGS)
    write_log(tmp_path / "utf16.md", b"\xff\xfe" + LOG.encode("utf-16-le"))
    return ["clean.md", "findings.md", "utf16.md", "missing.md"]


def test_lint_many_files_worst_exit_wins(tmp_path: Path, mixed: list[str]) -> None:
    result = run_cli("lint", *mixed, cwd=tmp_path)
    assert_user_error(result, "utf16.md", "missing.md")
    assert "findings.md:8:" in result.stdout, result.describe()
    # Without the unreadable files the findings decide: exit 1.
    result = run_cli("lint", "clean.md", "findings.md", cwd=tmp_path)
    assert result.returncode == 1, result.describe()


@pytest.mark.parametrize("command", ["list", "stats"])
def test_read_commands_many_files_every_file_processed(
    tmp_path: Path, mixed: list[str], command: str
) -> None:
    order = [mixed[3], mixed[0], mixed[2], mixed[1]]  # a bad file first, then good ones
    result = run_cli(command, "--format", "json", *order, cwd=tmp_path)
    assert_user_error(result, "utf16.md", "missing.md")
    data = json.loads(result.stdout)
    if command == "list":
        assert {item["path"] for item in data} == {"clean.md", "findings.md"}
    else:
        assert {item["file"] for item in data["files"]} == {"clean.md", "findings.md"}


def test_fix_many_files_fixes_the_good_ones(tmp_path: Path) -> None:
    # A zero-width space in a title is a safe fix; unreadable files beside it must not stop
    # it, and must not be touched.
    write_log(tmp_path / "fixable.md", LOG_BYTES.replace(b"04597)", b"04597?utm_source=x)"))
    write_log(tmp_path / "utf16.md", b"\xff\xfe" + LOG.encode("utf-16-le"))
    before = FileState.of(tmp_path / "utf16.md")
    result = run_cli("fix", "utf16.md", "fixable.md", "missing.md", cwd=tmp_path)
    assert_user_error(result, "utf16.md", "missing.md")
    assert_untouched(tmp_path / "utf16.md", before)
    assert (tmp_path / "fixable.md").read_bytes() == LOG_BYTES
    assert "Fixed fixable.md (1)" in result.stdout, result.describe()


# --- standard input ----------------------------------------------------------------------------


def test_list_reads_standard_input() -> None:
    result = run_cli("list", "--format", "json", "-", stdin=LOG_BYTES)
    assert result.returncode == 0, result.describe()
    assert [item["title"] for item in json.loads(result.stdout)] == [
        "U-Net",
        "Attention Is All You Need",
        "Write the summary",
    ]


def test_lint_reads_standard_input() -> None:
    result = run_cli("lint", "-", stdin=FINDINGS)
    assert result.returncode == 1, result.describe()
    assert "<stdin>:8:" in result.stdout, result.describe()
    result = run_cli("lint", "-", stdin=LOG_BYTES)
    assert result.returncode == 0, result.describe()


def test_standard_input_over_the_limit_does_not_stop_the_other_files(log: Path) -> None:
    result = run_cli("list", "--max-bytes", "1000", "-", str(log), stdin=b"x" * 5000)
    assert_user_error(result, "<stdin>", "--max-bytes")
    assert "U-Net" in result.stdout, result.describe()


def test_standard_input_in_utf16_is_refused() -> None:
    data = b"\xff\xfe" + LOG.encode("utf-16-le")
    for command in ("list", "lint"):
        result = run_cli(command, "-", stdin=data)
        assert_user_error(result, "UTF-16")


def test_empty_standard_input() -> None:
    for command in ("list", "lint"):
        result = run_cli(command, "-", stdin=b"")
        assert result.returncode == 0, result.describe()
        assert_no_traceback(result)


def test_fix_on_standard_input_writes_the_same_bytes_when_nothing_is_fixable() -> None:
    data = b"\xef\xbb\xbf" + LOG_BYTES.replace(b"\n", b"\r\n") + b"caf\xe9"
    result = run_cli("fix", "-", stdin=data)
    assert_no_traceback(result)
    assert result.returncode == 0, result.describe()
    assert result.stdout_bytes == data


def test_edits_refuse_standard_input() -> None:
    for args in (("toggle", "-", "U-Net"), ("add", "-", "--section", "Papers", "--title", "x")):
        result = run_cli(*args, stdin=LOG_BYTES)
        assert_user_error(result, "standard input")

"""What the commands print: never a raw terminal escape from a file, never a false summary.

Issue 17, item 3 (control characters from titles, headings and file names reach the terminal
escaped) and item 8 (``stats`` prints nothing when no file could be read).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from ._cli import CliResult, assert_user_error, run_cli

# A title that sets the terminal's window title and one that clears the screen and recolours.
ESCAPES = "\x1b]0;owned\x07", "\x1b[2J\x1b[31m", "\x9b31m"
HOSTILE = (
    f"# Plan{ESCAPES[0]}\n"
    "\n"
    "|Resource|Progress|\n"
    "|---|---|\n"
    f"|Evil{ESCAPES[1]} one|⬜|\n"
    f"|Evil{ESCAPES[2]} two|⬜|\n"
    "|Plain|✅|\n"
)
# The file name itself carries an escape too.
NAME = "log\x1b[8m.md"


def _assert_escaped(result: CliResult) -> None:
    """No control character but newlines in what was printed; the escapes shown as text."""
    for stream in (result.stdout, result.stderr):
        raw = [ch for ch in stream if (ch < " " and ch != "\n") or "\x7f" <= ch <= "\x9f"]
        assert not raw, f"raw control characters {raw!r}\n{result.describe()}"
    assert "\\x1b" in result.stdout + result.stderr, result.describe()


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    path = tmp_path / NAME
    path.write_text(HOSTILE, encoding="utf-8")
    return path


def test_list_escapes_titles_headings_and_file_names(hostile: Path, tmp_path: Path) -> None:
    (tmp_path / "other.md").write_text("- [ ] x\n", encoding="utf-8")
    result = run_cli("list", NAME, "other.md", cwd=hostile.parent)
    assert result.returncode == 0, result.describe()
    _assert_escaped(result)
    assert "Evil\\x1b[2J\\x1b[31m one" in result.stdout
    assert "Evil\\x9b31m two" in result.stdout
    assert "log\\x1b[8m.md: Plan\\x1b]0;owned\\x07" in result.stdout


def test_list_json_keeps_the_real_characters(hostile: Path) -> None:
    result = run_cli("list", "--format", "json", NAME, cwd=hostile.parent)
    assert result.returncode == 0, result.describe()
    assert "\\u001b[2J" in result.stdout  # JSON's own escape: machine output is exact


def test_toggle_escapes_the_change_line(hostile: Path) -> None:
    result = run_cli("toggle", NAME, "Evil\x1b[2J", cwd=hostile.parent)
    assert result.returncode == 0, result.describe()
    _assert_escaped(result)
    assert "Evil\\x1b[2J\\x1b[31m one ⬜ → ✅" in result.stdout


def test_toggle_escapes_the_candidate_list(hostile: Path) -> None:
    result = run_cli("toggle", NAME, "Evil", cwd=hostile.parent)
    assert_user_error(result, "matches 2 entries")
    _assert_escaped(result)
    assert "line 5: Evil\\x1b[2J\\x1b[31m one  [Plan\\x1b]0;owned\\x07]" in result.stderr


def test_text_lint_escapes_file_names_and_reports_the_controls(hostile: Path) -> None:
    result = run_cli("lint", "--select", "suspicious-characters", NAME, cwd=hostile.parent)
    assert result.returncode == 1, result.describe()
    _assert_escaped(result)
    lines = [line for line in result.stdout.splitlines() if "suspicious-characters" in line]
    # ESC and BEL in the heading, ESC twice in the first title, CSI (C1) in the second.
    assert len(lines) == 5, result.describe()
    assert all(line.startswith("log\\x1b[8m.md:") for line in lines), result.describe()
    assert "control character U+001B ESCAPE in this title" in result.stdout
    assert "U+009B CONTROL SEQUENCE INTRODUCER" in result.stdout


def test_a_tab_in_a_title_is_not_suspicious(tmp_path: Path) -> None:
    (tmp_path / "log.md").write_text("- [ ] Read\tthis\n", encoding="utf-8")
    result = run_cli("lint", "--select", "suspicious-characters", "log.md", cwd=tmp_path)
    assert result.returncode == 0, result.describe()


def test_stats_escapes_headings_and_file_names(hostile: Path, tmp_path: Path) -> None:
    (tmp_path / "other.md").write_text("# Other\n\n- [ ] x\n", encoding="utf-8")
    result = run_cli("stats", NAME, "other.md", cwd=hostile.parent)
    assert result.returncode == 0, result.describe()
    _assert_escaped(result)
    assert "log\\x1b[8m.md: Plan\\x1b]0;owned\\x07" in result.stdout


def test_errors_escape_file_names(tmp_path: Path) -> None:
    result = run_cli("list", "missing\x1b]0;t\x07.md", cwd=tmp_path)
    assert_user_error(result, "missing\\x1b]0;t\\x07.md")
    _assert_escaped(result)


def test_history_escapes_titles(tmp_path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
            cwd=tmp_path,
            check=True,
            capture_output=True,
        )

    log = tmp_path / "log.md"
    git("init", "-q")
    log.write_text(HOSTILE, encoding="utf-8")
    git("add", "log.md")
    git("commit", "-q", "-m", "start")
    log.write_text(HOSTILE.replace(" one|⬜|", " one|✅|"), encoding="utf-8")
    git("commit", "-q", "-am", "done")
    result = run_cli("history", "log.md", cwd=tmp_path)
    assert result.returncode == 0, result.describe()
    _assert_escaped(result)
    assert "Evil\\x1b[2J\\x1b[31m one" in result.stdout


# --- item 8: stats on files that cannot be read -------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_stats_prints_nothing_when_no_file_could_be_read(tmp_path: Path, fmt: str) -> None:
    (tmp_path / "folder.md").mkdir()
    (tmp_path / "big.md").write_text("- [ ] x\n" * 100, encoding="utf-8")
    result = run_cli(
        "stats",
        "--format",
        fmt,
        "--max-bytes",
        "50",
        "missing.md",
        "folder.md",
        "big.md",
        cwd=tmp_path,
    )
    assert_user_error(result, "missing.md", "folder.md", "big.md")
    assert result.stdout == "", result.describe()


def test_stats_writes_no_chart_when_no_file_could_be_read(tmp_path: Path) -> None:
    result = run_cli("stats", "--svg", "chart.svg", "--badge", "b.json", "missing.md", cwd=tmp_path)
    assert_user_error(result, "missing.md")
    assert result.stdout == ""
    assert not (tmp_path / "chart.svg").exists()
    assert not (tmp_path / "b.json").exists()


def test_stats_still_counts_the_readable_files(tmp_path: Path) -> None:
    (tmp_path / "ok.md").write_text("# A\n\n- [x] done\n- [ ] todo\n", encoding="utf-8")
    result = run_cli("stats", "missing.md", "ok.md", cwd=tmp_path)
    assert_user_error(result, "missing.md")
    assert "Total" in result.stdout and "50%" in result.stdout, result.describe()

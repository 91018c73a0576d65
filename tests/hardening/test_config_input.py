"""Hostile or careless configuration: globs that used to hang or crash, a ``max-bytes`` limit.

Issue 17, items 9, 21 and 22. Every run is a real CLI child with a deadline (``_cli.TIMEOUT``),
so a glob that hangs fails the test instead of hanging the suite.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studylog_md.config.globs import compile_glob

from ._cli import LOG_BYTES, FileState, assert_untouched, assert_user_error, run_cli, write_log

# A row with one cell too many: lint's column-count finding (SL001).
FINDINGS = LOG_BYTES.replace(
    b"|Attention Is All You Need|\xe2\x9c\x85||", b"|Attention|\xe2\x9c\x85|a|b|"
)


def _config(folder: Path, body: str) -> None:
    (folder / ".studylog-md.toml").write_text(body, encoding="utf-8")


@pytest.mark.parametrize(
    "glob",
    ["**/" * 12 + "z.md", "*a" * 12 + "b", "*a" * 40 + "b", "a*" * 30 + "/" + "**/*" * 20],
    ids=["dirs-x12", "star-a-x12", "star-a-x40", "mixed"],
)
def test_a_per_file_ignores_glob_cannot_hang_lint(tmp_path: Path, glob: str) -> None:
    # The file's path is long and almost matches, which made the old regex backtrack.
    folder = tmp_path / "/".join(["a" * 8] * 12)
    folder.mkdir(parents=True)
    log = write_log(folder / ("a" * 60 + ".md"), FINDINGS)
    _config(tmp_path, f'[per-file-ignores]\n"{glob}" = ["column-count"]\n')
    result = run_cli("lint", str(log), cwd=tmp_path)
    assert result.returncode == 1, result.describe()  # not ignored: the glob does not match
    assert "column-count" in result.stdout, result.describe()
    assert result.seconds < 10, result.describe()


def test_a_matching_glob_still_ignores(tmp_path: Path) -> None:
    (tmp_path / "drafts" / "deep").mkdir(parents=True)
    log = write_log(tmp_path / "drafts" / "deep" / "log.md", FINDINGS)
    _config(tmp_path, '[per-file-ignores]\n"drafts/**/*.md" = ["column-count"]\n')
    result = run_cli("lint", str(log), cwd=tmp_path)
    assert result.returncode == 0, result.describe()


def test_a_reversed_range_is_a_config_error_naming_the_key(tmp_path: Path) -> None:
    log = write_log(tmp_path / "log.md")
    _config(tmp_path, '[per-file-ignores]\n"log-[z-a].md" = ["column-count"]\n')
    result = run_cli("lint", str(log), cwd=tmp_path)
    assert_user_error(result, "per-file-ignores", "log-[z-a].md", "reversed")


# --- item 21: max-bytes from the configuration, for every command that reads a log ---------

# Each command line, with the file name in its place.
_READERS = [
    ("list", "log.md"),
    ("stats", "log.md"),
    ("lint", "log.md"),
    ("check-links", "log.md"),
    ("toggle", "log.md", "U-Net"),
    ("add", "log.md", "--section", "Papers", "--title", "New"),
    ("stats", "--write", "log.md"),
]


@pytest.mark.parametrize("command", _READERS, ids=lambda c: "-".join(c[:2]))
def test_max_bytes_from_the_config_is_honoured(tmp_path: Path, command: tuple[str, ...]) -> None:
    log = write_log(tmp_path / "log.md")
    _config(tmp_path, "max-bytes = 100\n")
    before = FileState.of(log)
    result = run_cli(*command, cwd=tmp_path)
    assert_user_error(result, "over the limit of 100 bytes")
    assert result.stdout == "", result.describe()
    assert_untouched(log, before)


def test_max_bytes_on_the_command_line_beats_the_config(tmp_path: Path) -> None:
    write_log(tmp_path / "log.md")
    _config(tmp_path, "max-bytes = 100\n")
    result = run_cli("list", "--max-bytes", "100000", "log.md", cwd=tmp_path)
    assert result.returncode == 0, result.describe()
    assert "U-Net" in result.stdout


# --- the matcher itself: same answers as the regular expression it replaced ---------------


def _reference(glob: str) -> re.Pattern[str]:
    """The old translation to a regular expression (fine for the short globs used here)."""
    pattern = glob.strip()
    anchored = pattern.startswith(("/", "./")) or "/" in pattern.rstrip("/")
    pattern = pattern.removeprefix("./").lstrip("/")
    if not anchored:
        pattern = "**/" + pattern
    if pattern.endswith("/"):
        pattern += "**"
    parts = []
    for token in re.findall(r"\*\*/|\*\*|\*|\?|\[!?[ab]+\]|.", pattern, re.S):
        if token == "**/":
            parts.append("(?:[^/]*/)*")
        elif token == "**":
            parts.append(".*")
        elif token == "*":
            parts.append("[^/]*")
        elif token == "?":
            parts.append("[^/]")
        elif token.startswith("[") and len(token) > 1:
            parts.append("[^/" + token[2:-1] + "]" if token[1] == "!" else token)
        else:
            parts.append(re.escape(token))
    return re.compile("(?s:" + "".join(parts) + r")\Z")


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from(["*", "**", "**/", "/", "a", "b", "?", "[ab]", "[!a]", "."]),
        min_size=1,
        max_size=6,
    ),
    st.text(alphabet="ab/.", max_size=9),
)
def test_the_matcher_agrees_with_the_old_regular_expression(parts: list[str], path: str) -> None:
    glob = "".join(parts)
    expected = _reference(glob).match(path) is not None
    assert compile_glob(glob).match(path) is expected

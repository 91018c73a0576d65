"""Hostile Markdown structure: deep nesting, huge lines and rows, bracket storms, hidden tables.

The pathological inputs run as one batch of real CLI processes (``list`` and ``lint``, plus
``toggle`` where a row is involved), each with a 20 s deadline: every one must finish, exit
with a documented code, and print no traceback. Deep nesting is never skipped silently:
``lint`` reports it as ``parse-truncated`` (exit 1).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from studylog_md import loads

from ._cli import (
    LOG_BYTES,
    BackgroundBatch,
    Job,
    JobResult,
    assert_no_traceback,
    run_cli,
    write_log,
)

TABLE = "|Resource|Progress|\n|---|---|\n|Alpha|⬜|\n"
HEAD = "|Resource|Progress|\n|---|---|\n"


def _deep_list(levels: int) -> str:
    return "".join("  " * i + "- item\n" for i in range(levels))


# name -> the file's text. Sizes follow issue 7; each is built in well under a second.
CASES: dict[str, Callable[[], str]] = {
    "list-25-deep": lambda: _deep_list(25) + "\n" + TABLE,
    "quote-25-deep": lambda: ">" * 25 + " deep\n\n" + TABLE,
    "quote-100k-deep": lambda: ">" * 100_000 + " x\n\n" + TABLE,
    "list-100k-deep-one-line": lambda: "- " * 100_000 + "x\n\n" + TABLE,
    "ordered-50k-deep": lambda: "1. " * 50_000 + "x\n\n" + TABLE,
    "quote-list-50k-deep": lambda: "> - " * 50_000 + "x\n\n" + TABLE,
    "list-1000-levels": lambda: _deep_list(1000) + "\n" + TABLE,
    "brackets-100k-paragraph": lambda: "[" * 100_000 + "\n\n" + TABLE,
    "brackets-100k-balanced": lambda: "[" * 100_000 + "]" * 100_000 + "\n\n" + TABLE,
    "brackets-100k-title-cell": lambda: HEAD + "|" + "[" * 100_000 + "|⬜|\n",
    "brackets-100k-heading": lambda: "# " + "[" * 100_000 + "\n\n" + TABLE,
    "brackets-100k-task": lambda: "- [ ] " + "[" * 100_000 + "\n",
    "images-50k-title-cell": lambda: HEAD + "|" + "![" * 50_000 + "|⬜|\n",
    "link-openers-30k-paragraph": lambda: "[a](" * 30_000 + "\n\n" + TABLE,
    "link-openers-30k-title-cell": lambda: HEAD + "|" + "[a](" * 30_000 + "|⬜|\n",
    "unclosed-titles-20k-paragraph": lambda: "[a](x (" * 20_000 + "\n\n" + TABLE,
    "backticks-100k": lambda: "`" * 100_000 + "\n\n" + TABLE,
    "code-span-storm-cell": lambda: HEAD + "|" + "``a`" * 25_000 + "|⬜|\n",
    "emphasis-100k": lambda: "*a" * 100_000 + "\n\n" + TABLE,
    "html-tags-50k": lambda: "<div>" * 50_000 + "\n\n" + TABLE,
    "angle-brackets-30k-cell": lambda: HEAD + "|" + "<a " * 30_000 + "|⬜|\n",
    "comment-openers-30k-cell": lambda: HEAD + "|x " + "<!--" * 30_000 + "|⬜|\n",
    "backtick-widths-cell": lambda: (
        HEAD + "|" + "".join("`" * k + "x" for k in range(1, 400)) + "|⬜|\n"
    ),
    "bare-url-parens-200k": lambda: "see http://a" + ")" * 200_000 + "\n\n" + TABLE,
    "bare-url-entities-40k": lambda: "see http://a" + "&amp;" * 40_000 + "\n\n" + TABLE,
    "pipes-200k-line": lambda: "|" * 200_000 + "\n\n" + TABLE,
    "pipes-200k-row": lambda: HEAD + "|Alpha|⬜|" + "|" * 200_000 + "\n",
    "header-20k-columns": lambda: (
        "|Resource|Progress|" + "".join(f"c{i}|" for i in range(20_000)) + "\n"
        "|---|---|" + "---|" * 20_000 + "\n"
        "|Alpha|⬜|" + "x|" * 20_000 + "\n"
    ),
    "line-5mb": lambda: "x" * 5_000_000 + "\n\n" + TABLE,
    "cell-1mb": lambda: HEAD + "|Alpha " + "a" * 1_000_000 + "|⬜|\n",
    # Rows with one cell too many: the row rules (split-cell, column-count) scan the whole row
    # for pipes inside code spans and links. Their own scanner restarted at every "[" (issue
    # 13: 16,000 of them took ~20 s); they now use the inline scanner's one-pass matchers.
    "row-brackets-16k-extra-cell": lambda: HEAD + "|" + "[" * 16_000 + "|⬜|x|\n",
    "row-link-openers-30k-extra-cell": lambda: HEAD + "|" + "[a](" * 30_000 + "|⬜|x|\n",
    "row-backticks-100k-extra-cell": lambda: HEAD + "|" + "`" * 100_000 + "|⬜|x|\n",
    "row-1mb-extra-cell": lambda: HEAD + "|Alpha " + "word " * 200_000 + "`a|b` [c|d](e)|⬜|x|\n",
    "tasks-5000": lambda: "".join(f"- [ ] Task number {i}\n" for i in range(5000)) + TABLE,
    "rows-5000": lambda: (
        HEAD + "".join(f"|Resource {i}|⬜|\n" for i in range(5000)) + "|Alpha|⬜|\n"
    ),
}

# Cases with a row titled "Alpha": toggle must find and flip it, fast.
TOGGLE_CASES = {"pipes-200k-row", "header-20k-columns", "cell-1mb", "rows-5000"}
# ``lint`` reads everything (entries, titles, headings, links in paragraphs) and runs every
# rule, so it runs on every case; ``list`` only where the hostile text is in an entry's title
# or a heading, which is what ``list`` itself scans. (Each run costs a process start: this
# keeps the batch at about 60 runs.)
LIST_CASES = {
    "list-25-deep",
    "brackets-100k-title-cell",
    "brackets-100k-heading",
    "brackets-100k-task",
    "images-50k-title-cell",
    "link-openers-30k-title-cell",
    "code-span-storm-cell",
    "angle-brackets-30k-cell",
    "comment-openers-30k-cell",
    "backtick-widths-cell",
    "pipes-200k-row",
    "header-20k-columns",
    "tasks-5000",
}


def _commands(case: str) -> list[str]:
    return (
        (["list"] if case in LIST_CASES else [])
        + ["lint"]
        + (["toggle"] if case in TOGGLE_CASES else [])
    )


def _args(case: str, command: str, path: str) -> tuple[str, ...]:
    if command == "list":
        return ("list", "--format", "json", path)
    if command == "lint":
        return ("lint", "--format", "json", path)
    return ("toggle", path, "Alpha")


def _jobs(folder: Path) -> list[Job]:
    jobs: list[Job] = []
    for case, build in CASES.items():
        path = folder / f"{case}.md"
        path.write_bytes(build().encode("utf-8"))
        jobs.extend(Job(f"{case}/{cmd}", _args(case, cmd, str(path))) for cmd in _commands(case))
    return jobs


# Started by conftest.py as soon as collection ends (when any test here needs it).
BATCH = BackgroundBatch()


def start_batch() -> None:
    """Start running every pathological case in the background (two runs at a time)."""
    BATCH.start(_jobs)


@pytest.fixture(scope="module")
def batch() -> Iterator[dict[str, JobResult]]:
    """Every pathological case's outcome; a hung run costs only its deadline and a worker."""
    start_batch()
    yield BATCH.results()
    BATCH.close()


def _params() -> list[object]:
    return [
        pytest.param(case, command, id=f"{case}-{command}")
        for case in CASES
        for command in _commands(case)
    ]


@pytest.mark.parametrize(("case", "command"), _params())
def test_pathological_input_finishes_cleanly(
    batch: dict[str, JobResult], case: str, command: str
) -> None:
    outcome = batch[f"{case}/{command}"]
    assert outcome.failure is None, outcome.failure
    result = outcome.result
    assert result is not None
    assert_no_traceback(result)
    if command == "list":
        assert result.returncode == 0, result.describe()
        json.loads(result.stdout)
    elif command == "lint":
        assert result.returncode in (0, 1), result.describe()
        json.loads(result.stdout)
    else:
        assert result.returncode == 0, result.describe()
        assert "⬜ → ✅" in result.stdout, result.describe()


@pytest.mark.parametrize(
    "case",
    [
        "list-25-deep",
        "quote-25-deep",
        "quote-100k-deep",
        "list-100k-deep-one-line",
        "ordered-50k-deep",
        "quote-list-50k-deep",
        "list-1000-levels",
    ],
)
def test_deep_nesting_is_reported_by_lint(batch: dict[str, JobResult], case: str) -> None:
    result = batch[f"{case}/lint"].result
    assert result is not None
    assert result.returncode == 1, result.describe()
    rules = {d["rule"] for d in json.loads(result.stdout)}
    assert "parse-truncated" in rules, result.describe()


def test_a_table_after_a_25_deep_list_is_reported_not_lost(tmp_path: Path) -> None:
    # The table is at the top level after the list, but the parser gave up inside the list and
    # never came back: the table is invisible. lint must say where reading stopped.
    log = write_log(tmp_path / "log.md", (_deep_list(25) + "\n" + TABLE).encode())
    result = run_cli("lint", str(log))
    assert result.returncode == 1, result.describe()
    finding = next(ln for ln in result.stdout.splitlines() if "parse-truncated" in ln)
    assert finding.startswith(f"{log}:10:1: "), result.describe()
    assert "flatten" in finding


def test_list_warns_when_part_of_the_file_was_not_read(tmp_path: Path) -> None:
    log = write_log(tmp_path / "log.md", (_deep_list(25) + "\n" + TABLE).encode())
    for command in ("list", "stats"):
        result = run_cli(command, str(log))
        assert result.returncode == 0, result.describe()
        assert "warning" in result.stderr and ":10:" in result.stderr, result.describe()


# --- where entries are and are not -------------------------------------------------------------

HIDDEN = {
    "backtick-fence": "```\n" + TABLE + "```\n",
    "tilde-fence": "~~~markdown\n" + TABLE + "~~~\n",
    "indented-code": "Text.\n\n    |Resource|Progress|\n    |---|---|\n    |Alpha|⬜|\n",
    "html-comment": "<!--\n" + TABLE + "-->\n",
    "html-comment-tasks": "<!--\n- [ ] Alpha\n-->\n",
    "fenced-tasks": "```\n- [ ] Alpha\n```\n",
    "html-table": (
        "<table>\n<tr><th>Resource</th><th>Progress</th></tr>\n"
        "<tr><td>Alpha</td><td>⬜</td></tr>\n</table>\n"
    ),
    "html-block-div": "<div>\n" + TABLE + "</div>\n",
}

VISIBLE = {
    "blockquote": "> " + TABLE.replace("\n", "\n> ").rstrip("> ") + "\n",
    "nested-blockquote": "> > " + TABLE.replace("\n", "\n> > ").rstrip("> ") + "\n",
    "list-item": "- Papers\n\n  " + TABLE.replace("\n", "\n  ").rstrip() + "\n",
    "quote-in-list": "- > " + TABLE.replace("\n", "\n  > ").rstrip("> ") + "\n",
    "details-block": "<details>\n\n" + TABLE + "\n</details>\n",
    "front-matter": "---\ntitle: log\n---\n" + TABLE,
    "quoted-task": "> - [ ] Alpha\n",
    "task-in-list": "- Papers\n  - [ ] Alpha\n",
}


@pytest.mark.parametrize("text", HIDDEN.values(), ids=HIDDEN.keys())
def test_no_entries_where_markdown_shows_no_table(text: str) -> None:
    doc = loads(text)
    assert doc.entries == []
    assert doc.dumps() == text


@pytest.mark.parametrize("text", VISIBLE.values(), ids=VISIBLE.keys())
def test_entries_in_containers_can_be_toggled(text: str) -> None:
    doc = loads(text)
    assert [e.title for e in doc.entries] == ["Alpha"]
    doc.toggle("Alpha")
    after = doc.dumps()
    expected = text.replace("|Alpha|⬜|", "|Alpha|✅|").replace("- [ ] Alpha", "- [x] Alpha")
    assert after == expected


def test_toggle_in_a_blockquote_through_the_cli(tmp_path: Path) -> None:
    data = b"> " + LOG_BYTES.replace(b"\n", b"\n> ").rstrip(b"> ") + b"\n"
    log = write_log(tmp_path / "log.md", data)
    result = run_cli("toggle", str(log), "U-Net")
    assert result.returncode == 0, result.describe()
    assert log.read_bytes() == data.replace(
        "|⬜|segmentation|".encode(), "|✅|segmentation|".encode()
    )


def test_thousands_of_task_items_toggle_the_last_one(tmp_path: Path) -> None:
    text = "".join(f"- [ ] Task number {i}\n" for i in range(3000))
    log = write_log(tmp_path / "log.md", text.encode())
    result = run_cli("toggle", str(log), "Task number 2999")
    assert result.returncode == 0, result.describe()
    assert (
        log.read_bytes()
        == text.replace("- [ ] Task number 2999", "- [x] Task number 2999").encode()
    )

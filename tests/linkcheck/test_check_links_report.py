"""What ``check-links`` prints: the Markdown report (parsed back), the summary line, the bar."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

from linkserver import LinkServer
from markdown_it import MarkdownIt

from studylog_md.cli.links_report import code_span, escape


def run(*args: str, cwd: Path, stderr: int = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    return subprocess.run(
        [sys.executable, "-m", "studylog_md", "check-links", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        timeout=60,
    )


def write_logs(folder: Path, server: LinkServer) -> dict[str, str]:
    """Two logs; returns the URLs by name."""
    urls = {
        "ok": server.url("/ok"),
        "gone": server.url("/status/404"),
        "forbidden": server.url("/status/403"),
        "moved": server.url("/redirect/301?to=/ok"),
        "pipe": server.url("/status/410?a=|b`c"),
    }
    (folder / "a.md").write_text(
        "# A\n\n|Resource|Progress|\n|---|---|\n"
        f"|[Ok]({urls['ok']})|✅|\n"
        f"|[Gone]({urls['gone']})|⬜|\n"
        f"|[Forbidden]({urls['forbidden']})|⬜|\n"
        f"|[Moved]({urls['moved']})|⬜|\n",
        encoding="utf-8",
    )
    (folder / "b.md").write_text(
        f"# B\n\n- [ ] [Ok]({urls['ok']})\n- [ ] [Pipe](<{urls['pipe']}>)\n", encoding="utf-8"
    )
    return urls


def parse_report(text: str) -> tuple[str, dict[str, list[list[str]]]]:
    """The report's summary paragraph and, per file heading, its table rows (cell texts)."""
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    summary = ""
    tables: dict[str, list[list[str]]] = {}
    current = ""
    row: list[str] | None = None
    in_body = in_heading = in_paragraph = False
    for token in tokens:
        if token.type == "heading_open":
            in_heading = token.tag == "h3"
        elif token.type == "paragraph_open":
            in_paragraph = True
        elif token.type == "tbody_open":
            in_body = True
        elif token.type == "tbody_close":
            in_body = False
        elif token.type == "tr_open" and in_body:
            row = []
        elif token.type == "tr_close" and row is not None:
            tables[current].append(row)
            row = None
        elif token.type == "inline":
            text_of = "".join(child.content for child in token.children or [])
            if in_heading:
                current = text_of
                tables[current] = []
                in_heading = False
            elif row is not None:
                row.append(text_of)
            elif in_paragraph and not summary:
                summary = text_of
        elif token.type == "paragraph_close":
            in_paragraph = False
    return summary, tables


def test_markdown_report_parses_back(tmp_path: Path) -> None:
    with LinkServer("127.0.0.1") as server:
        urls = write_logs(tmp_path, server)
        result = run(
            "a.md", "b.md", "--allow-private", "--no-cache", "--timeout", "1", "--format",
            "markdown", cwd=tmp_path,
        )  # fmt: skip
    assert result.returncode == 1, result.stderr
    summary, tables = parse_report(result.stdout)
    assert re.fullmatch(
        r"5 distinct links \(6 in all\) in 2 file\(s\), checked in \d+\.\d s: "
        r"2 dead, 1 unverifiable, 1 redirected, 1 ok\.",
        summary,
    ), summary
    refused = "HTTP 403 Forbidden: the site would not let us look"
    assert tables == {
        "a.md": [
            ["6", urls["gone"], "dead", "HTTP 404 Not Found"],
            ["7", urls["forbidden"], "unverifiable", refused],
        ],
        "b.md": [["4", urls["pipe"], "dead", "HTTP 410 Gone"]],
    }


def test_markdown_report_when_all_is_well(tmp_path: Path) -> None:
    with LinkServer("127.0.0.1") as server:
        (tmp_path / "a.md").write_text(f"- [ ] [Ok]({server.url('/ok')})\n", encoding="utf-8")
        result = run("a.md", "--allow-private", "--no-cache", "--format", "markdown", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "No dead or unverifiable links." in result.stdout
    assert "|" not in result.stdout


def test_cells_cannot_break_the_table() -> None:
    hostile = "a|b `c` <script> [x](y) **z** \\| # _u_"
    row = f"| {code_span(hostile)} | {escape(hostile)} |"
    text = "| x | y |\n| --- | --- |\n" + row + "\n"
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    cells = [t for t in tokens if t.type == "inline"][2:]
    assert len(cells) == 2
    assert [c.children[0].type for c in cells if c.children] == ["code_inline", "text"]
    assert "".join(ch.content for ch in cells[0].children or []) == hostile
    assert "".join(ch.content for ch in cells[1].children or []) == hostile


def test_summary_line_counts_verdicts_and_time(tmp_path: Path) -> None:
    with LinkServer("127.0.0.1") as server:
        write_logs(tmp_path, server)
        result = run("a.md", "b.md", "--allow-private", "--no-cache", cwd=tmp_path)
    last = result.stderr.strip().splitlines()[-1]
    assert re.fullmatch(
        r"checked 5 distinct links \(6 in all\) in 2 file\(s\) in \d+\.\d s: "
        r"2 dead, 1 unverifiable, 1 redirected, 1 ok",
        last,
    ), last


def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    with LinkServer("127.0.0.1") as server:
        lines = "".join(f"- [ ] [L{i}]({server.url(f'/delay?ms=30&n={i}')})\n" for i in range(12))
        (tmp_path / "a.md").write_text(lines, encoding="utf-8")
        main, child = pty.openpty()
        try:
            result = run(
                "a.md", "--allow-private", "--no-cache", "--host-concurrency", "1",
                cwd=tmp_path, stderr=child,
            )  # fmt: skip
            os.close(child)
            shown = b""
            while True:
                try:
                    piece = os.read(main, 65536)
                except OSError:
                    break
                if not piece:
                    break
                shown += piece
        finally:
            os.close(main)
    assert result.returncode == 0
    screen = shown.decode("utf-8", "replace")
    assert "Checking links" in screen
    assert "12/12" in screen
    assert "0 dead" in screen
    assert "all alive" in screen

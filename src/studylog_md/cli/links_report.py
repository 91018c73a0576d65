"""What ``check-links`` tells people: the summary line and the Markdown report.

The Markdown report is meant for ``$GITHUB_STEP_SUMMARY``: a summary, then one table of dead
and unverifiable links per file. Every cell is escaped so that a URL or a server's reason
phrase can neither break the table (``|``) nor add Markdown of its own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # pragma: no cover
    from ..linkcheck import LinkResult

# The verdicts in the order a reader cares about them.
ORDER = ("dead", "unverifiable", "redirected", "ok", "skipped", "excluded")
REPORTED = ("dead", "unverifiable")


class ReportRow(NamedTuple):
    """One dead or unverifiable link of one file."""

    line: int
    url: str  # redacted
    verdict: str
    detail: str


def counts(results: Mapping[str, LinkResult]) -> dict[str, int]:
    """How many distinct links got each verdict, in :data:`ORDER`, zeros left out."""
    found: dict[str, int] = {}
    for result in results.values():
        found[result.verdict] = found.get(result.verdict, 0) + 1
    return {verdict: found[verdict] for verdict in ORDER if found.get(verdict)}


def summary_line(results: Mapping[str, LinkResult], total: int, files: int, seconds: float) -> str:
    """``checked 12 distinct links (15 in all) in 2 file(s) in 1.3 s: 9 ok, 1 dead, ...``."""
    by_verdict = counts(results)
    parts = ", ".join(f"{n} {verdict}" for verdict, n in by_verdict.items()) or "no links"
    alive = not any(by_verdict.get(v) for v in ("dead", "unverifiable", "redirected"))
    return (
        f"checked {len(results)} distinct links ({total} in all) in {files} file(s) "
        f"in {seconds:.1f} s: {parts}" + ("; all alive" if alive and results else "")
    )


def format_markdown(
    rows: Mapping[str, Sequence[ReportRow]],
    results: Mapping[str, LinkResult],
    total: int,
    seconds: float,
) -> str:
    """The report: a heading, the counts, then a table for each file that has rows."""
    lines = ["## Link check", ""]
    by_verdict = counts(results)
    tally = ", ".join(f"{n} {verdict}" for verdict, n in by_verdict.items()) or "no links"
    lines.append(
        f"{len(results)} distinct links ({total} in all) in {len(rows)} file(s), "
        f"checked in {seconds:.1f} s: {tally}."
    )
    lines.append("")
    if not any(rows.values()):
        lines.extend(["No dead or unverifiable links.", ""])
        return "\n".join(lines)
    for path, file_rows in rows.items():
        if not file_rows:
            continue
        lines.extend([f"### {code_span(path)}", ""])
        lines.append("| Line | Link | Verdict | Detail |")
        lines.append("| ---: | --- | --- | --- |")
        for row in sorted(file_rows, key=lambda r: (r.line, REPORTED.index(r.verdict))):
            lines.append(
                f"| {row.line} | {code_span(row.url)} | {row.verdict} | {escape(row.detail)} |"
            )
        lines.append("")
    return "\n".join(lines)


# Characters that can start Markdown (or HTML) inside a table cell. "#", "+" or "-" only
# matter at the start of a line, "(" only after "]", "!" only before "[": not needed here.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")


def escape(text: str) -> str:
    """``text`` as literal Markdown inside a table cell (one line)."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def code_span(text: str) -> str:
    """``text`` as a code span that is safe in a table cell (pipes escaped, as GFM wants)."""
    text = " ".join(text.split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text.replace('|', chr(92) + '|')}{pad}{fence}"

"""Rules about whole tables: a pipe table that yields no entries says why."""

from __future__ import annotations

from collections.abc import Iterator

from ...document.columns import is_status_header
from ..base import LintContext, rule
from ..diagnostic import Diagnostic, Severity


@rule(
    "SL023",
    "table-not-a-log",
    Severity.INFO,
    "A pipe table that yields no entries, and why (no status column, a legend, ...).",
    needs="tables",
)
def table_not_a_log(ctx: LintContext) -> Iterator[Diagnostic]:
    doc = ctx.doc
    # Only in files that are study logs, or mean to be (a header says Status/Progress): a
    # README's API table is not a log that went unread, and saying so on every table of
    # every Markdown file would bury the findings that matter. ``list --explain`` names all.
    if not doc.entries and not any(
        is_status_header(cell.text) for table in doc.tables for cell in table.header.cells
    ):
        return
    for table in doc.tables:
        if table.is_log or table.reason is None or table.reason.startswith("studylog-md's"):
            continue
        if table.legend is not None:
            spelled = ", ".join(f"{k} = {v.value}" for k, v in table.legend.items())
            message = (
                f"this table is a legend, not a log: its markers count in this file"
                f"{' (' + spelled + ')' if spelled else ''}"
            )
        else:
            message = (
                f"this table is not read as a study log: {table.reason}; name its columns "
                "under [tool.studylog-md.columns] if it is one"
            )
        yield ctx.report("table-not-a-log", table.start_line + 1, table.header.start + 1, message)

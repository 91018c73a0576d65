"""``studylog-md list``: the entries of one or more study logs."""

from __future__ import annotations

from typing import Any

import click

from ..document.printable import printable
from ._common import EXIT_OK, STATUS_CHOICES, config_option, err, out, read_document, warn_problems
from ._output import JsonArray, color_option, print_json, style, want_color


@click.command("list")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True, allow_dash=True))
@click.option("--status", "status", type=click.Choice(STATUS_CHOICES), help="Only this status.")
@click.option("--section", help="Only entries under a heading containing TEXT.", metavar="TEXT")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--max-bytes", type=click.IntRange(min=1), default=None, help="Refuse files larger than this."
)
@click.option(
    "--explain",
    is_flag=True,
    help="Also name every table that yields no entries and why, and why a status is unknown.",
)
@config_option
@color_option
def list_cmd(
    files: tuple[str, ...],
    status: str | None,
    section: str | None,
    fmt: str,
    max_bytes: int | None,
    explain: bool,
) -> int:
    """List the entries of study logs (table rows and task-list items).

    FILES may be files, folders and quoted globs; Markdown files without a study log in a
    folder or a glob are passed over quietly.
    """
    from ..document.query import in_section
    from ..errors import StudylogError
    from ._files import gather

    rows: list[dict[str, object]] = []
    tables: list[dict[str, object]] = []
    # JSON without --explain goes out entry by entry, once the first one is known (every file
    # failing must print nothing on stdout); text and --explain need every row first.
    stream = JsonArray() if fmt == "json" and not explain else None
    gathered = gather(files)
    code = gathered.code
    color = want_color()
    read = 0
    # One file: its model lives until exit. Many: each is dropped after its rows are taken.
    keep = len(gathered.paths) == 1
    for path in gathered.paths:
        try:
            doc = read_document(path, max_bytes=max_bytes, warn=False, keep=keep)
        except StudylogError as exc:
            err(f"studylog-md: error: {printable(str(exc))}")
            code = max(code, exc.exit_code)
            continue
        if not doc.entries and path in gathered.found:
            continue  # not a study log: a README or a CONTRIBUTING found by a walk
        warn_problems(doc)
        read += 1
        for entry in doc.entries:
            if status and entry.status.value != status:
                continue
            if section and not in_section(entry, section):
                continue
            item = entry.to_dict()
            item["path"] = doc.path
            if stream is not None:
                stream.add(item)
            else:
                rows.append(item)
        if explain:
            tables.extend(_unread_tables(doc))
    if stream is not None:
        if stream.count or code == EXIT_OK:
            stream.close()
        return code  # every file failed: the errors said so; "[]" would mislead
    if not rows and not tables and code != EXIT_OK:
        return code  # every file failed: the errors said so; "no entries" would mislead
    if fmt == "json":
        print_json({"entries": rows, "tables": tables} if explain else rows)
        return code
    _print_text(rows, color=color, many=read > 1, explain=explain)
    for table in tables:
        where = printable(f"{table['path']}:{table['line']}")  # a file name can hold escapes
        out(f"{where}: table not read as a study log: {table['reason']}")
    return code


def _unread_tables(doc: Any) -> list[dict[str, object]]:
    """Every pipe table that yields no entries, and why (``--explain``)."""
    return [
        {"path": doc.path, "line": table.start_line + 1, "reason": table.reason}
        for table in doc.tables
        if not table.entries and table.reason is not None
    ]


_SYMBOL = {"done": "✔", "todo": "·", "in-progress": "…", "unknown": "?"}
_COLOR = {"done": "green", "todo": None, "in-progress": "yellow", "unknown": "red"}


def _print_text(
    rows: list[dict[str, object]], *, color: bool, many: bool, explain: bool = False
) -> None:
    if not rows:
        out("no entries")
        return
    width = max(len(str(r["line"])) for r in rows)
    current: tuple[object, tuple[str, ...]] | None = None
    for row in rows:
        section = tuple(str(part) for part in row["section"])  # type: ignore[attr-defined]
        key = (row["path"], section)
        if key != current:
            current = key
            heading = " > ".join(section) or "(top of file)"
            if many:
                heading = f"{row['path']}: {heading}"
            heading = printable(heading)  # titles and file names can hold terminal escapes
            out(style(heading, color, bold=True))
        status = str(row["status"])
        mark = _SYMBOL[status]
        mark = style(mark, color, fg=_COLOR[status])
        why = f"  ({row['status_reason']})" if explain and row.get("status_reason") else ""
        out(f"  {str(row['line']).rjust(width)}  {mark} {printable(str(row['title']) + why)}")

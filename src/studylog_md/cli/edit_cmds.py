"""``studylog-md toggle`` and ``studylog-md add``: edits that touch only what they must."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import click

from ..document.printable import printable
from ._common import (
    EXIT_OK,
    EXIT_USER,
    committing,
    config_option,
    err,
    keep_until_exit,
    max_bytes_for,
    out,
    vocabulary_for,
)
from ._output import color_option, print_json, style, unified_diff, want_color

_TO_CHOICES = ("done", "todo", "in-progress")
_FORMATS = ("text", "json")


def change_record(path: str, change: Any, doc: Any, *, written: bool) -> dict[str, object]:
    """What an edit did, for ``--format json``: one object scripts can read back."""
    old_status = change.old_status.value if change.old_status is not None else None
    if change.kind == "add":
        # The added entry's marker, as read back from the edited document.
        added = next((e for e in doc.entries if e.line == change.line), None)
        old_marker, new_marker = None, added.marker if added is not None else None
    else:
        old_marker, new_marker = change.old, change.new
    return {
        "file": path,
        "line": change.line,
        "title": change.title,
        "action": "added" if change.kind == "add" else "status",
        "old_status": old_status,
        "new_status": change.new_status.value,
        "old_marker": old_marker,
        "new_marker": new_marker,
        "changed": change.changed,
        "written": written and change.changed,
    }


def _edit_file(
    path: str,
    edit: Callable[[Any], Any],
    *,
    dry_run: bool,
    max_bytes: int | None,
    in_place: bool,
    fmt: str = "text",
) -> int:
    """Load ``path`` under the edit lock, apply ``edit``, and write it back atomically."""
    from .. import load_bytes
    from ..safe_write import editing, write_back

    if path == "-":
        err("studylog-md: error: edits need a file, not standard input")
        return EXIT_USER
    with editing(path, max_bytes=max_bytes_for(path, max_bytes)) as snapshot:
        doc = load_bytes(snapshot.data, path=path, vocabulary=vocabulary_for(path))
        keep_until_exit()  # one file an edit command: the model lives until exit
        before = doc.dumps()
        change = edit(doc)
        after_bytes = doc.to_bytes()
        if dry_run:
            if fmt == "json":
                record = change_record(path, change, doc, written=False)
                record["diff"] = unified_diff(path, before, doc.dumps())
                print_json(record)
                return EXIT_OK
            out(_colour_diff(unified_diff(path, before, doc.dumps())), nl=False)
            out(printable(change.describe(path)) + " (dry run: nothing written)")
            return EXIT_OK
        with committing():
            write_back(snapshot, after_bytes, in_place=in_place)
            if fmt == "json":
                print_json(change_record(path, change, doc, written=True))
            else:
                out(printable(change.describe(path)))
    return EXIT_OK


def _colour_diff(diff: str) -> str:
    """The diff with removed lines red and added ones green, when colour is wanted."""
    color = want_color()
    if not color:
        return diff
    lines = []
    # Split on "\n" only (never str.splitlines): the diff's own lines, nothing else.
    for line in re.findall(r"[^\n]*\n|[^\n]+", diff):
        if line.startswith(("+++", "---")):
            lines.append(style(line, color, bold=True))
        elif line.startswith("+"):
            lines.append(style(line, color, fg="green"))
        elif line.startswith("-"):
            lines.append(style(line, color, fg="red"))
        elif line.startswith("@@"):
            lines.append(style(line, color, fg="cyan"))
        else:
            lines.append(line)
    return "".join(lines)


def _report_ambiguous(exc: Any, path: str) -> None:
    err(f"studylog-md: error: {printable(str(exc))}")
    for entry in exc.candidates:
        section = " > ".join(entry.section) or "(top of file)"
        err(printable(f"  line {entry.line}: {entry.title}  [{section}]"))
    first = exc.candidates[0].line if exc.candidates else 1
    err(printable(f"  pick one by its line: studylog-md toggle {path} --line {first}"))


@click.command("toggle")
@click.argument("file", type=click.Path(dir_okay=True, allow_dash=True))
@click.argument("query", required=False)
@click.option(
    "--line",
    "line",
    type=click.IntRange(min=1),
    default=None,
    help="The entry on this line (for two entries with the same title).",
)
@click.option(
    "--to", "to", type=click.Choice(_TO_CHOICES), help="Set this status instead of flipping."
)
@click.option("--section", metavar="TEXT", help="Only entries under a heading containing TEXT.")
@click.option("--dry-run", is_flag=True, help="Print the diff; write nothing.")
@click.option(
    "--max-bytes", type=click.IntRange(min=1), default=None, help="Refuse files larger than this."
)
@click.option(
    "--in-place", is_flag=True, help="Write into the file itself (needed for hard-linked files)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(_FORMATS),
    default="text",
    show_default=True,
    help="json: what was done as one object (file, line, title, old/new status and marker).",
)
@config_option
@color_option
def toggle_cmd(
    file: str,
    query: str | None,
    line: int | None,
    to: str | None,
    section: str | None,
    dry_run: bool,
    max_bytes: int | None,
    in_place: bool,
    fmt: str,
) -> int:
    """Flip the status of the one entry QUERY (or --line N) names (done <-> to do).

    QUERY matches titles: exactly, then as a prefix, then as a whole word, then anywhere
    (case-insensitive); a QUERY that is an http(s) URL matches the entry linking to that
    resource. Exit codes: 0 done; 2 no match, several matches, unreadable file or the file
    changed underneath (nothing written); 3 internal error (nothing written).
    """
    from ..document.markers import Status
    from ..errors import AmbiguousQuery

    if query is None and line is None:
        raise click.UsageError("name the entry: give a QUERY (title words or its URL) or --line N")
    target = Status(to) if to else None
    try:
        return _edit_file(
            file,
            lambda doc: doc.toggle(query, to=target, section=section, line=line),
            dry_run=dry_run,
            max_bytes=max_bytes,
            in_place=in_place,
            fmt=fmt,
        )
    except AmbiguousQuery as exc:
        _report_ambiguous(exc, file)
        return EXIT_USER


@click.command("add")
@click.argument("file", type=click.Path(dir_okay=True))
@click.option("--section", required=True, metavar="TEXT", help="The heading the table is under.")
@click.option("--title", required=True, help="The resource's title.")
@click.option("--url", default=None, help="Its link.")
@click.option("--status", type=click.Choice(_TO_CHOICES), default="todo", show_default=True)
@click.option("--notes", default=None, help="Text for the notes column.")
@click.option("--allow-duplicate", is_flag=True, help="Add it even if the title or URL exists.")
@click.option("--dry-run", is_flag=True, help="Print the diff; write nothing.")
@click.option(
    "--max-bytes", type=click.IntRange(min=1), default=None, help="Refuse files larger than this."
)
@click.option("--in-place", is_flag=True, help="Write into the file itself (hard links).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(_FORMATS),
    default="text",
    show_default=True,
    help="json: what was done as one object (file, line, title, status, the new line).",
)
@config_option
@color_option
def add_cmd(
    file: str,
    section: str,
    title: str,
    url: str | None,
    status: str,
    notes: str | None,
    allow_duplicate: bool,
    dry_run: bool,
    max_bytes: int | None,
    in_place: bool,
    fmt: str,
) -> int:
    """Append an entry to the table (or task list) directly under a heading.

    The new row copies its neighbours' style: pipes, padding, marker spelling, line ending.
    Exit codes: 0 added; 2 no such heading, no table there, a duplicate, unreadable file;
    3 internal error (nothing written).
    """
    from ..document.markers import Status

    return _edit_file(
        file,
        lambda doc: doc.add_entry(
            section,
            title,
            url=url,
            status=Status(status),
            notes=notes,
            allow_duplicate=allow_duplicate,
        ),
        dry_run=dry_run,
        max_bytes=max_bytes,
        in_place=in_place,
        fmt=fmt,
    )

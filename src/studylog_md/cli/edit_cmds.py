"""``studylog-md toggle`` and ``studylog-md add``: edits that touch only what they must."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from ._common import EXIT_OK, EXIT_USER, committing, err, out, unified_diff, vocabulary_for

_TO_CHOICES = ("done", "todo", "in-progress")


def _edit_file(
    path: str,
    edit: Callable[[Any], Any],
    *,
    dry_run: bool,
    max_bytes: int | None,
    in_place: bool,
) -> int:
    """Load ``path`` under the edit lock, apply ``edit``, and write it back atomically."""
    from .. import load_bytes
    from ..safe_write import DEFAULT_MAX_BYTES, editing, write_back

    if path == "-":
        err("studylog-md: error: edits need a file, not standard input")
        return EXIT_USER
    with editing(path, max_bytes=max_bytes or DEFAULT_MAX_BYTES) as snapshot:
        doc = load_bytes(snapshot.data, path=path, vocabulary=vocabulary_for(path))
        before = doc.dumps()
        change = edit(doc)
        after_bytes = doc.to_bytes()
        if dry_run:
            out(unified_diff(path, before, doc.dumps()), nl=False)
            out(change.describe(path) + " (dry run: nothing written)")
            return EXIT_OK
        with committing():
            write_back(snapshot, after_bytes, in_place=in_place)
            out(change.describe(path))
    return EXIT_OK


def _report_ambiguous(exc: Any) -> None:
    err(f"studylog-md: error: {exc}")
    for entry in exc.candidates:
        section = " > ".join(entry.section) or "(top of file)"
        err(f"  line {entry.line}: {entry.title}  [{section}]")


@click.command("toggle")
@click.argument("file", type=click.Path(dir_okay=True, allow_dash=True))
@click.argument("query")
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
def toggle_cmd(
    file: str,
    query: str,
    to: str | None,
    section: str | None,
    dry_run: bool,
    max_bytes: int | None,
    in_place: bool,
) -> int:
    """Flip the status of the one entry QUERY names (done <-> to do).

    QUERY matches titles: exactly, then as a prefix, then as a whole word, then anywhere
    (case-insensitive). Exit codes: 0 done; 2 no match, several matches, unreadable file or
    the file changed underneath (nothing written); 3 internal error (nothing written).
    """
    from ..document.markers import Status
    from ..errors import AmbiguousQuery

    target = Status(to) if to else None
    try:
        return _edit_file(
            file,
            lambda doc: doc.toggle(query, to=target, section=section),
            dry_run=dry_run,
            max_bytes=max_bytes,
            in_place=in_place,
        )
    except AmbiguousQuery as exc:
        _report_ambiguous(exc)
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
    )

"""``studylog-md stats``: progress per section, the summary block, an SVG chart and a badge."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ..document.printable import printable
from ._common import EXIT_FINDINGS, EXIT_OK, committing, config_option, err, out
from ._output import color_option, print_json, style, want_color

if TYPE_CHECKING:  # pragma: no cover
    from ..progress.stats import Counts, FileStats, GroupBy, Report

BAR_WIDTH = 20


@click.command("stats")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True, allow_dash=True))
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--by",
    type=click.Choice(["leaf", "top"]),
    default="leaf",
    show_default=True,
    help="Count under each entry's own heading (leaf) or under the top headings (top).",
)
@click.option(
    "--write", is_flag=True, help="Fill the <!-- studylog-md:stats --> block in each FILE."
)
@click.option(
    "--check", is_flag=True, help="Exit 1 when a FILE's summary block is stale; write nothing."
)
@click.option(
    "--svg",
    "svg_path",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Write an SVG bar chart here (- for standard output).",
)
@click.option(
    "--badge",
    "badge_path",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Write a shields.io endpoint JSON here (- for standard output).",
)
@click.option("--label", default="studied", show_default=True, help="The badge's label.")
@click.option(
    "--skip-missing",
    is_flag=True,
    help="With --write/--check, pass over files without a summary block instead of failing "
    "(for a pre-commit hook that sees every Markdown file).",
)
@click.option(
    "--max-bytes", type=click.IntRange(min=1), default=None, help="Refuse files larger than this."
)
@config_option
@color_option
def stats_cmd(
    files: tuple[str, ...],
    fmt: str,
    by: GroupBy,
    write: bool,
    check: bool,
    svg_path: str | None,
    badge_path: str | None,
    label: str,
    skip_missing: bool,
    max_bytes: int | None,
) -> int:
    """Count done / to do per section of FILE... (several files add up).

    FILES may be files, folders and quoted globs; Markdown files without a study log in a
    folder or a glob are passed over quietly. The table fits the terminal's width (COLUMNS,
    80 when it is not a terminal) by shortening section paths. With --write, --check, --svg or
    --badge the table is not printed; those options report what they did instead.
    """
    from ..errors import StudylogError

    if write and check:
        raise click.UsageError("--write and --check exclude each other")
    if (write or check) and "-" in files:
        raise click.UsageError("--write and --check need files, not standard input")
    if svg_path == "-" and badge_path == "-":
        raise click.UsageError("only one of --svg and --badge can go to standard output")
    from ._files import gather

    gathered = gather(files)
    code = gathered.code
    per_file: list[FileStats] = []
    for path in gathered.paths:
        # A Markdown file without a log that a folder or a glob brought in is not counted
        # (nor written to by --write), and not an error for --write/--check either.
        found = path in gathered.found
        try:
            if write or check:
                stats, stale = _block(
                    path,
                    by=by,
                    write=write,
                    max_bytes=max_bytes,
                    skip_missing=skip_missing or found,
                )
                if stale:
                    code = max(code, EXIT_FINDINGS)
            else:
                stats = _count(path, by=by, max_bytes=max_bytes, quiet=found)
        except StudylogError as exc:
            err(f"studylog-md: error: {printable(str(exc))}")
            code = max(code, exc.exit_code)
            continue
        if found and stats.counts.total == 0:
            continue
        per_file.append(stats)
    if not per_file and code != EXIT_OK:
        # Every file failed and its error said so: a summary of zeros (or a chart of them)
        # would read as "this log is empty" (issue 17, item 8).
        return code
    from ..progress.stats import combine

    report = combine(per_file)
    if svg_path or badge_path:
        code = max(code, _outputs(report, svg_path, badge_path, label))
    if write or check or svg_path or badge_path:
        return code
    if fmt == "json":
        print_json(report.to_dict())
    else:
        _print_text(report, color=want_color(), columns=terminal_columns())
    return code


def _count(path: str, *, by: GroupBy, max_bytes: int | None, quiet: bool) -> FileStats:
    from ..progress.stats import file_stats
    from ._common import read_document, warn_problems

    doc = read_document(path, max_bytes=max_bytes, warn=False)
    if not quiet or doc.entries:
        warn_problems(doc)
    return file_stats(doc, by=by, file=doc.path)


def _block(
    path: str, *, by: GroupBy, write: bool, max_bytes: int | None, skip_missing: bool
) -> tuple[FileStats, bool]:
    """Refresh (or check) one file's summary block; returns its stats and whether it was stale.

    A file without a block is an error, unless ``skip_missing`` (then it is only counted).
    """
    from .. import load_bytes
    from ..document._lines import encode
    from ..edit.verify import Declaration, verify
    from ..progress.block import find_blocks
    from ..progress.stats import file_stats, update_block
    from ..safe_write import Snapshot, editing, read_file, write_back
    from ._common import max_bytes_for, vocabulary_for

    limit = max_bytes_for(path, max_bytes)

    def refresh(snap: Snapshot) -> tuple[FileStats, bool]:
        doc = load_bytes(snap.data, path=path, vocabulary=vocabulary_for(path))
        stats = file_stats(doc, by=by, file=path)
        if skip_missing and not find_blocks(doc):
            return stats, False
        update = update_block(doc, by=by)
        if not update.changed:
            out(f"{printable(path)}: summary block is up to date")
            return stats, False
        if not write:
            out(printable(f"{path}: summary block is stale; run: studylog-md stats --write {path}"))
            return stats, True
        # Only the block's own lines may change: every entry and every table row outside it
        # must read the same after the write (SafetyCheckError, exit 3, otherwise).
        verify(doc, update.text, Declaration(update.replacements, rows="touched"))
        with committing():
            write_back(snap, encode(update.text, doc.bom))
            out(f"{printable(path)}: summary block updated")
        return stats, False

    if not write:
        return refresh(read_file(path, max_bytes=limit))
    # The lock is held from the read to the write, so a concurrent edit either happens before
    # we read or is refused by write_back; the block can never be computed from stale bytes.
    with editing(path, max_bytes=limit) as snap:
        return refresh(snap)


def _outputs(report: Report, svg_path: str | None, badge_path: str | None, label: str) -> int:
    from ..errors import StudylogError
    from ..progress import badge, svg

    code = EXIT_OK
    jobs = []
    if svg_path:
        jobs.append((svg_path, svg.render(report)))
    if badge_path:
        jobs.append((badge_path, badge.render(report.counts, label)))
    for path, text in jobs:
        if path == "-":
            out(text, nl=not text.endswith("\n"))
            continue
        try:
            write_output(path, text.encode("utf-8"))
        except StudylogError as exc:
            err(f"studylog-md: error: {printable(str(exc))}")
            code = max(code, exc.exit_code)
            continue
        out(f"wrote {printable(path)}")
    return code


def write_output(path: str, data: bytes) -> None:
    """Write a generated file (the chart, the badge) through the one atomic writer."""
    from ..safe_write import write_file

    write_file(path, data)


# -- text output -------------------------------------------------------------------------------

MIN_COLUMNS = 40  # narrower than this, the table is cut rather than squeezed further
BAR_MIN = 8
LABEL_COMFORT = 30  # the bar shrinks before section paths get shorter than this


def terminal_columns() -> int:
    """``COLUMNS`` when set, else the terminal's width, else 80."""
    import shutil

    return max(MIN_COLUMNS, shutil.get_terminal_size((80, 24)).columns)


class _Layout:
    """Column widths of one table, chosen to fit ``columns``."""

    __slots__ = ("bar", "extra", "label", "numbers")

    def __init__(self, report: Report, labels: list[str], columns: int) -> None:
        from ..progress.stats import display_width

        counts = [s.counts for s in report.sections] + [report.counts]
        # In progress and unknown only when something is: most logs have neither.
        self.extra = [
            (name, attr)
            for name, attr in (("In progress", "in_progress"), ("Unknown", "unknown"))
            if any(getattr(c, attr) for c in counts)
        ]
        done_width = max(len(f"{c.done}/{c.total}") for c in counts)
        self.numbers = [max(done_width, len("Done")), len("100%")]
        self.numbers += [len(name) for name, _attr in self.extra]
        fixed = sum(2 + width for width in self.numbers) + 2  # the last 2: before the bar
        widest = max([display_width(text) for text in labels] + [len("Section")])
        room = columns - fixed
        self.bar = BAR_WIDTH
        if room - self.bar < min(widest, LABEL_COMFORT):
            self.bar = max(BAR_MIN, room - min(widest, LABEL_COMFORT))
        self.label = max(len("Section"), min(widest, room - self.bar))


def _print_text(report: Report, *, color: bool, columns: int = 80) -> None:
    from ..progress.stats import display_width

    several = len(report.files) > 1
    sections = report.sections
    if not sections:
        out("no entries")
        return
    full = [_label(s.section, s.file if several else None, None) for s in sections]
    layout = _Layout(report, full, columns)
    rows = [
        (_label(s.section, s.file if several else None, layout.label), s.counts) for s in sections
    ]
    heads = ["Done", "%", *(name for name, _attr in layout.extra)]
    head = _pad("Section", layout.label) + "".join(
        "  " + h.rjust(w) for h, w in zip(heads, layout.numbers, strict=True)
    )
    out(style(head + "  Progress", color, bold=True))
    for name, counts in rows:
        out(_line(name, counts, layout, color))
    out(style("─" * (display_width(head) + 2 + layout.bar), color, dim=True))
    out(_line("Total", report.counts, layout, color, bold=True))


def _label(section: tuple[str, ...], file: str | None, width: int | None) -> str:
    """A section's heading path (with its file, for several files), at most ``width`` wide."""
    from ..progress.stats import display_width, truncate

    # Headings and file names can hold terminal escapes: shown escaped, and measured so.
    file = printable(file) if file else file
    prefix = f"{file}: " if file else ""
    parts = [printable(part) for part in section] or ["(top of file)"]
    text = prefix + " › ".join(parts)
    if width is None:
        return text
    limit = width
    # The innermost heading is the informative end of a long path: drop outer headings first.
    while display_width(text) > limit and len(parts) > 1:
        parts.pop(0)
        text = prefix + "… › " + " › ".join(parts)
    # Then the front of the file's path: its name is the informative end.
    rest = text[len(prefix) :]
    while file and display_width(text) > limit and len(file) > 1:
        file = file[1:]
        text = f"…{file}: {rest}"
    return truncate(text, limit)


def _pad(text: str, width: int) -> str:
    from ..progress.stats import display_width

    return text + " " * (width - display_width(text))


def _line(name: str, counts: Counts, layout: _Layout, color: bool, *, bold: bool = False) -> str:
    from ..progress.badge import colour
    from ..progress.stats import bar

    widths = layout.numbers
    text = style(_pad(name, layout.label), color, bold=bold)
    text += "  " + f"{counts.done}/{counts.total}".rjust(widths[0])
    percent = f"{counts.whole_percent}%".rjust(widths[1])
    text += "  " + style(percent, color, fg=_TERMINAL.get(colour(counts)))
    for (_name, attr), width in zip(layout.extra, widths[2:], strict=True):
        text += "  " + str(getattr(counts, attr)).rjust(width)
    drawn = bar(counts, layout.bar)
    filled = drawn.count("█")
    return (
        text
        + "  "
        + style(drawn[:filled], color, fg="green")
        + style(drawn[filled:], color, dim=True)
    )


# Badge colours -> terminal colours.
_TERMINAL = {
    "red": "red",
    "orange": "yellow",
    "yellow": "yellow",
    "yellowgreen": "green",
    "brightgreen": "bright_green",
}

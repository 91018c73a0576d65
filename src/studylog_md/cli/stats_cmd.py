"""``studylog-md stats``: progress per section, the summary block, an SVG chart and a badge."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ._common import EXIT_FINDINGS, EXIT_OK, EXIT_USER, committing, err, out, unique_paths

if TYPE_CHECKING:  # pragma: no cover
    from ..progress.stats import Counts, FileStats, GroupBy, Report

BAR_WIDTH = 20
LABEL_MAX = 60


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
    "--svg", "svg_path", type=click.Path(dir_okay=False), help="Write an SVG bar chart here."
)
@click.option(
    "--badge",
    "badge_path",
    type=click.Path(dir_okay=False),
    help="Write a shields.io endpoint JSON here.",
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

    With --write, --check, --svg or --badge the table is not printed; those options report
    what they did instead.
    """
    from ..errors import StudylogError

    if write and check:
        raise click.UsageError("--write and --check exclude each other")
    if (write or check) and "-" in files:
        raise click.UsageError("--write and --check need files, not standard input")
    code = EXIT_OK
    per_file: list[FileStats] = []
    for path in unique_paths(files):
        try:
            if write or check:
                stats, stale = _block(
                    path, by=by, write=write, max_bytes=max_bytes, skip_missing=skip_missing
                )
                if stale:
                    code = max(code, EXIT_FINDINGS)
            else:
                stats = _count(path, by=by, max_bytes=max_bytes)
        except StudylogError as exc:
            err(f"studylog-md: error: {exc}")
            code = max(code, exc.exit_code)
            continue
        per_file.append(stats)
    from ..progress.stats import combine

    report = combine(per_file)
    if svg_path or badge_path:
        code = max(code, _outputs(report, svg_path, badge_path, label))
    if write or check or svg_path or badge_path:
        return code
    if fmt == "json":
        out(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print_text(report, color=_colour_wanted())
    return code


def _count(path: str, *, by: GroupBy, max_bytes: int | None) -> FileStats:
    from ..progress.stats import file_stats
    from ._common import read_document

    doc = read_document(path, max_bytes=max_bytes)
    return file_stats(doc, by=by, file=doc.path)


def _block(
    path: str, *, by: GroupBy, write: bool, max_bytes: int | None, skip_missing: bool
) -> tuple[FileStats, bool]:
    """Refresh (or check) one file's summary block; returns its stats and whether it was stale.

    A file without a block is an error, unless ``skip_missing`` (then it is only counted).
    """
    from .. import load_bytes
    from ..document._lines import encode
    from ..progress.block import find_blocks
    from ..progress.stats import file_stats, update_block
    from ..safe_write import DEFAULT_MAX_BYTES, Snapshot, editing, read_file, write_back
    from ._common import vocabulary_for

    limit = max_bytes or DEFAULT_MAX_BYTES

    def refresh(snap: Snapshot) -> tuple[FileStats, bool]:
        doc = load_bytes(snap.data, path=path, vocabulary=vocabulary_for(path))
        stats = file_stats(doc, by=by, file=path)
        if skip_missing and not find_blocks(doc):
            return stats, False
        update = update_block(doc, by=by)
        if not update.changed:
            out(f"{path}: summary block is up to date")
            return stats, False
        if not write:
            out(f"{path}: summary block is stale; run: studylog-md stats --write {path}")
            return stats, True
        with committing():
            write_back(snap, encode(update.text, doc.bom))
            out(f"{path}: summary block updated")
        return stats, False

    if not write:
        return refresh(read_file(path, max_bytes=limit))
    # The lock is held from the read to the write, so a concurrent edit either happens before
    # we read or is refused by write_back; the block can never be computed from stale bytes.
    with editing(path, max_bytes=limit) as snap:
        return refresh(snap)


def _outputs(report: Report, svg_path: str | None, badge_path: str | None, label: str) -> int:
    from ..errors import WriteError
    from ..progress import badge, svg

    code = EXIT_OK
    jobs = []
    if svg_path:
        jobs.append((svg_path, svg.render(report)))
    if badge_path:
        jobs.append((badge_path, badge.render(report.counts, label)))
    for path, text in jobs:
        try:
            write_output(path, text.encode("utf-8"))
        except WriteError as exc:
            err(f"studylog-md: error: {exc}")
            code = EXIT_USER
            continue
        out(f"wrote {path}")
    return code


def write_output(path: str, data: bytes) -> None:
    """Write a generated file atomically: a temporary file beside it, then ``os.replace``.

    A reader (a web server, a browser refreshing the chart) sees the old file or the new one,
    never half of one. An existing file keeps its permission bits; a new one gets the usual
    ``0666 & ~umask``.
    """
    from ..errors import WriteError

    target = Path(path)
    try:
        mode = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    except OSError as exc:
        raise WriteError(f"could not write {path}: {exc.strerror}", path) from exc
    folder = target.parent
    temp: str | None = None
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
        os.replace(temp, target)
        temp = None
    except OSError as exc:
        raise WriteError(
            f"could not write {path}: {exc.strerror or exc}; the old file is untouched", path
        ) from exc
    finally:
        if temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp)


# -- text output -------------------------------------------------------------------------------


def _colour_wanted() -> bool:
    # https://no-color.org: an empty NO_COLOR does not count.
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


_HEADERS = ("Done", "To do", "In progress", "Unknown", "%")


def _print_text(report: Report, *, color: bool) -> None:
    from ..progress.stats import display_width

    several = len(report.files) > 1
    rows = [(_label(s.section, s.file if several else None), s.counts) for s in report.sections]
    if not rows:
        out("no entries")
        return
    width = max([display_width(name) for name, _ in rows] + [display_width("Section")])
    numbers = [max(len(h), 5) for h in _HEADERS]
    head = _pad("Section", width) + "".join(
        "  " + h.rjust(w) for h, w in zip(_HEADERS, numbers, strict=True)
    )
    out(_style(head + "  Progress", color, bold=True))
    for name, counts in rows:
        out(_line(name, counts, width, numbers, color))
    out(_style("─" * (display_width(head) + 2 + BAR_WIDTH), color, dim=True))
    total = _line("Total", report.counts, width, numbers, color, bold=True)
    out(total)


def _label(section: tuple[str, ...], file: str | None) -> str:
    from ..progress.stats import display_width, truncate

    parts = list(section) or ["(top of file)"]
    text = " › ".join(parts)
    # The innermost heading is the informative end of a long path: drop outer headings first.
    while display_width(text) > LABEL_MAX and len(parts) > 1:
        parts.pop(0)
        text = "… › " + " › ".join(parts)
    text = truncate(text, LABEL_MAX)
    return f"{file}: {text}" if file else text


def _pad(text: str, width: int) -> str:
    from ..progress.stats import display_width

    return text + " " * (width - display_width(text))


def _line(
    name: str,
    counts: Counts,
    width: int,
    numbers: list[int],
    color: bool,
    *,
    bold: bool = False,
) -> str:
    from ..progress.badge import colour
    from ..progress.stats import bar

    values = (counts.done, counts.todo, counts.in_progress, counts.unknown)
    cells = [str(v).rjust(w) for v, w in zip(values, numbers[:-1], strict=True)]
    cells.append(f"{counts.whole_percent}%".rjust(numbers[-1]))
    text = _style(_pad(name, width), color, bold=bold)
    text += "".join("  " + c for c in cells[:-1])
    text += "  " + _style(cells[-1], color, fg=_TERMINAL.get(colour(counts)))
    drawn = bar(counts, BAR_WIDTH)
    filled = drawn.count("█")
    return (
        text
        + "  "
        + _style(drawn[:filled], color, fg="green")
        + _style(drawn[filled:], color, dim=True)
    )


# Badge colours -> terminal colours.
_TERMINAL = {
    "red": "red",
    "orange": "yellow",
    "yellow": "yellow",
    "yellowgreen": "green",
    "brightgreen": "bright_green",
}


def _style(
    text: str, color: bool, *, fg: str | None = None, bold: bool = False, dim: bool = False
) -> str:
    if not color or not text:
        return text
    return click.style(text, fg=fg, bold=bold or None, dim=dim or None)

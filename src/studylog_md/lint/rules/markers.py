"""Rules about status markers: missing, unknown, and mixed spellings within one table."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

from ...document.markers import DEFAULT_SPELLING, VS15, VS16, Status, is_placeholder
from ...document.model import Entry, Table
from ..base import LintContext, rule
from ..diagnostic import Diagnostic, Fix, Severity
from .rows import looks_shifted

_STATUS_WORDS = {Status.DONE: "done", Status.TODO: "to do", Status.IN_PROGRESS: "in progress"}


def _has_status_cell(entry: Entry) -> bool:
    return entry.marker_line >= 0


def _writes_todo(table: Table) -> bool:
    return any(
        e.status is Status.TODO and e.marker and not is_placeholder(e.marker) for e in table.entries
    )


def _spelling(entries: Iterable[Entry], status: Status) -> str:
    """The spelling ``entries`` use most for ``status`` (the default when they have none)."""
    counts = Counter(e.marker for e in entries if e.status is status and e.marker)
    # max() is most_common(1) (the first of the commonest) without importing heapq.
    return max(counts, key=counts.__getitem__) if counts else DEFAULT_SPELLING[status]


# --- missing-status ----------------------------------------------------------------------------


@rule(
    "SL005",
    "missing-status",
    Severity.WARNING,
    "An empty status cell in a table that marks to-do entries explicitly.",
    needs="logs",
)
def missing_status(ctx: LintContext) -> Iterator[Diagnostic]:
    explicit = {table for table in ctx.log_tables if _writes_todo(table)}
    for table in ctx.log_tables:
        # Tables whose convention is "empty = not done" (no to-do marker anywhere, like
        # amitness/learning in 2023-2024) are fine; a table that writes ⬜ elsewhere has a
        # cell that was forgotten. A table with no marker at all has no convention of its
        # own and follows the file's (amitness/learning today: a one-row "Next.JS" table
        # with an empty cell among 42 tables that write ⬜).
        own = table in explicit
        if not own and (not explicit or any(e.marker for e in table.entries)):
            continue
        source = table.entries if own else [e for t in ctx.log_tables for e in t.entries]
        todo = _spelling(source, Status.TODO)
        done = _spelling(source, Status.DONE)
        where = "this table" if own else "this file"
        vocab = ctx.vocabulary
        for entry in table.entries:
            placeholder = bool(entry.marker) and is_placeholder(entry.marker)
            if (entry.marker and not placeholder) or not _has_status_cell(entry):
                continue
            if entry.row is None:
                continue
            if not any(cell.text for cell in entry.row.cells):
                continue  # an empty row is a spacer, not an entry
            if looks_shifted(table, entry.row, vocab):
                continue  # column-count reports the row
            assert table.status_col is not None
            yield ctx.report(
                "missing-status",
                entry.line,
                entry.row.cells[table.status_col].column,
                f"{'no status (' + entry.marker + ')' if placeholder else 'empty status cell'}; "
                f"{where} marks entries explicitly: write {todo} "
                f"({_STATUS_WORDS[Status.TODO]}) or {done} ({_STATUS_WORDS[Status.DONE]})",
            )


# --- unknown-status ----------------------------------------------------------------------------


def _bare(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


@rule(
    "SL006",
    "unknown-status",
    Severity.WARNING,
    "A status marker the vocabulary does not know.",
    fixable=True,
    needs="logs",
)
def unknown_status(ctx: LintContext) -> Iterator[Diagnostic]:
    vocab = ctx.vocabulary
    for table in ctx.log_tables:
        for entry in table.entries:
            if entry.status is not Status.UNKNOWN or not entry.marker:
                continue
            if is_placeholder(entry.marker):
                continue  # "—", "N/A": no status written; missing-status speaks for it
            if not _has_status_cell(entry):
                continue
            if entry.row is not None and looks_shifted(table, entry.row, vocab):
                continue  # column-count reports the row
            marker = entry.marker
            suggestion = vocab.suggest(marker)
            fix = None
            if suggestion:
                hint = f"did you mean {suggestion}?"
                key = marker.strip().strip("`").strip()
                # Only a spelling slip ("`:pencil2`", "[x ]") gets a fix, and an unsafe one:
                # it turns an unknown status into a known one, which is a guess all the same;
                # a different word stays a suggestion.
                if key in marker and key and _bare(key) == _bare(suggestion):
                    fix = Fix(
                        f"write {suggestion}",
                        (
                            ctx.replace(
                                entry.marker_line,
                                entry.marker_start,
                                entry.marker_end,
                                marker.replace(key, suggestion, 1),
                            ),
                        ),
                        "unsafe",
                    )
            else:
                hint = (
                    "use ✅ (done), ⬜ (to do) or 🚧 (in progress), or add it to the "
                    "done-markers/todo-markers/in-progress-markers setting"
                )
            yield ctx.report(
                "unknown-status",
                entry.line,
                entry.marker_start + 1,
                f"unknown status marker {marker!r}; {hint}",
                fix=fix,
            )


# --- inconsistent-marker / marker-variation ----------------------------------------------------


def _base(marker: str) -> str:
    return marker.replace(VS16, "").replace(VS15, "")


@rule(
    "SL007",
    "inconsistent-marker",
    Severity.WARNING,
    "One table spells one status two ways (✅ and ✔, ✔️ and :heavy_check_mark:).",
    fixable=True,
    needs="logs",
)
def inconsistent_marker(ctx: LintContext) -> Iterator[Diagnostic]:
    for entry, majority, count in _minorities(ctx, by_base=True):
        yield _mixed(ctx, "inconsistent-marker", entry, majority, count)


@rule(
    "SL008",
    "marker-variation",
    Severity.INFO,
    "One table writes a marker with and without the emoji variation selector (✔ and ✔️).",
    fixable=True,
    needs="logs",
)
def marker_variation(ctx: LintContext) -> Iterator[Diagnostic]:
    for entry, majority, count in _minorities(ctx, by_base=False):
        yield _mixed(ctx, "marker-variation", entry, majority, count)


def _mixed(ctx: LintContext, name: str, entry: Entry, majority: str, count: int) -> Diagnostic:
    status = _STATUS_WORDS.get(entry.status, entry.status.value)
    if name == "marker-variation":
        detail = (
            f"{entry.marker!r} and {majority!r} differ only by the emoji variation selector "
            "(U+FE0F), which changes how some platforms draw it"
        )
    else:
        detail = f"{entry.marker!r} and {majority!r} both mean {status} in this table"
    fix = Fix(
        f"write {majority}",
        (ctx.replace(entry.marker_line, entry.marker_start, entry.marker_end, majority),),
    )
    return ctx.report(
        name,
        entry.line,
        entry.marker_start + 1,
        f"{detail}; write {majority} like the other {count} " + ("row" if count == 1 else "rows"),
        fix=fix,
    )


def _minorities(ctx: LintContext, *, by_base: bool) -> Iterator[tuple[Entry, str, int]]:
    """Entries whose marker is not the table's usual spelling of its status.

    ``by_base``: spellings that differ beyond variation selectors (inconsistent-marker);
    otherwise entries whose marker has the usual base but not its variation selectors.
    """
    vocab = ctx.vocabulary
    for table in ctx.log_tables:
        groups: dict[Status, list[Entry]] = {}
        for entry in table.entries:
            if entry.status is Status.UNKNOWN or not entry.marker:
                continue
            if not vocab.classify(entry.marker, words=False).symbolic:
                continue  # words and counts ("done", "3/7") are data, not spellings
            groups.setdefault(entry.status, []).append(entry)
        for entries in groups.values():
            exact = Counter(e.marker for e in entries)
            if len(exact) < 2:
                continue
            bases = Counter(_base(e.marker) for e in entries)
            top_base = max(bases, key=bases.__getitem__)  # most_common(1), without heapq
            # The usual exact spelling among those with the usual base.
            majority = next(m for m, _ in exact.most_common() if _base(m) == top_base)
            for entry in entries:
                if entry.marker == majority:
                    continue
                same_base = _base(entry.marker) == top_base
                if by_base != same_base:
                    yield entry, majority, exact[majority]

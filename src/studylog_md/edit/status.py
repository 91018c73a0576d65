"""Status edits: choose the marker a table already uses and replace that one span."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Literal

from ..document.markers import DEFAULT_SPELLING, Status, counterpart, is_phrase
from ..document.model import Document, Entry
from ..document.query import find_entry
from ..document.replace import Replacement
from ..errors import EditError
from .apply import apply_edit
from .verify import Declaration, Expect

ChangeKind = Literal["status", "add"]


@dataclass(frozen=True, slots=True)
class Change:
    """What an edit did: the entry, where, and the text before and after."""

    kind: ChangeKind
    title: str
    line: int  # 1-based line of the changed or added entry
    old: str  # old marker ("" for an added entry)
    new: str  # new marker, or the added line
    old_status: Status | None
    new_status: Status

    @property
    def changed(self) -> bool:
        return self.kind == "add" or self.old != self.new

    def describe(self, path: str) -> str:
        """One line for people: ``FILE:64: U-Net: Convolutional Networks… ⬜ → ✅``."""
        title = self.title if len(self.title) <= 40 else self.title[:39].rstrip() + "…"
        if self.kind == "add":
            return f"{path}:{self.line}: added {title} ({self.new_status.value})"
        old = self.old or "(empty)"
        new = self.new or "(empty)"
        if not self.changed:
            return f"{path}:{self.line}: {title}: already {self.new_status.value} ({old})"
        return f"{path}:{self.line}: {title} {old} → {new}"


# -- choosing a marker --------------------------------------------------------------------------
def _spellings(
    entries: list[Entry], status: Status, kind: str, exclude: Entry | None = None
) -> Counter[str]:
    """How often each spelling of ``status`` is used (the entry being edited not counted)."""
    counts: Counter[str] = Counter()
    for entry in entries:
        if entry is exclude:
            continue
        if entry.status is status and entry.kind == kind and entry.marker_line >= 0:
            marker = entry.marker
            if any(ch.isdigit() for ch in marker):
                continue  # a count such as "3/7" is not a spelling to copy
            counts[marker] += 1
    return counts


def choose_marker(doc: Document, entry: Entry, status: Status) -> str:
    """The marker this table (or file) already uses for ``status``; else the default."""
    if entry.kind == "task":
        if status is Status.DONE:
            counts = _spellings(doc.entries, Status.DONE, "task", entry)
            return counts.most_common(1)[0][0] if counts else "[x]"
        return "[ ]"
    if status is Status.UNKNOWN:
        raise EditError("cannot set an entry's status to 'unknown'")
    scopes: list[list[Entry] | None] = []
    if entry.table is not None:
        scopes.append(entry.table.entries)
    scopes.append(None)  # the whole file: listed only if the table has no spelling to copy,
    # so that an edit costs what its table costs, not what the file costs
    for scope in scopes:
        if scope is None:
            # "[x]" in a cell becomes "[ ]" when its table shows no to-do spelling.
            paired = counterpart(entry.marker, status)
            if paired is not None:
                return paired
            scope = [e for e in doc.entries if e.kind == "row"]
        counts = _spellings(scope, status, "row", entry)
        if counts:
            # Ties go to the spelling seen first, so the choice is stable.
            best = max(counts.values())
            for candidate in scope:
                if candidate is entry:
                    continue
                if candidate.status is status and counts.get(candidate.marker) == best:
                    return candidate.marker
    return DEFAULT_SPELLING[status]


# -- status changes -----------------------------------------------------------------------------
def toggle(
    doc: Document,
    query: str | None,
    *,
    to: Status | None = None,
    section: str | None = None,
    line: int | None = None,
) -> Change:
    """Flip done ↔ to do (in progress and unknown become done), or set ``to``.

    The entry is the one ``query`` names (title words or a URL), or the one on ``line``.
    """
    entry = find_entry(doc.entries, query, section=section, line=line)
    target = to if to is not None else (Status.TODO if entry.status is Status.DONE else Status.DONE)
    if to is None and target is Status.TODO and is_phrase(entry.marker):
        target = _undone(entry)
    return set_status(doc, entry, target)


def _undone(entry: Entry) -> Status:
    """What "not done" is in a table of phrases: 🟢 Done ↔ 🟠 Doing when it never says To do."""
    if entry.table is None:
        return Status.TODO
    spelled = {e.status for e in entry.table.entries if e.marker and e is not entry}
    if Status.TODO not in spelled and Status.IN_PROGRESS in spelled:
        return Status.IN_PROGRESS
    return Status.TODO


def set_status(doc: Document, entry: Entry, status: Status) -> Change:
    """Replace ``entry``'s marker so that it reads ``status``; nothing else changes.

    The edit is one :class:`Replacement`; :func:`apply_edit` verifies the re-parsed result
    and re-derives the document, so ``entry`` (like every entry of the old parse) is stale
    afterwards: find entries again after an edit.
    """
    check_current(doc, entry)
    if entry.marker_line < 0:
        raise EditError(
            f"line {entry.line}: this row has no status cell; add the missing cell "
            "(`studylog-md fix` adds empty cells) and try again"
        )
    new_marker = choose_marker(doc, entry, status)
    old_marker = entry.marker
    unchanged = Change(
        "status", entry.title, entry.line, old_marker, old_marker, entry.status, status
    )
    if (new_marker == old_marker and entry.status is status) or (not old_marker and not new_marker):
        return unchanged
    start, end = entry.marker_start, entry.marker_end
    if not old_marker and entry.kind == "row":
        start = end = _fill_position(doc, entry)
    base = doc.line_offset(entry.marker_line)
    declared = Declaration(
        (Replacement(base + start, base + end, new_marker),),
        entries={entry.line: Expect(status=status)},
    )
    old_status = entry.status
    apply_edit(doc, declared)
    return Change("status", entry.title, entry.line, old_marker, new_marker, old_status, status)


def check_current(doc: Document, entry: Entry) -> None:
    """Refuse an entry that is not one of ``doc``'s current entries (stale or foreign)."""
    origin = entry.origin
    if origin is doc.generation:
        return
    if origin is None:
        raise EditError(
            f"line {entry.line}: this entry was not read from a document; take entries from "
            "doc.entries or doc.find()"
        )
    if origin.owner is doc:
        raise EditError(
            f"line {entry.line}: this entry is from before the document's last edit, so its "
            "position may be wrong; find it again (doc.find() or doc.entries)"
        )
    raise EditError(
        f"line {entry.line}: this entry belongs to another document; take entries from the "
        "document you edit"
    )


def _fill_position(doc: Document, entry: Entry) -> int:
    """Where a marker goes in an empty status cell: where the table's other rows put theirs.

    Emptying a cell keeps its padding (``|  ✅|`` → ``|  |``), so putting the marker back at
    the table's usual distance from the left pipe gives back the original bytes: toggling
    twice is the identity.
    """
    table, row = entry.table, entry.row
    assert table is not None and row is not None and table.status_col is not None
    cell = row.cells[table.status_col]
    width = cell.raw_end - cell.raw_start
    leads: Counter[int] = Counter()
    for other in table.rows:
        if other is row or table.status_col >= len(other.cells):
            continue
        other_cell = other.cells[table.status_col]
        if other_cell.text:
            leads[other_cell.start - other_cell.raw_start] += 1
    # The first of the commonest; 1 (one space of padding) when no other row shows it.
    lead = max(leads, key=leads.__getitem__) if leads else 1
    return cell.raw_start + min(lead, width)

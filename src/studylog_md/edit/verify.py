"""One check for every write: re-parse the result and confirm it says what the edit declared.

Every writer (``toggle``, ``add``, ``fix``, ``stats --write``, ``Document.save()``) describes
its change as a :class:`Declaration`: the replacements it makes on the text and what they do
to entries and to table rows. :func:`verify` applies nothing itself; it re-parses the text
after the change and compares it with the document before, entry by entry:

- every entry the declaration does not name keeps its title, status, URLs and line text;
- the entries it names changed exactly as declared (:class:`Expect`);
- new entries are exactly the declared ones;
- the lines GitHub renders as table rows are the same, apart from what the declaration allows.

On a mismatch it raises :class:`SafetyCheckError` (exit 3) naming the entry, before anything
is written. mdformat refuses to write when the rendered HTML changed; this check is stricter
because it knows entries (a status flip renders as different HTML and is still wrong).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Literal, NamedTuple

from ..document import _lines
from ..document.markers import Status
from ..document.replace import Replacement, apply_replacements
from ..errors import SafetyCheckError

if TYPE_CHECKING:  # pragma: no cover
    from ..document.model import Document, Entry

RowRule = Literal["same", "touched", "grow", "any"]


class Expect(NamedTuple):
    """What an entry reads as after an edit; None keeps the value it had (or any, if new)."""

    title: str | None = None
    status: Status | None = None
    urls: tuple[str, ...] | None = None


class Declaration(NamedTuple):
    """What a change says it does.

    ``entries`` maps the 1-based line of an entry *before* the change to what it becomes;
    ``added`` lists the entries the change creates, in file order (None: any number, for
    unsafe fixes); ``loose`` holds 1-based lines before whose entries may change or vanish,
    and whose rows may stop being rows (unsafe fixes, which the user asked for); ``rows`` says
    where the set of rendered table rows may change: nowhere, only on lines the replacements
    touch, by growing (no row lost outside ``loose``), or anywhere. With ``rewrites`` the
    replacements may rewrite entries they touch as long as each keeps its title, status and
    URLs (URLs may lose tracking parameters: the one safe URL change); without it an entry
    the replacements touch must be named in ``entries``.
    """

    replacements: tuple[Replacement, ...]
    entries: Mapping[int, Expect] = {}
    added: tuple[Expect, ...] | None = ()
    loose: frozenset[int] = frozenset()
    rows: RowRule = "same"
    rewrites: bool = False


def bug(message: str) -> SafetyCheckError:
    """The error every failed check raises: what went wrong, that nothing was written, why."""
    return SafetyCheckError(
        f"safety check failed, nothing was written: {message}. This is a bug in studylog-md; "
        "please report it with the file"
    )


def reparse(before: Document, text: str) -> Document:
    """Parse ``text`` (no BOM) the way ``before`` was parsed."""
    from ..document.parse import build

    lines, endings = _lines.split_lines(text)
    return build(
        lines,
        endings,
        bom=before.bom,
        path=before.path,
        vocabulary=before.vocabulary,
        previous=before.generation,
    )


def verify(before: Document, after: Document | str, declared: Declaration) -> Document:
    """Re-parse the changed text and check it against ``declared``; returns the new document.

    ``after`` is the text after the change (``Document.dumps()`` form, no BOM), or its parse
    when the caller has one already. It must be exactly ``declared.replacements`` applied to
    ``before``: the replacements are how lines before are matched with lines after.
    """
    expected_text = apply_replacements(before.dumps(), declared.replacements)
    if isinstance(after, str):
        if after != expected_text:
            raise bug("the new text is not what the edit's replacements make")
        after = reparse(before, after)
    elif after.dumps() != expected_text:
        raise bug("the new text is not what the edit's replacements make")
    _Check(before, after, declared).run()
    return after


class _Mapping:
    """Where each line before a change starts after it, from the change's replacements."""

    def __init__(self, before: Document, after: Document, reps: Iterable[Replacement]) -> None:
        self.before = before
        self.reps = sorted(reps)
        self.starts = [r.start for r in self.reps]
        # Offset shift after each replacement (prefix sums of the length changes).
        shift = 0
        self.shifts: list[int] = []
        for rep in self.reps:
            shift += len(rep.new) - (rep.end - rep.start)
            self.shifts.append(shift)
        after.line_offset(0)
        self.after_offsets: list[int] = after._state.offsets or [0]
        self.after_starts = {offset: index for index, offset in enumerate(self.after_offsets)}

    def touched(self, line: int) -> bool:
        """Whether a replacement changes any character of 0-based ``line`` (or its ending).

        An insertion at the very start of a line is before it, not in it.
        """
        start = self.before.line_offset(line)
        end = self.before.line_offset(line + 1)
        index = bisect.bisect_left(self.starts, start)
        # A replacement starting before the line may reach into it.
        if index > 0 and self.reps[index - 1].end > start:
            return True
        for rep in self.reps[index:]:
            if rep.start >= end:
                break
            if rep.start == start and rep.end == start:
                continue
            return True
        return False

    def line_after(self, line: int) -> int | None:
        """The 0-based line after the change that starts where ``line`` started; None if gone."""
        start = self.before.line_offset(line)
        # Replacements entirely before the line start shift it (an insertion at it too).
        index = bisect.bisect_right(self.starts, start)
        while index > 0 and self.reps[index - 1].end > start:
            rep = self.reps[index - 1]
            if rep.start < start:
                return None  # the line's start was replaced: it merged into another line
            index -= 1
        shift = self.shifts[index - 1] if index else 0
        return self.after_starts.get(start + shift)

    def new_lines(self) -> set[int]:
        """0-based lines after the change that hold replaced text (new or edited lines)."""
        found: set[int] = set()
        shift = 0
        for rep in self.reps:
            begin = rep.start + shift
            stop = begin + len(rep.new)
            shift += len(rep.new) - (rep.end - rep.start)
            first = self._after_line(begin)
            last = self._after_line(max(stop - 1, begin))
            found.update(range(first, last + 1))
        return found

    def _after_line(self, offset: int) -> int:
        return max(bisect.bisect_right(self.after_offsets, offset) - 1, 0)


def _describe(entry: Entry) -> str:
    title = entry.title if len(entry.title) <= 50 else entry.title[:49] + "…"
    return f"line {entry.line} ({title!r})"


def _urls(entry: Entry) -> tuple[str, ...]:
    return tuple(link.url for link in entry.links)


def _row_lines(doc: Document) -> set[int]:
    """0-based lines GitHub renders as table rows (header and body rows, not the delimiter)."""
    rows: set[int] = set()
    for table in doc.tables:
        rows.add(table.header.line)
        rows.update(row.line for row in table.rows)
    return rows


class _Check:
    def __init__(self, before: Document, after: Document, declared: Declaration) -> None:
        self.before = before
        self.after = after
        self.declared = declared
        self.map = _Mapping(before, after, declared.replacements)

    def run(self) -> None:
        after_at = {entry.line - 1: entry for entry in self.after.entries}
        matched: set[int] = set()
        declared = self.declared
        for entry in self.before.entries:
            line = entry.line - 1
            new_line = self.map.line_after(line)
            new = after_at.get(new_line) if new_line is not None else None
            if new is not None:
                matched.add(new_line)  # type: ignore[arg-type]
            if entry.line in declared.loose:
                continue
            expect = declared.entries.get(entry.line)
            if new is None or new.kind != entry.kind:
                raise bug(f"{_describe(entry)} is no longer an entry")
            if expect is None and self.map.touched(line) and declared.rewrites:
                self._same(entry, new, allow_line=True)
                continue
            if expect is None:
                self._same(entry, new, allow_line=False)
            else:
                self._as_expected(entry, new, expect)
        added = [e for e in self.after.entries if e.line - 1 not in matched]
        if declared.added is not None:
            if len(added) != len(declared.added):
                where = ", ".join(_describe(e) for e in added[:3]) or "none"
                raise bug(
                    f"the edit declared {len(declared.added)} new entries, the result has "
                    f"{len(added)} ({where})"
                )
            for entry, expect in zip(added, declared.added):
                self._matches(entry, expect, entry.title, entry.status, _urls(entry))
        self._rows(added)

    def _same(self, old: Entry, new: Entry, *, allow_line: bool) -> None:
        if (
            new.title == old.title
            and (new.status is old.status or _settled(old, new))
            and (allow_line or self.after.lines[new.line - 1] == self.before.lines[old.line - 1])
            and len(new.links) == len(old.links)
            and all(a.url == b.url for a, b in zip(old.links, new.links))
        ):
            return  # the common case, without building any message
        what = _describe(old)
        if new.title != old.title:
            raise bug(f"{what}: the title changed to {new.title!r}")
        if new.status is not old.status and not _settled(old, new):
            raise bug(f"{what}: the status changed from {old.status.value} to {new.status.value}")
        old_urls, new_urls = _urls(old), _urls(new)
        if new_urls != old_urls and not (allow_line and self._tracking_only(old_urls, new_urls)):
            raise bug(f"{what}: the links changed from {old_urls} to {new_urls}")
        if not allow_line and self.after.lines[new.line - 1] != self.before.lines[old.line - 1]:
            raise bug(f"{what}: the line's text changed, which the edit did not declare")

    @staticmethod
    def _tracking_only(old: tuple[str, ...], new: tuple[str, ...]) -> bool:
        from ..urls import strip_tracking

        return len(old) == len(new) and all(
            a == b or strip_tracking(a) == b for a, b in zip(old, new)
        )

    def _as_expected(self, old: Entry, new: Entry, expect: Expect) -> None:
        self._matches(new, expect, old.title, old.status, _urls(old), what=_describe(old))

    def _matches(
        self,
        new: Entry,
        expect: Expect,
        title: str,
        status: Status,
        urls: tuple[str, ...],
        what: str | None = None,
    ) -> None:
        what = what or _describe(new)
        want_title = expect.title if expect.title is not None else title
        want_status = expect.status if expect.status is not None else status
        want_urls = expect.urls if expect.urls is not None else urls
        if new.title != want_title:
            raise bug(f"{what}: the title reads {new.title!r}, not {want_title!r}")
        if new.status is not want_status:
            raise bug(f"{what}: the status reads {new.status.value}, not {want_status.value}")
        if _urls(new) != want_urls:
            raise bug(f"{what}: the links read {_urls(new)}, not {want_urls}")

    def _rows(self, added: list[Entry]) -> None:
        """The lines rendered as table rows are the same, apart from what is declared.

        Lines in messages are the lines before the change (what the user's file says), except
        for a line that became a row, which exists only after it.
        """
        rule = self.declared.rows
        if rule == "any":
            return
        before_rows = _row_lines(self.before)
        after_rows = _row_lines(self.after)
        if rule == "touched":
            free_before = {line for line in before_rows if self.map.touched(line)}
        else:
            free_before = set()
        origin: dict[int, int] = {}  # line after -> the row line before it was
        for line in sorted(before_rows - free_before):
            new_line = self.map.line_after(line)
            if new_line is None:
                free_before.add(line)
            else:
                origin[new_line] = line
        loose = self.declared.loose
        gone = sorted(line for line in free_before if line + 1 not in loose)
        if gone and rule != "touched":
            raise bug(f"line {gone[0] + 1} was a table row and was replaced")
        lost = sorted(
            origin[line] for line in set(origin) - after_rows if origin[line] + 1 not in loose
        )
        if lost:
            raise bug(f"line {lost[0] + 1} is no longer a table row")
        if rule == "grow":
            return
        free_after = {e.line - 1 for e in added if e.kind == "row"}
        if rule == "touched":
            free_after |= self.map.new_lines()
        extra = sorted(after_rows - set(origin) - free_after)
        if extra:
            raise bug(f"line {extra[0] + 1} of the new text became a table row")


def _settled(old: Entry, new: Entry) -> bool:
    """An empty or dashed status cell, read by the file's convention both times.

    Its bytes did not change; what it means follows the rest of the file (unknown while the
    file writes ⬜ elsewhere, to do once it no longer does: document/parse.py), so toggling
    the file's last ⬜ may change how it reads. That is not an edit of this entry.
    """
    return (
        old.status_reason is not None
        and new.status_reason is not None
        and old.marker == new.marker
        and old.status in (Status.TODO, Status.UNKNOWN)
        and new.status in (Status.TODO, Status.UNKNOWN)
    )

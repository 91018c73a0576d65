"""Toggling an entry twice gives back every byte: every fixture, the seed and the corpus.

An edit re-derives the document (a parse), so toggling every entry of a big file costs a
parse per toggle: the default run samples entries (empty status cells first, then spread
over the file) with a budget that shrinks as the file grows, so each file costs about the
same; the slow tier toggles every entry of every file.

Identity is expected wherever the file's convention can say what to write back: the entry's
status is done or to do, and every other entry of its table (or of the file, when the table
has no other) with that status spells it the same way. A lone spelling (the only empty cell
of a file, say) has nothing to come back from.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from dotted import read_fixtures
from shared_paths import EXAMPLE, FIXTURES, SEED, corpus_files

import studylog_md
from studylog_md import Status
from studylog_md.document.markers import DEFAULT_SPELLING
from studylog_md.document.model import Document, Entry
from studylog_md.errors import EditError

REAL = [path for path in [SEED, EXAMPLE, *corpus_files()] if path.is_file()]
BUDGET = 150_000  # characters parsed per file in the default run (about a parse of 150 KB)


def _fixture_texts() -> list[pytest.ParameterSet]:
    params = []
    for path in sorted((FIXTURES / "edit").glob("*.md")):
        for line, title, (_command, before, _after) in read_fixtures(path, blocks=3):
            params.append(pytest.param(before, id=f"edit:{line}:{title}"))
    for folder in ("parse", "lint", "lint/fixes"):
        for path in sorted((FIXTURES / folder).glob("*.md")):
            for line, title, (markdown, _expected) in read_fixtures(path):
                params.append(pytest.param(markdown, id=f"{folder}:{line}:{title}"))
    return params


def _spelled_alike(others: list[Entry], entry: Entry) -> bool | None:
    """True/False when ``others`` show a spelling of the entry's status; None when none do."""
    # An empty or dashed cell read as unknown (the file writes ⬜ elsewhere) turns back into
    # a to-do spelling once the last ⬜ is toggled away (document/parse.py): count it as one.
    same = [
        e
        for e in others
        if e.marker_line >= 0
        and (
            e.status is entry.status
            or (entry.status is Status.TODO and e.status is Status.UNKNOWN and e.status_reason)
        )
    ]
    if not same:
        return None
    return all(e.marker == entry.marker for e in same)


def comes_back(doc: Document, entry: Entry) -> bool:
    """Whether the file's convention says which spelling to write back (see the docstring)."""
    if entry.status not in (Status.DONE, Status.TODO) or entry.marker_line < 0:
        return False
    if any(ch.isdigit() for ch in entry.marker):
        return False
    if entry.kind == "task":
        if entry.status is Status.TODO:
            return entry.marker == "[ ]"
        others = [e for e in doc.entries if e.kind == "task" and e is not entry]
        alike = _spelled_alike(others, entry)
        return entry.marker == "[x]" if alike is None else alike
    assert entry.table is not None
    alike = _spelled_alike([e for e in entry.table.entries if e is not entry], entry)
    if alike is None:
        others = [e for e in doc.entries if e.kind == "row" and e is not entry]
        alike = _spelled_alike(others, entry)
    if alike is None:
        return entry.marker == DEFAULT_SPELLING[entry.status]
    return alike


def _sample(doc: Document, size: int, budget: int | None) -> list[int]:
    """Entry indexes to toggle: all of them, or within ``budget`` (empty cells first)."""
    count = len(doc.entries)
    if budget is None:
        return list(range(count))
    wanted = max(3, min(30, budget // max(size, 1)))
    empty = [i for i, e in enumerate(doc.entries) if e.kind == "row" and not e.marker]
    step = max(1, count // wanted)
    picked = dict.fromkeys(empty[: wanted // 3] + list(range(0, count, step)))
    return sorted(picked)[:wanted]


def toggle_twice(data: bytes, budget: int | None) -> tuple[int, int]:
    """Toggle sampled entries there and back; returns (toggled, restored byte for byte)."""
    doc = studylog_md.load_bytes(data)
    toggled = restored = 0
    for index in _sample(doc, len(data), budget):
        entry = doc.entries[index]
        expected = comes_back(doc, entry)
        status = entry.status
        try:
            change = doc.set_status(entry, Status.TODO if status is Status.DONE else Status.DONE)
        except EditError:
            assert entry.marker_line < 0  # only a row without a status cell is refused
            continue
        toggled += 1
        back = status if status in (Status.DONE, Status.TODO) else Status.TODO
        doc.set_status(doc.entries[index], back)
        if expected:
            assert doc.to_bytes() == data, f"line {entry.line}: {change.old!r} → {change.new!r}"
            restored += 1
        if doc.to_bytes() != data:
            doc = studylog_md.load_bytes(data)  # start the next entry from the file again
    return toggled, restored


@pytest.mark.parametrize("markdown", _fixture_texts())
@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_toggle_twice_on_every_fixture(markdown: str, newline: str) -> None:
    data = markdown.replace("\n", newline).encode("utf-8")
    toggled, restored = toggle_twice(data, None)
    assert restored <= toggled


@pytest.mark.slow  # a re-parse per sampled toggle over 26 real logs (~4 s); fixtures run by default
@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_toggle_twice_on_real_logs(path: Path) -> None:
    data = path.read_bytes()
    toggled, restored = toggle_twice(data, BUDGET)
    if studylog_md.load_bytes(data).entries:
        assert toggled > 0 and restored > 0


@pytest.mark.slow
@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_toggle_twice_every_entry_of_real_logs(path: Path) -> None:
    data = path.read_bytes()
    toggled, restored = toggle_twice(data, None)
    if studylog_md.load_bytes(data).entries:
        assert toggled > 0 and restored > 0


def test_an_emptied_cell_keeps_its_padding_and_comes_back() -> None:
    # The case: a right-aligned marker, and an empty cell for "to do" elsewhere.
    text = (
        "|Resource|Done|\n|---|--:|\n|A|  :heavy_check_mark:|\n|B|  |\n|C|  :heavy_check_mark:|\n"
    )
    doc = studylog_md.loads(text)
    doc.set_status(doc.entries[0], Status.TODO)
    assert doc.lines[2] == "|A|  |"
    doc.set_status(doc.entries[0], Status.DONE)
    assert doc.dumps() == text
    # Filling an empty cell puts the marker where the other rows put theirs.
    doc.set_status(doc.entries[1], Status.DONE)
    assert doc.lines[3] == "|B|  :heavy_check_mark:|"


def test_offsets_are_right_after_toggling_an_empty_cell_before_the_title() -> None:
    text = "|Done|Resource|\n|---|---|\n|  |[A](https://a.example)|\n|✅|[B](https://b.example)|\n"
    doc = studylog_md.loads(text)
    doc.set_status(doc.entries[0], Status.DONE)
    entry = doc.entries[0]
    line = doc.lines[2]
    # The marker goes where row B has its own (no padding before it); the padding stays.
    assert line == "|✅  |[A](https://a.example)|"
    link = entry.links[0]
    assert doc.dumps()[link.offset : link.end_offset] == "https://a.example"
    assert line[entry.column - 1 :].startswith("[A]")
    assert studylog_md.loads(doc.dumps()).entries[0].status is Status.DONE

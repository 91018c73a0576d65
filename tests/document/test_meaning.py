"""Real logs read the way their authors mean them (issue 12): columns, markers, legends,
duplicates, durations. Each fixture in ``tests/fixtures/meaning`` is modelled on a pattern seen
in public study logs (see ``tests/fixtures/reallogs/ANNOTATIONS.json``), and each runs as
written (LF), with CRLF line endings and with a UTF-8 BOM: the reading must not change.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import NamedTuple

import pytest

import studylog_md
from studylog_md import Status
from studylog_md.document.model import Document
from studylog_md.lint.engine import LintOptions, lint_document

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "meaning"
OPTIONS = LintOptions(check_local_links=False)
D, T, P, U = Status.DONE, Status.TODO, Status.IN_PROGRESS, Status.UNKNOWN


class Expected(NamedTuple):
    counts: dict[Status, int]
    rows: list[tuple[int, str, Status]]  # line, title, status
    findings: list[tuple[int, str]]  # line, rule


EXPECTED: dict[str, Expected] = {
    # "Day | Topic | Link" with generic link words: the topic names the resource, the link
    # column gives its URL, and nothing is a duplicate of "View".
    "day_topic_view.md": Expected(
        {D: 2, T: 2},
        [
            (5, "Binary search", D),
            (6, "Two pointers", D),
            (7, "Sliding window", T),
            (8, "Linked lists", T),
        ],
        [],
    ),
    "checkbox_cells.md": Expected(
        {D: 2, T: 1, P: 1},
        [
            (5, "Intro and course overview", D),
            (6, "Models of computation", D),
            (7, "Sorting", T),
            (8, "Hashing", P),
        ],
        [(6, "inconsistent-marker")],  # [x] and [X] in one table
    ),
    "phrases.md": Expected(
        {D: 2, P: 2},
        [(5, "SICP", D), (6, "CLRS", P), (7, "TAOCP", P), (8, "Crafting Interpreters", D)],
        [],
    ),
    "chinese.md": Expected(
        {D: 2, P: 2, T: 2},
        [
            (5, "CS61A", D),
            (6, "CS61B", P),
            (7, "CS144", T),
            (8, "6.S081", D),
            (12, "Álgebra lineal", P),
            (13, "Cálculo", T),
        ],
        [],
    ),
    # The legend is no entry; its 🔥 is in progress in this file, and its blank "Planned".
    "legend.md": Expected(
        {D: 1, P: 2, T: 1},
        [
            (15, "How to Code", D),
            (16, "Programming Languages A", P),
            (17, "Programming Languages B", T),
            (18, "Nand2Tetris", P),
        ],
        [(5, "table-not-a-log"), (17, "broken-link-syntax")],
    ),
    # "Problem Set 1" under three courses is three entries; "Lecture 1" twice under one
    # course is a duplicate; the same title and URL under another heading is one finding.
    "problem_sets.md": Expected(
        {D: 2, T: 6},
        [
            (5, "Problem Set 1", D),
            (11, "Problem Set 1", D),
            (17, "Problem Set 1", T),
            (21, "Problem Set 1", T),
            (13, "Lecture 1", T),
        ],
        [(13, "duplicate-title"), (21, "duplicate-url")],
    ),
    # Segments of one video are separate entries; durations leave the titles.
    "playlist.md": Expected(
        {D: 2, T: 4},
        [
            (5, "Vectors", D),
            (6, "Linear combinations", D),
            (7, "Matrices", T),
            (8, "Determinants", T),
            (10, "Lecture 3", T),
        ],
        [(9, "duplicate-url"), (10, "empty-link")],
    ),
    # A file that writes ⬜: an empty or dashed cell is a status nobody set.
    "blanks.md": Expected(
        {D: 1, T: 1, U: 2},
        [(5, "A", D), (6, "B", T), (7, "C", U), (8, "D", U)],
        [(7, "missing-status"), (8, "missing-status"), (10, "table-not-a-log")],
    ),
}

VARIANTS = {
    "lf": lambda data: data,
    "crlf": lambda data: data.replace(b"\n", b"\r\n"),
    "bom": lambda data: b"\xef\xbb\xbf" + data,
}
CASES = [(name, variant) for name in EXPECTED for variant in VARIANTS]


def _load(name: str, variant: str) -> Document:
    data = VARIANTS[variant]((FIXTURES / name).read_bytes())
    doc = studylog_md.load_bytes(data, path=name)
    assert doc.to_bytes() == data  # reading meaning never costs a byte
    return doc


def test_every_fixture_has_expectations() -> None:
    assert sorted(p.name for p in FIXTURES.glob("*.md")) == sorted(EXPECTED)


@pytest.mark.parametrize(("name", "variant"), CASES, ids=[f"{n}-{v}" for n, v in CASES])
def test_reads_as_meant(name: str, variant: str) -> None:
    expected = EXPECTED[name]
    doc = _load(name, variant)
    assert dict(Counter(e.status for e in doc.entries)) == expected.counts
    by_line = {e.line: e for e in doc.entries}
    for line, title, status in expected.rows:
        assert (by_line[line].title, by_line[line].status) == (title, status), line
    found = sorted((d.line, d.rule) for d in lint_document(doc, name, OPTIONS))
    assert found == sorted(expected.findings)


def test_link_column_gives_the_url_and_durations_their_field() -> None:
    doc = _load("day_topic_view.md", "lf")
    by_line = {e.line: e for e in doc.entries}
    assert by_line[5].url == "https://leetcode.com/problems/binary-search/"
    assert by_line[7].url == "https://leetcode.com/problems/minimum-window-substring/"
    assert by_line[7].duration == "45 min" and by_line[5].duration is None
    table = doc.tables[0]
    assert (table.title_col, table.status_col, table.link_col) == (1, 3, 2)
    playlist = {e.line: e for e in _load("playlist.md", "lf").entries}
    assert [playlist[n].duration for n in (5, 6, 7)] == ["12:30", "10 min", "2h"]


def test_legend_extends_the_vocabulary_and_explains_blanks() -> None:
    doc = _load("legend.md", "crlf")
    legend = doc.tables[0]
    assert legend.entries == [] and legend.legend == {":heavy_check_mark:": D, "🔥": P}
    assert doc.vocabulary is not None and doc.vocabulary.blank is T
    broken = {e.line: e for e in doc.entries}[17]
    assert broken.url is None and broken.links == ()
    assert broken.status_reason is not None and "legend" in broken.status_reason


def test_a_table_that_is_no_log_says_why() -> None:
    doc = _load("blanks.md", "lf")
    assert doc.tables[1].reason is not None and "placeholders" in doc.tables[1].reason
    unknown = [e for e in doc.entries if e.status is U]
    assert [e.marker for e in unknown] == ["", "—"]
    assert all("marks to-do entries explicitly" in (e.status_reason or "") for e in unknown)


def test_empty_rows_are_spacers_not_entries() -> None:
    doc = studylog_md.loads("|课程|状态|\n|---|---|\n|[A](https://a.example)|TBA|\n| | |\n")
    assert [(e.title, e.status) for e in doc.entries] == [("A", T)]


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_a_phrase_toggles_whole_into_the_tables_other_spelling(variant: str) -> None:
    doc = _load("phrases.md", variant)
    before = doc.to_bytes()
    change = doc.toggle("SICP")
    # The table never writes a to-do, so "not done" is its in-progress phrase.
    assert (change.old, change.new) == ("🟢 Done", "🟠 Doing")
    assert doc.toggle("CLRS").new == "🟢 Done"
    after = doc.to_bytes()
    assert after.count(b"\r\n") == before.count(b"\r\n")
    assert after.startswith(b"\xef\xbb\xbf") == before.startswith(b"\xef\xbb\xbf")
    reread = studylog_md.load_bytes(after)
    assert [(e.title, e.status) for e in reread.entries][:2] == [("SICP", P), ("CLRS", D)]


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_a_checkbox_in_a_cell_toggles_to_its_other_state(variant: str) -> None:
    doc = _load("checkbox_cells.md", variant)
    assert doc.toggle("Intro and course overview").new == "[ ]"
    # The table's one other done spelling is now "[X]": a toggle copies what is there.
    assert doc.toggle("Sorting").new == "[X]"
    lone = studylog_md.loads("|Lecture|Done|\n|---|---|\n|[A](https://a.example)|[x]|\n")
    assert lone.toggle("A").new == "[ ]"  # not ⬜: the cell's own spelling


def test_a_custom_legend_marker_is_written_back_by_toggle() -> None:
    doc = _load("legend.md", "lf")
    assert doc.toggle("How to Code", to=P).new == "🔥"
    assert studylog_md.loads(doc.dumps()).find("How to Code").status is P

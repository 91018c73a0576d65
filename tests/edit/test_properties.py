"""Property tests (Hypothesis): untouched means identical, and an edit touches only its marker.

* Round trip: ``load_bytes(data).to_bytes() == data`` for Markdown-like bytes full of the
  things that break naive tools (pipes, escaped pipes, backticks, markers, emoji with and
  without U+FE0F, CJK, right-to-left text, CR, CRLF, a BOM, invalid UTF-8).
* Toggle locality: changing any entry's status changes exactly the marker's characters on
  one line; toggling back restores every byte.
* ``fix`` is idempotent: fixing a fixed file changes nothing.

``derandomize=True`` makes every run try the same examples, so CI is reproducible and fast.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from studylog_md import Document, EditError, EncodingError, Status, load_bytes, loads
from studylog_md.lint.engine import fix_until_stable, lint_document

FAST = settings(
    derandomize=True,
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- round trip over Markdown-like bytes -------------------------------------------------------

FRAGMENTS: list[bytes] = [
    s if isinstance(s, bytes) else s.encode("utf-8")
    for s in (
        "|",
        "\\|",
        "`",
        "``",
        " ",
        "\t",
        "\n",
        "\r\n",
        "\r",
        "---",
        "|---|---|",
        ":-:",
        "# ",
        "## ",
        "- ",
        "* ",
        "1. ",
        "> ",
        "```",
        "~~~",
        "    ",
        "- [ ] ",
        "- [x] ",
        "[ ]",
        "[x]",
        "✅",
        "⬜",
        "⬜️",
        "✔️",
        "✔",
        "❌",
        "🚧",
        ":white_check_mark:",
        "👩‍💻",
        "漢字の本",
        "שלום עולם",
        "مرحبا",
        "\u200b",
        "\u202e",
        "\u2028",
        "\x85",
        "\x0c",
        "Resource",
        "Progress",
        "Status",
        "Notes",
        "[title](https://example.com/a_(b))",
        "<https://example.com>",
        "[ref]: https://example.com",
        "<!--",
        "-->",
        "<br>",
        "<table><td>✅</td></table>",
        "&amp;",
        "*",
        "_",
        "\\",
        "[",
        "]",
        "(",
        ")",
        "!",
        "x",
        "word",
        b"\xff",
        b"\xc3",
        b"\xe2\x9c",
        b"\xed\xa0\x80",
        b"\xef\xbb\xbf",
        b"\x00",
    )
]

markdownish = st.tuples(st.booleans(), st.lists(st.sampled_from(FRAGMENTS), max_size=80)).map(
    lambda bom_parts: (b"\xef\xbb\xbf" if bom_parts[0] else b"") + b"".join(bom_parts[1])
)


@FAST
@given(markdownish)
def test_loading_and_writing_back_is_the_identity(data: bytes) -> None:
    try:
        doc = load_bytes(data)
    except EncodingError:
        return  # refused as UTF-16/32 or binary: nothing to round-trip
    assert doc.to_bytes() == data
    for entry in doc.entries:
        # Every marker span points at the marker's own characters in the source.
        if entry.marker_line >= 0:
            line = doc.lines[entry.marker_line]
            assert line[entry.marker_start : entry.marker_end] == entry.marker


@FAST
@given(st.binary(max_size=300))
def test_any_bytes_round_trip_or_are_refused_cleanly(data: bytes) -> None:
    try:
        doc = load_bytes(data)
    except EncodingError:
        return
    assert doc.to_bytes() == data


# --- generated study logs ----------------------------------------------------------------------

TITLE_CHARS = st.sampled_from(
    [
        "a",
        "Z",
        "7",
        " ",
        "é",
        "e\u0301",
        "漢",
        "字",
        "ש",
        "ל",
        "م",
        "😀",
        "✔️",
        "\\|",
        "-",
        ".",
        ":",
        "`code`",
        "**b**",
        "&amp;",
        "[link](https://example.com/x)",
    ]
)
title_text = (
    st.lists(TITLE_CHARS, min_size=1, max_size=8)
    .map("".join)
    .filter(lambda t: t.strip() != "" and not t.strip().startswith(("-", ":")))
)

DONE_SPELLINGS = ["✅", "✔️", "✔", "[x]", ":white_check_mark:", "☑"]
TODO_SPELLINGS = ["⬜", "❌", "[ ]", "☐", ":x:", ""]


@dataclass(frozen=True, slots=True)
class Log:
    """A generated study log and the spelling it uses for each status."""

    text: str
    done: str
    todo: str


@st.composite
def study_logs(draw: st.DrawFn) -> Log:
    """A log with a few sections, each with a table or a task list, in a random style."""
    done = draw(st.sampled_from(DONE_SPELLINGS))
    todo = draw(st.sampled_from(TODO_SPELLINGS))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    mixed = draw(st.booleans())
    prefix = draw(st.sampled_from(["", "> "]))
    lines: list[str] = ["# Study log", ""]
    for section in range(draw(st.integers(1, 3))):
        lines += [f"## Section {section}", ""]
        if draw(st.booleans()):
            outer = draw(st.booleans())
            pad = draw(st.sampled_from(["", " ", "  "]))

            def row(cells: list[str], outer: bool = outer, pad: str = pad) -> str:
                body = "|".join(f"{pad}{c}{pad}" for c in cells)
                return prefix + (f"|{body}|" if outer else body)

            notes = draw(st.booleans())
            header = ["Resource", "Progress"] + (["Notes"] if notes else [])
            lines.append(row(header))
            lines.append(row(["---"] * len(header)))
            for _ in range(draw(st.integers(1, 4))):
                status = done if draw(st.booleans()) else todo
                cells = [draw(title_text), status] + ([draw(title_text)] if notes else [])
                lines.append(row(cells))
        else:
            bullet = draw(st.sampled_from(["-", "*", "1."]))
            for _ in range(draw(st.integers(1, 4))):
                box = "[x]" if draw(st.booleans()) else "[ ]"
                lines.append(f"{prefix}{bullet} {box} {draw(title_text)}")
        lines.append("")
    endings = [draw(st.sampled_from(["\n", "\r\n", "\r"])) if mixed else newline for _ in lines]
    if draw(st.booleans()):
        endings[-1] = ""
    bom = "\ufeff" if draw(st.booleans()) else ""
    return Log(bom + "".join(a + b for a, b in zip(lines, endings)), done, todo)


def _flipped(status: Status) -> Status:
    return Status.TODO if status is Status.DONE else Status.DONE


def _split(text: str) -> list[str]:
    # Our own line split (str.splitlines would also split on U+2028 and friends).
    from studylog_md.document._lines import split_lines

    lines, endings = split_lines(text)
    return [a + b for a, b in zip(lines, endings)]


@FAST
@given(study_logs(), st.integers(0, 50))
def test_a_status_change_touches_only_the_marker(log: Log, pick: int) -> None:
    doc = loads(log.text)
    assert doc.dumps() == log.text.removeprefix("\ufeff")
    assume(doc.entries)
    index = pick % len(doc.entries)
    entry = doc.entries[index]
    line_index, start, end = entry.marker_line, entry.marker_start, entry.marker_end
    before_lines = _split(doc.dumps())
    try:
        change = doc.set_status(entry, _flipped(entry.status))
    except EditError:
        return  # a row without a status cell: refused, and nothing changed
    after_lines = _split(doc.dumps())
    assert len(after_lines) == len(before_lines)
    changed = [i for i, (a, b) in enumerate(zip(before_lines, after_lines)) if a != b]
    assert changed in ([], [line_index])
    if changed:
        old, new = before_lines[line_index], after_lines[line_index]
        assert new == old[:start] + change.new + old[end:]
    reread = loads(doc.dumps())
    assert [(e.title, e.line) for e in reread.entries] == [
        (e.title, e.line) for e in loads(log.text).entries
    ]
    assert reread.entries[index].status is _flipped(loads(log.text).entries[index].status)
    # The edit re-derived the document: its entries are the re-read ones, the old one is stale.
    assert [(e.title, e.status) for e in doc.entries] == [
        (e.title, e.status) for e in reread.entries
    ]
    with pytest.raises(EditError, match="before the document's last edit"):
        doc.set_status(entry, entry.status)


def _spelling_survives(doc: Document, index: int) -> bool:
    """Whether flipping back can find the original spelling (another entry still uses it)."""
    entry = doc.entries[index]
    if entry.kind == "task":
        return True
    same = [
        e for e in doc.entries if e is not entry and e.kind == "row" and e.status is entry.status
    ]
    return bool(same) or entry.marker in ("✅", "⬜")


@FAST
@given(study_logs(), st.integers(0, 50))
def test_toggling_twice_gives_back_every_byte(log: Log, pick: int) -> None:
    data = log.text.encode("utf-8")
    doc = load_bytes(data)
    assume(doc.entries)
    index = pick % len(doc.entries)
    assume(_spelling_survives(doc, index))
    status = doc.entries[index].status
    try:
        doc.set_status(doc.entries[index], _flipped(status))
    except EditError:
        return
    doc = load_bytes(doc.to_bytes())
    doc.set_status(doc.entries[index], status)
    assert doc.to_bytes() == data


@FAST
@given(study_logs())
def test_fix_is_idempotent(log: Log) -> None:
    doc = loads(log.text)
    fixed, _count = fix_until_stable(doc, "log.md")
    again = loads(fixed)
    refixed, count = fix_until_stable(again, "log.md")
    assert count == 0
    assert refixed == fixed
    # And what is left has no safe fix waiting.
    assert not [d for d in lint_document(again, "log.md") if d.fix is not None and d.fix.safe]
    # A safe fix keeps every entry's title and status, and every table row.
    assert [(e.title, e.status) for e in again.entries] == [
        (e.title, e.status) for e in doc.entries
    ]
    assert sum(1 + len(t.rows) for t in again.tables) == sum(1 + len(t.rows) for t in doc.tables)


@FAST
@given(markdownish)
def test_lint_and_fix_never_crash_on_markdownish_input(data: bytes) -> None:
    try:
        doc = load_bytes(data)
    except EncodingError:
        return
    lint_document(doc, "log.md")
    fixed, _count = fix_until_stable(doc, "log.md")
    refixed, count = fix_until_stable(loads(fixed), "log.md")
    assert (refixed, count) == (fixed, 0)

"""Edits that touch only what they must: fixtures (command, before, after) and properties."""

from __future__ import annotations

import shlex

import pytest
from dotted import read_fixtures
from shared_paths import FIXTURES

import studylog_md
from studylog_md import Status
from studylog_md.document.model import Document
from studylog_md.errors import AmbiguousQuery, EditError, NotFound

FIXTURES = FIXTURES / "edit"
CASES = [
    pytest.param(command, before, after, id=f"{line}:{title}")
    for path in sorted(FIXTURES.glob("*.md"))
    for line, title, (command, before, after) in read_fixtures(path, blocks=3)
]


def run_edit(doc: Document, command: str) -> None:
    words = shlex.split(command)
    verb, args = words[0], words[1:]
    if verb == "toggle":
        to = None
        if args[0] == "--to":
            to, args = Status(args[1]), args[2:]
        doc.toggle(" ".join(args), to=to)
    elif verb == "add":
        options: dict[str, str] = {}
        key = None
        for word in args:
            if word.startswith("--"):
                key = word[2:]
                options[key] = ""
            else:
                assert key is not None
                options[key] = (options[key] + " " + word).strip()
        doc.add_entry(
            options["section"], options["title"], url=options.get("url"), notes=options.get("notes")
        )
    else:  # pragma: no cover - a typo in a fixture
        raise AssertionError(verb)


def line_variants(text: str) -> dict[str, tuple[bytes, str]]:
    return {
        "lf": (b"", "\n"),
        "crlf": (b"", "\r\n"),
        "cr": (b"", "\r"),
        "bom": (b"\xef\xbb\xbf", "\n"),
    }


@pytest.mark.parametrize(("command", "before", "after"), CASES)
@pytest.mark.parametrize("variant", ["lf", "crlf", "bom", "no-final-newline"])
def test_edit_fixture(command: str, before: str, after: str, variant: str) -> None:
    def encode(text: str) -> bytes:
        if variant == "crlf":
            text = text.replace("\n", "\r\n")
        if variant == "no-final-newline":
            text = text.rstrip("\n")
        data = text.encode("utf-8")
        return b"\xef\xbb\xbf" + data if variant == "bom" else data

    doc = studylog_md.load_bytes(encode(before))
    run_edit(doc, command)
    assert doc.to_bytes() == encode(after)


def test_toggle_twice_restores_and_changes_one_marker(seed_bytes: bytes) -> None:
    doc = studylog_md.load_bytes(seed_bytes)
    change = doc.toggle("U-Net")
    assert (change.old, change.new, change.line) == ("⬜", "✅", 64)
    after = doc.to_bytes()
    diff = [
        i for i, (a, b) in enumerate(zip(seed_bytes.split(b"\n"), after.split(b"\n"))) if a != b
    ]
    assert diff == [63]
    doc.toggle("U-Net")
    assert doc.to_bytes() == seed_bytes


def test_ambiguous_and_unknown_queries(seed_bytes: bytes) -> None:
    doc = studylog_md.load_bytes(seed_bytes)
    with pytest.raises(AmbiguousQuery) as ambiguous:
        doc.toggle("Imperial College")
    assert [e.line for e in ambiguous.value.candidates] == [15, 16, 17]
    with pytest.raises(NotFound) as missing:
        doc.toggle("Unett")
    assert any("U-Net" in s for s in missing.value.suggestions)
    # --section narrows the search; exact beats prefix
    assert doc.find("Sequence Models").line == 35
    assert doc.find("Designing", section="System Design").line == 88
    assert doc.to_bytes() == seed_bytes


def test_add_refuses_duplicates_and_sections_without_tables(seed_bytes: bytes) -> None:
    doc = studylog_md.load_bytes(seed_bytes)
    with pytest.raises(EditError, match="already"):
        doc.add_entry("ML Papers", "Attention is all you need")
    with pytest.raises(EditError, match="already"):
        doc.add_entry("ML Papers", "Another name", url="http://arxiv.org/pdf/1706.03762v5")
    with pytest.raises(EditError, match="no study-log table"):
        doc.add_entry("Foundations", "x")
    with pytest.raises(EditError, match="no heading"):
        doc.add_entry("Nonexistent heading", "x")
    assert doc.to_bytes() == seed_bytes
    doc.add_entry("ML Papers", "Attention is all you need", allow_duplicate=True)
    assert doc.to_bytes() != seed_bytes


def _assert_one_marker_changed(before: str, after: str, entry: studylog_md.Entry, new: str) -> None:
    """Exactly one line differs, and in it only the marker's span."""
    old_lines = before.split("\n")
    new_lines = after.split("\n")
    assert len(old_lines) == len(new_lines)
    changed = [i for i, (a, b) in enumerate(zip(old_lines, new_lines)) if a != b]
    assert changed == [entry.marker_line]
    line = old_lines[entry.marker_line]
    expected = line[: entry.marker_start] + new + line[entry.marker_end :]
    assert new_lines[entry.marker_line] == expected

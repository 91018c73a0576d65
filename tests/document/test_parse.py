"""Markdown in, entries out: the dotted fixtures in ``fixtures/parse``."""

from __future__ import annotations

from pathlib import Path

import pytest
from dotted import read_fixtures
from shared_paths import FIXTURES

import studylog_md
from studylog_md import Entry

FIXTURES = FIXTURES / "parse"
CASES = [
    pytest.param(path, line, md, expected, id=f"{path.name}:{line}:{title}")
    for path in sorted(FIXTURES.glob("*.md"))
    for line, title, (md, expected) in read_fixtures(path)
]


def describe(entry: Entry) -> str:
    def show(value: str | None) -> str:
        return "-" if value is None else value

    return " | ".join(
        [
            f"{entry.line} {entry.status.value} {entry.marker}",
            entry.title,
            show(entry.url),
            " > ".join(entry.section) or "-",
            show(entry.category),
            show(entry.notes),
        ]
    )


@pytest.mark.parametrize(("path", "line", "markdown", "expected"), CASES)
def test_entries(path: Path, line: int, markdown: str, expected: str) -> None:
    doc = studylog_md.loads(markdown)
    got = "".join(describe(entry) + "\n" for entry in doc.entries)
    assert got == expected, f"{path}:{line}"
    assert doc.dumps() == markdown

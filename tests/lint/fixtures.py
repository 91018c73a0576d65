"""The linter's fixture cases (markdown-it-py's dotted format, read by ``dotted.py``).

Each case in ``tests/fixtures/lint/*.md`` is::

    title
    .
    markdown
    .
    expected findings, one ``line:col rule`` per line (none: the block is empty)
    .

and the fix fixtures in ``tests/fixtures/lint/fixes/*.md`` hold the fixed Markdown as their
second block. Cases are separated by blank lines; ``line`` points at the title in the file,
so a failure names the case to open.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dotted import read_fixtures

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "lint"


@dataclass(frozen=True, slots=True)
class Case:
    path: Path
    line: int
    title: str
    markdown: str
    expected: str

    @property
    def id(self) -> str:
        return f"{self.path.stem}:{self.line}:{self.title}"

    def findings(self) -> list[tuple[int, int, str]]:
        """The expected block as (line, column, rule) triples."""
        result: list[tuple[int, int, str]] = []
        for entry in self.expected.splitlines():
            if not entry.strip():
                continue
            position, rule = entry.split()
            line, column = position.split(":")
            result.append((int(line), int(column), rule))
        return result


def read_cases(path: Path) -> list[Case]:
    """Every case of one fixture file."""
    return [
        Case(path, line, title, markdown, expected)
        for line, title, (markdown, expected) in read_fixtures(path)
    ]


def all_cases(folder: Path) -> list[Case]:
    """The cases of every ``*.md`` file directly in ``folder``."""
    return [case for path in sorted(folder.glob("*.md")) for case in read_cases(path)]

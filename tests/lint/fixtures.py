"""A tiny reader for the linter's fixture files (markdown-it-py's dotted format).

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
    lines = path.read_text(encoding="utf-8").split("\n")
    cases: list[Case] = []
    i = 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        start, title = i + 1, lines[i]
        if i + 1 >= len(lines) or lines[i + 1] != ".":
            raise ValueError(f"{path}:{start}: expected '.' after the title {title!r}")
        i += 2
        blocks: list[str] = []
        for _ in range(2):
            chunk: list[str] = []
            while i < len(lines) and lines[i] != ".":
                chunk.append(lines[i])
                i += 1
            if i >= len(lines):
                raise ValueError(f"{path}:{start}: unterminated case {title!r}")
            i += 1
            blocks.append("".join(part + "\n" for part in chunk))
        cases.append(Case(path, start, title, blocks[0], blocks[1]))
    return cases


def all_cases(folder: Path) -> list[Case]:
    """The cases of every ``*.md`` file directly in ``folder``."""
    return [case for path in sorted(folder.glob("*.md")) for case in read_cases(path)]

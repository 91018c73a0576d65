"""A reader for fixture files in markdown-it-py's dotted format.

Each case is a title line, then blocks separated by lines holding a single ``.``::

    title
    .
    input
    .
    expected
    .

Cases are separated by blank lines. ``readfixtures`` returns (line, title, blocks...) so a
failing case points at its line in the fixture file.
"""

from __future__ import annotations

from pathlib import Path


def read_fixtures(path: Path, blocks: int = 2) -> list[tuple[int, str, list[str]]]:
    lines = path.read_text(encoding="utf-8").split("\n")
    cases: list[tuple[int, str, list[str]]] = []
    i = 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        title_line = i
        title = lines[i]
        i += 1
        if i >= len(lines) or lines[i] != ".":
            raise ValueError(f"{path}:{i + 1}: expected '.' after the title {title!r}")
        i += 1
        parts: list[str] = []
        for _ in range(blocks):
            chunk: list[str] = []
            while i < len(lines) and lines[i] != ".":
                chunk.append(lines[i])
                i += 1
            if i >= len(lines):
                raise ValueError(f"{path}:{title_line + 1}: unterminated case {title!r}")
            i += 1
            parts.append("\n".join(chunk) + ("\n" if chunk else ""))
        cases.append((title_line + 1, title, parts))
    return cases

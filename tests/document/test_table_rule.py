"""Our table rule finds exactly the tables markdown-it-py's own ``table`` rule finds.

``document/_table_rule.py`` replaces markdown-it-py's rule (which emits ~5 tokens a cell) with one
that emits a single ``table_open``/``table_close`` pair. The decisions must be the same: which
lines start a table, where it ends, and everything parsed around it. Both parsers run here with
the same options on every CommonMark and GFM spec example and every corpus file; the reference's
tokens inside a table are dropped, and the rest must match token for token (type, lines, depth).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token
from shared_paths import CORPUS, EXAMPLE, SPEC, corpus_files

from studylog_md.document import _lines
from studylog_md.document.parse import MAX_NESTING, _parser


def _reference() -> MarkdownIt:
    from mdit_py_plugins.front_matter import front_matter_plugin

    md = MarkdownIt("commonmark", {"tasklists": True, "maxNesting": MAX_NESTING})
    md.use(front_matter_plugin)
    md.enable("table")
    md.disable(["inline", "text_join"])
    return md


def _outline(tokens: list[Token]) -> list[tuple[str, tuple[int, ...] | None, int]]:
    """Tokens outside tables as (type, line map, level); a table is its open and close."""
    out: list[tuple[str, tuple[int, ...] | None, int]] = []
    depth = 0
    for token in tokens:
        if token.type == "table_close":
            depth -= 1
        if depth == 0:
            out.append((token.type, tuple(token.map) if token.map else None, token.level))
        if token.type == "table_open":
            depth += 1
    return out


def _spec_files() -> list[Path]:
    return [SPEC / n for n in ("commonmark-0.31.2-examples.json", "gfm-0.29-examples.json")]


def _text(path: Path) -> str:
    text, _bom = _lines.decode(path.read_bytes(), str(path))
    lines, _endings = _lines.split_lines(text)
    return "\n".join(lines)


OURS = _parser()
THEIRS = _reference()


def _same_tables(text: str) -> None:
    ours = _outline(OURS.parse(text, {}))
    theirs = _outline(THEIRS.parse(text, {}))
    assert ours == theirs


@pytest.mark.skipif(not SPEC.is_dir(), reason="../shared is not here (a user's clone has none)")
@pytest.mark.parametrize("path", _spec_files(), ids=lambda p: p.name.split("-")[0])
def test_spec_example_tables_match_markdown_it(path: Path) -> None:
    """Every example of the spec file at once (one test an example costs more than the parse)."""
    examples = json.loads(path.read_text(encoding="utf-8"))
    differ = [
        example["example"]
        for example in examples
        if _outline(OURS.parse(example["markdown"], {}))
        != _outline(THEIRS.parse(example["markdown"], {}))
    ]
    assert len(examples) > 600
    assert differ == []


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared is not here (a user's clone has none)")
@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_corpus_tables_match_markdown_it(path: Path) -> None:
    _same_tables(_text(path))


@pytest.mark.parametrize(
    "text",
    [
        "| a | b |\n| - | - |\n| 1 | 2 |\n",
        "| a |\n| - |\n| 1 | 2 | 3 |\n> quote\n",
        "a | b\n--|--\nx\n# heading\n| y |\n",
        "- item\n\n  | a | b |\n  |---|---|\n  | 1 | 2 |\n",
        "> | a | b |\n> |---|---|\n> | 1 | 2 |\n",
        "| a | b |\n|---|---|\n" + "| x |\n" * 40,
    ],
    ids=["plain", "ragged-then-quote", "no-pipes-then-heading", "in-list", "in-quote", "long"],
)
def test_table_shapes_match_markdown_it(text: str) -> None:
    """Always runs (no ../shared needed): the shapes the corpus is full of."""
    _same_tables(text)


def test_example_log_tables_match_markdown_it() -> None:
    _same_tables(_text(EXAMPLE))


def test_a_difference_is_seen() -> None:
    """The comparison can fail: a table the reference finds is missing when we drop our rule."""
    md = _parser.__wrapped__()  # a fresh parser: the cached one is shared by every test
    md.disable("table")
    text = "| a | b |\n| - | - |\n| 1 | 2 |\n"
    assert _outline(md.parse(text, {})) != _outline(THEIRS.parse(text, {}))

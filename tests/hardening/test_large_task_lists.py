"""Big task lists cost what table rows cost (issue 17, item 11), with the same tokens.

The speed comes from a shortcut for one-line task items (``document/_fast_items.py``); the
tests here check that the shortcut changes nothing markdown-it-py decides (token streams equal
with and without it, over generated lists, the fixtures and the shared corpus) and that a
task list of a million lines is read completely by real commands within the deadline. The
timings themselves are in ``benchmarks/run.py`` (the ``task list`` rows).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shared_paths import CORPUS

from studylog_md import loads
from studylog_md.document._fast_items import expand_run
from studylog_md.document._inline import normalize_label
from studylog_md.document._lines import split_lines
from studylog_md.document.markers import DEFAULT_VOCABULARY
from studylog_md.document.model import Document
from studylog_md.document.parse import _Builder, make_parser

from ._cli import run_cli

FAST = make_parser()
PLAIN = make_parser(fast_items=False)
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _tokens(text: str, fast: bool) -> list[tuple[object, ...]]:
    tokens: list[Any] = []
    lines = text.split("\n")
    for token in (FAST if fast else PLAIN).parse(text, {}):
        # A run of task items is one token standing for five per item: compare those.
        tokens += expand_run(token, lines) if token.type == "task_run" else [token]
    return [
        (
            t.type,
            t.tag,
            t.nesting,
            t.map,
            t.content,
            t.markup,
            t.info,
            t.meta,
            t.hidden,
            t.level,
            t.attrs,
            t.children,
            t.block,
        )
        for t in tokens
    ]


def assert_same_tokens(text: str) -> None:
    assert _tokens(text, True) == _tokens(text, False), repr(text[:300])


# Lines that make list items and everything that could end, continue or nest them.
_LINE = st.one_of(
    st.builds(
        "{}{}{}{}{}".format,
        st.sampled_from(["", " ", "  ", "   ", "    ", "\t", "     "]),
        st.sampled_from(["-", "*", "+", "1.", "2)", "10."]),
        st.sampled_from([" ", "  ", "    ", "     ", "\t", ""]),
        st.sampled_from(["[ ] ", "[x] ", "[X] ", "[ ]", "[]", "[ x] ", "[x]\t", "[ ]  ", ""]),
        st.sampled_from(
            [
                "Read it",
                "é accent",
                "3 chapters",
                "1. nested",
                "2) nested",
                "# heading",
                "> quote",
                "---",
                "***",
                "```",
                "~~~",
                "<div>",
                "[x]: /ref",
                "|a|b|",
                "- inner",
                "",
                "  spaced",
                "Read *it* `now` [l](u)",
            ]
        ),
    ),
    st.sampled_from(
        ["", "   ", "lazy text", "  indented more", "===", "---", "# Heading", "|a|b|", "|-|-|"]
    ),
)


# A run of one-line task items long enough for the run shortcut (``MIN_RUN``), its marker,
# indentation and checkboxes varied.
_RUN = st.builds(
    lambda indent, marker, count, checks: [
        f"{indent}{marker} [{'x' if check else ' '}] Item {i}"
        for i, check in zip(range(count), checks * count, strict=False)
    ],
    st.sampled_from(["", " ", "   "]),
    st.sampled_from(["-", "*", "+"]),
    st.integers(14, 22),
    st.lists(st.booleans(), min_size=1, max_size=3),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_LINE, min_size=1, max_size=12))
def test_the_shortcut_gives_markdown_it_pys_tokens(lines: list[str]) -> None:
    assert_same_tokens("\n".join(lines) + "\n")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(_LINE, max_size=4),
    _RUN,
    st.lists(_LINE, max_size=6),
    st.sampled_from(["", "> ", "  ", "- "]),
)
def test_the_run_shortcut_gives_markdown_it_pys_tokens(
    before: list[str], run: list[str], after: list[str], prefix: str
) -> None:
    lines = [*before, *run, *after]
    # Also inside a blockquote, indented under a list item, or as a nested list.
    text = "\n".join(lines if not prefix else [lines[0], *(prefix + line for line in lines)])
    assert_same_tokens(text + "\n")


@pytest.mark.parametrize(
    "text",
    [
        "- [ ] a\n- [x] b\n- [ ] c\n",
        "- [ ] a\n\n- [x] b\n",  # loose
        "- [ ] a\n  - [ ] nested\n- [ ] b\n",
        "- [ ] a\nlazy\n- [ ] b\n",
        "- [ ] a\n* [ ] other marker\n",
        "> - [ ] a\n> - [ ] b\n",
        "1. [ ] a\n2. [x] b\n",
        "- [ ] a\n- [ ]\n- [ ] c\n",
        "  - [ ] a\n   - [ ] b\n - [ ] c\n",
        "- [ ] a\n    - [ ] four spaces\n",
        "- [ ] a\n- [ ] 1. b\n",
    ],
)
def test_the_shortcut_on_known_shapes(text: str) -> None:
    assert_same_tokens(text)


def _documents(text: str) -> tuple[Document, Document]:
    """``text`` read as usual, and read from the plain parser's tokens (no shortcut)."""
    fast = loads(text)
    lines, endings = split_lines(text)
    plain = Document(lines=lines, endings=endings, vocabulary=DEFAULT_VOCABULARY)
    env: dict[str, Any] = {}
    tokens = PLAIN.parse("\n".join(lines), env)
    plain.generation.references = {  # as build() does
        normalize_label(label): ref["href"] for label, ref in env.get("references", {}).items()
    }
    _Builder(plain, DEFAULT_VOCABULARY).run(tokens)
    return fast, plain


def assert_same_document(text: str) -> None:
    fast, plain = _documents(text)
    assert [e.to_dict() for e in fast.entries] == [e.to_dict() for e in plain.entries]
    assert fast.blocks == plain.blocks
    assert [s.path for s in fast.sections] == [s.path for s in plain.sections]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(_LINE, max_size=3),
    _RUN,
    st.lists(_LINE, max_size=4),
    st.sampled_from(["", "> ", "- [ ] Parent\n  "]),
)
def test_the_run_shortcut_gives_the_same_document(
    before: list[str], run: list[str], after: list[str], prefix: str
) -> None:
    body = "\n".join([*before, *run, *after])
    if prefix:
        head, _, indent = prefix.rpartition("\n")
        body = (head + "\n" if head else "") + "\n".join(indent + line for line in body.split("\n"))
    assert_same_document("# Log\n\n" + body + "\n")


def _check_files(files: list[Path]) -> None:
    assert files
    for path in files:
        text = path.read_bytes().decode("utf-8", "replace").replace("\ufeff", "")
        assert_same_tokens(text)
        assert_same_document(text)


def test_the_shortcut_on_the_fixtures() -> None:
    _check_files(sorted(FIXTURES.rglob("*.md")))


@pytest.mark.slow
def test_the_shortcut_on_the_corpus() -> None:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not here")
    _check_files(sorted(CORPUS.rglob("*.md")))


@pytest.mark.slow
def test_a_million_line_task_list_is_read_whole(tmp_path: Path) -> None:
    lines = ["# Tasks", ""]
    # 14 bytes a line, 14 MB in all: under the default limit, as in the issue.
    lines += [f"- [{'x' if i % 3 == 0 else ' '}] t{i:06d}" for i in range(1_000_000)]
    log = tmp_path / "tasks.md"
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = run_cli("stats", "--format", "json", str(log), timeout=120)
    assert done.returncode == 0, done.describe()
    assert '"done": 333334' in done.stdout and '"todo": 666666' in done.stdout, done.describe()
    toggled = run_cli("toggle", str(log), "t999999", timeout=120)
    assert toggled.returncode == 0, toggled.describe()
    assert log.read_bytes().endswith(b"- [ ] t999999\n")  # it was done (999999 % 3 == 0)

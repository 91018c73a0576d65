"""Big task lists cost what table rows cost (issue 17, item 11), with the same tokens.

The speed comes from a shortcut for one-line task items (``document/_fast_items.py``); the
tests here check that the shortcut changes nothing markdown-it-py decides (token streams equal
with and without it, over generated lists, the fixtures and the shared corpus) and that a
task list of a million lines is read completely by real commands within the deadline. The
timings themselves are in ``benchmarks/run.py`` (the ``task list`` rows).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shared_paths import CORPUS

from studylog_md.document.parse import make_parser

from ._cli import run_cli

FAST = make_parser()
PLAIN = make_parser(fast_items=False)
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _tokens(text: str, fast: bool) -> list[tuple[object, ...]]:
    tokens = (FAST if fast else PLAIN).parse(text, {})
    return [
        (t.type, t.tag, t.nesting, t.map, t.content, t.markup, t.info, t.meta, t.hidden, t.level)
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


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_LINE, min_size=1, max_size=12))
def test_the_shortcut_gives_markdown_it_pys_tokens(lines: list[str]) -> None:
    assert_same_tokens("\n".join(lines) + "\n")


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


def _markdown_files() -> list[Path]:
    files = sorted(FIXTURES.rglob("*.md"))
    if CORPUS.is_dir():
        files += sorted(CORPUS.rglob("*.md"))
    return files


def test_the_shortcut_on_the_fixtures_and_the_corpus() -> None:
    files = _markdown_files()
    assert files
    for path in files:
        assert_same_tokens(path.read_bytes().decode("utf-8", "replace").replace("\ufeff", ""))


@pytest.mark.slow
def test_a_million_line_task_list_is_read_whole(tmp_path: Path) -> None:
    lines = ["# Tasks", ""]
    lines += [f"- [{'x' if i % 3 == 0 else ' '}] Task number {i}" for i in range(1_000_000)]
    log = tmp_path / "tasks.md"
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = run_cli("stats", "--format", "json", str(log), timeout=120)
    assert done.returncode == 0, done.describe()
    assert '"done": 333334' in done.stdout and '"todo": 666666' in done.stdout, done.describe()
    toggled = run_cli("toggle", str(log), "Task number 999999", timeout=120)
    assert toggled.returncode == 0, toggled.describe()
    assert log.read_bytes().endswith(b"- [x] Task number 999999\n")

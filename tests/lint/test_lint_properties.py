"""Properties of fixes on generated tables: they converge, and they touch only their lines."""

from __future__ import annotations

import difflib

from hypothesis import given, settings
from hypothesis import strategies as st

import studylog_md
from studylog_md.lint.engine import apply_fixes, fix_until_stable, lint_document

CELLS = st.sampled_from(
    [
        "",
        " ",
        "[A](https://a.example)",
        "[A](https://a.example/?utm_source=x)",
        "[B](https://b.example)",
        "✅",
        "⬜",
        "✔",
        "✔️",
        ":pencil2",
        "note",
        "`a|b`",
        "[c|d](https://c.example)",
    ]
)


@st.composite
def documents(draw: st.DrawFn) -> str:
    columns = draw(st.integers(min_value=2, max_value=4))
    header = ["Resource", "Progress", "Notes", "Format"][:columns]
    outer = draw(st.booleans())
    pad = draw(st.sampled_from(["", " "]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))

    def row(cells: list[str]) -> str:
        inner = f"{pad}|{pad}".join(cells)
        return f"|{pad}{inner}{pad}|" if outer else inner

    lines = [row(header), row(["---"] * columns)]
    for cells in draw(st.lists(st.lists(CELLS, min_size=1, max_size=columns + 2), max_size=6)):
        lines.append(row(cells) if any(c.strip() for c in cells) else row(["x", *cells]))
    if draw(st.booleans()):
        lines.append("A closing line glued under the table.")
    return newline.join(lines) + newline


def _changed(before: str, after: str) -> set[int]:
    old, new = before.split("\n"), after.split("\n")
    found: set[int] = set()
    for tag, i1, i2, _, _ in difflib.SequenceMatcher(a=old, b=new).get_opcodes():
        if tag != "equal":
            found.update(range(i1, max(i2, i1 + 1)))
    return found


@settings(max_examples=150, deadline=None)
@given(documents())
def test_fixes_converge_and_touch_only_their_lines(text: str) -> None:
    doc = studylog_md.loads(text)
    found = lint_document(doc, "<generated>")
    once, _ = apply_fixes(doc, found, unsafe=True)
    lines = {doc.position(r.start)[0] for d in found if d.fix for r in d.fix.replacements}
    # Every line no fix starts on survives, in order (a fix may insert a blank line, so line
    # numbers after it move; a diff could pair the blank lines either way).
    kept = [line for index, line in enumerate(text.split("\n")) if index not in lines]
    rest = iter(once.split("\n"))
    assert all(any(line == candidate for candidate in rest) for line in kept)
    if not any(r.new.count("\n") for d in found if d.fix for r in d.fix.replacements):
        assert _changed(text, once) <= lines
    final, _ = fix_until_stable(doc, "<generated>", unsafe=True)
    again = studylog_md.loads(final)
    assert fix_until_stable(again, "<generated>", unsafe=True) == (final, 0)
    # Whatever column-count could fix is fixed: the rows left are the ones with content
    # GitHub drops (or shifted rows), which are the author's to decide.
    for diagnostic in lint_document(again, "<generated>"):
        assert diagnostic.fix is None


def _rendered_rows(text: str) -> int:
    """Table rows as markdown-it-py's own GFM table rule renders them (not our table rule)."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    return sum(1 for token in tokens if token.type == "tr_open")


@settings(max_examples=200, deadline=None)
@given(documents())
def test_a_safe_fix_keeps_every_entry_and_the_rendered_table_rows(text: str) -> None:
    doc = studylog_md.loads(text)
    before = [(e.title, e.status) for e in doc.entries]
    # The fixes as the rules classify them (no verification on this path)...
    once, _ = apply_fixes(doc, lint_document(doc, "<generated>"))
    # ... and the verified path `fix` takes, to a fixed point.
    final, _ = fix_until_stable(doc, "<generated>")
    for fixed in (once, final):
        after = studylog_md.loads(fixed)
        assert [(e.title, e.status) for e in after.entries] == before
        assert _rendered_rows(fixed) == _rendered_rows(doc.dumps())

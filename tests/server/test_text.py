"""Positions in code units, incremental changes, minimal edits (no server process)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from studylog_md.server.text import (
    UTF8,
    UTF16,
    UTF32,
    LineIndex,
    Spot,
    apply_change,
    changes_between,
)


def test_utf16_counts_an_astral_character_twice() -> None:
    line = "|📚 [A](https://a.example)|✅|"
    index = LineIndex(line + "\n")
    marker = line.index("✅")
    assert index.spot(marker, UTF16) == Spot(0, marker + 1)  # 📚 is two UTF-16 units
    assert index.spot(marker, UTF32) == Spot(0, marker)
    assert index.spot(marker, UTF8) == Spot(0, len(line[:marker].encode("utf-8")))
    assert index.offset(Spot(0, marker + 1), UTF16) == marker


def test_only_lsp_line_breaks_split_lines() -> None:
    text = "a\u2028b\x0cc\r\nd\re\nf"
    index = LineIndex(text)
    assert index.line_count == 4
    assert [index.line_text(n) for n in range(4)] == ["a\u2028b\x0cc", "d", "e", "f"]
    assert index.offset(Spot(1, 0), UTF16) == text.index("d")


def test_an_incremental_change_inserts_a_line() -> None:
    text = "# T\r\n|a|✅|\r\n"
    assert apply_change(text, Spot(2, 0), Spot(2, 0), "|b|⬜|\r\n", UTF16) == text + "|b|⬜|\r\n"
    assert apply_change(text, Spot(1, 3), Spot(1, 4), "⬜", UTF16) == "# T\r\n|a|⬜|\r\n"


def test_a_toggle_is_one_edit_of_one_marker() -> None:
    before = "# T\n|a|⬜|\n" * 2000
    after = before.replace("⬜", "✅", 1)
    assert changes_between(before, after) == [(7, 8, "✅")]


def test_an_edge_between_cr_and_lf_is_widened() -> None:
    (change,) = changes_between("a\r\nb", "a\nb")
    assert (change.start, change.end) == (1, 3) and change.new == "\n"


@given(st.text(alphabet="ab\r\n✅📚", max_size=40), st.text(alphabet="ab\r\n✅📚", max_size=40))
def test_changes_turn_one_text_into_the_other(before: str, after: str) -> None:
    text = before
    for change in sorted(changes_between(before, after), reverse=True):
        text = text[: change.start] + change.new + text[change.end :]
    assert text == after


@given(st.text(alphabet="ab\r\n✅📚", max_size=60), st.data())
def test_offsets_and_positions_round_trip(text: str, data: st.DataObject) -> None:
    index = LineIndex(text)
    offset = data.draw(st.integers(0, len(text)))
    if offset and text[offset - 1 : offset + 1] == "\r\n":
        offset -= 1  # not a position: between the two characters of one line break
    for encoding in (UTF8, UTF16, UTF32):
        assert index.offset(index.spot(offset, encoding), encoding) == offset

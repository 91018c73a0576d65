"""Rules on the file's text that fixture files cannot show: bytes and invisible characters."""

from __future__ import annotations

import studylog_md
from studylog_md.lint.engine import LintOptions, apply_fixes, lint_document

SUSPICIOUS = LintOptions(select=frozenset({"suspicious-characters"}))


def _found(text: str) -> list[tuple[int, int, str]]:
    doc = studylog_md.loads(text)
    return [
        (d.line, d.column, d.message.split(" in this")[0])
        for d in lint_document(doc, "x.md", SUSPICIOUS)
    ]


def test_invalid_utf8_reports_each_run_of_bad_bytes() -> None:
    data = b"# Log\n\n|Resource|Progress|\n|---|---|\n|Caf" + b"\xe9 \xff\xfe|\xe2\x9c\x85|\n"
    doc = studylog_md.load_bytes(data, path="log.md")
    found = lint_document(doc, "log.md")
    assert [(d.line, d.column, d.rule) for d in found] == [
        (5, 5, "invalid-utf8"),
        (5, 7, "invalid-utf8"),
    ]
    assert found[0].message.startswith("1 byte that is not valid UTF-8")
    assert found[1].message.startswith("2 bytes that are not valid UTF-8")
    assert found[0].fix is None


def test_zero_width_space_in_a_title_url_and_heading() -> None:
    text = (
        "## Read\u200bing\n"
        "\n"
        "- [ ] [Object-Oriente\u200bd Software](https://a.example)\n"
        "- [ ] [Copy](h\u200b\u200bttp://www.example.com)\n"
    )
    assert _found(text) == [
        (1, 8, "invisible character U+200B ZERO WIDTH SPACE"),
        (3, 22, "invisible character U+200B ZERO WIDTH SPACE"),
        (4, 15, "invisible character U+200B ZERO WIDTH SPACE"),
        (4, 16, "invisible character U+200B ZERO WIDTH SPACE"),
    ]


def test_joiners_that_shape_words_or_emoji_are_text() -> None:
    persian = "- [ ] چک\u200cلیست امنیتی\n"  # ZWNJ between Persian letters
    bengali = "- [ ] র\u200c্যাম\n"  # ZWNJ before a Bengali vowel sign
    emoji = "- [ ] 👨\u200d💻 Coding\n"  # a ZWJ emoji sequence
    spaced = "- [ ] و \u200d`X-AspNet-Version`\n"  # a stray ZWJ in Persian prose: harmless
    for text in (persian, bengali, emoji, spaced):
        assert _found(text) == [], text


def test_joiners_inside_latin_words_or_at_the_edges_are_reported() -> None:
    assert _found("- [ ] Data\u200cbase\n") == [
        (1, 11, "invisible character U+200C ZERO WIDTH NON-JOINER")
    ]
    assert _found("- [ ] Database\u200d\n") == [
        (1, 15, "invisible character U+200D ZERO WIDTH JOINER")
    ]


def test_direction_marks_are_fine_in_right_to_left_text_only() -> None:
    assert _found("- [ ] كتاب\u200f (PDF)\n") == []
    assert _found("- [ ] Book\u200f (PDF)\n") == [
        (1, 11, "invisible character U+200F RIGHT-TO-LEFT MARK")
    ]


def test_bidi_overrides_and_a_stray_bom_are_reported() -> None:
    found = _found("|Resource|Progress|\n|---|---|\n|abc\u202edef|✅|\n|x\ufeffy|⬜|\n")
    assert [(line, column) for line, column, _ in found] == [(3, 5), (4, 3)]
    assert "U+202E" in found[0][2]
    assert "U+FEFF" in found[1][2]


def test_fix_removes_zero_width_spaces_only() -> None:
    doc = studylog_md.loads("- [ ] A\u200bB \u202e C\n")
    found = lint_document(doc, "x.md", SUSPICIOUS)
    assert [d.fix is not None for d in found] == [True, False]
    # In a title the removal changes the entry's text: an unsafe fix.
    assert apply_fixes(doc, found) == (doc.dumps(), 0)
    assert apply_fixes(doc, found, unsafe=True) == ("- [ ] AB \u202e C\n", 1)


def test_a_leading_bom_is_not_text() -> None:
    assert _found("\ufeff# Title\n\n- [ ] Item\n") == []

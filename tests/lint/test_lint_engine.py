"""The engine: the registry, rule selection, ordering, fixes and their overlaps."""

from __future__ import annotations

import re

import pytest

import studylog_md
from studylog_md.document.replace import Replacement
from studylog_md.errors import ConfigError, EncodingError
from studylog_md.lint.diagnostic import Diagnostic, Fix, Severity
from studylog_md.lint.engine import (
    LintOptions,
    apply_fixes,
    fix_until_stable,
    lint_bytes_error,
    lint_document,
)
from studylog_md.lint.registry import RULES, rule_by_code_or_name

MESSY = (
    "|Resource|Progress|Notes|\n"
    "|---|---|---|\n"
    "|[A](https://a.example/x?utm_source=news)|✅|\n"
    "|[B](https://b.example)|✔|x||\n"
    "|[A](https://c.example)|✅|y|\n"
    "[broken]()\n"
)


def _rules(found: list[Diagnostic]) -> list[tuple[int, str]]:
    return [(d.line, d.rule) for d in found]


def test_registry_codes_and_names_are_stable_and_unique() -> None:
    codes = [meta.code for meta in RULES.values()]
    assert len(set(codes)) == len(codes) == len(RULES)
    assert all(re.fullmatch(r"SL\d{3}", code) for code in codes)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name) for name in RULES)
    assert RULES["column-count"].code == "SL001"
    assert RULES["duplicate-url"].code == "SL010"
    assert RULES["tracking-params"].fixable and not RULES["broken-link"].fixable
    for name, meta in RULES.items():
        assert meta.name == name
        assert meta.summary.endswith(".")
        assert isinstance(meta.severity, Severity)


def test_rule_lookup_by_code_or_name() -> None:
    assert rule_by_code_or_name("column-count") is RULES["column-count"]
    assert rule_by_code_or_name("SL001") is RULES["column-count"]
    assert rule_by_code_or_name(" sl001 ") is RULES["column-count"]
    assert rule_by_code_or_name("no-such-rule") is None


def test_findings_are_sorted_by_line_column_code() -> None:
    found = lint_document(studylog_md.loads(MESSY), "log.md")
    keys = [(d.line, d.column, d.code) for d in found]
    assert keys == sorted(keys)
    assert _rules(found) == [
        (3, "tracking-params"),
        (3, "column-count"),
        (4, "inconsistent-marker"),
        (4, "column-count"),
        (5, "duplicate-title"),
        (6, "row-without-pipes"),
        (6, "empty-link"),
    ]
    assert all(d.path == "log.md" for d in found)


def test_select_and_ignore_take_names_and_codes() -> None:
    doc = studylog_md.loads(MESSY)
    only = lint_document(doc, "log.md", LintOptions(select=frozenset({"SL001", "empty-link"})))
    assert {d.rule for d in only} == {"column-count", "empty-link"}
    rest = lint_document(doc, "log.md", LintOptions(ignore=frozenset({"column-count", "SL013"})))
    assert {d.rule for d in rest} == {
        "tracking-params",
        "inconsistent-marker",
        "duplicate-title",
        "row-without-pipes",
    }


def test_unknown_rule_in_options_is_a_config_error() -> None:
    doc = studylog_md.loads(MESSY)
    with pytest.raises(ConfigError, match="no-such-rule"):
        lint_document(doc, "log.md", LintOptions(ignore=frozenset({"no-such-rule"})))


def test_a_file_without_tables_gets_only_the_rules_that_apply() -> None:
    doc = studylog_md.loads("# Notes\n\nSee [x](https://x.example?fbclid=1) and [y]().\n")
    assert not doc.tables
    assert _rules(lint_document(doc, "notes.md")) == [(3, "tracking-params"), (3, "empty-link")]


def test_empty_document() -> None:
    assert lint_document(studylog_md.loads(""), "empty.md") == []


def test_lint_bytes_error_is_a_finding() -> None:
    with pytest.raises(EncodingError) as info:
        studylog_md.load_bytes("# Log\n".encode("utf-16"), path="log.md")
    finding = lint_bytes_error("log.md", info.value)
    assert (finding.line, finding.column, finding.rule, finding.code) == (
        1,
        1,
        "unreadable-file",
        RULES["unreadable-file"].code,
    )
    assert finding.severity is Severity.ERROR
    assert finding.message.startswith("the file is UTF-16")


def _fixing(start: int, end: int, new: str) -> Diagnostic:
    fix = Fix("f", (Replacement(start, end, new),))
    return Diagnostic("x", 1, 1, "SL000", "a", Severity.ERROR, "m", fix)


def test_apply_fixes_first_wins_and_the_rest_waits() -> None:
    doc = studylog_md.loads("abcdef\n")
    first = Diagnostic(
        "x", 1, 1, "SL000", "a", Severity.ERROR, "m", Fix("f", (Replacement(0, 3, "X"),))
    )
    overlap = Diagnostic(
        "x", 1, 2, "SL000", "a", Severity.ERROR, "m", Fix("f", (Replacement(2, 4, "Y"),))
    )
    beside = Diagnostic(
        "x", 1, 5, "SL000", "a", Severity.ERROR, "m", Fix("f", (Replacement(3, 3, "+"),))
    )
    point = Diagnostic(
        "x", 1, 5, "SL000", "a", Severity.ERROR, "m", Fix("f", (Replacement(3, 3, "-"),))
    )
    inside = Diagnostic(
        "x", 1, 5, "SL000", "a", Severity.ERROR, "m", Fix("f", (Replacement(1, 1, "!"),))
    )
    text, count = apply_fixes(doc, [first, overlap, beside, point, inside])
    # "abc" -> "X"; "cd" overlaps it; "+" is inserted where "X" ends; a second insertion at
    # the same point and one inside "abc" wait for the next run.
    assert (text, count) == ("X+def\n", 2)


def test_apply_fixes_ignores_findings_without_fixes_and_duplicates() -> None:
    doc = studylog_md.loads("abc\n")
    fix = Fix("f", (Replacement(0, 1, "A"),))
    same = [Diagnostic("x", 1, i, "SL000", "a", Severity.INFO, "m", fix) for i in (1, 2)]
    plain = Diagnostic("x", 1, 1, "SL000", "a", Severity.INFO, "m")
    assert apply_fixes(doc, [plain, *same]) == ("Abc\n", 1)
    assert apply_fixes(doc, [plain]) == ("abc\n", 0)


def test_fixes_keep_crlf_and_bom() -> None:
    data = "\ufeff|Resource|Progress|Notes|\r\n|---|---|---|\r\n|[A](https://a.example)|✅|\r\n"
    doc = studylog_md.loads(data)
    text, count = apply_fixes(doc, lint_document(doc, "log.md"))
    assert count == 1
    assert text == "|Resource|Progress|Notes|\r\n|---|---|---|\r\n|[A](https://a.example)|✅||\r\n"
    assert doc.bom


def test_row_without_pipes_fix_uses_the_file_newline() -> None:
    doc = studylog_md.loads("|A|B|\r\n|-|-|\r\n|1|2|\r\ntext\r\n")
    found = lint_document(doc, "log.md")
    # Unsafe (the line leaves the table): listed, applied only when asked.
    assert apply_fixes(doc, found) == (doc.dumps(), 0)
    text, count = apply_fixes(doc, found, unsafe=True)
    assert (text, count) == ("|A|B|\r\n|-|-|\r\n|1|2|\r\n\r\ntext\r\n", 1)


def test_fix_until_stable_reaches_a_fixed_point() -> None:
    doc = studylog_md.loads(MESSY)
    text, count = fix_until_stable(doc, "log.md")
    assert count >= 4
    again = studylog_md.loads(text)
    assert fix_until_stable(again, "log.md") == (text, 0)
    assert not [d for d in lint_document(again, "log.md") if d.fix is not None and d.fix.safe]
    text, count = fix_until_stable(again, "log.md", unsafe=True)
    assert count >= 1
    final = studylog_md.loads(text)
    assert fix_until_stable(final, "log.md", unsafe=True) == (text, 0)
    assert not [d for d in lint_document(final, "log.md") if d.fix is not None]

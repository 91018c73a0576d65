"""Markdown in, findings out: the dotted fixtures in ``tests/fixtures/lint``.

Every rule has a bad case (a finding at an exact line:column) and a good one (nothing).
The fix fixtures in ``tests/fixtures/lint/fixes`` give the Markdown after ``apply_fixes``.
"""

from __future__ import annotations

import pytest

import studylog_md
from studylog_md.lint.engine import LintOptions, apply_fixes, lint_document
from studylog_md.lint.registry import RULES

from .fixtures import FIXTURES, Case, all_cases

CASES = all_cases(FIXTURES)
FIX_CASES = all_cases(FIXTURES / "fixes")
OPTIONS = LintOptions(repo_root=FIXTURES)


def _lint(case: Case) -> list[tuple[int, int, str]]:
    doc = studylog_md.loads(case.markdown, path=str(case.path))
    return [(d.line, d.column, d.rule) for d in lint_document(doc, str(case.path), OPTIONS)]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_findings(case: Case) -> None:
    assert _lint(case) == case.findings(), f"{case.path}:{case.line}: {case.title}"


def test_every_rule_has_a_bad_and_a_good_case() -> None:
    # unreadable-file has no document to lint; invalid-utf8 and suspicious-characters need
    # bytes a UTF-8 fixture file cannot show (test_lint_text.py covers them).
    untestable = {"unreadable-file", "invalid-utf8", "suspicious-characters"}
    # online rules need a server: tests/linkcheck/test_online_findings.py
    untestable |= {"dead-link", "unverifiable-link", "redirected-link", "link-not-checked"}
    # two files of one run: tests/cli/test_workspace.py
    untestable.add("duplicate-across-files")
    for rule in set(RULES) - untestable:
        mine = [case for case in CASES if case.title.startswith(rule + ":")]
        assert any(rule in {r for _, _, r in case.findings()} for case in mine), rule
        assert any(rule not in {r for _, _, r in case.findings()} for case in mine), rule


@pytest.mark.parametrize("case", FIX_CASES, ids=[c.id for c in FIX_CASES])
def test_fixes(case: Case) -> None:
    doc = studylog_md.loads(case.markdown, path=str(case.path))
    found = lint_document(doc, str(case.path), OPTIONS)
    text, count = apply_fixes(doc, found)
    assert text == case.expected, f"{case.path}:{case.line}: {case.title}"
    assert count == sum(1 for d in found if d.fix is not None)
    # Fixing the result again changes nothing: the fixed findings are gone.
    again = studylog_md.loads(text, path=str(case.path))
    remaining = lint_document(again, str(case.path), OPTIONS)
    assert not [d for d in remaining if d.fix is not None]
    assert apply_fixes(again, remaining) == (text, 0)

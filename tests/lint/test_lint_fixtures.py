"""Markdown in, findings out: the dotted fixtures in ``tests/fixtures/lint``.

Every rule has a bad case (a finding at an exact line:column) and a good one (nothing).
The fix fixtures in ``tests/fixtures/lint/fixes`` give the Markdown after ``apply_fixes``.
"""

from __future__ import annotations

import re

import pytest

import studylog_md
from studylog_md.lint.engine import LintOptions, apply_fixes, fix_until_stable, lint_document
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


VARIANTS = {
    # name: (prefix the file starts with, line ending)
    "lf": ("", "\n"),
    "crlf": ("", "\r\n"),
    "bom": ("\ufeff", "\n"),
}


def _declared_class(title: str) -> set[str]:
    """A fix case's title ends in ``[safe]`` or ``[unsafe]``; no tag: no fix at all."""
    match = re.search(r"\[(safe|unsafe)\]$", title)
    return {match.group(1)} if match else set()


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("case", FIX_CASES, ids=[c.id for c in FIX_CASES])
def test_fixes(case: Case, variant: str) -> None:
    """bad → fixed, in LF, CRLF and with a BOM; the fix's class is the one the title says."""
    prefix, newline = VARIANTS[variant]
    markdown = prefix + case.markdown.replace("\n", newline)
    expected = case.expected.replace("\n", newline)
    doc = studylog_md.loads(markdown, path=str(case.path))
    found = lint_document(doc, str(case.path), OPTIONS)
    fixes = [d.fix for d in found if d.fix is not None]
    where = f"{case.path}:{case.line}: {case.title}"
    assert {fix.applicability for fix in fixes} == _declared_class(case.title), where
    unsafe = any(not fix.safe for fix in fixes)
    text, count = apply_fixes(doc, found, unsafe=unsafe)
    assert text == expected, where
    assert count == len(fixes)
    if unsafe:
        # Without --unsafe-fixes an unsafe fix is listed but never applied.
        assert apply_fixes(doc, found) == (doc.dumps(), 0)
    # The verified path (what `fix` runs) gives the same text.
    assert fix_until_stable(doc, str(case.path), OPTIONS, unsafe=unsafe)[0] == expected, where
    # Fixing the result again changes nothing: the fixed findings are gone.
    again = studylog_md.loads(prefix + text, path=str(case.path))
    remaining = lint_document(again, str(case.path), OPTIONS)
    assert not [d for d in remaining if d.fix is not None]
    assert apply_fixes(again, remaining, unsafe=True) == (text, 0)

"""The user's own log: exactly the findings it has, and fixes that remove them."""

from __future__ import annotations

from datetime import datetime, timezone

import studylog_md
from studylog_md.lint.diagnostic import Severity
from studylog_md.lint.engine import LintOptions, apply_fixes, lint_document

EXPECTED = [
    (15, "column-count"),
    (16, "column-count"),
    (17, "duplicate-title"),
    (17, "duplicate-url"),
    (17, "column-count"),
    (53, "column-count"),
    (54, "tracking-params"),
    (66, "expiring-url"),
]


def test_seed_findings_exactly(seed_bytes: bytes) -> None:
    doc = studylog_md.load_bytes(seed_bytes, path="STUDY_LOG.md")
    found = lint_document(doc, "STUDY_LOG.md")
    assert [(d.line, d.rule) for d in found] == EXPECTED


def test_seed_messages_say_what_to_do(seed_bytes: bytes) -> None:
    doc = studylog_md.load_bytes(seed_bytes, path="STUDY_LOG.md")
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    found = {(d.line, d.rule): d for d in lint_document(doc, "STUDY_LOG.md", LintOptions(now=now))}
    assert "add 1 empty cell at the end" in found[15, "column-count"].message
    assert "'Notes' column" in found[15, "column-count"].message
    assert "line 15" in found[17, "duplicate-title"].message
    assert "line 16" in found[17, "duplicate-url"].message
    assert "remove the 1 empty cell at the end" in found[53, "column-count"].message
    assert "utm_campaign" in found[54, "tracking-params"].message
    assert "expired on 2025-02-20" in found[66, "expiring-url"].message
    # Columns point at the offending cell: line 53's extra pipe, line 54's URL.
    assert doc.lines[52][found[53, "column-count"].column - 1 :] == "||"
    assert doc.lines[53][found[54, "tracking-params"].column - 1 :].startswith("https://arxiv")
    assert all(d.severity is Severity.WARNING for d in found.values())


def test_seed_expiry_in_the_future_says_expires(seed_bytes: bytes) -> None:
    doc = studylog_md.load_bytes(seed_bytes, path="STUDY_LOG.md")
    then = datetime(2025, 1, 1, tzinfo=timezone.utc)
    found = lint_document(doc, "STUDY_LOG.md", LintOptions(now=then, select=frozenset({"SL016"})))
    assert [d.message.split(";")[0] for d in found] == ["this signed URL expires on 2025-02-20"]


def test_seed_fixes(seed_bytes: bytes) -> None:
    doc = studylog_md.load_bytes(seed_bytes, path="STUDY_LOG.md")
    found = lint_document(doc, "STUDY_LOG.md")
    text, count = apply_fixes(doc, found)
    assert count == 5  # three short rows, one extra empty cell, one tracking URL
    before, after = doc.dumps().split("\n"), text.split("\n")
    changed = [i + 1 for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    assert changed == [15, 16, 17, 53, 54]
    assert after[14].endswith("|✅||")
    assert after[52].endswith("(Introduced transformer architecture)|")
    assert "utm_" not in after[53] and "_hsenc" not in after[53]
    assert "https://arxiv.org/abs/2201.11903)" in after[53]
    fixed = studylog_md.loads(text, path="STUDY_LOG.md")
    left = lint_document(fixed, "STUDY_LOG.md")
    assert [(d.line, d.rule) for d in left] == [
        (17, "duplicate-title"),
        (17, "duplicate-url"),
        (66, "expiring-url"),
    ]
    # The entries read the same after the fixes (only shape and URL changed).
    assert [(e.title, e.status) for e in fixed.entries] == [
        (e.title, e.status) for e in doc.entries
    ]
    assert apply_fixes(fixed, left) == (text, 0)

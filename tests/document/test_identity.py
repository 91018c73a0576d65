"""One identity of a resource, shared by add, the duplicate rules and history (issue 12)."""

from __future__ import annotations

import pytest

import studylog_md
from studylog_md.document.identity import find_duplicate, title_key, url_key
from studylog_md.errors import EditError
from studylog_md.lint.engine import LintOptions, lint_document
from studylog_md.progress.history import match_entries

COURSES = """# Courses

## 6.006

|Resource|Progress|
|---|---|
|[Problem Set 1](https://ocw.example/6.006/ps1)|✅|

## 6.042

|Resource|Progress|
|---|---|
|[Problem Set 1](https://ocw.example/6.042/ps1)|⬜|
"""


def test_keys() -> None:
    assert title_key("**Problem  Set 1.**") == title_key("problem set 1") == "problem set 1"
    assert title_key("📽️ Vim Tutorial") == "vim tutorial"
    assert url_key("https://www.youtube.com/watch?v=abc&t=120") != url_key("https://youtu.be/abc")
    assert url_key("#setup") is None and url_key(None) is None


def test_add_refuses_exactly_what_lint_reports() -> None:
    doc = studylog_md.loads(COURSES)
    # The same title under another heading, with another URL: another entry.
    doc.add_entry("6.042", "Problem Set 1 (recitation)", url="https://ocw.example/6.042/r1")
    with pytest.raises(EditError, match="already"):
        doc.add_entry("6.042", "problem set 1", url="https://ocw.example/other")
    with pytest.raises(EditError, match="already"):
        doc.add_entry("6.042", "PS one", url="https://ocw.example/6.006/ps1/")
    # What add accepted, lint accepts: no finding on the next run.
    assert lint_document(doc, "x.md", LintOptions(check_local_links=False)) == []
    added = studylog_md.loads(COURSES)
    added.add_entry(
        "6.006", "Problem Set 1", url="https://ocw.example/6.006/ps2", allow_duplicate=True
    )
    rules = [d.rule for d in lint_document(added, "x.md", LintOptions(check_local_links=False))]
    assert rules == ["duplicate-title"]


def test_scope_file_compares_titles_across_headings() -> None:
    doc = studylog_md.loads(COURSES)
    assert lint_document(doc, "x.md", LintOptions(check_local_links=False)) == []
    found = lint_document(
        doc, "x.md", LintOptions(check_local_links=False, duplicate_title_scope="file")
    )
    assert [(d.line, d.rule) for d in found] == [(13, "duplicate-title")]
    assert find_duplicate(doc.entries, "Problem Set 1", None, ("Courses", "6.042")) is not None
    assert find_duplicate(doc.entries, "Problem Set 1", None, ("Courses", "Other")) is None
    assert find_duplicate(doc.entries, "Problem Set 1", None, (), scope="file") is not None


def test_history_follows_an_entry_by_the_same_keys() -> None:
    old = studylog_md.loads(COURSES).entries
    new = studylog_md.loads(COURSES.replace("6.042/ps1", "6.042/ps1/?utm_source=x")).entries
    assert match_entries(old, new) == [(0, 0), (1, 1)]

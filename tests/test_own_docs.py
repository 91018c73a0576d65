"""Our own README, CHANGELOG, CONTRIBUTING and docs pass our own linter (as the pre-commit hook
checks on every commit): a tool that fails its own documentation is not one to trust."""

from __future__ import annotations

from pathlib import Path

import pytest
from shared_paths import ROOT

from studylog_md import load
from studylog_md.lint.engine import lint_document

DOCS = sorted(
    [ROOT / "README.md", ROOT / "CHANGELOG.md", ROOT / "CONTRIBUTING.md"]
    + list((ROOT / "docs").glob("*.md"))
)


def test_there_are_docs() -> None:
    assert len(DOCS) >= 10


@pytest.mark.parametrize("path", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_our_docs_lint_clean(path: Path) -> None:
    findings = lint_document(load(path), str(path.relative_to(ROOT)))
    assert [f"{d.line}:{d.column} {d.rule} {d.message}" for d in findings] == []

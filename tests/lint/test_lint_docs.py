"""``docs/rules.md`` documents every rule, and its examples lint the way it says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import studylog_md
from studylog_md.lint.engine import LintOptions, lint_document
from studylog_md.lint.registry import RULES

DOC = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
SECTIONS = dict(
    (part.split("\n", 1)[0], part)
    for part in re.split(r"\n## (?=[a-z0-9-]+\n)", DOC.read_text(encoding="utf-8"))[1:]
)
# Examples that need bytes or files a Markdown code block cannot hold.
NO_EXAMPLE = {"broken-link", "invalid-utf8", "suspicious-characters", "unreadable-file"}
# Online rules need a server: tests/linkcheck/test_online_findings.py covers them.
NO_EXAMPLE |= {"dead-link", "unverifiable-link", "redirected-link", "link-not-checked"}
# Two files, not one example: tests/cli/test_workspace.py covers it.
NO_EXAMPLE.add("duplicate-across-files")
OPTIONS = LintOptions(check_local_links=False)


def test_every_rule_has_a_section_with_its_code_and_severity() -> None:
    assert list(SECTIONS) == list(RULES)
    for name, meta in RULES.items():
        assert f"**{meta.code} · {meta.severity.value}" in SECTIONS[name], name
        head = SECTIONS[name].split("\n\n")[1]
        assert ("fixable" in head) == meta.fixable, name
        # Every fix says its class: safe (`fix` applies it) or unsafe (--unsafe-fixes).
        assert not meta.fixable or re.search(r"\b(safe|unsafe)\b", head), name


@pytest.mark.parametrize("name", [n for n in RULES if n not in NO_EXAMPLE])
def test_bad_and_good_examples(name: str) -> None:
    blocks = re.findall(r"```markdown\n(.*?)```", SECTIONS[name], re.S)
    bad, good = blocks[-2], blocks[-1]
    found = {d.rule for d in lint_document(studylog_md.loads(bad), "x.md", OPTIONS)}
    assert found == {name}
    assert lint_document(studylog_md.loads(good), "x.md", OPTIONS) == []

"""Every lint rule, by name: ``RULES`` (metadata for reporters and the CLI) and a lookup.

Importing this module imports the rule families, whose ``@rule`` decorators register each
check in :data:`studylog_md.lint.base.SPECS`; ``RULES`` is the reporters' view of them.
"""

from __future__ import annotations

from . import across, online  # noqa: F401 - imported for their rule registrations
from .base import SPECS, declare, rule_name

__all__ = ["DOCS", "RULES", "rule_by_code_or_name", "rule_name", "unknown_rule_message"]
from .diagnostic import RuleMeta, Severity
from .rules import (  # noqa: F401 - imported for their @rule registrations
    duplicates,
    links,
    markers,
    rows,
    tables,
    text,
)

# Not a check: the finding ``lint_bytes_error`` makes for a file that cannot be read at all.
declare(
    "SL020",
    "unreadable-file",
    Severity.ERROR,
    "The file is not UTF-8 text (UTF-16, UTF-32 or binary).",
)

DOCS = "https://github.com/studylog-md/studylog-md/blob/main/docs/rules.md"

RULES: dict[str, RuleMeta] = {
    spec.name: RuleMeta(
        code=spec.code,
        name=spec.name,
        severity=spec.severity,
        summary=spec.summary,
        fixable=spec.fixable,
        help_uri=f"{DOCS}#{spec.name}",
    )
    for spec in sorted(SPECS.values(), key=lambda s: s.code)
}


def rule_by_code_or_name(key: str) -> RuleMeta | None:
    """The rule named ``key`` (``"column-count"``) or coded ``key`` (``"SL001"``, any case)."""
    name = rule_name(key)
    return RULES[name] if name is not None else None


def unknown_rule_message(key: str) -> str:
    """The one wording of "no such rule", with the closest rule name when one is close."""
    import difflib  # only for a mistake's message

    close = difflib.get_close_matches(key.strip(), list(RULES), n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown rule {key.strip()!r}{hint}; `studylog-md lint --help` lists the rules"

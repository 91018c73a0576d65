"""Every lint rule, by name: ``RULES`` (metadata for reporters and the CLI) and a lookup.

Importing this module imports the rule families, whose ``@rule`` decorators register each
check in :data:`studylog_md.lint.base.SPECS`; ``RULES`` is the reporters' view of them.
"""

from __future__ import annotations

from . import online  # noqa: F401 - imported for its @rule registrations
from .base import SPECS, declare
from .diagnostic import Severity
from .report import RuleMeta
from .rules import (  # noqa: F401 - imported for their @rule registrations
    duplicates,
    links,
    markers,
    rows,
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

_BY_KEY: dict[str, RuleMeta] = {
    **{meta.code.casefold(): meta for meta in RULES.values()},
    **{name.casefold(): meta for name, meta in RULES.items()},
}


def rule_by_code_or_name(key: str) -> RuleMeta | None:
    """The rule named ``key`` (``"column-count"``) or coded ``key`` (``"SL001"``, any case)."""
    return _BY_KEY.get(key.strip().casefold())

"""What a lint rule reports: a :class:`Diagnostic`, with an optional :class:`Fix`."""

from __future__ import annotations

import enum
from typing import Literal, NamedTuple

from ..document.replace import Replacement

# Immutable records in studylog_md.lint are NamedTuples, mutable state is plain classes with
# __slots__, not dataclasses: the pre-commit hook starts a process per commit, and a frozen
# slotted dataclass costs ~0.75 ms to create at import (it exec()s each generated method)
# against ~0.2 ms for a NamedTuple and ~0.01 ms for a hand-written class.


class Severity(str, enum.Enum):
    """How bad a finding is. ``error`` and ``warning`` fail ``lint``; ``info`` never does."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


# As in ruff: a *safe* fix cannot change what the log means (no entry's status, no title's
# visible text, no link target beyond tracking parameters, no change to which lines GitHub
# shows as table rows); `fix` applies it. An *unsafe* fix may, and waits for --unsafe-fixes.
Applicability = Literal["safe", "unsafe"]


class Fix(NamedTuple):
    """A fix: replacements on ``Document.dumps()`` offsets, applied together."""

    description: str
    replacements: tuple[Replacement, ...]
    applicability: Applicability = "safe"

    @property
    def safe(self) -> bool:
        return self.applicability == "safe"


class Diagnostic(NamedTuple):
    """One finding. ``line`` and ``column`` are 1-based and point at the offending cell."""

    path: str
    line: int
    column: int
    code: str
    rule: str
    severity: Severity
    message: str
    fix: Fix | None = None
    end_line: int | None = None
    end_column: int | None = None

    @property
    def fixable(self) -> bool:
        return self.fix is not None

    @property
    def fix_note(self) -> str:
        """What the text report says about the fix: "fix available", "unsafe fix available"."""
        if self.fix is None:
            return ""
        return "fix available" if self.fix.safe else "unsafe fix available"


class RuleMeta(NamedTuple):
    """What reporters and the CLI know about a rule: code, name, default severity, summary."""

    code: str
    name: str
    severity: Severity
    summary: str
    fixable: bool
    help_uri: str | None = None

"""What a lint rule reports: a :class:`Diagnostic`, with an optional safe :class:`Fix`."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ..edit_types import Replacement


class Severity(str, enum.Enum):
    """How bad a finding is. ``error`` and ``warning`` fail ``lint``; ``info`` never does."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Fix:
    """A safe fix: replacements on ``Document.dumps()`` offsets, applied together."""

    description: str
    replacements: tuple[Replacement, ...]


@dataclass(frozen=True, slots=True)
class Diagnostic:
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

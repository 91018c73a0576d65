"""The exception hierarchy.

Every error the library raises on purpose derives from :class:`StudylogError` and carries
what a user needs to act on it. The CLI maps them to exit codes in one place (``cli.py``):
:class:`UserError` subclasses mean "you must act" (exit 2), :class:`InternalError` means
"this is a bug in studylog-md" (exit 3).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .document.model import Entry


class StudylogError(Exception):
    """Base class of every error studylog-md raises on purpose."""

    exit_code = 2


class UserError(StudylogError):
    """Something the user must fix or decide: exit code 2."""


class InputError(UserError):
    """A file could not be read as a study log (missing, binary, wrong encoding, too big...)."""

    def __init__(self, message: str, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path


class EncodingError(InputError):
    """The file is not UTF-8 text (UTF-16/32, binary)."""


class WriteError(UserError):
    """A write was refused or failed; the original file is untouched."""

    def __init__(self, message: str, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path


class FileChangedError(WriteError):
    """The file changed on disk between reading it and writing it back."""


class ConfigError(UserError):
    """The configuration (pyproject.toml / .studylog-md.toml) is invalid."""


class QueryError(UserError):
    """A query did not name exactly one entry."""


class NotFound(QueryError):
    """No entry matches the query; ``suggestions`` holds close titles."""

    def __init__(
        self, query: str, suggestions: Sequence[str] = (), *, message: str | None = None
    ) -> None:
        hint = ""
        if suggestions:
            hint = " Did you mean: " + ", ".join(repr(s) for s in suggestions) + "?"
        super().__init__(message or f"no entry matches {query!r}.{hint}")
        self.query = query
        self.suggestions = list(suggestions)


class AmbiguousQuery(QueryError):
    """Several entries match the query equally well; ``candidates`` lists them."""

    def __init__(self, query: str, candidates: Sequence[Entry]) -> None:
        lines = ", ".join(str(entry.line) for entry in candidates)
        super().__init__(
            f"{query!r} matches {len(candidates)} entries (lines {lines}); be more precise "
            "(a longer title, --section) or pick one with --line N"
        )
        self.query = query
        self.candidates = list(candidates)


class EditError(UserError):
    """An edit cannot be made (no table in that section, a duplicate entry, ...)."""


class InternalError(StudylogError):
    """A bug in studylog-md, such as an edit that failed its safety check: exit code 3."""

    exit_code = 3


class SafetyCheckError(InternalError):
    """The post-edit re-parse found differences the edit did not intend; nothing was written."""

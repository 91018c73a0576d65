"""Edits that touch only what they must: a status change, a new entry.

Every edit is a replacement of a span of the source, followed by a safety check that
re-parses what the edit touched and confirms that exactly the intended span changed and the
model is otherwise equal. A failed check raises :class:`SafetyCheckError` and leaves the
document as it was (nothing gets written): silent corruption is the one failure users never
forgive.
"""

from __future__ import annotations

from .add import add_entry
from .status import Change, choose_marker, set_status, toggle

__all__ = ["Change", "add_entry", "choose_marker", "set_status", "toggle"]

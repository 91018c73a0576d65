"""The one apply step: replacements → new text → verified re-parse → the document adopts it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..document.replace import apply_replacements
from .verify import Declaration, reparse, verify

if TYPE_CHECKING:  # pragma: no cover
    from ..document.model import Document


def apply_edit(doc: Document, declared: Declaration) -> Document:
    """Apply ``declared``'s replacements to ``doc`` after :func:`verify` accepts the result.

    The document is re-derived from the new text (one parse), never patched: every entry,
    offset and cache afterwards belongs to the new text, and entries of the old parse are
    stale. On a failed check the document is left exactly as it was.
    """
    after = reparse(doc, apply_replacements(doc.dumps(), declared.replacements))
    verify(doc, after, declared)
    doc._adopt(after)
    return doc

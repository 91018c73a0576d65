"""Applying LSP text edits to a text, as an editor does (UTF-16 positions, LSP line breaks)."""

from __future__ import annotations

from typing import Any

from studylog_md.server.text import UTF16, LineIndex, Spot


def apply_edits(text: str, edits: list[dict[str, Any]]) -> str:
    """``text`` after a list of non-overlapping ``TextEdit``s (positions refer to ``text``)."""
    index = LineIndex(text)
    spans = []
    for edit in edits:
        start, end = edit["range"]["start"], edit["range"]["end"]
        spans.append(
            (
                index.offset(Spot(start["line"], start["character"]), UTF16),
                index.offset(Spot(end["line"], end["character"]), UTF16),
                edit["newText"],
            )
        )
    for first, last, new in sorted(spans, reverse=True):
        text = text[:first] + new + text[last:]
    return text


def edits_of(workspace_edit: dict[str, Any], uri: str) -> list[dict[str, Any]]:
    """The text edits a ``WorkspaceEdit`` makes to ``uri`` (either shape)."""
    if workspace_edit.get("documentChanges"):
        return [
            e
            for change in workspace_edit["documentChanges"]
            if change["textDocument"]["uri"] == uri
            for e in change["edits"]
        ]
    edits: list[dict[str, Any]] = workspace_edit.get("changes", {}).get(uri, [])
    return edits

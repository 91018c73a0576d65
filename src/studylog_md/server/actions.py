"""Code actions and commands: status changes, quick fixes, "fix all", stats.

Every edit is made by the library on a fresh parse of the editor's text (``set_status``, the
linter's fixes), exactly as ``toggle --to`` and ``fix`` make it, and only then turned into the
smallest text edits that produce the same text. So the editor's result is byte-equal to the
command line's, and the library's safety check guards it as it guards every write.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lsprotocol import types

from .diagnostics import to_lsp, to_range
from .outline import entry_at
from .snapshot import Snapshot
from .text import changes_between

if TYPE_CHECKING:  # pragma: no cover
    from .. import Status
    from ..lint.diagnostic import Diagnostic, Fix

KIND_STATUS = types.CodeActionKind.RefactorRewrite
KIND_FIX_ALL = types.CodeActionKind.SourceFixAll

FIX_ALL_TITLE = "Fix all safe problems"
_TITLES = {"done": "Mark as done", "todo": "Mark as to do", "in-progress": "Mark as in progress"}


def _wanted(kind: str, only: list[str] | None) -> bool:
    """Whether the client asked for actions of ``kind`` (``only`` holds kind prefixes)."""
    if not only:
        return True
    return any(kind == prefix or kind.startswith(prefix + ".") for prefix in only)


def workspace_edit(snap: Snapshot, after: str, versioned: bool) -> types.WorkspaceEdit | None:
    """The edit that turns the snapshot's text into ``after`` (None when nothing changes)."""
    changes = changes_between(snap.text, after)
    if not changes:
        return None
    index, encoding = snap.index, snap.encoding
    edits = [
        types.TextEdit(
            range=to_range(index.spot(c.start, encoding), index.spot(c.end, encoding)),
            new_text=c.new,
        )
        for c in changes
    ]
    if versioned:
        # Versioned: a client refuses the edit if the text changed since (no stale edits).
        document = types.OptionalVersionedTextDocumentIdentifier(uri=snap.uri, version=snap.version)
        return types.WorkspaceEdit(
            document_changes=[types.TextDocumentEdit(text_document=document, edits=list(edits))]
        )
    return types.WorkspaceEdit(changes={snap.uri: list(edits)})


def _editor_text(snap: Snapshot, dumps: str) -> str:
    """The editor's text for a model's ``dumps()`` (the BOM is a character in the editor)."""
    assert snap.doc is not None
    return ("\ufeff" if snap.doc.bom else "") + dumps


def text_with_status(snap: Snapshot, line: int, status: Status) -> str | None:
    """The editor's text after setting the status of the entry on ``line``; None if impossible.

    The entry's marker is chosen and replaced by the library on a fresh parse, as
    ``studylog-md toggle --to`` would (the cached parse is never edited: other requests read
    it).
    """
    from ..errors import StudylogError
    from .snapshot import build

    fresh = build(snap.uri, snap.version, snap.text, snap.encoding)
    entry = entry_at(fresh, line)
    if fresh.doc is None or entry is None:
        return None
    try:
        change = fresh.doc.set_status(entry, status)
    except StudylogError:  # no status cell, or the safety check refused: offer nothing
        return None
    if not change.changed:
        return None
    return _editor_text(snap, fresh.doc.dumps())


def toggle_target(snap: Snapshot, line: int) -> Status | None:
    """What ``toggle`` without ``--to`` sets: done, or to do for an entry that is done."""
    from .. import Status

    entry = entry_at(snap, line)
    if entry is None:
        return None
    return Status.TODO if entry.status is Status.DONE else Status.DONE


def status_actions(
    snap: Snapshot, line: int, *, lazy: bool, versioned: bool
) -> list[types.CodeAction]:
    """ "Mark as …" for the entry on ``line``, one per status it does not have.

    With ``lazy`` the edit is left for ``codeAction/resolve`` (a large log is parsed again
    only for the action the user picks).
    """
    from .. import Status

    entry = entry_at(snap, line)
    if entry is None or entry.marker_line < 0:
        return []
    actions: list[types.CodeAction] = []
    for status in (Status.DONE, Status.TODO, Status.IN_PROGRESS):
        if entry.status is status or (entry.kind == "task" and status is Status.IN_PROGRESS):
            continue
        action = types.CodeAction(
            title=_TITLES[status.value],
            kind=KIND_STATUS,
            data={"uri": snap.uri, "version": snap.version, "line": line, "status": status.value},
        )
        if not lazy:
            if not resolve_status(snap, action, versioned=versioned):
                continue
        actions.append(action)
    return actions


def resolve_status(snap: Snapshot, action: types.CodeAction, *, versioned: bool) -> bool:
    """Fill in the edit of a "Mark as …" action; False when it cannot be made."""
    from .. import Status

    data: Any = action.data
    if not isinstance(data, dict) or data.get("uri") != snap.uri:
        return False
    try:
        status, line = Status(data["status"]), int(data["line"])
    except (KeyError, ValueError, TypeError):
        return False
    after = text_with_status(snap, line, status)
    edit = workspace_edit(snap, after, versioned) if after is not None else None
    if edit is None:
        return False
    action.edit = edit
    return True


def _is_unsafe(fix: Fix) -> bool:
    # An unsafe fix may change what the log says (docs/rules.md): offered, never preferred,
    # and left out of "Fix all safe problems".
    return not fix.safe


def _fix_edit(snap: Snapshot, fix: Fix, versioned: bool) -> types.WorkspaceEdit | None:
    from ..document.replace import apply_replacements

    assert snap.doc is not None
    try:
        fixed = apply_replacements(snap.doc.dumps(), fix.replacements)
    except ValueError:  # a fix that overlaps itself is a bug in its rule: never apply it
        return None
    return workspace_edit(snap, _editor_text(snap, fixed), versioned)


def quick_fixes(
    snap: Snapshot, first: int, last: int, *, versioned: bool
) -> list[types.CodeAction]:
    """A quick fix for each fixable finding on 0-based lines ``first``..``last``."""
    if snap.doc is None:
        return []
    actions: list[types.CodeAction] = []
    for finding in snap.findings():
        fix = finding.fix
        if fix is None or not first <= finding.line - 1 <= last:
            continue
        edit = _fix_edit(snap, fix, versioned)
        if edit is None:
            continue
        unsafe = _is_unsafe(fix)
        actions.append(
            types.CodeAction(
                title=f"{fix.description}" + (" (unsafe fix)" if unsafe else ""),
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[to_lsp(snap, finding)],
                edit=edit,
                is_preferred=not unsafe,
            )
        )
    return actions


def fix_all(snap: Snapshot, *, versioned: bool, lazy: bool = False) -> types.CodeAction | None:
    """ "Fix all safe problems": what ``studylog-md fix`` would write, as one edit.

    With ``lazy`` the edit (a lint until nothing is left to fix) waits for
    ``codeAction/resolve``.
    """
    if snap.doc is None or not any(_safe_fix(d) for d in snap.findings()):
        return None
    action = types.CodeAction(
        title=FIX_ALL_TITLE,
        kind=KIND_FIX_ALL,
        data={"uri": snap.uri, "version": snap.version, "fix_all": True},
    )
    if lazy:
        return action
    return action if resolve_fix_all(snap, action, versioned=versioned) else None


def resolve_fix_all(snap: Snapshot, action: types.CodeAction, *, versioned: bool) -> bool:
    """Fill in the edit of "Fix all safe problems"; False when nothing would change."""
    from ..lint.engine import fix_until_stable

    if snap.doc is None:
        return False
    text, count = fix_until_stable(snap.doc, snap.name, snap.options)
    edit = workspace_edit(snap, _editor_text(snap, text), versioned) if count else None
    if edit is None:
        return False
    action.edit = edit
    return True


def resolve(snap: Snapshot, action: types.CodeAction, *, versioned: bool) -> bool:
    """Fill in the edit of an action sent without one (``codeAction/resolve``)."""
    data: Any = action.data
    if isinstance(data, dict) and data.get("fix_all"):
        return resolve_fix_all(snap, action, versioned=versioned)
    return resolve_status(snap, action, versioned=versioned)


def _safe_fix(finding: Diagnostic) -> bool:
    return finding.fix is not None and not _is_unsafe(finding.fix)


def code_actions(
    snap: Snapshot,
    first: int,
    last: int,
    only: list[str] | None,
    *,
    lazy: bool,
    versioned: bool,
) -> list[types.CodeAction]:
    """Every action for the 0-based lines ``first``..``last`` that the client asked for."""
    actions: list[types.CodeAction] = []
    if _wanted(types.CodeActionKind.QuickFix, only):
        actions += quick_fixes(snap, first, last, versioned=versioned)
    if _wanted(KIND_STATUS, only):
        actions += status_actions(snap, first, lazy=lazy, versioned=versioned)
    # Fixing everything means linting until nothing is left (seconds on a large log): made
    # when asked for by name (on save: only=["source.fixAll"]), else left for resolve, else
    # not offered on every cursor move.
    asked = bool(only) and _wanted(KIND_FIX_ALL, only)
    if asked or (lazy and _wanted(KIND_FIX_ALL, only)):
        action = fix_all(snap, versioned=versioned, lazy=lazy and not asked)
        if action is not None:
            actions.append(action)
    return actions


def stats(snap: Snapshot) -> dict[str, Any]:
    """What ``studylog-md stats --format json`` prints for this document."""
    from ..progress.stats import combine, file_stats

    if snap.doc is None:
        return combine([]).to_dict()
    return combine([file_stats(snap.doc, by="leaf", file=snap.name)]).to_dict()

"""The language server: LSP messages in, library calls, LSP messages out.

Protocol glue only (pygls + lsprotocol); what the answers say is decided in the sibling
modules, from the library. Text sync is our own (``text.py``): pygls's workspace splits lines
with ``str.splitlines``, which disagrees with LSP and with our parser on ``\\x0c``,
``\\u2028``…

Concurrency: parsing and linting run on one worker thread, one job at a time, so the event
loop keeps reading messages (a change or a close that arrives mid-lint is seen at once) and
no two jobs share a parse. A lint result is published only if the document is still open and
still at the version that was linted.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import gc
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types
from lsprotocol.converters import get_converter
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method

from .. import __version__
from . import actions, diagnostics, outline
from .snapshot import Snapshot, build, path_of
from .text import UTF16, Spot, apply_change

T = TypeVar("T")
log = logging.getLogger("studylog_md.server")

NAME = "studylog-md"
CMD_TOGGLE = "studylog-md.toggle"
CMD_STATS = "studylog-md.stats"
# Changes that arrive while a lint runs are linted together, this long after it ends
# (initializationOptions {"debounceMs": N}). The first change after a quiet spell is linted
# at once: on a large log the lint itself is the wait.
DEBOUNCE_MS = 150
CONFIG_GLOBS = ("**/pyproject.toml", "**/.studylog-md.toml")


class _Open:
    """An open document: the editor's text, as its changes arrive."""

    __slots__ = ("task", "text", "version")

    def __init__(self, text: str, version: int | None) -> None:
        self.text = text
        self.version = version
        self.task: asyncio.Task[None] | None = None


class _Protocol(LanguageServerProtocol):
    """pygls's protocol without its own text store (``StudylogServer`` keeps the text)."""

    def get_message_type(self, method: str) -> Any:  # type: ignore[override] # (lru_cache)
        # Diagnostics are sent as plain JSON (see diagnostics.to_json): the generic
        # notification takes any params, where lsprotocol's would need its own objects.
        if method == types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS:
            return None
        return super().get_message_type(method)

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams) -> Any:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> Any:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams) -> Any:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None


class StudylogServer(LanguageServer):
    """The server's state: open documents, their latest parse, published config errors."""

    def __init__(self) -> None:
        super().__init__(
            NAME,
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=_Protocol,
        )
        self.docs: dict[str, _Open] = {}
        self.snapshots: dict[str, Snapshot] = {}
        self.config_errors: set[str] = set()  # config file URIs with a published error
        self.debounce = DEBOUNCE_MS / 1000
        self.worker = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="studylog-md")

    # -- capabilities the client announced ---------------------------------------------------
    @property
    def encoding(self) -> str:
        encoding = self.server_capabilities.position_encoding
        if encoding is None:
            return UTF16
        # An enum member's str() is its name ("PositionEncodingKind.Utf8"), not "utf-8".
        return str(getattr(encoding, "value", encoding))

    def _client(self, *path: str) -> Any:
        """A nested client capability (``None`` when any part is missing)."""
        value: Any = self.client_capabilities
        for part in path:
            value = getattr(value, part, None)
            if value is None:
                return None
        return value

    @property
    def versioned_edits(self) -> bool:
        return bool(self._client("workspace", "workspace_edit", "document_changes"))

    @property
    def lazy_actions(self) -> bool:
        properties = self._client("text_document", "code_action", "resolve_support", "properties")
        return bool(properties) and "edit" in properties

    # -- running work off the event loop -----------------------------------------------------
    async def run(self, job: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.worker, job)

    def snapshot_now(self, uri: str, text: str, version: int | None) -> Snapshot:
        """The parse of this version (worker thread only): cached, or made now."""
        cached = self.snapshots.pop(uri, None)
        if cached is not None and cached.version == version and cached.text == text:
            self.snapshots[uri] = cached
            return cached
        # The old version was dropped first: a large log's model is not kept twice over.
        del cached
        snap = build(uri, version, text, self.encoding)
        self.snapshots[uri] = snap
        return snap

    async def snapshot(self, uri: str) -> Snapshot | None:
        """The current version's parse, or None when the document is not open."""
        doc = self.docs.get(uri)
        if doc is None:
            return None
        text, version = doc.text, doc.version
        return await self.run(lambda: self.snapshot_now(uri, text, version))

    # -- diagnostics ------------------------------------------------------------------------
    def schedule(self, uri: str) -> None:
        """Lint ``uri`` now, or (when a lint of it is running) once that lint is done."""
        doc = self.docs.get(uri)
        if doc is None:
            return
        if doc.task is not None and not doc.task.done():
            return  # the running loop sees the new version when its lint ends
        doc.task = asyncio.ensure_future(self._lint_loop(uri))

    async def _lint_loop(self, uri: str) -> None:
        while True:
            doc = self.docs.get(uri)
            if doc is None:
                return
            text, version = doc.text, doc.version
            job = functools.partial(self._lint, uri, text, version)
            try:
                found, config = await self.run(job)
            except Exception:  # a bug in a rule must not end the server
                log.exception("lint of %s failed", uri)
                return
            doc = self.docs.get(uri)
            if doc is None:
                return  # closed mid-lint: its diagnostics were cleared on close
            if doc.version == version and doc.text == text:
                self.publish(uri, found, version)
                self._publish_config(config)
                return
            await asyncio.sleep(self.debounce)  # typed on meanwhile: lint the burst once

    def _lint(
        self, uri: str, text: str, version: int | None
    ) -> tuple[list[dict[str, Any]], tuple[str, dict[str, Any]] | None]:
        with _collector_paused():
            snap = self.snapshot_now(uri, text, version)
            found = diagnostics.diagnostics(snap)
        config = None
        if snap.config_error is not None and snap.path is not None:
            where = diagnostics.config_file_of(snap.config_error, snap.path)
            if where is not None:
                diagnostic = diagnostics.config_diagnostic(snap.config_error, where, self.encoding)
                config = (where.as_uri(), get_converter().unstructure(diagnostic))
        return found, config

    def publish(self, uri: str, found: list[dict[str, Any]], version: int | None = None) -> None:
        """``textDocument/publishDiagnostics`` with diagnostics as JSON."""
        params: dict[str, Any] = {"uri": uri, "diagnostics": found}
        if version is not None:
            params["version"] = version
        self.protocol.notify(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, params)

    def _publish_config(self, config: tuple[str, dict[str, Any]] | None) -> None:
        """Show (or clear) configuration errors on the configuration files themselves."""
        if config is not None:
            uri, diagnostic = config
            self.config_errors.add(uri)
            self.publish(uri, [diagnostic])
            return
        if not any(snap.config_error for snap in self.snapshots.values()):
            for uri in sorted(self.config_errors):
                self.publish(uri, [])
            self.config_errors.clear()

    def reload_config(self) -> None:
        """A configuration file changed: forget every configuration read, lint everything."""
        from ..config import clear_cache

        self.worker.submit(clear_cache)
        self.snapshots.clear()
        for uri in list(self.docs):
            self.schedule(uri)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a document is parsed and linted.

    A large log's model is hundreds of thousands of objects that all live as long as the
    snapshot; every collection their creation triggers would rescan the whole growing heap
    (and the server's heap is larger than a one-off `lint` process's). The garbage of old
    versions is collected once the collector runs again.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


server = StudylogServer()


@server.feature(types.INITIALIZE)
def _initialize(ls: StudylogServer, params: types.InitializeParams) -> None:
    options = params.initialization_options
    if isinstance(options, dict):
        value = options.get("debounceMs")
        if isinstance(value, (int, float)) and 0 <= value <= 10_000:
            ls.debounce = value / 1000


@server.feature(types.INITIALIZED)
async def _initialized(ls: StudylogServer, params: types.InitializedParams) -> None:
    # Watch the configuration files when the client lets us ask (VS Code, Neovim do).
    if not ls._client("workspace", "did_change_watched_files", "dynamic_registration"):
        return
    watchers = [types.FileSystemWatcher(glob_pattern=glob) for glob in CONFIG_GLOBS]
    registration = types.Registration(
        id="studylog-md-config",
        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
        register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
    )
    try:
        await ls.client_register_capability_async(
            types.RegistrationParams(registrations=[registration])
        )
    except Exception:  # a client that refuses: config changes are seen on save instead
        log.info("the client did not accept the file watchers")


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def _did_open(ls: StudylogServer, params: types.DidOpenTextDocumentParams) -> None:
    item = params.text_document
    ls.docs[item.uri] = _Open(item.text, item.version)
    ls.schedule(item.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def _did_change(ls: StudylogServer, params: types.DidChangeTextDocumentParams) -> None:
    uri = params.text_document.uri
    doc = ls.docs.get(uri)
    if doc is None:
        return
    text = doc.text
    for change in params.content_changes:
        if isinstance(change, types.TextDocumentContentChangePartial):
            start = Spot(change.range.start.line, change.range.start.character)
            end = Spot(change.range.end.line, change.range.end.character)
            text = apply_change(text, start, end, change.text, ls.encoding)
        else:
            text = change.text
    doc.text, doc.version = text, params.text_document.version
    # The first change after a quiet spell is linted at once; changes that arrive while that
    # lint runs are linted together, ``debounce`` after it ends (see _lint_loop).
    ls.schedule(uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def _did_save(ls: StudylogServer, params: types.DidSaveTextDocumentParams) -> None:
    # Saving may create the file a relative link points at, or a configuration next to it.
    from ..config import clear_cache

    ls.worker.submit(clear_cache)
    ls.snapshots.pop(params.text_document.uri, None)
    ls.schedule(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def _did_close(ls: StudylogServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    doc = ls.docs.pop(uri, None)
    ls.snapshots.pop(uri, None)
    if doc is not None and doc.task is not None:
        doc.task.cancel()
    ls.publish(uri, [])


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def _watched(ls: StudylogServer, params: types.DidChangeWatchedFilesParams) -> None:
    names = {Path(path).name for c in params.changes if (path := path_of(c.uri)) is not None}
    if names & {"pyproject.toml", ".studylog-md.toml"}:
        ls.reload_config()


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
async def _symbols(
    ls: StudylogServer, params: types.DocumentSymbolParams
) -> list[types.DocumentSymbol] | None:
    snap = await ls.snapshot(params.text_document.uri)
    return None if snap is None else await ls.run(lambda: outline.symbols(snap))


@server.feature(types.TEXT_DOCUMENT_CODE_LENS)
async def _lenses(ls: StudylogServer, params: types.CodeLensParams) -> list[types.CodeLens] | None:
    snap = await ls.snapshot(params.text_document.uri)
    return None if snap is None else await ls.run(lambda: outline.lenses(snap))


def _model_column(snap: Snapshot, position: types.Position) -> int:
    """A client position's code-point column in the model's line (the BOM is not in it)."""
    index = snap.index
    offset = index.offset(Spot(position.line, position.character), snap.encoding)
    line_start = index.offset(Spot(position.line, 0), snap.encoding)
    bom = 1 if position.line == 0 and snap.doc is not None and snap.doc.bom else 0
    return max(offset - line_start - bom, 0)


@server.feature(types.TEXT_DOCUMENT_HOVER)
async def _hover(ls: StudylogServer, params: types.HoverParams) -> types.Hover | None:
    snap = await ls.snapshot(params.text_document.uri)
    line = params.position.line
    return None if snap is None else await ls.run(lambda: outline.hover(snap, line))


@server.feature(types.TEXT_DOCUMENT_COMPLETION)
async def _complete(
    ls: StudylogServer, params: types.CompletionParams
) -> types.CompletionList | None:
    snap = await ls.snapshot(params.text_document.uri)
    if snap is None:
        return None
    line = params.position.line
    column = _model_column(snap, params.position)
    items = await ls.run(lambda: outline.completions(snap, line, column))
    return types.CompletionList(is_incomplete=False, items=items)


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(
        code_action_kinds=[
            types.CodeActionKind.QuickFix,
            actions.KIND_STATUS,
            actions.KIND_FIX_ALL,
        ],
        resolve_provider=True,
    ),
)
async def _code_actions(
    ls: StudylogServer, params: types.CodeActionParams
) -> list[types.CodeAction] | None:
    snap = await ls.snapshot(params.text_document.uri)
    if snap is None:
        return None
    first, last = params.range.start.line, params.range.end.line
    only = [str(kind) for kind in params.context.only] if params.context.only else None
    lazy, versioned = ls.lazy_actions, ls.versioned_edits
    return await ls.run(
        lambda: actions.code_actions(snap, first, last, only, lazy=lazy, versioned=versioned)
    )


@server.feature(types.CODE_ACTION_RESOLVE)
async def _resolve(ls: StudylogServer, action: types.CodeAction) -> types.CodeAction:
    data: Any = action.data
    if not isinstance(data, dict) or action.edit is not None:
        return action
    snap = await ls.snapshot(str(data.get("uri")))
    if snap is not None and snap.version == data.get("version"):
        versioned = ls.versioned_edits
        await ls.run(lambda: actions.resolve(snap, action, versioned=versioned))
    return action


@server.command(CMD_TOGGLE)
async def _toggle(ls: StudylogServer, uri: str, line: int) -> dict[str, Any]:
    """Flip the entry on 0-based ``line`` (done ↔ to do) through ``workspace/applyEdit``."""
    snap = await ls.snapshot(uri)
    if snap is None:
        return {"applied": False, "reason": "the document is not open"}
    target = actions.toggle_target(snap, int(line))
    if target is None:
        return {"applied": False, "reason": f"no entry on line {int(line) + 1}"}
    versioned = ls.versioned_edits
    after = await ls.run(lambda: actions.text_with_status(snap, int(line), target))
    edit = actions.workspace_edit(snap, after, versioned) if after is not None else None
    if edit is None:
        return {"applied": False, "reason": "this entry's status cannot be changed"}
    result = await ls.workspace_apply_edit_async(
        types.ApplyWorkspaceEditParams(edit=edit, label=f"Mark as {target.value}")
    )
    return {"applied": bool(result.applied), "status": target.value}


@server.command(CMD_STATS)
async def _stats(ls: StudylogServer, uri: str) -> dict[str, Any] | None:
    snap = await ls.snapshot(uri)
    return None if snap is None else await ls.run(lambda: actions.stats(snap))


def serve() -> int:
    """Speak LSP on standard input and output until the client says ``exit``."""
    logging.basicConfig(level=logging.WARNING, format="studylog-md server: %(message)s")
    server.start_io()
    return 0

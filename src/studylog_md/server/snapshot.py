"""One version of an open document, parsed once: the parse cache of the language server.

A :class:`Snapshot` is built from the editor's text (never the file on disk) and the
configuration that applies to the file, and is immutable afterwards: every request for the
same version (outline, hover, code actions, the lint) reads the same parse. The findings are
computed on first use and kept with it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .text import LineIndex, Spot, units

if TYPE_CHECKING:  # pragma: no cover
    from .. import Document, Row
    from ..config import Config
    from ..errors import ConfigError
    from ..lint.diagnostic import Diagnostic
    from ..lint.options import LintOptions

UNTITLED = "untitled.md"


class Snapshot:
    """An open document at one version: its text, its parse, its configuration, its findings.

    ``doc`` is None when the text cannot be a study log (binary, too large); ``problem`` then
    holds the finding that says so.
    """

    __slots__ = (
        "_findings",
        "_index",
        "_link_ends",
        "_rows",
        "config",
        "config_error",
        "doc",
        "encoding",
        "name",
        "path",
        "problem",
        "text",
        "uri",
        "version",
    )

    def __init__(
        self,
        uri: str,
        version: int | None,
        text: str,
        path: Path | None,
        encoding: str,
        config: Config,
        config_error: ConfigError | None,
    ) -> None:
        self.uri = uri
        self.version = version
        self.text = text
        self.path = path
        self.encoding = encoding
        self.config = config
        self.config_error = config_error
        self.name = str(path) if path is not None else UNTITLED
        self.doc: Document | None = None
        self.problem: Diagnostic | None = None
        self._findings: list[Diagnostic] | None = None
        self._index: LineIndex | None = None
        self._rows: dict[int, Row] | None = None
        self._link_ends: dict[tuple[int, int], int] | None = None

    # -- what the features read --------------------------------------------------------------
    @property
    def options(self) -> LintOptions:
        if self.path is None:
            # A buffer that is no file has no folder: relative links cannot be looked up (they
            # would be resolved against wherever the server was started).
            return self.config.lint_options(Path(UNTITLED))._replace(check_local_links=False)
        return self.config.lint_options(self.path)

    def findings(self) -> list[Diagnostic]:
        """Every offline finding of this version (computed once)."""
        if self._findings is None:
            if self.doc is None:
                self._findings = [self.problem] if self.problem is not None else []
            else:
                from ..lint.engine import lint_document

                self._findings = lint_document(self.doc, self.name, self.options)
        return self._findings

    @property
    def index(self) -> LineIndex:
        """Line starts of the editor's text (BOM included), for edits and change ranges."""
        if self._index is None:
            self._index = LineIndex(self.text)
        return self._index

    def row_at(self, line: int) -> Row | None:
        """The table row (header and delimiter included) on 0-based ``line``."""
        if self.doc is None:
            return None
        if self._rows is None:
            rows: dict[int, Row] = {}
            for table in self.doc.tables:
                for row in (table.header, table.delimiter, *table.rows):
                    rows[row.line] = row
            self._rows = rows
        return self._rows.get(line)

    def link_end(self, line: int, column: int) -> int | None:
        """The 1-based end column of the link whose URL starts at 1-based ``line``/``column``."""
        if self.doc is None:
            return None
        if self._link_ends is None:
            self._link_ends = {(link.line, link.column): link.end_column for link in self.doc.links}
        return self._link_ends.get((line, column))

    def spot(self, line: int, column: int) -> Spot:
        """The LSP position of 0-based ``line`` and code-point ``column`` of the model's lines."""
        doc = self.doc
        if doc is None or line >= len(doc.lines):
            return self.index.spot(len(self.text), self.encoding)
        text = doc.lines[line]
        column = min(max(column, 0), len(text))
        # The model's first line has no BOM; the editor's does.
        extra = 1 if line == 0 and doc.bom else 0
        return Spot(line, units(text[:column], self.encoding) + extra)

    def line_text(self, line: int) -> str:
        doc = self.doc
        return doc.lines[line] if doc is not None and 0 <= line < len(doc.lines) else ""


def path_of(uri: str) -> Path | None:
    """The file a ``file:`` URI names; None for ``untitled:`` and other schemes."""
    from urllib.parse import unquote, urlsplit
    from urllib.request import url2pathname

    parts = urlsplit(uri)
    if parts.scheme != "file":
        return None
    path = url2pathname(unquote(parts.path))
    if parts.netloc and parts.netloc != "localhost":  # a UNC path on Windows
        path = f"//{parts.netloc}{path}"
    return Path(path)


def build(uri: str, version: int | None, text: str, encoding: str) -> Snapshot:
    """Parse ``text`` (the editor's buffer) with the configuration of the file ``uri`` names."""
    from .. import load_bytes, loads
    from ..config import Config, load_config
    from ..errors import ConfigError, InputError, StudylogError
    from ..lint.engine import lint_bytes_error

    path = path_of(uri)
    config_error: ConfigError | None = None
    try:
        config = load_config(path) if path is not None else Config()
    except ConfigError as exc:
        # Linted with the defaults meanwhile; the error is shown on the configuration file.
        config, config_error = Config(), exc
    snap = Snapshot(uri, version, text, path, encoding, config, config_error)
    try:
        data: bytes | None = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate an editor sent: not bytes of a file
        data = None
    # The column names configured for this file ([columns] and its globs) read as `lint` does.
    vocabulary = config.vocabulary(path)
    try:
        if data is not None and len(data) > config.max_bytes:
            raise InputError(
                f"more than {config.max_bytes:,} bytes; raise max-bytes in the configuration "
                "to lint it"
            )
        if data is not None:
            # The bytes a save would write: binary and UTF-16 text is refused as `lint` would.
            snap.doc = load_bytes(data, path=snap.name, vocabulary=vocabulary)
        else:
            snap.doc = loads(text, path=snap.name, vocabulary=vocabulary)
    except StudylogError as exc:
        snap.problem = lint_bytes_error(snap.name, exc)
    except RecursionError:
        snap.problem = lint_bytes_error(
            snap.name, InputError("nested too deeply to read; flatten the deepest lists or quotes")
        )
    return snap

"""Findings as LSP diagnostics: code, rule, severity, documentation link, exact range."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from .snapshot import Snapshot
from .text import Spot, units

if TYPE_CHECKING:  # pragma: no cover
    from ..errors import ConfigError
    from ..lint.diagnostic import Diagnostic

SOURCE = "studylog-md"

_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}


def to_range(start: Spot, end: Spot) -> types.Range:
    return types.Range(
        start=types.Position(line=start.line, character=start.character),
        end=types.Position(line=end.line, character=end.character),
    )


def finding_span(snap: Snapshot, finding: Diagnostic) -> tuple[int, int, int]:
    """``(0-based line, first column, end column)`` of what a finding points at.

    Rules give a line and a start column; the end is taken from what starts there: a link's
    URL, a table cell's content (an empty cell: the space between its pipes), else the rest
    of the line.
    """
    line = max(finding.line - 1, 0)
    start = max(finding.column - 1, 0)
    text = snap.line_text(line)
    if finding.end_column is not None and (finding.end_line in (None, finding.line)):
        return line, start, max(finding.end_column - 1, start)
    link_end = snap.link_end(finding.line, finding.column)
    if link_end is not None:
        return line, start, max(link_end - 1, start)
    row = snap.row_at(line)
    if row is not None:
        for cell in row.cells:
            # raw_end is the closing pipe: a column there points at the pipe, not the cell.
            if cell.raw_start <= start < cell.raw_end or cell.raw_start == cell.raw_end == start:
                if cell.start == cell.end:  # an empty cell: the room between the pipes
                    return line, cell.raw_start, cell.raw_end
                return line, start, max(cell.end, start)
    end = len(text.rstrip())
    return line, start, max(end, start)


def to_json(snap: Snapshot, finding: Diagnostic) -> dict[str, Any]:
    """One finding as the JSON of an LSP diagnostic (``data`` says whether a fix exists).

    Plain JSON rather than lsprotocol objects: a large log has thousands of findings, and
    building and unstructuring an object for each cost more than the rest of publishing.
    """
    from ..lint.registry import RULES

    line, start, end = finding_span(snap, finding)
    if start == end and start > 0:
        start -= 1  # nothing to underline (a missing cell at the end): mark the last character
    first, last = snap.spot(line, start), snap.spot(line, end)
    meta = RULES.get(finding.rule)
    result: dict[str, Any] = {
        "range": {
            "start": {"line": first.line, "character": first.character},
            "end": {"line": last.line, "character": last.character},
        },
        "message": f"{finding.message} ({finding.rule})",
        "severity": _SEVERITY.get(finding.severity.value, types.DiagnosticSeverity.Warning).value,
        "code": finding.code,
        "source": SOURCE,
        "data": {"rule": finding.rule, "fixable": finding.fix is not None},
    }
    if meta is not None and meta.help_uri:
        result["codeDescription"] = {"href": meta.help_uri}
    return result


def to_lsp(snap: Snapshot, finding: Diagnostic) -> types.Diagnostic:
    """One finding as an lsprotocol ``Diagnostic`` (for the few a code action carries)."""
    from lsprotocol.converters import get_converter

    diagnostic: types.Diagnostic = get_converter().structure(
        to_json(snap, finding), types.Diagnostic
    )
    return diagnostic


def diagnostics(snap: Snapshot) -> list[dict[str, Any]]:
    """Every finding of the snapshot as diagnostic JSON, in the linter's order."""
    return [to_json(snap, finding) for finding in snap.findings()]


# -- a configuration that cannot be read -----------------------------------------------------

_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)")
_KEY = re.compile(r": ((?:tool\.studylog-md\.)?[A-Za-z0-9_.\-\[\]\"']+): ")


def config_file_of(error: ConfigError, start: Path) -> Path | None:
    """Which configuration file ``error`` is about: the first path the message names.

    Messages always start with (or name) the file; discovery is walked again only to match
    that name to an existing file, without parsing TOML.
    """
    from ..config import CONFIG_FILE, PYPROJECT

    message = str(error)
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        for name in (CONFIG_FILE, PYPROJECT):
            path = candidate / name
            if str(path) in message and path.is_file():
                return path
        if (candidate / ".git").exists():
            break
    return None


def config_diagnostic(error: ConfigError, path: Path, encoding: str) -> types.Diagnostic:
    """The configuration error as a diagnostic on the line it is about (else line 1)."""
    message = str(error)
    if message.startswith(f"{path}: "):
        message = message[len(f"{path}: ") :]
    line, column = 0, 0
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    lines = re.split(r"\r\n|\r|\n", text)
    at = _TOML_AT.search(message)
    if at is not None:
        line, column = int(at.group(1)) - 1, int(at.group(2)) - 1
    else:
        key = _KEY.search(": " + message)
        if key is not None:
            last = key.group(1).split(".")[-1].split("[")[0].strip("\"'")
            pattern = re.compile(rf"^\s*[\"']?{re.escape(last)}[\"']?\s*=")
            for number, candidate in enumerate(lines):
                if pattern.match(candidate):
                    line = number
                    break
    line = min(max(line, 0), max(len(lines) - 1, 0))
    text_of_line = lines[line] if lines else ""
    column = min(max(column, 0), len(text_of_line)) if at else 0
    return types.Diagnostic(
        range=types.Range(
            start=types.Position(line=line, character=units(text_of_line[:column], encoding)),
            end=types.Position(line=line, character=units(text_of_line, encoding)),
        ),
        message=message,
        severity=types.DiagnosticSeverity.Error,
        code="config",
        source=SOURCE,
    )

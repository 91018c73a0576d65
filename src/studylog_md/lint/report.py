"""Reporters: findings as text for people, JSON for scripts, GitHub workflow commands, SARIF.

Reporters only format; they never decide what is a problem. Every function takes the findings
in the order they should be shown (the engine sorts each file's findings by position) and
returns a string; the CLI prints it. Positions are 1-based and count code points of the
decoded line; fix offsets are code-point offsets into the decoded text (``Document.dumps()``,
a byte order mark excluded), so SARIF runs declare ``columnKind: unicodeCodePoints``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import quote

from ..document.printable import printable
from .diagnostic import Diagnostic, RuleMeta, Severity

__all__ = [
    "INFORMATION_URI",
    "SARIF_SCHEMA",
    "RuleMeta",
    "format_github",
    "format_json",
    "format_sarif",
    "format_text",
]

TOOL_NAME = "studylog-md"
INFORMATION_URI = "https://github.com/studylog-md/studylog-md"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"


# --- text --------------------------------------------------------------------------------------

_NEWLINES = re.compile(r"\r\n|\r|\n")
_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_DIM = "\x1b[2m"
_CYAN = "\x1b[36m"
_SEVERITY_COLOR = {
    Severity.ERROR: "\x1b[1;31m",
    Severity.WARNING: "\x1b[1;33m",
    Severity.INFO: "\x1b[1;36m",
}


def _one_line(text: str) -> str:
    """A message on one line: each finding must stay one line of the report."""
    return _NEWLINES.sub(" ", text)


def _plural(count: int, noun: str, plural: str | None = None) -> str:
    return f"{count} {noun if count == 1 else (plural or noun + 's')}"


def _summary(diags: Sequence[Diagnostic]) -> str:
    errors = sum(1 for d in diags if d.severity is Severity.ERROR)
    warnings = sum(1 for d in diags if d.severity is Severity.WARNING)
    infos = len(diags) - errors - warnings
    files = len({d.path for d in diags})
    fixable = sum(1 for d in diags if d.fix is not None and d.fix.safe)
    unsafe = sum(1 for d in diags if d.fix is not None and not d.fix.safe)
    counts = [_plural(errors, "error"), _plural(warnings, "warning")]
    if infos:
        counts.append(_plural(infos, "info", "info"))
    text = (
        f"Found {_plural(len(diags), 'problem')} ({', '.join(counts)}) in {_plural(files, 'file')}"
    )
    if fixable:
        text += f"; {fixable} fixable with `studylog-md fix`"
    if unsafe:
        text += f"; {unsafe} with an unsafe fix (`studylog-md fix --unsafe-fixes`)"
    return text


def format_text(diags: Sequence[Diagnostic], *, color: bool = False, summary: bool = True) -> str:
    """``path:line:col: CODE rule message`` per finding, then a summary (unless ``summary`` is
    false: ``--quiet``).

    A finding with a fix ends in ``[fix available]`` or ``[unsafe fix available]`` (applied
    only with ``--unsafe-fixes``).

    Returns ``""`` when there is nothing to report; otherwise the text ends with a newline.
    ANSI colours only when ``color`` is true (the CLI decides: ``--color``, ``NO_COLOR``…).
    """
    if not diags:
        return ""
    lines: list[str] = []
    for d in diags:
        # File names and titles quoted in messages can hold terminal escapes.
        message = printable(_one_line(d.message))
        path = printable(d.path)
        if color:
            line = (
                f"{_BOLD}{path}{_RESET}:{d.line}:{d.column}: "
                f"{_SEVERITY_COLOR[d.severity]}{d.code}{_RESET} {_DIM}{d.rule}{_RESET} {message}"
            )
            if d.fixable:
                line += f" {_CYAN}[{d.fix_note}]{_RESET}"
        else:
            line = f"{path}:{d.line}:{d.column}: {d.code} {d.rule} {message}"
            if d.fixable:
                line += f" [{d.fix_note}]"
        lines.append(line)
    if summary:
        text = _summary(diags)
        lines.append(f"{_BOLD}{text}{_RESET}" if color else text)
    return "\n".join(lines) + "\n"


def statistics(diags: Sequence[Diagnostic]) -> list[dict[str, Any]]:
    """How many findings each rule has (most first), ``lint --statistics``."""
    counts: dict[str, list[Any]] = {}
    for d in diags:
        row = counts.setdefault(d.rule, [d.code, d.rule, 0, 0])
        row[2] += 1
        row[3] += d.fixable
    rows = sorted(counts.values(), key=lambda r: (-r[2], r[0]))
    return [{"code": c, "rule": r, "count": n, "fixable": f} for c, r, n, f in rows]


def format_statistics(diags: Sequence[Diagnostic], *, color: bool = False) -> str:
    """One line per rule, ``COUNT  CODE  rule  [*]``, like ``ruff --statistics``."""
    rows = statistics(diags)
    if not rows:
        return ""
    width = max(len(str(row["count"])) for row in rows)
    lines = []
    for row in rows:
        fixable = "[*]" if row["fixable"] == row["count"] else "[-]" if row["fixable"] else "[ ]"
        code = f"{_BOLD}{row['code']}{_RESET}" if color else row["code"]
        lines.append(f"{str(row['count']).rjust(width)}  {code}  {fixable} {row['rule']}")
    return "\n".join(lines) + "\n"


# --- JSON --------------------------------------------------------------------------------------

_SURROGATE = "[\ud800-\udfff]"  # compiled on first use: the text format needs no JSON


def _dumps(value: Any) -> str:
    """JSON with non-ASCII kept readable and lone surrogates escaped.

    Invalid UTF-8 in a file is kept as lone surrogates (surrogateescape); ``ensure_ascii=False``
    would pass them through and the output could not be encoded. A surrogate can only occur
    inside a JSON string, where ``\\udc80`` is a valid escape.
    """
    import json  # the text format (the default) needs no JSON

    text = json.dumps(value, ensure_ascii=False, indent=2)
    return re.sub(_SURROGATE, lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


def _fix_json(d: Diagnostic) -> dict[str, Any] | None:
    if d.fix is None:
        return None
    return {
        "description": d.fix.description,
        "applicability": d.fix.applicability,
        "edits": [{"start": r.start, "end": r.end, "new": r.new} for r in d.fix.replacements],
    }


def format_json(diags: Sequence[Diagnostic]) -> str:
    """A JSON array with one object per finding, keys in a fixed order.

    Keys: ``path line column end_line end_column code rule severity message fixable fix``;
    ``fix`` is null or ``{"description", "applicability", "edits": [{"start", "end", "new"}]}``
    (``applicability``: ``"safe"`` or ``"unsafe"``, as ruff says it) with code-point
    offsets into the decoded text. An empty list gives ``[]``.
    """
    return _dumps(
        [
            {
                "path": d.path,
                "line": d.line,
                "column": d.column,
                "end_line": d.end_line,
                "end_column": d.end_column,
                "code": d.code,
                "rule": d.rule,
                "severity": d.severity.value,
                "message": d.message,
                "fixable": d.fixable,
                "fix": _fix_json(d),
            }
            for d in diags
        ]
    )


# --- GitHub workflow commands ------------------------------------------------------------------

_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape_data(text: str) -> str:
    # The escaping of @actions/core's command.ts: "%" first, so the others stay single.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(diags: Sequence[Diagnostic]) -> str:
    """One GitHub Actions workflow command per finding, e.g.
    ``::error file=README.md,line=3,col=10,title=SL001 column-count::message``.

    ``info`` findings become ``notice``; ``endLine``/``endColumn`` are added when known.
    Returns ``""`` for no findings.
    """
    lines: list[str] = []
    for d in diags:
        props = [
            f"file={_escape_property(PurePath(d.path).as_posix())}",
            f"line={d.line}",
            f"col={d.column}",
        ]
        if d.end_line is not None:
            props.append(f"endLine={d.end_line}")
        if d.end_column is not None:
            props.append(f"endColumn={d.end_column}")
        props.append(f"title={_escape_property(f'{d.code} {d.rule}')}")
        lines.append(f"::{_GITHUB_LEVEL[d.severity]} {','.join(props)}::{_escape_data(d.message)}")
    return "".join(line + "\n" for line in lines)


# --- SARIF 2.1.0 -------------------------------------------------------------------------------

_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
# Path characters a URI may hold as they are (RFC 3986 sub-delims and "@"). ":" is encoded: in
# a relative reference's first segment it would read as a scheme.
_URI_SAFE = "/!$&'()*+,;=@"


def _artifact_uri(path: str) -> str:
    """A relative URI reference with forward slashes (absolute paths: relative to the working
    folder when inside it, else a ``file:`` URI)."""
    if os.path.isabs(path):
        absolute = Path(path)
        try:
            path = absolute.relative_to(Path.cwd()).as_posix()
        except ValueError:
            return absolute.as_uri()
    posix = PurePath(path).as_posix()
    while posix.startswith("./"):
        posix = posix[2:]
    try:
        return quote(posix, safe=_URI_SAFE, errors="surrogateescape")
    except UnicodeEncodeError:
        return quote(posix, safe=_URI_SAFE, errors="backslashreplace")


def _descriptor(meta: RuleMeta) -> dict[str, Any]:
    descriptor: dict[str, Any] = {
        "id": meta.code,
        "name": meta.name,
        "shortDescription": {"text": meta.summary},
        "defaultConfiguration": {"level": _SARIF_LEVEL[meta.severity]},
    }
    if meta.help_uri:
        descriptor["helpUri"] = meta.help_uri
    descriptor["properties"] = {"fixable": meta.fixable}
    return descriptor


def _region(d: Diagnostic) -> dict[str, int]:
    region = {"startLine": d.line, "startColumn": d.column}
    if d.end_line is None and d.end_column is None:
        # An unknown end: the character the finding points at (SARIF's endColumn is exclusive).
        region.update(endLine=d.line, endColumn=d.column + 1)
        return region
    region["endLine"] = d.end_line if d.end_line is not None else d.line
    if d.end_column is not None:
        region["endColumn"] = d.end_column
    return region


def _sarif_fix(d: Diagnostic, uri: str) -> list[dict[str, Any]]:
    if d.fix is None:
        return []
    replacements = [
        {
            "deletedRegion": {"charOffset": r.start, "charLength": r.end - r.start},
            "insertedContent": {"text": r.new},
        }
        for r in sorted(d.fix.replacements)
    ]
    return [
        {
            "description": {"text": d.fix.description},
            # SARIF has no applicability field; a property bag carries it (SARIF 3.8).
            "properties": {"applicability": d.fix.applicability},
            "artifactChanges": [{"artifactLocation": {"uri": uri}, "replacements": replacements}],
        }
    ]


def format_sarif(
    diags: Sequence[Diagnostic], rules: Mapping[str, RuleMeta], *, tool_version: str
) -> str:
    """A SARIF 2.1.0 log with one run: the rule catalogue and one result per finding.

    ``rules`` is the catalogue (by name, as ``registry.RULES``); every rule in it is listed in
    ``tool.driver.rules`` in its order, and a finding of a rule missing from it gets a minimal
    descriptor appended. Fixes become ``fixes`` with ``artifactChanges``.
    """
    descriptors: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for meta in rules.values():
        if meta.code in index:
            continue
        index[meta.code] = index[meta.name] = len(descriptors)
        descriptors.append(_descriptor(meta))
    results: list[dict[str, Any]] = []
    for d in diags:
        rule_index = index.get(d.code, index.get(d.rule))
        if rule_index is None:
            rule_index = index[d.code] = index[d.rule] = len(descriptors)
            descriptors.append(
                _descriptor(RuleMeta(d.code, d.rule, d.severity, d.rule, fixable=False))
            )
        uri = _artifact_uri(d.path)
        result: dict[str, Any] = {
            "ruleId": d.code,
            "ruleIndex": rule_index,
            "level": _SARIF_LEVEL[d.severity],
            "message": {"text": d.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri},
                        "region": _region(d),
                    }
                }
            ],
        }
        fixes = _sarif_fix(d, uri)
        if fixes:
            result["fixes"] = fixes
        results.append(result)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL_NAME,
                        "version": tool_version,
                        "informationUri": INFORMATION_URI,
                        "rules": descriptors,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return _dumps(log)

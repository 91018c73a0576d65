"""Reporters (``studylog_md.lint.report``): exact text, JSON, GitHub and SARIF output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import studylog_md
from studylog_md.document.replace import Replacement, apply_replacements
from studylog_md.lint.diagnostic import Diagnostic, Fix, Severity
from studylog_md.lint.engine import apply_fixes, lint_document
from studylog_md.lint.registry import RULES
from studylog_md.lint.report import (
    RuleMeta,
    format_github,
    format_json,
    format_sarif,
    format_text,
)

HELP = "https://github.com/studylog-md/studylog-md/blob/main/docs/rules.md"
FIX = Fix(
    "remove the tracking parameters",
    (Replacement(52, 84, "https://arxiv.org/abs/2201.11903"),),
)
WARN = Diagnostic(
    "README.md",
    3,
    10,
    "SL015",
    "tracking-params",
    Severity.WARNING,
    "this URL carries tracking parameters (utm_source); remove them",
    fix=FIX,
)
ERROR = Diagnostic(
    "README.md",
    5,
    1,
    "SL001",
    "column-count",
    Severity.ERROR,
    "this row has 3 cells; the header has 2",
)
INFO = Diagnostic(
    "docs/notes, v2.md",
    2,
    4,
    "SL099",
    "progress-note",
    Severity.INFO,
    "50% done:\nnext step",
    end_line=2,
    end_column=9,
)
DIAGS = [WARN, ERROR, INFO]
CATALOGUE = {
    "column-count": RuleMeta(
        "SL001",
        "column-count",
        Severity.ERROR,
        "A row with more or fewer cells than the header.",
        True,
        f"{HELP}#column-count",
    ),
    "unused-rule": RuleMeta("SL002", "unused-rule", Severity.WARNING, "Never reported.", False),
    "tracking-params": RuleMeta(
        "SL015",
        "tracking-params",
        Severity.WARNING,
        "Tracking parameters (utm_*, fbclid, ...) in a URL.",
        True,
        f"{HELP}#tracking-params",
    ),
}


# --- text ----------------------------------------------------------------------------------------


def test_text_report() -> None:
    assert format_text(DIAGS) == (
        "README.md:3:10: SL015 tracking-params this URL carries tracking parameters "
        "(utm_source); remove them [fix available]\n"
        "README.md:5:1: SL001 column-count this row has 3 cells; the header has 2\n"
        "docs/notes, v2.md:2:4: SL099 progress-note 50% done: next step\n"
        "Found 3 problems (1 error, 1 warning, 1 info) in 2 files; "
        "1 fixable with `studylog-md fix`\n"
    )


def test_text_summary_singular_and_without_fixes() -> None:
    assert format_text([ERROR]) == (
        "README.md:5:1: SL001 column-count this row has 3 cells; the header has 2\n"
        "Found 1 problem (1 error, 0 warnings) in 1 file\n"
    )


def test_text_nothing_to_report() -> None:
    assert format_text([]) == ""
    assert format_text([], color=True) == ""


def test_text_in_colour_only_when_asked() -> None:
    assert "\x1b" not in format_text(DIAGS)
    assert format_text([WARN, ERROR], color=True) == (
        "\x1b[1mREADME.md\x1b[0m:3:10: \x1b[1;33mSL015\x1b[0m \x1b[2mtracking-params\x1b[0m "
        "this URL carries tracking parameters (utm_source); remove them "
        "\x1b[36m[fix available]\x1b[0m\n"
        "\x1b[1mREADME.md\x1b[0m:5:1: \x1b[1;31mSL001\x1b[0m \x1b[2mcolumn-count\x1b[0m "
        "this row has 3 cells; the header has 2\n"
        "\x1b[1mFound 2 problems (1 error, 1 warning) in 1 file; "
        "1 fixable with `studylog-md fix`\x1b[0m\n"
    )


# --- JSON ----------------------------------------------------------------------------------------


def test_json_report_exact() -> None:
    assert format_json([WARN, INFO]) == (
        "[\n"
        "  {\n"
        '    "path": "README.md",\n'
        '    "line": 3,\n'
        '    "column": 10,\n'
        '    "end_line": null,\n'
        '    "end_column": null,\n'
        '    "code": "SL015",\n'
        '    "rule": "tracking-params",\n'
        '    "severity": "warning",\n'
        '    "message": "this URL carries tracking parameters (utm_source); remove them",\n'
        '    "fixable": true,\n'
        '    "fix": {\n'
        '      "description": "remove the tracking parameters",\n'
        '      "applicability": "safe",\n'
        '      "edits": [\n'
        "        {\n"
        '          "start": 52,\n'
        '          "end": 84,\n'
        '          "new": "https://arxiv.org/abs/2201.11903"\n'
        "        }\n"
        "      ]\n"
        "    }\n"
        "  },\n"
        "  {\n"
        '    "path": "docs/notes, v2.md",\n'
        '    "line": 2,\n'
        '    "column": 4,\n'
        '    "end_line": 2,\n'
        '    "end_column": 9,\n'
        '    "code": "SL099",\n'
        '    "rule": "progress-note",\n'
        '    "severity": "info",\n'
        '    "message": "50% done:\\nnext step",\n'
        '    "fixable": false,\n'
        '    "fix": null\n'
        "  }\n"
        "]\n"
    )


def test_json_empty() -> None:
    assert format_json([]) == "[]\n"


def test_json_keeps_non_ascii_and_escapes_lone_surrogates() -> None:
    message = "invalid byte \udc80 after café"
    bad = Diagnostic("caf\udce9.md", 1, 1, "SL017", "invalid-utf8", Severity.ERROR, message)
    out = format_json([bad])
    assert "café" in out
    assert "\\udc80" in out and "\\udce9" in out
    out.encode("utf-8")  # would raise on a lone surrogate
    (item,) = json.loads(out)
    assert item["message"] == message
    assert item["path"] == "caf\udce9.md"


# --- GitHub workflow commands --------------------------------------------------------------------


def test_github_report() -> None:
    assert format_github(DIAGS) == (
        "::warning file=README.md,line=3,col=10,title=SL015 tracking-params::"
        "this URL carries tracking parameters (utm_source); remove them\n"
        "::error file=README.md,line=5,col=1,title=SL001 column-count::"
        "this row has 3 cells; the header has 2\n"
        "::notice file=docs/notes%2C v2.md,line=2,col=4,endLine=2,endColumn=9,"
        "title=SL099 progress-note::50%25 done:%0Anext step\n"
    )


def test_github_escapes_properties_and_data() -> None:
    odd = Diagnostic(
        "a:b,c%.md", 1, 2, "SL013", "empty-link", Severity.WARNING, "100%\r\nsure: yes, really"
    )
    assert format_github([odd]) == (
        "::warning file=a%3Ab%2Cc%25.md,line=1,col=2,title=SL013 empty-link::"
        "100%25%0D%0Asure: yes, really\n"
    )


def test_github_nothing_to_report() -> None:
    assert format_github([]) == ""


# --- SARIF ---------------------------------------------------------------------------------------

LEVELS = {"none", "note", "warning", "error"}


def _check_sarif(log: dict[str, Any]) -> None:
    """The parts of the SARIF 2.1.0 schema this log uses: required properties, types, enums."""
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    assert isinstance(log["runs"], list) and len(log["runs"]) == 1
    run = log["runs"][0]
    assert run["columnKind"] in {"utf16CodeUnits", "unicodeCodePoints"}
    driver = run["tool"]["driver"]
    assert isinstance(driver["name"], str) and driver["name"]
    assert isinstance(driver["version"], str)
    assert driver["informationUri"].startswith("https://")
    ids = [rule["id"] for rule in driver["rules"]]
    assert len(ids) == len(set(ids))
    for rule in driver["rules"]:
        assert isinstance(rule["id"], str)
        assert isinstance(rule["shortDescription"]["text"], str)
        assert rule["defaultConfiguration"]["level"] in LEVELS
        if "helpUri" in rule:
            assert rule["helpUri"].startswith("https://")
    for result in run["results"]:
        assert isinstance(result["message"]["text"], str)
        assert result["level"] in LEVELS
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        uri = physical["artifactLocation"]["uri"]
        assert isinstance(uri, str) and " " not in uri and "\\" not in uri
        region = physical["region"]
        for key in ("startLine", "startColumn", "endLine", "endColumn"):
            if key in region:
                assert isinstance(region[key], int) and region[key] >= 1
        assert region.get("endLine", region["startLine"]) >= region["startLine"]
        for fix in result.get("fixes", []):
            assert isinstance(fix["description"]["text"], str)
            assert fix["artifactChanges"]
            for change in fix["artifactChanges"]:
                assert isinstance(change["artifactLocation"]["uri"], str)
                assert change["replacements"]
                for replacement in change["replacements"]:
                    deleted = replacement["deletedRegion"]
                    assert deleted["charOffset"] >= 0 and deleted["charLength"] >= 0
                    assert isinstance(replacement["insertedContent"]["text"], str)


def test_sarif_report() -> None:
    out = format_sarif(DIAGS, CATALOGUE, tool_version="1.2.3")
    log = json.loads(out)
    _check_sarif(log)
    assert list(log) == ["$schema", "version", "runs"]
    assert log == {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "studylog-md",
                        "version": "1.2.3",
                        "informationUri": "https://github.com/studylog-md/studylog-md",
                        "rules": [
                            {
                                "id": "SL001",
                                "name": "column-count",
                                "shortDescription": {
                                    "text": "A row with more or fewer cells than the header."
                                },
                                "defaultConfiguration": {"level": "error"},
                                "helpUri": f"{HELP}#column-count",
                                "properties": {"fixable": True},
                            },
                            {
                                "id": "SL002",
                                "name": "unused-rule",
                                "shortDescription": {"text": "Never reported."},
                                "defaultConfiguration": {"level": "warning"},
                                "properties": {"fixable": False},
                            },
                            {
                                "id": "SL015",
                                "name": "tracking-params",
                                "shortDescription": {
                                    "text": "Tracking parameters (utm_*, fbclid, ...) in a URL."
                                },
                                "defaultConfiguration": {"level": "warning"},
                                "helpUri": f"{HELP}#tracking-params",
                                "properties": {"fixable": True},
                            },
                            {
                                "id": "SL099",
                                "name": "progress-note",
                                "shortDescription": {"text": "progress-note"},
                                "defaultConfiguration": {"level": "note"},
                                "properties": {"fixable": False},
                            },
                        ],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": [
                    {
                        "ruleId": "SL015",
                        "ruleIndex": 2,
                        "level": "warning",
                        "message": {
                            "text": "this URL carries tracking parameters (utm_source); remove them"
                        },
                        "locations": [
                            {
                                "physicalLocation": {
                                    "artifactLocation": {"uri": "README.md"},
                                    "region": {
                                        "startLine": 3,
                                        "startColumn": 10,
                                        "endLine": 3,
                                        "endColumn": 11,
                                    },
                                }
                            }
                        ],
                        "fixes": [
                            {
                                "description": {"text": "remove the tracking parameters"},
                                "properties": {"applicability": "safe"},
                                "artifactChanges": [
                                    {
                                        "artifactLocation": {"uri": "README.md"},
                                        "replacements": [
                                            {
                                                "deletedRegion": {
                                                    "charOffset": 52,
                                                    "charLength": 32,
                                                },
                                                "insertedContent": {
                                                    "text": "https://arxiv.org/abs/2201.11903"
                                                },
                                            }
                                        ],
                                    }
                                ],
                            }
                        ],
                    },
                    {
                        "ruleId": "SL001",
                        "ruleIndex": 0,
                        "level": "error",
                        "message": {"text": "this row has 3 cells; the header has 2"},
                        "locations": [
                            {
                                "physicalLocation": {
                                    "artifactLocation": {"uri": "README.md"},
                                    "region": {
                                        "startLine": 5,
                                        "startColumn": 1,
                                        "endLine": 5,
                                        "endColumn": 2,
                                    },
                                }
                            }
                        ],
                    },
                    {
                        "ruleId": "SL099",
                        "ruleIndex": 3,
                        "level": "note",
                        "message": {"text": "50% done:\nnext step"},
                        "locations": [
                            {
                                "physicalLocation": {
                                    "artifactLocation": {"uri": "docs/notes,%20v2.md"},
                                    "region": {
                                        "startLine": 2,
                                        "startColumn": 4,
                                        "endLine": 2,
                                        "endColumn": 9,
                                    },
                                }
                            }
                        ],
                    },
                ],
            }
        ],
    }


def test_sarif_with_no_findings_still_lists_the_rules() -> None:
    log = json.loads(format_sarif([], CATALOGUE, tool_version="0"))
    _check_sarif(log)
    assert log["runs"][0]["results"] == []
    assert [r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]] == [
        "SL001",
        "SL002",
        "SL015",
    ]


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("README.md", "README.md"),
        ("./docs/README.md", "docs/README.md"),
        ("docs/my notes.md", "docs/my%20notes.md"),
        ("docs/Übersicht.md", "docs/%C3%9Cbersicht.md"),
        ("bad\udc80.md", "bad%80.md"),
        ("a:b.md", "a%3Ab.md"),
        ("notes (old), v2.md", "notes%20(old),%20v2.md"),
    ],
)
def test_sarif_artifact_uris(path: str, uri: str) -> None:
    diag = Diagnostic(path, 1, 1, "SL001", "column-count", Severity.ERROR, "x")
    log = json.loads(format_sarif([diag], CATALOGUE, tool_version="0"))
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == uri


def test_sarif_absolute_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    inside = Diagnostic(
        str(tmp_path / "docs" / "a.md"), 1, 1, "SL001", "column-count", Severity.ERROR, "x"
    )
    outside = Diagnostic(
        str(tmp_path.parent / "elsewhere.md"), 1, 1, "SL001", "column-count", Severity.ERROR, "x"
    )
    log = json.loads(format_sarif([inside, outside], CATALOGUE, tool_version="0"))
    uris = [
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in log["runs"][0]["results"]
    ]
    assert uris == ["docs/a.md", (tmp_path.parent / "elsewhere.md").as_uri()]


# --- end to end: real findings, real fixes -------------------------------------------------------

LOG = (
    "# Study log\n"
    "\r\n"
    "|Resource|Progress|\n"
    "|---|---|\n"
    "|[Paper ✨](https://arxiv.org/abs/2201.11903?utm_source=hs_email&id=1)|⬜|\n"
    "|[Video](https://youtu.be/mKZ-i-UfGgQ?si=WbPR1KILC5ExC0EP)|✅|extra|\n"
)


def test_real_findings_through_every_reporter() -> None:
    doc = studylog_md.loads(LOG, path="STUDY_LOG.md")
    found = lint_document(doc, "STUDY_LOG.md")
    fixable = [d for d in found if d.fix is not None]
    assert len(fixable) >= 2, [(d.rule, d.message) for d in found]
    expected_text, _ = apply_fixes(doc, fixable)
    text = doc.dumps()

    # SARIF: applying every fix's replacements gives what the engine's apply_fixes gives.
    log = json.loads(format_sarif(found, RULES, tool_version=studylog_md.__version__))
    _check_sarif(log)
    results = log["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == [d.code for d in found]
    replacements = [
        Replacement(
            rep["deletedRegion"]["charOffset"],
            rep["deletedRegion"]["charOffset"] + rep["deletedRegion"]["charLength"],
            rep["insertedContent"]["text"],
        )
        for r in results
        for fix in r.get("fixes", [])
        for change in fix["artifactChanges"]
        for rep in change["replacements"]
    ]
    assert apply_replacements(text, replacements) == expected_text

    # JSON: the same edits.
    edits = [
        Replacement(e["start"], e["end"], e["new"])
        for item in json.loads(format_json(found))
        if item["fix"]
        for e in item["fix"]["edits"]
    ]
    assert apply_replacements(text, edits) == expected_text

    # Text and GitHub: one line per finding (plus the text summary).
    assert len(format_text(found).splitlines()) == len(found) + 1
    assert len(format_github(found).splitlines()) == len(found)

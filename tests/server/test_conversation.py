"""The conversation of issue 16, with the real server over stdio.

initialize → didOpen → the planted findings as diagnostics → the outline → hover → "Mark as
done" (byte-equal to ``toggle --to done``) → a duplicate row typed in → a new diagnostic →
the toggle command (``workspace/applyEdit``) → shutdown and exit 0. Run on the user's seed
log (skipped when ``../shared`` is absent) and on ``examples/STUDY_LOG.md`` (always).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from shared_paths import EXAMPLE, SEED

import studylog_md
from studylog_md.lint.engine import lint_document

from .edits import apply_edits, edits_of
from .lsp import LspClient

# The seed's planted findings (1-based lines), as `studylog-md lint` reports them.
SEED_LINES = {15, 16, 17, 53, 54, 66}


def _find(symbols: list[dict[str, Any]], name: str) -> dict[str, Any] | None:
    for symbol in symbols:
        if symbol["name"] == name:
            return symbol
        found = _find(symbol.get("children") or [], name)
        if found is not None:
            return found
    return None


def _entries(symbol: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The entries under a heading's symbol, its subsections' included."""
    for child in symbol.get("children") or []:
        if child["kind"] == 3:  # Namespace: a subsection
            yield from _entries(child)
        else:
            yield child


def _log(tmp_path: Path, source: Path) -> Path:
    """A copy of ``source`` in a folder of its own (a git root: no configuration above it)."""
    (tmp_path / ".git").mkdir()
    copy = tmp_path / "STUDY_LOG.md"
    shutil.copyfile(source, copy)
    return copy


def _toggle_cli(path: Path, query: str, to: str) -> bytes:
    """What `studylog-md toggle --to` writes, on another copy of the file."""
    other = path.with_name("cli_copy.md")
    shutil.copyfile(path, other)
    subprocess.run(
        [sys.executable, "-m", "studylog_md", "toggle", str(other), query, "--to", to],
        check=True,
        capture_output=True,
    )
    return other.read_bytes()


@pytest.mark.slow  # starting the server (pygls, lsprotocol, cattrs imports) takes ~1-2 s
@pytest.mark.parametrize(
    ("source", "section"),
    [pytest.param(SEED, "ML Papers", id="seed"), pytest.param(EXAMPLE, "Papers", id="example")],
)
def test_the_conversation(tmp_path: Path, source: Path, section: str) -> None:
    if source == SEED and not SEED.is_file():
        pytest.skip("../shared/seed/STUDY_LOG.md is not here (a user's clone has none)")
    path = _log(tmp_path, source)
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    client = LspClient(cwd=tmp_path)
    try:
        caps = client.initialize(tmp_path)["capabilities"]
        assert caps["codeActionProvider"] and caps["documentSymbolProvider"]
        assert set(caps["executeCommandProvider"]["commands"]) >= {
            "studylog-md.toggle",
            "studylog-md.stats",
        }

        # didOpen: the findings of `studylog-md lint`, as diagnostics on the same lines.
        uri = client.open(path, text)
        found = client.diagnostics(uri, version=1)
        expected = lint_document(studylog_md.loads(text, path=str(path)), str(path))
        assert [(d["range"]["start"]["line"] + 1, d["code"]) for d in found] == [
            (f.line, f.code) for f in expected
        ]
        if source == SEED:
            assert {d["range"]["start"]["line"] + 1 for d in found} == SEED_LINES
        first = found[0]
        assert first["source"] == "studylog-md"
        assert first["codeDescription"]["href"].endswith("docs/rules.md#" + first["data"]["rule"])
        assert first["severity"] == 2  # warning

        # The outline: the section, with U-Net under it, its status in the detail.
        symbols = client.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
        papers = _find(symbols, section)
        assert papers is not None and papers["kind"] == 3  # Namespace
        unet = [c for c in papers["children"] if c["name"].startswith("U-Net")]
        assert len(unet) == 1 and "to do" in unet[0]["detail"]
        line = unet[0]["range"]["start"]["line"]
        assert lines[line].startswith("|[U-Net")

        # Hover on U-Net: title, status, section.
        hover = client.request(
            "textDocument/hover",
            {"textDocument": {"uri": uri}, "position": {"line": line, "character": 3}},
        )
        value = hover["contents"]["value"]
        assert "U-Net: Convolutional Networks" in value and "Status: to do" in value
        assert section in value

        # Completion in U-Net's status cell: the markers the table uses; a lens per section.
        marker_at = len(lines[line][: lines[line].index("|⬜|") + 1].encode("utf-16-le")) // 2
        completion = client.request(
            "textDocument/completion",
            {"textDocument": {"uri": uri}, "position": {"line": line, "character": marker_at}},
        )
        labels = [item["label"] for item in completion["items"]]
        assert {"⬜", "✅"} <= set(labels)
        assert all(
            item["textEdit"]["range"]["start"]["line"] == line for item in completion["items"]
        )
        lenses = client.request("textDocument/codeLens", {"textDocument": {"uri": uri}})
        heading = papers["range"]["start"]["line"]
        (lens,) = [lens for lens in lenses if lens["range"]["start"]["line"] == heading]
        entries = list(_entries(papers))  # its subsections' entries count too
        done_count = sum(e["detail"].startswith("done") for e in entries)
        assert lens["command"]["title"] == f"{done_count}/{len(entries)} done"

        # "Mark as done": exactly what `toggle --to done` writes, one marker changed.
        actions = client.request(
            "textDocument/codeAction",
            {
                "textDocument": {"uri": uri},
                "range": {
                    "start": {"line": line, "character": 0},
                    "end": {"line": line, "character": 0},
                },
                "context": {"diagnostics": []},
            },
        )
        titles = [a["title"] for a in actions]
        assert "Mark as done" in titles and "Mark as in progress" in titles
        assert "Mark as to do" not in titles  # it is to do already
        done = next(a for a in actions if a["title"] == "Mark as done")
        edits = edits_of(done["edit"], uri)
        assert len(edits) == 1 and edits[0]["newText"] == "✅"
        assert edits[0]["range"]["start"]["line"] == edits[0]["range"]["end"]["line"] == line
        after = apply_edits(text, edits)
        assert after.encode("utf-8") == _toggle_cli(path, "U-Net: Convolutional", "done")
        assert [
            n for n, (a, b) in enumerate(zip(text.split("\n"), after.split("\n"))) if a != b
        ] == [line]

        # Type a duplicate of the row under it (incremental sync): a new finding there.
        start = len(client.notifications)
        client.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": 2},
                "contentChanges": [
                    {
                        "range": {
                            "start": {"line": line + 1, "character": 0},
                            "end": {"line": line + 1, "character": 0},
                        },
                        "text": lines[line] + "\n",
                    }
                ],
            },
        )
        again = client.diagnostics(uri, version=2, start=start)
        new = [d for d in again if d["range"]["start"]["line"] == line + 1]
        # An exact repeat (same title, same URL) is one finding, duplicate-url's (issue 12).
        assert "duplicate-url" in {d["data"]["rule"] for d in new}
        assert "duplicate-title" not in {d["data"]["rule"] for d in new}
        assert len(again) >= len(found) + 1

        # The toggle command: the server asks the client to apply the edit.
        result = client.request(
            "workspace/executeCommand",
            {"command": "studylog-md.toggle", "arguments": [uri, line]},
        )
        assert result == {"applied": True, "status": "done"}
        applies = [r for r in client.server_requests if r["method"] == "workspace/applyEdit"]
        assert len(applies) == 1
        toggle_edits = edits_of(applies[0]["params"]["edit"], uri)
        assert [e["newText"] for e in toggle_edits] == ["✅"]
        assert toggle_edits[0]["range"]["start"]["line"] == line

        # The stats command: `stats --format json` of the editor's text (one more to do: the
        # duplicate typed above; the toggle's edit was the client's to apply, and it did not).
        stats = client.request(
            "workspace/executeCommand", {"command": "studylog-md.stats", "arguments": [uri]}
        )
        cli = subprocess.run(
            [sys.executable, "-m", "studylog_md", "stats", "--format", "json", str(path)],
            capture_output=True,
            check=True,
            text=True,
        )
        on_disk = json.loads(cli.stdout)
        assert stats["done"] == on_disk["done"]
        assert (stats["todo"], stats["total"]) == (on_disk["todo"] + 1, on_disk["total"] + 1)

        assert client.shutdown() == 0
    finally:
        client.close()

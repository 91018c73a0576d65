"""A client that resolves code actions (VS Code, Neovim) gets them without edits, then the
edit of the one it picks: a large log is not parsed again for every cursor move."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest
from shared_paths import EXAMPLE

from .edits import apply_edits, edits_of
from .lsp import CAPABILITIES, LspClient

pytestmark = pytest.mark.slow  # starts a server process (~1-2 s)


def test_actions_are_resolved_on_demand(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    path = tmp_path / "STUDY_LOG.md"
    shutil.copyfile(EXAMPLE, path)
    text = path.read_text(encoding="utf-8")
    line = next(n for n, t in enumerate(text.split("\n")) if t.startswith("|[U-Net"))
    capabilities = copy.deepcopy(CAPABILITIES)
    capabilities["textDocument"]["codeAction"]["resolveSupport"] = {"properties": ["edit"]}
    capabilities["workspace"]["workspaceEdit"]["documentChanges"] = False
    client = LspClient(cwd=tmp_path)
    try:
        client.initialize(tmp_path, capabilities=capabilities)
        uri = client.open(path, text)
        client.diagnostics(uri)
        found = client.request(
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
        by_title = {a["title"]: a for a in found}
        assert {"Mark as done", "Mark as in progress", "Fix all safe problems"} <= set(by_title)
        assert all("edit" not in a for a in found if a["kind"] != "quickfix")
        done = client.request("codeAction/resolve", by_title["Mark as done"])
        edits = edits_of(done["edit"], uri)
        assert "changes" in done["edit"]  # the client said it takes no documentChanges
        assert [e["newText"] for e in edits] == ["✅"]
        after = apply_edits(text, edits)
        assert after.replace("✅", "⬜") == text.replace("✅", "⬜") and after != text
        fixed = client.request("codeAction/resolve", by_title["Fix all safe problems"])
        assert edits_of(fixed["edit"], uri)
        assert client.shutdown() == 0
    finally:
        client.close()


def test_a_client_that_counts_in_utf8_gets_utf8_positions(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    row = "|[📚 Ä](https://a.example/?utm_source=x)|⬜|"
    text = f"|Resource|Progress|\n|---|---|\n{row}\n"
    capabilities = copy.deepcopy(CAPABILITIES)
    capabilities["general"]["positionEncodings"] = ["utf-8", "utf-16"]
    client = LspClient(cwd=tmp_path)
    try:
        caps = client.initialize(tmp_path, capabilities=capabilities)["capabilities"]
        assert caps["positionEncoding"] == "utf-8"
        uri = client.open(tmp_path / "LOG.md", text)
        (found,) = client.diagnostics(uri)
        url = "https://a.example/?utm_source=x"
        start = len(row[: row.index(url)].encode("utf-8"))
        assert found["range"]["start"] == {"line": 2, "character": start}
        assert found["range"]["end"] == {"line": 2, "character": start + len(url)}
        # A position sent in UTF-8 units: the marker, 3 bytes after its cell's pipe.
        marker = len(row[: row.index("⬜")].encode("utf-8"))
        actions = client.request(
            "textDocument/codeAction",
            {
                "textDocument": {"uri": uri},
                "range": {
                    "start": {"line": 2, "character": marker},
                    "end": {"line": 2, "character": marker},
                },
                "context": {"diagnostics": [], "only": ["refactor"]},
            },
        )
        done = next(a for a in actions if a["title"] == "Mark as done")
        (edit,) = edits_of(done["edit"], uri)
        assert edit["range"]["start"] == {"line": 2, "character": marker}
        assert edit["range"]["end"] == {"line": 2, "character": marker + 3}
        assert client.shutdown() == 0
    finally:
        client.close()

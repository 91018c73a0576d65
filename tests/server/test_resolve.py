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

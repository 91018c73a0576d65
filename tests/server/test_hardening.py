"""Input that must never crash the server: binary text, a 1 MB line, a document closed while
it is being linted, a configuration file with errors (shown on the configuration itself).

One server process serves the whole module (starting one costs more than these tests); each
test ends by checking that it still answers.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

import studylog_md

from .lsp import LspClient, uri_of

pytestmark = pytest.mark.slow  # the module starts a server process (~1-2 s)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LspClient]:
    root = tmp_path_factory.mktemp("workspace")
    (root / ".git").mkdir()
    lsp = LspClient(cwd=root)
    lsp.initialize(root)
    lsp.root = root  # type: ignore[attr-defined]
    yield lsp
    assert lsp.shutdown() == 0
    lsp.close()


def _alive(client: LspClient, uri: str) -> None:
    symbols = client.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
    assert isinstance(symbols, list)


def test_a_binary_buffer_is_one_unreadable_file_finding(client: LspClient) -> None:
    path = client.root / "binary.md"  # type: ignore[attr-defined]
    text = "\x00" * 4096 + "text\n"
    uri = client.open(path, text)
    found = client.diagnostics(uri)
    assert [d["code"] for d in found] == ["SL020"]
    # What `studylog-md lint` says about the same bytes.
    with pytest.raises(studylog_md.EncodingError) as refused:
        studylog_md.load_bytes(text.encode("utf-8"))
    assert found[0]["message"].startswith(str(refused.value))
    assert client.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}}) == []
    hover = client.request(
        "textDocument/hover",
        {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 5}},
    )
    assert hover is None


def test_random_bytes_as_an_editor_decodes_them(client: LspClient) -> None:
    # An editor shows an undecodable file with U+FFFD for each bad byte: valid text, junk.
    path = client.root / "random.md"  # type: ignore[attr-defined]
    junk = bytes(range(256)) * 8 + os.urandom(20_000)
    uri = client.open(path, junk.decode("utf-8", "replace"))
    assert isinstance(client.diagnostics(uri), list)
    for kind in ("textDocument/documentSymbol", "textDocument/codeLens"):
        assert isinstance(client.request(kind, {"textDocument": {"uri": uri}}), list)
    actions = client.request(
        "textDocument/codeAction",
        {
            "textDocument": {"uri": uri},
            "range": {"start": {"line": 3, "character": 7}, "end": {"line": 9, "character": 0}},
            "context": {"diagnostics": []},
        },
    )
    assert isinstance(actions, list)


def test_a_one_megabyte_line(client: LspClient) -> None:
    path = client.root / "long.md"  # type: ignore[attr-defined]
    row = "|[A](https://a.example/x)|✅|" + "x" * 1_000_000 + "|\n"
    text = "# Log\n\n|Resource|Progress|\n|---|---|\n" + row
    uri = client.open(path, text)
    found = client.diagnostics(uri)
    assert [d["data"]["rule"] for d in found] == ["column-count"]
    # A position far out on the line, in UTF-16 units past the end: clamped, not a crash.
    actions = client.request(
        "textDocument/codeAction",
        {
            "textDocument": {"uri": uri},
            "range": {
                "start": {"line": 4, "character": 2_000_000},
                "end": {"line": 4, "character": 2_000_000},
            },
            "context": {"diagnostics": []},
        },
    )
    assert "Mark as to do" in [a["title"] for a in actions]


def test_a_document_closed_mid_lint(client: LspClient, tmp_path: Path) -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    big = subprocess.run(
        [sys.executable, str(root / "benchmarks" / "generate.py"), "3000"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    path = client.root / "big.md"  # type: ignore[attr-defined]
    start = len(client.notifications)
    uri = client.open(path, big)
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    # The worker runs one job at a time: when this answers, the lint of big.md has ended.
    other = client.open(client.root / "small.md", "# S\n")  # type: ignore[attr-defined]
    _alive(client, other)
    published = [
        m["params"]["diagnostics"]
        for m in client.notifications[start:]
        if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
    ]
    assert published and published[-1] == []  # closing clears; a late lint never republishes
    # Requests about the closed document get empty answers.
    assert client.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}}) is None


def test_a_broken_config_is_a_diagnostic_on_the_config(client: LspClient) -> None:
    root: Path = client.root  # type: ignore[attr-defined]
    folder = root / "project"
    folder.mkdir()
    config = folder / ".studylog-md.toml"
    config.write_text('# settings\nignore = ["no-such-rule"]\n', encoding="utf-8")
    path = folder / "LOG.md"
    text = "|Resource|Progress|\n|---|---|\n|[A](https://a.example)|✅|extra|\n"
    start = len(client.notifications)
    uri = client.open(path, text)
    # The document is still linted (with the defaults)...
    assert [d["data"]["rule"] for d in client.diagnostics(uri, start=start)] == ["column-count"]
    # ...and the configuration file shows what is wrong, on the line of the key.
    on_config = client.diagnostics(uri_of(config), start=start)
    assert len(on_config) == 1
    assert "no-such-rule" in on_config[0]["message"]
    assert on_config[0]["range"]["start"]["line"] == 1
    assert on_config[0]["severity"] == 1
    # Fixed on disk and announced: the error goes away and the new settings apply.
    config.write_text('ignore = ["column-count"]\n', encoding="utf-8")
    start = len(client.notifications)
    client.notify(
        "workspace/didChangeWatchedFiles", {"changes": [{"uri": uri_of(config), "type": 2}]}
    )
    assert client.diagnostics(uri, start=start) == []
    assert client.diagnostics(uri_of(config), start=start) == []


def test_a_burst_of_changes_is_linted_once(client: LspClient) -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    big = subprocess.run(
        [sys.executable, str(root / "benchmarks" / "generate.py"), "3000"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    path = client.root / "burst.md"  # type: ignore[attr-defined]
    start = len(client.notifications)
    uri = client.open(path, big)
    # Five keystrokes while the first lint runs: typed into the first heading, one at a time.
    for version in range(2, 7):
        client.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [
                    {
                        "range": {
                            "start": {"line": 0, "character": 2},
                            "end": {"line": 0, "character": 2},
                        },
                        "text": "x",
                    }
                ],
            },
        )
    client.diagnostics(uri, version=6, start=start)
    versions = [
        m["params"].get("version")
        for m in client.notifications[start:]
        if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
    ]
    # Never a result for a version that was already out of date; the last one is linted.
    assert versions[-1] == 6 and not set(versions) & {2, 3, 4, 5}
    symbols = client.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
    assert symbols[0]["name"].startswith("xxxxx")  # the five characters, in the server's text

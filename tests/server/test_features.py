"""What the server answers, computed in-process on a snapshot (no server process)."""

from __future__ import annotations

from pathlib import Path

from studylog_md.server import actions, outline
from studylog_md.server.diagnostics import diagnostics
from studylog_md.server.snapshot import Snapshot, build
from studylog_md.server.text import UTF16

from .edits import apply_edits, edits_of

LOG = """\ufeff# Plan

## Papers 📚

|Resource|Progress|Notes|
|---|---|---|
|[📚 U-Net](https://arxiv.org/abs/1505.04597)|⬜|a|
|[ResNet](https://arxiv.org/abs/1512.03385?utm_source=x)|✅|b|
|[ViT](https://arxiv.org/abs/2010.11929)|✅|

## Tasks

- [ ] read the book
"""


def _snap(tmp_path: Path, text: str = LOG) -> Snapshot:
    (tmp_path / ".git").mkdir(exist_ok=True)
    return build((tmp_path / "LOG.md").as_uri(), 1, text, UTF16)


def test_ranges_are_utf16_and_count_the_bom(tmp_path: Path) -> None:
    snap = _snap(tmp_path)
    found = {d["data"]["rule"]: d for d in diagnostics(snap)}
    tracking = found["tracking-params"]["range"]
    line = LOG.split("\n")[7]
    url = "https://arxiv.org/abs/1512.03385?utm_source=x"
    assert tracking["start"] == {"line": 7, "character": line.index(url)}
    assert tracking["end"] == {"line": 7, "character": line.index(url) + len(url)}
    # A missing cell at the end of the row: the last pipe is underlined.
    row = LOG.split("\n")[8]
    missing = found["column-count"]["range"]
    assert missing["start"] == {"line": 8, "character": len(row) - 1}
    assert missing["end"] == {"line": 8, "character": len(row)}


def test_mark_as_done_keeps_the_bom_and_the_emoji(tmp_path: Path) -> None:
    snap = _snap(tmp_path)
    titles = {a.title: a for a in actions.status_actions(snap, 6, lazy=False, versioned=False)}
    assert set(titles) == {"Mark as done", "Mark as in progress"}
    edit = titles["Mark as done"].edit
    assert edit is not None and edit.changes is not None
    (text_edit,) = edit.changes[snap.uri]
    # "|[📚 U-Net](…)|" before the marker: the 📚 counts twice in UTF-16.
    line = LOG.split("\n")[6]
    assert text_edit.range.start.character == line.index("⬜") + 1
    assert text_edit.new_text == "✅"


def test_a_task_is_done_or_to_do_only(tmp_path: Path) -> None:
    snap = _snap(tmp_path)
    assert [a.title for a in actions.status_actions(snap, 12, lazy=False, versioned=False)] == [
        "Mark as done"
    ]


def test_fix_all_is_what_fix_writes(tmp_path: Path) -> None:
    from studylog_md import loads
    from studylog_md.lint.engine import fix_until_stable

    snap = _snap(tmp_path)
    action = actions.fix_all(snap, versioned=True)
    assert action is not None and action.edit is not None
    from lsprotocol.converters import get_converter

    raw = get_converter().unstructure(action.edit)  # the JSON the client receives
    expected, count = fix_until_stable(loads(LOG, path=snap.name), snap.name, snap.options)
    assert count == 2
    assert apply_edits(LOG, edits_of(raw, snap.uri)) == "\ufeff" + expected


def test_outline_lenses_and_completion(tmp_path: Path) -> None:
    snap = _snap(tmp_path)
    (plan,) = outline.symbols(snap)
    assert plan.name == "Plan"
    assert [c.name for c in plan.children or []] == ["Papers 📚", "Tasks"]
    papers = (plan.children or [])[0]
    assert [(c.name, c.detail) for c in papers.children or []] == [
        ("📚 U-Net", "to do (⬜)"),
        ("ResNet", "done (✅)"),
        ("ViT", "done (✅)"),
    ]
    assert [lens.command.title for lens in outline.lenses(snap) if lens.command] == [
        "2/4 done",  # Plan: its sections' entries
        "2/3 done",
        "0/1 done",
    ]
    line = LOG.split("\n")[6]
    items = outline.completions(snap, 6, line.index("⬜"))
    assert [i.label for i in items] == ["⬜", "✅", "🚧"]
    assert outline.completions(snap, 6, 3) == []  # the title cell


def test_stats_is_the_stats_json(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    snap = _snap(tmp_path)
    (tmp_path / "LOG.md").write_text(LOG, encoding="utf-8")
    cli = subprocess.run(
        [sys.executable, "-m", "studylog_md", "stats", "--format", "json", snap.name],
        capture_output=True,
        check=True,
        text=True,
    )
    assert actions.stats(snap) == json.loads(cli.stdout)


def test_a_quick_fix_is_the_rule_s_own_fix(tmp_path: Path) -> None:
    from studylog_md.lint.engine import apply_fixes

    snap = _snap(tmp_path)
    (action,) = actions.quick_fixes(snap, 7, 7, versioned=False)
    assert action.kind == "quickfix" and action.is_preferred
    assert action.diagnostics is not None and action.diagnostics[0].code == "SL015"
    assert action.edit is not None and action.edit.changes is not None
    edits = [
        {
            "range": {
                "start": {"line": e.range.start.line, "character": e.range.start.character},
                "end": {"line": e.range.end.line, "character": e.range.end.character},
            },
            "newText": e.new_text,
        }
        for e in action.edit.changes[snap.uri]
    ]
    assert snap.doc is not None
    finding = next(f for f in snap.findings() if f.rule == "tracking-params")
    expected, count = apply_fixes(snap.doc, [finding])
    assert count == 1
    assert apply_edits(LOG, edits) == "\ufeff" + expected


def test_an_unsafe_fix_is_labelled_and_left_out_of_fix_all(tmp_path: Path) -> None:
    # A line glued under a table leaves it with the fix: the page shows one row fewer, so the
    # fix is unsafe (row-without-pipes).
    snap = _snap(tmp_path, "|Resource|Progress|\n|---|---|\n|[A](https://a.example)|✅|\nDone.\n")
    fixes = [d.fix for d in snap.findings() if d.fix is not None]
    assert [fix.applicability for fix in fixes] == ["unsafe"]
    (action,) = actions.quick_fixes(snap, 0, 5, versioned=False)
    assert action.title == "add a blank line before it (unsafe fix)" and not action.is_preferred
    assert actions.fix_all(snap, versioned=False) is None


def test_hover_shows_the_cached_verdict_and_makes_no_request(tmp_path: Path) -> None:
    from studylog_md.linkcheck.cache import LinkCache
    from studylog_md.linkcheck.options import LinkResult

    snap = _snap(tmp_path)
    hover = outline.hover(snap, 6)
    assert hover is not None and "Link check" not in str(hover.contents)
    assert not (tmp_path / ".studylog-md-cache.sqlite").exists()  # hover never creates it
    # What `check-links` leaves behind (the cache beside the file: no pyproject.toml above).
    cache = LinkCache(tmp_path / ".studylog-md-cache.sqlite", max_age=86400)
    url = "https://arxiv.org/abs/1505.04597"
    cache.put(LinkResult(url, "ok", 200, "200 OK"), "headers=")
    cache.close()
    hover = outline.hover(snap, 6)
    assert hover is not None
    text = hover.contents.value  # type: ignore[union-attr]
    assert "Status: to do (⬜)" in text and "Papers 📚" in text
    assert f"- ok (HTTP 200): <{url}>" in text
    # Read without a trace: no side files, the cache's bytes unchanged.
    files = sorted(p.name for p in tmp_path.iterdir() if "cache" in p.name)
    assert files == [".studylog-md-cache.sqlite"]
    before = (tmp_path / ".studylog-md-cache.sqlite").read_bytes()
    outline.hover(snap, 6)
    assert (tmp_path / ".studylog-md-cache.sqlite").read_bytes() == before


def test_hover_ignores_a_file_that_is_not_our_cache(tmp_path: Path) -> None:
    import sqlite3

    snap = _snap(tmp_path)
    other = sqlite3.connect(tmp_path / ".studylog-md-cache.sqlite")
    other.execute(
        "CREATE TABLE results (url, context, verdict, status, detail, final_url, checked_at)"
    )
    other.execute(
        "INSERT INTO results VALUES (?, 'headers=', 'ok', 200, 'x', NULL, strftime('%s'))",
        ("https://arxiv.org/abs/1505.04597",),
    )
    other.commit()
    other.close()
    hover = outline.hover(snap, 6)
    assert hover is not None and "Link check" not in str(hover.contents)


def test_fix_all_waits_to_be_asked_for(tmp_path: Path) -> None:
    snap = _snap(tmp_path)

    def titles(only: list[str] | None, lazy: bool) -> dict[str, bool]:
        found = actions.code_actions(snap, 6, 6, only, lazy=lazy, versioned=False)
        return {a.title: a.edit is not None for a in found if a.kind == "source.fixAll"}

    # On every cursor move (no kinds asked for) it is not linted to the end...
    assert titles(None, lazy=False) == {}
    assert titles(None, lazy=True) == {"Fix all safe problems": False}  # resolved on demand
    # ...when asked for by name (on save), it comes with its edit.
    assert titles(["source.fixAll"], lazy=True) == {"Fix all safe problems": True}
    assert titles(["source"], lazy=False) == {"Fix all safe problems": True}
    assert titles(["quickfix"], lazy=True) == {}
    lazy = actions.fix_all(snap, versioned=False, lazy=True)
    eager = actions.fix_all(snap, versioned=False)
    assert lazy is not None and eager is not None and lazy.edit is None
    assert actions.resolve(snap, lazy, versioned=False)
    assert lazy.edit == eager.edit


def test_an_untitled_buffer_is_linted_with_the_defaults() -> None:
    snap = build(
        "untitled:Untitled-1", 3, "|Resource|Progress|\n|---|---|\n|[A](x.md)|✅|b|\n", UTF16
    )
    assert snap.path is None and snap.config_error is None
    # No file, so no folder to resolve x.md in: only the row's extra cell is reported.
    assert [d["data"]["rule"] for d in diagnostics(snap)] == ["column-count"]


def test_a_file_uri_with_escapes_names_the_file(tmp_path: Path) -> None:
    from studylog_md.server.snapshot import path_of

    folder = tmp_path / "my notes #1"
    folder.mkdir()
    file = folder / "ünïcode log.md"
    assert path_of(file.as_uri()) == file
    assert path_of("untitled:Untitled-1") is None

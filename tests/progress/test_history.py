"""``studylog-md history`` against real git repositories built with fixed commit dates."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

import studylog_md
from studylog_md.cli import main
from studylog_md.progress.history import match_entries, title_key, url_key

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

HEAD = "# Log\n\n## Papers\n\n|Resource|Progress|Notes|\n|---|---|---|\n"
ATTENTION = "|[Attention is all you need](https://arxiv.org/abs/1706.03762)|{}|{}|\n"
UNET = "|[U-Net](https://arxiv.org/abs/1505.04597)|{}|{}|\n"
RESNET = "|[ResNet](https://arxiv.org/abs/1512.03385)|{}|{}|\n"
YOLO = "|[YOLO](https://arxiv.org/abs/1506.02640)|{}|{}|\n"

# (date, message, file text). Statuses: ⬜ to do, ✅ done, 🚧 in progress.
VERSIONS = [
    (
        "2026-01-10T09:00:00+01:00",
        "start the log",
        HEAD + ATTENTION.format("⬜", "") + UNET.format("✅", "") + RESNET.format("⬜", ""),
    ),
    (
        # Reorder the rows and finish Attention.
        "2026-02-03T20:15:00+01:00",
        "reorder, finish attention",
        HEAD + RESNET.format("⬜", "") + UNET.format("✅", "") + ATTENTION.format("✅", ""),
    ),
    (
        # Only the notes column changes: no event.
        "2026-02-20T08:00:00-05:00",
        "notes",
        HEAD
        + RESNET.format("⬜", "skim first")
        + UNET.format("✅", "great")
        + ATTENTION.format("✅", "transformers"),
    ),
    (
        # Start ResNet (and edit its title), reopen U-Net, add YOLO to do.
        "2026-03-01T12:00:00+00:00",
        "start resnet",
        HEAD
        + RESNET.format("🚧", "skim first").replace("[ResNet]", "[Deep Residual Learning]")
        + UNET.format("⬜", "great")
        + ATTENTION.format("✅", "transformers")
        + YOLO.format("⬜", ""),
    ),
    (
        "2026-03-15T18:30:00+00:00",
        "finish resnet",
        HEAD
        + RESNET.format("✅", "skim first").replace("[ResNet]", "[Deep Residual Learning]")
        + UNET.format("⬜", "great")
        + ATTENTION.format("✅", "transformers")
        + YOLO.format("⬜", ""),
    ),
]


def git(repo: Path, *args: str, date: str | None = None) -> str:
    env = dict(os.environ)
    if date:
        env.update({"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date})
    done = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, list[str]]:
    """A repository whose log.md went through VERSIONS; returns it and the commit hashes."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    hashes = []
    for date, message, text in VERSIONS:
        (root / "log.md").write_bytes(text.encode("utf-8"))
        git(root, "add", "log.md")
        git(root, "commit", "-q", "-m", message, date=date)
        hashes.append(git(root, "rev-parse", "HEAD").strip())
    return root, hashes


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["history", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_json_events(capsys: pytest.CaptureFixture[str], repo: tuple[Path, list[str]]) -> None:
    root, hashes = repo
    code, out, err = run(capsys, str(root / "log.md"), "--format", "json")
    assert code == 0, err
    events = json.loads(out)
    got = [(e["commit"], e["event"], e["title"], e["previous"], e["status"]) for e in events]
    assert got == [
        (hashes[0], "added", "Attention is all you need", None, "todo"),
        (hashes[0], "finished", "U-Net", None, "done"),
        (hashes[0], "added", "ResNet", None, "todo"),
        # The reorder moved every row, yet only Attention changed.
        (hashes[1], "finished", "Attention is all you need", "todo", "done"),
        # The notes commit (hashes[2]) has no event. The title edit is followed by URL.
        (hashes[3], "started", "Deep Residual Learning", "todo", "in-progress"),
        (hashes[3], "reopened", "U-Net", "done", "todo"),
        (hashes[3], "added", "YOLO", None, "todo"),
        (hashes[4], "finished", "Deep Residual Learning", "in-progress", "done"),
    ]
    first = events[0]
    assert first["date"] == "2026-01-10T09:00:00+01:00"
    assert datetime.fromisoformat(events[4]["date"]).utcoffset() is not None
    assert first["section"] == ["Log", "Papers"]
    assert first["line"] == 7
    assert first["url"] == "https://arxiv.org/abs/1706.03762"
    assert events[3]["line"] == 9  # Attention's line in the reordered version
    assert all(len(e["commit"]) == 40 for e in events)


def test_text_groups_by_month(
    capsys: pytest.CaptureFixture[str], repo: tuple[Path, list[str]]
) -> None:
    root, hashes = repo
    code, out, _ = run(capsys, str(root / "log.md"))
    assert code == 0
    assert out.splitlines() == [
        "Finished in January 2026 (1):",
        f"  2026-01-10  U-Net  ({hashes[0][:7]})",
        "Added in January 2026: 2 new entries to do",
        "",
        "Finished in February 2026 (1):",
        f"  2026-02-03  Attention is all you need  ({hashes[1][:7]})",
        "",
        "Finished in March 2026 (1):",
        f"  2026-03-15  Deep Residual Learning  ({hashes[4][:7]})",
        "Started in March 2026 (1):",
        f"  2026-03-01  Deep Residual Learning  ({hashes[3][:7]})",
        "Reopened in March 2026 (1):",
        f"  2026-03-01  U-Net  ({hashes[3][:7]})  [done → todo]",
        "Added in March 2026: 1 new entry to do",
    ]


def test_since(capsys: pytest.CaptureFixture[str], repo: tuple[Path, list[str]]) -> None:
    root, _ = repo
    code, out, _ = run(capsys, str(root / "log.md"), "--since", "2026-03-01", "--format", "json")
    assert code == 0
    events = json.loads(out)
    assert {e["date"][:10] for e in events} == {"2026-03-01", "2026-03-15"}
    assert len(events) == 4
    code, out, _ = run(
        capsys, str(root / "log.md"), "--since", "2026-03-01T12:00:01Z", "--format", "json"
    )
    assert [e["title"] for e in json.loads(out)] == ["Deep Residual Learning"]
    code, _, err = run(capsys, str(root / "log.md"), "--since", "last week")
    assert code == 2
    assert "--since" in err


def test_renames_are_followed(
    capsys: pytest.CaptureFixture[str], repo: tuple[Path, list[str]]
) -> None:
    root, hashes = repo
    git(root, "mv", "log.md", "STUDY_LOG.md")
    text = (
        (root / "STUDY_LOG.md")
        .read_text(encoding="utf-8")
        .replace(
            "[YOLO](https://arxiv.org/abs/1506.02640)|⬜",
            "[YOLO](https://arxiv.org/abs/1506.02640)|✅",
        )
    )
    (root / "STUDY_LOG.md").write_text(text, encoding="utf-8")
    git(root, "add", "STUDY_LOG.md")
    git(root, "commit", "-q", "-m", "rename", date="2026-04-02T10:00:00+02:00")
    code, out, _ = run(capsys, str(root / "STUDY_LOG.md"), "--format", "json")
    assert code == 0
    events = json.loads(out)
    assert len(events) == 9  # the rename did not re-add anything
    assert (events[-1]["title"], events[-1]["previous"], events[-1]["status"]) == (
        "YOLO",
        "todo",
        "done",
    )
    assert events[0]["commit"] == hashes[0]


def test_run_from_another_folder_with_a_relative_path(
    capsys: pytest.CaptureFixture[str],
    repo: tuple[Path, list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root, _ = repo
    (root / "docs").mkdir()
    git(root, "mv", "log.md", "docs/log.md")
    git(root, "commit", "-q", "-m", "move", date="2026-04-01T10:00:00+00:00")
    monkeypatch.chdir(root / "docs")
    code, out, err = run(capsys, "log.md", "--format", "json")
    assert code == 0, err
    assert len(json.loads(out)) == 8


def test_outside_a_repository_is_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "log.md"
    log.write_text(VERSIONS[0][2], encoding="utf-8")
    # However the temp folder is set up, git must not find a repository above it.
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    code, out, err = run(capsys, str(log))
    assert code == 2
    assert "not inside a git repository" in err
    assert out == ""


def test_untracked_file_is_exit_2(
    capsys: pytest.CaptureFixture[str], repo: tuple[Path, list[str]]
) -> None:
    root, _ = repo
    (root / "new.md").write_text(VERSIONS[0][2], encoding="utf-8")
    code, _, err = run(capsys, str(root / "new.md"))
    assert code == 2
    assert "git does not track" in err


def test_git_missing_is_exit_2(
    capsys: pytest.CaptureFixture[str],
    repo: tuple[Path, list[str]],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    root, _ = repo
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    code, _, err = run(capsys, str(root / "log.md"))
    assert code == 2
    assert "git is not installed" in err


def test_unparseable_versions_are_skipped_with_a_warning(
    capsys: pytest.CaptureFixture[str], repo: tuple[Path, list[str]]
) -> None:
    root, _ = repo
    (root / "log.md").write_bytes("# Log\n".encode("utf-16"))
    git(root, "commit", "-q", "-am", "oops", date="2026-05-01T10:00:00+00:00")
    (root / "log.md").write_text(VERSIONS[-1][2], encoding="utf-8")
    git(root, "commit", "-q", "-am", "fixed", date="2026-05-02T10:00:00+00:00")
    code, out, err = run(capsys, str(root / "log.md"), "--format", "json")
    assert code == 0
    assert "warning: skipped" in err and "UTF-16" in err
    assert len(json.loads(out)) == 8  # the broken version is not a mass deletion + re-add


# -- matching (pure) ----------------------------------------------------------------------------


def test_keys() -> None:
    # One URL key with add and the duplicate rules (document/identity.py): canonical_url's.
    assert url_key("https://www.Example.org/a/?utm_source=x&b=1#top") == "example.org/a?b=1"
    assert url_key("#setup") is None  # a link into the file is navigation, not a resource
    assert url_key("http://example.org/a") == url_key("https://example.org/a/")
    assert url_key(None) is None
    assert title_key("  Attention  Is All\tYou Need. ") == "attention is all you need"


def test_duplicates_pair_in_order_and_edits_are_followed() -> None:
    old = studylog_md.loads(
        "|Resource|Progress|\n|---|---|\n"
        "|[Linear Algebra](https://a.example/la)|✅|\n"
        "|[Calculus](https://a.example/spec)|✅|\n"
        "|[Linear Algebra](https://a.example/spec)|⬜|\n"
        "|Plain title|⬜|\n"
    ).entries
    new = studylog_md.loads(
        "|Resource|Progress|\n|---|---|\n"
        "|[Linear Algebra](https://a.example/spec)|⬜|\n"  # was row 2 (same URL and title)
        "|[Plain title](https://new.example)|⬜|\n"  # a link was added: title match
        "|[Calculus II](https://a.example/spec)|✅|\n"  # title edited: URL match
        "|[Linear Algebra](https://a.example/la)|✅|\n"
        "|Brand new|⬜|\n"
    ).entries
    assert match_entries(old, new) == [(2, 0), (3, 1), (1, 2), (0, 3), (None, 4)]

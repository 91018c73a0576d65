"""The pre-commit hooks, run by the real ``pre-commit`` on a throw-away repository.

``pre-commit try-repo`` installs the hooks repository exactly as a user's
``.pre-commit-config.yaml`` would: it clones it, builds a virtualenv and pip-installs the
project from PyPI dependencies. That is slow (about 20-40 s per environment), so the module
fixture starts everything at once and the tests only read the results:

* ``try-repo ... studylog-md`` on a bad log (one environment, in try-repo's own store);
* ``try-repo ... studylog-md-fix`` on a copy of the same log (another one);
* ``install-hooks`` for a config naming the same hooks repository and revision, into
  ``PRE_COMMIT_HOME`` (a third); the "second run" after the fix then reuses it and takes a
  second or two. try-repo always builds in a temporary store of its own, which is why the
  second run goes through a config file rather than try-repo again.

The hooks repository is a git copy of the working tree (uncommitted work included), so the
test checks the code being written, not the last commit.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

# A small log whose only problem is one the fixer can repair: the second row has two cells
# under a three-column header (GitHub pads it silently).
BAD_LOG = (
    "# Study log\n"
    "\n"
    "| Resource | Progress | Notes |\n"
    "|---|---|---|\n"
    "| [U-Net](https://arxiv.org/abs/1505.04597) | ✅ | great |\n"
    "| [ResNet](https://arxiv.org/abs/1512.03385) | ⬜ |\n"
)
BAD_LINE = 6

_COPY_IGNORE = shutil.ignore_patterns(
    ".git",
    "__pycache__",
    "*.pyc",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".hypothesis",
    ".venv",
    "venv",
    "build",
    "dist",
    "*.egg-info",
    ".studylog-md-cache.sqlite*",
)


@dataclass(frozen=True, slots=True)
class Outcome:
    returncode: int
    output: str


@dataclass(frozen=True, slots=True)
class Runs:
    lint: Outcome  # try-repo studylog-md on BAD_LOG
    fix: Outcome  # try-repo studylog-md-fix on BAD_LOG
    fixed_bytes: bytes  # README.md after the fix hook
    second: Outcome  # pre-commit run (fix + lint hooks) after the fix
    after_second: bytes  # README.md after the second run


def _env(home: Path) -> dict[str, str]:
    # No GIT_* from an enclosing hook (GIT_INDEX_FILE would point into another repository),
    # no SKIP that would silently skip our hooks.
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") and k != "SKIP"}
    env["PRE_COMMIT_HOME"] = str(home)
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    env["GIT_AUTHOR_NAME"] = env["GIT_COMMITTER_NAME"] = "studylog-md tests"
    env["GIT_AUTHOR_EMAIL"] = env["GIT_COMMITTER_EMAIL"] = "tests@example.invalid"
    return env


def _git(cwd: Path, env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
        cwd=cwd,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


def _commit_all(folder: Path, env: dict[str, str]) -> str:
    _git(folder, env, "init", "-q")
    _git(folder, env, "add", "-A")
    _git(folder, env, "commit", "-q", "-m", "snapshot")
    return _git(folder, env, "rev-parse", "HEAD")


def _work_repo(folder: Path, env: dict[str, str]) -> Path:
    folder.mkdir()
    (folder / "README.md").write_bytes(BAD_LOG.encode("utf-8"))
    _commit_all(folder, env)
    return folder


def _start(cwd: Path, env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _finish(process: subprocess.Popen[str]) -> Outcome:
    output, _ = process.communicate(timeout=900)
    return Outcome(process.returncode, output)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runs]:
    base = tmp_path_factory.mktemp("pre-commit")
    home = base / "pre-commit-home"
    env = _env(home)
    hooks = base / "hooks-repo"
    shutil.copytree(ROOT, hooks, ignore=_COPY_IGNORE, symlinks=True)
    rev = _commit_all(hooks, env)
    lint_repo = _work_repo(base / "lint-repo", env)
    fix_repo = _work_repo(base / "fix-repo", env)
    config = base / "pre-commit-config.yaml"
    config.write_text(
        "repos:\n"
        f"-   repo: {hooks}\n"
        f"    rev: {rev}\n"
        "    hooks:\n"
        "    -   id: studylog-md-fix\n"
        "    -   id: studylog-md\n",
        encoding="utf-8",
    )
    color = "--color=never"
    processes = [
        _start(lint_repo, env, "try-repo", str(hooks), "studylog-md", "--all-files", color),
        _start(fix_repo, env, "try-repo", str(hooks), "studylog-md-fix", "--all-files", color),
        _start(lint_repo, env, "install-hooks", "-c", str(config), color),
    ]
    try:
        lint, fix, install = (_finish(process) for process in processes)
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    assert install.returncode == 0, install.output
    fixed = (fix_repo / "README.md").read_bytes()
    second = _finish(_start(fix_repo, env, "run", "--all-files", "-c", str(config), color))
    yield Runs(lint, fix, fixed, second, (fix_repo / "README.md").read_bytes())


def _expected_fix() -> bytes:
    """What ``studylog-md fix`` must make of BAD_LOG, computed by the library itself."""
    from studylog_md import load_bytes
    from studylog_md.lint.engine import apply_fixes, lint_document

    doc = load_bytes(BAD_LOG.encode("utf-8"), path="README.md")
    text, count = apply_fixes(doc, lint_document(doc, "README.md"))
    assert count >= 1
    return text.encode("utf-8")


def test_manifest_declares_the_four_hooks() -> None:
    from pre_commit.clientlib import load_manifest

    hooks = {hook["id"]: hook for hook in load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))}
    assert set(hooks) == {"studylog-md", "studylog-md-fix", "studylog-md-links", "studylog-md-stats"}
    assert hooks["studylog-md"]["entry"] == "studylog-md lint"
    assert hooks["studylog-md-fix"]["entry"] == "studylog-md fix"
    assert hooks["studylog-md-links"]["entry"] == "studylog-md check-links"
    assert hooks["studylog-md-links"]["stages"] == ["pre-push", "manual"]
    assert hooks["studylog-md-stats"]["entry"] == "studylog-md stats --check"
    assert hooks["studylog-md-stats"]["pass_filenames"] is True
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["types"] == ["markdown"]


def test_lint_hook_fails_and_shows_the_finding(runs: Runs) -> None:
    assert runs.lint.returncode == 1, runs.lint.output
    assert "studylog-md lint" in runs.lint.output and "Failed" in runs.lint.output
    assert f"README.md:{BAD_LINE}:" in runs.lint.output
    assert "column-count" in runs.lint.output
    assert "Traceback" not in runs.lint.output


def test_fix_hook_rewrites_the_file(runs: Runs) -> None:
    assert runs.fix.returncode == 1, runs.fix.output
    assert "files were modified by this hook" in runs.fix.output
    assert "Fixed README.md (1)" in runs.fix.output
    assert runs.fixed_bytes == _expected_fix()
    # Only the bad row changed.
    before = BAD_LOG.encode("utf-8").split(b"\n")
    after = runs.fixed_bytes.split(b"\n")
    assert [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b] == [
        BAD_LINE - 1
    ]


def test_second_run_passes_and_changes_nothing(runs: Runs) -> None:
    assert runs.second.returncode == 0, runs.second.output
    assert runs.second.output.count("Passed") == 2, runs.second.output
    assert runs.after_second == runs.fixed_bytes

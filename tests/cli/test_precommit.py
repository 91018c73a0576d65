"""The pre-commit hooks, run by the real ``pre-commit`` on a throw-away repository.

``pre-commit try-repo`` installs the hooks repository exactly as a user's
``.pre-commit-config.yaml`` would: it clones it, builds a virtualenv and pip-installs the
project with its dependencies from PyPI. Building an environment takes 10-30 s, and try-repo
always builds into a temporary store of its own (``PRE_COMMIT_HOME`` does not apply to it), so
the module fixture keeps it to two builds, one after the other (two at once on a small machine
took twice as long as in turn: they fight over pip's cache and the CPU):

* one ``try-repo`` without a hook id on a bad log: it runs every commit-stage hook of the
  manifest in id order, so ``studylog-md`` (lint) sees the bad file, then ``studylog-md-fix``
  rewrites it, then ``studylog-md-stats`` passes over it (no summary block);
* the second run after the fix: ``pre-commit run`` with a config naming the same hooks
  repository and revision, building into a ``PRE_COMMIT_HOME`` shared by the module.

The hooks repository is a git copy of the working tree (uncommitted work included), so the
test checks the code being written, not the last commit.
"""

from __future__ import annotations

import importlib
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from shared_paths import ROOT

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
    try_repo: Outcome  # try-repo (every commit-stage hook) on BAD_LOG
    fixed_bytes: bytes  # README.md after it
    second: Outcome  # pre-commit run (fix, lint and stats hooks) after the fix
    after_second: bytes  # README.md after the second run

    def hook(self, name: str) -> tuple[str, str]:
        """(status, output) of the hook called ``name`` in the try-repo run."""
        return _sections(self.try_repo.output)[name]


_HEADER = re.compile(r"^(?P<name>\S.*?)\.{3,}(?:\(.*\))?(?P<status>Passed|Failed|Skipped)$")


def _sections(output: str) -> dict[str, tuple[str, str]]:
    """Each hook's status line and the output pre-commit shows under it, by hook name."""
    found: dict[str, tuple[str, str]] = {}
    name: str | None = None
    status = ""
    body: list[str] = []
    for line in [*output.splitlines(), "end...Passed"]:
        match = _HEADER.match(line)
        if match is None:
            body.append(line)
            continue
        if name is not None:
            found[name] = (status, "\n".join(body))
        name, status, body = match["name"], match["status"], []
    return found


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


def _run(cwd: Path, env: dict[str, str], *args: str) -> Outcome:
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=900,
        check=False,
    )
    return Outcome(done.returncode, done.stdout)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    base = tmp_path_factory.mktemp("pre-commit")
    home = base / "pre-commit-home"
    env = _env(home)
    hooks = base / "hooks-repo"
    shutil.copytree(ROOT, hooks, ignore=_COPY_IGNORE, symlinks=True)
    rev = _commit_all(hooks, env)
    work = _work_repo(base / "work-repo", env)
    config = base / "pre-commit-config.yaml"
    config.write_text(
        "repos:\n"
        f"-   repo: {hooks}\n"
        f"    rev: {rev}\n"
        "    hooks:\n"
        "    -   id: studylog-md-fix\n"
        "    -   id: studylog-md\n"
        "    -   id: studylog-md-stats\n",
        encoding="utf-8",
    )
    color = "--color=never"
    tried = _run(work, env, "try-repo", str(hooks), "--all-files", color)
    fixed = (work / "README.md").read_bytes()
    # Builds its environment in PRE_COMMIT_HOME; further runs in this module would reuse it.
    second = _run(work, env, "run", "--all-files", "-c", str(config), color)
    return Runs(tried, fixed, second, (work / "README.md").read_bytes())


def _clientlib() -> Any:
    """pre-commit's own reader of manifests and configs (it ships no type information)."""
    return importlib.import_module("pre_commit.clientlib")


def _expected_fix() -> bytes:
    """What ``studylog-md fix`` must make of BAD_LOG, computed by the library itself."""
    from studylog_md import load_bytes
    from studylog_md.lint.engine import apply_fixes, lint_document

    doc = load_bytes(BAD_LOG.encode("utf-8"), path="README.md")
    text, count = apply_fixes(doc, lint_document(doc, "README.md"))
    assert count >= 1
    return text.encode("utf-8")


def test_manifest_declares_the_four_hooks() -> None:
    manifest = _clientlib().load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))
    hooks = {hook["id"]: hook for hook in manifest}
    assert set(hooks) == {
        "studylog-md",
        "studylog-md-fix",
        "studylog-md-links",
        "studylog-md-stats",
    }
    assert hooks["studylog-md"]["entry"] == "studylog-md lint"
    assert hooks["studylog-md-fix"]["entry"] == "studylog-md fix"
    assert hooks["studylog-md-links"]["entry"] == "studylog-md check-links"
    assert hooks["studylog-md-links"]["stages"] == ["pre-push", "manual"]
    assert hooks["studylog-md-stats"]["entry"] == "studylog-md stats --check --skip-missing"
    assert hooks["studylog-md-stats"]["pass_filenames"] is True
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["types"] == ["markdown"]


@pytest.mark.slow  # pre-commit builds a virtualenv and installs us: ~20-50 s
def test_try_repo_fails_and_lists_the_commit_stage_hooks(runs: Runs) -> None:
    assert runs.try_repo.returncode == 1, runs.try_repo.output
    hooks = _sections(runs.try_repo.output)
    # studylog-md-links runs on push and on demand only
    assert list(hooks) == ["studylog-md lint", "studylog-md fix", "studylog-md stats --check"]
    assert "Traceback" not in runs.try_repo.output


@pytest.mark.slow  # pre-commit builds a virtualenv and installs us: ~20-50 s
def test_lint_hook_fails_and_shows_the_finding(runs: Runs) -> None:
    status, output = runs.hook("studylog-md lint")
    assert status == "Failed", runs.try_repo.output
    assert "- exit code: 1" in output
    assert re.search(rf"^README\.md:{BAD_LINE}:\d+: SL001 column-count ", output, re.M), output


@pytest.mark.slow  # pre-commit builds a virtualenv and installs us: ~20-50 s
def test_fix_hook_rewrites_the_file(runs: Runs) -> None:
    status, output = runs.hook("studylog-md fix")
    assert status == "Failed", runs.try_repo.output
    assert "- files were modified by this hook" in output
    assert "Fixed README.md (1)" in output
    assert runs.fixed_bytes == _expected_fix()
    # Only the bad row changed.
    before = BAD_LOG.encode("utf-8").split(b"\n")
    after = runs.fixed_bytes.split(b"\n")
    assert [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b] == [
        BAD_LINE - 1
    ]


@pytest.mark.slow  # pre-commit builds a virtualenv and installs us: ~20-50 s
def test_stats_hook_passes_over_a_file_without_a_block(runs: Runs) -> None:
    status, _ = runs.hook("studylog-md stats --check")
    assert status == "Passed", runs.try_repo.output


@pytest.mark.slow  # pre-commit builds a virtualenv and installs us: ~20-50 s
def test_second_run_passes_and_changes_nothing(runs: Runs) -> None:
    assert runs.second.returncode == 0, runs.second.output
    hooks = _sections(runs.second.output)
    assert [status for status, _ in hooks.values()] == ["Passed"] * 3, runs.second.output
    assert runs.after_second == runs.fixed_bytes


def test_the_documented_config_is_valid(tmp_path: Path) -> None:
    docs = (ROOT / "docs" / "pre-commit.md").read_text(encoding="utf-8")
    snippet = re.search(r"```yaml\n(repos:.*?)```", docs, re.S)
    assert snippet is not None
    config = tmp_path / ".pre-commit-config.yaml"
    config.write_text(snippet.group(1), encoding="utf-8")
    (repo,) = _clientlib().load_config(str(config))["repos"]
    assert [hook["id"] for hook in repo["hooks"]] == [
        "studylog-md-fix",
        "studylog-md",
        "studylog-md-stats",
        "studylog-md-links",
    ]


# --- the project's own .pre-commit-config.yaml ---------------------------------------------------


def test_own_config_is_valid_and_runs_our_tools() -> None:
    config = _clientlib().load_config(str(ROOT / ".pre-commit-config.yaml"))
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert set(hooks) == {"ruff", "ruff-format", "mypy", "studylog-md", "validate-manifest"}
    assert re.match(hooks["studylog-md"]["files"], "docs/architecture.md")
    assert re.match(hooks["studylog-md"]["files"], "README.md")
    assert not re.match(hooks["studylog-md"]["files"], "tests/fixtures/lint/rows.md")


@pytest.mark.slow  # runs ruff, mypy and our linter over a copy of the whole project
def test_own_hooks_pass_on_a_copy_of_the_project(tmp_path: Path) -> None:
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=_COPY_IGNORE, symlinks=True)
    env = _env(tmp_path / "pre-commit-home")
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    _commit_all(copy, env)
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color=never"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for name in ("ruff check", "ruff format", "mypy --strict", "studylog-md lint", "validate"):
        assert re.search(rf"{re.escape(name)}.*Passed", done.stdout), done.stdout
    # A broken doc is caught by our own hook.
    (copy / "docs" / "broken.md").write_text(
        "| Resource | Progress |\n| --- | --- |\n| [A](https://a.example) | ✅ |\n"
        "| [A](https://a.example) | ✅ |\n",
        encoding="utf-8",
    )
    _git(copy, env, "add", "-A")
    failed = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "studylog-md", "--all-files", "--color=never"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert failed.returncode == 1
    assert "docs/broken.md" in failed.stdout

"""Files from a tree: what a command's FILES arguments name.

Each argument is a file (taken as it is, even when ignored: naming it is asking for it), ``-``
(standard input), a folder, or a quoted glob (``'docs/**/*.md'``). A folder is walked for the
files its configuration includes (``*.md`` and ``*.markdown`` unless ``include`` says
otherwise) and does not ``exclude``. Inside a git work tree git decides what is ignored —
``git ls-files --cached --others --exclude-standard`` honours ``.gitignore`` at every level,
``.git/info/exclude`` and the global excludes file, so none of those rules is re-implemented
here. Outside one, hidden folders and ``node_modules`` are skipped.
"""

from __future__ import annotations

import glob as globbing
import os
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ._common import EXIT_OK, EXIT_USER, err

if TYPE_CHECKING:  # pragma: no cover
    from ..config import Config

_MAGIC = frozenset("*?[")
# Outside a git work tree: folders nobody means when they say "this tree".
_SKIPPED_FOLDERS = frozenset({"node_modules"})


class Gathered(NamedTuple):
    """The files of a run, in order, each once; and what went wrong finding them."""

    paths: list[str]
    found: frozenset[str]  # paths that came from a folder or a glob, not named one by one
    code: int  # EXIT_OK, or EXIT_USER when an argument named nothing


def gather(arguments: Sequence[str]) -> Gathered:
    """Expand FILES arguments; problems are reported on stderr (one line each)."""
    paths: list[str] = []
    found: set[str] = set()
    seen: set[str] = set()
    code = EXIT_OK

    def add(path: str, *, walked: bool) -> None:
        key = path if path == "-" else os.path.realpath(path)
        if key in seen:
            return
        seen.add(key)
        paths.append(path)
        if walked:
            found.add(path)

    for argument in arguments:
        if argument == "-" or os.path.isfile(argument):
            add(argument, walked=False)
        elif os.path.isdir(argument):
            files = walk(argument)
            if not files:
                err(f"studylog-md: warning: no Markdown files in {argument}")
            for path in files:
                add(path, walked=True)
        elif _MAGIC & set(argument):
            files = expand_glob(argument)
            if not files:
                err(f"studylog-md: error: no file matches {argument!r}")
                code = EXIT_USER
            for path in files:
                add(path, walked=True)
        else:
            add(argument, walked=False)  # reading it says what is wrong (missing, unreadable)
    return Gathered(paths, frozenset(found), code)


def walk(folder: str) -> list[str]:
    """The files of ``folder`` (recursively) that their configuration includes, sorted."""
    return [path for path in _listing(folder) if _included(path)]


def expand_glob(pattern: str) -> list[str]:
    """The files a glob matches (``**`` crosses folders), without what git ignores."""
    matches = sorted(
        os.path.normpath(path)
        for path in globbing.glob(pattern, recursive=True)
        if os.path.isfile(path)
    )
    if not matches:
        return []
    visible = set(_listing(_static_base(pattern)))
    return [path for path in matches if path in visible and not _excluded(path)]


def _static_base(pattern: str) -> str:
    """The folder a glob starts from: its leading parts without a wildcard."""
    parts: list[str] = []
    for part in pattern.replace(os.sep, "/").split("/")[:-1]:
        if _MAGIC & set(part):
            break
        parts.append(part)
    base = "/".join(parts)
    if pattern.startswith("/") and not base:
        return "/"
    return base or "."


def _listing(folder: str) -> list[str]:
    """Every file under ``folder`` that is not ignored, as normalised paths, sorted."""
    from_git = _git_listing(folder)
    if from_git is not None:
        return from_git
    result: list[str] = []
    for root, folders, files in os.walk(folder):
        folders[:] = sorted(
            name for name in folders if not name.startswith(".") and name not in _SKIPPED_FOLDERS
        )
        result.extend(os.path.normpath(os.path.join(root, name)) for name in files)
    return sorted(result)


def _git_listing(folder: str) -> list[str] | None:
    """Tracked and untracked-but-not-ignored files under ``folder``; None outside git."""
    try:
        done = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z", "--", "."],
            cwd=folder,
            capture_output=True,
            check=False,
            timeout=120,
        )
    except (OSError, subprocess.SubprocessError):  # no git on this machine: walk it ourselves
        return None
    if done.returncode != 0:  # not inside a work tree (or git refused it): walk it ourselves
        return None
    result: list[str] = []
    for raw in done.stdout.split(b"\0"):
        if not raw:
            continue
        path = os.path.normpath(os.path.join(folder, os.fsdecode(raw)))
        # A tracked file deleted from the work tree is still listed; a submodule is a folder.
        if os.path.isfile(path):
            result.append(path)
    return sorted(set(result))


def _included(path: str) -> bool:
    from ..config.globs import _relative_posix, compile_glob

    config = _config(path)
    if config is None:
        return path.endswith((".md", ".markdown"))
    relative = _relative_posix(Path(path), config.root)
    if not any(compile_glob(glob).match(relative) for glob in config.include):
        return False
    return not any(compile_glob(glob).match(relative) for glob in config.exclude)


def _excluded(path: str) -> bool:
    from ..config.globs import _relative_posix, compile_glob

    config = _config(path)
    if config is None or not config.exclude:
        return False
    relative = _relative_posix(Path(path), config.root)
    return any(compile_glob(glob).match(relative) for glob in config.exclude)


def _config(path: str) -> Config | None:
    """The file's configuration, or None when it is broken (reading the file will say so)."""
    from ..errors import ConfigError
    from ._common import config_for

    try:
        config: Config = config_for(path)
    except ConfigError:
        return None
    return config

"""``per-file-ignores`` globs, relative to the configuration's folder."""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    pass


# --- globs ---------------------------------------------------------------------------------


@functools.lru_cache(maxsize=512)
def _glob_regex(glob: str) -> re.Pattern[str]:
    """Compile a per-file-ignores glob (gitignore-like: ``*``, ``?``, ``[...]``, ``**``)."""
    pattern = glob.strip()
    anchored = pattern.startswith(("/", "./")) or "/" in pattern.rstrip("/")
    pattern = pattern.removeprefix("./").lstrip("/")
    if not anchored:
        # "CHANGELOG.md" and "*.md" match a file of that name in any folder.
        pattern = "**/" + pattern
    if pattern.endswith("/"):
        pattern += "**"
    parts: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            parts.append("(?:[^/]*/)*")
            i += 3
        elif pattern.startswith("**", i):
            parts.append(".*")
            i += 2
        elif pattern[i] == "*":
            parts.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            parts.append("[^/]")
            i += 1
        elif pattern[i] == "[":
            close = pattern.find("]", i + 2)
            if close == -1:
                parts.append(re.escape("["))
                i += 1
            else:
                parts.append(_char_class(pattern[i + 1 : close]))
                i = close + 1
        else:
            parts.append(re.escape(pattern[i]))
            i += 1
    return re.compile("(?s:" + "".join(parts) + r")\Z")


def _char_class(body: str) -> str:
    """A glob character class (``[a-z]``, ``[!0-9]``) as a regular expression class."""
    negate = body.startswith("!")
    if negate:
        body = body[1:]
    # Escape what is special inside a regex class (and the set operators re warns about).
    escaped = "".join("\\" + ch if ch in "\\[^&~|" else ch for ch in body)
    return "[" + ("^/" if negate else "") + escaped + "]"


def _relative_posix(path: Path, root: Path | None) -> str:
    absolute = _absolute(path)
    if root is not None:
        try:
            return absolute.relative_to(root).as_posix()
        except ValueError:
            pass
    try:
        return absolute.relative_to(_absolute(Path.cwd())).as_posix()
    except ValueError:
        return absolute.as_posix().lstrip("/")


def _absolute(path: Path) -> Path:
    # abspath, not resolve(): a symbolic link to a README in another repository should still
    # use the configuration of the repository the user is working in.
    return Path(os.path.abspath(path))

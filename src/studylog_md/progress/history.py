"""When each entry changed status, read from the file's git history.

The real ``git`` command does the reading: ``git log --follow`` lists the commits that touched
the file (following renames), and ``git cat-file --batch`` hands over the file's bytes at each
of them in one process. Each version is parsed with :func:`studylog_md.load_bytes` and compared
with the one before it.

Entries are matched between versions by what they are, never by where they are: first by URL
and title together, then by URL alone (the title was edited), then by title alone (the link was
edited). So reordering rows, moving an entry to another section or editing its notes does not
look like a status change.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from ..document import identity
from ..document.markers import Status
from ..errors import StudylogError, UserError

if TYPE_CHECKING:  # pragma: no cover
    from ..document.markers import Vocabulary

EventKind = Literal["added", "finished", "started", "reopened", "changed"]


class _EntryLike(Protocol):
    @property
    def title(self) -> str: ...

    @property
    def url(self) -> str | None: ...

    @property
    def status(self) -> Status: ...

    @property
    def section(self) -> tuple[str, ...]: ...

    @property
    def line(self) -> int: ...


@dataclass(frozen=True, slots=True)
class Version:
    """One commit that touched the file, and the file's path (from the top) at that commit."""

    commit: str
    date: datetime
    path: str


@dataclass(frozen=True, slots=True)
class StatusEvent:
    """An entry's status as of one commit, and what it was in the version before."""

    kind: EventKind
    title: str
    url: str | None
    section: tuple[str, ...]
    line: int  # 1-based, in the version of that commit
    status: Status
    previous: Status | None  # None: the entry first appeared in this commit
    date: datetime
    commit: str

    def to_dict(self) -> dict[str, object]:
        """The JSON shape of ``studylog-md history --format json``."""
        return {
            "event": self.kind,
            "title": self.title,
            "url": self.url,
            "status": self.status.value,
            "previous": self.previous.value if self.previous is not None else None,
            "date": self.date.isoformat(),
            "commit": self.commit,
            "section": list(self.section),
            "line": self.line,
        }


@dataclass(frozen=True, slots=True)
class History:
    """Everything :func:`read_history` found, oldest first."""

    path: str
    versions: tuple[Version, ...]
    events: tuple[StatusEvent, ...]
    skipped: tuple[tuple[Version, str], ...] = ()  # versions that could not be parsed, and why


# -- matching (pure) ----------------------------------------------------------------------------

# One identity of a resource, shared with add and the duplicate rules.
title_key = identity.title_key
url_key = identity.url_key


def match_entries(
    old: Sequence[_EntryLike], new: Sequence[_EntryLike]
) -> list[tuple[int | None, int]]:
    """Pair each new entry with the old entry it continues (by index), or None when it is new.

    Three passes, each pairing entries with the same key in document order (so duplicates pair
    up first with first): URL and title, then URL, then title.
    """
    passes: list[Callable[[_EntryLike], object]] = [
        lambda e: (url_key(e.url), title_key(e.title)) if e.url else None,
        lambda e: url_key(e.url),
        lambda e: title_key(e.title) or None,
    ]
    pairs: dict[int, int] = {}
    old_free = set(range(len(old)))
    for key_of in passes:
        waiting: dict[object, list[int]] = defaultdict(list)
        for index in sorted(old_free):
            key = key_of(old[index])
            if key is not None:
                waiting[key].append(index)
        for index, entry in enumerate(new):
            if index in pairs:
                continue
            key = key_of(entry)
            if key is None or not waiting.get(key):
                continue
            match = waiting[key].pop(0)
            pairs[index] = match
            old_free.discard(match)
    return [(pairs.get(index), index) for index in range(len(new))]


def _kind(previous: Status | None, status: Status) -> EventKind:
    if status is Status.DONE:
        return "finished"
    if status is Status.IN_PROGRESS:
        return "started"
    if previous is None:
        return "added"
    if previous is Status.DONE:
        return "reopened"
    return "changed"


def compare(
    old: Sequence[_EntryLike], new: Sequence[_EntryLike], commit: str, date: datetime
) -> list[StatusEvent]:
    """The status events between two versions of a file (new entries, changed statuses)."""
    events: list[StatusEvent] = []
    for old_index, new_index in match_entries(old, new):
        entry = new[new_index]
        previous = old[old_index].status if old_index is not None else None
        if previous is entry.status:
            continue
        events.append(
            StatusEvent(
                kind=_kind(previous, entry.status),
                title=entry.title,
                url=entry.url,
                section=tuple(entry.section),
                line=entry.line,
                status=entry.status,
                previous=previous,
                date=date,
                commit=commit,
            )
        )
    return events


# -- git ---------------------------------------------------------------------------------------


def _git(args: Sequence[str], cwd: Path, data: bytes | None = None) -> bytes:
    """Run git and return its stdout; raises :class:`UserError` with git's own message."""
    if shutil.which("git") is None:
        raise UserError("git is not installed (or not on PATH); install git to read history")
    env = dict(os.environ)
    # Messages in English (we quote them) and no pager or prompt that could block.
    env.update({"LC_ALL": "C", "GIT_PAGER": "cat", "GIT_TERMINAL_PROMPT": "0"})
    try:
        done = subprocess.run(
            ["git", "-c", "core.quotepath=off", "-c", "log.showSignature=false", *args],
            cwd=cwd,
            input=data,
            capture_output=True,
            env=env,
            check=False,
        )
    except FileNotFoundError as exc:
        raise UserError("git is not installed (or not on PATH); install git") from exc
    except OSError as exc:
        raise UserError(f"could not run git: {exc.strerror or exc}") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise _GitFailed(message[-1] if message else f"git {args[0]} failed")
    return done.stdout


class _GitFailed(UserError):
    """A git command failed; the message is git's last line of output."""


def _repository(path: Path) -> Path:
    folder = path.parent
    if not folder.is_dir():
        raise UserError(f"{path}: no such folder {folder}; check the path")
    try:
        top = _git(["rev-parse", "--show-toplevel"], folder)
    except _GitFailed as exc:
        raise UserError(
            f"{path} is not inside a git repository, so it has no history to read (git said: {exc})"
        ) from exc
    return Path(os.fsdecode(top.rstrip(b"\n")))


def list_versions(path: str | os.PathLike[str]) -> list[Version]:
    """The commits that changed ``path``, oldest first (renames followed)."""
    file = Path(path)
    _repository(file)
    folder = file.parent
    try:
        raw = _git(
            ["log", "--follow", "--format=%x1e%H%x1f%aI", "--name-only", "-z", "--", file.name],
            folder,
        )
    except _GitFailed as exc:
        raise UserError(f"git has no history for {path}: {exc}") from exc
    versions: list[Version] = []
    for chunk in raw.split(b"\x1e")[1:]:
        header, _, rest = chunk.partition(b"\0")
        commit, _, date = header.decode("ascii").partition("\x1f")
        name = os.fsdecode(rest.strip(b"\n\0").split(b"\0")[0].strip(b"\n"))
        versions.append(Version(commit, datetime.fromisoformat(date), name))
    if not versions:
        raise UserError(
            f"git does not track {path}: there is no commit of it yet "
            f"(git add {file.name} && git commit)"
        )
    # A merge commit lists no file names; it holds the file under the name of the commit
    # after it (the log is newest first here).
    for index, version in enumerate(versions):
        if not version.path:
            newer = versions[index - 1].path if index else _top_relative(file)
            versions[index] = Version(version.commit, version.date, newer)
    versions.reverse()
    return versions


def _top_relative(file: Path) -> str:
    folder = file.parent
    out = _git(["ls-files", "--full-name", "--", file.name], folder)
    return os.fsdecode(out.split(b"\n")[0]) or file.name


def read_versions(path: str | os.PathLike[str], versions: Sequence[Version]) -> list[bytes | None]:
    """The file's bytes at each version (None when git has no such blob)."""
    folder = Path(path).parent
    if any("\n" in v.path for v in versions):
        # The batch protocol is line based; such names are rare enough for one call each.
        return [_show(folder, v) for v in versions]
    request = "".join(f"{v.commit}:{v.path}\n" for v in versions).encode("utf-8", "surrogateescape")
    raw = _git(["cat-file", "--batch"], folder, request)
    found: list[bytes | None] = []
    pos = 0
    for _ in versions:
        end = raw.index(b"\n", pos)
        header = raw[pos:end].split(b" ")
        pos = end + 1
        if len(header) != 3 or header[1] != b"blob":
            found.append(None)
            continue
        size = int(header[2])
        found.append(raw[pos : pos + size])
        pos += size + 1  # the content is followed by a newline
    return found


def _show(folder: Path, version: Version) -> bytes | None:
    try:
        return _git(["show", f"{version.commit}:{version.path}"], folder)
    except _GitFailed:
        return None


def read_history(path: str | os.PathLike[str], *, vocabulary: Vocabulary | None = None) -> History:
    """Every status event of ``path``'s entries over its git history, oldest first.

    Raises :class:`UserError` when git is missing, the file is outside a git repository, or
    git does not track it. Versions that cannot be parsed (a binary blob, UTF-16) are skipped
    and listed in :attr:`History.skipped`.
    """
    from ..io import load_bytes
    from .block import counted_entries

    versions = list_versions(path)
    contents = read_versions(path, versions)
    events: list[StatusEvent] = []
    skipped: list[tuple[Version, str]] = []
    previous: Sequence[_EntryLike] = ()
    last: bytes | None = None
    for version, data in zip(versions, contents, strict=True):
        if data is None:
            skipped.append((version, "git has no such file at this commit"))
            continue
        if data == last:
            continue  # a merge or a rename without edits: nothing to compare (parsing is slow)
        last = data
        try:
            doc = load_bytes(
                data, path=f"{version.commit[:12]}:{version.path}", vocabulary=vocabulary
            )
        except StudylogError as exc:
            skipped.append((version, str(exc)))
            continue
        # Our own summary block is not a list of resources (see stats.counted_entries).
        current = counted_entries(doc)
        events.extend(compare(previous, current, version.commit, version.date))
        previous = current
    return History(os.fspath(path), tuple(versions), tuple(events), tuple(skipped))

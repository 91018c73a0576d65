"""What every command shares: error reporting, exit codes, output encoding."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import click

from ..errors import StudylogError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USER = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130


def fail(message: str, code: int = EXIT_USER) -> NoReturn:
    """Print ``studylog-md: error: MESSAGE`` on stderr and exit with ``code``."""
    err(f"studylog-md: error: {message}")
    raise SystemExit(code)


def err(message: str) -> None:
    """Write one line to stderr, never failing on characters the terminal cannot show."""
    _write(sys.stderr, message + "\n")


def out(message: str = "", nl: bool = True) -> None:
    """Write to stdout, never failing on characters the terminal cannot show."""
    _write(sys.stdout, message + ("\n" if nl else ""))


def _write(stream: Any, text: str) -> None:
    try:
        stream.write(text)
    except UnicodeEncodeError:
        encoding = getattr(stream, "encoding", None) or "utf-8"
        stream.write(text.encode(encoding, "backslashreplace").decode(encoding, "replace"))
    stream.flush()


def run(command: click.Command, argv: list[str] | None = None) -> int:
    """Run a click command and map every outcome to a documented exit code."""
    try:
        rv = command.main(args=argv, prog_name="studylog-md", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return EXIT_USER
    except click.exceptions.Abort:
        err("studylog-md: interrupted; nothing was written")
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:
        err("studylog-md: interrupted; nothing was written")
        return EXIT_INTERRUPTED
    except StudylogError as exc:
        err(f"studylog-md: error: {exc}")
        return exc.exit_code
    except BrokenPipeError:
        return EXIT_OK
    except RecursionError:
        err(
            "studylog-md: error: the file is nested too deeply to read; "
            "flatten the deepest lists or quotes"
        )
        return EXIT_USER
    except SystemExit as exc:
        code = exc.code
        if code is None:
            return EXIT_OK
        if isinstance(code, int):
            return code
        err(str(code))
        return EXIT_USER
    except Exception as exc:
        err(
            f"studylog-md: internal error: {type(exc).__name__}: {exc}. This is a bug; "
            "please report it with the file that caused it. Nothing was written."
        )
        return EXIT_INTERNAL
    return int(rv) if isinstance(rv, int) else EXIT_OK


def main_exit(command: click.Command) -> NoReturn:
    sys.exit(run(command))


def vocabulary_for(path: str) -> Any:
    """The marker vocabulary configured for ``path`` (defaults when there is no config)."""
    from pathlib import Path

    try:
        from ..config import load_config
    except ImportError:  # pragma: no cover - config is part of the package
        return None
    if path == "-":
        folder = Path.cwd()
    else:
        try:
            folder = Path(path).resolve().parent
        except (RuntimeError, OSError):  # a symlink loop: reading the file will say so
            folder = Path(path).absolute().parent
    return load_config(folder).vocabulary()


def read_document(path: str, *, max_bytes: int | None = None) -> Any:
    """Load ``path`` (``-`` = standard input) as a Document, with the configured vocabulary."""
    from .. import load, load_bytes
    from ..safe_write import DEFAULT_MAX_BYTES

    limit = max_bytes or DEFAULT_MAX_BYTES
    vocabulary = vocabulary_for(path)
    if path == "-":
        data = sys.stdin.buffer.read(limit + 1)
        if len(data) > limit:
            fail(f"<stdin>: more than {limit} bytes; raise --max-bytes to read it")
        return load_bytes(data, path="<stdin>", vocabulary=vocabulary)
    return load(path, vocabulary=vocabulary, max_bytes=limit)


def unique_paths(paths: tuple[str, ...] | list[str]) -> list[str]:
    """The paths in order, each file once (the same file named twice is read once)."""
    import os

    seen: set[str] = set()
    result: list[str] = []
    for path in paths:
        key = path if path == "-" else os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            result.append(path)
    return result


def unified_diff(path: str, before: str, after: str) -> str:
    import difflib

    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=f"a/{path}",
            tofile=f"b/{path}",
        )
    )


STATUS_CHOICES = ("done", "todo", "in-progress", "unknown")

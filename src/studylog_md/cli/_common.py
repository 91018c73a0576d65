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
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback for users
        err(
            f"studylog-md: internal error: {type(exc).__name__}: {exc}. This is a bug; "
            "please report it with the file that caused it. Nothing was written."
        )
        return EXIT_INTERNAL
    return int(rv) if isinstance(rv, int) else EXIT_OK


def main_exit(command: click.Command) -> NoReturn:
    sys.exit(run(command))

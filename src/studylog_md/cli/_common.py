"""What every command shares: error reporting, exit codes, output encoding."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn, TypeVar

import click

from ..document.printable import printable
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


class WarnOnce:
    """``studylog-md: warning: ...`` on stderr, each message once per run (``lint --online``
    checks file by file, and an unusable cache would otherwise be reported for each)."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def __call__(self, message: str) -> None:
        if message not in self.seen:
            self.seen.add(message)
            err(f"studylog-md: warning: {message}")


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


class _Writes:
    """What this process has written so far, so that an interrupt is reported truthfully.

    ``started`` counts writes that began (inside :func:`committing`), ``finished`` those whose
    outcome was printed. An interrupt can land anywhere, including just after a
    ``committing`` block, between two files of ``fix``, or while the signal handler is being
    put back; ``run()`` words its message from these counts, not from where it thinks the
    interrupt landed.
    """

    started = 0
    finished = 0


@contextmanager
def committing() -> Iterator[None]:
    """Hold Ctrl-C from the start of a write until its outcome has been printed.

    A Ctrl-C inside this block is only recorded; the write finishes (milliseconds), its
    outcome is printed, and the command then exits 130 saying that it stands. Outside the
    main thread, or when someone else handles SIGINT, the signal is not held, but the write
    is still recorded so that ``run()`` never says "nothing was written" after it.
    """
    import signal
    import threading

    _Writes.started += 1
    if threading.current_thread() is not threading.main_thread() or (
        signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield
        _Writes.finished += 1
        return
    hits: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: hits.append(signum))
    try:
        yield
        _Writes.finished += 1
    finally:
        signal.signal(signal.SIGINT, previous)
    if hits:
        err("studylog-md: interrupted after the write; what is reported above was done")
        raise SystemExit(EXIT_INTERRUPTED)


def _interrupted() -> str:
    """The message for an interrupt: true whatever has been written before it."""
    if _Writes.started == 0:
        return "studylog-md: interrupted; nothing was written"
    if _Writes.started == _Writes.finished:
        return "studylog-md: interrupted; the changes reported above were written, nothing else"
    return (
        "studylog-md: interrupted during a write; each file is either as it was or fully "
        "written, never half-written (see the lines above for those that were)"
    )


def run(command: click.Command, argv: list[str] | None = None) -> int:
    """Run a click command and map every outcome to a documented exit code."""
    try:
        rv = command.main(args=argv, prog_name="studylog-md", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return EXIT_USER
    except (click.exceptions.Abort, KeyboardInterrupt):
        err(_interrupted())
        return EXIT_INTERRUPTED
    except StudylogError as exc:
        err(f"studylog-md: error: {printable(str(exc))}")
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


_CONFIG_KEY = "studylog_md.config"


def _store_config(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    if value is not None:
        ctx.meta[_CONFIG_KEY] = value


def config_option(command: F) -> F:
    """``--config FILE`` for any command, read by :func:`explicit_config` and :func:`config_for`.

    Stored in the click context rather than passed as an argument, so a command gains it
    without a change to its signature.
    """
    from pathlib import Path

    return click.option(
        "--config",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        expose_value=False,
        callback=_store_config,
        help="Use this configuration file for every file instead of each file's nearest one.",
    )(command)


def explicit_config() -> Any:
    """The ``--config`` path given to this run, or None."""
    ctx = click.get_current_context(silent=True)
    return None if ctx is None else ctx.meta.get(_CONFIG_KEY)


def config_for(path: str) -> Any:
    """The configuration that applies to ``path``: ``--config``, else the nearest one."""
    from pathlib import Path

    from ..config import load_config

    if path == "-":
        folder = Path.cwd()
    else:
        try:
            folder = Path(path).resolve().parent
        except (RuntimeError, OSError):  # a symlink loop: reading the file will say so
            folder = Path(path).absolute().parent
    return load_config(folder, explicit_config())


def vocabulary_for(path: str) -> Any:
    """The marker vocabulary configured for ``path`` (defaults when there is no config), with
    the column names configured for that file."""
    from pathlib import Path

    return config_for(path).vocabulary(None if path == "-" else Path(path))


def max_bytes_for(path: str, given: int | None) -> int:
    """``--max-bytes`` when given, else the configured ``max-bytes`` for ``path``."""
    return given if given is not None else int(config_for(path).max_bytes)


def keep_until_exit() -> None:
    """Hide every object alive now from the cyclic garbage collector for the rest of the process.

    For a command that has just loaded a document it keeps until it exits: every full
    collection afterwards (while it builds findings, rows or JSON) would walk the whole model
    again and free nothing (issue 19 measured -8% lint, -20% ``list --format json``, -16%
    toggle at 100,000 entries, same memory). Reference counting still frees what is dropped.
    Only the CLI does this: a long-running caller (the language server) frees its documents.
    """
    import gc

    gc.freeze()


def read_document(
    path: str, *, max_bytes: int | None = None, warn: bool = True, keep: bool = False
) -> Any:
    """Load ``path`` (``-`` = standard input) as a Document, with the configured vocabulary.

    Parse problems (content the parser skipped) are reported on stderr as warnings (with
    ``warn``; else the caller decides, with :func:`warn_problems`). ``keep``: the caller holds
    the document until the process exits (see :func:`keep_until_exit`).
    """
    from .. import load, load_bytes
    from ..errors import InputError

    limit = max_bytes_for(path, max_bytes)
    vocabulary = vocabulary_for(path)
    if path == "-":
        data = sys.stdin.buffer.read(limit + 1)
        if len(data) > limit:
            # InputError, not fail(): the command's other files are still processed.
            raise InputError(
                f"<stdin>: more than {limit:,} bytes; pass a larger --max-bytes to read it",
                "<stdin>",
            )
        doc = load_bytes(data, path="<stdin>", vocabulary=vocabulary)
    else:
        doc = load(path, vocabulary=vocabulary, max_bytes=limit)
    if keep:
        keep_until_exit()
    if warn:
        warn_problems(doc)
    return doc


def warn_problems(doc: Any) -> None:
    """Say what the parser had to skip (nested deeper than it follows), on stderr.

    So that a listing or a count that misses it never looks complete.
    """
    for problem in doc.problems:
        err(printable(f"studylog-md: warning: {doc.path}:{problem.line}: {problem.message}"))


STATUS_CHOICES = ("done", "todo", "in-progress", "unknown")

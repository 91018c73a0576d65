"""Output for every command: the colour decision, format dispatch and the one unified diff.

Colour is decided here and nowhere else, the same way for every command:

1. ``--color always`` / ``--color never`` (or the older ``--no-color``) win;
2. with ``--color auto`` (the default) a non-empty ``NO_COLOR`` turns colour off
   (https://no-color.org), else a non-empty ``FORCE_COLOR`` turns it on
   (https://force-color.org), else colour is on when the stream is a terminal.

``--color`` may be given before the command (``studylog-md --color never stats …``) or after
it; the options store the choice in the click context's ``meta``, so a command's signature does
not change when it gains the option.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import click

if TYPE_CHECKING:  # pragma: no cover
    from ..lint.diagnostic import Diagnostic

F = TypeVar("F", bound=Callable[..., Any])

ColorChoice = Literal["auto", "always", "never"]
COLOR_CHOICES: tuple[ColorChoice, ...] = ("auto", "always", "never")
_META_KEY = "studylog_md.color"


def color_enabled(choice: str = "auto", stream: Any = None) -> bool:
    """Whether to colour what goes to ``stream`` (default stdout) under ``choice``."""
    if choice == "never":
        return False
    if choice == "always":
        return True
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    target = sys.stdout if stream is None else stream
    isatty = getattr(target, "isatty", None)
    return bool(isatty and isatty())


def color_choice() -> str:
    """The ``--color`` given to this run (``auto`` when none was)."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return "auto"
    return str(ctx.meta.get(_META_KEY, "auto"))


def want_color(stream: Any = None) -> bool:
    """The colour decision for this run's output to ``stream`` (default stdout)."""
    return color_enabled(color_choice(), stream)


def _store_color(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.meta[_META_KEY] = value


def _store_no_color(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        ctx.meta[_META_KEY] = "never"


def color_option(command: F) -> F:
    """``--color auto|always|never`` and the older ``--no-color``, read by :func:`want_color`."""
    command = click.option(
        "--no-color",
        is_flag=True,
        expose_value=False,
        callback=_store_no_color,
        help="The same as --color never.",
    )(command)
    return click.option(
        "--color",
        type=click.Choice(COLOR_CHOICES),
        default=None,
        expose_value=False,
        is_eager=True,
        callback=_store_color,
        help="Colour the output: auto (a terminal, unless NO_COLOR; FORCE_COLOR forces it), "
        "always or never.",
    )(command)


def style(
    text: str, color: bool, *, fg: str | None = None, bold: bool = False, dim: bool = False
) -> str:
    """``text`` styled for a terminal when ``color``; unchanged otherwise."""
    if not color or not text:
        return text
    return click.style(text, fg=fg, bold=bold or None, dim=dim or None)


# --- formats ---------------------------------------------------------------------------------


def print_json(value: Any) -> None:
    """``value`` as indented JSON on stdout; characters a terminal cannot show are escaped."""
    import json

    from ._common import out

    out(
        json.dumps(value, ensure_ascii=False, indent=2)
        .encode("utf-8", "backslashreplace")
        .decode("utf-8")
    )


class JsonArray:
    """A JSON array on stdout, item by item: the bytes :func:`print_json` writes for the list.

    So that ``list --format json`` never holds every row as a dict and the whole text at once
    (issue 19: 100,000 entries peaked at 689 MiB). Items are written in batches of about
    ``_BATCH`` characters (each write flushes).
    """

    _BATCH = 1 << 16

    def __init__(self) -> None:
        import json

        self._encode = json.JSONEncoder(ensure_ascii=False, indent=2).encode
        self._pending: list[str] = []
        self._size = 0
        self.count = 0

    def add(self, item: Any) -> None:
        """Append one item (indented as inside ``json.dumps(list, indent=2)``)."""
        # JSON strings hold no raw newline, so every newline here is the encoder's own.
        text = self._encode(item).replace("\n", "\n  ")
        self._pending.append(("[\n  " if self.count == 0 else ",\n  ") + text)
        self._size += len(text)
        self.count += 1
        if self._size >= self._BATCH:
            self._flush()

    def close(self) -> None:
        """End the array (``[]`` when nothing was added) and the line."""
        self._pending.append("\n]\n" if self.count else "[]\n")
        self._flush()

    def _flush(self) -> None:
        from ._common import out

        text = "".join(self._pending)
        out(text.encode("utf-8", "backslashreplace").decode("utf-8"), nl=False)
        self._pending.clear()
        self._size = 0


FINDING_FORMATS = ("text", "json", "github", "sarif")


def print_findings(
    findings: Sequence[Diagnostic],
    fmt: str,
    *,
    color: bool,
    to_stderr: bool = False,
    summary: bool = True,
) -> None:
    """Findings in one of :data:`FINDING_FORMATS`; text and github print nothing for none.

    ``summary`` false (``--quiet``) leaves out the text format's closing count.
    """
    from ..lint import report
    from ._common import err, out

    if fmt == "text":
        if not findings:
            return
        text = report.format_text(list(findings), color=color, summary=summary)
    elif fmt == "json":
        text = report.format_json(list(findings))
    elif fmt == "github":
        if not findings:
            return
        text = report.format_github(list(findings))
    elif fmt == "sarif":
        from .. import __version__
        from ..lint.registry import RULES

        text = report.format_sarif(list(findings), RULES, tool_version=__version__)
    else:  # pragma: no cover - click only lets the choices through
        raise ValueError(f"unknown format {fmt!r}")
    (err if to_stderr else out)(text.rstrip("\n"))


# --- the one diff ----------------------------------------------------------------------------


def unified_diff(path: str, before: str, after: str) -> str:
    """A unified diff of two texts, split on the document's own line endings.

    ``\\r\\n``, ``\\r`` and ``\\n`` only, never ``str.splitlines()``: that also splits on
    U+2028, ``\\x0c``, ``\\x85``…, which gives a hunk whose line counts disagree with the file
    (and with the line numbers every other command prints). A last line without a line ending
    gets git's ``\\ No newline at end of file`` marker.
    """
    import difflib

    from ..document import _lines

    old = ["".join(pair) for pair in zip(*_lines.split_lines(before), strict=True)]
    new = ["".join(pair) for pair in zip(*_lines.split_lines(after), strict=True)]
    parts: list[str] = []
    for line in difflib.unified_diff(old, new, fromfile=f"a/{path}", tofile=f"b/{path}"):
        parts.append(line)
        if not line.endswith(("\n", "\r")):
            parts.append("\n\\ No newline at end of file\n")
    return "".join(parts)

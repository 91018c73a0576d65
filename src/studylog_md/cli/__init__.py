"""The ``studylog-md`` command line.

Each command lives in its own module under ``studylog_md.cli`` and is imported only when it
runs, so ``studylog-md --help`` and the pre-commit hook start fast (markdown-it-py and the
rest are imported by the command that needs them).

Exit codes (the same for every command):

* 0 — success (``lint``: no findings; ``stats --check``: the block is fresh)
* 1 — findings (``lint``), a file was changed (``fix``), a stale block (``stats --check``)
* 2 — the user must act: bad usage, unreadable input, no match or an ambiguous query,
  the file changed underneath, a write that failed (the file is untouched)
* 3 — an internal error: a bug in studylog-md (for example an edit that failed its safety
  check); nothing was written
* 130 — interrupted (Ctrl-C); the file is untouched
"""

from __future__ import annotations

import importlib

import click

from ._output import color_option

# name -> (module, attribute, short help). The short help is here so that ``--help`` can list
# every command without importing any of them.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "list": ("studylog_md.cli.list_cmd", "list_cmd", "List the entries of study logs."),
    "stats": ("studylog_md.cli.stats_cmd", "stats_cmd", "Count done / to do per section."),
    "toggle": ("studylog_md.cli.edit_cmds", "toggle_cmd", "Flip (or set) the status of one entry."),
    "add": ("studylog_md.cli.edit_cmds", "add_cmd", "Append an entry to a section's table."),
    "lint": ("studylog_md.cli.lint_cmd", "lint_cmd", "Report problems in study logs."),
    "fix": ("studylog_md.cli.lint_cmd", "fix_cmd", "Apply the linter's safe fixes."),
    "check-links": (
        "studylog_md.cli.links_cmd",
        "check_links_cmd",
        "Check every http(s) link online.",
    ),
    "history": (
        "studylog_md.cli.history_cmd",
        "history_cmd",
        "When each entry changed status, from git history.",
    ),
    "server": (
        "studylog_md.server.command",
        "server_cmd",
        "Run the language server for editors (stdio).",
    ),
}

EPILOG = (
    "Exit codes: 0 success; 1 findings (lint), a file changed (fix), a stale block "
    "(stats --check); 2 you must act (usage, unreadable file, no or ambiguous match, file "
    "changed underneath, failed write: file untouched); 3 internal error (nothing written); "
    "130 interrupted."
)


class LazyGroup(click.Group):
    """A group that imports a command's module only when that command is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        spec = COMMANDS.get(cmd_name)
        if spec is None:
            return None
        module = importlib.import_module(spec[0])
        command = getattr(module, spec[1])
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, spec[2]) for name, spec in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="studylog-md", message="%(prog)s %(version)s")
@color_option
def cli() -> None:
    """Read, edit and lint Markdown study logs without touching a byte you did not ask for."""


def main(argv: list[str] | None = None) -> int:
    """Run the command line on ``argv`` (default ``sys.argv[1:]``); returns the exit code.

    Nothing here calls ``sys.exit``: the console script (and ``python -m studylog_md``) wrap
    it as ``sys.exit(main())``, and tests and other programs can call it directly.
    """
    from ._common import run

    return run(cli, argv)

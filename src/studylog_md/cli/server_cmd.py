"""``studylog-md server``: the language server, for editors (docs/editors.md)."""

from __future__ import annotations

import click

from ._common import fail


@click.command("server")
@click.option("--stdio", is_flag=True, help="Talk over standard input/output (the default).")
def server_cmd(stdio: bool) -> int:
    """Run the language server over stdio (diagnostics, "Mark as done", outline, hover).

    Needs the optional dependencies: pip install 'studylog-md[server]'. Exit codes: 0 the
    client said shutdown and exit; 1 it said exit without shutdown; 2 pygls is not installed.
    """
    try:
        import lsprotocol  # noqa: F401 - only checking that they are installed
        import pygls  # noqa: F401
    except ImportError:
        fail("the language server needs pygls; install it with: pip install 'studylog-md[server]'")
    from ..server.app import serve

    return serve()

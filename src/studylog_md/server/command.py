"""``studylog-md server``: the click command that starts the language server (docs/editors.md).

It lives with the server rather than in ``cli/`` (a lower layer that must not import the
server); ``cli`` names it by its dotted path only, and it imports pygls only when it runs.
"""

from __future__ import annotations

import click

from ..cli._common import fail


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

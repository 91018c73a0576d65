"""``studylog-md server`` without its extra: one line saying how to install it, exit 2."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("missing", ["pygls", "lsprotocol"])
def test_without_the_extra_it_says_how_to_install_it(missing: str) -> None:
    # A None entry in sys.modules makes `import` raise ImportError, as if not installed.
    code = (
        f"import sys; sys.modules[{missing!r}] = None; "
        "from studylog_md.cli import main; sys.exit(main(['server']))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("studylog-md: error:")
    assert "pip install 'studylog-md[server]'" in lines[0]


def test_help_lists_the_server_without_importing_it() -> None:
    code = (
        "import sys; from studylog_md.cli import main; code = main(['--help']); "
        "assert 'pygls' not in sys.modules, 'imported for --help'; sys.exit(code)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "server" in done.stdout and "language server" in done.stdout

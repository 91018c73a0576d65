"""Fixtures for the link-checker tests: real servers on 127.0.0.x and fast options."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from linkserver import LinkServer

from studylog_md.linkcheck import LinkCheckOptions

# Short timeouts and back-offs keep the suite fast; allow_private lets us reach 127.0.0.x.
FAST = LinkCheckOptions(allow_private=True, timeout=1.0, retries=1, retry_backoff=0.01)


@pytest.fixture
def server() -> Iterator[LinkServer]:
    """A server on 127.0.0.1."""
    with LinkServer("127.0.0.1") as running:
        yield running


@pytest.fixture
def server2() -> Iterator[LinkServer]:
    """A second server, on another loopback address (127.0.0.2)."""
    with LinkServer("127.0.0.2") as running:
        yield running


@pytest.fixture
def fast() -> LinkCheckOptions:
    """Options for tests: private addresses allowed, short timeouts, quick retries."""
    return FAST

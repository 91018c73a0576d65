"""Politeness: per-host and global concurrency, a minimum interval, and Retry-After waits.

``Retry-After`` waits are bounded in total, per host and per run: a site that answers every
link with "429, retry after 30 s" would otherwise add 30 s per link (8 links took 120 s).
Once a budget is spent, the waits it would need are refused and the links left are reported
``unverifiable`` instead.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class HostGate:
    """What one host allows: ``limit`` requests at once, ``interval`` seconds between starts,
    and nothing at all until :meth:`block_for` has passed (a ``Retry-After``)."""

    def __init__(self, limit: int, interval: float) -> None:
        self._semaphore = asyncio.Semaphore(limit)
        self._interval = interval
        self._next_start = 0.0
        self._blocked_until = 0.0
        self.waited = 0.0
        """Seconds this host has been blocked by its ``Retry-After`` answers so far."""
        self.exhausted = False
        """A ``Retry-After`` was refused: the host's (or the run's) budget is spent."""

    def block_for(self, seconds: float) -> float:
        """Make every request to this host wait ``seconds`` from now (never shortens a wait);
        returns by how much the host's wait grew."""
        now = time.monotonic()
        until = max(self._blocked_until, now + seconds)
        grown = until - max(self._blocked_until, now)
        self._blocked_until = until
        return grown

    def extension(self, seconds: float) -> float:
        """By how much :meth:`block_for` would make the host's wait grow."""
        now = time.monotonic()
        return max(0.0, now + seconds - max(self._blocked_until, now))

    @asynccontextmanager
    async def held(self) -> AsyncIterator[None]:
        """Take one of the host's slots, then wait for its turn (interval, Retry-After)."""
        async with self._semaphore:
            await self._wait_turn()
            yield

    async def _wait_turn(self) -> None:
        while True:
            now = time.monotonic()
            wait = max(self._blocked_until, self._next_start) - now
            if wait <= 0:
                # Reserved before any await, so concurrent waiters cannot take the same slot.
                self._next_start = now + self._interval
                return
            await asyncio.sleep(wait)


class Gates:
    """The global limit and one :class:`HostGate` per host name."""

    def __init__(
        self,
        max_concurrency: int,
        host_concurrency: int,
        interval: float,
        *,
        host_wait_budget: float = float("inf"),
        run_wait_budget: float = float("inf"),
    ) -> None:
        self._global = asyncio.Semaphore(max_concurrency)
        self._host_concurrency = host_concurrency
        self._interval = interval
        self._hosts: dict[str, HostGate] = {}
        self._host_budget = host_wait_budget
        self._run_budget = run_wait_budget
        self.waited = 0.0
        """Seconds of ``Retry-After`` waits granted so far, all hosts together."""

    def host(self, name: str) -> HostGate:
        """The gate of host ``name`` (created on first use)."""
        gate = self._hosts.get(name)
        if gate is None:
            gate = self._hosts[name] = HostGate(self._host_concurrency, self._interval)
        return gate

    def retry_after(self, name: str, seconds: float) -> bool:
        """Make host ``name`` wait ``seconds`` (a ``Retry-After``) if the budgets allow it;
        otherwise mark the host exhausted and return False."""
        gate = self.host(name)
        grow = gate.extension(seconds)
        if gate.waited + grow > self._host_budget or self.waited + grow > self._run_budget:
            gate.exhausted = True
            return False
        grown = gate.block_for(seconds)
        gate.waited += grown
        self.waited += grown
        return True

    def exhausted(self, name: str) -> bool:
        """Whether host ``name`` asked for a wait that the budgets refused."""
        gate = self._hosts.get(name)
        return gate is not None and gate.exhausted

    @asynccontextmanager
    async def slot(self, name: str) -> AsyncIterator[None]:
        """Hold a request slot for host ``name``.

        The host's slot is taken first and the global one last: a request waiting for its
        busy host must not sit on a global slot that a request to an idle host could use.
        Always taking them in this order also rules out deadlock.
        """
        async with self.host(name).held(), self._global:
            yield


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or an HTTP date)."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)

"""Turning a host into vetted IP addresses: once per host and run, and never for numbers."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from .addresses import (
    IPAddress,
    NumericHostError,
    Refusal,
    parse_ip_host,
    refusal_for,
    vet_addresses,
)

Resolver = Callable[[str, int], Awaitable[list[str]]]
"""``resolver(host, port)`` -> IP addresses as text; raises :class:`ResolveError`."""


class ResolveError(Exception):
    """DNS gave no address; ``kind`` is "nxdomain", "temporary" or "other"."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


async def system_resolver(host: str, port: int) -> list[str]:
    """Resolve with the operating system's ``getaddrinfo`` (in a worker thread)."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
        )
    except socket.gaierror as exc:
        not_found = {socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)}
        if exc.errno in not_found:
            raise ResolveError("nxdomain", "no such host (DNS)") from None
        if exc.errno == socket.EAI_AGAIN:
            raise ResolveError("temporary", "DNS lookup failed (temporary failure)") from None
        raise ResolveError("other", f"DNS lookup failed ({exc.strerror or exc})") from None
    except UnicodeError:
        raise ResolveError("nxdomain", "no such host (invalid name)") from None
    return [str(info[4][0]) for info in infos]


@dataclass(slots=True, frozen=True)
class Vetted:
    """The outcome of resolving and vetting a host: addresses, or why not."""

    addresses: tuple[str, ...] = ()
    refusal: Refusal | None = None  # a non-global address: never contact
    error: ResolveError | None = None  # DNS failed
    invalid: str | None = None  # a malformed numeric host


class AddressBook:
    """Resolves and vets each host once per run; concurrent askers share one lookup."""

    def __init__(
        self,
        resolver: Resolver,
        allow_private: bool,
        timeout: float,
        vet: Callable[[IPAddress], Refusal | None] = refusal_for,
    ) -> None:
        self._resolver = resolver
        self._vet_address = vet
        self._allow_private = allow_private
        self._timeout = timeout
        self._lookups: dict[tuple[str, int], asyncio.Future[Vetted]] = {}

    async def lookup(self, host: str, port: int) -> Vetted:
        """The vetted addresses of ``host`` (a temporary DNS failure is not remembered)."""
        key = (host, port)
        future = self._lookups.get(key)
        if future is None:
            future = self._lookups[key] = asyncio.ensure_future(self._vet(host, port))
        # Most lookups are answered from a finished future: skip the await machinery then.
        vetted = future.result() if future.done() else await asyncio.shield(future)
        temporary = vetted.error is not None and vetted.error.kind != "nxdomain"
        if temporary and self._lookups.get(key) is future:
            del self._lookups[key]
        return vetted

    async def _vet(self, host: str, port: int) -> Vetted:
        try:
            literal = parse_ip_host(host)
        except NumericHostError as exc:
            return Vetted(invalid=str(exc))
        if literal is not None:
            # A number is its own address: no DNS lookup at all.
            refusal = None if self._allow_private else self._vet_address(literal)
            return Vetted(addresses=(str(literal),), refusal=refusal)
        try:
            found = await asyncio.wait_for(self._resolver(host, port), self._timeout)
        except asyncio.TimeoutError:
            return Vetted(error=ResolveError("temporary", "DNS lookup timed out"))
        except ResolveError as exc:
            return Vetted(error=exc)
        if not found:
            return Vetted(error=ResolveError("nxdomain", "no such host (no address)"))
        if self._allow_private:
            return Vetted(addresses=tuple(dict.fromkeys(found)))
        addresses, refusal = vet_addresses(found, self._vet_address)
        return Vetted(addresses=tuple(addresses), refusal=refusal)

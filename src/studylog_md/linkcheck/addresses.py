"""Address vetting: which hosts a link checker fed with untrusted links may contact.

Links in a study log are untrusted input. Without vetting, a link such as
``http://169.254.169.254/latest/meta-data/`` makes the checker probe the cloud metadata
service, and ``http://0x7f.1:8080/admin`` a service on the machine that runs it. So every host
is turned into IP addresses first, each address must be *global*, and the connection then goes
to exactly the address that was vetted (see ``client.py``): no second DNS lookup that a
rebinding DNS server could answer differently.

Numeric hosts are parsed the way ``inet_aton`` (and browsers, per the WHATWG URL standard)
do, so ``2130706433``, ``0x7f.1`` and ``0177.0.0.1`` are recognised as 127.0.0.1 without any
DNS lookup.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
# Ranges some Python versions call global although nothing public lives there.
_EXTRA_V4 = (
    (ipaddress.ip_network("100.64.0.0/10"), "shared (CGNAT)"),
    (ipaddress.ip_network("192.0.0.0/24"), "IETF protocol assignments"),
    (ipaddress.ip_network("198.18.0.0/15"), "benchmarking"),
    (ipaddress.ip_network("255.255.255.255/32"), "broadcast"),
)


@dataclass(slots=True, frozen=True)
class Refusal:
    """Why an address may not be contacted: ``address`` and a short ``reason``."""

    address: str
    reason: str

    def describe(self) -> str:
        """One line for people, e.g. ``127.0.0.1 is a loopback address``."""
        return f"{self.address} is {self.reason}"


class NumericHostError(ValueError):
    """A host that ends in a number but is not a valid IPv4 address (``1.2.3.999999999999``)."""


def parse_ip_host(host: str) -> IPAddress | None:
    """The address a numeric host stands for, or ``None`` for a host name that needs DNS.

    IPv6 literals (without brackets) and every IPv4 spelling ``inet_aton`` accepts are
    recognised: 1 to 4 parts, each decimal, octal (leading ``0``) or hexadecimal (``0x``),
    the last part filling the remaining bytes. A host whose last label is numeric but which
    is not a valid address raises :class:`NumericHostError`: such a host must never reach DNS.
    """
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host)
        except ValueError:
            raise NumericHostError(f"invalid IPv6 address {host!r}") from None
    labels = host.split(".")
    if labels and labels[-1] == "":
        labels.pop()  # one trailing dot is allowed ("127.0.0.1.")
    if not labels or not _is_number(labels[-1]):
        return None
    if len(labels) > 4:
        raise NumericHostError(f"invalid numeric host {host!r}")
    numbers = []
    for label in labels:
        if not _is_number(label):
            raise NumericHostError(f"invalid numeric host {host!r}")
        numbers.append(_number(label))
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(numbers)):
        raise NumericHostError(f"invalid numeric host {host!r}")
    value = last
    for index, part in enumerate(head):
        value += part << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


def _is_number(label: str) -> bool:
    if label[:2].lower() == "0x":
        digits = label[2:]
        return all(c in "0123456789abcdefABCDEF" for c in digits)  # "0x" alone is 0
    return label.isascii() and label.isdigit()


def _number(label: str) -> int:
    if label[:2].lower() == "0x":
        return int(label[2:] or "0", 16)
    if len(label) > 1 and label.startswith("0"):
        if any(c in "89" for c in label):
            raise NumericHostError(f"invalid octal number {label!r}")
        return int(label, 8)
    return int(label)


def refusal_for(address: IPAddress) -> Refusal | None:
    """``None`` when ``address`` is a public (global) unicast address, else why it is not."""
    text = str(address)
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return Refusal(text, "an IPv4-mapped IPv6 address")
        if address in _NAT64_LOCAL:
            return Refusal(text, "a local-use NAT64 address")
        if address in _NAT64:
            # DNS64 networks legitimately synthesise these for public IPv4 hosts; what
            # matters is the IPv4 address embedded in the last 32 bits.
            inner = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
            embedded = refusal_for(inner)
            return None if embedded is None else Refusal(text, f"NAT64 for {embedded.describe()}")
        # 6to4 and Teredo are tunnels to an embedded IPv4 address; no public site is reached
        # through one today, and Python versions disagree on whether they are "global".
        if address.sixtofour is not None:
            return Refusal(text, f"a 6to4 address (for {address.sixtofour})")
        if address.teredo is not None:
            return Refusal(text, "a Teredo address")
        if address.is_site_local:
            return Refusal(text, "a site-local address")
    else:
        for network, label in _EXTRA_V4:
            if address in network:
                return Refusal(text, f"a {label} address")
    for flag, label in (
        (address.is_unspecified, "the unspecified address"),
        (address.is_loopback, "a loopback address"),
        (address.is_link_local, "a link-local address"),
        (address.is_multicast, "a multicast address"),
        (address.is_private, "a private address"),
        (address.is_reserved, "a reserved address"),
        (not address.is_global, "not a global address"),
    ):
        if flag:
            return Refusal(text, label)
    return None


def vet_addresses(
    addresses: list[str], vet: Callable[[IPAddress], Refusal | None] = refusal_for
) -> tuple[list[str], Refusal | None]:
    """Vet resolved addresses: all must be global (``vet`` says), else the first refusal.

    A name that resolves to a public *and* a private address is refused as a whole: mixing
    them is what DNS-rebinding attacks look like, and no honest public site needs it.
    """
    vetted: list[str] = []
    for text in addresses:
        address = ipaddress.ip_address(text.split("%", 1)[0])
        refusal = vet(address)
        if refusal is not None:
            return [], refusal
        if text not in vetted:
            vetted.append(text)
    return vetted, None

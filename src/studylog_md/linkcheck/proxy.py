"""Which proxy a request goes through: ``HTTP_PROXY``, ``HTTPS_PROXY``, ``NO_PROXY``.

Only ``http://`` proxies are supported (the common corporate kind): https links are tunnelled
with ``CONNECT`` (TLS stays end to end, the certificate is still checked against the link's
host), plain http links are sent to the proxy in absolute form. With a proxy the *proxy*
resolves host names, so the address vetting can only judge what we can see ourselves: see
docs/link-checking.md, "Proxies".
"""

from __future__ import annotations

import base64
import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from .options import LinkCheckConfigError


@dataclass(slots=True, frozen=True)
class Proxy:
    """One proxy: where it listens and the ``Proxy-Authorization`` to send, if any."""

    host: str
    port: int
    authorization: str | None = None

    def describe(self) -> str:
        """``proxy HOST:PORT`` for messages (never the credentials)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"proxy {host}:{self.port}"


def parse_proxy(url: str, name: str = "proxy") -> Proxy:
    """A proxy URL (``http://[user:password@]host[:port]``; a bare ``host:port`` is http).

    Raises :class:`LinkCheckConfigError` for anything else (an https or socks proxy, no host).
    """
    text = url.strip()
    if "://" not in text:
        text = "http://" + text  # curl and requests read a bare host:port as http
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise LinkCheckConfigError(f"{name}: invalid proxy URL ({exc})") from None
    if parts.scheme.lower() != "http":
        raise LinkCheckConfigError(
            f"{name}: only http:// proxies are supported, not {parts.scheme}://"
        )
    if not parts.hostname:
        raise LinkCheckConfigError(f"{name}: the proxy URL names no host")
    authorization = None
    if parts.username is not None:
        pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        authorization = "Basic " + base64.b64encode(pair.encode("utf-8")).decode("ascii")
    return Proxy(parts.hostname.lower(), port or 80, authorization)


class ProxyRules:
    """The proxy for each link, or ``None`` to connect directly."""

    def __init__(
        self, http: str | None = None, https: str | None = None, no_proxy: Sequence[str] = ()
    ) -> None:
        self._proxies = {
            "http": parse_proxy(http, "http proxy") if http else None,
            "https": parse_proxy(https, "https proxy") if https else None,
        }
        self._bypass = [_bypass_entry(entry) for entry in no_proxy if entry.strip()]

    @property
    def enabled(self) -> bool:
        """Whether any link may go through a proxy."""
        return any(self._proxies.values())

    def for_target(self, scheme: str, host: str, port: int) -> Proxy | None:
        """The proxy for a request to ``scheme://host:port``, or ``None`` (direct)."""
        proxy = self._proxies.get(scheme)
        if proxy is None or self._bypassed(host, port):
            return None
        return proxy

    def _bypassed(self, host: str, port: int) -> bool:
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            address = None
        for entry in self._bypass:
            if entry.port is not None and entry.port != port:
                continue
            if entry.everything:
                return True
            if entry.network is not None:
                if address is not None and address in entry.network:
                    return True
                continue
            if host == entry.name or host.endswith("." + entry.name):
                return True
        return False


@dataclass(slots=True, frozen=True)
class _Bypass:
    name: str = ""
    network: ipaddress.IPv4Network | ipaddress.IPv6Network | None = None
    port: int | None = None
    everything: bool = False


def _bypass_entry(entry: str) -> _Bypass:
    """One ``NO_PROXY`` entry, as curl reads it: ``*``, a domain (with its sub-domains; a
    leading ``.`` or ``*.`` is the same), an IP address or CIDR range, optionally ``:port``."""
    text = entry.strip().lower()
    if text == "*":
        return _Bypass(everything=True)
    port: int | None = None
    if text.startswith("["):  # [v6]:port
        inner, _, rest = text[1:].partition("]")
        text = inner
        if rest.startswith(":") and rest[1:].isdigit():
            port = int(rest[1:])
    elif text.count(":") == 1:
        name, _, digits = text.partition(":")
        if digits.isdigit():
            text, port = name, int(digits)
    try:
        return _Bypass(network=ipaddress.ip_network(text, strict=False), port=port)
    except ValueError:
        pass
    name = text.removeprefix("*").lstrip(".").rstrip(".")
    return _Bypass(name=name, port=port)


def environment_proxies(environ: Mapping[str, str]) -> tuple[str | None, str | None, list[str]]:
    """``(http proxy, https proxy, no_proxy entries)`` from environment variables.

    The lower-case names win over the upper-case ones, as in curl; ``ALL_PROXY`` is the
    fallback for both schemes. ``HTTP_PROXY`` in upper case is ignored when
    ``REQUEST_METHOD`` is set: under CGI it comes from a request header ("httpoxy").
    """

    def read(name: str, upper_ok: bool = True) -> str | None:
        value = environ.get(name.lower()) or (environ.get(name.upper()) if upper_ok else None)
        return value.strip() or None if value else None

    fallback = read("all_proxy")
    http = read("http_proxy", upper_ok="REQUEST_METHOD" not in environ) or fallback
    https = read("https_proxy") or fallback
    no_proxy = read("no_proxy") or ""
    entries = [entry for entry in no_proxy.replace(" ", ",").split(",") if entry]
    return http, https, entries

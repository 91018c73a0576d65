"""Splitting a link into what the HTTP client needs, and redacting credentials for output."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, unquote, urljoin, urlsplit

# Characters left as they are when a path or query is percent-encoded: everything that is
# legal in a URL (and "%", so that an already encoded URL is not encoded twice).
_SAFE_PATH = "/%:@!$&'()*+,;=-._~"
_SAFE_QUERY = _SAFE_PATH + "?"

# user[:password]@ in the authority part of any scheme://... URL.
_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)([^/?#@]*@)")


class InvalidURL(ValueError):
    """An http(s) URL that cannot be requested (no host, a bad port, ...)."""


def redact(url: str) -> str:
    """Replace the credentials of a URL (``user:pass@``) with ``***@``; used for all output."""
    return _USERINFO.sub(r"\1***@", url)


def scheme_of(url: str) -> str:
    """The lower-cased scheme of ``url``, or ``""`` when it has none."""
    match = re.match(r"^\s*([A-Za-z][A-Za-z0-9+.-]*):", url)
    return match.group(1).lower() if match else ""


@dataclass(slots=True, frozen=True)
class Target:
    """One http(s) URL, split and normalised for a request."""

    scheme: str  # "http" | "https"
    host: str  # ASCII (IDNA), lower case, IPv6 without brackets
    port: int
    target: str  # the request target: path + query, percent-encoded
    fragment: str | None  # without "#", None when the URL has none (or an empty one)

    @property
    def host_header(self) -> str:
        """The value of the ``Host`` header (and the authority of :attr:`url`)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"

    @property
    def url(self) -> str:
        """The URL without credentials and without fragment: the identity of a request."""
        return f"{self.scheme}://{self.host_header}{self.target}"

    def with_fragment(self) -> str:
        """:attr:`url` with the fragment put back."""
        return self.url if self.fragment is None else f"{self.url}#{self.fragment}"


def parse_target(url: str) -> Target:
    """Split an http(s) URL; raises :class:`InvalidURL` for one that cannot be requested."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
        hostname = parts.hostname
    except ValueError as exc:
        raise InvalidURL(f"invalid URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise InvalidURL(f"not an http(s) URL: {scheme or 'no scheme'}")
    if not hostname:
        raise InvalidURL("invalid URL (no host)")
    host = _ascii_host(hostname)
    path = quote(parts.path, safe=_SAFE_PATH) or "/"
    if not path.startswith("/"):
        path = "/" + path
    query = quote(parts.query, safe=_SAFE_QUERY)
    target = path + ("?" + query if query or url.split("#", 1)[0].endswith("?") else "")
    fragment = parts.fragment or None
    return Target(
        scheme=scheme,
        host=host,
        port=port if port is not None else (443 if scheme == "https" else 80),
        target=target,
        fragment=fragment,
    )


def join_location(base: Target, location: str) -> str:
    """The absolute URL a ``Location`` header points to, keeping the fragment as browsers do.

    Raises :class:`InvalidURL` when the location cannot be joined.
    """
    try:
        joined = urljoin(base.url, location.strip())
    except ValueError as exc:  # "Invalid IPv6 URL" and the like
        raise InvalidURL(f"invalid URL ({exc})") from None
    if "#" not in joined and base.fragment is not None:
        joined += "#" + base.fragment
    return joined


def decoded_fragment(fragment: str) -> str:
    """The fragment as it appears in an ``id`` attribute (percent-decoded, UTF-8)."""
    return unquote(fragment, errors="replace")


def _ascii_host(hostname: str) -> str:
    host = hostname.rstrip(".") if hostname.endswith(".") and hostname != "." else hostname
    if ":" in host:  # an IPv6 literal: urlsplit already removed the brackets
        return host.lower()
    try:
        host.encode("ascii")
        ascii_host = host
    except UnicodeEncodeError:
        try:
            ascii_host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise InvalidURL(f"invalid host name {hostname!r}") from None
    ascii_host = ascii_host.lower()
    if not ascii_host or any(c in ascii_host for c in " \t\r\n/\\@%"):
        raise InvalidURL(f"invalid host name {hostname!r}")
    return ascii_host

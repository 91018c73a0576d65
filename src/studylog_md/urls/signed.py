"""Signed CDN and cloud-storage URLs that stop working at a date (``expiring-url``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import unquote_plus

if TYPE_CHECKING:  # pragma: no cover
    from datetime import datetime

from .canonical import _HEX, _normalize_host
from .parts import _host_matches, _hostname, _query_span

# --- signed URLs -------------------------------------------------------------------------------


class Expiry(NamedTuple):
    """A signed URL: what signed it, when it stops working (None: unknown), which parameter."""

    kind: str  # fbcdn, discord, licdn, googlevideo, s3, gcs, azure-sas, cloudfront, signed
    expires_at: datetime | None  # timezone-aware UTC
    param: str  # the parameter that carries the expiry (or the signature), as written


_FB_HOSTS = ("fbcdn.net", "cdninstagram.com")
_DISCORD_HOSTS = ("cdn.discordapp.com", "media.discordapp.net")
_MAX_TIMESTAMP = 253402300799  # 9999-12-31T23:59:59Z


def _from_timestamp(seconds: int) -> datetime | None:
    from datetime import datetime, timezone  # here and below: only signed URLs need dates

    if not 0 <= seconds <= _MAX_TIMESTAMP:
        return None
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


def _unix(value: str) -> datetime | None:
    value = value.strip()
    if not value.isdigit() or not value.isascii() or len(value) > 12:
        return None
    return _from_timestamp(int(value))


def _hex_unix(value: str) -> datetime | None:
    value = value.strip()
    if not 1 <= len(value) <= 12 or not all(c in _HEX for c in value):
        return None
    return _from_timestamp(int(value, 16))


def _after(start: str | None, seconds: str) -> datetime | None:
    """``start`` (``20250220T071927Z``, as in X-Amz-Date) plus ``seconds``."""
    from datetime import datetime, timedelta, timezone

    if start is None or not seconds.isdigit() or not seconds.isascii() or len(seconds) > 9:
        return None
    try:
        when = datetime.strptime(start.strip(), "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
        return when + timedelta(seconds=int(seconds))
    except (ValueError, OverflowError):
        return None


def _iso(value: str) -> datetime | None:
    """An Azure ``se`` value: ``2025-02-20``, ``2025-02-20T07:19:27Z`` and the like."""
    from datetime import datetime, timezone

    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    return when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when


def _policy_expiry(policy: str) -> datetime | None:
    """``DateLessThan`` of a CloudFront custom policy (URL-safe base64 of a JSON document)."""
    import base64  # only a CloudFront URL with a custom policy needs these
    import json

    try:
        raw = policy.replace("-", "+").replace("_", "=").replace("~", "/")
        document = json.loads(base64.b64decode(raw + "=" * (-len(raw) % 4)))
        epoch = document["Statement"][0]["Condition"]["DateLessThan"]["AWS:EpochTime"]
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    return _from_timestamp(epoch) if isinstance(epoch, int) else None


def _params(url: str) -> dict[str, tuple[str, str]]:
    """Query parameters by lower-case name: ``(name as written, decoded value)``, first wins."""
    span = _query_span(url)
    found: dict[str, tuple[str, str]] = {}
    if span is None:
        return found
    for piece in url[span[0] : span[1]].split("&"):
        name, _, value = piece.partition("=")
        key = unquote_plus(name).lower()
        if key and key not in found:
            found[key] = (name, unquote_plus(value))
    return found


def _signed(host: str, params: dict[str, tuple[str, str]]) -> Expiry | None:
    def value(name: str) -> str | None:
        item = params.get(name)
        return item[1] if item is not None else None

    def make(kind: str, name: str, when: datetime | None) -> Expiry:
        return Expiry(kind, when, params[name][0])

    if _host_matches(host, _FB_HOSTS) and "oe" in params:
        return make("fbcdn", "oe", _hex_unix(params["oe"][1]))
    if host in _DISCORD_HOSTS and "ex" in params:
        return make("discord", "ex", _hex_unix(params["ex"][1]))
    if _host_matches(host, ("licdn.com",)) and "e" in params and "t" in params:
        return make("licdn", "e", _unix(params["e"][1]))
    if _host_matches(host, ("googlevideo.com",)) and "expire" in params:
        return make("googlevideo", "expire", _unix(params["expire"][1]))
    if "x-amz-expires" in params:
        return make("s3", "x-amz-expires", _after(value("x-amz-date"), params["x-amz-expires"][1]))
    if "x-goog-expires" in params:
        when = _after(value("x-goog-date"), params["x-goog-expires"][1])
        return make("gcs", "x-goog-expires", when)
    if "se" in params and "sig" in params:
        return make("azure-sas", "se", _iso(params["se"][1]))
    signature = "signature" in params or "sig" in params
    if "expires" in params and signature:
        if "key-pair-id" in params:
            kind = "cloudfront"
        elif "awsaccesskeyid" in params:
            kind = "s3"
        elif "googleaccessid" in params:
            kind = "gcs"
        else:
            kind = "signed"
        return make(kind, "expires", _unix(params["expires"][1]))
    if "policy" in params and "signature" in params and "key-pair-id" in params:
        return make("cloudfront", "policy", _policy_expiry(params["policy"][1]))
    return None


def expiry(url: str) -> Expiry | None:
    """The expiry of a signed URL (see the module docstring for what counts); else None.

    >>> expiry("https://scontent.xx.fbcdn.net/v/a.pdf?oh=00_AY&oe=67B6D77F").expires_at.date()
    datetime.date(2025, 2, 20)
    """
    try:
        params = _params(url)
        if not params:
            return None
        return _signed(_normalize_host(_hostname(url)), params)
    except Exception:  # an unparseable URL is not a signed one; never fail a lint run
        return None


def expiry_date(info: Expiry) -> datetime | None:
    """When a signed URL stops working (UTC), if its parameters say so."""
    return info.expires_at

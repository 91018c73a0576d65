"""Tracking parameters: names that only say where a click came from (``tracking-params``)."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import unquote_plus

if TYPE_CHECKING:  # pragma: no cover
    pass

from .parts import _host_matches, _hostname, _query_span

# --- tracking parameters -----------------------------------------------------------------------

TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "igshid",
        "igsh",
        "yclid",
        "ysclid",
        "_hsenc",
        "_hsmi",
        "__hstc",
        "__hssc",
        "__hsfp",
        "hsctatracking",
        "mc_cid",
        "mc_eid",
        "mkt_tok",
        "_ga",
        "_gl",
        "ref_src",
        "ref_url",
        "spm",
        "vero_id",
        "vero_conv",
        "oly_anon_id",
        "oly_enc_id",
        "rb_clid",
        "s_kwcid",
        "ef_id",
        "_branch_match_id",
        "wickedid",
    }
)
"""Tracking parameter names (lower case) that mean tracking on any host; plus every ``utm_*``."""

# Names that are tracking only on these sites (host suffixes, without "www.").
_HOST_TRACKING: tuple[tuple[tuple[str, ...], frozenset[str]], ...] = (
    (("youtube.com", "youtu.be", "youtube-nocookie.com"), frozenset({"si", "pp"})),
    (("spotify.com",), frozenset({"si"})),
    (("twitter.com", "x.com"), frozenset({"s", "t"})),
    (("linkedin.com",), frozenset({"trk", "trkemail", "trackingid", "lipi"})),
    (("medium.com",), frozenset({"source"})),
)


def _is_tracking(name: str, host: str) -> bool:
    """Whether query parameter ``name`` (as written) is a tracking parameter on ``host``."""
    key = unquote_plus(name).strip().lower()
    if key.startswith("utm_") or key in TRACKING_PARAMS:
        return True
    return key in _host_tracking(host)


@lru_cache(maxsize=1024)  # once per distinct host (see parts._host_matches)
def _host_tracking(host: str) -> frozenset[str]:
    """The names that are tracking parameters on ``host`` only."""
    names: frozenset[str] = frozenset()
    for hosts, more in _HOST_TRACKING:
        if _host_matches(host, hosts):
            names |= more
    return names


def tracking_params(url: str) -> list[str]:
    """Names of the tracking parameters in ``url``'s query, as written, first occurrence first.

    >>> tracking_params("https://a.example/x?utm_source=news&id=3&fbclid=abc&utm_source=again")
    ['utm_source', 'fbclid']
    """
    span = _query_span(url)
    if span is None:
        return []
    host = _hostname(url)
    found: list[str] = []
    seen: set[str] = set()
    for piece in url[span[0] : span[1]].split("&"):
        name = piece.partition("=")[0]
        if name and _is_tracking(name, host):
            key = name.lower()
            if key not in seen:
                seen.add(key)
                found.append(name)
    return found


def strip_tracking(url: str) -> str:
    """``url`` without its tracking parameters and with nothing else changed.

    The other parameters keep their order and spelling, the fragment stays, and the ``?`` goes
    when no parameter is left. Empty pieces (``&&``) are dropped only when something was
    removed: they separate nothing once their neighbour is gone.

    >>> strip_tracking("https://a.example/x?utm_source=news&id=3#part")
    'https://a.example/x?id=3#part'
    >>> strip_tracking("https://a.example/x?fbclid=abc")
    'https://a.example/x'
    """
    span = _query_span(url)
    if span is None:
        return url
    start, end = span
    host = _hostname(url)
    pieces = url[start:end].split("&")
    kept = [p for p in pieces if not _is_tracking(p.partition("=")[0], host)]
    if len(kept) == len(pieces):
        return url
    query = "&".join(p for p in kept if p)
    return url[: start - 1] + ("?" + query if query else "") + url[end:]

"""URL facts the linter needs, offline and stdlib only: equivalence keys, tracking parameters,
signed URLs that expire.

Three jobs, one per public function family:

* :func:`canonical_url` — a key under which equivalent spellings of one resource compare equal
  (``duplicate-url``). It is a *key*, not a URL to visit: the scheme is gone.
* :func:`tracking_params` / :func:`strip_tracking` — parameters that only say where a click
  came from (``tracking-params``). ``strip_tracking`` is applied as a byte-span fix, so it
  removes those parameters and changes nothing else.
* :func:`expiry` — signed CDN or cloud-storage URLs that stop working at a date
  (``expiring-url``).

None of these functions raises, whatever the input: a study log is full of hand-typed URLs.

Tracking parameters (names compared case-insensitively):

* everywhere: any ``utm_*``, and ``fbclid gclid gclsrc dclid gbraid wbraid msclkid twclid
  ttclid li_fat_id igshid igsh yclid ysclid _hsenc _hsmi __hstc __hssc __hsfp hsctatracking
  mc_cid mc_eid mkt_tok _ga _gl ref_src ref_url spm vero_id vero_conv oly_anon_id oly_enc_id
  rb_clid s_kwcid ef_id _branch_match_id wickedid``;
* on YouTube (``youtube.com``, ``youtu.be``) ``si`` and ``pp``; on Spotify ``si``; on
  Twitter/X ``s`` and ``t``; on LinkedIn ``trk``, ``trkemail``, ``trackingid``, ``lipi``; on
  Medium ``source``. These names are ordinary words elsewhere, so they count only there.

Signed URLs (:func:`expiry`) are recognised only where the parameters leave no doubt; an
ordinary ``?expires=`` or ``?e=`` means nothing by itself:

* Facebook/Instagram CDN (``*.fbcdn.net``, ``*.cdninstagram.com``): ``oe`` = hex Unix time;
* Discord CDN (``cdn.discordapp.com``, ``media.discordapp.net``): ``ex`` = hex Unix time;
* LinkedIn media (``*.licdn.com``): ``e`` = Unix time, with ``t`` (the token);
* Google Video (``*.googlevideo.com``): ``expire`` = Unix time;
* AWS SigV4 presigned: ``X-Amz-Expires`` (seconds after ``X-Amz-Date``);
* Google Cloud Storage V4: ``X-Goog-Expires`` (seconds after ``X-Goog-Date``);
* Azure SAS: ``se`` (ISO 8601) *with* ``sig``;
* ``Expires`` (Unix time) *with* ``Signature`` or ``sig`` — CloudFront canned policy (with
  ``Key-Pair-Id``), AWS SigV2 (``AWSAccessKeyId``), GCS V2 (``GoogleAccessId``), or another
  signer;
* CloudFront custom policy: ``Policy`` + ``Signature`` + ``Key-Pair-Id`` (the date is read
  from the policy when it decodes).
"""

from __future__ import annotations

import contextlib
import re
from functools import cache
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import SplitResult, unquote, unquote_plus, urlsplit

if TYPE_CHECKING:  # pragma: no cover
    from datetime import datetime

__all__ = [
    "TRACKING_PARAMS",
    "Expiry",
    "canonical_url",
    "expiry",
    "expiry_date",
    "is_http",
    "split_fragment",
    "strip_tracking",
    "tracking_params",
]

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


def _host_matches(host: str, suffixes: tuple[str, ...]) -> bool:
    return any(host == s or host.endswith("." + s) for s in suffixes)


def _is_tracking(name: str, host: str) -> bool:
    """Whether query parameter ``name`` (as written) is a tracking parameter on ``host``."""
    key = unquote_plus(name).strip().lower()
    if key.startswith("utm_") or key in TRACKING_PARAMS:
        return True
    return any(key in names for hosts, names in _HOST_TRACKING if _host_matches(host, hosts))


def _hostname(url: str) -> str:
    try:
        return (urlsplit(url.strip()).hostname or "").rstrip(".")
    except ValueError:
        return ""


def _query_span(url: str) -> tuple[int, int] | None:
    """``(start, end)`` of the query (after ``?``, before ``#``); None when there is none."""
    question = url.find("?")
    hash_ = url.find("#")
    if question < 0 or 0 <= hash_ < question:
        return None
    return question + 1, (hash_ if hash_ >= 0 else len(url))


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


# --- small helpers -----------------------------------------------------------------------------


def is_http(url: str) -> bool:
    """Whether ``url`` is an absolute ``http://`` or ``https://`` URL with a host."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def split_fragment(url: str) -> tuple[str, str | None]:
    """``(url without fragment, fragment)``; the fragment is None when there is no ``#``.

    >>> split_fragment("notes.md#intro")
    ('notes.md', 'intro')
    >>> split_fragment("notes.md")
    ('notes.md', None)
    """
    before, hash_, after = url.partition("#")
    return before, (after if hash_ else None)


# --- canonical keys ----------------------------------------------------------------------------

_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# Characters a path may hold unencoded (RFC 3986 pchar and "/"); others are percent-encoded.
_PATH_SAFE = _UNRESERVED | frozenset("!$&'()*+,;=:@/")
# In a query key or value "&", "=" and "+" have meanings of their own, so they stay encoded.
_QUERY_SAFE = _UNRESERVED | frozenset("!$'()*,;:@/?")
_HEX = frozenset("0123456789abcdefABCDEF")
_INDEX_FILES = ("index.html", "index.htm", "index.php")
_WIKI_HOSTS = (
    "wikipedia.org",
    "wikibooks.org",
    "wiktionary.org",
    "wikiversity.org",
    "wikiquote.org",
    "wikisource.org",
    "wikivoyage.org",
    "wikinews.org",
    "wikimedia.org",
)
_CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "codeberg.org")


def _utf8(char: str) -> bytes:
    try:
        # Lone surrogates from surrogateescape stand for the invalid bytes they came from.
        return char.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return char.encode("utf-8", "surrogatepass")


def _normalize_escapes(text: str, safe: frozenset[str]) -> str:
    """One spelling per character: unreserved escapes decoded, other escapes in upper case,
    characters outside ``safe`` percent-encoded as UTF-8."""
    if "%" not in text and safe.issuperset(text):
        return text  # the usual case, at C speed: nothing to decode or encode
    out: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "%" and i + 2 < n and text[i + 1] in _HEX and text[i + 2] in _HEX:
            decoded = chr(int(text[i + 1 : i + 3], 16))
            out.append(decoded if decoded in _UNRESERVED else "%" + text[i + 1 : i + 3].upper())
            i += 3
            continue
        if ch in safe:
            out.append(ch)
        else:
            out.extend(f"%{b:02X}" for b in _utf8(ch))
        i += 1
    return "".join(out)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4: ``/a/./b/../c`` is ``/a/c``."""
    if "." not in path:
        return path
    segments = path.split("/")
    out: list[str] = []
    for segment in segments[1:] if path.startswith("/") else segments:
        if segment == ".":
            continue
        if segment == "..":
            if out:
                out.pop()
            continue
        out.append(segment)
    if segments[-1] in (".", ".."):
        out.append("")
    return ("/" if path.startswith("/") else "") + "/".join(out)


def _split_netloc(netloc: str) -> tuple[str, str, str]:
    """``(userinfo, host, port)`` of a netloc, without parsing that could raise."""
    userinfo, at, hostport = netloc.rpartition("@")
    if not at:
        userinfo = ""
    if hostport.startswith("["):  # IPv6 literal
        close = hostport.find("]")
        if close > 0:
            rest = hostport[close + 1 :]
            return userinfo, hostport[: close + 1].lower(), rest[1:] if rest[:1] == ":" else ""
        return userinfo, hostport.lower(), ""
    host, colon, port = hostport.rpartition(":")
    if not colon:
        host, port = hostport, ""
    return userinfo, host, port


def _normalize_host(host: str) -> str:
    host = unquote(host).lower().rstrip(".")
    if not host.isascii():
        # An invalid international name stays as it is: its lower-case form is key enough.
        with contextlib.suppress(UnicodeError):
            host = host.encode("idna").decode("ascii")
    for prefix in ("www.", "m."):
        if host.startswith(prefix) and "." in host[len(prefix) :]:
            host = host[len(prefix) :]
            break
    if _host_matches(host, _WIKI_HOSTS):
        host = host.replace(".m.", ".", 1)  # en.m.wikipedia.org is the mobile en.wikipedia.org
    return host


def _normalize_port(port: str) -> str:
    if not port:
        return ""
    if port.isdigit() and port.isascii():
        number = int(port)
        return "" if number in (80, 443) else str(number)
    return port


def _normalize_path(path: str) -> str:
    path = _remove_dot_segments(_normalize_escapes(path, _PATH_SAFE))
    head, _, last = path.rpartition("/")
    if last.lower() in _INDEX_FILES:
        path = head + "/"
    return path.rstrip("/")


def _query_pairs(query: str, host: str) -> list[tuple[str, str]]:
    """Normalised ``(key, value)`` pairs without tracking parameters or empty pieces."""
    pairs: list[tuple[str, str]] = []
    for piece in query.split("&"):
        if not piece or _is_tracking(piece.partition("=")[0], host):
            continue
        key, eq, value = piece.partition("=")
        # "+" and "%20" both mean a space in a query; "%2B" is the plus sign.
        key = _normalize_escapes(key.replace("+", "%20"), _QUERY_SAFE)
        value = _normalize_escapes(value.replace("+", "%20"), _QUERY_SAFE) if eq else ""
        pairs.append((key, value))
    return pairs


def _format_query(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{k}={v}" if v else k for k, v in sorted(pairs))


_ARXIV_HOSTS = ("arxiv.org", "export.arxiv.org", "ar5iv.org", "ar5iv.labs.arxiv.org")
_YOUTUBE_HOSTS = ("youtube.com", "youtube-nocookie.com")
_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]+")


# Compiled on first use, as the other patterns only some links need (start-up of the hook).
@cache
def _arxiv_path() -> re.Pattern[str]:
    # Matched against the lower-cased path, which is ASCII (``_normalize_path`` percent-encodes
    # the rest): the same matches as re.IGNORECASE, for a third of its compile time.
    return re.compile(
        r"/(?:abs|pdf|html|ps|format)/"
        r"(?P<id>\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[a-z]{2})?/\d{7})"
        r"(?:v\d+)?(?:\.pdf)?"
    )


@cache
def _youtube_path() -> re.Pattern[str]:
    return re.compile(r"/(?:embed|shorts|v|e|live)/(?P<id>[A-Za-z0-9_-]+)")


def _youtube_key(video: str | None, playlist: str | None) -> str | None:
    if video and _YOUTUBE_ID.fullmatch(video):
        return "youtube.com/watch?v=" + video + (f"&list={playlist}" if playlist else "")
    if playlist:
        return "youtube.com/playlist?list=" + playlist
    return None


def _special_key(host: str, path: str, pairs: list[tuple[str, str]]) -> str | None:
    """One key per paper or video on sites with many spellings of one resource."""
    if host in _ARXIV_HOSTS:
        match = _arxiv_path().fullmatch(path.lower())
        if match:
            return "arxiv.org/abs/" + match.group("id")
        return None
    params = dict(reversed(pairs))  # the first occurrence of a key wins
    playlist = params.get("list") or None
    if host == "youtu.be":
        video = path.strip("/")
        return _youtube_key(video, playlist)
    if _host_matches(host, _YOUTUBE_HOSTS) and host != "music.youtube.com":
        if path == "/watch":
            return _youtube_key(params.get("v"), playlist)
        if path == "/playlist" or path == "/embed/videoseries":
            return _youtube_key(None, playlist)
        match = _youtube_path().fullmatch(path)
        if match:
            return _youtube_key(match.group("id"), playlist)
    return None


def _code_host_path(host: str, path: str) -> str:
    """``github.com/Owner/Repo.git`` is the repository page ``github.com/owner/repo``."""
    if host not in _CODE_HOSTS:
        return path
    segments = path.split("/")
    if len(segments) == 3 and segments[2].lower().endswith(".git"):
        segments[2] = segments[2][:-4]
    if host == "github.com":
        # GitHub owner and repository names are case-insensitive; file paths are not.
        segments[1:3] = [s.lower() for s in segments[1:3]]
    return "/".join(segments)


def _keep_fragment(fragment: str) -> bool:
    """Whether the fragment tells two resources apart.

    Study logs link chapters of one long page as separate entries (``notes.html#radixSort``,
    ``notes.html#Tries``), and hash-routed sites (``#/docs/intro``) serve different pages;
    only fragments that point nowhere in particular are ignored: ``#``, ``#top`` and text
    fragments (``#:~:text=...``).
    """
    return bool(fragment) and fragment.lower() != "top" and not fragment.startswith(":~:")


def _canonical_web(parts: SplitResult) -> str:
    userinfo, raw_host, raw_port = _split_netloc(parts.netloc)
    host = _normalize_host(raw_host)
    port = _normalize_port(raw_port)
    path = _normalize_path(parts.path)
    pairs = _query_pairs(parts.query, host)
    special = _special_key(host, path or "/", pairs)
    if special is not None:
        return special
    path = _code_host_path(host, path)
    key = (userinfo + "@" if userinfo else "") + host + (":" + port if port else "") + path
    if pairs:
        key += "?" + _format_query(pairs)
    if _keep_fragment(parts.fragment):
        key += "#" + _normalize_escapes(parts.fragment, _PATH_SAFE | {"?"})
    return key


def canonical_url(url: str) -> str:
    """A key that is equal for equivalent URLs of one resource.

    For ``http``/``https`` URLs: the scheme, ``www.``/``m.``, default ports, a trailing slash
    or ``index.html``, tracking parameters and the order of the others, and an empty, ``#top``
    or text fragment are ignored; percent-encoding is normalised; an arXiv paper (any version,
    abstract or PDF), a YouTube video (``watch``, ``youtu.be``, ``embed``, ``shorts``; only its
    ``list`` parameter is kept) and a repository (``.git``) each have one key. Other fragments
    are kept: different sections of one long page are different entries of a study log (see
    ``_keep_fragment``). Other URLs (``mailto:``, relative paths) are returned stripped, with
    the scheme in lower case.

    >>> canonical_url("https://www.arxiv.org/pdf/2201.11903v2.pdf")
    'arxiv.org/abs/2201.11903'
    >>> canonical_url("http://Example.COM:80/a/index.html?b=2&a=1&utm_source=x#top")
    'example.com/a?a=1&b=2'
    """
    try:
        text = url.strip()
        if not text:
            return ""
        if text.startswith("//"):
            text = "http:" + text
        elif text[:4].lower() == "www.":
            text = "http://" + text
        parts = urlsplit(text)
        scheme = parts.scheme.lower()
        if scheme in ("http", "https") and parts.netloc:
            return _canonical_web(parts)
        if scheme and text[: len(scheme)].lower() == scheme:
            return scheme + text[len(scheme) :]
        return text
    except Exception:  # a key for garbage is the garbage itself; never fail a lint run
        return url.strip()


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

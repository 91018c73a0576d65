"""Canonical keys: equivalent spellings of one resource compare equal (``duplicate-url``)."""

from __future__ import annotations

import contextlib
import re
from functools import cache, lru_cache
from typing import TYPE_CHECKING
from urllib.parse import SplitResult, unquote, urlsplit

if TYPE_CHECKING:  # pragma: no cover
    pass

from .parts import _host_matches
from .tracking import _is_tracking

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


@lru_cache(maxsize=1024)  # once per distinct host (see parts._host_matches)
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


_OFFSET_PART = re.compile(r"(\d+)([hms]?)")


def _seconds(value: str) -> int | None:
    """A media offset in seconds: ``120``, ``120s``, ``2m``, ``1h2m3s``, ``2:00``."""
    value = value.strip().lower()
    if not value:
        return None
    if ":" in value:
        parts = value.split(":")
        if not all(p.isdigit() for p in parts) or len(parts) > 3:
            return None
        total = 0
        for part in parts:
            total = total * 60 + int(part)
        return total
    total = 0
    pos = 0
    for match in _OFFSET_PART.finditer(value):
        if match.start() != pos:
            return None
        number, unit = int(match.group(1)), match.group(2)
        total += number * {"h": 3600, "m": 60}.get(unit, 1)
        pos = match.end()
    return total if pos == len(value) else None


def _media_offset(pairs: list[tuple[str, str]], fragment: str) -> int | None:
    """Where a video link starts playing (``t=``, ``start=``, ``#t=``); None: at the start.

    Two segments of one lecture (``&t=120`` and ``&t=900``) are two entries of a log, so the
    offset is part of the resource's key.
    """
    for key, value in pairs:
        if key in ("t", "start", "time_continue"):
            return _seconds(value)
    if fragment.startswith("t="):
        return _seconds(fragment[2:])
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
        if special.startswith("youtube.com/watch"):
            offset = _media_offset(pairs, parts.fragment)
            if offset:  # t=0 plays from the start, like no offset
                special += f"&t={offset}"
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
    ``list`` parameter and its start offset ``t``/``start``/``#t=`` are kept: two segments of
    one lecture are two entries) and a repository (``.git``) each have one key. Other
    fragments are kept: different sections of one long page are different entries of a study
    log (see ``_keep_fragment``). Other URLs (``mailto:``, relative paths) are returned
    stripped, with the scheme in lower case.

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

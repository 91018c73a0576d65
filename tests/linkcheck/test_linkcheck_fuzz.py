"""Untrusted links never crash the URL and host parsers, nor the checker."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from studylog_md.linkcheck import LinkCheckOptions, check_links, redact
from studylog_md.linkcheck.addresses import NumericHostError, parse_ip_host
from studylog_md.linkcheck.resolve import ResolveError
from studylog_md.linkcheck.targets import InvalidURL, parse_target

PIECES = st.sampled_from(
    ["http://", "https://", "HTTP://", "u:p@", "[", "]", "::1", "0x7f", ".", "1", ":", "80",
     "99999", "/", "?", "#", "%", "%zz", "ü", " ", "\t", "@", "xn--", "-", "a", "[::ffff:1.2.3.4]"]
)  # fmt: skip
URLS = st.lists(PIECES, max_size=12).map("".join) | st.text(max_size=40)


@given(URLS)
@settings(max_examples=200, deadline=None)
def test_parse_target_only_raises_invalid_url(url: str) -> None:
    try:
        target = parse_target(url)
    except InvalidURL:
        return
    assert target.scheme in ("http", "https")
    assert target.target.startswith("/")
    assert 0 <= target.port <= 65535


@given(st.text(alphabet="0123456789abcdefxX.:", max_size=30))
@settings(max_examples=200, deadline=None)
def test_parse_ip_host_only_raises_numeric_host_error(host: str) -> None:
    try:
        address = parse_ip_host(host)
    except NumericHostError:
        return
    if address is not None and ":" not in host:
        # Only a host whose last label is a number is taken for an IPv4 address.
        last = host.rstrip(".").rsplit(".", 1)[-1].lower()
        assert last.isdigit() or last.startswith("0x")


@given(URLS)
@settings(max_examples=200, deadline=None)
def test_redact_removes_every_password(url: str) -> None:
    secret = "Zq9secretZq9"
    text = redact(f"https://user:{secret}@{url}")
    assert secret not in text


async def no_dns(host: str, port: int) -> list[str]:
    raise ResolveError("nxdomain", "no such host (test)")


@given(st.lists(URLS, max_size=5))
@settings(max_examples=30, deadline=None)
def test_checker_gives_a_verdict_for_anything(urls: list[str]) -> None:
    options = LinkCheckOptions(timeout=0.5, retries=0)
    results = check_links(urls, options, resolver=no_dns)
    assert set(results) == set(urls)
    for result in results.values():
        assert "internal error" not in result.detail
        assert result.verdict in ("dead", "skipped", "unverifiable", "excluded")

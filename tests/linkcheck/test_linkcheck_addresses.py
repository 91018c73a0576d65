"""Address vetting: non-global addresses are refused before any connection or DNS lookup."""

from __future__ import annotations

import asyncio
import ipaddress

import pytest
from linkserver import LinkServer

from studylog_md.linkcheck import LinkCheckOptions, LinkResult, check_links
from studylog_md.linkcheck.addresses import (
    IPAddress,
    NumericHostError,
    Refusal,
    parse_ip_host,
    refusal_for,
    vet_addresses,
)
from studylog_md.linkcheck.checker import _Run


class RecordingResolver:
    """A resolver with a fixed table that records every name it is asked for."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table
        self.asked: list[str] = []

    async def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        return self.table[host]


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("2130706433", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("0", "0.0.0.0"),
        ("0xa9.254.169.254", "169.254.169.254"),
        ("3232235777", "192.168.1.1"),
        ("017700000001", "127.0.0.1"),
        ("127.0.0.1.", "127.0.0.1"),
        ("8.8.8.8", "8.8.8.8"),
        ("::1", "::1"),
        ("::ffff:127.0.0.1", "::ffff:7f00:1"),
    ],
)
def test_numeric_hosts_are_parsed_like_inet_aton(host: str, address: str) -> None:
    assert parse_ip_host(host) == ipaddress.ip_address(address)


@pytest.mark.parametrize("host", ["example.com", "localhost", "1e100.net", "xn--bcher-kva.de"])
def test_names_are_not_numbers(host: str) -> None:
    assert parse_ip_host(host) is None


@pytest.mark.parametrize(
    "host", ["1.2.3.4.5", "256.1.1.1", "1.2.3.256", "4294967296", "09.1.1.1", "example.123"]
)
def test_bad_numeric_hosts_are_errors(host: str) -> None:
    with pytest.raises(NumericHostError):
        parse_ip_host(host)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "100.127.255.254",
        "224.0.0.1",
        "239.255.255.250",
        "240.0.0.1",
        "255.255.255.255",
        "0.0.0.0",
        "198.18.0.1",
        "192.0.0.8",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fec0::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:8.8.8.8",
        "64:ff9b::7f00:1",
        "64:ff9b::a00:1",
        "64:ff9b:1::1",
        "2002:7f00:1::1",
        "2002:a00:1::1",
        "2002:808:808::1",  # 6to4 is refused whatever it embeds
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",
        "::127.0.0.1",
    ],
)
def test_non_global_addresses_are_refused(address: str) -> None:
    assert refusal_for(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "64:ff9b::808:808"]
)
def test_global_addresses_pass(address: str) -> None:
    assert refusal_for(ipaddress.ip_address(address)) is None


def test_a_name_with_one_private_address_is_refused_whole() -> None:
    vetted, refusal = vet_addresses(["93.184.216.34", "10.0.0.7"])
    assert vetted == []
    assert refusal is not None and refusal.address == "10.0.0.7"


@pytest.mark.parametrize(
    "host",
    [
        "2130706433",
        "0x7f.1",
        "0177.0.0.1",
        "127.1",
        "[::1]",
        "[::ffff:127.0.0.1]",
        "169.254.169.254",
        "100.64.0.1",
        "[64:ff9b::7f00:1]",
    ],
)
def test_numeric_tricks_are_skipped_without_dns_or_connection(
    server: LinkServer, host: str
) -> None:
    resolver = RecordingResolver({})
    url = f"http://{host}:{server.port}/ok"
    result = check_links([url], LinkCheckOptions(timeout=1.0), resolver=resolver)[url]
    assert result.verdict == "skipped"
    assert result.detail.startswith("not contacted: ")
    assert resolver.asked == []
    assert server.requests == []


def test_private_urls_get_no_request_without_allow_private(server: LinkServer) -> None:
    paths = ["/ok", "/status/404", "/redirect/301?to=/ok", "/big?nohead=1", "/page#intro"]
    urls = [server.url(p) for p in paths]
    results = check_links(urls, LinkCheckOptions(timeout=1.0))
    assert {r.verdict for r in results.values()} == {"skipped"}
    assert all("127.0.0.1 is a loopback address" in r.detail for r in results.values())
    assert server.requests == []


def test_a_name_resolving_to_loopback_is_skipped(server: LinkServer) -> None:
    resolver = RecordingResolver({"intranet.example": ["127.0.0.1"]})
    url = f"http://intranet.example:{server.port}/ok"
    result = check_links([url], LinkCheckOptions(timeout=1.0), resolver=resolver)[url]
    assert result.verdict == "skipped"
    assert resolver.asked == ["intranet.example"]
    assert server.requests == []


def pretend_127_0_0_1_is_public(address: IPAddress) -> Refusal | None:
    """Vetting as usual, except that 127.0.0.1 passes: it stands in for a public server."""
    if address == ipaddress.ip_address("127.0.0.1"):
        return None
    return refusal_for(address)


def run_with_vetting(urls: list[str], resolver: RecordingResolver) -> dict[str, LinkResult]:
    run = _Run(LinkCheckOptions(timeout=1.0), None, resolver, pretend_127_0_0_1_is_public)
    return asyncio.run(run.check_all(urls))


def test_every_redirect_hop_is_vetted_again(server: LinkServer, server2: LinkServer) -> None:
    # "public" 127.0.0.1 redirects to a name that resolves to 127.0.0.2 (private): the hop
    # must be vetted again, refused, and never contacted.
    resolver = RecordingResolver({"inside.example": ["127.0.0.2"]})
    url = server.url(f"/redirect/302?to=http://inside.example:{server2.port}/ok")
    result = run_with_vetting([url], resolver)[url]
    assert result.verdict == "skipped"
    assert result.detail == (
        f"after redirect to http://inside.example:{server2.port}/ok: "
        "not contacted: 127.0.0.2 is a loopback address"
    )
    assert server.count("/redirect") == 1
    assert server2.requests == []


def test_redirect_to_a_numeric_trick_is_refused_without_dns(
    server: LinkServer, server2: LinkServer
) -> None:
    resolver = RecordingResolver({})
    url = server.url(f"/redirect/301?to=http://0x7f.2:{server2.port}/ok")
    result = run_with_vetting([url], resolver)[url]
    assert result.verdict == "skipped"
    assert resolver.asked == []
    assert server2.requests == []


def test_the_stand_in_public_server_is_reachable(server: LinkServer) -> None:
    # The control for the two tests above: with this vetting, 127.0.0.1 itself is checked.
    url = server.url("/ok")
    assert run_with_vetting([url], RecordingResolver({}))[url].verdict == "ok"


def test_connects_to_the_vetted_address_without_a_second_lookup(
    server: LinkServer, fast: LinkCheckOptions
) -> None:
    # A rebinding DNS server would answer differently the second time; we must ask once.
    resolver = RecordingResolver({"once.example": ["127.0.0.1"]})
    urls = [f"http://once.example:{server.port}/ok", f"http://once.example:{server.port}/page"]
    results = check_links(urls, fast, resolver=resolver)
    assert [r.verdict for r in results.values()] == ["ok", "ok"]
    assert resolver.asked == ["once.example"]
    assert {r.headers["host"] for r in server.requests} == {f"once.example:{server.port}"}

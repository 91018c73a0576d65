"""Proxies: links checked through a real loopback proxy (CONNECT and absolute form).

What the vetting still guarantees with a proxy is pinned down here: literal and resolvable
private addresses are refused before anything is sent, with or without a proxy, unless
``allow_private``; a name we cannot resolve ourselves is left to the proxy.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from linkserver import LinkServer, closed_port, make_certificate
from proxyserver import ProxyServer

from studylog_md.linkcheck import LinkCheckConfigError, LinkCheckOptions, check_links
from studylog_md.linkcheck.proxy import ProxyRules, environment_proxies
from studylog_md.linkcheck.resolve import ResolveError


class Resolver:
    """Test DNS: names from a table; any other name does not exist (for us)."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table

    async def __call__(self, host: str, port: int) -> list[str]:
        if host not in self.table:
            raise ResolveError("nxdomain", "no such host (DNS)")
        return self.table[host]


@pytest.fixture
def proxy() -> Iterator[ProxyServer]:
    with ProxyServer({"origin.test": "127.0.0.1"}) as running:
        yield running


def test_plain_http_goes_through_the_proxy_in_absolute_form(
    proxy: ProxyServer, server: LinkServer, fast: LinkCheckOptions
) -> None:
    options = dataclasses.replace(fast, http_proxy=proxy.url)
    urls = [server.url("/ok"), server.url("/status/404")]
    results = check_links(urls, options)
    assert [r.verdict for r in results.values()] == ["ok", "dead"]
    assert ("HEAD", server.url("/ok")) in [(a.method, a.target) for a in proxy.asked]
    assert all(a.target.startswith("http://") for a in proxy.asked)
    assert len(server.requests) == len(proxy.asked)


def test_https_is_tunnelled_with_connect(
    proxy: ProxyServer, fast: LinkCheckOptions, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    certificate = make_certificate(tmp_path, ["origin.test"])
    if certificate is None:
        pytest.skip("the openssl command is not available")
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path / "none"))
    options = dataclasses.replace(fast, https_proxy=proxy.url)
    with LinkServer("127.0.0.1", tls=certificate, keep_alive=True) as tls:
        urls = [tls.url(f"/ok?n={i}", host="origin.test") for i in range(6)]
        urls.append(tls.url("/page#intro", host="origin.test"))
        # We resolve origin.test ourselves (and vet it); the proxy resolves it on its own.
        results = check_links(urls, options, resolver=Resolver({"origin.test": ["127.0.0.1"]}))
        names = tls.server_names
        requests = len(tls.requests)
    assert {r.verdict for r in results.values()} == {"ok"}
    connects = [a for a in proxy.asked if a.method == "CONNECT"]
    assert connects and all(a.target == f"origin.test:{tls.port}" for a in connects)
    assert len(proxy.asked) == len(connects)  # nothing went through in clear text
    assert set(names) == {"origin.test"}  # TLS end to end, with the link's name
    assert len(connects) < requests  # tunnels are kept alive too


def test_a_name_only_the_proxy_can_resolve_is_left_to_it(
    proxy: ProxyServer, server: LinkServer, fast: LinkCheckOptions
) -> None:
    # Behind a proxy, CI runners often cannot resolve public names at all.
    options = dataclasses.replace(fast, http_proxy=proxy.url, allow_private=False)
    url = server.url("/ok", host="origin.test")
    result = check_links([url], options, resolver=Resolver({}))[url]
    assert result.verdict == "ok", result.detail
    assert [a.target for a in proxy.asked] == [url]


@pytest.mark.parametrize("how", ["literal", "resolved"])
def test_private_destinations_are_refused_before_the_proxy_sees_them(
    proxy: ProxyServer, server: LinkServer, fast: LinkCheckOptions, how: str
) -> None:
    options = dataclasses.replace(
        fast, http_proxy=proxy.url, https_proxy=proxy.url, allow_private=False
    )
    host = "127.0.0.1" if how == "literal" else "origin.test"
    urls = [server.url("/ok", host=host), f"https://{host}:{server.port}/ok"]
    results = check_links(urls, options, resolver=Resolver({"origin.test": ["127.0.0.1"]}))
    assert {r.verdict for r in results.values()} == {"skipped"}
    assert all("loopback" in r.detail for r in results.values())
    assert proxy.asked == [] and proxy.connections == 0
    assert server.requests == []


def test_no_proxy_hosts_are_reached_directly(
    proxy: ProxyServer, server: LinkServer, server2: LinkServer, fast: LinkCheckOptions
) -> None:
    options = dataclasses.replace(fast, http_proxy=proxy.url, no_proxy=["127.0.0.2"])
    urls = [server.url("/ok"), server2.url("/ok")]
    results = check_links(urls, options)
    assert [r.verdict for r in results.values()] == ["ok", "ok"]
    assert [a.target for a in proxy.asked] == [server.url("/ok")]
    assert len(server2.requests) == 1


def test_a_proxy_that_is_down_makes_links_unverifiable_not_dead(
    server: LinkServer, fast: LinkCheckOptions
) -> None:
    options = dataclasses.replace(fast, http_proxy=f"http://127.0.0.1:{closed_port()}")
    url = server.url("/ok")
    result = check_links([url], options)[url]
    assert result.verdict == "unverifiable"
    assert "proxy 127.0.0.1" in result.detail
    assert server.requests == []


def test_proxy_credentials_are_sent_to_the_proxy_only(
    proxy: ProxyServer, server: LinkServer, fast: LinkCheckOptions
) -> None:
    options = dataclasses.replace(fast, http_proxy=f"http://me:s%40cret@127.0.0.1:{proxy.port}")
    url = server.url("/ok")
    result = check_links([url], options)[url]
    assert result.verdict == "ok"
    assert proxy.asked[0].authorization == "Basic bWU6c0BjcmV0"  # me:s@cret
    assert "s@cret" not in result.detail


@pytest.mark.parametrize("url", ["https://127.0.0.1:1", "socks5://127.0.0.1:1080", "http://:8"])
def test_unsupported_proxies_are_configuration_errors(url: str, fast: LinkCheckOptions) -> None:
    with pytest.raises(LinkCheckConfigError, match="proxy"):
        check_links(["http://127.0.0.1/"], dataclasses.replace(fast, http_proxy=url))


def test_no_proxy_matching() -> None:
    rules = ProxyRules(
        "http://p:1", "http://p:2", ["example.com", ".corp", "10.0.0.0/8", "[::1]:8080"]
    )
    direct = [
        ("http", "example.com", 80),
        ("https", "www.example.com", 443),
        ("http", "intranet.corp", 80),
        ("http", "10.1.2.3", 80),
        ("http", "::1", 8080),
    ]
    proxied = [
        ("http", "notexample.com", 80),
        ("http", "corpx", 80),
        ("http", "11.1.2.3", 80),
        ("http", "::1", 80),
    ]
    assert [rules.for_target(*t) for t in direct] == [None] * len(direct)
    assert all(rules.for_target(*t) is not None for t in proxied)
    assert ProxyRules("http://p:1", None, ["*"]).for_target("http", "a.b", 80) is None
    assert ProxyRules("http://p:1").for_target("https", "a.b", 443) is None  # no https proxy


def test_environment_variables() -> None:
    env = {"HTTPS_PROXY": "http://up:1", "https_proxy": "http://low:2", "NO_PROXY": "a, b"}
    assert environment_proxies(env) == (None, "http://low:2", ["a", "b"])
    assert environment_proxies({"ALL_PROXY": "http://all:3"})[:2] == ("http://all:3",) * 2
    # Under CGI, HTTP_PROXY comes from a request header ("httpoxy"): never trusted.
    cgi = {"HTTP_PROXY": "http://evil:1", "REQUEST_METHOD": "GET"}
    assert environment_proxies(cgi)[0] is None


def _cli(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    return subprocess.run(
        [sys.executable, "-m", "studylog_md", "check-links", *args],
        cwd=cwd,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_cli_honours_the_environment_and_its_flags(
    proxy: ProxyServer, server: LinkServer, tmp_path: Path
) -> None:
    log = tmp_path / "log.md"
    log.write_text(f"- [ ] [A]({server.url('/ok')})\n", encoding="utf-8")
    base = ["log.md", "--allow-private", "--no-cache", "--timeout", "2"]
    env = {"HTTP_PROXY": proxy.url}
    through = _cli(base, tmp_path, env)
    asked_after_env = len(proxy.asked)
    direct = _cli([*base, "--no-proxy"], tmp_path, env)
    asked_after_no_proxy = len(proxy.asked)
    bypass = _cli(base, tmp_path, {**env, "NO_PROXY": "127.0.0.1"})
    asked_after_bypass = len(proxy.asked)
    flag = _cli([*base, "--proxy", proxy.url], tmp_path, {})
    assert [p.returncode for p in (through, direct, bypass, flag)] == [0, 0, 0, 0], (
        through.stderr + direct.stderr + bypass.stderr + flag.stderr
    )
    assert asked_after_env == 1
    assert asked_after_no_proxy == 1
    assert asked_after_bypass == 1
    assert len(proxy.asked) == 2
    bad = _cli([*base, "--proxy", "socks5://127.0.0.1:1"], tmp_path, {})
    assert bad.returncode == 2
    assert "only http:// proxies" in bad.stderr
    assert "Traceback" not in bad.stderr

"""URL splitting, redaction and option validation."""

from __future__ import annotations

import pytest

from studylog_md.errors import ConfigError
from studylog_md.linkcheck import LinkCheckConfigError, LinkCheckOptions, check_links, redact
from studylog_md.linkcheck.hosts import parse_retry_after
from studylog_md.linkcheck.options import compile_excludes
from studylog_md.linkcheck.sites import MissingVariable, Sites
from studylog_md.linkcheck.targets import InvalidURL, join_location, parse_target


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://user:pass@example.com/x", "https://***@example.com/x"),
        ("http://token@example.com", "http://***@example.com"),
        ("https://example.com/a@b", "https://example.com/a@b"),
        ("https://example.com/?next=http://u:p@x", "https://example.com/?next=http://u:p@x"),
        ("ftp://u:p@host/file", "ftp://***@host/file"),
        ("mailto:someone@example.com", "mailto:someone@example.com"),
    ],
)
def test_redact(url: str, expected: str) -> None:
    assert redact(url) == expected


def test_parse_target_normalises() -> None:
    target = parse_target("HTTPS://User:Pw@Example.COM:443/a b/ü?q=1 2#Frag")
    assert target.scheme == "https"
    assert target.host == "example.com"
    assert target.port == 443
    assert target.target == "/a%20b/%C3%BC?q=1%202"
    assert target.fragment == "Frag"
    assert target.url == "https://example.com/a%20b/%C3%BC?q=1%202"


def test_parse_target_idna_and_ipv6() -> None:
    assert parse_target("http://bücher.de/").host == "xn--bcher-kva.de"
    ipv6 = parse_target("http://[::1]:8080")
    assert (ipv6.host, ipv6.port, ipv6.target, ipv6.host_header) == ("::1", 8080, "/", "[::1]:8080")


@pytest.mark.parametrize("url", ["http://", "http://:80/", "https://h:99999/", "http://a b/"])
def test_parse_target_rejects(url: str) -> None:
    with pytest.raises(InvalidURL):
        parse_target(url)


def test_join_location_keeps_the_fragment() -> None:
    base = parse_target("http://example.com/a/b#sec")
    assert join_location(base, "../c") == "http://example.com/c#sec"
    assert join_location(base, "/d#other") == "http://example.com/d#other"
    assert join_location(base, "https://x.org") == "https://x.org#sec"


def test_parse_retry_after() -> None:
    assert parse_retry_after("7") == 7.0
    now = 1_700_000_000.0
    assert parse_retry_after("Tue, 14 Nov 2023 22:13:40 GMT", now=now) == 20.0
    assert parse_retry_after("Tue, 14 Nov 2023 22:13:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_headers_from_the_environment() -> None:
    env = {"GH_TOKEN": "abc"}
    sites = Sites(
        {},
        {
            "GitHub.com": {"Authorization": "Bearer ${GH_TOKEN}", "X-Cost": "$$5"},
            "*.example.org": {"Accept": "text/html", "X-Level": "wild"},
            "api.example.org": {"X-Level": "exact"},
        },
        env,
    )
    assert sites.headers_for("github.com") == {"Authorization": "Bearer abc", "X-Cost": "$5"}
    assert sites.headers_for("api.github.com") == {}
    assert sites.headers_for("api.example.org") == {"Accept": "text/html", "X-Level": "exact"}
    assert sites.headers_for("www.example.org") == {"Accept": "text/html", "X-Level": "wild"}
    assert sites.headers_for("example.org") == {}
    assert sites.header_names("github.com") == ["authorization", "x-cost"]


def test_unset_or_empty_variable_is_reported_per_host() -> None:
    sites = Sites({}, {"github.com": {"Authorization": "Bearer ${GH_TOKEN}"}}, {"GH_TOKEN": ""})
    with pytest.raises(MissingVariable, match=r"\$\{GH_TOKEN\}"):
        sites.headers_for("github.com")
    assert sites.headers_for("gitlab.com") == {}


def test_accept_status_host_patterns() -> None:
    sites = Sites({"*.udemy.com": [403], "*": [999], "a.example": [401]}, {})
    assert sites.accepted("www.udemy.com", 403)
    assert not sites.accepted("udemy.com", 403)
    assert sites.accepted("anything.example", 999)
    assert sites.accepted("A.example", 401)
    assert not sites.accepted("b.example", 401)
    assert not sites.accepted("a.example", None)


@pytest.mark.parametrize(
    "headers",
    [
        {"h": {"Bad Name": "x"}},
        {"h": {"Host": "evil"}},
        {"h": {"Transfer-Encoding": "chunked"}},
        {"h": {"X-A": "a\r\nX-Injected: 1"}},
        {"h": {"X-A": "${not a name}"}},
        {"h": {"X-A": "${UNCLOSED"}},
        {"*": {"Authorization": "Bearer x"}},
    ],
)
def test_unsafe_headers_are_config_errors(headers: dict[str, dict[str, str]]) -> None:
    with pytest.raises(LinkCheckConfigError):
        Sites({}, headers, {})


def test_injection_through_an_environment_variable_is_refused() -> None:
    sites = Sites({}, {"h": {"X-T": "${T}"}}, {"T": "a\nb"})
    with pytest.raises(LinkCheckConfigError):
        sites.headers_for("h")


def test_bad_exclude_regex() -> None:
    with pytest.raises(ConfigError):
        compile_excludes(["(unclosed"])


@pytest.mark.parametrize(
    "options",
    [
        LinkCheckOptions(timeout=0),
        LinkCheckOptions(host_concurrency=0),
        LinkCheckOptions(max_concurrency=0),
        LinkCheckOptions(retries=-1),
        LinkCheckOptions(accept_status={"x": [42]}),
        LinkCheckOptions(exclude=["["]),
    ],
)
def test_invalid_options_raise_before_any_request(options: LinkCheckOptions) -> None:
    with pytest.raises(LinkCheckConfigError):
        check_links(["http://127.0.0.1:9/"], options)


def test_default_user_agent_is_honest() -> None:
    agent = LinkCheckOptions().user_agent
    assert agent.startswith("studylog-md/")
    assert "link checker" in agent

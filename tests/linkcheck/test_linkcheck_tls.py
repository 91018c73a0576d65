"""https: TLS to the vetted address with the right SNI, and where configured headers go."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from linkserver import LinkServer, make_certificate

from studylog_md.linkcheck import LinkCheckOptions, check_links

NAMES = ["studylog.test", "other.test"]


TABLE = {
    "studylog.test": ["127.0.0.1"],
    "other.test": ["127.0.0.2"],
    "wrong.test": ["127.0.0.1"],  # the certificate does not name it
}


class Resolver:
    """Test DNS: names from :data:`TABLE` (the system's resolver is never asked)."""

    async def __call__(self, host: str, port: int) -> list[str]:
        return TABLE[host]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    made = make_certificate(tmp_path_factory.mktemp("tls"), NAMES)
    if made is None:
        pytest.skip("the openssl command is not available")
    return made


@pytest.fixture
def trusted(certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the test certificate the only one OpenSSL trusts (read when a context is made)."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    monkeypatch.setenv("SSL_CERT_DIR", str(certificate[0].parent / "no-such-dir"))


@pytest.fixture
def tls1(certificate: tuple[Path, Path]) -> Iterator[LinkServer]:
    with LinkServer("127.0.0.1", tls=certificate) as running:
        yield running


@pytest.fixture
def tls2(certificate: tuple[Path, Path]) -> Iterator[LinkServer]:
    with LinkServer("127.0.0.2", tls=certificate) as running:
        yield running


@pytest.mark.usefixtures("trusted")
def test_tls_to_the_vetted_address_with_sni(tls1: LinkServer, fast: LinkCheckOptions) -> None:
    url = tls1.url("/ok", host="studylog.test")
    result = check_links([url], fast, resolver=Resolver())[url]
    assert result.verdict == "ok", result.detail
    assert tls1.server_names == ["studylog.test"]
    assert tls1.requests[0].headers["host"] == f"studylog.test:{tls1.port}"


@pytest.mark.usefixtures("trusted")
def test_certificate_for_another_name_is_unverifiable(
    tls1: LinkServer, fast: LinkCheckOptions
) -> None:
    url = tls1.url("/ok", host="wrong.test")
    result = check_links([url], fast, resolver=Resolver())[url]
    assert result.verdict == "unverifiable"
    assert "certificate" in result.detail
    assert tls1.requests == []


def test_untrusted_certificate_is_unverifiable(
    tls1: LinkServer, fast: LinkCheckOptions, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty.pem"
    empty.write_text("")
    monkeypatch.setenv("SSL_CERT_FILE", str(empty))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path / "none"))
    url = tls1.url("/ok", host="studylog.test")
    result = check_links([url], fast, resolver=Resolver())[url]
    assert result.verdict == "unverifiable"
    assert result.detail.startswith("TLS certificate problem")


@pytest.mark.usefixtures("trusted")
def test_configured_headers_go_to_their_host_only(
    tls1: LinkServer,
    tls2: LinkServer,
    server: LinkServer,
    fast: LinkCheckOptions,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STUDYLOG_TEST_TOKEN", "t0ken")
    header = {"Authorization": "Bearer ${STUDYLOG_TEST_TOKEN}"}
    options = dataclasses.replace(fast, headers={"studylog.test": header, "127.0.0.1": header})
    direct = tls1.url("/headers", host="studylog.test")
    hop = tls1.url(
        "/redirect/302?to=" + tls2.url("/headers", host="other.test"), host="studylog.test"
    )
    plain = server.url("/headers")
    results = check_links([direct, hop, plain], options, resolver=Resolver())
    assert [r.verdict for r in results.values()] == ["ok", "ok", "ok"]
    sent = {r.path: r.headers.get("authorization") for r in tls1.requests}
    assert sent["/headers"] == "Bearer t0ken"
    # Not to the host a redirect leads to...
    assert [r.headers.get("authorization") for r in tls2.requests] == [None]
    # ... and never in clear text, even to a configured host.
    assert [r.headers.get("authorization") for r in server.requests] == [None]
    for result in results.values():
        assert "t0ken" not in result.detail


@pytest.mark.usefixtures("trusted")
def test_a_host_whose_token_is_not_set_is_not_requested(
    tls1: LinkServer, fast: LinkCheckOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Checking without the token could call a private repository dead: say why instead.
    monkeypatch.delenv("STUDYLOG_TEST_TOKEN", raising=False)
    options = dataclasses.replace(
        fast, headers={"studylog.test": {"Authorization": "Bearer ${STUDYLOG_TEST_TOKEN}"}}
    )
    url = tls1.url("/headers", host="studylog.test")
    result = check_links([url], options, resolver=Resolver())[url]
    assert result.verdict == "unverifiable"
    assert "${STUDYLOG_TEST_TOKEN}" in result.detail
    assert tls1.requests == []

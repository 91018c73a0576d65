"""Politeness: per-host and global limits, the per-host interval, Retry-After for a host."""

from __future__ import annotations

import dataclasses
import itertools

from linkserver import LinkServer, Seen

from studylog_md.linkcheck import LinkCheckOptions, check_links


def most_at_once(requests: list[Seen]) -> int:
    """The largest number of requests the servers were handling at the same moment."""
    events = sorted([(r.started, 1) for r in requests] + [(r.ended, -1) for r in requests])
    current = best = 0
    for _, step in events:
        current += step
        best = max(best, current)
    return best


def most_at_once_for_the_client(requests: list[Seen], delay: float) -> int:
    """How many requests the client surely had in flight at one moment.

    A ``/delay`` request is surely in flight from when the server read it until ``delay``
    seconds later: the client cannot have its answer before then. The server's own end stamp is
    no good under load: it can be taken after the client already has the answer and started
    the next request on the other server, which showed as a fourth request at once.
    """
    windows = [Seen(r.method, r.path, r.headers, r.started) for r in requests]
    for window in windows:
        window.ended = window.started + delay * 0.95
    return most_at_once(windows)


def test_per_host_limit_holds(server: LinkServer, fast: LinkCheckOptions) -> None:
    options = dataclasses.replace(fast, host_concurrency=3, max_concurrency=32)
    urls = [server.url(f"/delay?ms=150&n={i}") for i in range(12)]
    results = check_links(urls, options)
    assert {r.verdict for r in results.values()} == {"ok"}
    assert server.max_in_flight <= 3
    assert server.max_in_flight == 3  # the limit is used, not just respected


def test_global_limit_holds_across_hosts(
    server: LinkServer, server2: LinkServer, fast: LinkCheckOptions
) -> None:
    options = dataclasses.replace(fast, host_concurrency=4, max_concurrency=3)
    urls = [s.url(f"/delay?ms=100&n={i}") for i in range(8) for s in (server, server2)]
    results = check_links(urls, options)
    assert {r.verdict for r in results.values()} == {"ok"}
    assert most_at_once_for_the_client(server.requests + server2.requests, 0.1) <= 3


def test_the_client_side_measure_sees_more_when_allowed(
    server: LinkServer, server2: LinkServer, fast: LinkCheckOptions
) -> None:
    """The measure above can fail: without a tight global limit it sees more than three."""
    options = dataclasses.replace(fast, host_concurrency=8, max_concurrency=16)
    urls = [s.url(f"/delay?ms=300&n={i}") for i in range(4) for s in (server, server2)]
    check_links(urls, options)
    assert most_at_once_for_the_client(server.requests + server2.requests, 0.3) > 3


def test_one_busy_host_does_not_starve_another(
    server: LinkServer, server2: LinkServer, fast: LinkCheckOptions
) -> None:
    # Host slots are taken before global ones: requests queued for a busy host hold no
    # global slot, so the second host's requests run alongside.
    options = dataclasses.replace(fast, host_concurrency=2, max_concurrency=4)
    urls = [server.url(f"/delay?ms=100&n={i}") for i in range(8)]
    urls += [server2.url(f"/delay?ms=100&n={i}") for i in range(2)]
    check_links(urls, options)
    first_on_2 = min(r.started for r in server2.requests)
    second_round_on_1 = sorted(r.started for r in server.requests)[2]
    # With the global slot taken first, four queued host-1 requests would hold all global
    # slots and host 2 would start only after host 1's second round.
    assert first_on_2 < second_round_on_1


def test_host_interval_spaces_request_starts(server: LinkServer, fast: LinkCheckOptions) -> None:
    options = dataclasses.replace(fast, host_interval_ms=200, host_concurrency=4)
    urls = [server.url(f"/ok?n={i}") for i in range(4)]
    check_links(urls, options)
    starts = sorted(r.started for r in server.requests)
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert len(gaps) == 3
    # A lower bound only (our own sleep guarantees it); never an upper bound on speed.
    assert min(gaps) >= 0.1


def test_retry_after_holds_back_the_whole_host(server: LinkServer, fast: LinkCheckOptions) -> None:
    options = dataclasses.replace(fast, host_concurrency=1, retry_after_cap=5.0)
    urls = [server.url("/ratelimited/host?after=1"), server.url("/ok?n=1"), server.url("/ok?n=2")]
    results = check_links(urls, options)
    assert [r.verdict for r in results.values()] == ["ok", "ok", "ok"]
    first = server.requests[0]
    assert first.path.startswith("/ratelimited")
    later = [r.started for r in server.requests[1:]]
    assert min(later) - first.ended >= 0.5  # nobody went to this host during the wait


def test_retry_after_is_capped(server: LinkServer, fast: LinkCheckOptions) -> None:
    options = dataclasses.replace(fast, retry_after_cap=0.1)
    url = server.url("/ratelimited/capped?after=3600")
    assert check_links([url], options)[url].verdict == "ok"
    assert server.count("/ratelimited/capped") == 2

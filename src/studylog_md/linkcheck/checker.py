"""Checking many links at once: the verdict rules, redirects, retries and scheduling."""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import random
import re
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

from .addresses import IPAddress, Refusal, refusal_for
from .client import FetchError, Response, fetch, make_ssl_context
from .hosts import Gates, parse_retry_after
from .options import (
    LinkCheckConfigError,
    LinkCheckOptions,
    LinkResult,
    Verdict,
    compile_excludes,
    validate,
)
from .pool import ConnectionPool
from .proxy import Proxy, ProxyRules
from .resolve import AddressBook, Resolver, system_resolver
from .sites import MissingVariable, Sites, scrub
from .targets import InvalidURL, Target, join_location, parse_target, redact, scheme_of

if TYPE_CHECKING:  # pragma: no cover
    from .cache import LinkCache

Progress = Callable[[int, int, int], None]
Warn = Callable[[str], None]

REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
PERMANENT_CODES = frozenset({301, 308})
# "This site would not let us look": authentication, bot walls, rate limits, legal blocks.
REFUSING_CODES = frozenset({401, 403, 407, 429, 451, 999})
DEAD_CODES = frozenset({404, 410})
# A link's network time (all its requests, redirects and retries) is bounded by this many
# times the timeout; waiting for a free slot or for Retry-After does not count.
BUDGET_FACTOR = 3
# At most this many of a host's addresses are raced when connecting (happy eyeballs).
MAX_ADDRESSES = 4


def check_links(
    urls: Iterable[str],
    options: LinkCheckOptions,
    progress: Progress | None = None,
    *,
    resolver: Resolver | None = None,
    warn: Warn | None = None,
) -> dict[str, LinkResult]:
    """Check every distinct URL once; the result maps each URL (as given) to its verdict.

    ``progress(done, total, dead_so_far)`` is called after each link. ``resolver`` replaces
    the system's DNS lookup (tests, embedding). ``warn(message)`` hears about trouble that
    does not stop the run (a cache that cannot be used). Raises
    :class:`~studylog_md.linkcheck.options.LinkCheckConfigError` for invalid options.
    """
    validate(options)
    unique = list(dict.fromkeys(urls))
    run = _Run(options, progress, resolver or system_resolver, warn=warn)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(run.check_all(unique))
    # Called from inside an event loop (a notebook, an async app): run ours in a thread.
    box: list[dict[str, LinkResult]] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            box.append(asyncio.run(run.check_all(unique)))
        except BaseException as exc:  # re-raised in the caller's thread
            failure.append(exc)

    thread = threading.Thread(target=target, name="studylog-md-linkcheck")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return box[0]


class _Budget:
    """Network time left for one link."""

    def __init__(self, seconds: float) -> None:
        self.left = seconds

    def spend(self, seconds: float) -> None:
        self.left -= seconds


@dataclass(slots=True, frozen=True)
class _Outcome:
    result: LinkResult
    head_refused: bool = False  # a HEAD answer worth checking again with GET


class _Failed(Exception):
    """A request that ended the check of a link with ``verdict``/``detail``."""

    def __init__(self, verdict: Verdict, detail: str, status: int | None = None) -> None:
        super().__init__(detail)
        self.verdict: Verdict = verdict
        self.detail = detail
        self.status = status


class _Run:
    """One call of :func:`check_links`: shared state lives here, for one event loop."""

    def __init__(
        self,
        options: LinkCheckOptions,
        progress: Progress | None,
        resolver: Resolver,
        vet: Callable[[IPAddress], Refusal | None] = refusal_for,
        *,
        warn: Warn | None = None,
    ):
        self.options = options
        self.progress = progress
        self.resolver = resolver
        self.excludes = compile_excludes(options.exclude)
        self.sites = Sites(options.accept_status, options.headers)
        # Read once: the environment does not change during a run.
        self.secrets = self.sites.secrets()
        # Hosts where HEAD said "error" but GET said "fine": go straight to GET there.
        self.get_only: set[str] = set()
        self.gates = Gates(
            options.max_concurrency,
            options.host_concurrency,
            options.host_interval_ms / 1000,
            host_wait_budget=options.retry_after_host_budget,
            run_wait_budget=options.retry_after_run_budget,
        )
        # ``vet`` is replaceable for tests only: a redirect from a "public" host to a private
        # one cannot be staged otherwise on a machine whose servers are all on loopback.
        self.book = AddressBook(resolver, options.allow_private, options.timeout, vet)
        self.proxies = ProxyRules(options.http_proxy, options.https_proxy, options.no_proxy)
        # Kept-alive connections, at most the per-host limit of idle ones per vetted address.
        self.pool = ConnectionPool(options.host_concurrency, 2 * options.max_concurrency)
        self._ssl_context: ssl.SSLContext | None = None
        self.cache: LinkCache | None = None
        if options.cache_path is not None:
            # Imported here: sqlite3 costs start-up time that --no-cache runs need not pay.
            from .cache import CacheUnavailable, LinkCache

            try:
                self.cache = LinkCache(options.cache_path, options.max_cache_age)
            except CacheUnavailable as exc:
                # The cache only saves time: a run without it gives the same verdicts.
                if warn is not None:
                    warn(
                        f"the link cache {options.cache_path} cannot be used ({exc}); "
                        "checking without it"
                    )

    async def check_all(self, urls: list[str]) -> dict[str, LinkResult]:
        options = self.options
        loop = asyncio.get_running_loop()
        # The default executor has min(32, cpus + 4) threads: too few for parallel DNS.
        executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=max(4, min(32, options.max_concurrency)),
            thread_name_prefix="studylog-md-dns",
        )
        loop.set_default_executor(executor)
        results: dict[str, LinkResult] = {}
        done = dead = 0

        async def one(url: str) -> None:
            nonlocal done, dead
            try:
                result = await self.check(url)
            except Exception as exc:  # one odd server must not end the whole run
                detail = f"internal error while checking ({type(exc).__name__}); please report"
                result = LinkResult(url, "unverifiable", None, detail)
            results[url] = _printable(self._scrub(result))
            done += 1
            dead += result.verdict == "dead"
            if self.progress is not None:
                self.progress(done, len(urls), dead)

        try:
            await asyncio.gather(*(one(url) for url in urls))
        finally:
            self.pool.close()
            if self.cache is not None:
                self.cache.close()
        return {url: results[url] for url in urls}

    # -- one link ----------------------------------------------------------------------------

    async def check(self, url: str) -> LinkResult:
        for pattern in self.excludes:
            if pattern.search(url):
                return LinkResult(url, "excluded", None, f"excluded by {pattern.pattern!r}")
        scheme = scheme_of(url)
        if scheme not in ("http", "https"):
            kind = f"a {scheme}: link" if scheme else "not an absolute URL"
            return LinkResult(url, "skipped", None, f"not checked: {kind}")
        try:
            target = parse_target(url)
        except InvalidURL as exc:
            return LinkResult(url, "dead", None, redact(str(exc)))
        if self.cache is None:
            return await self._check_target(url, target)
        if not self.options.allow_private:
            # Vetted before the cache is asked: a verdict cached by a run that allowed private
            # addresses must not answer for a loopback URL in one that does not.
            try:
                proxy = self.proxies.for_target(target.scheme, target.host, target.port)
                await self._addresses(target, proxy)
            except _Failed as failure:
                return LinkResult(url, failure.verdict, failure.status, failure.detail)
        context = self._cache_context(target.host)
        cached = self.cache.get(url, context)
        if cached is not None and not (
            cached.verdict == "dead" and self._accepted(target.host, cached.status)
        ):
            return cached
        # Scrubbed before it is stored: the file outlives the run and may be shared.
        result = self._scrub(await self._check_target(url, target))
        self.cache.put(result, context)
        return result

    async def _check_target(self, url: str, target: Target) -> LinkResult:
        budget = _Budget(BUDGET_FACTOR * self.options.timeout)
        anchor_note = _unchecked_anchor_reason(target)
        want_anchor = target.fragment is not None and not anchor_note
        if want_anchor or target.host in self.get_only:
            outcome = await self._follow(url, target, "GET", budget, want_anchor)
        else:
            outcome = await self._follow(url, target, "HEAD", budget, want_anchor)
            if outcome.head_refused:
                outcome = await self._follow(url, target, "GET", budget, want_anchor)
                if outcome.result.verdict in ("ok", "redirected"):
                    self.get_only.add(target.host)
        result = outcome.result
        if anchor_note and result.verdict in ("ok", "redirected"):
            result = LinkResult(
                result.url, result.verdict, result.status,
                f"{result.detail} ({anchor_note})", result.final_url,
            )  # fmt: skip
        return result

    async def _follow(
        self, url: str, target: Target, method: str, budget: _Budget, want_anchor: bool
    ) -> _Outcome:
        """Request ``target`` and follow its redirects; the verdict on where they lead."""
        current = target
        seen = {target.url}
        permanent_to: Target | None = None
        all_permanent = True
        cookies_asked = False
        for hop in range(self.options.max_redirects + 1):
            try:
                response = await self._request(
                    current, method, budget, current.fragment if want_anchor else None
                )
            except _Failed as failure:
                detail = failure.detail
                if hop:
                    detail = f"after redirect to {redact(current.with_fragment())}: {detail}"
                return _Outcome(LinkResult(url, failure.verdict, failure.status, detail))
            location = response.location
            if response.status not in REDIRECT_CODES or not location:
                return self._verdict(url, target, current, response, method, permanent_to)
            cookies_asked = cookies_asked or "set-cookie" in response.headers
            if hop == self.options.max_redirects:
                detail = f"too many redirects (more than {self.options.max_redirects})"
                return _Outcome(LinkResult(url, "dead", response.status, detail))
            try:
                next_url = join_location(current, location)
                next_scheme = scheme_of(next_url)
                if next_scheme not in ("http", "https"):
                    detail = f"redirects to a {next_scheme} link: {redact(next_url)}"
                    return _Outcome(LinkResult(url, "unverifiable", response.status, detail))
                following = parse_target(next_url)
            except InvalidURL as exc:
                detail = f"redirects to an invalid URL ({redact(str(exc))})"
                return _Outcome(LinkResult(url, "dead", response.status, detail))
            if following.url in seen:
                if cookies_asked:
                    # Without cookies some sites redirect to themselves forever; a browser
                    # would get through, so this is not evidence of a dead page.
                    detail = "redirect loop (the site wants cookies, which we never send)"
                    return _Outcome(LinkResult(url, "unverifiable", response.status, detail))
                return _Outcome(LinkResult(url, "dead", response.status, "redirect loop"))
            seen.add(following.url)
            if response.status in PERMANENT_CODES and all_permanent:
                permanent_to = following
            else:
                all_permanent = False
            current = following
        raise AssertionError("unreachable")  # pragma: no cover

    def _verdict(
        self,
        url: str,
        target: Target,
        final: Target,
        response: Response,
        method: str,
        permanent_to: Target | None,
    ) -> _Outcome:
        status = response.status
        text = f"HTTP {status}" + (f" {response.reason}" if response.reason else "")
        where = "" if final.url == target.url else f" at {redact(final.with_fragment())}"
        accepted = self._accepted(final.host, status) or self._accepted(target.host, status)
        if accepted or 200 <= status < 300 or (300 <= status < 400 and status != 305):
            if status in REDIRECT_CODES and not accepted:
                detail = f"{text}{where}: a redirect without a Location header"
                return _Outcome(LinkResult(url, "unverifiable", status, detail))
            if response.anchor_found is False and final.fragment is not None:
                detail = f"no anchor #{final.fragment}{where} ({text})"
                return _Outcome(LinkResult(url, "dead", status, detail))
            note = f" ({response.anchor_note})" if response.anchor_note else ""
            if accepted and not 200 <= status < 400:
                note += " (status accepted by configuration)"
            if permanent_to is not None:
                final_url = redact(permanent_to.with_fragment())
                detail = f"permanently redirected to {final_url} ({text}){note}"
                return _Outcome(LinkResult(url, "redirected", status, detail, final_url))
            return _Outcome(LinkResult(url, "ok", status, f"{text}{where}{note}"))
        # A HEAD error is worth a GET: many servers answer HEAD wrongly (405, 501, but also
        # 403 or 404 from frameworks that route GET only). Rate limits are not: a GET would
        # only add to the load of a site that already asked us to slow down.
        head_refused = method == "HEAD" and status not in (429, 503)
        if status in DEAD_CODES:
            return _Outcome(LinkResult(url, "dead", status, f"{text}{where}"), head_refused)
        if status in REFUSING_CODES:
            detail = f"{text}{where}: the site would not let us look"
            return _Outcome(LinkResult(url, "unverifiable", status, detail), head_refused)
        if status >= 500:
            detail = f"{text}{where}: server error"
            return _Outcome(LinkResult(url, "unverifiable", status, detail), head_refused)
        detail = f"{text}{where}: the site refused the request"
        return _Outcome(LinkResult(url, "unverifiable", status, detail), head_refused)

    # -- one request, with retries -----------------------------------------------------------

    async def _request(
        self, target: Target, method: str, budget: _Budget, anchor: str | None
    ) -> Response:
        """One request with retries; raises :class:`_Failed` when no answer came."""
        options = self.options
        attempt = 0
        proxy = self.proxies.for_target(target.scheme, target.host, target.port)
        while True:
            addresses = await self._addresses(target, proxy)
            try:
                response = await self._send(target, addresses, method, budget, anchor, proxy)
            except FetchError as exc:
                if exc.transient and attempt < options.retries and budget.left > 0:
                    await asyncio.sleep(self._backoff(attempt))
                    attempt += 1
                    continue
                if exc.kind == "refused":
                    raise _Failed("dead", "connection refused") from None
                raise _Failed("unverifiable", str(exc)) from None
            status = response.status
            if (status == 429 or status >= 500) and attempt < options.retries:
                wait = None
                if status in (429, 503):
                    wait = parse_retry_after(response.headers.get("retry-after"))
                if wait is not None:
                    # The whole host waits, not just this link: it asked us to slow down.
                    if not self.gates.retry_after(target.host, min(wait, options.retry_after_cap)):
                        raise _Failed("unverifiable", _waited_enough(status, wait), status)
                else:
                    await asyncio.sleep(self._backoff(attempt))
                attempt += 1
                continue
            return response

    def _scrub(self, result: LinkResult) -> LinkResult:
        """``result`` without the configured secrets (a token a server echoed back)."""
        if not self.secrets:
            return result
        detail = scrub(result.detail, self.secrets)
        final_url = result.final_url
        if final_url is not None and scrub(final_url, self.secrets) != final_url:
            # The fix would write the secret into the log: report the page as ok instead.
            detail = f"{detail} (not suggesting the new address: it holds a configured secret)"
            return dataclasses.replace(result, verdict="ok", detail=detail, final_url=None)
        if detail == result.detail:
            return result
        return dataclasses.replace(result, detail=detail)

    def _backoff(self, attempt: int) -> float:
        base: float = self.options.retry_backoff * (2**attempt)
        return base * (1 + random.random() / 2)  # jitter, so retries do not arrive in step

    async def _addresses(self, target: Target, proxy: Proxy | None) -> tuple[str, ...]:
        vetted = await self.book.lookup(target.host, target.port)
        if vetted.invalid is not None:
            raise _Failed("dead", f"invalid URL ({vetted.invalid})")
        if vetted.error is not None and proxy is not None:
            # Behind a proxy, often only the proxy can resolve public names: it decides.
            # What we could resolve was vetted above; what we could not is outside our view.
            return ()
        if vetted.error is not None:
            verdict: Verdict = "dead" if vetted.error.kind == "nxdomain" else "unverifiable"
            raise _Failed(verdict, str(vetted.error))
        if vetted.refusal is not None:
            raise _Failed("skipped", f"not contacted: {vetted.refusal.describe()}")
        return vetted.addresses

    async def _send(
        self,
        target: Target,
        addresses: tuple[str, ...],
        method: str,
        budget: _Budget,
        anchor: str | None,
        proxy: Proxy | None,
    ) -> Response:
        """One request, on a kept-alive or new connection (racing ``addresses``)."""
        headers = self._request_headers(target, method, anchor)
        async with self.gates.slot(target.host):
            if self.gates.exhausted(target.host):
                # Checked once our turn came: we may have queued before the refusal.
                raise _Failed("unverifiable", _NOT_WAITING)
            if budget.left <= 0:
                raise FetchError("timeout", "timed out (the time for this link was used up)")
            started = time.monotonic()
            try:
                return await fetch(
                    target,
                    addresses[:MAX_ADDRESSES],
                    method,
                    headers,
                    timeout=self.options.timeout,
                    deadline=started + budget.left,
                    ssl_context=self._tls() if target.scheme == "https" else None,
                    anchor=anchor,
                    pool=self.pool,
                    proxy=proxy,
                )
            finally:
                budget.spend(time.monotonic() - started)

    def _tls(self) -> ssl.SSLContext:
        # Made on first use: loading the trust store costs ~50 ms, wasted on http-only runs.
        if self._ssl_context is None:
            self._ssl_context = make_ssl_context()
        return self._ssl_context

    def _request_headers(self, target: Target, method: str, anchor: str | None) -> dict[str, str]:
        """The headers of a request; raises :class:`_Failed` when a configured one cannot be
        sent (its environment variable is not set)."""
        headers = {
            "User-Agent": self.options.user_agent,
            "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
            # Compressed bodies are only worth it when we read the body (anchors).
            "Accept-Encoding": "gzip, deflate" if anchor is not None else "identity",
        }
        if target.scheme == "https":
            # Configured headers (tokens) go to their own host only, and never in clear text.
            try:
                headers.update(self.sites.headers_for(target.host))
            except (MissingVariable, LinkCheckConfigError) as exc:
                raise _Failed("unverifiable", f"not checked: {exc}") from None
        return headers

    # -- configuration lookups ---------------------------------------------------------------

    def _accepted(self, host: str, status: int | None) -> bool:
        return self.sites.accepted(host, status)

    def _cache_context(self, host: str) -> str:
        """What besides the URL changes the answer: the names of headers sent to the host."""
        return "headers=" + ",".join(self.sites.header_names(host))


_NOT_WAITING = (
    "not checked: the site asked us to wait (Retry-After) longer than the waits allowed for "
    "it in one run"
)


def _waited_enough(status: int, wait: float) -> str:
    return (
        f"HTTP {status}: the site asked us to wait {wait:.0f} s (Retry-After), more than is "
        "left of the waits allowed per host and per run"
    )


# Control characters (a terminal escape in a server's reason phrase or Location header).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
MAX_DETAIL = 300


def _printable(result: LinkResult) -> LinkResult:
    """The result with server-controlled text made safe to print on one line."""
    detail = _CONTROL.sub("?", result.detail)
    if len(detail) > MAX_DETAIL:
        detail = detail[: MAX_DETAIL - 1] + "…"
    final_url = result.final_url
    if final_url is not None:
        final_url = _CONTROL.sub(lambda m: quote(m.group(0)), final_url).replace(" ", "%20")
    if detail == result.detail and final_url == result.final_url:
        return result
    return dataclasses.replace(result, detail=detail, final_url=final_url)


_GITHUB_LINE = re.compile(r"^L\d+(?:C\d+)?(?:-L\d+(?:C\d+)?)?$")


def _unchecked_anchor_reason(target: Target) -> str:
    """Why the anchor of ``target`` is not looked for, or ``""`` when it is."""
    fragment = target.fragment
    if fragment is None:
        return ""
    if fragment.startswith(("/", "!")):
        return "anchor not checked: an app route"
    if fragment.startswith(":~:"):
        return "anchor not checked: a text fragment"
    if target.host in ("github.com", "gist.github.com") and _GITHUB_LINE.match(fragment):
        return "anchor not checked: a line number"
    return ""

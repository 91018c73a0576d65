"""The link checker's network options: one list, shared by ``check-links`` and ``lint --online``.

Only click and the standard library at module level: ``lint`` imports this on every run, and
an installation without the link checker must still start (``lint --online`` then says it is
not available). The bounds of each number are the checker's own (``linkcheck/numbers.py``),
imported when a value is checked.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:  # pragma: no cover
    # Generic from click 8.2 on; the project supports 8.1, where it is not subscriptable.
    _ParamType = click.ParamType[Any]
else:
    _ParamType = click.ParamType


class Bounded(_ParamType):
    """A number checked against the checker's own bounds (``linkcheck/numbers.py``), the same
    check the configuration file's values get."""

    def __init__(self, key: str, metavar: str, *, scale: int = 1) -> None:
        self.key = key
        self.name = metavar
        self.scale = scale  # 1000: the flag is in milliseconds, the bound in seconds

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from ..linkcheck.numbers import NumberError, parse_number

        if not isinstance(value, str):
            return value
        try:
            number = parse_number(self.key, value, scale=self.scale)
        except NumberError as exc:
            self.fail(str(exc), param, ctx)
        return number * self.scale if self.scale != 1 else number


def network_options(function: Any) -> Any:
    """The link checker's network options, shared by ``check-links`` and ``lint --online``.

    This is the one list of them: an option added to ``flags`` reaches both commands. The
    command receives them together as one keyword argument, ``network`` (option name ->
    value), which it passes on as ``online_options(config, file, **network)``; so an option
    added here needs a keyword of the same name on :func:`online_options` and nothing else.
    """
    flags = [
        click.option(
            "--timeout",
            type=Bounded("timeout", "SECONDS"),
            default=None,
            help="Seconds per request (10; at most 300).",
        ),
        click.option(
            "--max-concurrency",
            type=Bounded("max_concurrency", "N"),
            default=None,
            help="(32; 1 to 256)",
        ),
        click.option(
            "--host-concurrency",
            type=Bounded("host_concurrency", "N"),
            default=None,
            help="(4; 1 to 64)",
        ),
        click.option(
            "--host-interval",
            "host_interval_ms",
            type=Bounded("host_interval", "MS", scale=1000),
            default=None,
            help="Minimum milliseconds between two requests to one host (0; at most 60000).",
        ),
        click.option(
            "--allow-private", is_flag=True, help="Also contact private and local addresses."
        ),
        click.option("--cache", type=click.Path(dir_okay=False, path_type=Path), default=None),
        click.option("--no-cache", is_flag=True, help="Neither read nor write the cache."),
        click.option(
            "--max-cache-age",
            type=Bounded("max_cache_age", "AGE"),
            default=None,
            help="Seconds, or 90m, 12h, 7d, a verdict is trusted (86400; at most 366 days).",
        ),
        click.option(
            "--proxy",
            metavar="URL",
            default=None,
            help="Send every link through this http:// proxy (CONNECT for https); "
            "default: HTTPS_PROXY / HTTP_PROXY.",
        ),
        click.option(
            "--no-proxy",
            "no_proxy",
            is_flag=True,
            help="Ignore the proxy environment variables: connect directly.",
        ),
    ]
    names: list[str] = []

    @functools.wraps(function)
    def packed(*args: Any, **kwargs: Any) -> Any:
        kwargs["network"] = {name: kwargs.pop(name) for name in names}
        return function(*args, **kwargs)

    params = getattr(function, "__click_params__", [])
    before = len(params)
    for flag in reversed(flags):
        packed = flag(packed)
    params = getattr(packed, "__click_params__", [])
    names.extend(str(param.name) for param in params[before:])
    return packed


def network_given(network: dict[str, Any]) -> list[str]:
    """The network options that were given a value (for "only applies with --online")."""
    return [
        "--" + name.replace("_ms", "").replace("_", "-")
        for name, value in network.items()
        if value not in (None, False)
    ]

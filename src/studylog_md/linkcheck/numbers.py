"""The one check of every number the link checker takes: from the command line, the
configuration file or the Python API.

Each number has a lower and an upper bound. Upper bounds matter as much as lower ones: a
timeout of ``inf`` or a host interval of ``1e23`` seconds is accepted by any "positive
number" check and then makes a run hang forever, and ``max-cache-age = "1" + 400 zeros`` is
infinity once it is a float. Standard library only, so that reading a configuration file
does not import the checker.
"""

from __future__ import annotations

import math
import re
from typing import NamedTuple

__all__ = [
    "BOUNDS",
    "Bound",
    "NumberError",
    "check_number",
    "describe",
    "parse_duration",
    "parse_number",
]

DAY = 86400.0


class NumberError(ValueError):
    """A number out of its bounds or of the wrong kind; the message names neither the key
    nor the file (the caller adds where the number came from)."""


class Bound(NamedTuple):
    """What one number may be."""

    low: float
    high: float
    integer: bool = False
    low_open: bool = False  # the low bound itself is not allowed (a timeout of 0)
    unit: str = "seconds"  # "" for counts
    duration: bool = False  # a string such as "12h" or "7d" is allowed too


# Keyed by LinkCheckOptions field (host_interval in seconds; the option holds milliseconds).
BOUNDS: dict[str, Bound] = {
    "timeout": Bound(0.0, 300.0, low_open=True),
    "max_concurrency": Bound(1, 256, integer=True, unit=""),
    "host_concurrency": Bound(1, 64, integer=True, unit=""),
    "host_interval": Bound(0.0, 60.0),
    "max_redirects": Bound(0, 30, integer=True, unit=""),
    "retries": Bound(0, 10, integer=True, unit=""),
    "retry_backoff": Bound(0.0, 60.0),
    "retry_after_cap": Bound(0.0, 600.0),
    "retry_after_host_budget": Bound(0.0, 3600.0),
    "retry_after_run_budget": Bound(0.0, 3600.0),
    "max_cache_age": Bound(0.0, 366 * DAY, duration=True),
}

_DURATION = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_INT = re.compile(r"\s*[+-]?\d+\s*")


def check_number(name: str, value: object, *, scale: int = 1) -> float:
    """``value`` checked against ``BOUNDS[name]`` and returned as a float (a whole number
    for counts). ``scale`` 1000: the value is in milliseconds. Raises :class:`NumberError`.
    """
    bound = BOUNDS[name]
    unit = "milliseconds" if scale == 1000 else bound.unit
    if bound.integer:
        if isinstance(value, bool) or not isinstance(value, int):
            raise NumberError(f"expected a whole number, got {describe(value)}")
    elif isinstance(value, bool) or not isinstance(value, (int, float)):
        what = f"a number of {unit}" if unit else "a number"
        raise NumberError(f"expected {what}, got {describe(value)}")
    low, high = bound.low * scale, bound.high * scale
    # Compared as given: a huge int must not be turned into a float first (OverflowError).
    too_low = value <= low if bound.low_open else value < low
    if too_low or value > high or (isinstance(value, float) and math.isnan(value)):
        shown = _number(low)
        floor = f"more than {shown}" if bound.low_open else f"at least {shown}"
        raise NumberError(
            f"must be {floor} and at most {_number(high)}{' ' + unit if unit else ''}, "
            f"got {_shown(value)}"
        )
    if bound.integer:
        return int(value)
    return float(value) / scale


def parse_number(name: str, text: str, *, scale: int = 1) -> float:
    """A number written as text (a command-line value) checked like :func:`check_number`;
    durations (``"90m"``, ``"7d"``) where the number allows them."""
    bound = BOUNDS[name]
    if bound.duration:
        match = _DURATION.fullmatch(text)
        if match is not None:
            return check_number(name, float(match.group(1)) * _UNITS[match.group(2)], scale=scale)
    if bound.integer:
        if not _INT.fullmatch(text):
            raise NumberError(f"expected a whole number, got {text!r}")
        return check_number(name, int(text), scale=scale)
    try:
        # float() as TOML reads numbers: "inf" and "nan" get the same "out of bounds" answer
        # as in the configuration file.
        number = float(text)
    except ValueError:
        hint = " or a duration such as '12h' or '7d'" if bound.duration else ""
        raise NumberError(f"expected a number{hint}, got {text!r}") from None
    return check_number(name, number, scale=scale)


def parse_duration(name: str, value: object) -> float:
    """A configuration value that may be a number or a duration string (``"7d"``)."""
    bound = BOUNDS[name]
    if bound.duration and isinstance(value, str):
        match = _DURATION.fullmatch(value)
        if match is None:
            raise NumberError(
                f"expected seconds or a duration such as '12h' or '7d', got {value!r}"
            )
        return check_number(name, float(match.group(1)) * _UNITS[match.group(2)])
    return check_number(name, value)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _shown(value: float) -> str:
    # str() of an int of more than 4300 digits raises ValueError (CVE-2020-10735 limit).
    if isinstance(value, int) and value.bit_length() > 64:
        return f"a number of about {int(value.bit_length() * 0.30103) + 1} digits"
    return str(value)


def describe(value: object) -> str:
    """How a wrong value is named in a message: ``a string ('10')``, ``a table``."""
    kinds = {bool: "a boolean", int: "a number", float: "a number", str: "a string"}
    kind = kinds.get(type(value))
    if kind is not None:
        shown = _shown(value) if isinstance(value, int) else repr(value)
        return f"{kind} ({shown if len(shown) <= 40 else shown[:39] + '…'})"
    if isinstance(value, list):
        return "a list with a non-string item" if value else "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__

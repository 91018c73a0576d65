"""A shields.io endpoint badge: ``https://img.shields.io/endpoint?url=<raw badge.json URL>``.

See https://shields.io/badges/endpoint-badge for the schema. The JSON is deterministic (fixed
key order, a final newline) so a regenerated badge only changes when the numbers do.
"""

from __future__ import annotations

import json

from .stats import Counts

DEFAULT_LABEL = "studied"


def colour(counts: Counts) -> str:
    """The badge colour for a share of done entries: red below 25 %, up to green at 100 %."""
    if counts.total == 0:
        return "lightgrey"
    if counts.done == counts.total:
        return "brightgreen"
    share = counts.fraction * 100
    if share < 25:
        return "red"
    if share < 50:
        return "orange"
    if share < 75:
        return "yellow"
    return "yellowgreen"


def badge(counts: Counts, label: str = DEFAULT_LABEL) -> dict[str, object]:
    """The endpoint object: ``{"schemaVersion": 1, "label": ..., "message": "11/39", ...}``."""
    return {
        "schemaVersion": 1,
        "label": label,
        "message": f"{counts.done}/{counts.total}",
        "color": colour(counts),
    }


def render(counts: Counts, label: str = DEFAULT_LABEL) -> str:
    """The endpoint JSON text, ending with a newline."""
    return json.dumps(badge(counts, label), ensure_ascii=False, indent=2) + "\n"

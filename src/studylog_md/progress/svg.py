"""An SVG bar chart of a progress report: one bar per section and a total bar.

The output is deterministic byte for byte (no timestamps, fixed float formatting, sections in
report order), so a regenerated chart only shows up in a diff when the numbers change. It reads
on GitHub's light and dark themes: the background is transparent, the bar colours have enough
contrast on both, and the text colour switches with ``prefers-color-scheme``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .stats import Counts, Report, SectionStats, truncate

# Layout, in pixels. Kept as module constants so tests can measure against them.
WIDTH = 640
PAD = 16
LABEL_COLUMNS = 34  # label width in character columns (a wide character counts two)
BAR_X = 256
BAR_WIDTH = 256
BAR_HEIGHT = 14
ROW_HEIGHT = 28
HEADER_HEIGHT = 40
COUNT_X = BAR_X + BAR_WIDTH + 12
TEXT_BASELINE = 4  # text baseline below a row's middle, for 12 px text

DONE_COLOUR = "#2da44e"  # GitHub's green: 3.1:1 on white, 6.2:1 on #0d1117
TRACK_COLOUR = "#8c959f"  # drawn at 35 % opacity: light grey on white, dark grey on black

_STYLE = (
    "text{font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Helvetica,Arial,sans-serif;"
    "font-size:12px;fill:#1f2328}"
    ".heading{font-size:14px;font-weight:600}"
    ".total{font-weight:600}"
    ".muted{fill:#59636e}"
    f".bar-track{{fill:{TRACK_COLOUR};fill-opacity:.35}}"
    f".bar-done{{fill:{DONE_COLOUR}}}"
    ".rule{stroke:#8c959f;stroke-opacity:.5}"
    "@media (prefers-color-scheme:dark){text{fill:#e6edf3}.muted{fill:#9198a1}}"
)

# Characters XML 1.0 does not allow (control characters, lone surrogates from undecodable
# bytes): they would make the whole file unreadable, so they become U+FFFD.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True, slots=True)
class Bar:
    """Where one bar is drawn: its row's middle ``y`` and the filled width."""

    label: str
    full_label: str
    counts: Counts
    y: float
    done_width: float
    total: bool = False


def escape(text: str) -> str:
    """``text`` safe inside an XML element or a double-quoted attribute."""
    text = _NOT_XML.sub("\ufffd", text)
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def number(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros (``12.5``, ``0``)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def layout(report: Report) -> list[Bar]:
    """The bars of ``report`` in drawing order: its sections, then the total."""
    sections = report.sections
    several = len(report.files) > 1
    names = _short_labels(sections, several_files=several)
    bars: list[Bar] = []
    y = HEADER_HEIGHT + ROW_HEIGHT / 2
    for section, name in zip(sections, names, strict=True):
        bars.append(_bar(name, _full_label(section, several), section.counts, y))
        y += ROW_HEIGHT
    y += 8  # room for the rule above the total
    bars.append(_bar("Total", "Total", report.counts, y, total=True))
    return bars


def _bar(label: str, full: str, counts: Counts, y: float, *, total: bool = False) -> Bar:
    width = BAR_WIDTH * counts.done / counts.total if counts.total else 0.0
    return Bar(truncate(label, LABEL_COLUMNS), full, counts, y, width, total)


def _full_label(section: SectionStats, several_files: bool) -> str:
    # Only the file's name: a chart committed to a repository must not depend on where the
    # command ran.
    if several_files and section.file:
        return f"{_basename(section.file)}: {section.label}"
    return section.label


def _short_labels(sections: tuple[SectionStats, ...], *, several_files: bool) -> list[str]:
    # The innermost heading is what people recognise; when two sections share it, the heading
    # above it tells them apart.
    leaf = [s.section[-1] if s.section else "(top of file)" for s in sections]
    seen = Counter(zip((s.file for s in sections), leaf, strict=True))
    names: list[str] = []
    for section, name in zip(sections, leaf, strict=True):
        if seen[(section.file, name)] > 1 and len(section.section) > 1:
            name = " › ".join(section.section[-2:])
        if several_files and section.file:
            name = f"{_basename(section.file)}: {name}"
        names.append(name)
    return names


def _basename(path: str) -> str:
    return re.split(r"[\\/]", path.rstrip("/\\"))[-1] or path


def _summary(counts: Counts) -> str:
    return f"{counts.done} of {counts.total} done ({counts.whole_percent}%)"


def render(report: Report, title: str = "Study progress") -> str:
    """The chart as SVG text (UTF-8 safe, ending with a newline)."""
    bars = layout(report)
    height = int(bars[-1].y + ROW_HEIGHT / 2 + PAD)
    heading = f"{title}: {_summary(report.counts)}"
    desc = "; ".join(f"{b.full_label}: {_summary(b.counts)}" for b in bars[:-1])
    desc = desc or "No entries found."
    out = [
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" role="img" '
        'aria-labelledby="studylog-md-title studylog-md-desc">',
        f'<title id="studylog-md-title">{escape(heading)}</title>',
        f'<desc id="studylog-md-desc">{escape(desc)}</desc>',
        f"<style>{_STYLE}</style>",
        # Labels are truncated by character count; the clip guarantees that an unusually wide
        # font still cannot draw a label over its bar.
        f'<clipPath id="studylog-md-labels"><rect x="0" y="0" width="{BAR_X - 8}" '
        f'height="{height}"/></clipPath>',
        f'<text class="heading" x="{PAD}" y="{PAD + 10}">{escape(heading)}</text>',
    ]
    if len(bars) == 1:
        empty_y = number(HEADER_HEIGHT + 4)
        out.append(f'<text class="muted" x="{PAD}" y="{empty_y}">No entries found.</text>')
    for item in bars:
        if item.total:
            rule_y = number(item.y - ROW_HEIGHT / 2 - 2)
            out.append(
                f'<line class="rule" x1="{PAD}" y1="{rule_y}" x2="{WIDTH - PAD}" y2="{rule_y}"/>'
            )
        out.append(_row(item))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _row(item: Bar) -> str:
    top = number(item.y - BAR_HEIGHT / 2)
    base = number(item.y + TEXT_BASELINE)
    weight = ' class="total"' if item.total else ""
    count = f"{item.counts.done}/{item.counts.total}"
    return (
        f"<g><title>{escape(item.full_label)}: {escape(_summary(item.counts))}</title>"
        f'<text{weight} x="{PAD}" y="{base}" clip-path="url(#studylog-md-labels)">'
        f"{escape(item.label)}</text>"
        f'<rect class="bar-track" x="{BAR_X}" y="{top}" width="{BAR_WIDTH}" '
        f'height="{BAR_HEIGHT}" rx="3"/>'
        f'<rect class="bar-done" x="{BAR_X}" y="{top}" width="{number(item.done_width)}" '
        f'height="{BAR_HEIGHT}" rx="3"/>'
        f'<text class="muted" x="{COUNT_X}" y="{base}">{count}</text>'
        f'<text{weight} x="{WIDTH - PAD}" y="{base}" text-anchor="end">'
        f"{item.counts.whole_percent}%</text></g>"
    )

"""The SVG chart: its numbers (parsed as XML) and how it looks in a real browser."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import pytest
from shared_paths import SHARED

from studylog_md.cli import main
from studylog_md.progress import svg
from studylog_md.progress.stats import (
    Counts,
    FileStats,
    Report,
    SectionStats,
    combine,
    display_width,
)

NS = {"svg": "http://www.w3.org/2000/svg"}
Pixels = list[list[tuple[int, int, int]]]
SEED = SHARED / "seed" / "STUDY_LOG.md"

# Sections with known proportions: 0, 1/4, 1/2, 3/4, 7/11, 1/19 and all done.
PROPORTIONS = [(0, 4), (1, 4), (2, 4), (3, 4), (7, 11), (1, 19), (3, 3)]


def make_log(proportions: list[tuple[int, int]]) -> str:
    parts = ["# Progress\n"]
    for number, (done, total) in enumerate(proportions):
        parts.append(f"\n## Part {number}\n\n|Resource|Progress|\n|---|---|\n")
        for item in range(total):
            mark = "✅" if item < done else "⬜"
            parts.append(f"|[Item {number}.{item}](https://example.org/{number}/{item})|{mark}|\n")
    return "".join(parts)


def report_of(*sections: tuple[tuple[str, ...], int, int]) -> Report:
    stats = tuple(SectionStats(path, Counts(done=d, todo=t - d)) for path, d, t in sections)
    total = Counts()
    for item in stats:
        total = total + item.counts
    return combine([FileStats("log.md", total, stats)])


def bars(root: ET.Element, kind: str) -> list[ET.Element]:
    return [r for r in root.iterfind(".//svg:rect", NS) if r.get("class") == kind]


@pytest.fixture
def chart(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    log = tmp_path / "log.md"
    log.write_text(make_log(PROPORTIONS), encoding="utf-8")
    target = tmp_path / "progress.svg"
    assert main(["stats", str(log), "--svg", str(target)]) == 0
    assert f"wrote {target}" in capsys.readouterr().out
    return target


# -- the XML ----------------------------------------------------------------------------------


def test_bar_widths_follow_the_numbers(chart: Path) -> None:
    root = ET.parse(chart).getroot()
    done = bars(root, "bar-done")
    tracks = bars(root, "bar-track")
    expected = [*PROPORTIONS, (sum(d for d, _ in PROPORTIONS), sum(t for _, t in PROPORTIONS))]
    assert len(done) == len(tracks) == len(expected)
    for rect, track, (d, t) in zip(done, tracks, expected, strict=True):
        assert float(track.get("width", "")) == svg.BAR_WIDTH
        assert float(rect.get("width", "")) == pytest.approx(svg.BAR_WIDTH * d / t, abs=0.005)
        assert rect.get("y") == track.get("y")
    texts = [t.text for t in root.iterfind(".//svg:text", NS)]
    assert "7/11" in texts and "63%" in texts and "1/19" in texts and "5%" in texts
    assert "17/49" in texts and "34%" in texts  # the total


def test_accessible_title_and_description(chart: Path) -> None:
    root = ET.parse(chart).getroot()
    assert root.get("role") == "img"
    title = root.find("svg:title", NS)
    desc = root.find("svg:desc", NS)
    assert title is not None and title.text == "Study progress: 17 of 49 done (34%)"
    assert desc is not None and desc.text is not None
    assert "Progress › Part 4: 7 of 11 done (63%)" in desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_output_is_deterministic(chart: Path, tmp_path: Path) -> None:
    first = chart.read_bytes()
    assert main(["stats", str(tmp_path / "log.md"), "--svg", str(chart)]) == 0
    assert chart.read_bytes() == first
    # Coordinates have at most two decimals; no timestamps or absolute paths.
    assert not re.search(rb"\d\.\d{3}", first)
    assert str(tmp_path).encode() not in first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.md", "progress.svg"]


def test_labels_are_escaped_and_long_ones_truncated() -> None:
    tricky = 'C++ <templates> & "friends"'
    long = "A very long heading that goes on and on about linear algebra and calculus"
    text = svg.render(report_of((("Books", tricky), 1, 2), (("Books", long), 0, 3)))
    root = ET.fromstring(text)  # would raise on bad escaping
    labels = [t.text or "" for t in root.iterfind("svg:g/svg:text", NS)][::3]
    assert labels[0] == tricky
    assert labels[1].endswith("…") and long.startswith(labels[1][:-1])
    assert display_width(labels[1]) <= svg.LABEL_COLUMNS
    tooltips = [t.text for t in root.iterfind("svg:g/svg:title", NS)]
    assert f"Books › {long}: 0 of 3 done (0%)" in tooltips


def test_same_leaf_heading_is_told_apart_by_its_parent() -> None:
    text = svg.render(report_of((("Math", "Videos"), 1, 2), (("Code", "Videos"), 0, 1)))
    labels = [t.text for t in ET.fromstring(text).iterfind("svg:g/svg:text", NS)][::3]
    assert labels[:2] == ["Math › Videos", "Code › Videos"]


def test_characters_xml_cannot_hold_are_replaced() -> None:
    text = svg.render(report_of((("bad \udcff byte \x01",), 1, 1)))
    label = ET.fromstring(text).find("svg:g/svg:text", NS)
    assert label is not None and label.text == "bad \ufffd byte \ufffd"
    text.encode("utf-8")  # no lone surrogate left


def test_empty_report() -> None:
    root = ET.fromstring(svg.render(Report()))
    assert [t.text for t in root.iterfind("svg:text", NS)][-1] == "No entries found."
    assert [r.get("width") for r in bars(root, "bar-done")] == ["0"]


def test_number_formatting() -> None:
    assert [svg.number(v) for v in (0, 12.5, 162.909090, 256, -0.001)] == [
        "0",
        "12.5",
        "162.91",
        "256",
        "0",
    ]


def test_seed_chart(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if not SEED.is_file():
        pytest.skip(f"the shared seed log is not here ({SEED})")
    target = tmp_path / "seed.svg"
    assert main(["stats", str(SEED), "--svg", str(target)]) == 0
    root = ET.parse(target).getroot()
    done = bars(root, "bar-done")
    assert float(done[-1].get("width", "")) == pytest.approx(svg.BAR_WIDTH * 11 / 39, abs=0.005)
    assert float(done[3].get("width", "")) == pytest.approx(svg.BAR_WIDTH * 1 / 19, abs=0.005)


# -- in a real browser --------------------------------------------------------------------------


def chromium() -> str:
    for name in ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no chromium binary (install Debian's chromium to run the browser test)")


def screenshot(
    binary: str, page: Path, png: Path, size: tuple[int, int], *, dark: bool = False
) -> None:
    args = [
        binary,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        f"--user-data-dir={png.parent / 'profile'}",
        f"--screenshot={png}",
        f"--window-size={size[0]},{size[1]}",
    ]
    if dark:
        args.append("--force-dark-mode")  # makes prefers-color-scheme: dark match
    done = subprocess.run([*args, page.as_uri()], capture_output=True, timeout=60, check=False)
    assert png.is_file(), done.stderr.decode("utf-8", "replace")[-2000:]


def decode_png(data: bytes) -> Pixels:
    """Rows of RGB pixels of an 8-bit, non-interlaced RGB or RGBA PNG (what Chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    width = height = channels = 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and interlace == 0 and colour in (2, 6)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: Pixels = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        filter_type = raw[start]
        line = bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            upper_left = previous[i - channels] if i >= channels else 0
            if filter_type == 1:
                line[i] = (line[i] + left) & 0xFF
            elif filter_type == 2:
                line[i] = (line[i] + up) & 0xFF
            elif filter_type == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif filter_type == 4:
                p = left + up - upper_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - upper_left)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else upper_left
                line[i] = (line[i] + pred) & 0xFF
        rows.append([(line[x], line[x + 1], line[x + 2]) for x in range(0, stride, channels)])
        previous = line
    return rows


def is_green(pixel: tuple[int, int, int]) -> bool:
    r, g, b = pixel
    return g > r + 40 and g > b + 40


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The chart of PROPORTIONS screenshotted on a white page and, in dark mode, a dark one."""
    binary = chromium()
    folder = tmp_path_factory.mktemp("browser")
    chart = folder / "progress.svg"
    log = folder / "log.md"
    log.write_text(make_log(PROPORTIONS), encoding="utf-8")
    assert main(["stats", str(log), "--svg", str(chart)]) == 0
    root = ET.parse(chart).getroot()
    width, height = int(root.get("width", "0")), int(root.get("height", "0"))
    shots: dict[str, object] = {"root": root, "width": width}
    for mode, background in (("light", "#ffffff"), ("dark", "#0d1117")):
        page = folder / f"{mode}.html"
        page.write_text(
            f'<!doctype html><html><body style="margin:0;background:{background}">'
            f'<img src="{chart.name}" style="display:block"></body></html>',
            encoding="utf-8",
        )
        png = folder / f"{mode}.png"
        screenshot(binary, page, png, (width + 40, height + 40), dark=mode == "dark")
        shots[mode] = decode_png(png.read_bytes())
    return shots


@pytest.mark.slow  # starts a real headless chromium (~5 s)
def test_bars_in_a_real_browser(browser: dict[str, object]) -> None:
    root = browser["root"]
    pixels = browser["light"]
    width = browser["width"]
    assert isinstance(root, ET.Element) and isinstance(pixels, list) and isinstance(width, int)
    expected = [*PROPORTIONS, (17, 49)]
    for rect, (done, total) in zip(bars(root, "bar-done"), expected, strict=True):
        y = int(float(rect.get("y", "")) + svg.BAR_HEIGHT / 2)
        row = pixels[y]
        green = sum(1 for x in range(width) if is_green(row[x]))
        # The track: anything drawn in the bar's column range that is not the white page.
        track = sum(
            1 for x in range(svg.BAR_X - 4, svg.BAR_X + svg.BAR_WIDTH + 4) if sum(row[x]) < 3 * 250
        )
        assert track == pytest.approx(svg.BAR_WIDTH, abs=2)
        assert green == pytest.approx(svg.BAR_WIDTH * done / total, abs=2), (done, total)
        if green:
            first = next(x for x in range(width) if is_green(row[x]))
            assert first == pytest.approx(svg.BAR_X, abs=1)


def text_brightness(pixels: Pixels, y0: int, y1: int) -> int:
    """The brightness (0-765) of the label pixel that differs most from the page."""
    background = sum(pixels[y0][2])
    return max(
        (abs(sum(pixels[y][x]) - background), sum(pixels[y][x]))
        for y in range(y0, y1)
        for x in range(svg.PAD, svg.BAR_X - 8)
    )[1]


@pytest.mark.slow  # starts a real headless chromium (~5 s)
def test_text_is_readable_on_light_and_dark_pages(browser: dict[str, object]) -> None:
    root, light, dark = browser["root"], browser["light"], browser["dark"]
    width = browser["width"]
    assert isinstance(root, ET.Element) and isinstance(width, int)
    assert isinstance(light, list) and isinstance(dark, list)
    first = bars(root, "bar-done")[0]
    y0 = int(float(first.get("y", "")))
    y1 = y0 + svg.BAR_HEIGHT
    # Dark text on the white page, light text on the dark one.
    assert text_brightness(light, y0, y1) < 200
    assert text_brightness(dark, y0, y1) > 500
    # The green bars are the same in both themes.
    y = y0 + svg.BAR_HEIGHT // 2 + 2 * svg.ROW_HEIGHT  # the 2/4 bar
    for shot in (light, dark):
        green = sum(1 for x in range(width) if is_green(shot[y][x]))
        assert green == pytest.approx(svg.BAR_WIDTH / 2, abs=2)

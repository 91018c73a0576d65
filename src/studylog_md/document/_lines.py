"""Bytes <-> text, and text <-> lines, without losing a byte.

* A UTF-8 BOM is removed before parsing (markdown-it-py does not understand it) and restored
  on output.
* Undecodable bytes are kept as lone surrogates (``surrogateescape``), so they survive a round
  trip unchanged and can be located (``invalid_positions``).
* Lines are split on ``\\r\\n``, ``\\r`` and ``\\n`` only — never ``str.splitlines()``, which
  also splits on ``\\x0c``, ``\\x85``, ``\\u2028``… and would disagree with markdown-it's line
  numbers.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter

from ..errors import EncodingError

UTF8_BOM = b"\xef\xbb\xbf"
_NEWLINE_SPLIT = re.compile(r"(\r\n|\r|\n)")
_INVALID_RUN = re.compile("[\udc80-\udcff]+")

# Magic numbers of common binary formats that are sometimes committed next to a README.
_BINARY_MAGIC = (
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"%PDF",
    b"PK\x03\x04",
    b"\x7fELF",
    b"\x1f\x8b",
    b"BZh",
    b"\xfd7zXZ",
    b"RIFF",
    b"OggS",
)


def decode(data: bytes, path: str | None = None) -> tuple[str, bool]:
    """Decode a study log's bytes: returns ``(text, had_bom)``.

    Raises :class:`EncodingError` for UTF-16/UTF-32 (with or without a BOM) and for files that
    are clearly binary; every other byte sequence is accepted and round-trips exactly.
    """
    where = f"{path}: " if path else ""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise EncodingError(
            f"{where}the file is UTF-32; convert it to UTF-8 (e.g. iconv -f UTF-32 -t UTF-8)",
            path,
        )
    if data.startswith(_BINARY_MAGIC):
        raise EncodingError(f"{where}this is a binary file, not Markdown; pass a .md file", path)
    wide = "UTF-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else _bom_less_utf(data)
    if wide is not None:
        raise EncodingError(
            f"{where}the file is {wide}; convert it to UTF-8 (e.g. iconv -f {wide} -t UTF-8)",
            path,
        )
    if _looks_binary(data):
        raise EncodingError(f"{where}this is a binary file, not Markdown; pass a .md file", path)
    bom = data.startswith(UTF8_BOM)
    body = data[3:] if bom else data
    return body.decode("utf-8", "surrogateescape"), bom


def encode(text: str, bom: bool) -> bytes:
    """The inverse of :func:`decode`."""
    raw = text.encode("utf-8", "surrogateescape")
    return UTF8_BOM + raw if bom else raw


def _bom_less_utf(data: bytes) -> str | None:
    """``"UTF-32"`` or ``"UTF-16"`` for BOM-less text in those encodings, else None.

    Counting NULs alone misnames two cases: UTF-32 of ASCII has a NUL in every other byte
    too, and UTF-16 of Chinese or Japanese text has few NULs. A stray NUL in UTF-8 text must
    still be accepted, so UTF-16 without the NUL pattern needs the bytes to be invalid UTF-8
    *and* to read as UTF-16 text with line breaks.
    """
    head = data[:4096]
    if len(head) < 8 or b"\x00" not in head:
        return None
    if _reads_as(head, "utf-32-le", 4) or _reads_as(head, "utf-32-be", 4):
        return "UTF-32"
    # Mostly-ASCII UTF-16 has a NUL in every other byte.
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.8 * len(odd) or even.count(0) > 0.8 * len(even):
        return "UTF-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head)
    except UnicodeDecodeError:
        if _reads_as(head, "utf-16-le", 2) or _reads_as(head, "utf-16-be", 2):
            return "UTF-16"
    return None


def _reads_as(head: bytes, codec: str, unit: int) -> bool:
    """Whether ``head`` decodes as ``codec`` to text with line breaks (a few bad units are
    allowed: the sample may end inside a character)."""
    text = head[: len(head) - len(head) % unit].decode(codec, "replace")
    if "\n" not in text:
        return False
    bad = sum(1 for ch in text if ch == "\ufffd" or (ch < " " and ch not in "\t\r\n"))
    return bad <= len(text) // 50


def _looks_binary(data: bytes) -> bool:
    # Text may contain a stray NUL (we keep it), but a file that is full of NULs and of bytes
    # that are not UTF-8 is not a Markdown file.
    head = data[:8192]
    if len(head) < 64 or b"\x00" not in head:
        return False
    nuls = head.count(0)
    decoded = head.decode("utf-8", "surrogateescape")
    invalid = len(decoded) - len(_INVALID_RUN.sub("", decoded))  # one escape per bad byte
    return nuls + invalid > 0.3 * len(head)


def split_lines(text: str) -> tuple[list[str], list[str]]:
    """Split into ``(lines, endings)``; ``"".join(l + e ...)`` gives back ``text``.

    A final newline ends the last line rather than starting an empty one: ``"a\\n"`` is one
    line ``"a"`` with ending ``"\\n"``; ``"a"`` is one line with ending ``""``.
    """
    if not text:
        return [], []
    parts = _NEWLINE_SPLIT.split(text)
    lines = parts[0::2]
    endings = parts[1::2]
    if lines[-1] == "":
        lines.pop()
    else:
        endings.append("")
    return lines, endings


def dominant_newline(endings: list[str]) -> str:
    """The line ending most lines use (``"\\n"`` for a file without any)."""
    counts = Counter(e for e in endings if e)
    if not counts:
        return "\n"
    return counts.most_common(1)[0][0]


def invalid_positions(lines: list[str]) -> list[tuple[int, int, int]]:
    """Where undecodable bytes are: ``(line_index, column, byte_count)``, 0-based."""
    found: list[tuple[int, int, int]] = []
    for index, line in enumerate(lines):
        if line.isascii():
            continue
        for match in _INVALID_RUN.finditer(line):
            found.append((index, match.start(), match.end() - match.start()))
    return found

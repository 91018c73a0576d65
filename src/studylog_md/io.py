"""Load and save documents: bytes in, the same bytes out."""

from __future__ import annotations

import os
from pathlib import Path

from .document import _lines
from .document.markers import Vocabulary
from .document.model import Document


def loads(text: str, *, path: str | None = None, vocabulary: Vocabulary | None = None) -> Document:
    """Parse a study log from a string (a leading U+FEFF is kept as a BOM)."""
    from .document.parse import build

    bom = text.startswith("\ufeff")
    if bom:
        text = text[1:]
    _check_encodable(text, path)
    lines, endings = _lines.split_lines(text)
    return build(lines, endings, bom=bom, path=path, vocabulary=vocabulary)


def _check_encodable(text: str, path: str | None) -> None:
    """Refuse text that could never be saved: a lone surrogate other than an undecodable byte.

    Undecodable bytes are kept as U+DC80-U+DCFF (``surrogateescape``) and written back as
    they were; any other lone surrogate (a high one such as U+D83D from a cut emoji) has no
    UTF-8 form, so saving would fail later, after the user's edits. Said at load time.
    """
    try:
        text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError as exc:
        from .errors import EncodingError

        line = text.count("\n", 0, exc.start) + 1
        column = exc.start - (text.rfind("\n", 0, exc.start) + 1) + 1
        where = f"{path}: " if path else ""
        raise EncodingError(
            f"{where}line {line}, column {column}: the text holds a lone surrogate "
            f"U+{ord(text[exc.start]):04X}, which UTF-8 cannot store, so the document could "
            "never be saved; decode the file with errors='surrogateescape' (or pass its bytes "
            "to load_bytes) instead",
            path,
        ) from None


def load_bytes(
    data: bytes, *, path: str | None = None, vocabulary: Vocabulary | None = None
) -> Document:
    """Parse a study log from its bytes; refuses UTF-16/32 and binary data."""
    from .document.parse import build

    text, bom = _lines.decode(data, path)
    lines, endings = _lines.split_lines(text)
    return build(lines, endings, bom=bom, path=path, vocabulary=vocabulary)


def load(
    path: str | os.PathLike[str],
    *,
    vocabulary: Vocabulary | None = None,
    max_bytes: int | None = None,
) -> Document:
    """Read and parse a study log file."""
    from .safe_write import DEFAULT_MAX_BYTES, read_file

    snapshot = read_file(path, max_bytes=max_bytes or DEFAULT_MAX_BYTES)
    doc = load_bytes(snapshot.data, path=os.fspath(path), vocabulary=vocabulary)
    doc.snapshot = snapshot
    return doc


def save(doc: Document, path: str | os.PathLike[str] | None = None) -> bool:
    """Write ``doc`` atomically. Returns False when nothing changed on disk.

    Every failure is a :class:`~studylog_md.errors.StudylogError` (a :class:`WriteError`, or a
    :class:`FileChangedError` when the file changed since it was read), never a bare
    ``OSError``. A new file goes through the same writer as every other
    (:func:`studylog_md.safe_write.write_file`); a dangling symbolic link is refused, not
    replaced by a regular file.

    The bytes are re-parsed and checked against the document first (``edit/verify.py``): a
    document whose text and model disagree is a bug and is never written. After a write the
    document's snapshot is what was written, so a second ``save()`` works.
    """
    from .edit.verify import Declaration, verify
    from .errors import WriteError
    from .safe_write import Snapshot, editing, write_back, write_file

    text = doc.dumps()
    verify(doc, text, Declaration(()))
    data = _lines.encode(text, doc.bom)
    target = path if path is not None else doc.path
    if target is None:
        raise WriteError("this document was not loaded from a file; give save() a path")
    snapshot = doc.snapshot
    if path is not None and (not isinstance(snapshot, Snapshot) or _real(path) != snapshot.target):
        if not os.path.exists(path):  # missing, or a dangling link (write_file refuses it)
            write_file(path, data, create=True)
            return True
        with editing(path) as fresh:
            return write_back(fresh, data)
    if not isinstance(snapshot, Snapshot):
        raise WriteError("this document has no file snapshot; give save() a path")
    with editing(snapshot.path) as fresh:
        if fresh.data != snapshot.data:
            from .errors import FileChangedError

            raise FileChangedError(
                f"{snapshot.path} changed on disk since it was read; nothing was written. "
                "Run the command again.",
                str(snapshot.path),
            )
        written = write_back(fresh, data)
        if written:
            doc.snapshot = _after_write(snapshot, data)
        return written


def _after_write(snapshot: object, data: bytes) -> object:
    """The snapshot of the file just written, for the next ``save()``'s stale check.

    Read again (the write replaced the file: a new inode and mtime); if another program
    changed the file in between, the snapshot keeps *our* bytes, so the next save sees the
    difference and refuses rather than overwriting that change.
    """
    from .safe_write import Snapshot, read_file

    assert isinstance(snapshot, Snapshot)
    try:
        fresh = read_file(snapshot.path, max_bytes=max(len(data), 1) * 2 + 4096)
    except Exception:  # unreadable now: the next save will say why
        return snapshot._replace(data=b"")
    return fresh if fresh.data == data else fresh._replace(data=data)


def _real(path: str | os.PathLike[str]) -> Path | None:
    """The real file behind ``path``; None for a symbolic link loop (reading it will say so)."""
    try:
        return Path(path).resolve()
    except (RuntimeError, OSError):
        return None

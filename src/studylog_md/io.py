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
    lines, endings = _lines.split_lines(text)
    return build(lines, endings, bom=bom, path=path, vocabulary=vocabulary)


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
    """Write ``doc`` atomically. Returns False when nothing changed on disk."""
    from .errors import WriteError
    from .safe_write import Snapshot, editing, write_back

    data = doc.to_bytes()
    target = path if path is not None else doc.path
    if target is None:
        raise WriteError("this document was not loaded from a file; give save() a path")
    snapshot = doc.snapshot
    if path is not None and (
        not isinstance(snapshot, Snapshot) or Path(path).resolve() != snapshot.target
    ):
        if not Path(path).exists():
            _write_new(Path(path), data)
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
        return write_back(fresh, data)


def _write_new(path: Path, data: bytes) -> None:
    """Create a new file atomically (temp file in the same folder, then rename)."""
    import tempfile

    from .errors import WriteError

    folder = path.parent if str(path.parent) else Path(".")
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise WriteError(f"could not write {path}: {exc.strerror or exc}", str(path)) from exc
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask

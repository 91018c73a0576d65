"""studylog-md: a lossless model, a byte-stable editor and a linter for Markdown study logs.

>>> import studylog_md
>>> doc = studylog_md.loads("|Resource|Progress|\\n|---|---|\\n|[U-Net](https://arxiv.org/abs/1505.04597)|⬜|\\n")
>>> [(e.title, e.status.value) for e in doc.entries]
[('U-Net', 'todo')]
>>> change = doc.toggle("U-Net")
>>> doc.dumps().splitlines()[-1]
'|[U-Net](https://arxiv.org/abs/1505.04597)|✅|'
"""

from __future__ import annotations

from .errors import (
    AmbiguousQuery,
    EditError,
    EncodingError,
    FileChangedError,
    InputError,
    InternalError,
    NotFound,
    SafetyCheckError,
    StudylogError,
    UserError,
    WriteError,
)
from .io import load, load_bytes, loads
from .markers import Status, Vocabulary
from .model import Cell, Document, Entry, Link, Row, Section, Table

__version__ = "0.1.0"

__all__ = [
    "AmbiguousQuery",
    "Cell",
    "Document",
    "EditError",
    "EncodingError",
    "Entry",
    "FileChangedError",
    "InputError",
    "InternalError",
    "Link",
    "NotFound",
    "Row",
    "SafetyCheckError",
    "Section",
    "Status",
    "StudylogError",
    "Table",
    "UserError",
    "Vocabulary",
    "WriteError",
    "__version__",
    "load",
    "load_bytes",
    "loads",
]

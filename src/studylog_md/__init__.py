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

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - at run time these are imported on first use
    from .document.markers import Status, Vocabulary
    from .document.model import Cell, Document, Entry, Link, Row, Section, Table
    from .edit import Change
    from .errors import (
        AmbiguousQuery,
        ConfigError,
        EditError,
        EncodingError,
        FileChangedError,
        InputError,
        InternalError,
        NotFound,
        QueryError,
        SafetyCheckError,
        StudylogError,
        UserError,
        WriteError,
    )
    from .io import load, load_bytes, loads

# Where each public name lives. Names are imported on first use (PEP 562): the console script
# imports ``studylog_md.cli``, hence this package, before it knows the command, and
# ``--help`` needs neither the model nor the vocabulary nor pathlib.
_LAZY = {
    "AmbiguousQuery": "errors",
    "Change": "edit",
    "ConfigError": "errors",
    "QueryError": "errors",
    "EditError": "errors",
    "EncodingError": "errors",
    "FileChangedError": "errors",
    "InputError": "errors",
    "InternalError": "errors",
    "NotFound": "errors",
    "SafetyCheckError": "errors",
    "StudylogError": "errors",
    "UserError": "errors",
    "WriteError": "errors",
    "load": "io",
    "load_bytes": "io",
    "loads": "io",
    "Status": "document.markers",
    "Vocabulary": "document.markers",
    "Cell": "document.model",
    "Document": "document.model",
    "Entry": "document.model",
    "Link": "document.model",
    "Row": "document.model",
    "Section": "document.model",
    "Table": "document.model",
}

__version__ = "0.1.0"  # the one version source: pyproject.toml reads it (hatch)

__all__ = [
    "AmbiguousQuery",
    "Cell",
    "Change",
    "ConfigError",
    "Document",
    "EditError",
    "EncodingError",
    "Entry",
    "FileChangedError",
    "InputError",
    "InternalError",
    "Link",
    "NotFound",
    "QueryError",
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


def __getattr__(name: str) -> Any:
    """Import a public name on first use (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value  # later look-ups do not come here
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

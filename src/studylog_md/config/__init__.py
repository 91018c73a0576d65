"""Project configuration: ``[tool.studylog-md]`` in ``pyproject.toml`` or ``.studylog-md.toml``.

The configuration that applies to a file is the nearest one found walking up from the file's
folder. The walk stops at the first folder that holds ``.git`` (the repository root, which is
still searched) or at the file system root. In each folder ``.studylog-md.toml`` (top-level
keys) wins over ``pyproject.toml``; a ``pyproject.toml`` without a ``[tool.studylog-md]`` table
does not count, so a sub-package's ``pyproject.toml`` does not hide the repository's settings.

Everything is checked when the file is read: an unknown key (at any level), a value of the
wrong type and an unknown rule name are a :class:`~studylog_md.errors.ConfigError` that names
the key and the file, so a typo never silently turns a rule off. See ``docs/configuration.md``.
"""

from __future__ import annotations

from .discovery import clear_cache, find_config_file, load_config, load_config_file
from .model import CONFIG_FILE, PYPROJECT, Config, LinksConfig

__all__ = [
    "CONFIG_FILE",
    "PYPROJECT",
    "Config",
    "LinksConfig",
    "clear_cache",
    "find_config_file",
    "load_config",
    "load_config_file",
]

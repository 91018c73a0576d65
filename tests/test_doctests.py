"""The examples in the package's docstrings run, so they cannot drift from the code.

A test module rather than ``--doctest-modules``: that option would also collect ``tests/`` and
``benchmarks/`` and import every module of the package in the collector, optional extras too.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from types import ModuleType

import pytest

import studylog_md


def _modules() -> list[str]:
    names = [studylog_md.__name__]
    for info in pkgutil.walk_packages(studylog_md.__path__, prefix="studylog_md."):
        names.append(info.name)
    return sorted(names)


def _import(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:  # an optional extra (the language server's pygls)
        pytest.skip(f"{name} needs {error.name}, an optional extra")


MODULES_WITH_EXAMPLES = [
    name
    for name in _modules()
    if not name.startswith("studylog_md.server")
    and any(t.examples for t in doctest.DocTestFinder().find(importlib.import_module(name)))
]


def test_some_modules_have_examples() -> None:
    assert len(MODULES_WITH_EXAMPLES) >= 5, MODULES_WITH_EXAMPLES


@pytest.mark.parametrize("name", MODULES_WITH_EXAMPLES)
def test_docstring_examples_run(name: str) -> None:
    module = _import(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, report=True)
    assert result.attempted > 0
    assert result.failed == 0

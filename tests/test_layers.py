"""The package's layers, read from the imports themselves (lazy imports included).

A lower layer never imports a higher one, and no new import cycle appears between modules. The
one allowed cycle is the ``Document`` facade: ``document.model``'s convenience methods
(``toggle``, ``set_status``, ``add_entry``, ``save``) import ``edit`` and ``io`` inside the
method, so a user can write ``doc.toggle("U-Net")``. ``docs/architecture.md`` draws the layers.

Imports under ``if TYPE_CHECKING:`` are left out: they exist for the type checker only and are
never executed.
"""

from __future__ import annotations

import ast
import functools
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from shared_paths import ROOT

PACKAGE = ROOT / "src" / "studylog_md"

# What each part of the package must never import (parts are the first component below
# ``studylog_md``; a top-level module is its own part).
FORBIDDEN: dict[str, frozenset[str]] = {
    "errors": frozenset(
        {
            "document",
            "edit",
            "io",
            "safe_write",
            "config",
            "urls",
            "progress",
            "lint",
            "linkcheck",
            "cli",
            "server",
        }
    ),
    "urls": frozenset(
        {
            "errors",
            "document",
            "edit",
            "io",
            "safe_write",
            "config",
            "progress",
            "lint",
            "linkcheck",
            "cli",
            "server",
        }
    ),
    "safe_write": frozenset(
        {"document", "edit", "io", "config", "progress", "lint", "linkcheck", "cli", "server"}
    ),
    "document": frozenset({"config", "progress", "lint", "linkcheck", "cli", "server"}),
    "edit": frozenset({"config", "progress", "lint", "linkcheck", "cli", "server"}),
    "io": frozenset({"config", "progress", "lint", "linkcheck", "cli", "server"}),
    "linkcheck": frozenset(
        {"document", "edit", "io", "config", "progress", "lint", "cli", "server"}
    ),
    "lint": frozenset({"config", "progress", "cli", "server"}),
    "config": frozenset({"progress", "cli", "server"}),
    "progress": frozenset({"lint", "linkcheck", "cli", "server"}),
    "cli": frozenset({"server"}),
}
# The Document facade (see the module docstring): methods of document.model that import the
# module doing the work (edit, io, query, parse), which imports the model back.
ALLOWED_CYCLE_EDGES = frozenset(
    {
        ("studylog_md.document.model", "studylog_md.edit"),
        ("studylog_md.document.model", "studylog_md.io"),
        ("studylog_md.document.model", "studylog_md.document.query"),
        ("studylog_md.document.model", "studylog_md.document.parse"),
    }
)


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _runtime_imports(tree: ast.AST) -> Iterator[ast.ImportFrom | ast.Import]:
    """Every import statement, at any depth, except those under ``if TYPE_CHECKING:``."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the package modules it imports (``from . import x`` counts as ``.x``)."""
    modules = {_module_name(p, root) for p in root.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for path in root.rglob("*.py"):
        name = _module_name(path, root)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(a.name for a in node.names if a.name.startswith("studylog_md"))
                continue
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("studylog_md"):
                continue
            for alias in node.names:  # ``from . import lines`` imports a module
                sub = f"{target}.{alias.name}"
                targets.add(sub if sub in modules else target)
        graph[name] = {t for t in targets if t != name}
    return graph


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "(package)"


def layer_violations(graph: dict[str, set[str]]) -> list[str]:
    found = []
    for module, targets in sorted(graph.items()):
        banned = FORBIDDEN.get(_part(module), frozenset())
        for target in sorted(targets):
            if _part(target) in banned and (module, target) not in ALLOWED_CYCLE_EDGES:
                found.append(f"{module} imports {target}")
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), allowed edges removed."""
    edges = {
        m: {t for t in ts if (m, t) not in ALLOWED_CYCLE_EDGES and t in graph}
        for m, ts in graph.items()
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return groups


@functools.cache
def _package_graph() -> dict[str, set[str]]:
    return import_graph(PACKAGE)


def test_no_layer_is_crossed() -> None:
    assert layer_violations(_package_graph()) == []


def test_no_import_cycle() -> None:
    assert cycles(_package_graph()) == []


def test_urls_is_stdlib_only() -> None:
    graph = import_graph(PACKAGE)
    assert (
        all(
            not targets
            for m, targets in graph.items()
            if _part(m) == "urls" and not any(t.startswith("studylog_md.urls") for t in targets)
        )
        or True
    )
    outside = sorted(
        f"{m} imports {t}"
        for m, targets in graph.items()
        if _part(m) == "urls"
        for t in targets
        if _part(t) != "urls"
    )
    assert outside == []


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "studylog_md"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def test_a_lazy_forbidden_import_is_caught(package_copy: Path) -> None:
    parse = package_copy / "document" / "parse.py"
    parse.write_text(
        parse.read_text(encoding="utf-8")
        + "\n\ndef _sneaky() -> None:\n    from ..lint import engine  # noqa\n",
        encoding="utf-8",
    )
    assert layer_violations(import_graph(package_copy)) == [
        "studylog_md.document.parse imports studylog_md.lint.engine"
    ]


def test_a_new_cycle_is_caught(package_copy: Path) -> None:
    stats = package_copy / "progress" / "block.py"
    stats.write_text(
        stats.read_text(encoding="utf-8") + "\n\nfrom . import stats  # noqa\n", encoding="utf-8"
    )
    assert ["studylog_md.progress.block", "studylog_md.progress.stats"] in cycles(
        import_graph(package_copy)
    )


def test_type_checking_imports_do_not_count(package_copy: Path) -> None:
    errors = package_copy / "errors.py"
    assert "TYPE_CHECKING" in errors.read_text(encoding="utf-8")
    assert layer_violations(import_graph(package_copy)) == []

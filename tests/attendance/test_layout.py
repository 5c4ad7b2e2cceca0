"""The attendance app has the shape every app has (issue 14): packages with re-exports, one
``urls.py`` and one ``tasks.py``, no star imports and no imports below the first definition,
and reads that never import the writes."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "attendance"
MODULES = sorted(p for p in APP.rglob("*.py") if "migrations" not in p.parts)


def _imports(tree: ast.Module) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names += [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
        elif isinstance(node, ast.Import):
            names += [a.name for a in node.names]
    return names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(APP)))
def test_no_star_import_and_no_import_after_the_first_definition(path: Path) -> None:
    tree = ast.parse(path.read_text())
    first = next(
        (
            n.lineno
            for n in tree.body
            if isinstance(n, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef)
        ),
        None,
    )
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            assert not any(a.name == "*" for a in node.names), f"star import at {node.lineno}"
        if isinstance(node, ast.Import | ast.ImportFrom) and first is not None:
            assert node.lineno < first, f"import at line {node.lineno}, below a definition"


def test_one_urls_and_one_tasks_module_and_no_suffix_siblings() -> None:
    top = {p.name for p in APP.glob("*.py")}
    assert {"urls.py", "tasks.py", "engine.py", "selectors.py"} <= top
    assert not [name for name in top if name.startswith(("urls_", "tasks_", "views_", "models_"))]
    for package in ("models", "rules", "services", "views"):
        assert (APP / package / "__init__.py").is_file(), package


RULES = sorted((APP / "rules").glob("*.py"))


@pytest.mark.parametrize(
    "module",
    ["selectors.py", "engine.py", *(str(p.relative_to(APP)) for p in RULES)],
)
def test_reads_never_import_the_writes(module: str) -> None:
    imported = _imports(ast.parse((APP / module).read_text()))
    assert not [m for m in imported if m.startswith("attendance.services")], imported


@pytest.mark.parametrize("path", RULES, ids=lambda p: p.name)
def test_the_rules_engine_imports_the_standard_library_and_itself_only(path: Path) -> None:
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            assert (
                top in sys.stdlib_module_names
                or top == "__future__"
                or (name.startswith("attendance.rules"))
            ), f"{path.name} imports {name}"

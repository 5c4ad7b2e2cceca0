"""The whistleblowing app imports nothing from the other apps, only Django and config/
(issue 14): its data is kept apart, and so is its code."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "whistleblowing"
OTHER_APPS = ("groups", "meetings", "attendance")


@pytest.mark.parametrize("path", sorted(APP.rglob("*.py")), ids=lambda p: str(p.relative_to(APP)))
def test_no_module_imports_another_app(path: Path) -> None:
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        assert not [n for n in names if n.split(".")[0] in OTHER_APPS], (path.name, names)

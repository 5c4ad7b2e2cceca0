"""User-facing text carries no requirement ids (issue 12): "Møte (W13)" reads as noise to a
reporter or a handler. Every gettext string in the apps' code and every translated template
string is checked; docstrings and comments may keep the ids."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("attendance", "config", "groups", "meetings", "whistleblowing")
GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy"}
REQUIREMENT_ID = re.compile(r"\b[SGWE]\d{1,2}\b")
TRANSLATE_TAG = re.compile(r"{%\s*translate\s+\"([^\"]*)\"|{%\s*blocktranslate[^%]*%}(.*?){%", re.S)


def _python_files() -> list[Path]:
    return [
        path
        for app in APPS
        if (ROOT / app).is_dir()
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    ]


def _gettext_strings(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name in GETTEXT:
            found += [
                (node.lineno, arg.value)
                for arg in node.args
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            ]
    return found


def test_no_gettext_string_in_code_names_a_requirement_id():
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {text!r}"
        for path in _python_files()
        for line, text in _gettext_strings(path)
        if REQUIREMENT_ID.search(text)
    ]
    assert not offenders, "\n".join(offenders)


def test_no_translated_template_string_names_a_requirement_id():
    templates = [
        p for base in (ROOT / "templates", *(ROOT / a for a in APPS)) for p in base.rglob("*.html")
    ]
    offenders = [
        f"{path.relative_to(ROOT)}: {(match.group(1) or match.group(2))!r}"
        for path in templates
        for match in TRANSLATE_TAG.finditer(path.read_text(encoding="utf-8"))
        if REQUIREMENT_ID.search(match.group(1) or match.group(2) or "")
    ]
    assert not offenders, "\n".join(offenders)


def test_the_check_finds_an_id_where_one_is_written(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('from django.utils.translation import gettext as _\n_("Møte (W13)")\n')
    assert [text for _line, text in _gettext_strings(sample) if REQUIREMENT_ID.search(text)]
    assert TRANSLATE_TAG.search('{% translate "Se (W12)." %}').group(1) == "Se (W12)."

from __future__ import annotations

import ast
from pathlib import Path

import cati.domain

FORBIDDEN = {"PySide6", "sqlalchemy", "pandas"}
MODULES = ("outcomes", "calendar", "scheduling", "scheduling_state", "scheduling_settings", "priority", "explain")


def test_scheduling_modules_import_no_gui_db_or_pandas() -> None:
    root = Path(cati.domain.__file__).parent
    for name in MODULES:
        tree = ast.parse((root / f"{name}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                roots = {(node.module or "").split(".")[0]}
            else:
                continue
            assert not roots & FORBIDDEN, f"{name}.py imports {roots & FORBIDDEN}"


def test_rules_never_read_the_clock() -> None:
    root = Path(cati.domain.__file__).parent
    for name in MODULES:
        text = (root / f"{name}.py").read_text(encoding="utf-8")
        assert ".now(" not in text and "utcnow" not in text and "today(" not in text, name

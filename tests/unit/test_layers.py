"""The layering rule: domain is pure; only the gui package imports PySide6."""

from __future__ import annotations

import ast
from pathlib import Path

import cati

PACKAGE = Path(cati.__file__).parent
DOMAIN_FORBIDDEN = ("PySide6", "shiboken6", "sqlalchemy", "alembic", "pandas", "cati.store", "cati.services",
                    "cati.gui", "cati.io", "cati.commands", "cati.cli")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _hits(names: set[str], forbidden: tuple[str, ...]) -> set[str]:
    return {n for n in names for f in forbidden if n == f or n.startswith(f + ".")}


def test_domain_imports_no_qt_sqlalchemy_pandas_or_outer_layers() -> None:
    offenders = {
        str(p.relative_to(PACKAGE)): _hits(imported_modules(p), DOMAIN_FORBIDDEN)
        for p in (PACKAGE / "domain").rglob("*.py")
    }
    offenders = {k: v for k, v in offenders.items() if v}
    assert not offenders, f"cati/domain must stay pure: {offenders}"


def test_only_gui_imports_pyside6() -> None:
    offenders = {
        str(p.relative_to(PACKAGE)): _hits(imported_modules(p), ("PySide6", "shiboken6"))
        for p in PACKAGE.rglob("*.py")
        if "gui" not in p.relative_to(PACKAGE).parts
    }
    offenders = {k: v for k, v in offenders.items() if v}
    assert not offenders, f"PySide6 outside cati/gui: {offenders}"


def test_services_and_store_do_not_import_gui() -> None:
    for layer in ("services", "store", "io"):
        for p in (PACKAGE / layer).rglob("*.py"):
            assert not _hits(imported_modules(p), ("cati.gui",)), p


def test_the_checker_sees_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from PySide6.QtCore import QObject\nimport sqlalchemy.orm\n", encoding="utf-8")
    assert _hits(imported_modules(bad), DOMAIN_FORBIDDEN) == {"PySide6.QtCore", "sqlalchemy.orm"}


def test_no_eval_exec_or_unsafe_yaml_in_the_package() -> None:
    for p in PACKAGE.rglob("*.py"):
        tree = ast.parse(p.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                f = node.func
                name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
                # the builtins; Qt's app.exec() is a method and fine
                assert not (isinstance(f, ast.Name) and name in ("eval", "exec")), f"{p}:{node.lineno} calls {name}"
                if isinstance(f, ast.Attribute) and name in ("load", "load_all") and \
                        isinstance(f.value, ast.Name) and f.value.id == "yaml":
                    raise AssertionError(f"{p}:{node.lineno} uses yaml.{name}; use the safe loader")


def test_opening_the_app_does_not_import_the_services_first() -> None:
    """Cold start: the login screen shows before SQLAlchemy and the services load (worker thread)."""
    import subprocess
    import sys

    code = ("import sys; from cati.cli import build_parser, wants_gui; "
            "assert wants_gui(['--db', 'x.sqlite']) and wants_gui(['gui', '--lang', 'en']); "
            "assert not wants_gui(['--db', 'x', 'demo']) and not wants_gui(['--help']); "
            "build_parser(['gui']); import cati.gui.app; "
            "print(sorted(m for m in sys.modules if m.startswith(('sqlalchemy', 'cati.services', 'pandas'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"

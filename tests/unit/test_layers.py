"""House rules the import-linter contracts (pyproject.toml, run by scripts/test) do not cover: the rules
never read the clock, nothing executes data, and the login screen shows before the services load."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import cati

PACKAGE = Path(cati.__file__).parent
RULES = sorted(p for p in PACKAGE.glob("*/rules") if p.is_dir())


@functools.cache
def _package_trees() -> tuple[tuple[Path, ast.Module], ...]:
    """Every module of the package, parsed once for all the checks here."""
    return tuple((p, ast.parse(p.read_text(encoding="utf-8"))) for p in sorted(PACKAGE.rglob("*.py")))


def test_every_feature_with_rules_is_seen() -> None:
    assert {p.parent.name for p in RULES} >= {"accounts", "sample", "calls", "interviews", "supervision", "billing"}


def test_rules_never_read_the_clock() -> None:
    for root in RULES:
        for path in root.rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for needle in (".now(", "utcnow", "today(", "time.time(", "monotonic("):
                assert needle not in text, f"{path.relative_to(PACKAGE)} reads the clock ({needle}): pass the time in"


def test_no_eval_exec_or_unsafe_yaml_in_the_package() -> None:
    for p, tree in _package_trees():
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

    services = tuple(f"cati.{p.parent.name}.service" for p in PACKAGE.glob("*/service"))
    assert "cati.calls.service" in services
    code = ("import sys; from cati.cli import build_parser, wants_gui; "
            "assert wants_gui(['--db', 'x.sqlite']) and wants_gui(['gui', '--lang', 'en']); "
            "assert not wants_gui(['--db', 'x', 'demo']) and not wants_gui(['--help']); "
            "build_parser(['gui']); import cati.gui.app; "
            f"print(sorted(m for m in sys.modules if m.startswith({('sqlalchemy', 'pandas', *services)!r})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_no_code_in_the_package_picks_a_password_cost() -> None:
    """Cheap scrypt is a test-fixture choice only (docs/design.md, "Accounts and privacy"): in the package,
    a cost is made only in the passwords module (the production constant, or read back from a stored
    hash), and no caller of the composition root or the user service passes one."""
    made: set[str] = set()
    for p, tree in _package_trees():
        rel = p.relative_to(PACKAGE).as_posix()
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            if (f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else "") == "ScryptCost":
                made.add(rel)
            assert "password_cost" not in {k.arg for k in node.keywords}, f"{rel}:{node.lineno} passes a password_cost"
    assert made == {"accounts/rules/passwords.py"}

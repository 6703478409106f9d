"""The layer rule at run time: the core never loads Qt, and the CLI loads the GUI only to open it.

import-linter ([tool.importlinter] in pyproject.toml) checks the static import graph; it cannot
tell a module-level import from one inside a function, so the laziness of the CLI's GUI import
is proven here, in fresh interpreters with Qt blocked.
"""

from __future__ import annotations

import ast
import subprocess
import sys

from tests.conftest import REPO

BLOCK_QT = (
    "import sys\n"
    "class Block:\n"
    "    def find_spec(self, name, path=None, target=None):\n"
    "        if name.split('.')[0] in ('PySide6', 'shiboken6', 'PyQt5', 'PyQt6'):\n"
    "            raise ImportError('Qt is blocked here: ' + name)\n"
    "sys.meta_path.insert(0, Block())\n"
)
LOADED_NOTHING_OF_QT = (
    "bad = sorted(k for k in sys.modules\n"
    "             if k.split('.')[0] in ('PySide6', 'shiboken6') or k.startswith('inspector.gui'))\n"
    "assert not bad, bad\n"
    "print('ok')\n"
)


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120
    )


def test_core_never_imports_qt():
    """The layer rule: importing every core module and the CLI must not pull in Qt."""
    code = (
        BLOCK_QT + "import importlib, pkgutil\n"
        "import inspector.core, inspector.cli\n"
        "for m in pkgutil.walk_packages(inspector.core.__path__, 'inspector.core.'):\n"
        "    importlib.import_module(m.name)\n" + LOADED_NOTHING_OF_QT
    )
    out = _run(code)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_cli_batch_command_runs_without_qt():
    """`inspector summary` works with Qt blocked and leaves inspector.gui unloaded."""
    code = (
        BLOCK_QT + "import contextlib, io\n"
        "from inspector.cli import main\n"
        "from inspector.resources import demo_path\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    code = main(['summary', str(demo_path())])\n"
        "assert code in (0, 1), code\n" + LOADED_NOTHING_OF_QT
    )
    out = _run(code)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def _is_gui_or_qt(module: str) -> bool:
    return module.startswith("inspector.gui") or module.split(".")[0] in ("PySide6", "shiboken6")


def _gui_imports(tree: ast.Module) -> list[tuple[str, str | None]]:
    """(imported module, enclosing function or None at module level) for every import of the
    GUI or of Qt in a module."""
    found: list[tuple[str, str | None]] = []

    def visit(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                visit(child, child.name)
                continue
            names: list[str] = []
            if isinstance(child, ast.Import):
                names = [a.name for a in child.names]
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                names = [child.module]
            for name in names:
                if _is_gui_or_qt(name):
                    found.append((name, function))
            visit(child, function)

    visit(tree, None)
    return found


def test_cli_imports_the_gui_only_inside_functions():
    """No module-level import of the GUI or Qt in cli.py (a lazy import inside `open` only)."""
    tree = ast.parse((REPO / "inspector" / "cli.py").read_text(encoding="utf-8"))
    imports = _gui_imports(tree)
    assert any(name.startswith("inspector.gui") for name, _ in imports), "open imports the GUI"
    assert all(function is not None for _, function in imports), imports

"""The core never imports Qt: the command line and the tests use it without a display."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import guiapp.core

CORE = Path(guiapp.core.__file__).parent
FORBIDDEN = ("PySide6", "PyQt5", "PyQt6", "pyqtgraph", "shiboken6")


def _imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_no_core_module_imports_qt():
    modules = sorted(CORE.rglob("*.py"))
    assert len(modules) >= 10
    offenders = {str(p.relative_to(CORE)): sorted(_imported_roots(p) & set(FORBIDDEN)) for p in modules}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_importing_the_whole_core_loads_no_qt():
    names = [
        "guiapp.core." + ".".join(p.relative_to(CORE).with_suffix("").parts)
        for p in CORE.rglob("*.py")
        if p.stem != "__init__"
    ]
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}: importlib.import_module(name)\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

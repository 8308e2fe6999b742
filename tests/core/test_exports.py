"""Each module of guiapp.core says what it exports, and what the rest of guiapp takes from it is in that list.

A newcomer reads a module's ``__all__`` to learn what other modules may use. This holds it true: every
module of the core has one, every name in it exists, a package's lists its modules, and every public name
that guiapp or a benchmark imports from a core module (``from guiapp.core.x import name``, or
``x.name`` after importing the module ``x``) is in that module's ``__all__``. Private names (``_x``) are
never exported; the few imported across modules are the importer's business, not this list's.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

import guiapp.core

CORE = "guiapp.core"
CHECKOUT = Path(guiapp.core.__file__).resolve().parents[2]
IMPORTERS = ("guiapp", "benchmarks")  # the code that uses the core; tests may reach further in
MIN_IMPORTS_SEEN = 200  # the scan below finds ~370 today: far fewer means it stopped seeing imports


def _core_modules() -> dict[str, ModuleType]:
    """Every module and package of guiapp.core, imported (none needs Qt: see test_boundary.py)."""
    names = [CORE] + [info.name for info in pkgutil.walk_packages(guiapp.core.__path__, CORE + ".")]
    return {name: importlib.import_module(name) for name in names}


MODULES = _core_modules()


def _is_package(module: ModuleType) -> bool:
    return hasattr(module, "__path__")


def _module_name(path: Path) -> str:
    parts = path.relative_to(CHECKOUT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _absolute(node: ast.ImportFrom, importer: str, is_package: bool) -> str:
    """The module a ``from … import`` names, relative imports resolved against the importing module."""
    if not node.level:
        return node.module or ""
    base = importer.split(".") if is_package else importer.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _rebound(tree: ast.AST) -> set[str]:
    """Names a file binds other than by importing: an import alias shadowed by them is not followed."""
    bound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    bound |= {a.arg for n in ast.walk(tree) if isinstance(n, ast.arguments)
              for a in n.posonlyargs + n.args + n.kwonlyargs + [n.vararg, n.kwarg] if a is not None}
    bound |= {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    return bound


def _imports_of(path: Path) -> Iterator[tuple[str, str]]:
    """(core module, public name) for each name ``path`` takes from a core module other than itself."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    importer = _module_name(path)
    aliases: dict[str, str] = {}  # a local name bound to a core module -> that module
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = _absolute(node, importer, path.name == "__init__.py")
            for alias in node.names:
                if f"{source}.{alias.name}" in MODULES:  # a module, not a name: follow its attributes below
                    aliases[alias.asname or alias.name] = f"{source}.{alias.name}"
                elif source in MODULES and source != importer:
                    yield source, alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname and alias.name in MODULES:
                    aliases[alias.asname] = alias.name
    for name in _rebound(tree):
        aliases.pop(name, None)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            chain = [node.attr]
            value = node.value
            while isinstance(value, ast.Attribute):
                chain.append(value.attr)
                value = value.value
            if not isinstance(value, ast.Name):
                continue
            dotted = [value.id] + chain[::-1]
            if value.id in aliases:  # x.name, x bound to a core module by an import
                module, name = aliases[value.id], dotted[1]
            else:  # guiapp.core.x.name, after `import guiapp.core.x`: the longest dotted prefix that is a module
                prefix = next((k for k in range(len(dotted) - 1, 0, -1) if ".".join(dotted[:k]) in MODULES), 0)
                if not prefix:
                    continue
                module, name = ".".join(dotted[:prefix]), dotted[prefix]
            if module != importer and f"{module}.{name}" not in MODULES:
                yield module, name


def _all_imports() -> dict[str, dict[str, set[str]]]:
    """core module -> public name -> the files (relative to the checkout) that import it."""
    found: dict[str, dict[str, set[str]]] = {}
    for folder in IMPORTERS:
        for path in sorted((CHECKOUT / folder).rglob("*.py")):
            for module, name in _imports_of(path):
                if not name.startswith("_"):
                    found.setdefault(module, {}).setdefault(name, set()).add(str(path.relative_to(CHECKOUT)))
    return found


def test_every_core_module_declares_all():
    assert len(MODULES) >= 60
    without = [name for name, module in MODULES.items() if not isinstance(getattr(module, "__all__", None), list)]
    assert without == [], "add an __all__ (a list of what other modules may import) to: " + ", ".join(without)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_exported_name_exists_once(name: str):
    exported = getattr(MODULES[name], "__all__", [])
    assert [n for n in exported if not hasattr(MODULES[name], n)] == []
    assert [n for n in exported if n.startswith("_")] == []
    assert len(set(exported)) == len(exported), "a name listed twice"


@pytest.mark.parametrize("name", sorted(n for n, m in MODULES.items() if _is_package(m)))
def test_a_package_lists_its_modules(name: str):
    modules = sorted(info.name for info in pkgutil.iter_modules(MODULES[name].__path__))
    assert sorted(getattr(MODULES[name], "__all__", [])) == modules


def test_what_guiapp_imports_from_a_core_module_is_in_its_all():
    imports = _all_imports()
    assert sum(len(names) for names in imports.values()) >= MIN_IMPORTS_SEEN
    missing = {
        module: {name: sorted(files) for name, files in sorted(names.items())
                 if name not in getattr(MODULES[module], "__all__", ())}
        for module, names in sorted(imports.items())
    }
    missing = {module: names for module, names in missing.items() if names}
    lines = []
    for module, names in missing.items():
        uses = ", ".join(f"{name} (imported by {', '.join(files)})" for name, files in names.items())
        lines.append(f"{module}.__all__ lacks {uses}")
    assert missing == {}, "\n".join(lines)

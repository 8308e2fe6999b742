"""Every module of guiapp that holds logic has a test file of its own, named after it, in the same folder
structure: ``guiapp/core/arithmetic/layer_formulas.py`` → ``tests/core/arithmetic/test_layer_formulas.py``.

A newcomer looking for a module's promises finds them in one place. The exceptions are listed with a reason;
the list should only shrink.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "guiapp"
TESTS = ROOT / "tests"

_BEING_CHANGED = "being changed by another helper right now (issue 22); its test file comes with that change"

EXEMPT: dict[str, str] = {
}
EXEMPT_NAMES: dict[str, str] = {}  # a file name exempt in every folder (none now: each feature.py has its test)
EXEMPT_FOLDERS: dict[str, str] = {}  # every module directly in a folder (none now: guiapp/ui/*.py have theirs)


def _has_logic(path: Path) -> bool:
    """A function, or a class with a method: more than constants, data and re-exports."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return True
    return False


def modules_with_logic() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name in ("__init__.py", "__main__.py") or "_shipped" in path.parts:
            continue
        if _has_logic(path):
            found.append(path.relative_to(ROOT).as_posix())
    return found


def test_file_for(module: str) -> Path:
    relative = Path(module).relative_to("guiapp")
    return TESTS / relative.parent / f"test_{relative.name}"


test_file_for.__test__ = False  # a helper, not a test


def exempt(module: str) -> str | None:
    """Why ``module`` may go without its test file for now, or None."""
    path = Path(module)
    return EXEMPT.get(module) or EXEMPT_NAMES.get(path.name) or EXEMPT_FOLDERS.get(path.parent.as_posix())


def test_every_module_with_logic_has_its_own_test_file():
    missing = [module for module in modules_with_logic() if not exempt(module) and not test_file_for(module).exists()]
    assert not missing, "modules without a test file of their own:\n" + "\n".join(
        f"  {module} → {test_file_for(module).relative_to(ROOT)}" for module in missing)


def test_the_exempt_list_names_only_modules_that_still_need_it():
    stale = [module for module in EXEMPT if not (ROOT / module).exists()]
    assert not stale, f"exempt modules that no longer exist: {stale}"
    covered = [module for module in EXEMPT if test_file_for(module).exists()]
    assert not covered, f"exempt modules that have their test file now (remove them from EXEMPT): {covered}"
    reasons = [*EXEMPT.values(), *EXEMPT_NAMES.values(), *EXEMPT_FOLDERS.values()]
    assert all(reason.strip() and "\n" not in reason for reason in reasons)


def test_the_walk_finds_what_it_should():
    modules = modules_with_logic()
    assert "guiapp/core/arithmetic/layer_formulas.py" in modules
    assert "guiapp/paths.py" in modules
    assert not any(module.endswith("__init__.py") for module in modules)
    assert test_file_for("guiapp/core/arithmetic/layer_formulas.py") == TESTS / "core/arithmetic/test_layer_formulas.py"

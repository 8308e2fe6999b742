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

_REWRITTEN = "being rewritten (issue 22); its test file comes with the rewrite"
_WINDOW = "part of the window (guiapp/ui/*.py), being rewritten (issue 22); tested through the window for now"
_NOT_YET = "no test file yet"
_NEW = "new with the issue-22 rewrite; no test file yet"

EXEMPT: dict[str, str] = {
    # Modules other people are rewriting while these test files are written.
    "guiapp/core/live/live_request.py": _REWRITTEN,
    "guiapp/core/live/live_update.py": _REWRITTEN,
    "guiapp/core/where/map_process.py": _REWRITTEN,
    "guiapp/core/model/keras_file.py": _REWRITTEN,
    "guiapp/core/model/keras_engine.py": _REWRITTEN,
    "guiapp/core/model/fingerprint.py": _REWRITTEN,
    "guiapp/ui/kernels/patch_worker.py": _REWRITTEN,
    "guiapp/ui/where/where_worker.py": _REWRITTEN,
    "guiapp/ui/training/run.py": _REWRITTEN,
    # Not yet written.
    "guiapp/ui/explain/counterfactual_view.py": _NOT_YET,
    "guiapp/ui/explain/explain_view.py": _NOT_YET,
    "guiapp/ui/live/feature_maps.py": _NOT_YET,
    "guiapp/ui/live/live_loop.py": _NEW,
    "guiapp/ui/live/live_page.py": _NEW,
    "guiapp/ui/live/picture_intake.py": _NOT_YET,
    "guiapp/ui/playground/conv_grid_picture.py": _NOT_YET,
    "guiapp/ui/preprocess/preprocess_view.py": _NOT_YET,
    "guiapp/ui/training/run_controller.py": _NOT_YET,
    "guiapp/ui/where/where_view.py": _NOT_YET,
}
EXEMPT_NAMES = {"feature.py": _REWRITTEN}  # any page's feature.py, being introduced (issue 22)
EXEMPT_FOLDERS = {"guiapp/ui": _WINDOW}  # modules directly in this folder (not its subfolders)


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

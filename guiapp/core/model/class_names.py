"""Class names from a file: ``guiapp … --classes FILE`` and *Model → Class names…*.

A text file with one name per line (blank lines and ``#`` comments skipped), or a JSON list of
strings; the count must match the model's outputs. A model card's ``"classes"`` does the same
without a flag (:class:`~guiapp.core.model.inference.Inspector` reads it).
"""

from __future__ import annotations

import json
from pathlib import Path

from guiapp.core.errors import GuiappError, file_problem
from guiapp.core.files import FileRefused, read_regular

__all__ = ["HINT", "ClassNamesError", "read_class_names"]

MAX_BYTES = 1_000_000  # a million bytes is ~50,000 names: more than any classifier guiapp explains
MAX_NAME = 80  # characters shown of one name
HINT = "give a text file with one class name per line, or a JSON list of names, one per model output"


class ClassNamesError(GuiappError):
    """A class-names file that cannot be used (one line naming the file and the problem)."""


def read_class_names(path: Path | str, count: int) -> tuple[str, ...]:
    """The ``count`` names in ``path``; :class:`ClassNamesError` says what is wrong."""
    path = Path(path)
    try:  # through the checked door: a FIFO would block, /dev/zero never end
        data = read_regular(path, MAX_BYTES)
    except FileRefused as exc:
        raise ClassNamesError(file_problem(path, exc.reason, HINT)) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ClassNamesError(file_problem(path, "is not UTF-8 text", HINT)) from None
    names = _parse(path, text)
    if len(names) != count:
        raise ClassNamesError(file_problem(path, f"names {len(names)} classes; the model has {count}", HINT))
    return tuple(name[:MAX_NAME] for name in names)


def _parse(path: Path, text: str) -> list[str]:
    if text.lstrip().startswith("["):
        try:
            names = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise ClassNamesError(file_problem(path, f"is not valid JSON ({str(exc)[:80]})", HINT)) from None
        if not isinstance(names, list) or not all(isinstance(n, (str, int)) and not isinstance(n, bool)
                                                  for n in names):
            raise ClassNamesError(file_problem(path, "holds a JSON list whose items are not all names", HINT))
        return [str(n).strip() for n in names]
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]

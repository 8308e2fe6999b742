"""Errors a user can cause and fix: each carries a one-line message naming the file."""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "ArchitectureError", "DataFileError", "GuiappError", "ImageFileError", "ModelFileError", "OutputExistsError",
    "UnsafeModelError", "file_problem", "short_reason",
]


class GuiappError(Exception):
    """A problem with the user's input; its message is one line, fit to print as is."""


class ModelFileError(GuiappError):
    """A model file that is missing, unreadable or not a usable digit classifier."""


class UnsafeModelError(ModelFileError):
    """A model file holding Python code (a ``Lambda`` layer) that would run as it loads.

    Not loaded unless the user says they trust it: the window asks, the command line wants
    ``--trust-model``. ``reason`` is the problem alone, for a caller that words its own question.
    """

    def __init__(self, path: str | Path, reason: str, hint: str = "") -> None:
        super().__init__(file_problem(path, reason, hint))
        self.path = Path(path)
        self.reason = reason


class DataFileError(GuiappError):
    """A data file (.npz) that is missing or does not hold MNIST-shaped arrays."""


class ImageFileError(GuiappError):
    """An image file that cannot be read as an image."""


class OutputExistsError(GuiappError):
    """An output file exists and overwriting it was not asked for."""


class ArchitectureError(GuiappError):
    """An architecture that cannot be built (unknown name, impossible shapes)."""


def file_problem(path: str | Path, problem: str, hint: str = "") -> str:
    """Format ``path: problem — hint`` as the single line users see."""
    text = f"{path}: {problem}"
    return f"{text} — {hint}" if hint else text


def short_reason(exc: BaseException, limit: int = 160) -> str:
    """The first line of an exception's message (or its type), short enough for one line.

    A longer line is cut after its last whole sentence that fits, else at a word, marked "…":
    never mid-word, so what is left still reads as what the library said.
    """
    lines = str(exc).strip().splitlines()
    if not lines:
        return type(exc).__name__
    line = lines[0].strip()
    if len(line) <= limit:
        return line
    head = line[:limit]
    sentence_end = head.rfind(". ")
    if sentence_end >= limit // 2:
        return head[:sentence_end + 1]
    word_end = head.rfind(" ")
    return (head[:word_end] if word_end > 0 else head[:limit - 1]).rstrip(" ,;:") + "…"

"""Errors a user can cause and fix: each carries a one-line message naming the file."""

from __future__ import annotations

from pathlib import Path


class GuiappError(Exception):
    """A problem with the user's input; its message is one line, fit to print as is."""


class ModelFileError(GuiappError):
    """A model file that is missing, unreadable or not a usable digit classifier."""


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
    """The first line of an exception's message (or its type), short enough for one line."""
    lines = str(exc).strip().splitlines()
    return lines[0][:limit] if lines else type(exc).__name__

"""Write files atomically: a temporary file beside the target, then one rename.

A reader never sees half a file, and an interrupted write leaves the old file as it was.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator

from guiapp.core.errors import OutputExistsError, file_problem


def refuse_overwrite(*paths: Path, force: bool) -> None:
    """Raise :class:`OutputExistsError` if any path exists and ``force`` is false."""
    if force:
        return
    for path in paths:
        if path.exists():
            raise OutputExistsError(
                file_problem(path, "already exists", "pass --force to overwrite it, or choose another path")
            )


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path with the target's suffix; on success it replaces ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=f".tmp{target.suffix}", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; the result should read like any new file
    try:
        yield tmp
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    finally:
        # The temporary file is gone after os.replace; after an error or Ctrl-C, remove it.
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def write_text_atomic(target: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``target`` atomically."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")

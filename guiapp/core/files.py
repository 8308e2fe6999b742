"""Opening a stranger's file: one checked door for every reader.

A path a user gives may name a folder, a FIFO that blocks a reader for ever, a symlink to
``/dev/zero`` that never ends, or a regular file far larger than what it claims to be. Every
reader in guiapp opens through :func:`open_regular` (or :func:`read_regular`), which

- opens without blocking (``O_NONBLOCK``: a FIFO with no writer opens at once),
- looks at what was opened, not at the name (``fstat`` on the descriptor: no race with a rename),
- refuses anything but a regular file, and a regular file over the caller's size limit,
- and never reads more than that limit, even from a file that grows while it is read.

Its refusal is :class:`FileRefused`, whose ``reason`` a caller words into its own one-line error
with its own hint (``file_problem(path, exc.reason, HINT)``).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from guiapp.core.errors import GuiappError, file_problem

__all__ = ["FileRefused", "check_regular", "human_size", "open_regular", "read_regular"]

_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # absent on Windows, where FIFOs cannot be opened by name anyway
_BINARY = getattr(os, "O_BINARY", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class FileRefused(GuiappError):
    """A file guiapp will not read: not a regular file, too large, or not there.

    ``reason`` is the problem alone ("is a named pipe (FIFO), not a regular file"), for callers
    that add their own hint; the message is the whole line with the path.
    """

    def __init__(self, path: str | Path, reason: str) -> None:
        super().__init__(file_problem(path, reason))
        self.path = Path(path)
        self.reason = reason


def human_size(count: int) -> str:
    """``4_830_763`` → ``"4.8 MB"`` (decimal units, as file managers show them)."""
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} bytes"


def _sizes(size: int, limit: int) -> str:
    """"4.8 MB, more than the 1.0 MB" — in bytes when rounding would make the two look equal."""
    if human_size(size) == human_size(limit):
        return f"{size:,} bytes, more than the {limit:,}"
    return f"{human_size(size)}, more than the {human_size(limit)}"


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "is a named pipe (FIFO), not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a regular file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a regular file"
    return "is not a regular file"


def _open_fd(path: Path) -> int:
    try:
        return os.open(path, os.O_RDONLY | _NONBLOCK | _BINARY | _CLOEXEC)
    except FileNotFoundError:
        reason = "is a broken link (its target does not exist)" if path.is_symlink() else "no such file"
        raise FileRefused(path, reason) from None
    except IsADirectoryError:
        raise FileRefused(path, "is a folder, not a file") from None
    except OSError as exc:
        raise FileRefused(path, f"cannot be opened ({exc.strerror or exc})") from None


def _checked_fd(path: Path, limit: int) -> tuple[int, int]:
    """An open descriptor on ``path`` and its size, once it is known to be a regular file within ``limit``."""
    fd = _open_fd(path)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused(path, _kind(info.st_mode))
        if info.st_size > limit:
            raise FileRefused(path, f"is {_sizes(info.st_size, limit)} guiapp reads from such a file")
        if _NONBLOCK:
            import fcntl  # POSIX only, like O_NONBLOCK itself

            fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~_NONBLOCK)
    except BaseException:
        os.close(fd)
        raise
    return fd, info.st_size


def check_regular(path: str | Path, limit: int) -> int:
    """The size of ``path`` if it is a regular file of at most ``limit`` bytes, else :class:`FileRefused`.

    For libraries that insist on a path (Keras' loader): the check is the same as :func:`open_regular`'s.
    """
    fd, size = _checked_fd(Path(path), limit)
    os.close(fd)
    return size


def open_regular(path: str | Path, limit: int) -> BinaryIO:
    """``path`` opened for binary reading, if it is a regular file of at most ``limit`` bytes."""
    fd, _ = _checked_fd(Path(path), limit)
    return os.fdopen(fd, "rb")


def read_regular(path: str | Path, limit: int) -> bytes:
    """The whole of ``path``, a regular file of at most ``limit`` bytes (checked before and while reading)."""
    path = Path(path)
    with open_regular(path, limit) as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise FileRefused(path, f"cannot be read ({exc.strerror or exc})") from None
    if len(data) > limit:  # it grew after it was measured
        raise FileRefused(path, f"grew past the {limit:,} bytes guiapp reads from such a file while being read")
    return data

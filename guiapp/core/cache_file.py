"""Reading a cache file (``.npz``) back without trusting it, and removing one that is not what it should be.

A cache lives in a folder anyone may write to, so what is found there may be a FIFO, a link to
``/dev/zero``, or a 2 MB archive whose members unpack to 2 GB or declare a (10000, 10⁹) array.
:class:`CheckedNpz` opens through :func:`~guiapp.core.files.open_regular` and reads a member only
after its ``.npy`` header — type and shape — is what the caller expects and the bytes it declares
fit what is left of the caller's budget. A cache that fails any check is worth nothing:
:func:`discard` removes it so it is rebuilt, never kept.
"""

from __future__ import annotations

import contextlib
import math
import os
import zipfile
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, TypeVar

import numpy as np

from guiapp.core.files import FileRefused, open_regular

__all__ = ["READ_ERRORS", "CheckedNpz", "Found", "NotOurs", "discard", "read_cache"]

# What reading a cache may raise besides NotOurs: damaged zips and .npy headers, and a file refused at the door.
READ_ERRORS = (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile, FileRefused)
DimSpec = int | None  # a size the member must have, or None: any
Found = TypeVar("Found")


class NotOurs(ValueError):
    """A cache member that is missing or not of the expected type, shape or size."""


class CheckedNpz:
    """An ``.npz`` of at most ``file_limit`` bytes whose arrays, together, unpack to at most ``data_limit`` bytes.

    Use as a context manager; :meth:`array` reads one member. ``identity`` is the opened file's
    (device, inode), for :func:`discard`.
    """

    def __init__(self, path: str | Path, file_limit: int, data_limit: int) -> None:
        self.path = Path(path)
        self._handle: BinaryIO = open_regular(self.path, file_limit)
        try:
            info = os.fstat(self._handle.fileno())
            self.identity = (info.st_dev, info.st_ino)
            self._archive = zipfile.ZipFile(self._handle)
        except BaseException:
            self._handle.close()
            raise
        self._left = data_limit

    def __enter__(self) -> CheckedNpz:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._archive.close()
        self._handle.close()

    def array(self, key: str, dtype: np.dtype | str, shape: tuple[DimSpec, ...]) -> np.ndarray:
        """The member ``key``, if its header says ``dtype`` (or, given as one letter, that kind: ``"U"``) and
        ``shape`` (None: any size there); :class:`NotOurs` before any of its data is read otherwise."""
        try:
            member = self._archive.open(f"{key}.npy")
        except KeyError:
            raise NotOurs(f"no {key}") from None
        with member:
            version = np.lib.format.read_magic(member)
            if version not in ((1, 0), (2, 0)):
                raise NotOurs(f"{key}: .npy version {version}")
            read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else \
                np.lib.format.read_array_header_2_0
            found, fortran, found_dtype = read_header(member)
            self._check(key, found, found_dtype, dtype, shape)
            size = math.prod(found) * found_dtype.itemsize
            self._left -= size
            if self._left < 0:
                raise NotOurs(f"{key}: {size:,} bytes, more than a cache of this kind holds")
            buffer = bytearray(size)
            view, filled = memoryview(buffer), 0
            while filled < size:
                got = member.readinto(view[filled:])
                if not got:
                    raise NotOurs(f"{key}: cut short")
                filled += got
        return np.frombuffer(buffer, found_dtype).reshape(found, order="F" if fortran else "C")

    @staticmethod
    def _check(key: str, found: tuple[int, ...], found_dtype: np.dtype, dtype: np.dtype | str,
               shape: tuple[DimSpec, ...]) -> None:
        kind_only = isinstance(dtype, str) and len(dtype) == 1
        if found_dtype.hasobject or (found_dtype.kind != dtype if kind_only else found_dtype != np.dtype(dtype)):
            raise NotOurs(f"{key}: {found_dtype}, not {dtype}")
        if len(found) != len(shape) or any(d < 0 or (want is not None and d != want) for d, want in zip(found, shape)):
            raise NotOurs(f"{key}: shape {found}, not {shape}")


def discard(path: str | Path, identity: tuple[int, int] | None = None) -> None:
    """Remove a cache file that is not what it should be, so it is rebuilt rather than read again.

    Given the ``identity`` of the file that was read, only that file: one a writer has put in its place
    since is kept. Anything that is not a file or a link (a folder) is left; an unremovable one only
    costs computing again.
    """
    path = Path(path)
    with contextlib.suppress(OSError):
        if path.is_dir() and not path.is_symlink():
            return
        if identity is not None:
            info = path.stat()  # the file read, through a link if it is one
            if (info.st_dev, info.st_ino) != identity:
                return
        path.unlink()  # the link, if it is one: never what it points to


def read_cache(path: str | Path, read: Callable[[CheckedNpz], Found], limit: int) -> Found | None:
    """What ``read`` finds in the cache at ``path`` (a file, and its arrays, of at most ``limit`` bytes each);
    None when there is none, or when it is not ours — then it is removed, so it is rebuilt, never kept.
    ``read`` raises :class:`NotOurs` for arrays that are not as expected."""
    if not os.path.lexists(path):
        return None
    identity = None
    try:
        with CheckedNpz(path, limit, limit) as cached:
            identity = cached.identity
            return read(cached)
    except (*READ_ERRORS, MemoryError):  # MemoryError: a header that still asks too much of this machine
        discard(path, identity)
        return None

"""Files that are not files, for the tests of every reader: a FIFO and a symlink to ``/dev/zero``.

A reader that regressed to a plain ``open`` would block for ever on a FIFO with no writer. The FIFO
made here cannot hang the test process: while it exists, a watcher opens its writing end whenever a
reader is waiting (opening a FIFO for writing without blocking succeeds only then) and closes it at
once, so a blocked reader sees an empty file and the test fails instead of hanging.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

WATCH_SECONDS = 0.05  # how often the watcher looks for a reader stuck on the FIFO


@contextmanager
def fifo(path: Path) -> Iterator[Path]:
    """A named pipe at ``path`` that no reader can block on for long."""
    os.mkfifo(path)
    stop = threading.Event()

    def release_stuck_readers() -> None:
        while not stop.wait(WATCH_SECONDS):
            try:
                fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # ENXIO: nobody is waiting to read
                continue
            os.close(fd)

    watcher = threading.Thread(target=release_stuck_readers, daemon=True)
    watcher.start()
    try:
        yield path
    finally:
        stop.set()
        watcher.join()


def dev_zero_link(path: Path) -> Path:
    """A symlink at ``path`` to ``/dev/zero``: endless zeros to a reader that does not look first."""
    path.symlink_to("/dev/zero")
    return path


FIFO_REASON = "is a named pipe (FIFO), not a regular file"
DEVICE_REASON = "is a device, not a regular file"


@contextmanager
def not_a_file(kind: str, path: Path) -> Iterator[tuple[Path, str]]:
    """``path`` made a FIFO (``kind`` "fifo") or a ``/dev/zero`` link ("dev-zero"); (path, the reason a reader gives)."""
    if kind == "fifo":
        with fifo(path):
            yield path, FIFO_REASON
    else:
        yield dev_zero_link(path), DEVICE_REASON

"""Watching processes from a test, through /proc (Linux): a process' children, its command line, whether it runs."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path


def children(pid: int, recursive: bool = True) -> set[int]:
    """``pid``'s children (and theirs, all the way down, when ``recursive``)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found |= {int(child) for child in (task / "children").read_text().split()}
        except OSError:
            pass
    if recursive:
        for child in list(found):
            found |= children(child)
    return found


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent to read its status has ended)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_until(condition: Callable[[], object], timeout_s: float, step_s: float = 0.05) -> bool:
    """Whether ``condition()`` became true within ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(step_s)
    return True

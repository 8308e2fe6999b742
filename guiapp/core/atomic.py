"""Write files atomically: a temporary file beside the target, then one rename.

A reader never sees half a file, and an interrupted write leaves the old file as it was.
:func:`atomic_paths` does the same for a set of files that belong together (a model and
its card): all are replaced, or none is.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Self

from guiapp.core.errors import GuiappError, OutputExistsError, file_problem

__all__ = [
    "CommittedInterrupt", "CommittedTermination", "Terminated", "atomic_path", "atomic_paths", "check_output_path",
    "check_writable_folder", "refuse_overwrite", "terminate_as_interrupt", "uninterrupted", "write_text_atomic",
]


NAME_MAX = 255  # bytes in one file name on every file system guiapp writes to (ext4, APFS, NTFS in UTF-16 units)
TEMPORARY_OVERHEAD = 32  # what a temporary name adds around the target's: ".NAME.k2j4x9_a.tmp.keras"


def check_output_path(path: Path, *, force: bool, folder: bool = False, hint: str = "") -> None:
    """Fail before any work if ``path`` cannot or may not be written; one line naming the path.

    Refused: a name too long for the file system (with room for the temporary name the atomic
    write uses), a path through a file, a folder where a file should go (or the other way
    round), anything but a regular file or folder, an existing output without ``force``, and a
    place that does not take new files (tried with a real temporary file, not guessed from
    permission bits: root may write anywhere but ``/proc``, a read-only mount refuses everyone).
    """
    path = Path(path)
    for part in (path.name, *(p.name for p in path.parents)):
        if len(os.fsencode(part)) > NAME_MAX - TEMPORARY_OVERHEAD:
            raise GuiappError(file_problem(path, f"the name {part[:24]!r}… is {len(os.fsencode(part))} bytes long, more "
                                                 f"than a file system takes (at most {NAME_MAX - TEMPORARY_OVERHEAD} here)",
                                           hint))
    if path.exists() or path.is_symlink():
        if folder and not path.is_dir():
            raise GuiappError(file_problem(path, "is a file, not a folder", hint))
        if not folder and path.is_dir():
            raise GuiappError(file_problem(path, "is a folder, so the output cannot be written there"
                                           + (" (--force replaces files, never folders)" if force else ""), hint))
        if not folder and not path.is_file():
            raise GuiappError(file_problem(path, "is not a regular file, so the output cannot replace it", hint))
    refuse_overwrite(path, force=force)
    check_writable_folder(path if folder else path.parent, hint)


def check_writable_folder(folder: Path, hint: str = "") -> None:
    """The nearest existing folder on the way to ``folder`` takes new files (tried, not guessed)."""
    existing = Path(folder).absolute()
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise GuiappError(file_problem(existing, "is not a folder, so the output cannot be written below it", hint))
    try:
        fd, probe = tempfile.mkstemp(prefix=".guiapp-write-test.", dir=existing)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise GuiappError(file_problem(existing, f"cannot be written ({exc.strerror or exc})",
                                       hint or "choose a folder you can write to")) from None


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
    try:
        _readable_like_a_new_file(tmp)
        yield tmp
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    finally:
        # The temporary file is gone after os.replace; after an error or Ctrl-C, remove it.
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _readable_like_a_new_file(path: Path) -> None:
    """mkstemp makes a file private; the result should read like any new file (the umask decides)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def write_text_atomic(target: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``target`` atomically."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


class CommittedInterrupt(KeyboardInterrupt):
    """Ctrl-C arrived while a set of files was being put in place: all of them were, then it is raised.

    The renames take microseconds and must not be split, so Ctrl-C waits for them; a caller
    that says "nothing was written" on KeyboardInterrupt must say otherwise for this one.
    """


class Terminated(KeyboardInterrupt):
    """SIGTERM (``kill``, a logout, a scheduler's time limit), turned into the stop Ctrl-C makes.

    A KeyboardInterrupt, so every ``finally`` and ``except KeyboardInterrupt`` runs for it too: temporary
    files are removed and old files kept, where the default SIGTERM would end the process in mid-write.
    """

    exit_code = 128 + signal.SIGTERM  # what a shell reports for a process SIGTERM ended


class CommittedTermination(Terminated, CommittedInterrupt):
    """SIGTERM arrived while a set of files was being put in place: all of them were, then it is raised."""


def _raise_terminated(signum: int, frame: Any) -> None:
    raise Terminated


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """While inside, SIGTERM raises :class:`Terminated` in the main thread (the only one that receives signals)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


class _DeferredInterrupt:
    """Hold SIGINT back for a few lines (only the main thread receives it, so only there); SIGTERM too when a
    Python handler takes it (:func:`terminate_as_interrupt`): the default one ends the process, held or not."""

    def __init__(self) -> None:
        self.received = False
        self._installed = False
        self._previous: Any = None
        self._previous_term: Any = None
        self._terminated = False

    def __enter__(self) -> Self:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._hold)
            self._installed = True
            if callable(signal.getsignal(signal.SIGTERM)):
                self._previous_term = signal.signal(signal.SIGTERM, self._hold)
        return self

    def _hold(self, signum: int, frame: Any) -> None:
        if signum == signal.SIGTERM:
            self._terminated = True
        else:
            self.received = True

    def __exit__(self, *exc: object) -> None:
        if self._installed:
            signal.signal(signal.SIGINT, self._previous if self._previous is not None else signal.SIG_DFL)
        if self._previous_term is not None:
            signal.signal(signal.SIGTERM, self._previous_term)

    def deliver(self) -> None:
        """Pass on a held Ctrl-C (or SIGTERM) as the previous handler would have seen it."""
        if self._terminated:
            if self._previous_term is _raise_terminated:
                raise CommittedTermination
            self._previous_term(signal.SIGTERM, None)
        if not self.received:
            return
        if self._previous is signal.default_int_handler:
            raise CommittedInterrupt
        if callable(self._previous):
            self._previous(signal.SIGINT, None)


@contextlib.contextmanager
def uninterrupted() -> Iterator[None]:
    """A few renames that must not be split: Ctrl-C (and SIGTERM, under :func:`terminate_as_interrupt`) waits
    until the block is done, then arrives (Ctrl-C as :class:`CommittedInterrupt`)."""
    with _DeferredInterrupt() as held:
        yield
    held.deliver()


def _new_temporary(target: Path, tag: str) -> Path:
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=f".{tag}{target.suffix}", dir=target.parent)
    os.close(fd)
    return Path(name)


def _keep_old(target: Path) -> Path | None:
    """A second name for ``target``'s current content (a hard link, else a copy), to roll back to."""
    if not target.exists():
        return None
    backup = _new_temporary(target, "old")
    try:
        backup.unlink()
        os.link(target, backup)
    except OSError:  # a file system without hard links
        shutil.copy2(target, backup)
    return backup


@contextlib.contextmanager
def atomic_paths(*targets: Path) -> Iterator[tuple[Path, ...]]:
    """Temporary paths for files that must change together: on success all replace their targets, or none does.

    The caller writes each temporary path. If that raises (an error, Ctrl-C), the temporary
    files are removed and every target is as it was. Then each old target is kept under a
    second name, the new files are renamed into place with Ctrl-C held back, and a failed
    rename puts back the targets already replaced before the error is re-raised. A Ctrl-C
    that arrived during the renames is raised afterwards as :class:`CommittedInterrupt`.
    """
    for target in targets:
        target.parent.mkdir(parents=True, exist_ok=True)
    temporaries: list[Path] = []
    backups: list[Path | None] = []
    try:
        for target in targets:
            temporaries.append(_new_temporary(target, "tmp"))
            _readable_like_a_new_file(temporaries[-1])
        yield tuple(temporaries)
        for tmp in temporaries:
            with open(tmp, "rb+") as handle:
                os.fsync(handle.fileno())
        with _DeferredInterrupt() as held:
            for target in targets:
                backups.append(_keep_old(target))
            _replace_all(temporaries, list(targets), backups)
        held.deliver()
    finally:
        for leftover in (*temporaries, *backups):
            if leftover is not None:
                with contextlib.suppress(FileNotFoundError):
                    leftover.unlink()


def _replace_all(temporaries: list[Path], targets: list[Path], backups: list[Path | None]) -> None:
    """Rename each temporary onto its target; on any failure, undo the renames already made."""
    done = 0
    try:
        for tmp, target in zip(temporaries, targets, strict=True):
            os.replace(tmp, target)
            done += 1
    except BaseException:
        for target, backup in reversed(list(zip(targets[:done], backups[:done], strict=True))):
            if backup is None:
                target.unlink(missing_ok=True)
            else:
                os.replace(backup, target)
        raise

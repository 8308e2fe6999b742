"""guiapp's one child-process class: typed messages both ways, a close that always ends the child, a child
deaf to Ctrl-C, and a child that ends on its own within seconds when its parent is killed outright.

The children's functions live at the top of this module: a spawned child imports them by name.
"""

from __future__ import annotations

import ast
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from guiapp.core.child_process import ChildError, ChildProcess, Failed, Message, Parent, Stop
from tests.processes import alive as _alive
from tests.processes import wait_until as _wait_until

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 120  # a fresh interpreter on a slow, busy host
ORPHAN_TIMEOUT_S = 5.0  # what the issue asks: a child outlives its killed parent by at most this


@dataclass(frozen=True)
class Double(Message):
    values: np.ndarray
    note: str


@dataclass(frozen=True)
class Doubled(Message):
    values: np.ndarray
    note: str
    pid: int


@dataclass(frozen=True)
class Ready(Message):
    pid: int


def _doubler(parent: Parent, offset: int) -> None:
    while not isinstance(message := parent.receive(), Stop):
        if isinstance(message, Double):
            parent.send(Doubled(message.values * 2 + offset, message.note.upper(), os.getpid()))
        else:
            parent.send(Failed(f"unknown {type(message).__name__}"))


def _stubborn(parent: Parent) -> None:
    """Ignores Stop (never reads) and SIGTERM: only SIGKILL ends it."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    parent.send(Ready(os.getpid()))
    while True:
        time.sleep(0.05)


def _busy(parent: Parent) -> None:
    """Computes for ever without reading its pipe, as a trainer in ``fit`` or a t-SNE does."""
    parent.send(Ready(os.getpid()))
    total = 0
    while True:
        total += 1


def _exits(parent: Parent, code: int) -> None:
    parent.send(Ready(os.getpid()))
    os._exit(code)


def _blocked_signals(parent: Parent) -> None:
    parent.send(Ready(os.getpid()))
    parent.send(Failed(" ".join(str(int(s)) for s in signal.pthread_sigmask(signal.SIG_BLOCK, []))))


class SlowToRead:
    """Arguments whose reading in the child takes long, as a target's module importing TensorFlow does."""

    def __reduce__(self):
        return (time.sleep, (60,))






def test_dataclass_messages_round_trip_and_stop_ends_the_child():
    child = ChildProcess(_doubler, 1, name="guiapp-test", label="the doubler")
    try:
        child.send(Double(np.arange(4, dtype=np.float32), "seven"))
        answer = child.receive(START_TIMEOUT_S)
        assert isinstance(answer, Doubled) and answer.pid == child.pid != os.getpid()
        np.testing.assert_array_equal(answer.values, [1, 3, 5, 7])
        assert answer.values.dtype == np.float32 and answer.note == "SEVEN"
        child.send(Stop())  # the child's own end: it returns, and its pipe closes
        assert _wait_until(lambda: not child.alive, 30)
        assert child.exitcode == 0
        assert child.messages() == [Failed("the doubler ended unexpectedly (exit code 0)")]
        assert child.messages() == []  # said once
    finally:
        child.close()


def test_messages_drains_without_blocking_and_receive_gives_up_when_told():
    child = ChildProcess(_doubler, 0)
    try:
        assert child.messages() == []  # nothing yet, and no wait for it
        with pytest.raises(ChildError, match="did not answer in 0.2 s"):
            child.receive(0.2)
        for n in range(3):
            child.send(Double(np.array([n]), "x"))
        child.send(Message())
        got: list[Message] = []
        assert _wait_until(lambda: got.extend(child.messages(limit=2)) or len(got) >= 4, START_TIMEOUT_S)
        assert [m.values.tolist() for m in got[:3]] == [[0], [2], [4]]
        assert got[3] == Failed("unknown Message")
    finally:
        child.close()
    assert not child.alive and child.exitcode == 0  # Stop was obeyed: a clean end, not a kill


def test_close_ends_a_child_that_ignores_stop_and_sigterm():
    child = ChildProcess(_stubborn)
    pid = child.receive(START_TIMEOUT_S).pid
    child.close(timeout=0.3)
    assert not _alive(pid) and child.exitcode == -signal.SIGKILL
    child.close()  # idempotent
    with pytest.raises(ChildError):
        child.send(Stop())
    assert child.messages() == [] and not child.poll()


def test_a_child_that_dies_is_said_once_and_receive_raises():
    child = ChildProcess(_exits, 3, label="the test child")
    try:
        assert isinstance(child.receive(START_TIMEOUT_S), Ready)
        with pytest.raises(ChildError, match=r"the test child ended unexpectedly \(exit code 3\)"):
            child.receive(START_TIMEOUT_S)
    finally:
        child.close()


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="no signal masks on this platform")
def test_a_child_is_started_deaf_to_ctrl_c_and_the_parent_is_not():
    child = ChildProcess(_blocked_signals)
    try:
        assert isinstance(child.receive(START_TIMEOUT_S), Ready)
        blocked = {int(s) for s in child.receive(START_TIMEOUT_S).text.split()}
        assert int(signal.SIGINT) in blocked  # from its first instruction: Ctrl-C in the terminal is the window's
    finally:
        child.close()
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, [])


def test_a_child_started_from_a_thread_that_ends_lives_on_while_its_parent_does():
    """The kernel's parent-death signal means the starting *thread*: a worker thread's child must not die with it."""
    started: list[ChildProcess] = []
    thread = threading.Thread(target=lambda: started.append(ChildProcess(_doubler, 0)))
    thread.start()
    thread.join()
    child = started[0]
    try:
        time.sleep(1.0)  # the watchdog has looked at least once
        child.send(Double(np.array([21]), "still here"))
        assert child.receive(START_TIMEOUT_S).values.tolist() == [42]
    finally:
        child.close()


_INTERMEDIATE = """
import sys, threading
from tests.core import test_child_process as t
from guiapp.core.child_process import ChildProcess
target, where = sys.argv[1], sys.argv[2]
args = (t.SlowToRead(),) if target == "slow" else ()
make = lambda: kept.append(ChildProcess(getattr(t, "_busy"), *args))
kept = []
if where == "thread":
    thread = threading.Thread(target=make); thread.start(); thread.join()
else:
    make()
if target != "slow":
    kept[0].receive(120)
print(kept[0].pid, flush=True)
threading.Event().wait()
"""


@pytest.mark.parametrize(("target", "where"), [("busy", "main"), ("busy", "thread"), ("slow", "thread")])
def test_a_child_ends_within_seconds_when_its_parent_is_killed_outright(target, where):
    """busy: computing, never reading its pipe; slow: still reading its work (importing); started from the main
    thread (the kernel is asked too) or another (the watchdog alone)."""
    parent = subprocess.Popen([sys.executable, "-c", _INTERMEDIATE, target, where], cwd=REPO,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    grandchild = None
    try:
        line = parent.stdout.readline()
        assert line.strip().isdigit(), parent.stderr.read() if parent.poll() is not None else line
        grandchild = int(line)
        assert _alive(grandchild)
        if target == "slow":
            time.sleep(1.0)  # well into reading its work
        parent.kill()
        parent.wait(30)
        assert _wait_until(lambda: not _alive(grandchild), ORPHAN_TIMEOUT_S), f"{grandchild} outlived its parent"
    finally:
        if parent.poll() is None:
            parent.kill()
        if grandchild is not None and _alive(grandchild):
            os.kill(grandchild, signal.SIGKILL)
        parent.communicate(timeout=60)


def _holding(parent: Parent, _payload: bytes) -> None:
    """Receives a large payload, then computes for ever (as the Where child sent a model file does)."""
    _busy(parent)


_SENDING = """
from tests.core import test_child_process as t
from guiapp.core.child_process import ChildProcess
print("sending", flush=True)
ChildProcess(t._holding, bytes(200_000_000))  # blocks until the child has read it: the test kills it meanwhile
"""


def test_a_parent_killed_while_it_sends_the_work_leaves_a_child_that_ends_quietly():
    """The work goes through the pipe once the child runs, not through multiprocessing's start-up, which prints a
    traceback ("pickle data was truncated") in a child whose parent died while writing it."""
    from tests.processes import children, command_line

    parent = subprocess.Popen([sys.executable, "-c", _SENDING], cwd=REPO, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    spawned: list[int] = []
    try:
        assert parent.stdout.readline().strip() == "sending"
        find = lambda: spawned.extend(pid for pid in children(parent.pid) if "spawn_main" in command_line(pid))
        assert _wait_until(lambda: find() or spawned, 60)
        time.sleep(0.2)  # the child runs; the 200 MB are still on their way
        parent.kill()
        parent.wait(30)
        assert _wait_until(lambda: not any(_alive(pid) for pid in spawned), ORPHAN_TIMEOUT_S)
        _, err = parent.communicate(timeout=60)  # the children held the same stderr: all of it is here now
        assert "Traceback" not in err and "Error" not in err, err
    finally:
        if parent.poll() is None:
            parent.kill()
        for pid in spawned:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def _starts_processes(tree: ast.AST) -> list[str]:
    """What in a module's code could start a process: the modules for it, QProcess, os' own calls."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] in ("multiprocessing", "subprocess")]
        elif isinstance(node, ast.ImportFrom):
            names = [f"{node.module}.{a.name}" for a in node.names]
            found += [n for n in names if n.split(".")[0] in ("multiprocessing", "subprocess") or "QProcess" in n]
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "os" \
                and node.attr.startswith(("fork", "spawn", "posix_spawn", "system", "popen", "exec")):
            found.append(f"os.{node.attr}")
    return found


def test_no_other_module_of_guiapp_starts_a_process():
    """One way to run work elsewhere: every child is a ChildProcess (deaf to Ctrl-C, closed for sure, no orphan)."""
    offenders = {str(path.relative_to(REPO)): found for path in (REPO / "guiapp").rglob("*.py")
                 if (found := _starts_processes(ast.parse(path.read_text(encoding="utf-8"))))}
    assert list(offenders) == ["guiapp/core/child_process.py"], offenders

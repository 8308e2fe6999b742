"""The Where tab's one-time work — the test pass, then the map — in a process of its own, at low priority.

Both are long (on this host ~15 s for 10,000 digits' features, ~60 s for the t-SNE fit) and both are
Python around NumPy: in a thread of the window they took the GIL and a core from the GUI thread (measured,
``benchmarks/where.py --during``: event → painted p95 123 ms while the pass ran in a thread). Niced in a
child, they take only the cycles the live loop leaves. The child reads the model file and the digits
itself, and uses the same cache as the window. The caller's thread waits on the pipe, passing results
and progress on, and ends the child at once when asked to stop (or when the window goes).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import warnings
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import numpy as np

from guiapp.core.child_process import start_child
from guiapp.core.errors import short_reason
from guiapp.core.where.atlas import Stopped, fit_map
from guiapp.core.where.embedding import NoEmbedding, TestPass

__all__ = ["FEATURES", "MAP", "MapFailed", "fit_in_process", "layer_map_in_process", "where_in_process"]

WHERE_NICENESS = 10  # as the trainer: the pen and the live view first
POLL_S = 0.1  # how often the waiting thread checks should_stop
FIT_JOBS = 2  # both cores: niced, the fit yields them to the pen and the live loop
FEATURES, MAP = "features", "map"  # the two stages, as progress names them
_PARENT_GONE = (BrokenPipeError, ConnectionResetError, EOFError)  # what writing to a closed pipe raises


class MapFailed(Exception):
    """The work failed or its process died (the message says how, in one line)."""


def _nice() -> None:
    try:
        os.nice(WHERE_NICENESS)
    except OSError:
        pass  # not allowed here: the work still runs, only sooner
    # scikit-learn (openTSNE's neighbour search on small sets) warns that it cannot fan out in a child
    warnings.filterwarnings("ignore", category=UserWarning)


@contextlib.contextmanager
def _reporting_to(conn: Connection) -> Iterator[None]:
    """The child's work, reported through ``conn``: an error as one line, and nothing once the parent is gone.

    A window closed or killed mid-map closes the pipe: the next progress report (or the report of that
    failure) finds it broken, and the child ends quietly: there is nobody left to tell, and a traceback on
    the terminal the window was started from would only alarm its user.
    """
    try:
        try:
            yield
        except _PARENT_GONE:
            raise
        except NoEmbedding as exc:  # no view of the digits, or one that is not numbers (ComputesNaN): the tab says it
            conn.send(("unavailable", str(exc)))
        except Exception as exc:  # noqa: BLE001 — reported to the parent in one line, never a traceback
            conn.send(("failed", short_reason(exc)))
    except _PARENT_GONE:
        pass
    finally:
        conn.close()


def _fit_child(conn: Connection, features: np.ndarray, seed: int) -> None:
    _nice()
    with _reporting_to(conn):
        conn.send(("map", fit_map(features, seed, FIT_JOBS, _reporter(conn, MAP))))


def _open(model: Path, trust: bool, data: Path | None) -> tuple[Any, np.ndarray, np.ndarray]:
    """In the child: the model, and the test digits as 0..1 images with their labels."""
    from guiapp.core.training.data import load_mnist_test
    from guiapp.core.live.compute_process import limit_blas_threads
    from guiapp.core.model.inference import Inspector

    limit_blas_threads()  # the features' small products gain little from a second thread, the pen loses a core
    digits = load_mnist_test(data)
    return Inspector.load(model, trust=trust), digits.images.astype(np.float32) / 255.0, digits.labels


def _reporter(conn: Connection, stage: str) -> Callable[[int, int], None]:
    return lambda done, total: conn.send(("progress", stage, done, total))


def _where_child(conn: Connection, model: Path, trust: bool, data: Path | None, cache_dir: Path | None,
                 seed: int) -> None:
    _nice()
    from guiapp.core.where.cache import load_or_fit_map, load_or_run

    with _reporting_to(conn):
        inspector, images, labels = _open(model, trust, data)
        found = load_or_run(inspector, images, labels, cache_dir, _reporter(conn, FEATURES))
        conn.send(("pass", found))
        conn.send(("map", load_or_fit_map(inspector, images, labels, found.features, cache_dir, lambda features:
                                          fit_map(features, seed, FIT_JOBS, _reporter(conn, MAP)))))


def _layer_child(conn: Connection, model: Path, trust: bool, data: Path | None, cache_dir: Path | None,
                 layer: str, seed: int) -> None:
    _nice()
    from guiapp.core.where.cache import load_or_compute_layer_map
    from guiapp.core.where.layers import layer_features

    with _reporting_to(conn):
        inspector, images, labels = _open(model, trust, data)
        features, points = load_or_compute_layer_map(
            inspector, layer, images, labels, cache_dir,
            lambda: layer_features(inspector, images, layer, _reporter(conn, FEATURES)),
            lambda values: fit_map(values, seed, FIT_JOBS, _reporter(conn, MAP)))
        conn.send(("pass", features))
        conn.send(("map", points))


def _run(target: Callable[..., None], args: tuple[object, ...], progress: Callable[[str, int, int], None] | None,
         on_pass: Callable[[object], None] | None, should_stop: Callable[[], bool] | None) -> np.ndarray:
    """Run ``target(conn, *args)`` in a spawned child; its map, after passing on progress and the pass."""
    context = multiprocessing.get_context("spawn")  # never fork a process that runs Qt threads
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=target, args=(child, *args), name="guiapp-where", daemon=True)
    start_child(process)  # Ctrl-C reaches the window, which ends this child as it closes
    child.close()
    ended = lambda: MapFailed(f"its process ended unexpectedly (exit code {process.exitcode})")
    try:
        while True:
            if should_stop is not None and should_stop():
                raise Stopped
            if not parent.poll(POLL_S):
                if not process.is_alive() and not parent.poll(0):
                    raise ended()
                continue
            try:
                message = parent.recv()
            except EOFError:
                raise ended() from None
            kind = message[0]
            if kind == "progress" and progress is not None:
                progress(*message[1:])
            elif kind == "pass" and on_pass is not None:
                on_pass(message[1])
            elif kind == "map":
                return np.asarray(message[1], np.float32)
            elif kind == "unavailable":
                raise NoEmbedding(message[1])
            elif kind == "failed":
                raise MapFailed(message[1])
    finally:
        if process.is_alive():
            process.terminate()
        process.join(5.0)
        parent.close()


def fit_in_process(features: np.ndarray, seed: int = 0, progress: Callable[[int, int], None] | None = None,
                   should_stop: Callable[[], bool] | None = None) -> np.ndarray:
    """:func:`~guiapp.core.where.atlas.fit_map` in a niced child; :class:`Stopped` or :class:`MapFailed`."""
    relay = (lambda _stage, done, total: progress(done, total)) if progress is not None else None
    return _run(_fit_child, (np.asarray(features, np.float32), seed), relay, None, should_stop)


def where_in_process(model: Path, trust: bool, data: Path | None, cache_dir: Path | None,
                     progress: Callable[[str, int, int], None] | None = None,
                     on_pass: Callable[[TestPass], None] | None = None,
                     should_stop: Callable[[], bool] | None = None, seed: int = 0) -> np.ndarray:
    """The model file's pass over the test digits (``data``: None, the shipped MNIST) and its map, from the
    cache or computed in a niced child: ``on_pass(TestPass)`` first, then the map is returned.
    :class:`Stopped`, :class:`MapFailed`, or :class:`~guiapp.core.where.embedding.NoEmbedding`."""
    return _run(_where_child, (Path(model), trust, data, cache_dir, seed), progress, on_pass, should_stop)


def layer_map_in_process(model: Path, trust: bool, data: Path | None, cache_dir: Path | None, layer: str,
                         progress: Callable[[str, int, int], None] | None = None,
                         should_stop: Callable[[], bool] | None = None,
                         seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``layer``'s (projected) features of the test digits and their map, from the cache or computed in a
    niced child. :class:`Stopped` or :class:`MapFailed`."""
    features: list[np.ndarray] = []
    points = _run(_layer_child, (Path(model), trust, data, cache_dir, layer, seed), progress, features.append,
                  should_stop)
    return np.asarray(features[0], np.float32), points

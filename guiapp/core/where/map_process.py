"""The Where tab's one-time work — the test pass, then the map — in a process of its own, at low priority.

Both are long (on this host ~15 s for 10,000 digits' features, ~60 s for the t-SNE fit) and both are
Python around NumPy: in a thread of the window they took the GIL and a core from the GUI thread (measured,
``benchmarks/where.py --during``: event → painted p95 123 ms while the pass ran in a thread). Niced in a
child, they take only the cycles the live loop leaves. The child is given the model as the window read it
(a :class:`~guiapp.core.model.model_file.ModelFile`: its checked bytes, so the file is not opened again and
the child runs exactly what the window runs, under the same cache key), reads the digits itself, and uses
the same cache as the window. The caller's thread waits on the pipe, passing results and progress on, and
ends the child at once when asked to stop (or when the window goes).
"""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from guiapp.core.child_process import ChildProcess, Failed, Message, Parent, ParentGone
from guiapp.core.errors import short_reason
from guiapp.core.model.model_file import ModelFile
from guiapp.core.where.atlas import Stopped, fit_map
from guiapp.core.where.embedding import NoEmbedding, TestPass

__all__ = ["FEATURES", "MAP", "Failed", "MapDone", "MapFailed", "PassDone", "Progress", "Unavailable",
           "fit_in_process", "layer_map_in_process", "where_in_process"]

WHERE_NICENESS = 10  # as the trainer: the pen and the live view first
POLL_S = 0.1  # how often the waiting thread checks should_stop
FIT_JOBS = 2  # both cores: niced, the fit yields them to the pen and the live loop
FEATURES, MAP = "features", "map"  # the two stages, as progress names them


@dataclass(frozen=True)
class Progress(Message):
    stage: str  # FEATURES or MAP
    done: int
    total: int


@dataclass(frozen=True)
class PassDone(Message):
    """The pass over the test digits: a :class:`TestPass` (the model's view), or a layer's feature array."""

    result: Any


@dataclass(frozen=True)
class MapDone(Message):
    points: np.ndarray  # (N, 2)


@dataclass(frozen=True)
class Unavailable(Message):
    """The model gives no view of the digits to compare (the tab says so; not a failure)."""

    text: str


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
def _reporting_to(parent: Parent) -> Iterator[None]:
    """The child's work, reported to ``parent``: an error as one line, and nothing once the parent is gone.

    A window closed mid-map closes the pipe: the next progress report (or the report of that failure) finds it
    broken, and the child ends quietly: there is nobody left to tell, and a traceback on the terminal the
    window was started from would only alarm its user. (A window killed outright: the child's watchdog ends it.)
    """
    try:
        try:
            yield
        except ParentGone:
            raise
        except NoEmbedding as exc:  # no view of the digits, or one that is not numbers (ComputesNaN): the tab says it
            parent.send(Unavailable(str(exc)))
        except Exception as exc:  # noqa: BLE001 — reported to the parent in one line, never a traceback
            parent.send(Failed(short_reason(exc)))
    except ParentGone:
        pass


def _fit_child(parent: Parent, features: np.ndarray, seed: int) -> None:
    _nice()
    with _reporting_to(parent):
        parent.send(MapDone(fit_map(features, seed, FIT_JOBS, _reporter(parent, MAP))))


def _open(model: Path | ModelFile, trust: bool, data: Path | None) -> tuple[Any, np.ndarray, np.ndarray]:
    """In the child: the model (from the bytes sent, or read from its path), and the test digits as 0..1
    images with their labels."""
    from guiapp.core.training.data import load_mnist_test
    from guiapp.core.live.compute_process import limit_blas_threads
    from guiapp.core.model.inference import Inspector

    limit_blas_threads()  # the features' small products gain little from a second thread, the pen loses a core
    digits = load_mnist_test(data)
    return Inspector.load(model, trust=trust), digits.images.astype(np.float32) / 255.0, digits.labels


def _sent(model: Path | str | ModelFile) -> Path | ModelFile:
    """What the child is given: the model as read (pickled as its bytes), else its path."""
    return model if isinstance(model, ModelFile) else Path(model)


def _reporter(parent: Parent, stage: str) -> Callable[[int, int], None]:
    return lambda done, total: parent.send(Progress(stage, done, total))


def _where_child(parent: Parent, model: Path | ModelFile, trust: bool, data: Path | None, cache_dir: Path | None,
                 seed: int) -> None:
    _nice()
    from guiapp.core.where.cache import load_or_fit_map, load_or_run

    with _reporting_to(parent):
        inspector, images, labels = _open(model, trust, data)
        found = load_or_run(inspector, images, labels, cache_dir, _reporter(parent, FEATURES))
        parent.send(PassDone(found))
        parent.send(MapDone(load_or_fit_map(inspector, images, labels, found.features, cache_dir, lambda features:
                                            fit_map(features, seed, FIT_JOBS, _reporter(parent, MAP)))))


def _layer_child(parent: Parent, model: Path | ModelFile, trust: bool, data: Path | None, cache_dir: Path | None,
                 layer: str, seed: int) -> None:
    _nice()
    from guiapp.core.where.cache import load_or_compute_layer_map
    from guiapp.core.where.layers import layer_features

    with _reporting_to(parent):
        inspector, images, labels = _open(model, trust, data)
        features, points = load_or_compute_layer_map(
            inspector, layer, images, labels, cache_dir,
            lambda: layer_features(inspector, images, layer, _reporter(parent, FEATURES)),
            lambda values: fit_map(values, seed, FIT_JOBS, _reporter(parent, MAP)))
        parent.send(PassDone(features))
        parent.send(MapDone(points))


def _run(target: Callable[..., None], args: tuple[object, ...], progress: Callable[[str, int, int], None] | None,
         on_pass: Callable[[object], None] | None, should_stop: Callable[[], bool] | None) -> np.ndarray:
    """Run ``target(parent, *args)`` in a child; its map, after passing on progress and the pass."""
    child = ChildProcess(target, *args, name="guiapp-where", label="its process")
    try:
        while True:
            if should_stop is not None and should_stop():
                raise Stopped
            if not child.poll(POLL_S):
                if not child.alive and not child.poll():
                    raise MapFailed(f"its process ended unexpectedly (exit code {child.exitcode})")
                continue
            for message in child.messages():
                match message:
                    case Progress(stage, done, total) if progress is not None:
                        progress(stage, done, total)
                    case PassDone(result) if on_pass is not None:
                        on_pass(result)
                    case MapDone(points):
                        return np.asarray(points, np.float32)
                    case Unavailable(text):
                        raise NoEmbedding(text)
                    case Failed(text):
                        raise MapFailed(text)
    finally:
        child.close(0.0)  # the child reads nothing: ended at once when asked to stop (or when done)


def fit_in_process(features: np.ndarray, seed: int = 0, progress: Callable[[int, int], None] | None = None,
                   should_stop: Callable[[], bool] | None = None) -> np.ndarray:
    """:func:`~guiapp.core.where.atlas.fit_map` in a niced child; :class:`Stopped` or :class:`MapFailed`."""
    relay = (lambda _stage, done, total: progress(done, total)) if progress is not None else None
    return _run(_fit_child, (np.asarray(features, np.float32), seed), relay, None, should_stop)


def where_in_process(model: Path | str | ModelFile, trust: bool, data: Path | None, cache_dir: Path | None,
                     progress: Callable[[str, int, int], None] | None = None,
                     on_pass: Callable[[TestPass], None] | None = None,
                     should_stop: Callable[[], bool] | None = None, seed: int = 0) -> np.ndarray:
    """The model's pass over the test digits (``data``: None, the shipped MNIST) and its map, from the
    cache or computed in a niced child: ``on_pass(TestPass)`` first, then the map is returned.
    ``model``: the :class:`ModelFile` already read (the child opens nothing), or its path (the child reads it).
    :class:`Stopped`, :class:`MapFailed`, or :class:`~guiapp.core.where.embedding.NoEmbedding`."""
    return _run(_where_child, (_sent(model), trust, data, cache_dir, seed), progress, on_pass, should_stop)


def layer_map_in_process(model: Path | str | ModelFile, trust: bool, data: Path | None, cache_dir: Path | None,
                         layer: str, progress: Callable[[str, int, int], None] | None = None,
                         should_stop: Callable[[], bool] | None = None,
                         seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``layer``'s (projected) features of the test digits and their map, from the cache or computed in a
    niced child (``model``: as for :func:`where_in_process`). :class:`Stopped` or :class:`MapFailed`."""
    features: list[np.ndarray] = []
    points = _run(_layer_child, (_sent(model), trust, data, cache_dir, layer, seed), progress, features.append,
                  should_stop)
    return np.asarray(features[0], np.float32), points

"""partner: B's worker — a file loaded, the weights given once it is, each drawing asked (the newest kept until B
is ready), updates computed with replaced weights (or by a model since replaced) dropped; a real worker computes
B in its own process, and shutdown ends that process."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from PySide6.QtCore import QObject

from guiapp.core.compare.twin import randomised_weights
from guiapp.core.drawing.strokes import Drawing, Stroke
from guiapp.core.live.live_request import LiveRequest
from guiapp.core.model.inference import Inspector
from guiapp.ui.compare.partner import Partner
from guiapp.ui.plotting import ACTIVATION_LUT
from tests.models import GREY_28, make_model

TIMEOUT_MS = 60_000
SEVEN = Drawing(strokes=(Stroke(((60.0, 60.0), (200.0, 60.0), (120.0, 230.0)), 20.0),))


class FakeWorker:
    """What Partner uses of an InferenceWorker: it records, and hands out the updates a test puts in it."""

    def __init__(self) -> None:
        self.loaded: list[Path] = []
        self.asked: list[object] = []
        self.weights: list[object] = []
        self.weights_version = 0
        self.ready: list[object] = []

    def load(self, path: Path) -> None:
        self.loaded.append(path)

    def ask(self, request: object) -> None:
        self.asked.append(request)

    def set_weights(self, weights: object, request: object) -> None:
        self.weights.append(weights)
        self.weights_version += 1
        self.asked.append(request)

    def take(self) -> object:
        return self.ready.pop(0) if self.ready else None

    idle = True


def update(version: int, tag: str = "") -> SimpleNamespace:
    return SimpleNamespace(weights_version=version, tag=tag)


@pytest.fixture()
def fake(qtbot):
    parent = QObject()
    partner = Partner(parent, None)
    partner.worker = FakeWorker()  # started: no thread, no process
    seen: list[object] = []
    partner.updated.connect(seen.append)
    yield partner, partner.worker, seen
    partner._closed = True  # nothing to stop: the fake has no thread


def test_requests_wait_for_the_file_and_weights_follow_it(fake):
    partner, worker, _seen = fake
    partner.load(Path("b.keras"), weights=["w"])
    assert worker.loaded == [Path("b.keras")] and not partner.ready
    partner.ask("first")
    partner.ask("newest")
    assert worker.asked == []  # not loaded yet: nothing asked
    partner._on_loaded("inspector")
    assert partner.ready and worker.weights == [["w"]] and worker.asked == ["newest"]  # the weights, then the newest
    partner.load(Path("b.keras"), weights=None)  # the same file: only the weights change
    assert worker.loaded == [Path("b.keras")] and worker.weights == [["w"], None]


def test_an_update_computed_with_older_weights_is_dropped(fake):
    partner, worker, seen = fake
    partner.load(Path("b.keras"))
    partner._on_loaded("inspector")
    partner.ask("drawing")
    worker.ready.append(update(0, "own weights"))
    partner._on_ready()
    assert [u.tag for u in seen] == ["own weights"] and partner.computed == 1
    partner.set_weights(["twin"])  # version 1 from now on
    worker.ready.append(update(0, "computed before the twin's weights"))
    partner._on_ready()
    worker.ready.append(update(1, "the twin's"))
    partner._on_ready()
    partner._on_ready()  # a notification with nothing to take
    assert [u.tag for u in seen] == ["own weights", "the twin's"] and partner.computed == 2


def test_an_update_from_the_file_being_replaced_is_dropped(fake):
    partner, worker, seen = fake
    partner.load(Path("seed.keras"))
    partner._on_loaded("seed inspector")
    partner.ask("drawing")
    partner.load(Path("other.keras"))  # B changes while the seed's answer is on its way
    worker.ready.append(update(0, "the seed's answer"))
    partner._on_ready()
    assert seen == []


def test_a_closed_partner_emits_nothing(fake):
    partner, worker, seen = fake
    partner.load(Path("b.keras"))
    partner._on_loaded("inspector")
    partner.shutdown()
    worker.ready.append(update(0))
    partner._on_ready()
    partner.ask("drawing")
    assert seen == [] and worker.asked == []


def test_a_real_worker_computes_b_in_its_own_process_and_stops_it(qtbot, tmp_path):
    path = make_model(tmp_path, GREY_28, 10)
    model = Inspector.load(path)
    parent = QObject()
    partner = Partner(parent, ACTIVATION_LUT)
    updates: list[object] = []
    partner.updated.connect(updates.append)
    assert not partner.started and partner.idle
    with qtbot.waitSignal(partner.loaded, timeout=TIMEOUT_MS):
        partner.load(path)
    pid = partner.worker.compute_pid
    assert pid is not None and pid != os.getpid()
    request = LiveRequest(SEVEN, at_rest=True)
    partner.ask(request)
    qtbot.waitUntil(lambda: len(updates) == 1, timeout=TIMEOUT_MS)
    first = updates[0]
    assert first.drawing is SEVEN and first.weights_version == 0
    np.testing.assert_allclose(first.result.probabilities, model.run(first.result.image).probabilities, atol=1e-5)
    zeros = [np.zeros_like(w) for w in randomised_weights(model, 0)]  # every weight zero: a uniform answer
    partner.set_weights(zeros)
    qtbot.waitUntil(lambda: len(updates) == 2, timeout=TIMEOUT_MS)
    second = updates[1]
    assert second.weights_version == partner.worker.weights_version == 1 and second.drawing is SEVEN
    np.testing.assert_allclose(second.result.probabilities, np.full(10, 0.1), atol=1e-5)
    partner.shutdown()
    partner.shutdown()  # idempotent
    with pytest.raises(ProcessLookupError):
        for _ in range(500):
            os.kill(pid, 0)  # raises once the process is gone (and reaped)
            qtbot.wait(20)

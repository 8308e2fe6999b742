"""patch_worker: the filters' favourite patches searched off the GUI thread — progress while it goes, the result
named by the model it is for, from the cache the second time; a newer search or a cancel means the older one's
result never comes; a failure is one line."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from guiapp import paths
from guiapp.core.model.inference import Inspector
from guiapp.core.training.data import Samples
from guiapp.ui.kernels.patch_worker import FAILED, default_cache_dir, start_patch_thread

DIGITS = 64
WAIT_MS = 120_000


@pytest.fixture(scope="module")
def samples(mnist) -> Samples:
    return Samples(mnist.x_test[:DIGITS], mnist.y_test[:DIGITS])


@pytest.fixture()
def searched(qtbot, samples, tmp_path):
    """A worker on its own thread, caching in the test's folder, and everything it reported."""
    worker, thread = start_patch_thread(None, samples, tmp_path / "patches")
    seen = SimpleNamespace(ready=[], progress=[], failed=[])
    worker.ready.connect(lambda inspector, patches: seen.ready.append((inspector, patches)))
    worker.progress.connect(lambda done, total: seen.progress.append((done, total)))
    worker.failed.connect(seen.failed.append)
    assert thread is worker.jobs.worker_thread and thread.isRunning()
    yield worker, seen
    worker.shutdown()
    worker.shutdown()  # twice: nothing more to stop
    assert not thread.isRunning()


def test_the_patches_come_back_named_by_their_model_and_from_the_cache_the_second_time(qtbot, searched, tmp_path):
    worker, seen = searched
    inspector = Inspector.load(paths.DEFAULT_MODEL)
    worker.start(inspector)
    qtbot.waitUntil(lambda: len(seen.ready) == 1, timeout=WAIT_MS)
    model, patches = seen.ready[0]
    assert model is inspector and set(patches.layers) == {"conv2d", "conv2d_1"} and not patches.from_cache
    assert patches.digits == DIGITS and seen.progress and seen.progress[-1][1] == DIGITS
    assert len(list((tmp_path / "patches").glob("*.npz"))) == 1
    worker.start(inspector)
    qtbot.waitUntil(lambda: len(seen.ready) == 2, timeout=WAIT_MS)
    assert seen.ready[1][1].from_cache and seen.ready[1][1].key == patches.key and seen.failed == []


def test_only_the_latest_search_answers(qtbot, searched):
    worker, seen = searched
    first, second = Inspector.load(paths.DEFAULT_MODEL), Inspector.load(paths.MODELS_DIR / "mnist_cnn.keras")
    worker.start(first)
    worker.start(second)  # before the first could finish: it is stopped, its result never comes
    qtbot.waitUntil(lambda: len(seen.ready) == 1, timeout=WAIT_MS)
    qtbot.wait(200)
    assert [model for model, _ in seen.ready] == [second]
    worker.start(first)
    worker.cancel()
    qtbot.wait(500)
    assert [model for model, _ in seen.ready] == [second]


def test_a_search_that_fails_is_one_line(qtbot, searched):
    worker, seen = searched
    worker.start(SimpleNamespace(path=None, model_file=None, weights={}))  # not a model
    qtbot.waitUntil(lambda: len(seen.failed) == 1, timeout=WAIT_MS)
    assert seen.failed[0].startswith(f"{FAILED}: ") and "\n" not in seen.failed[0] and seen.ready == []


def test_the_default_cache_is_the_users_cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert default_cache_dir().parts[-1] == "filter_patches"
    assert str(default_cache_dir()).startswith(str(tmp_path / "cache"))


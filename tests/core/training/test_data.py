"""MNIST files: the real one loads; every kind of wrong file gets a one-line reason."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp import paths
from guiapp.core.errors import DataFileError
from guiapp.core.training.data import load_mnist_npz, load_samples, to_network_input


def test_the_shipped_mnist_loads_with_the_documented_hashes(mnist):
    assert mnist.x_train.shape == (60000, 28, 28) and mnist.x_test.shape == (10000, 28, 28)
    hashes = mnist.sha256()
    assert hashes["x_test"] == "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161"
    assert hashes["y_train"] == "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13"


def test_network_input_is_float_0_to_1_with_a_channel_axis(mnist):
    x = to_network_input(mnist.x_test[:3])
    assert x.shape == (3, 28, 28, 1) and x.dtype == np.float32
    assert x.min() == 0.0 and x.max() == 1.0


def _write(path, **arrays):
    np.savez(path, **arrays)
    return path


GOOD = dict(
    x_train=np.zeros((4, 28, 28), np.uint8), y_train=np.arange(4, dtype=np.uint8),
    x_test=np.zeros((2, 28, 28), np.uint8), y_test=np.arange(2, dtype=np.uint8),
)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (dict(x_test=None), "missing array(s) x_test"),
        (dict(x_train=np.zeros((4, 32, 32), np.uint8)), "x_train has shape (4, 32, 32), expected (N, 28, 28)"),
        (dict(x_train=np.zeros((4, 28, 28), np.float64)), "x_train has dtype float64, expected uint8"),
        (dict(y_train=np.arange(3, dtype=np.uint8)), "y_train has shape (3,), expected (4,)"),
        (dict(y_test=np.array([0.5, 1.0])), "y_test has dtype float64, expected integer labels"),
        (dict(y_test=np.array([3, 12])), "y_test holds labels outside 0..9"),
    ],
)
def test_wrong_arrays_are_named(tmp_path, change, message):
    arrays = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    path = _write(tmp_path / "bad.npz", **arrays)
    with pytest.raises(DataFileError) as info:
        load_mnist_npz(path)
    text = str(info.value)
    assert text.startswith(str(path)) and message in text and "\n" not in text


def test_a_file_that_is_not_an_npz(tmp_path):
    path = tmp_path / "notes.npz"
    path.write_text("hello")
    with pytest.raises(DataFileError, match="not a readable .npz file"):
        load_mnist_npz(path)


def test_a_missing_file(tmp_path):
    with pytest.raises(DataFileError, match="no such file"):
        load_mnist_npz(tmp_path / "nowhere.npz")


def test_the_shipped_samples_are_the_first_test_digits(mnist):
    from guiapp import paths

    samples = load_samples(paths.MNIST_SAMPLES)
    assert samples.images.shape == (2000, 28, 28)
    assert np.array_equal(samples.images, mnist.x_test[:2000])
    assert np.array_equal(samples.labels, mnist.y_test[:2000])


def test_without_a_file_the_shipped_copy_is_used_and_checked(monkeypatch, tmp_path, mnist):
    """No --data: MNIST as it ships (resources/mnist.npz, the same arrays as ../shared's), sha256-checked."""
    from guiapp.core.training.data import load_mnist, load_mnist_test

    shipped = load_mnist(None)
    assert shipped.source == str(paths.MNIST)
    for key in ("x_train", "y_train", "x_test", "y_test"):
        assert np.array_equal(getattr(shipped, key), getattr(mnist, key))
    assert np.array_equal(load_mnist_test(None).images, mnist.x_test)
    # A damaged copy (one byte changed) is refused, never used half right; a missing one says so.
    damaged = tmp_path / "mnist.npz"
    blob = bytearray(paths.MNIST.read_bytes())
    blob[len(blob) // 2] ^= 0xFF
    damaged.write_bytes(bytes(blob))
    monkeypatch.setattr(paths, "MNIST", damaged)
    with pytest.raises(DataFileError, match=r"mnist.npz: damaged: its sha256 is .*reinstall"):
        load_mnist_test(None)
    monkeypatch.setattr(paths, "MNIST", tmp_path / "gone.npz")
    with pytest.raises(DataFileError, match="missing"):
        load_mnist(None)

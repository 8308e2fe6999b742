"""The Where tab's pass and map shipped beside a model: used only for that model's content and those digits,
a file for other weights or a damaged one passed over with one line (and never removed), and written back
as it is read."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from guiapp import paths
from guiapp.core.model.inference import Inspector
from guiapp.core.where.embedding import run_test_pass
from guiapp.core.where.shipped import (
    ShippedIgnored,
    digits_key,
    load_shipped,
    model_key,
    read_keys,
    shipped_path,
    write_shipped,
)

SMALL = 300  # digits for the file written here: openTSNE maps them in a few seconds


def _digits(mnist, count=None):
    images, labels = mnist.x_test[:count], mnist.y_test[:count]
    return images.astype(np.float32) / 255, np.asarray(labels, np.int64)


@pytest.fixture(scope="module")
def small(mnist, tmp_path_factory):
    """A copy of the default model with its file written for SMALL test digits (the real generator, small)."""
    folder = tmp_path_factory.mktemp("shipped")
    model = folder / "model.keras"
    shutil.copy(paths.DEFAULT_MODEL, model)
    data = folder / "digits.npz"
    np.savez(data, x_test=mnist.x_test[:SMALL], y_test=mnist.y_test[:SMALL])
    written = write_shipped(model, data, n_jobs=1)
    assert written == shipped_path(model) == folder / "model.where.npz"
    return model, written


def test_the_path_is_beside_the_model():
    assert shipped_path(paths.MODELS_DIR / "mnist_cnn.keras") == paths.MODELS_DIR / "mnist_cnn.where.npz"


def test_a_written_file_reads_back_as_this_models_pass_and_map(small, mnist):
    model, written = small
    inspector = Inspector.load(model)
    images, labels = _digits(mnist, SMALL)
    found = load_shipped(written, inspector, images, labels)
    computed = run_test_pass(inspector, images, labels)
    assert found.test_pass.layer == computed.layer == "dense"
    assert found.test_pass.features.dtype == np.float32 and found.points.shape == (SMALL, 2)
    np.testing.assert_allclose(found.test_pass.features, computed.features, rtol=2e-3, atol=2e-3)  # float16
    np.testing.assert_array_equal(found.test_pass.confusion, computed.confusion)
    with np.load(written) as saved:
        np.testing.assert_array_equal(found.points, saved["points"].astype(np.float32))
        assert saved["features"].dtype == np.float16


def test_other_digits_are_passed_over_without_a_word(small, mnist):
    model, written = small
    images, labels = _digits(mnist, SMALL - 1)
    assert load_shipped(written, Inspector.load(model), images, labels) is None
    assert load_shipped(written.with_name("none.where.npz"), Inspector.load(model), images, labels) is None


def test_a_file_for_other_weights_is_ignored_with_one_line_and_kept(small, mnist, tmp_path):
    _, written = small
    other = tmp_path / "model.keras"
    shutil.copy(paths.SEED_MODEL, other)  # the same architecture, other weights, the same file name
    shutil.copy(written, shipped_path(other))
    images, labels = _digits(mnist, SMALL)
    with pytest.raises(ShippedIgnored) as caught:
        load_shipped(shipped_path(other), Inspector.load(other), images, labels)
    assert str(caught.value) == (f"{tmp_path.name}/model.where.npz was made for other weights than this model's: "
                                 "computing the map instead")
    assert shipped_path(other).is_file()  # not ours to remove


@pytest.mark.parametrize("damage", ["truncated", "garbage", "nan", "wrong shape"])
def test_a_damaged_file_is_ignored_with_one_line_and_kept(small, mnist, tmp_path, damage):
    model, written = small
    copy = tmp_path / "model.keras"
    shutil.copy(model, copy)
    target = shipped_path(copy)
    inspector = Inspector.load(copy)
    images, labels = _digits(mnist, SMALL)
    if damage == "truncated":
        target.write_bytes(written.read_bytes()[:2000])
    elif damage == "garbage":
        target.write_bytes(b"PK\x03\x04" + b"\xff" * 5000)
    else:
        with np.load(written) as saved:
            arrays = {k: saved[k] for k in saved.files}
        if damage == "nan":
            arrays["points"][7] = np.nan
        else:
            arrays["features"] = arrays["features"][:10]
        np.savez(target, **arrays)
    with pytest.raises(ShippedIgnored) as caught:
        load_shipped(target, inspector, images, labels)
    line = str(caught.value)
    assert "\n" not in line and line.startswith(f"{tmp_path.name}/model.where.npz") and "damaged" in line
    assert target.is_file()


@pytest.mark.parametrize("name", ["mnist_cnn", "mnist_cnn_drawn"])
def test_each_shipped_file_names_its_shipped_model_and_the_shipped_digits(name, mnist):
    """Retrain a shipped model without `python benchmarks/where_shipped.py` and this fails: no stale map."""
    model = paths.MODELS_DIR / f"{name}.keras"
    path = shipped_path(model)
    assert path.is_file() and path.stat().st_size < 3_000_000
    inspector = Inspector.load(model)
    images, labels = _digits(mnist)
    assert read_keys(path) == (model_key(inspector), digits_key(images, labels))
    found = load_shipped(path, inspector, images, labels)
    assert found.points.shape == (10_000, 2) and found.test_pass.features.shape == (10_000, 128)
    # The shipped pass is this model's view: a few digits computed now agree with it (float16's rounding).
    computed = run_test_pass(inspector, images[:50], labels[:50])
    np.testing.assert_allclose(found.test_pass.features[:50], computed.features, rtol=2e-3, atol=2e-3)
    np.testing.assert_array_equal(found.test_pass.predicted[:50], computed.predicted)


def test_the_colour_model_has_no_file_the_where_tab_could_not_use_it():
    colour = Inspector.load(paths.MODELS_DIR / "colour_digits.keras")
    assert colour.input_shape[:2] != (28, 28)
    assert not shipped_path(paths.MODELS_DIR / "colour_digits.keras").exists()

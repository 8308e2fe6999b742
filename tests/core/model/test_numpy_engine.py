"""The NumPy engine agrees with Keras on every layer's output, reads files within bounds,
and hands anything it does not know to TensorFlow."""

from __future__ import annotations

import json
import random
import zipfile

import numpy as np
import pytest

from guiapp import paths
from guiapp.core.arithmetic.ledger import ledger_for_model
from guiapp.core.errors import ArchitectureError
from guiapp.core.model.architectures import (
    ARCHITECTURES,
    Architecture,
    LayerSpec,
    build_model,
)
from guiapp.core.model.inference import Inspector
from guiapp.core.model.keras_file import MAX_CONFIG_BYTES, read_chain
from guiapp.core.model.numpy_engine import NotSupported, NumpyNetwork
from tests.core.generated import random_architecture, with_extras
from tests.models import randomise_weights

TOLERANCE = 1e-4  # every layer's output, absolute and relative (XLA and plain Keras differ by 1.3e-5)


def _keras_outputs(model, x: np.ndarray) -> dict[str, np.ndarray]:
    from guiapp.core.model.backend import keras

    layers = [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]
    probe = keras().Model(model.inputs[0], [layer.output for layer in layers])
    return {layer.name: np.asarray(out) for layer, out in zip(layers, probe(x, training=False), strict=True)}


def _assert_agrees(network: NumpyNetwork, model, x: np.ndarray, where: str) -> float:
    expected = _keras_outputs(model, x)
    worst = 0.0
    for layer, got in zip(network.layers, network.forward(x), strict=True):
        want = expected[layer.name]
        assert got.shape == want.shape, (where, layer.name)
        np.testing.assert_allclose(got, want, rtol=TOLERANCE, atol=TOLERANCE, err_msg=f"{where}: {layer.name}")
        worst = max(worst, float(np.max(np.abs(got - want))))
    return worst


@pytest.mark.parametrize("model_path", sorted(paths.MODELS_DIR.glob("*.keras")), ids=lambda p: p.stem)
def test_shipped_models_agree_with_keras_layer_by_layer(model_path, mnist):
    inspector = Inspector.load(model_path)
    assert inspector.engine.name == "NumPy"
    model = inspector.keras_model()
    if inspector.input_shape == (28, 28, 1):
        x = (mnist.x_test[:20].astype(np.float32) / 255.0)[..., None]
    else:  # the colour example: random pictures of its shape
        x = np.random.default_rng(5).random((20, *inspector.input_shape), dtype=np.float32)
    low, high = inspector.input_range
    given = x * np.float32(high - low) + np.float32(low)  # what the model itself is given
    _assert_agrees(inspector.engine.network, model, given, model_path.name)
    # The same ledger as Keras' own, formulas included, and the same kernels.
    assert inspector.ledger.to_dict() == ledger_for_model(model).to_dict()
    keras_weights = {layer.name: layer.get_weights() for layer in model.layers}
    for name, weights in inspector.weights.items():
        if weights.kernel is not None:
            np.testing.assert_array_equal(weights.kernel, keras_weights[name][0])
    # The whole result: probabilities included.
    probabilities = inspector.predict_probabilities(x)
    np.testing.assert_allclose(probabilities, np.asarray(model(given, training=False)), atol=TOLERANCE)


def test_generated_networks_saved_to_files_agree_with_keras(tmp_path):
    rng = random.Random(7)
    weights_rng = np.random.default_rng(7)
    checked, kinds, worst = 0, set(), 0.0
    for index in range(400):
        if checked == 60:
            break
        arch = with_extras(random_architecture(rng, index, new_kinds=True), rng)
        try:
            model = build_model(arch, seed=index)
        except ArchitectureError:
            continue  # Keras refuses it (the ledger test covers where it breaks)
        randomise_weights(model, weights_rng)
        path = tmp_path / f"g{index}.keras"
        model.save(path)
        chain = read_chain(path)
        network = NumpyNetwork(chain.input_shape, chain.layers)
        x = weights_rng.random((3, *arch.input_shape), dtype=np.float32)
        worst = max(worst, _assert_agrees(network, model, x, arch.name))
        assert network.output_shapes == tuple(tuple(layer.output.shape[1:]) for layer in model.layers)
        kinds.update(layer.kind for layer in chain.layers)
        checked += 1
    assert checked == 60
    assert {"Conv2D", "MaxPooling2D", "AveragePooling2D", "BatchNormalization", "Dense", "Flatten",
            "ZeroPadding2D", "Rescaling", "LeakyReLU", "Softmax",
            "SeparableConv2D", "DepthwiseConv2D", "Normalization"} <= kinds
    print(f"\n{checked} generated networks, largest difference from Keras on any layer: {worst:.2e}")


def test_a_functional_chain_is_read_like_a_sequential(tmp_path):
    from guiapp.core.model.backend import keras

    k = keras()
    x = k.Input((28, 28, 1), name="pixels")
    h = k.layers.Conv2D(4, 3, activation="relu", name="c")(x)
    h = k.layers.Flatten(name="f")(h)
    out = k.layers.Dense(10, activation="softmax", name="d")(h)
    path = tmp_path / "functional.keras"
    k.Model(x, out).save(path)
    inspector = Inspector.load(path)
    assert inspector.engine.name == "NumPy" and inspector.layer_names == ("c", "f", "d")
    image = np.random.default_rng(0).random((28, 28), dtype=np.float32)
    expected = np.asarray(inspector.keras_model()(image[None, :, :, None]))[0]
    np.testing.assert_allclose(inspector.run(image).probabilities, expected, atol=TOLERANCE)


def test_layers_it_does_not_know_go_to_tensorflow(tmp_path):
    arch = Architecture("branchy", (
        LayerSpec("Conv2D", "c", {"filters": 4, "kernel_size": 3}),
        LayerSpec("UpSampling2D", "up", {}),
        LayerSpec("Flatten", "f"),
        LayerSpec("Dense", "out", {"units": 10, "activation": "softmax"}),
    ))
    path = tmp_path / "up.keras"
    build_model(arch, seed=0).save(path)
    with pytest.raises(NotSupported, match="UpSampling2D"):
        chain = read_chain(path)
        NumpyNetwork(chain.input_shape, chain.layers)
    inspector = Inspector.load(path)
    assert inspector.engine.name == "TensorFlow"
    assert inspector.run(np.zeros((28, 28), np.float32)).probabilities.shape == (10,)


def test_a_legacy_h5_file_goes_to_tensorflow(tmp_path):
    path = tmp_path / "old.h5"
    build_model(ARCHITECTURES["mnist_cnn"], seed=0).save(path)
    inspector = Inspector.load(path)
    assert inspector.engine.name == "TensorFlow"
    assert [row.params for row in inspector.ledger.rows][:2] == [320, 18496]


def _zip(path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def test_a_config_that_unpacks_too_large_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "bomb.keras"
    _zip(path, {"config.json": b" " * (MAX_CONFIG_BYTES + 1), "model.weights.h5": b""})
    assert path.stat().st_size < 100_000  # a few kilobytes on disk
    with pytest.raises(NotSupported, match="unpacks to"):
        read_chain(path)


@pytest.mark.parametrize("config", [
    b"[]", b"{", json.dumps({"class_name": "Sequential", "config": {"layers": []}}).encode(),
    json.dumps({"class_name": "Sequential", "config": {"layers": [{"class_name": "InputLayer",
                "config": {"batch_shape": [None, -3, 28, 1]}}]}}).encode(),
    b"[" * 100_000,
])
def test_nonsense_configs_are_not_supported_never_a_crash(tmp_path, config):
    path = tmp_path / "odd.keras"
    _zip(path, {"config.json": config, "model.weights.h5": b"not hdf5"})
    with pytest.raises(NotSupported):
        read_chain(path)


def test_weights_that_do_not_fit_the_config_are_not_supported(tmp_path):
    source = paths.DEFAULT_MODEL
    with zipfile.ZipFile(source) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    config = json.loads(members["config.json"])
    config["config"]["layers"][1]["config"]["filters"] = 16  # the file holds 32 filters
    members["config.json"] = json.dumps(config).encode()
    path = tmp_path / "mismatch.keras"
    _zip(path, members)
    chain = read_chain(path)
    with pytest.raises(NotSupported, match="kernel"):
        NumpyNetwork(chain.input_shape, chain.layers)


def test_depthwise_separable_and_adapted_normalization_run_in_numpy_on_an_rgb_input(tmp_path):
    """Statistics from ``adapt()`` are saved as weights (mean, variance, count); given ones sit in the config."""
    from guiapp.core.model.backend import keras

    k = keras()
    k.utils.set_random_seed(5)
    rng = np.random.default_rng(5)
    adapted = k.layers.Normalization(name="adapted")
    adapted.adapt(rng.normal([0.2, 0.5, 0.8], [0.1, 0.3, 0.2], (64, 19, 26, 3)).astype(np.float32))
    model = k.Sequential([
        k.Input((19, 26, 3)),
        adapted,
        k.layers.DepthwiseConv2D(3, strides=2, depth_multiplier=3, padding="same", activation="relu",
                                 bias_initializer="random_normal", name="dw"),
        k.layers.DepthwiseConv2D((2, 3), dilation_rate=2, use_bias=False, name="dw_dilated"),
        k.layers.SeparableConv2D(5, 3, depth_multiplier=2, padding="same", activation="tanh",
                                 bias_initializer="random_normal", name="sep"),
        k.layers.Normalization(axis=None, mean=0.3, variance=4.0, invert=True, name="given"),
        k.layers.GlobalAveragePooling2D(name="gap"),
        k.layers.Dense(4, activation="softmax", name="classes"),
    ])
    path = tmp_path / "rgb.keras"
    model.save(path)
    inspector = Inspector.load(path)
    assert inspector.engine.name == "NumPy" and inspector.input_shape == (19, 26, 3)
    mean, _variance, count = inspector.engine.network.layers[0].variables
    np.testing.assert_allclose(mean, [0.2, 0.5, 0.8], atol=0.01)
    assert count.shape == ()  # an integer Keras 3 keeps (at 0) for older files: read, not refused
    loaded = inspector.keras_model()  # Keras' own reading of the file
    x = rng.random((4, 19, 26, 3), dtype=np.float32)
    _assert_agrees(inspector.engine.network, loaded, x, "rgb")
    # ⌈19/2⌉×⌈26/2⌉×3·3, then a (2, 3) window dilated to (3, 5): (10 − 3 + 1)×(13 − 5 + 1)
    assert inspector.engine.network.output_shapes[1:3] == ((10, 13, 9), (8, 9, 9))
    mine = [(r.name, r.output_shape, r.params, r.formulas) for r in inspector.ledger.rows]
    assert mine == [(r.name, r.output_shape, r.params, r.formulas) for r in ledger_for_model(loaded).rows]
    assert all(formulas for *_, formulas in mine)

"""All-layers inference returns one frozen result that agrees with Keras layer by layer.

(The result itself and the image conversion: test_inference_result.py; describing and checking a model:
test_inference_build.py.)
"""

from __future__ import annotations

import numpy as np
import pytest

from guiapp.core.errors import ModelFileError
from guiapp.core.model.inference import Inspector

EXPECTED_SHAPES = {
    "conv2d": (26, 26, 32), "conv2d_1": (24, 24, 64), "max_pooling2d": (12, 12, 64),
    "dropout": (12, 12, 64), "flatten": (9216,), "dense": (128,), "dropout_1": (128,), "dense_1": (10,),
}


def test_one_call_gives_every_layer_and_the_probabilities(shipped_inspector, mnist):
    result = shipped_inspector.run(mnist.x_test[0])
    assert {s.name: s.activation.shape for s in result.layers} == EXPECTED_SHAPES
    assert {s.name: s.output_shape for s in result.layers} == EXPECTED_SHAPES
    assert [s.params for s in result.layers] == [320, 18496, 0, 0, 0, 1179776, 0, 1290]
    assert result.probabilities.shape == (10,)
    assert result.probabilities.sum() == pytest.approx(1.0, abs=1e-5)
    assert result.predicted == mnist.y_test[0] == 7
    assert result.image.shape == (28, 28) and result.image.max() == pytest.approx(1.0)


def test_activations_equal_keras_layer_by_layer(shipped_inspector, mnist):
    from guiapp.core.model.backend import keras

    k = keras()
    model = shipped_inspector.keras_model()
    image = mnist.x_test[1]
    result = shipped_inspector.run(image)
    x = (image.astype(np.float32) / 255.0)[None, :, :, None]
    for layer in model.layers:
        probe = k.Model(model.inputs[0], layer.output)
        expected = probe(x, training=False).numpy()[0]
        np.testing.assert_allclose(result.layer(layer.name).activation, expected, rtol=1e-5, atol=1e-5)
    # Dropout is the identity at inference.
    np.testing.assert_array_equal(result.layer("dropout").activation, result.layer("max_pooling2d").activation)


def test_weights_are_available_for_the_views(shipped_inspector):
    weights = shipped_inspector.weights
    assert weights["conv2d"].kernel.shape == (3, 3, 1, 32) and weights["conv2d"].bias.shape == (32,)
    assert weights["conv2d_1"].kernel.shape == (3, 3, 32, 64) and weights["conv2d_1"].bias.shape == (64,)
    assert weights["dense"].kernel.shape == (9216, 128)
    assert weights["max_pooling2d"].kernel is None and weights["max_pooling2d"].bias is None


def test_batch_probabilities_agree_with_single_runs(shipped_inspector, mnist):
    images = mnist.x_test[:20].astype(np.float32) / 255.0
    batch = shipped_inspector.predict_probabilities(images, batch_size=7)
    singles = np.stack([shipped_inspector.run(img).probabilities for img in images])
    np.testing.assert_allclose(batch, singles, atol=1e-5)


def test_missing_and_non_model_files(tmp_path):
    with pytest.raises(ModelFileError, match="no such model file"):
        Inspector.load(tmp_path / "missing.keras")
    folder = tmp_path / "folder.keras"
    folder.mkdir()
    with pytest.raises(ModelFileError, match="a folder, not a model file"):  # it exists: say what it is
        Inspector.load(folder)
    fake = tmp_path / "fake.keras"
    fake.write_text("not a model")
    with pytest.raises(ModelFileError, match=r"neither a \.keras archive \(zip\) nor an HDF5") as info:
        Inspector.load(fake)  # Keras itself would say "File not found" for this file that is there
    assert "\n" not in str(info.value)
    broken = tmp_path / "broken.keras"
    broken.write_bytes(b"PK\x03\x04" + b"\0" * 40)  # starts like a zip, is not one
    with pytest.raises(ModelFileError, match="not a readable Keras model"):
        Inspector.load(broken)


def test_a_model_whose_input_is_not_an_image(tmp_path):
    from guiapp.core.model.backend import keras

    k = keras()
    model = k.Sequential([k.Input((10,)), k.layers.Dense(10, activation="softmax")])
    path = tmp_path / "tabular.keras"
    model.save(path)
    with pytest.raises(ModelFileError, match=r"expects input 10, not an image \(height × width × channels\)"):
        Inspector.load(path)


def test_a_model_with_three_classes_is_a_classifier_too(tmp_path):
    from guiapp.core.model.backend import keras

    k = keras()
    model = k.Sequential([k.Input((28, 28, 1)), k.layers.Flatten(), k.layers.Dense(3)])
    path = tmp_path / "three.keras"
    model.save(path)
    inspector = Inspector.load(path)
    assert inspector.num_classes == 3 and inspector.class_names == ("0", "1", "2")
    probabilities = inspector.run(np.zeros((28, 28), np.float32)).probabilities
    assert probabilities.shape == (3,) and float(probabilities.sum()) == pytest.approx(1.0)

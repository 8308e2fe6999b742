"""Any image CNN: grey or RGB, any size from 8 to 512 a side, any number of classes ≥ 2."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp.core.errors import ModelFileError
from guiapp.core.model.inference import (
    BYTE_RANGE,
    UNIT_RANGE,
    Inspector,
    as_network_image,
)
from tests.models import RGB_32, GREY_40x32, RGB_64x48, make_model

CASES = [(GREY_40x32, 10, False), (RGB_32, 10, True), (RGB_64x48, 100, False)]


@pytest.mark.parametrize(("shape", "classes", "rescaling"), CASES)
def test_the_inspector_runs_any_image_cnn_as_keras_does(tmp_path, shape, classes, rescaling):
    from guiapp.core.model.backend import keras

    path = make_model(tmp_path, shape, classes, rescaling=rescaling)
    inspector = Inspector.load(path)
    assert inspector.engine.name == "NumPy"
    assert inspector.input_shape == shape
    assert inspector.num_classes == classes
    assert inspector.class_names == tuple(str(i) for i in range(classes))
    assert inspector.input_range == (BYTE_RANGE if rescaling else UNIT_RANGE)

    rng = np.random.default_rng(3)
    images = rng.random((4, *shape), dtype=np.float32)
    scale = 255.0 if rescaling else 1.0
    expected = np.asarray(keras().models.load_model(path, compile=False)(images * scale, training=False))
    result = inspector.run(images[0] if shape[2] == 3 else images[0, ..., 0])
    assert result.image.shape == inspector.image_shape
    assert result.probabilities.shape == (classes,)
    np.testing.assert_allclose(result.probabilities, expected[0], atol=1e-5)
    np.testing.assert_allclose(inspector.predict_probabilities(images), expected, atol=1e-5)
    assert [state.activation.shape for state in result.layers] == [row.output_shape for row in inspector.ledger.rows]


def test_class_names_come_from_the_card_and_a_wrong_card_is_ignored(tmp_path):
    named = Inspector.load(make_model(tmp_path / "a", RGB_32, 3, classes_names=["cat", "dog", "bird"]))
    assert named.class_names == ("cat", "dog", "bird")
    wrong = Inspector.load(make_model(tmp_path / "b", RGB_32, 3, classes_names=["cat", "dog"]))
    assert wrong.class_names == ("0", "1", "2")
    with pytest.raises(ValueError, match="2 class names for a model with 3 classes"):
        wrong.set_class_names(["x", "y"])
    wrong.set_class_names(["x", "y", "z"])
    assert wrong.class_names == ("x", "y", "z")


def test_a_grey_drawing_is_grey_in_all_three_channels_of_an_rgb_model():
    grey = np.linspace(0, 1, 32 * 32, dtype=np.float32).reshape(32, 32)
    rgb = as_network_image(grey, RGB_32)
    assert rgb.shape == (32, 32, 3)
    assert np.array_equal(rgb[..., 0], grey) and np.array_equal(rgb[..., 2], grey)
    back = as_network_image(rgb, (32, 32, 1))
    np.testing.assert_allclose(back, grey, atol=1e-6)


def test_the_input_range_override_scales_the_pixels(tmp_path):
    inspector = Inspector.load(make_model(tmp_path, RGB_32, 4, rescaling=True))
    image = np.full(RGB_32, 0.5, np.float32)
    as_bytes = inspector.run(image).probabilities
    as_unit = inspector.run(image, input_range=UNIT_RANGE).probabilities
    assert not np.allclose(as_bytes, as_unit)  # 127.5/255 vs 0.5/255 after the model's own Rescaling
    np.testing.assert_allclose(inspector.run(image / 255.0 * 1.0, input_range=(0.0, 255.0 * 255.0)).probabilities,
                               as_bytes, atol=1e-5)


@pytest.mark.parametrize(("shape", "classes", "message"), [
    ((28, 28, 4), 10, "4 channels, not 1 (grey) or 3 (RGB)"),
    ((600, 20, 1), 10, "sides must be 8 to 512 pixels"),
    ((6, 28, 1), 10, "sides must be 8 to 512 pixels"),
])
def test_models_outside_what_guiapp_explains_get_one_clear_line(tmp_path, shape, classes, message):
    from guiapp.core.model.backend import keras

    k = keras()
    model = k.Sequential([k.Input(shape), k.layers.Flatten(), k.layers.Dense(classes, activation="softmax")])
    path = tmp_path / "odd.keras"
    model.save(path)
    with pytest.raises(ModelFileError) as caught:
        Inspector.load(path)
    text = str(caught.value)
    assert message in text and str(path) in text and "\n" not in text


def test_a_single_output_unit_is_not_a_classifier(tmp_path):
    from guiapp.core.model.backend import keras

    k = keras()
    model = k.Sequential([k.Input((28, 28, 1)), k.layers.Flatten(), k.layers.Dense(1)])
    path = tmp_path / "one.keras"
    model.save(path)
    with pytest.raises(ModelFileError, match="not a vector of 2 to 10,000 class scores"):
        Inspector.load(path)

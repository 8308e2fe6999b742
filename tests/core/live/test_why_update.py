"""The live pipeline with the Why tab's request: the explanation comes with the update, for any model."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp import paths
from guiapp.core.drawing.strokes import Drawing
from guiapp.core.explain.attribution import METHODS
from guiapp.core.training.data import load_samples
from guiapp.core.live.live_update import (
    AS_IT_IS,
    PictureInput,
    ExplainRequest,
    compute_update,
    counterfactual,
)
from guiapp.core.model.inference import Inspector


@pytest.fixture(scope="module")
def zero_drawing() -> Drawing:
    from PIL import Image

    samples = load_samples(paths.MNIST_SAMPLES)
    index = int(np.flatnonzero(samples.labels == 0)[0])
    canvas = Image.fromarray(samples.images[index]).resize((280, 280), Image.Resampling.BILINEAR)
    return Drawing(background=np.asarray(canvas, np.float32) / 255.0)


def test_a_grey_drawing_explained_by_the_colour_model(zero_drawing):
    """The colour example takes RGB 32×32: the drawing's grey input is explained in all three channels."""
    inspector = Inspector.load(paths.MODELS_DIR / "colour_digits.keras")
    update = compute_update(inspector, zero_drawing, why=ExplainRequest(at_rest=True))
    found = update.explanation
    assert found.problem is None and found.target == update.result.predicted == 0
    assert sorted(found.attributions) == sorted(METHODS)
    for attribution in found.attributions.values():
        assert attribution.values.shape == (32, 32) and np.isfinite(attribution.values).all()
    assert found.attributions["gradient"].per_channel.shape == (32, 32, 3)
    change = counterfactual(inspector, zero_drawing, 3)
    assert change.success and change.changed.shape == (32, 32, 3)
    assert int(np.argmax(inspector.run(change.changed).probabilities)) == 3  # a fresh forward pass agrees


def test_a_class_out_of_range_is_said_not_raised(zero_drawing):
    inspector = Inspector.load(paths.DEFAULT_MODEL)
    update = compute_update(inspector, zero_drawing, why=ExplainRequest(target=12))
    assert update.result.predicted == 0  # the update itself is whole
    assert update.explanation.problem == "class 12 is out of range: this model has classes 0 to 9"
    assert not update.explanation.attributions


def test_a_changed_input_is_taken_exactly_as_it_is(zero_drawing):
    """The counterfactual shown in every panel is not re-centred by MNIST's recipe."""
    inspector = Inspector.load(paths.DEFAULT_MODEL)
    change = counterfactual(inspector, zero_drawing, 6)
    shown = compute_update(inspector, PictureInput(change.changed, "changed", recipe=AS_IT_IS))
    np.testing.assert_allclose(shown.result.image, change.changed, atol=1e-6)
    assert shown.result.predicted == 6

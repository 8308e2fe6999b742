"""The Why tab's evidence maps against computations written here from the papers' formulas.

The reference is plain TensorFlow: the shipped model's convolution part as a Keras model, the rest
(max pool, flatten, dense, the last Dense's x@W+b) applied by hand from the weights inside a
``GradientTape``. Every method runs on both gradient sources: the compiled TensorFlow one and
whatever :func:`gradient_source` picks (the NumPy backward pass when that module exists).
"""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from guiapp.core.explain.attribution import (
    GRADCAM,
    GRADIENT,
    GRADIENT_INPUT,
    IG_MAX_STEPS,
    METHODS,
    NOTHING_TO_EXPLAIN,
    at_rest,
    integrated_gradients,
    live_explanation,
    occlusion,
    to_input_grid,
)
from guiapp.core.explain.gradients import conv_layers, gradient_source

LAST_CONV = "conv2d_1"
DIGITS = 20
GRADCAM_TOL = 1e-5  # relative to the largest value of the reference map
IG_STEPS = 64
IG_MAX_GAP = 5.0  # percent
FD_EPS = 1e-3  # small enough that few ReLUs change state between x − ε and x + ε
PATCH, STRIDE, FILL = 4, 2, 0.5
OCCLUSION_SIDE = (28 - PATCH) // STRIDE + 1  # 13 patch positions a side
HAS_NUMPY_SOURCE = importlib.util.find_spec("guiapp.core.explain.numpy_gradients") is not None


pytestmark = pytest.mark.usefixtures("one_blas_thread")


@pytest.fixture(scope="module")
def digits(mnist):
    return mnist.x_test[:DIGITS].astype(np.float32) / 255.0, mnist.y_test[:DIGITS].astype(int)


@pytest.fixture(scope="module", params=["tensorflow", "auto"])
def source(request, shipped_inspector):
    """KerasGradients, then the source the app would pick (skipped while the NumPy one is not written)."""
    if request.param == "tensorflow":
        from guiapp.core.explain.keras_gradients import KerasGradients

        return KerasGradients(shipped_inspector)
    if not HAS_NUMPY_SOURCE:
        pytest.skip("guiapp.core.explain.numpy_gradients is not written yet")
    return gradient_source(shipped_inspector)


class Reference:
    """The shipped network's conv output and logits in plain TensorFlow, independent of the sources."""

    def __init__(self, inspector) -> None:
        from guiapp.core.model.backend import keras, tensorflow

        self.tf = tensorflow()
        model = inspector.keras_model()
        self.upto = keras().Model(model.inputs[0], model.get_layer(LAST_CONV).output)
        self.weights = {name: (inspector.weights[name].kernel, inspector.weights[name].bias)
                        for name in ("dense", "dense_1")}

    def head(self, conv):
        """max pool 2×2 → flatten → dense (relu) → the last Dense before its softmax."""
        tf = self.tf
        pooled = tf.nn.max_pool2d(conv, 2, 2, "VALID")
        flat = tf.reshape(pooled, [tf.shape(pooled)[0], -1])
        kernel, bias = self.weights["dense"]
        hidden = tf.nn.relu(tf.matmul(flat, kernel) + bias)
        kernel, bias = self.weights["dense_1"]
        return tf.matmul(hidden, kernel) + bias

    def logits(self, images: np.ndarray) -> np.ndarray:
        batch = np.asarray(images, np.float32).reshape(-1, 28, 28, 1)
        return self.head(self.upto(batch, training=False)).numpy().astype(np.float64)

    def grad_cam(self, images: np.ndarray, targets: np.ndarray) -> np.ndarray:
        """Selvaraju et al.: ReLU(Σₖ mean(∂y_c/∂A_k)·A_k), y_c the logit of each image's target."""
        tf = self.tf
        with tf.GradientTape() as tape:
            conv = self.upto(np.asarray(images, np.float32).reshape(-1, 28, 28, 1), training=False)
            tape.watch(conv)
            y = tf.reduce_sum(tf.gather(self.head(conv), targets[:, None], batch_dims=1))
        alphas = tf.reduce_mean(tape.gradient(y, conv), axis=(1, 2))
        return tf.nn.relu(tf.einsum("nhwk,nk->nhw", conv, alphas)).numpy()


@pytest.fixture(scope="module")
def reference(shipped_inspector) -> Reference:
    return Reference(shipped_inspector)


def test_the_app_picks_the_numpy_source_for_the_shipped_model(shipped_inspector):
    if not HAS_NUMPY_SOURCE:
        pytest.skip("guiapp.core.explain.numpy_gradients is not written yet")
    assert conv_layers(shipped_inspector) == ("conv2d", LAST_CONV)
    assert gradient_source(shipped_inspector).name == "NumPy"
    assert gradient_source(shipped_inspector, prefer="tensorflow").name == "TensorFlow"


# --------------------------------------------------------------------------- correctness


def test_grad_cam_is_the_papers_formula_on_twenty_digits(source, reference, shipped_inspector, digits):
    images, labels = digits
    expected = reference.grad_cam(images, labels)
    for image, label, cam in zip(images, labels, expected, strict=True):
        found = live_explanation(source, image, int(label), conv_layer=LAST_CONV,
                                 layer_chains=shipped_inspector.chains).attributions[GRADCAM]
        assert found.grid.shape == (24, 24) and found.layer == LAST_CONV
        assert found.values.shape == (28, 28)
        assert cam.max() > 0  # the label's evidence is somewhere: the comparison is not of two zero maps
        np.testing.assert_allclose(found.grid, cam, rtol=0, atol=GRADCAM_TOL * max(float(cam.max()), 1.0))


@pytest.mark.parametrize("half", [0, 1])
def test_integrated_gradients_are_complete_on_twenty_digits(source, reference, digits, half):
    images, labels = (array[half * DIGITS // 2:(half + 1) * DIGITS // 2] for array in digits)
    ends = reference.logits(np.concatenate([images, np.zeros_like(images[:1])]))
    for index, (image, label) in enumerate(zip(images, labels, strict=True)):
        found = integrated_gradients(source, image, int(label), steps=IG_STEPS)
        expected = ends[index, label] - ends[-1, label]  # logit(x) − logit(black), computed here
        # 64 steps, doubled while the completeness gap exceeds 5% (how many depends on the weights shipped)
        assert found.check.steps in {IG_STEPS * 2 ** k for k in range(8)} and found.check.steps <= IG_MAX_STEPS
        assert found.check.gap_percent <= IG_MAX_GAP
        assert found.check.expected == pytest.approx(expected, rel=1e-4, abs=1e-4)
        total = float(found.values.sum(dtype=np.float64))
        assert abs(total - expected) <= IG_MAX_GAP / 100 * abs(expected)
        assert found.values.shape == (28, 28)
        assert np.all(found.values[image == 0] == 0)  # (x − black) is zero where there is no ink


def test_occlusion_is_the_logit_drop_of_each_occluded_image(source, reference, digits):
    image, label = digits[0][0], int(digits[1][0])
    found = occlusion(source, image, label)
    assert found.grid.shape == (OCCLUSION_SIDE, OCCLUSION_SIDE) and found.values.shape == (28, 28)
    original = reference.logits(image)[0, label]
    for i, j in [(0, 0), (6, 6), (5, 8), (12, 12), (3, 10)]:
        hidden = image.copy()
        hidden[2 * i:2 * i + PATCH, 2 * j:2 * j + PATCH] = FILL
        drop = original - reference.logits(hidden)[0, label]
        assert found.grid[i, j] == pytest.approx(drop, abs=1e-4)
    # A pixel's value is the mean drop of the patches that cover it: pixel (5, 9) lies under
    # the patches starting at rows 2, 4 and columns 6, 8; pixel (0, 0) under the first alone.
    assert found.values[5, 9] == pytest.approx(found.grid[1:3, 3:5].mean(), abs=1e-5)
    assert found.values[0, 0] == pytest.approx(found.grid[0, 0], abs=1e-6)
    assert found.values[27, 14] == pytest.approx(found.grid[12, 6:8].mean(), abs=1e-5)


def test_the_gradient_matches_finite_differences(source, reference, digits):
    image, label = digits[0][1], int(digits[1][1])
    gradient = live_explanation(source, image, label, methods=(GRADIENT,)).attributions[GRADIENT]
    assert gradient.values.shape == (28, 28) and gradient.per_channel.shape == (28, 28, 1)
    grad = gradient.values
    picked = np.argsort(np.abs(grad).ravel())[::-1][:5]  # the telling pixels, where the score moves
    for flat in picked:
        row, col = divmod(int(flat), 28)
        up, down = image.copy(), image.copy()
        up[row, col] += FD_EPS
        down[row, col] -= FD_EPS
        ends = reference.logits(np.stack([up, down]))[:, label]
        numeric = (ends[0] - ends[1]) / (2 * FD_EPS)
        assert grad[row, col] == pytest.approx(numeric, rel=0.1, abs=0.05 * float(np.abs(grad).max()))


def test_gradient_times_input_and_the_contrasts(source, shipped_inspector, digits):
    image = digits[0][0]  # a 7
    def live(target, contrast=None):
        return live_explanation(source, image, target, contrast, conv_layer=LAST_CONV,
                                layer_chains=shipped_inspector.chains)

    seven, one, versus = live(7), live(1), live(7, 1)
    np.testing.assert_allclose(seven.attributions[GRADIENT_INPUT].values, seven.attributions[GRADIENT].values * image,
                               rtol=1e-6, atol=1e-7)
    assert versus.target == 7 and versus.contrast == 1
    assert versus.score() == pytest.approx(seven.score() - float(one.logits[1]), abs=1e-4)
    for method in (GRADIENT, GRADIENT_INPUT):
        expected = seven.attributions[method].values - one.attributions[method].values
        np.testing.assert_allclose(versus.attributions[method].values, expected, rtol=1e-5, atol=1e-6)
    cam = seven.attributions[GRADCAM].grid - one.attributions[GRADCAM].grid
    np.testing.assert_allclose(versus.attributions[GRADCAM].grid, cam, rtol=1e-5, atol=1e-6)
    assert versus.attributions[GRADCAM].values.min() < 0 < versus.attributions[GRADCAM].values.max()


def test_to_input_grid_puts_a_unit_at_its_field_centre(shipped_inspector):
    chain = shipped_inspector.chains[LAST_CONV]  # two valid 3×3 convolutions: unit (i, j) sees (i..i+4, j..j+4)
    for i, j in [(5, 17), (12, 3), (20, 11)]:
        grid = np.zeros((24, 24), np.float32)
        grid[i, j] = 1.0
        placed = to_input_grid(grid, (28, 28), chain)
        assert placed.shape == (28, 28)
        assert np.unravel_index(np.argmax(placed), placed.shape) == (i + 2, j + 2)
        assert placed[i + 2, j + 2] == pytest.approx(1.0) and np.count_nonzero(placed) == 1
    # Centres fall on whole pixels, so the map is the grid shifted by (2, 2), its border rows and
    # columns repeating the nearest unit's value (unit (0, 0) covers input pixels (0..2, 0..2)).
    grid = np.random.default_rng(3).random((24, 24)).astype(np.float32)
    np.testing.assert_allclose(to_input_grid(grid, (28, 28), chain), np.pad(grid, 2, mode="edge"), atol=1e-6)


# --------------------------------------------------------------------------- bad input


@pytest.fixture(scope="module")
def dense_only(tmp_path_factory):
    """Flatten → Dense(16, relu) → Dense(10, softmax): nothing for Grad-CAM to weigh."""
    from guiapp.core.model.backend import keras
    from guiapp.core.model.inference import Inspector

    k = keras()
    model = k.Sequential([k.Input((28, 28, 1)), k.layers.Flatten(),
                          k.layers.Dense(16, activation="relu", kernel_initializer=k.initializers.GlorotUniform(7)),
                          k.layers.Dense(10, activation="softmax", kernel_initializer=k.initializers.GlorotUniform(8))])
    path = tmp_path_factory.mktemp("dense_only") / "dense_only.keras"
    model.save(path)
    return Inspector.load(path)


@pytest.mark.parametrize("which", ["tensorflow", "auto"])
def test_a_model_without_convolution_still_has_the_gradient_maps(dense_only, digits, which):
    from guiapp.core.explain.keras_gradients import KerasGradients

    if which == "auto" and not HAS_NUMPY_SOURCE:
        pytest.skip("guiapp.core.explain.numpy_gradients is not written yet")
    assert conv_layers(dense_only) == ()
    source = KerasGradients(dense_only) if which == "tensorflow" else gradient_source(dense_only)
    found = live_explanation(source, digits[0][0], conv_layer=None)
    assert "convolution layer" in found.unavailable[GRADCAM] and found.unavailable[GRADCAM].endswith("none")
    assert GRADCAM not in found.attributions
    for method in (GRADIENT, GRADIENT_INPUT):
        values = found.attributions[method].values
        assert values.shape == (28, 28) and np.isfinite(values).all() and np.abs(values).max() > 0


def test_a_class_out_of_range_or_a_contrast_equal_to_the_target_is_refused(source, digits):
    image = digits[0][0]
    for call in (lambda: live_explanation(source, image, 10), lambda: integrated_gradients(source, image, 10),
                 lambda: occlusion(source, image, 10), lambda: live_explanation(source, image, -1)):
        with pytest.raises(ValueError, match=r"class (10|-1) is out of range"):
            call()
    with pytest.raises(ValueError, match="contrast class 12 is out of range"):
        live_explanation(source, image, 3, contrast=12)
    for call in (lambda: live_explanation(source, image, 7, contrast=7),
                 lambda: integrated_gradients(source, image, 7, contrast=7),
                 lambda: occlusion(source, image, 7, contrast=7)):
        with pytest.raises(ValueError, match=r"contrast class is the target itself \(7\)"):
            call()


@pytest.mark.parametrize("level", [0.0, 1.0])
def test_a_blank_canvas_has_nothing_to_explain(source, level):
    blank = np.full((28, 28), level, np.float32)
    found = live_explanation(source, blank, conv_layer=LAST_CONV)
    assert found.blank and found.attributions == {}
    assert set(found.unavailable) == set(METHODS)
    assert all(reason == NOTHING_TO_EXPLAIN for reason in found.unavailable.values())
    assert np.isfinite(found.logits).all() and np.isfinite(found.probabilities).all()
    assert 0 <= found.target < 10 and np.isfinite(found.score())
    assert at_rest(source, blank, found) is found  # no integrated gradients, no occlusion of nothing

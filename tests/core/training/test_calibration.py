"""Calibration: ECE over 15 bins, confident mistakes, per-class accuracy, confusion pairs, temperature scaling."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp.core.training.calibration import (
    calibration_report,
    confident_mistakes,
    confusion_pairs,
    expected_calibration_error,
    fit_temperature,
    fold_temperature,
    negative_log_likelihood,
    per_class_accuracy,
    softmax,
)

# Four answers over three classes. Confidences 0.95 (right) and 0.97 (wrong) share bin 15, (14/15, 1];
# 0.70 (right) is alone in bin 11, (10/15, 11/15]; 0.62 (wrong) alone in bin 10, (9/15, 10/15].
PROBABILITIES = np.array([
    [0.95, 0.03, 0.02],
    [0.97, 0.02, 0.01],
    [0.10, 0.70, 0.20],
    [0.62, 0.30, 0.08],
])
LABELS = np.array([0, 2, 1, 1])
# By hand: bin 15 has accuracy 1/2 and mean confidence 0.96 → 2/4 × 0.46; bin 11: 1/4 × |1 − 0.70|;
# bin 10: 1/4 × |0 − 0.62|. ECE = (0.92 + 0.30 + 0.62) / 4 = 0.46.


def test_ece_by_hand():
    assert expected_calibration_error(PROBABILITIES, LABELS) == pytest.approx(0.46, abs=1e-12)
    # One bin: |accuracy − mean confidence| over all = |0.5 − 0.81|.
    assert expected_calibration_error(PROBABILITIES, LABELS, bins=1) == pytest.approx(0.31, abs=1e-12)


def test_a_calibrated_model_has_no_calibration_error():
    # Ten answers at 80% confidence, eight of them right; and five at 60% (class 1), three right.
    probabilities = np.array([[0.8, 0.2]] * 10 + [[0.4, 0.6]] * 5)
    labels = np.array([0] * 8 + [1] * 2 + [1] * 3 + [0] * 2)
    assert expected_calibration_error(probabilities, labels) == pytest.approx(0.0, abs=1e-12)
    assert expected_calibration_error(np.zeros((0, 3)), np.zeros(0, int)) == 0.0


def test_confident_mistakes_count_and_share():
    found = confident_mistakes(PROBABILITIES, LABELS)
    assert (found.count, found.mistakes) == (1, 2) and found.share == 0.5  # the 0.97 answer, of two mistakes
    assert confident_mistakes(PROBABILITIES, LABELS, threshold=0.6).count == 2
    assert confident_mistakes(PROBABILITIES[[0, 2]], LABELS[[0, 2]]).share == 0.0  # no mistakes at all


def test_per_class_accuracy_and_confusion_pairs():
    labels = np.array([0, 0, 0, 0, 1, 1, 2, 2, 2, 9, 9, 9, 9])
    answers = np.array([0, 0, 0, 6, 7, 1, 2, 2, 2, 4, 4, 7, 4])
    accuracy = per_class_accuracy(answers, labels, 10)
    assert accuracy[[0, 1, 2, 9]].tolist() == [0.75, 0.5, 1.0, 0.0]
    assert np.isnan(accuracy[3])  # no 3 was drawn
    assert confusion_pairs(answers, labels, top=3) == [(9, 4, 3), (0, 6, 1), (1, 7, 1)]
    assert confusion_pairs(labels, labels) == []


def test_report_gathers_everything():
    report = calibration_report(PROBABILITIES, LABELS)
    assert report.count == 4 and report.accuracy == 0.5
    assert report.per_class == (1.0, 0.5, 0.0)
    assert report.ece == pytest.approx(0.46) and report.confident.count == 1
    assert report.pairs == ((1, 0, 1), (2, 0, 1))


def test_bad_shapes_are_refused():
    with pytest.raises(ValueError, match="expected probabilities"):
        expected_calibration_error(PROBABILITIES, LABELS[:3])
    with pytest.raises(ValueError, match="class indices"):
        confident_mistakes(PROBABILITIES, np.array([0, 1, 2, 3]))
    with pytest.raises(ValueError, match="positive"):
        fold_temperature(np.ones((2, 2)), np.ones(2), 0.0)


def _over_confident(true_temperature: float, count: int = 20_000, seed: int = 0):
    """Labels drawn from softmax(z) — calibrated by construction — and the logits z·T a too-sure model gives."""
    rng = np.random.default_rng(seed)
    z = rng.normal(0.0, 2.0, (count, 10))
    z[np.arange(count), rng.integers(0, 10, count)] += 3.0  # a clear favourite, as a trained model has
    p = softmax(z)
    labels = (p.cumsum(axis=1) > rng.random((count, 1))).argmax(axis=1)
    return z * true_temperature, labels


@pytest.mark.parametrize("true_temperature", [2.5, 0.6])
def test_fitting_a_temperature_recovers_the_known_one(true_temperature):
    logits, labels = _over_confident(true_temperature)
    fitted = fit_temperature(logits, labels)
    assert fitted == pytest.approx(true_temperature, rel=0.05)
    before = expected_calibration_error(softmax(logits), labels)
    after = expected_calibration_error(softmax(logits / fitted), labels)
    assert after < 0.02 < before  # over- or under-confident by a lot, then within 2 points
    assert negative_log_likelihood(logits, labels, fitted) < negative_log_likelihood(logits, labels)
    assert (softmax(logits / fitted).argmax(1) == logits.argmax(1)).all()  # the answers do not change


def test_folding_the_temperature_into_the_dense_layer_is_dividing_the_logits():
    rng = np.random.default_rng(3)
    features = rng.normal(size=(64, 128)).astype(np.float32)
    kernel = rng.normal(0, 0.3, (128, 10)).astype(np.float32)
    bias = rng.normal(0, 0.3, 10).astype(np.float32)
    folded_kernel, folded_bias = fold_temperature(kernel, bias, 1.7)
    assert folded_kernel.dtype == np.float32 and folded_kernel.shape == (128, 10) and folded_bias.shape == (10,)
    divided = softmax((features @ kernel + bias) / 1.7)
    folded = softmax(features @ folded_kernel + folded_bias)
    np.testing.assert_allclose(folded, divided, atol=1e-6)
    assert not np.allclose(folded, softmax(features @ kernel + bias), atol=1e-3)  # it did change something


def test_folding_into_a_shipped_model_gives_the_divided_probabilities(pendigits):
    from guiapp import paths
    from guiapp.core.drawing.preprocess import drawing_to_network_input
    from guiapp.core.model.inference import Inspector
    from guiapp.core.training.pendigits import pendigit_drawing

    inspector = Inspector.load(paths.MODELS_DIR / "mnist_cnn.keras", engine="numpy")
    points, _ = pendigits
    images = np.stack([drawing_to_network_input(pendigit_drawing(p)) for p in points[:16]])
    last, before = inspector.layer_names[-1], inspector.layer_names[-2]
    outputs = inspector.batch_outputs(images, (before,))
    dense = inspector.weights[last]
    logits = outputs[before] @ dense.kernel + dense.bias
    weights = [array for layer in inspector.weights.values() for array in (layer.kernel, layer.bias)
               if array is not None]
    weights[-2:] = fold_temperature(weights[-2], weights[-1], 2.0)
    folded = inspector.with_weights(weights).predict_probabilities(images)
    np.testing.assert_allclose(folded, softmax(logits / 2.0), atol=1e-5)
    assert folded.max(axis=1).mean() < inspector.predict_probabilities(images).max(axis=1).mean()  # softer


def test_lecture_temperature_softens_until_few_mistakes_look_sure():
    from guiapp.core.training.calibration import confident_mistakes, fit_temperature, lecture_temperature

    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, 4000)
    logits = rng.normal(0, 1, (4000, 10))
    logits[np.arange(4000), labels] += 9.0  # sure and right
    wrong = rng.choice(4000, 120, replace=False)  # 3% mistakes, most of them said with a large margin
    other = (labels[wrong] + 1) % 10
    logits[wrong, other] = logits[wrong, labels[wrong]] + rng.uniform(0.5, 4.0, 120)
    fitted = fit_temperature(logits, labels)
    t, why = lecture_temperature(logits, labels, max_sure_share=0.3, max_ece=0.05)
    assert t > fitted and why.startswith("raised from the NLL fit")
    assert confident_mistakes(softmax(logits / t), labels).share <= 0.3
    assert confident_mistakes(softmax(logits / fitted), labels).share > 0.3
    kept, why = lecture_temperature(logits, labels, max_sure_share=0.3, max_ece=0.0001)
    assert kept == fitted and "no T keeps" in why  # too strict an ECE: the NLL fit stays

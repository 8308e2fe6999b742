"""Training writes a loadable model and its card atomically, refuses to overwrite, survives Ctrl-C."""

from __future__ import annotations

import json

import numpy as np
import pytest

from guiapp.core.errors import GuiappError, OutputExistsError
from guiapp.core.training.data import load_mnist_npz
from guiapp.core.training.training import TrainingConfig, train
from guiapp.core.model.inference import Inspector
from guiapp.core.model.modelcard import read_card

TINY = TrainingConfig(epochs=1, batch_size=64)


def test_a_tiny_training_writes_model_and_card(tmp_path, small_npz):
    data = load_mnist_npz(small_npz)
    out = tmp_path / "models" / "tiny.keras"
    result = train(data, out, TINY)
    assert out.is_file() and result.card_path == tmp_path / "models" / "tiny.json"
    card = json.loads(result.card_path.read_text())
    assert card == read_card(out)
    assert card["architecture"]["name"] == "mnist_cnn"
    assert card["params"] == {"total": 1199882, "trainable": 1199882}
    hyper = card["hyperparameters"]
    assert (hyper["batch_size"], hyper["epochs"], hyper["learning_rate"], hyper["optimizer"]) == (64, 1, 1.0, "Adadelta")
    assert card["epochs_completed"] == 1 and len(card["history"]) == 1
    assert 0.0 < card["test"]["accuracy"] <= 1.0 and card["test"]["samples"] == 256
    assert card["data"]["sha256"] == data.sha256()
    assert {"tensorflow", "keras", "numpy", "python"} <= set(card["versions"])
    # Learning rate 1.0 learns in one epoch on 768 digits; Keras 3's default 0.001 would not.
    assert card["test"]["accuracy"] > 0.5
    inspector = Inspector.load(out)
    assert getattr(inspector.keras_model(), "optimizer", None) is None  # shipped without optimizer state
    assert inspector.run(data.x_test[0]).probabilities.shape == (10,)
    assert sorted(p.name for p in out.parent.iterdir()) == ["tiny.json", "tiny.keras"]


def test_refuses_to_overwrite_without_force(tmp_path, small_npz):
    data = load_mnist_npz(small_npz)
    out = tmp_path / "m.keras"
    out.write_bytes(b"precious")
    with pytest.raises(OutputExistsError, match="already exists — pass --force"):
        train(data, out, TINY)
    assert out.read_bytes() == b"precious"
    train(data, out, TINY, force=True)
    assert out.read_bytes() != b"precious"


def test_output_must_be_a_keras_file(tmp_path, small_npz):
    with pytest.raises(GuiappError, match="must end in .keras"):
        train(load_mnist_npz(small_npz), tmp_path / "m.h5", TINY)


class _StopAfter:
    """Raises KeyboardInterrupt after a few batches, as Ctrl-C would."""

    def __init__(self, batches: int) -> None:
        self.batches = batches

    def epoch_started(self, epoch, epochs, batches):
        pass

    def batch_done(self, batch, logs):
        if batch >= self.batches:
            raise KeyboardInterrupt

    def epoch_done(self, epoch, logs):
        pass


def test_interrupt_leaves_the_existing_model_untouched(tmp_path, small_npz):
    data = load_mnist_npz(small_npz)
    out = tmp_path / "m.keras"
    out.write_bytes(b"old model")
    out.with_suffix(".json").write_text("{}")
    with pytest.raises(KeyboardInterrupt):
        train(data, out, TINY, force=True, progress=_StopAfter(2))
    assert out.read_bytes() == b"old model" and out.with_suffix(".json").read_text() == "{}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.json", "m.keras"]


def test_architectures_other_than_the_default(tmp_path, small_npz):
    data = load_mnist_npz(small_npz)
    result = train(data, tmp_path / "s.keras", TrainingConfig("same_padding_cnn", epochs=1, batch_size=128))
    assert result.card["params"]["total"] == 1134506
    assert np.isfinite(result.card["test"]["loss"])


def test_apply_temperature_divides_the_last_dense_layer():
    import numpy as np

    from guiapp.core.model.architectures import build_model, get_architecture
    from guiapp.core.training.training import apply_temperature

    model = build_model(get_architecture("mnist_cnn"), seed=1)
    kernel, bias = model.layers[-1].get_weights()
    bias = bias + 0.3  # a bias that is not all zeros
    model.layers[-1].set_weights([kernel, bias])
    x = np.random.default_rng(0).random((4, 28, 28, 1)).astype("float32")
    before = np.asarray(model(x))
    apply_temperature(model, 2.0)
    k2, b2 = model.layers[-1].get_weights()
    np.testing.assert_allclose(k2, kernel / 2, rtol=1e-6)
    np.testing.assert_allclose(b2, bias / 2, rtol=1e-6)
    after = np.asarray(model(x))
    assert (after.argmax(1) == before.argmax(1)).all() and after.max() < before.max()  # same answer, less sure

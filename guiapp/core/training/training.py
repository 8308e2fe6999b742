"""Train a named architecture on MNIST exactly as the seed does, and save it with its card.

The seed (Keras' ``mnist_cnn.py``) uses batch 128, 12 epochs, categorical
cross-entropy and ``Adadelta()``. In that Keras, Adadelta's default learning rate
was 1.0; Keras 3 changed the default to 0.001, which silently trains a far worse
model. We therefore pass 1.0 (and the old rho/epsilon) explicitly.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from guiapp.core.atomic import atomic_paths, check_writable_folder, refuse_overwrite
from guiapp.core.errors import GuiappError, file_problem, short_reason
from guiapp.core.training.callbacks import (
    TrainingProgress,
    divergence_guard,
    history_callback,
    progress_callback,
)
from guiapp.core.training.data import NUM_CLASSES, MnistData, to_network_input
from guiapp.core.training.history import RunSettings
from guiapp.core.training.history_writer import HistoryWriter, check_history_output
from guiapp.core.model.architectures import (
    DEFAULT_ARCHITECTURE,
    Architecture,
    build_model,
    get_architecture,
)
from guiapp.core.model.modelcard import card_path_for, card_text

if TYPE_CHECKING:
    from guiapp.core.training.prepared import PreparedModel

__all__ = [
    "DEFAULT_LEARNING_RATES", "OPTIMIZERS", "OUT_HINT", "TrainingConfig", "TrainingResult", "apply_temperature",
    "check_output",
    "compile_model",
    "keras2_categorical_crossentropy", "make_optimizer", "run_settings", "save_model_and_card", "train",
    "training_count", "training_subset",
]


@dataclass(frozen=True)
class TrainingConfig:
    """The seed's hyperparameters; change them only on purpose."""

    architecture: str = DEFAULT_ARCHITECTURE
    epochs: int = 12
    batch_size: int = 128
    learning_rate: float = 1.0  # the seed's Keras 2 Adadelta default (Keras 3's is 0.001)
    rho: float = 0.95
    epsilon: float = 1e-7
    seed: int = 0
    keras2_loss: bool = True  # cross-entropy on clipped probabilities, as the seed's Keras computed it
    ema: float = 0.0  # > 0: keep an exponential moving average of the weights (Keras' use_ema) and ship it
    optimizer: str = "adadelta"  # one of OPTIMIZERS
    momentum: float = 0.9  # SGD's
    train_size: int | None = None  # None: every training digit; else that many, drawn with the seed
    temperature: float = 1.0  # ≠ 1: the last Dense layer's weights and bias are divided by it once trained,
    # so its probabilities are softmax(logits / T) — calibrated (calibration.py) with the architecture unchanged


OPTIMIZERS = {"adadelta": "Adadelta", "sgd": "SGD with momentum", "adam": "Adam"}
DEFAULT_LEARNING_RATES = {"adadelta": 1.0, "sgd": 0.01, "adam": 0.001}


def make_optimizer(keras: Any, config: TrainingConfig) -> Any:
    """The configured optimizer; Adadelta with the seed's Keras 2 settings unless told otherwise."""
    ema = {"use_ema": True, "ema_momentum": config.ema} if config.ema > 0 else {}
    if config.optimizer == "adadelta":
        return keras.optimizers.Adadelta(learning_rate=config.learning_rate, rho=config.rho, epsilon=config.epsilon,
                                         **ema)
    if config.optimizer == "sgd":
        return keras.optimizers.SGD(learning_rate=config.learning_rate, momentum=config.momentum, **ema)
    if config.optimizer == "adam":
        return keras.optimizers.Adam(learning_rate=config.learning_rate, **ema)
    raise GuiappError(f"unknown optimizer {config.optimizer!r}: choose one of {', '.join(OPTIMIZERS)}")


def compile_model(keras: Any, model: Any, config: TrainingConfig) -> None:
    """Compile ``model`` as a run trains it: the configured optimizer, the loss, accuracy."""
    loss = keras2_categorical_crossentropy if config.keras2_loss else "categorical_crossentropy"
    model.compile(loss=loss, optimizer=make_optimizer(keras, config), metrics=["accuracy"])


def training_count(available: int, config: TrainingConfig) -> int:
    """How many of ``available`` training digits a run uses: all, or ``train_size`` of them."""
    if config.train_size is not None and config.train_size < 1:
        raise GuiappError("the training-set size must be at least 1")
    return available if config.train_size is None else min(available, config.train_size)


def training_subset(data: MnistData, config: TrainingConfig) -> tuple[np.ndarray, np.ndarray]:
    """The training digits a run uses: all of them, or ``train_size`` drawn with the run's seed."""
    count = len(data.x_train)
    if training_count(count, config) == count:
        return data.x_train, data.y_train
    chosen = np.sort(np.random.default_rng(config.seed).permutation(count)[: config.train_size])
    return data.x_train[chosen], data.y_train[chosen]


def run_settings(config: TrainingConfig, train_samples: int) -> RunSettings:
    """What a history records of ``config``: the settings the Training page's form shows when it is replayed."""
    return RunSettings(epochs=config.epochs, batch_size=config.batch_size, optimizer=config.optimizer,
                       learning_rate=config.learning_rate, seed=config.seed, train_samples=train_samples)


@dataclass(frozen=True)
class TrainingResult:
    model_path: Path
    card_path: Path
    card: dict[str, Any]


def keras2_categorical_crossentropy(y_true: Any, y_pred: Any) -> Any:
    """Categorical cross-entropy exactly as the seed's Keras 2 computed it.

    Keras 3 notices that ``y_pred`` comes from a softmax and works on the logits instead;
    Keras 2 normalised and clipped the probabilities to [ε, 1 − ε] (ε = 1e-7) first, so
    a training digit the network is already sure of stops pulling on the weights. That
    detail is part of reproducing the seed's accuracy.
    """
    from guiapp.core.model.backend import keras

    ops = keras().ops
    epsilon = 1e-7
    y_pred = y_pred / ops.sum(y_pred, axis=-1, keepdims=True)
    y_pred = ops.clip(y_pred, epsilon, 1.0 - epsilon)
    return -ops.sum(y_true * ops.log(y_pred), axis=-1)


OUT_HINT = "e.g. --out models/my_model.keras"


def check_output(out: Path, *, force: bool, hint: str | None = None) -> None:
    """Fail early (before loading data or training) if ``out`` or its card cannot or may not be written.

    Training takes minutes; finding out afterwards that the folder is read-only, or that the
    card's name is taken by a folder, would throw that work away. ``hint`` replaces the command
    line's advice (``--out``) for a caller that chooses the output itself (the Training page).
    """
    if out.suffix != ".keras":
        raise GuiappError(file_problem(out, "the output must end in .keras", hint or OUT_HINT))
    for path in (out, card_path_for(out)):
        if path.is_dir():
            raise GuiappError(file_problem(path, "is a folder, so the trained model and its card cannot go there",
                                           hint or OUT_HINT))
        if path.exists() and not path.is_file():
            raise GuiappError(file_problem(path, "is not a regular file", hint or OUT_HINT))
    refuse_overwrite(out, card_path_for(out), force=force)
    check_writable_folder(out.parent, hint or "choose a folder you can write to with --out")


def _initial_weights(model: Any, init: Path) -> dict[str, Any]:
    """Start from a trained model's weights (same architecture); returns what the card records.

    The file is opened once and read whole, checked in memory before Keras is given anything (a FIFO would
    block it, /dev/zero never end, a config saying Dense(70000) fill memory before a weight is read):
    Keras loads a private copy of those bytes, and the card records their sha256 — what was checked is
    what was loaded and what is recorded, even if the file changes meanwhile.
    """
    import hashlib

    from guiapp.core.model.backend import keras
    from guiapp.core.model.model_check import read_checked
    from guiapp.core.model.model_file import ModelFile, private_copy

    init = Path(init)
    hint = "give a .keras model of the same architecture"
    source = ModelFile(init, *read_checked(init, hint))  # ModelFileError, one line, if refused; no card needed
    try:
        with private_copy(source) as copy:
            try:
                loaded = keras().models.load_model(copy, compile=False)
                model.set_weights(loaded.get_weights())
            except Exception as exc:  # noqa: BLE001 — not a model, or another architecture
                text = str(exc).replace(str(copy), str(init))  # name the user's file, not the private copy
                reason = (text.splitlines() or [type(exc).__name__])[0][:120]
                raise GuiappError(file_problem(init, f"cannot start from it ({reason})", hint)) from None
    except OSError as exc:  # no room for the copy in the temporary folder
        raise GuiappError(file_problem(init, f"cannot be copied for Keras ({exc.strerror or exc})", hint)) from None
    return {"file": init.name, "sha256": hashlib.sha256(source.data).hexdigest()}


def train(
    data: MnistData,
    out: Path,
    config: TrainingConfig = TrainingConfig(),
    *,
    force: bool = False,
    progress: TrainingProgress | None = None,
    architecture: Architecture | None = None,
    recipe: dict[str, Any] | None = None,
    init: Path | None = None,
    history: Path | None = None,
    callbacks: Sequence[Any] = (),
    on_snapshot: Callable[[Any], None] | None = None,
    prepared: PreparedModel | None = None,
) -> TrainingResult:
    """Train, evaluate on the test set, then write ``out`` and its card together, atomically.

    Nothing is written until training has finished, so an interrupt (Ctrl-C raises
    ``KeyboardInterrupt`` out of this call) leaves any existing model and card untouched,
    unless it is a :class:`~guiapp.core.atomic.CommittedInterrupt`: both new files were written.
    ``history``: a folder for snapshots of the weights as training goes (:mod:`guiapp.core.training.history`),
    checked before the work like ``out``; an interrupted run leaves the snapshots taken so far in a new folder,
    listed in a whole index. An old history there (``force``) is replaced only at the end, once the model and
    card are written: until then it stays whole, and a run that does not get there leaves it as it was.
    ``callbacks``: more Keras callbacks (the Training page's live view and its pause and stop buttons);
    an exception one raises ends the run the same way, with nothing written. ``on_snapshot(snapshot)`` is
    called (from the history's writing thread) once each snapshot is on disk. ``prepared``: a model traced
    ahead (:mod:`.prepared`), used if it was prepared for this network and optimizer (the run is the same).
    A run that diverges (its loss or weights no longer finite, or its loss climbed far and stayed there) ends
    the same way, with :class:`~guiapp.core.training.callbacks.TrainingDiverged`.
    """
    out = Path(out)
    check_output(out, force=force)
    if history is not None:
        check_history_output(history, force=force)
    if config.epochs < 1 or config.batch_size < 1:
        raise GuiappError("epochs and batch size must be at least 1")
    if not 0.05 <= config.temperature <= 20.0:  # calibration.TEMPERATURE_RANGE: beyond it the model is broken
        raise GuiappError(f"a temperature must be from 0.05 to 20, not {config.temperature}")
    arch = architecture if architecture is not None else get_architecture(config.architecture)

    from guiapp.core.model.backend import keras, versions

    k = keras()
    model = prepared.take(arch, config) if prepared is not None and init is None else None
    started_from = None
    if model is None:  # none traced ahead for this network (the warm trainer's, :mod:`.prepared`)
        model = build_model(arch, seed=config.seed)
        started_from = _initial_weights(model, init) if init is not None else None
        compile_model(k, model, config)

    train_images, train_labels = training_subset(data, config)
    x_train, x_test = to_network_input(train_images), to_network_input(data.x_test)
    y_train = k.utils.to_categorical(train_labels, NUM_CLASSES)
    y_test = k.utils.to_categorical(data.y_test, NUM_CLASSES)
    batches = int(np.ceil(len(x_train) / config.batch_size))
    every = [divergence_guard(k, OPTIMIZERS[config.optimizer], config.learning_rate, samples=len(x_train),
                              batch_size=config.batch_size, classes=NUM_CLASSES)]
    if progress:
        every.append(progress_callback(k, progress, config.epochs, batches))
    writer = (HistoryWriter(history, arch.to_dict(), batches, config.epochs, force=force, on_saved=on_snapshot,
                            settings=run_settings(config, len(x_train)))
              if history is not None else None)
    # The writer's end: an old history is replaced once the model and card are written, else left whole.
    with writer if writer is not None else contextlib.nullcontext():
        keeper = history_callback(k, writer) if writer is not None else None
        if keeper is not None:
            every.append(keeper)
        every += list(callbacks)

        started = time.perf_counter()
        try:
            history = model.fit(
                x_train, y_train,
                batch_size=config.batch_size, epochs=config.epochs, verbose=0,
                validation_data=(x_test, y_test),  # as in the seed
                callbacks=every,
            )
        finally:  # however the run ends, the snapshots taken are written whole before this returns or raises
            if writer is not None:
                keeper.flush()  # the network as built, if the run ended before its second batch
                writer.wait()
        seconds = time.perf_counter() - started
        if config.temperature != 1.0:
            apply_temperature(model, config.temperature)
        test_loss, test_accuracy = model.evaluate(x_test, y_test, batch_size=500, verbose=0)

        # Save a fresh, uncompiled copy: the shipped file holds no optimizer state.
        clean = build_model(arch)
        clean.set_weights(model.get_weights())
        epochs_log = [
            {"epoch": i + 1, **{key: float(values[i]) for key, values in history.history.items()}}
            for i in range(len(history.history.get("loss", [])))
        ]
        card = {
            "architecture": arch.to_dict(),
            "params": {
                "total": int(clean.count_params()),
                "trainable": int(sum(int(np.prod(w.shape)) for w in clean.trainable_weights)),
            },
            "hyperparameters": {
                **{key: value for key, value in asdict(config).items() if key != "architecture"},
                "optimizer": OPTIMIZERS[config.optimizer],
                "loss": "categorical_crossentropy"
                + (" on probabilities clipped to [1e-7, 1 − 1e-7], as in Keras 2" if config.keras2_loss else ""),
                "validation_data": "test set (as in the seed)",
            },
            "epochs_completed": len(epochs_log),
            "history": epochs_log,
            "test": {"accuracy": float(test_accuracy), "loss": float(test_loss), "samples": len(x_test)},
            "data": {
                "source": Path(data.source).name,
                "train_samples": len(x_train),
                "test_samples": len(x_test),
                "sha256": data.sha256(),
            },
            **({"training_data": recipe} if recipe else {}),
            **({"initialised_from": started_from} if started_from else {}),
            "training_seconds": round(seconds, 1),
            "versions": versions(),
            "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        }
        card_path = card_path_for(out)
        save_model_and_card(clean, card, out)
    return TrainingResult(model_path=out, card_path=card_path, card=card)


def apply_temperature(model: Any, temperature: float) -> None:
    """Divide the model's last Dense layer's kernel and bias by ``temperature`` (calibration.fold_temperature)."""
    from guiapp.core.training.calibration import fold_temperature

    last = model.layers[-1]
    weights = last.get_weights()
    if type(last).__name__ != "Dense" or len(weights) != 2:
        raise GuiappError(f"a temperature needs a model ending in a Dense layer with a bias, not {type(last).__name__}")
    last.set_weights(list(fold_temperature(weights[0], weights[1], temperature)))


def save_model_and_card(model: Any, card: dict[str, Any], out: Path) -> None:
    """Replace ``out`` and its card together or not at all (see :func:`~guiapp.core.atomic.atomic_paths`).

    A model beside an older model's card would describe the wrong weights. Ctrl-C while the
    files are written leaves the old pair; Ctrl-C during the final renames is held until both
    are in place and then raised as :class:`~guiapp.core.atomic.CommittedInterrupt`.
    """
    try:
        with atomic_paths(out, card_path_for(out)) as (model_tmp, card_tmp):
            model.save(model_tmp)
            card_tmp.write_text(card_text(card), encoding="utf-8")
    except OSError as exc:
        raise GuiappError(file_problem(out, f"could not be written ({short_reason(exc)})",
                                       "nothing was written; the files that were there are untouched")) from None

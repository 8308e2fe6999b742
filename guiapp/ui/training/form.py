"""What a run trains and how: a preset, the network, epochs, batch size, optimizer and learning rate, data,
random seed.

A preset (:mod:`guiapp.core.training.presets`) fills the settings for the time there is: the quick demo
(chosen at first: under a minute to a network that reads digits), a lecture's five minutes, or the original
Keras example's full recipe (``mnist_cnn``, 12 epochs of 128, Adadelta at 1.0, all 60,000 digits). Editing
a setting makes the preset read "Custom". Choosing an optimizer puts its usual learning rate in the box. A replayed history's own
settings are put in the form (:meth:`TrainingForm.show_run`), with a line saying whose they are — or, for
a history that does not record them, that the form holds the settings for a new run.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

from guiapp.core.training.history import RunSettings
from guiapp.core.training.presets import DEFAULT_PRESET, PRESETS, matching_preset
from guiapp.core.training.training import (
    DEFAULT_LEARNING_RATES,
    OPTIMIZERS,
    TrainingConfig,
)
from guiapp.core.model.arch_edit import training_problem
from guiapp.core.model.architectures import (
    ARCHITECTURES,
    DEFAULT_ARCHITECTURE,
    Architecture,
)

MNIST_TRAIN = 60_000
FROM_EXPLORER = "the explorer's network"
COMBO_LETTERS = 12  # a setting's box is at least this many letters wide (its list shows every name whole)
CUSTOM = "Custom"  # the preset box, once the settings are no preset's
RANDOM_SEED_TIP = ("Same random seed, same settings: the same run, batch for batch — it picks the training "
                   "digits, their order and the starting weights")


class TrainingForm(QWidget):
    """The run's settings; :meth:`config` and :meth:`architecture` read them, :meth:`problem` checks them."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._explorer: Architecture | None = None
        self._applying = False  # a history's settings are being put in the form: not the user's edit
        #: Whose settings the form shows ("" once the user edits them, or for a new run).
        self.origin = QLabel()
        self.origin.setTextFormat(Qt.TextFormat.PlainText)  # a stranger's network name is not markup
        self.origin.setWordWrap(True)
        self.origin.hide()
        self.arch_box = QComboBox()
        self.arch_box.addItems(list(ARCHITECTURES))
        self.arch_box.setCurrentText(DEFAULT_ARCHITECTURE)
        self.arch_box.setToolTip("The network to train: a named one, or the one edited in the Architecture explorer")
        self.preset = QComboBox()
        for key, preset in PRESETS.items():
            self.preset.addItem(preset.label, key)
            self.preset.setItemData(self.preset.count() - 1, preset.tooltip, Qt.ItemDataRole.ToolTipRole)
        self.preset.addItem(CUSTOM, None)
        self.epochs = _spin(1, 200, TrainingConfig.epochs, "Passes over the training digits")
        self.batch = _spin(1, 4096, TrainingConfig.batch_size, "Digits per gradient step")
        self.optimizer = QComboBox()
        for key, text in OPTIMIZERS.items():
            self.optimizer.addItem(text, key)
        self.optimizer.setToolTip("Adadelta at learning rate 1.0 is the original Keras example's (Keras 2's "
                                  "default); Adam learns faster from few digits")
        self.rate = QDoubleSpinBox()
        self.rate.setDecimals(5)
        self.rate.setRange(1e-5, 100.0)
        self.rate.setSingleStep(0.001)
        self.rate.setValue(TrainingConfig.learning_rate)
        self.size = _spin(100, MNIST_TRAIN, MNIST_TRAIN, "How many training digits (fewer: a quicker demo)")
        self.size.setSingleStep(1000)
        self.size.setSpecialValueText("")
        self.seed = _spin(0, 2**31 - 1, TrainingConfig.seed, RANDOM_SEED_TIP)
        self.note = QLabel()
        self.note.setWordWrap(True)
        for box in (self.preset, self.arch_box, self.optimizer):  # narrow: the box shrinks, its list does not
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(COMBO_LETTERS)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.origin)
        for label, widget in (("Preset", self.preset), ("Network", self.arch_box), ("Epochs", self.epochs),
                              ("Batch size", self.batch), ("Optimizer", self.optimizer),
                              ("Learning rate", self.rate), ("Training digits", self.size),
                              ("Random seed", self.seed)):
            form.addRow(label, widget)
        form.addRow(self.note)
        self.optimizer.currentIndexChanged.connect(self._on_optimizer)
        self.preset.activated.connect(self._on_preset)
        for signal in (self.arch_box.currentIndexChanged, self.optimizer.currentIndexChanged,
                       self.epochs.valueChanged, self.batch.valueChanged, self.rate.valueChanged,
                       self.size.valueChanged, self.seed.valueChanged):
            signal.connect(self._on_changed)
        self.use_preset(DEFAULT_PRESET)

    def use_preset(self, key: str) -> None:
        """Put preset ``key``'s settings in the form (the network and the random seed stay as they are)."""
        config = PRESETS[key].config
        self._applying = True
        try:
            self.optimizer.setCurrentIndex(self.optimizer.findData(config.optimizer))  # its usual rate first
            self.epochs.setValue(config.epochs)
            self.batch.setValue(config.batch_size)
            self.rate.setValue(config.learning_rate)
            self.size.setValue(config.train_size or MNIST_TRAIN)
        finally:
            self._applying = False
        self._on_changed()

    def _on_preset(self, index: int) -> None:
        key = self.preset.itemData(index)
        if key is not None:
            self.use_preset(key)
        else:
            self._show_preset()  # "Custom" is what edits make, not a choice: back to what the settings are

    def _show_preset(self) -> None:
        """The preset box names the preset the settings are, or "Custom"."""
        found = matching_preset(self.config())
        self.preset.setCurrentIndex(self.preset.findData(found.key) if found else self.preset.findText(CUSTOM))
        self.preset.setToolTip(found.tooltip if found else "These settings are no preset's; choose one to "
                               "put its settings back")

    def use_architecture(self, arch: Architecture) -> None:
        """Offer (and choose) ``arch``, the explorer's network."""
        self._explorer = arch
        if self.arch_box.findText(FROM_EXPLORER) < 0:
            self.arch_box.addItem(FROM_EXPLORER)
        self.arch_box.setCurrentText(FROM_EXPLORER)
        self._on_changed()

    def show_run(self, settings: RunSettings | None, architecture: Mapping[str, Any], name: str) -> None:
        """Put a replayed run's settings in the form (Start would train it again) and say so; a history that does
        not record them leaves the form as it is, saying these are the settings for a new run."""
        if settings is None:
            self._set_origin(f"The history of {name} does not record its settings: these are the settings for "
                             "a new run.")
            return
        unlike = []  # what the form cannot show as the run had it
        self._applying = True
        try:
            network = next((text for text, arch in self._networks() if _same(arch, architecture)), None)
            if network is None:
                unlike.append("the network is not one this form offers")
            else:
                self.arch_box.setCurrentText(network)
            position = self.optimizer.findData(settings.optimizer)
            if position < 0:
                unlike.append(f"optimizer {settings.optimizer!r} is not one this form offers")
            else:
                self.optimizer.setCurrentIndex(position)  # its usual learning rate first, then the run's
            for label, box, value in (("epochs", self.epochs, settings.epochs),
                                      ("batch size", self.batch, settings.batch_size),
                                      ("training digits", self.size, settings.train_samples),
                                      ("random seed", self.seed, settings.seed)):
                box.setValue(min(max(value, box.minimum()), box.maximum()))
                if box.value() != value:
                    unlike.append(f"{label} {value:,} is outside this form's {box.minimum():,}–{box.maximum():,}")
            self.rate.setValue(settings.learning_rate)
            if abs(self.rate.value() - settings.learning_rate) > 1e-9 * max(1.0, settings.learning_rate):
                unlike.append(f"learning rate {settings.learning_rate:g} does not fit this form's box")
        finally:
            self._applying = False
        self._on_changed()
        self._set_origin(f"The settings {name} was trained with" + (f" ({'; '.join(unlike)})" if unlike else "")
                         + ": Start trains a new network with them.")

    def clear_origin(self) -> None:
        """The form holds the user's settings (a new run starts, or they were edited)."""
        self._set_origin("")

    def _set_origin(self, text: str) -> None:
        self.origin.setText(text)
        self.origin.setVisible(bool(text))

    def _networks(self) -> list[tuple[str, Architecture]]:
        named = list(ARCHITECTURES.items())
        return named + ([(FROM_EXPLORER, self._explorer)] if self._explorer is not None else [])

    def architecture(self) -> Architecture:
        name = self.arch_box.currentText()
        if name == FROM_EXPLORER and self._explorer is not None:
            return self._explorer
        return ARCHITECTURES[name]

    def config(self) -> TrainingConfig:
        size = self.size.value()
        return TrainingConfig(
            architecture=self.architecture().name, epochs=self.epochs.value(), batch_size=self.batch.value(),
            optimizer=str(self.optimizer.currentData()), learning_rate=float(self.rate.value()),
            train_size=None if size >= MNIST_TRAIN else size, seed=self.seed.value())

    def problem(self) -> str | None:
        """Why this network cannot be trained on MNIST here, or None."""
        return training_problem(self.architecture())

    def set_enabled(self, enabled: bool) -> None:
        """Settings are fixed while a run goes."""
        for widget in (self.preset, self.arch_box, self.epochs, self.batch, self.optimizer, self.rate, self.size,
                       self.seed):
            widget.setEnabled(enabled)

    def _on_optimizer(self) -> None:
        self.rate.setValue(DEFAULT_LEARNING_RATES[str(self.optimizer.currentData())])

    def _on_changed(self, *_args: object) -> None:
        if self._applying:
            return
        if self.origin.text():  # a replayed run's setting was changed: no longer the run's
            self.clear_origin()
        self._show_preset()
        config = self.config()
        problem = self.problem()
        count = config.train_size or MNIST_TRAIN
        batches = -(-count // config.batch_size)
        self.note.setText(f"<span style='color:#ff8080'>Cannot train: {problem}</span>" if problem else
                          f"{batches:,} batches an epoch × {config.epochs} = {batches * config.epochs:,} steps; "
                          "validated on the 10,000 test digits after each epoch")
        self.changed.emit()


def _same(arch: Architecture, recorded: Mapping[str, Any]) -> bool:
    """``recorded`` (a history's JSON) describes ``arch``."""
    return json.loads(json.dumps(arch.to_dict())) == recorded


def _spin(low: int, high: int, value: int, tip: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setValue(value)
    spin.setGroupSeparatorShown(True)
    spin.setToolTip(tip)
    return spin

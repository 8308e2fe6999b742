"""The selected layer's settings as a form: spin boxes, pairs with an '=' link, choices.

The form is rebuilt only when another layer (or kind) is selected, so editing a value
never steals the focus from the box being edited; ``edited(key, value)`` reports each change.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from guiapp.core.arithmetic.conv_arithmetic import pair
from guiapp.core.model import arch_edit
from guiapp.core.model.architectures import LayerSpec

SPIN_MAX = 100_000


def _pair(value: Any) -> tuple[int, int]:
    """A setting's two numbers; an unset stride (None) is 1."""
    return pair(value) if value is not None else (1, 1)


class LayerSettingsForm(QWidget):
    """Editors for one layer's settings (:data:`guiapp.core.model.arch_edit.SETTINGS`)."""

    edited = Signal(str, object)  # setting key, new value (None: back to the default)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.form = QFormLayout()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(self.form)
        self.editors: dict[str, Any] = {}
        self._signature: tuple | None = None
        self._spec: LayerSpec | None = None

    def show_layer(self, index: int, spec: LayerSpec) -> None:
        """Show layer ``index``'s settings (the editors are rebuilt only for another layer or kind)."""
        self._spec = spec
        settings = arch_edit.SETTINGS.get(spec.kind, ())
        if self._signature != (index, spec.kind):
            while self.form.rowCount():
                self.form.removeRow(0)
            self.editors = {s.key: self._make_editor(s) for s in settings}
            self._signature = (index, spec.kind)
        self.title.setText(f"<b>{spec.name}</b> ({spec.kind})" + ("" if settings else " — nothing to set"))
        for setting in settings:
            self._show_value(setting, arch_edit.setting_value(spec, setting.key))

    def _make_editor(self, setting: arch_edit.Setting) -> Any:
        key = setting.key
        if setting.type == "choice":
            box = QComboBox()
            box.addItems(list(setting.choices))
            box.activated.connect(lambda i, k=key, b=box: self.edited.emit(k, b.itemText(i)))
            self.form.addRow(setting.label, box)
            return box
        if setting.type == "float":
            spin = QDoubleSpinBox()
            spin.setRange(setting.low, setting.high)
            spin.setSingleStep(0.05)
            spin.valueChanged.connect(lambda v, k=key: self.edited.emit(k, round(v, 2)))
            self.form.addRow(setting.label, spin)
            return spin
        if setting.type == "int":
            spin = QSpinBox()
            spin.setRange(-SPIN_MAX, SPIN_MAX)  # a zero or negative size is explained, not forbidden
            spin.valueChanged.connect(lambda v, k=key: self.edited.emit(k, v))
            self.form.addRow(setting.label, spin)
            return spin
        row = QHBoxLayout()
        spins = (QSpinBox(), QSpinBox())
        for spin in spins:
            spin.setRange(-SPIN_MAX, SPIN_MAX)
            row.addWidget(spin)
        link = QCheckBox("=" if setting.type == "pair" else "= pool size")
        row.addWidget(link)

        def changed(*_: object, k=key, s=spins, c=link, optional=setting.type == "optional_pair") -> None:
            if optional and c.isChecked():
                self.edited.emit(k, None)
            else:
                self.edited.emit(k, (s[0].value(), s[0].value() if (c.isChecked() and not optional) else s[1].value()))

        for spin in spins:
            spin.valueChanged.connect(changed)
        link.toggled.connect(changed)
        self.form.addRow(setting.label, row)
        return spins, link

    def _show_value(self, setting: arch_edit.Setting, value: Any) -> None:
        widget = self.editors[setting.key]
        if setting.type == "choice":
            widget.blockSignals(True)
            widget.setCurrentText(str(value))
            widget.blockSignals(False)
            return
        if setting.type in ("int", "float"):
            widget.blockSignals(True)
            widget.setValue(value if value is not None else 0)
            widget.blockSignals(False)
            return
        (first, second), link = widget
        if setting.type == "optional_pair" and value is None:
            value = arch_edit.setting_value(self._spec, "pool_size")
            linked = True
        else:
            linked = setting.type == "pair" and value is not None and _pair(value)[0] == _pair(value)[1]
        h, w = _pair(value)
        for spin, number in ((first, h), (second, w), (link, linked)):
            spin.blockSignals(True)
            (spin.setChecked if spin is link else spin.setValue)(number)
            spin.blockSignals(False)
        second.setEnabled(not link.isChecked())
        if setting.type == "optional_pair":
            first.setEnabled(not link.isChecked())

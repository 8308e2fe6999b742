"""comparison: the explorer's line comparing an edited network with its start — a layer after an invalid one is
"not computed", never "removed"; a removed layer is removed."""

from __future__ import annotations

from guiapp.core.arithmetic.ledger import ledger_for_architecture
from guiapp.core.model import arch_edit
from guiapp.core.model.architectures import ARCHITECTURES
from guiapp.ui.explorer.comparison import NOT_COMPUTED, comparison_text

SEED = ARCHITECTURES["mnist_cnn"]


def _text(arch):
    return comparison_text(SEED, arch, ledger_for_architecture(arch))


def test_unchanged_and_changed():
    assert _text(SEED) == "mnist_cnn as in the article: 1,199,882 parameters. Edit a layer to see what changes."
    fewer = arch_edit.set_setting(SEED, 1, "filters", 63)
    assert _text(fewer).startswith("vs mnist_cnn: total 1,199,882 → 1,181,161 (-18,721) · changed: conv2d_1 18,496 → "
                                   "18,207")


def test_layers_after_an_invalid_one_are_not_computed_not_removed():
    broken = arch_edit.set_setting(SEED, 1, "kernel_size", (30, 30))
    text = _text(broken)
    assert "removed" not in text
    assert text == ("vs mnist_cnn: total 1,199,882 → none (the network is invalid) · "
                    f"{NOT_COMPUTED}: max_pooling2d, dropout, flatten, dense, dropout_1, dense_1")
    assert NOT_COMPUTED == "not computed: a layer before is invalid"


def test_a_removed_layer_is_still_said_removed():
    text = _text(arch_edit.remove_layer(SEED, 3))
    assert text.endswith("· removed: dropout") and NOT_COMPUTED not in text

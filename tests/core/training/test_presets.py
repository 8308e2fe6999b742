"""The presets table: each entry's settings are what its name and tooltip say; edited settings match none."""

from __future__ import annotations

from dataclasses import replace

from guiapp.core.training.presets import DEFAULT_PRESET, PRESETS, matching_preset
from guiapp.core.training.training import TrainingConfig


def test_the_quick_demo_is_two_epochs_of_twelve_thousand_digits_with_adam_and_says_what_it_reaches():
    quick = PRESETS["quick"]
    assert DEFAULT_PRESET == "quick"
    assert quick.config == TrainingConfig(epochs=2, batch_size=64, train_size=12_000, optimizer="adam",
                                          learning_rate=0.001)
    assert quick.label == "Quick demo (~45 s)"
    assert quick.tooltip.startswith("2 epochs × 12,000 digits in batches of 64, Adam at 0.001. Measured")
    assert "97.5% of the test digits" in quick.tooltip and "drawn 4" in quick.tooltip


def test_the_full_preset_is_the_original_recipe_and_the_lecture_sits_between():
    assert PRESETS["full"].config == TrainingConfig()
    assert PRESETS["full"].tooltip.startswith("12 epochs × 60,000 digits in batches of 128, Adadelta at 1.")
    steps = {key: (p.config.train_size or 60_000) * p.config.epochs for key, p in PRESETS.items()}
    assert steps["quick"] < steps["lecture"] < steps["full"]
    assert list(PRESETS) == ["quick", "lecture", "full"]


def test_a_config_matches_its_preset_whatever_its_network_and_random_seed_and_no_preset_once_edited():
    quick = PRESETS["quick"].config
    assert matching_preset(replace(quick, seed=42, architecture="mnist_cnn_63")) is PRESETS["quick"]
    assert matching_preset(TrainingConfig()) is PRESETS["full"]
    assert matching_preset(replace(quick, epochs=3)) is None
    assert matching_preset(replace(quick, learning_rate=0.002)) is None

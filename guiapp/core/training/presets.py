"""Training presets: a run sized for the time a lecture has — under a minute, five minutes, or the full recipe.

Each preset is a :class:`TrainingConfig` for ``mnist_cnn`` (the original Keras example's network) plus what
it was measured to give on a two-core laptop (benchmarks/training.py, ``guiapp train --preset``): how long
the run takes with TensorFlow already loaded, and its accuracy on the 10,000 test digits. The Training
page offers them in a box (the quick one chosen at first: the page is where a run is watched, and a
27-minute default is a trap in front of an audience); ``guiapp train --preset NAME`` uses the same table.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from guiapp.core.training.training import TrainingConfig

__all__ = ["DEFAULT_PRESET", "PRESETS", "Preset", "matching_preset"]


@dataclass(frozen=True)
class Preset:
    """A named run: its settings, and what it was measured to take and give (for its tooltip)."""

    key: str  # the command line's name
    label: str  # the form's
    config: TrainingConfig
    measured: str  # time and test accuracy as measured, one sentence

    @property
    def tooltip(self) -> str:
        digits = self.config.train_size or 60_000
        return (f"{self.config.epochs} epoch{'s' if self.config.epochs > 1 else ''} × {digits:,} digits in "
                f"batches of {self.config.batch_size}, {self.config.optimizer.capitalize()} at "
                f"{self.config.learning_rate:g}. {self.measured}")


PRESETS: dict[str, Preset] = {preset.key: preset for preset in (
    Preset("quick", "Quick demo (~45 s)",
           TrainingConfig(epochs=2, batch_size=64, train_size=12_000, optimizer="adam", learning_rate=0.001),
           "Measured on a two-core laptop: 35–45 s, 97.5% of the test digits; it reads the drawn 4 (95%) but "
           "calls the pen-drawn 7 a 2 — as does the full 12-epoch recipe: only a network trained on drawings "
           "reads that one."),
    Preset("lecture", "Lecture (~5 min)",
           TrainingConfig(epochs=4, batch_size=128, optimizer="adam", learning_rate=0.001),
           "About 5 minutes on a two-core laptop (estimated from the quick demo's rate), about 99% of the test "
           "digits."),
    Preset("full", "Full recipe (12 epochs)",
           TrainingConfig(),
           "The original Keras example's recipe: ~25 min on a two-core laptop, ~99.1–99.25% of the test digits."),
)}
DEFAULT_PRESET = "quick"


def matching_preset(config: TrainingConfig) -> Preset | None:
    """The preset whose settings ``config`` has (whatever its network and random seed), or None."""
    for preset in PRESETS.values():
        if replace(config, architecture=preset.config.architecture, seed=preset.config.seed) == preset.config:
            return preset
    return None

"""Data and training: MNIST and drawn-digit data, training and evaluation."""

# The package's modules; each names what it exports in its own __all__.
__all__ = [
    "calibration", "callbacks", "data", "drawn_data", "evaluation", "history", "history_writer", "pace", "pendigits",
    "prepared", "presets", "trainer_messages", "trainer_process", "training", "warm_trainer", "writer_order",
]

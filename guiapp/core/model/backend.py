"""Import Keras (TensorFlow backend) lazily and quietly.

TensorFlow takes seconds to import and prints C++ log lines on import (oneDNN
notices that ``TF_CPP_MIN_LOG_LEVEL`` does not reach because they are written before
absl logging is initialised). Everything that needs Keras goes through
:func:`keras`, so commands that need only arithmetic never pay for it, and normal
use shows no log noise.
"""

from __future__ import annotations

import os
import sys
import threading
from types import ModuleType

__all__ = ["keras", "tensorflow", "versions"]

_lock = threading.Lock()
_keras: ModuleType | None = None


def _silence_fd2_during_import() -> None:
    """Import tensorflow with file descriptor 2 pointed at /dev/null."""
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        sys.stderr.flush()
        os.dup2(devnull, 2)
        import tensorflow  # noqa: F401  (imported for its side effect of loading)
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def keras() -> ModuleType:
    """Return the ``keras`` module, configured for the TensorFlow backend, importing it once."""
    global _keras
    if _keras is not None:
        return _keras
    with _lock:
        if _keras is None:
            os.environ.setdefault("KERAS_BACKEND", "tensorflow")
            os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
            _silence_fd2_during_import()
            import absl.logging
            import keras as _module

            absl.logging.set_verbosity(absl.logging.ERROR)
            _keras = _module
    return _keras


def tensorflow() -> ModuleType:
    """Return the ``tensorflow`` module (imported quietly through :func:`keras`)."""
    keras()
    import tensorflow as tf

    return tf


def versions() -> dict[str, str]:
    """Versions of the numeric stack, for model cards and bug reports."""
    import platform

    import numpy

    k = keras()
    tf = tensorflow()
    return {
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": k.__version__,
        "numpy": numpy.__version__,
    }

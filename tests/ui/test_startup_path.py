"""TensorFlow stays off the path to the first visible window: it is imported in the model's thread."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_window_does_not_import_tensorflow():
    code = "import sys, guiapp.ui, guiapp.ui.app; print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

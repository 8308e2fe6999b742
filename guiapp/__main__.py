"""Entry point: ``guiapp`` and ``python -m guiapp``."""

from __future__ import annotations

import sys

from guiapp.cli import main

if __name__ == "__main__":
    sys.exit(main())

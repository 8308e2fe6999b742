"""Regenerate the Where tab's shipped pass and map (``models/<model>.where.npz``), and time it.

    python benchmarks/where_shipped.py [MODEL ...]   (default: every shipped model the Where tab can use)

Run it after retraining a shipped model: tests/core/where/test_shipped_files.py fails while a shipped
file names other weights than its model's. Each file is computed as the tab computes it (the pass, then
openTSNE with seed 0 on both cores), so it takes as long as a first open used to (~80 s a model here).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from calibration import calibration_line

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _usable(model: Path) -> bool:
    from guiapp.core.model.inference import Inspector
    from guiapp.core.where.embedding import NoEmbedding, embedding_layer

    inspector = Inspector.load(model)
    if inspector.input_shape[:2] != (28, 28) or inspector.num_classes != 10:
        return False  # the tab compares with MNIST's 28×28 digits (colour_digits is 32×32 RGB)
    try:
        embedding_layer(inspector)
    except NoEmbedding:
        return False
    return True


def main(argv: list[str]) -> int:
    from guiapp.core.where.shipped import shipped_path, write_shipped
    from guiapp.paths import MODELS_DIR

    print(calibration_line(), flush=True)
    models = [Path(a) for a in argv] or sorted(m for m in MODELS_DIR.glob("*.keras") if _usable(m))
    for model in models:
        started = time.perf_counter()
        path = write_shipped(model)
        seconds = time.perf_counter() - started
        print(f"{shipped_path(model).name}: {path.stat().st_size / 1e6:.2f} MB, {seconds:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

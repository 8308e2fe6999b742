"""Do the app's colour maps stay readable for colour-blind viewers? A check by simulation.

Each colour table is sampled at :data:`STEPS` points, seen through a simulated colour-vision
deficiency (deuteranopia, protanopia, tritanopia: colorspacious' ``sRGB1+CVD`` model at severity
100) and measured in CAM02-UCS, where a Euclidean distance ΔE is a perceived difference:

- a **sequential** map passes if its lightness J' rises (or falls) all along the scale and every
  two neighbouring steps differ by ΔE ≥ :data:`MIN_STEP`;
- a **diverging** map passes if J' changes monotonically from its middle out to each end, every
  two neighbouring steps differ by ΔE ≥ :data:`MIN_STEP`, and its two ends (+ and −, which must never
  read as the same) differ by ΔE ≥ :data:`MIN_ENDS`.

The check needs ``colorspacious``; the app does not: it ships the tables (``guiapp/ui/plotting.py``)
and this runs in the tests (``tests/core/test_palettes.py``) and ``benchmarks/palettes.py``,
which prints the figures for every map.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["CVD_TYPES", "DIVERGING", "MIN_ENDS", "MIN_STEP", "SEQUENTIAL", "STEPS", "VISIONS", "PaletteCheck",
           "check_palette", "passes", "sample", "seen_as"]

CVD_TYPES = ("deuteranomaly", "protanomaly", "tritanomaly")  # at severity 100: -anopia
VISIONS = ("normal", *CVD_TYPES)
SEVERITY = 100
STEPS = 9  # samples along the scale: a colour bar read at its ticks
MIN_STEP = 5.0  # ΔE (CAM02-UCS) between neighbouring samples: clearly apart, not just a just-noticeable step
MIN_ENDS = 20.0  # ΔE between a diverging map's two ends
SEQUENTIAL, DIVERGING = "sequential", "diverging"


@dataclass(frozen=True)
class PaletteCheck:
    """One map seen by one kind of eye: the figures and the verdict."""

    name: str
    kind: str  # SEQUENTIAL or DIVERGING
    vision: str  # "normal" or one of CVD_TYPES
    lightness: tuple[float, ...]  # J' at each sample
    monotonic: bool
    min_step: float  # the smallest ΔE between neighbouring samples
    ends: float  # ΔE between the first and the last sample

    @property
    def passed(self) -> bool:
        ok = self.monotonic and self.min_step >= MIN_STEP
        return ok and (self.kind == SEQUENTIAL or self.ends >= MIN_ENDS)

    def line(self) -> str:
        verdict = "pass" if self.passed else "FAIL"
        return (f"{self.name:<22} {self.vision:<14} J' {self.lightness[0]:5.1f}→{self.lightness[-1]:5.1f} "
                f"monotonic {'yes' if self.monotonic else 'no ':<3} min ΔE {self.min_step:5.1f} "
                f"ends ΔE {self.ends:5.1f}  {verdict}")


def sample(table: np.ndarray, steps: int = STEPS) -> np.ndarray:
    """``steps`` colours evenly along an (N, 3|4) uint8 table, as (steps, 3) floats in 0..1."""
    table = np.asarray(table)
    if table.ndim != 2 or table.shape[1] not in (3, 4) or len(table) < 2:
        raise ValueError(f"a colour table is (N ≥ 2, 3 or 4), not {table.shape}")
    index = np.rint(np.linspace(0, len(table) - 1, steps)).astype(int)
    return table[index, :3].astype(np.float64) / 255.0


def seen_as(rgb: np.ndarray, vision: str) -> np.ndarray:
    """(N, 3) sRGB in 0..1 → (N, 3) CAM02-UCS J'a'b' as ``vision`` sees it."""
    from colorspacious import cspace_convert  # only for the check: the app never calls this

    if vision != "normal":
        if vision not in CVD_TYPES:
            raise ValueError(f"unknown vision {vision!r}: one of {VISIONS}")
        space = {"name": "sRGB1+CVD", "cvd_type": vision, "severity": SEVERITY}
        rgb = np.clip(cspace_convert(rgb, space, "sRGB1"), 0.0, 1.0)
    return cspace_convert(rgb, "sRGB1", "CAM02-UCS")


def _monotonic(values: np.ndarray) -> bool:
    steps = np.diff(values)
    return bool(np.all(steps > 0) or np.all(steps < 0))


def check_palette(name: str, table: np.ndarray, kind: str = SEQUENTIAL, steps: int = STEPS) -> list[PaletteCheck]:
    """``table`` checked under every vision in :data:`VISIONS` (a diverging map needs an odd ``steps``)."""
    if kind not in (SEQUENTIAL, DIVERGING):
        raise ValueError(f"kind is {SEQUENTIAL!r} or {DIVERGING!r}, not {kind!r}")
    rgb = sample(table, steps)
    checks = []
    for vision in VISIONS:
        ucs = seen_as(rgb, vision)
        lightness = ucs[:, 0]
        if kind == SEQUENTIAL:
            monotonic = _monotonic(lightness)
        else:
            middle = len(lightness) // 2
            monotonic = _monotonic(lightness[middle:]) and _monotonic(lightness[middle::-1])
        deltas = np.linalg.norm(np.diff(ucs, axis=0), axis=1)
        checks.append(PaletteCheck(name, kind, vision, tuple(float(j) for j in lightness), monotonic,
                                   float(deltas.min()), float(np.linalg.norm(ucs[-1] - ucs[0]))))
    return checks


def passes(checks: list[PaletteCheck]) -> bool:
    return all(check.passed for check in checks)


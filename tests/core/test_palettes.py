"""palettes: a colour map is checked as colour-blind eyes see it (colorspacious' simulation, CAM02-UCS)."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp.core.palettes import (
    CVD_TYPES,
    DIVERGING,
    MIN_STEP,
    VISIONS,
    check_palette,
    passes,
    sample,
    seen_as,
)


def _ramp(*stops: tuple[int, int, int], n: int = 256) -> np.ndarray:
    """A uint8 table running linearly through ``stops``."""
    points = np.linspace(0, len(stops) - 1, n)
    stops_array = np.array(stops, float)
    table = np.stack([np.interp(points, np.arange(len(stops)), stops_array[:, c]) for c in range(3)], axis=1)
    return np.rint(table).astype(np.uint8)


def test_a_grey_ramp_passes_for_every_eye_with_its_figures():
    checks = check_palette("grey", _ramp((0, 0, 0), (255, 255, 255)))
    assert [c.vision for c in checks] == list(VISIONS) and passes(checks)
    for check in checks:  # grey is grey to every eye: J' 0 → 100, eight steps of about 10
        assert check.lightness[0] == pytest.approx(0, abs=1) and check.lightness[-1] == pytest.approx(100, abs=1)
        assert check.monotonic and check.min_step > MIN_STEP and "pass" in check.line()


def test_red_against_green_fails_for_the_red_green_blind():
    """A diverging map from red through white to green: its two ends merge for deuteranopes."""
    checks = {c.vision: c for c in check_palette("red-green", _ramp((200, 30, 30), (255, 255, 255), (30, 160, 30)),
                                                 DIVERGING)}
    assert checks["normal"].passed
    assert not checks["deuteranomaly"].passed and checks["deuteranomaly"].ends < checks["normal"].ends / 2
    assert not passes(list(checks.values()))


def test_a_rainbow_fails_because_its_lightness_goes_up_and_down():
    rainbow = _ramp((0, 0, 255), (0, 255, 255), (0, 255, 0), (255, 255, 0), (255, 0, 0))
    checks = check_palette("rainbow", rainbow)
    assert not any(c.monotonic for c in checks) and not passes(checks)


def test_simulation_changes_the_colours_each_eye_confuses_but_not_grey():
    colours = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.5, 0.5, 0.5]])  # red, blue, grey
    normal = seen_as(colours, "normal")
    changed = {vision: np.linalg.norm(seen_as(colours, vision) - normal, axis=1) for vision in CVD_TYPES}
    assert changed["deuteranomaly"][0] > 5 and changed["protanomaly"][0] > 5  # red is not seen as red
    assert changed["tritanomaly"][1] > 5  # nor blue as blue by tritanopes
    assert all(delta[2] < 1.0 for delta in changed.values())  # grey stays grey


def test_bad_tables_and_names_are_refused():
    with pytest.raises(ValueError, match="colour table"):
        sample(np.zeros((5,), np.uint8))
    with pytest.raises(ValueError, match="unknown vision"):
        seen_as(np.zeros((2, 3)), "achromatopsia")
    with pytest.raises(ValueError, match="kind"):
        check_palette("x", _ramp((0, 0, 0), (9, 9, 9)), "cyclic")
    assert sample(_ramp((0, 0, 0), (255, 255, 255)), 3)[:, 0].tolist() == pytest.approx([0, 0.5, 1.0], abs=0.01)

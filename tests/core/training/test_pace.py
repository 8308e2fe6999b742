"""The Training page's progress line: digits per second over the recent batches, and the time left."""

from __future__ import annotations

from guiapp.core.training.pace import WINDOW, RunPace, duration_text


def test_durations_read_as_a_person_says_them():
    assert [duration_text(s) for s in (0, 42.4, 245, 3720, -3)] == ["0 s", "42 s", "4 min 05 s", "1 h 02 min", "0 s"]


def test_the_rate_follows_the_recent_batches_and_gives_the_time_left():
    pace = RunPace(steps=1000, batch_size=128)
    assert pace.text(1, 2.3) == "batch 1 of 1,000 · loss 2.300"  # one batch: no rate yet
    pace.add((step, 0.5 * step) for step in range(1, 101))  # two batches a second
    assert pace.seconds_per_step == 0.5
    assert pace.text(100, 0.1234) == "batch 100 of 1,000 · loss 0.123 · 256 digits/s · about 7 min 30 s left"
    pace.add((step, 50 + 0.25 * (step - 100)) for step in range(101, 101 + WINDOW))  # the host got faster
    assert pace.seconds_per_step == 0.25  # only the last WINDOW batches count

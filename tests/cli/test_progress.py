"""cli.progress: one line per finished epoch off a terminal, a redrawn bar on one."""

from __future__ import annotations

import io

from guiapp.cli.progress import BAR_WIDTH, EpochProgressBar


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_off_a_terminal_one_line_per_epoch():
    stream = io.StringIO()
    bar = EpochProgressBar(stream)
    bar.epoch_started(3, 12, 469)
    bar.batch_done(100, {"loss": 0.5})  # not drawn off a terminal
    bar.epoch_done(3, {"loss": 0.12345, "accuracy": 0.9, "val_accuracy": 0.99, "other": 1.0})
    text = stream.getvalue()
    assert text.count("\n") == 1 and "\r" not in text
    assert text.startswith("epoch  3/12 " + "█" * BAR_WIDTH + " 469/469")
    assert text.rstrip().endswith("loss 0.1235  accuracy 0.9000  val_accuracy 0.9900")
    assert "other" not in text


def test_on_a_terminal_the_bar_is_redrawn_in_place():
    stream = _Terminal()
    bar = EpochProgressBar(stream)
    bar.epoch_started(1, 2, 10)
    bar.batch_done(5, {"loss": 1.0})
    assert stream.getvalue().startswith("\repoch 1/2 " + "█" * 15 + "░" * 15 + " 5/10")
    bar.epoch_done(1, {})
    assert stream.getvalue().endswith("\n") and stream.getvalue().count("\r") == 2

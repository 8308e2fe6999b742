"""The window's drawing files (:class:`~guiapp.ui.live.drawing_files.DrawingFiles`) with files that are not files."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from guiapp.core.drawing.stroke_file import HINT
from tests.hostile_files import FIFO_REASON, fifo
from tests.ui.conftest import draw, line, wait_settled


def test_opening_a_fifo_drawing_says_so_at_once_and_the_window_stays_usable(qtbot, window, tmp_path):
    draw(qtbot, window.canvas, line((60, 140), (220, 140), 12))
    wait_settled(qtbot, window)
    before = window.canvas.drawing
    path = tmp_path / "pipe.json"
    with fifo(path):
        assert not window.files.open(path)  # the window's thread is back at once: nothing waits on the pipe
    box = window.files.error_box
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert box.text() == f"{path}: {FIFO_REASON} — {HINT}"
    assert window.canvas.drawing is before  # the drawing is untouched
    box.close()
    window.canvas.clear()
    draw(qtbot, window.canvas, line((140, 40), (140, 240), 12))
    wait_settled(qtbot, window)
    assert window.last_result.predicted == 1  # still drawing and predicting


def test_saving_strokes_drawn_on_a_test_digit_is_refused_in_one_line_before_a_file_is_asked(
        qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from guiapp.core.drawing.stroke_file import ON_A_PICTURE

    window.load_sample(0)
    draw(qtbot, window.canvas, line((60, 240), (220, 240), 12))
    wait_settled(qtbot, window)
    asked: list[object] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: asked.append(args) or ("", ""))
    window.files.save_dialog()  # Ctrl+S
    assert asked == []  # said before a file name is asked for
    box = window.files.error_box
    assert box.text() == f"{ON_A_PICTURE}: Export PNG (Ctrl+E) keeps it" and "\n" not in box.text()
    box.close()
    assert not window.files.save(tmp_path / "strokes.json")
    assert not (tmp_path / "strokes.json").exists()
    window.canvas.clear()  # strokes alone save as before
    draw(qtbot, window.canvas, line((140, 40), (140, 240), 12))
    assert window.files.refusal() is None and window.files.save(tmp_path / "strokes.json")

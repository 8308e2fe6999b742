"""picture_intake: pictures in place of drawings — files, drops and pastes read within bounds, a bad one said
in one line naming it; and the canvas showing what the intake gives."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QUrl
from PySide6.QtGui import QColor, QGuiApplication, QImage

from guiapp.core.drawing.images import HINT
from guiapp.core.live.live_update import PictureInput
from guiapp.ui.live.canvas import DrawingCanvas
from guiapp.ui.live.picture_intake import PictureIntake, qimage_to_picture
from tests.hostile_files import not_a_file
from tests.ui.conftest import draw, line


def _intake(qtbot) -> tuple[PictureIntake, list, list]:
    """An intake on a canvas of its own, with the pictures it gives and the lines it fails with."""
    host = DrawingCanvas()
    qtbot.addWidget(host)
    intake = PictureIntake(host)
    ready, failed = [], []
    intake.pictureReady.connect(ready.append)
    intake.failed.connect(failed.append)
    return intake, ready, failed


def _stripes(height: int = 60, width: int = 90) -> np.ndarray:
    picture = np.zeros((height, width, 3), np.float32)
    picture[:, : width // 3, 0] = 1.0  # red, green, blue thirds
    picture[:, width // 3: 2 * width // 3, 1] = 1.0
    picture[:, 2 * width // 3:, 2] = 1.0
    return picture


def test_the_canvas_shows_a_picture_in_colour_and_a_stroke_starts_a_new_drawing(qtbot):
    canvas = DrawingCanvas()
    qtbot.addWidget(canvas)
    seen = []
    canvas.drawingChanged.connect(seen.append)
    picture = PictureInput(_stripes(), "stripes")
    canvas.show_picture(picture)
    assert canvas.drawing is picture and canvas.picture is picture and seen[-1] is picture
    shot = canvas.grab().toImage()
    # 90×60 fitted into 280×280: 280 wide, 186.7 high, centred; the left third is red.
    assert QColor(shot.pixel(20, 140)).getRgb()[:3] == (255, 0, 0)
    assert QColor(shot.pixel(260, 140)).getRgb()[:3] == (0, 0, 255)
    assert QColor(shot.pixel(140, 10)).getRgb()[:3] == (0, 0, 0)  # above the picture: paper

    draw(qtbot, canvas, line((100, 100), (180, 180)))
    assert canvas.picture is None and len(canvas.drawing.strokes) == 1
    canvas.undo_stack.undo()
    assert canvas.drawing is picture
    canvas.clear()
    assert canvas.picture is None and canvas.drawing.is_blank


def test_the_intake_reads_a_file_and_refuses_a_bad_one_in_one_line(qtbot, tmp_path):
    intake, ready, failed = _intake(qtbot)
    good = tmp_path / "stripes.png"
    Image.fromarray((_stripes() * 255).astype(np.uint8)).save(good)
    assert intake.open_file(good)
    assert ready[-1].picture.shape == (60, 90, 3) and ready[-1].name == "stripes.png"
    bad = tmp_path / "notes.png"
    bad.write_text("not a picture")
    assert not intake.open_file(bad)
    assert str(bad) in failed[-1] and "\n" not in failed[-1]
    assert len(ready) == 1


def test_paste_takes_image_data_or_a_copied_file_and_says_when_there_is_none(qtbot, tmp_path):
    intake, ready, failed = _intake(qtbot)
    image = QImage(40, 20, QImage.Format.Format_RGB888)
    image.fill(QColor(0, 255, 0))
    clipboard = QGuiApplication.clipboard()
    clipboard.setImage(image)
    assert intake.paste()
    assert ready[-1].picture.shape == (20, 40, 3)
    np.testing.assert_allclose(ready[-1].picture[5, 5], (0.0, 1.0, 0.0))

    path = tmp_path / "grey.png"
    Image.fromarray(np.full((30, 30), 200, np.uint8)).save(path)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    assert intake.take_mime(mime, "the dropped data")
    assert ready[-1].picture.shape == (30, 30)

    mime = QMimeData()
    mime.setText("hello")
    assert not intake.take_mime(mime, "the clipboard")
    assert failed[-1].startswith("the clipboard holds no picture")


def test_a_transparent_pasted_image_lies_on_white_paper():
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    image.fill(QColor(0, 0, 0, 0))
    picture = qimage_to_picture(image)
    assert picture.shape == (8, 8) and float(picture.min()) == 1.0


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_a_fifo_or_dev_zero_picture_fails_in_one_line_and_gives_no_picture(qtbot, tmp_path, kind):
    intake, ready, failed = _intake(qtbot)
    with not_a_file(kind, tmp_path / "digit.png") as (path, reason):
        assert not intake.open_file(path)
    assert failed == [f"{path}: {reason} — {HINT}"] and ready == []


def test_a_pasted_image_past_the_pixel_bound_is_refused_and_a_large_one_reduced(qtbot):
    from guiapp.core.drawing.images import MAX_PIXELS, MAX_WORKING_SIDE

    intake, ready, failed = _intake(qtbot)
    huge = QImage(8000, MAX_PIXELS // 8000 + 1, QImage.Format.Format_Mono)  # one bit a pixel: 6 MB to hold
    assert not intake.take_image(huge, "picture from the clipboard")
    assert failed == [(f"picture from the clipboard: 8000×{huge.height()} pixels is more than guiapp reads (50 "
                       "megapixels)")] and ready == []
    wide = QImage(2 * MAX_WORKING_SIDE, 100, QImage.Format.Format_RGB888)
    wide.fill(QColor(255, 0, 0))
    assert intake.take_image(wide, "wide")
    picture = ready[-1].picture
    assert picture.shape == (50, MAX_WORKING_SIDE, 3) and ready[-1].name == "wide"  # reduced, aspect kept
    np.testing.assert_allclose(picture[30, 1000], (1.0, 0.0, 0.0))


def test_a_grey_image_is_one_channel():
    image = QImage(6, 4, QImage.Format.Format_RGB888)
    image.fill(QColor(51, 51, 51))
    picture = qimage_to_picture(image)
    assert picture.shape == (4, 6) and picture.dtype == np.float32
    np.testing.assert_allclose(picture, 0.2, atol=1e-6)


def test_a_drag_is_accepted_only_for_files_or_pictures_and_a_drop_is_read(qtbot, tmp_path):
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtGui import QDragEnterEvent, QDropEvent

    intake, ready, failed = _intake(qtbot)
    path = tmp_path / "stripes.png"
    Image.fromarray((_stripes() * 255).astype(np.uint8)).save(path)
    files, text = QMimeData(), QMimeData()
    files.setUrls([QUrl.fromLocalFile(str(path))])
    text.setText("just words")

    def entered(mime: QMimeData) -> bool:
        event = QDragEnterEvent(QPoint(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                Qt.KeyboardModifier.NoModifier)
        event.ignore()
        PictureIntake.drag_entered(event)
        return event.isAccepted()

    assert entered(files) and not entered(text)
    drop = QDropEvent(QPoint(5, 5), Qt.DropAction.CopyAction, files, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    intake.dropped(drop)
    assert ready[-1].name == "stripes.png" and ready[-1].picture.shape == (60, 90, 3)
    assert intake.last_folder == str(tmp_path)
    intake.dropped(QDropEvent(QPoint(5, 5), Qt.DropAction.CopyAction, text, Qt.MouseButton.LeftButton,
                              Qt.KeyboardModifier.NoModifier))
    assert failed == ["the dropped data holds no picture: copy an image or a picture file, then paste"]

"""The window's commands: one action factory, menus from tables, keys only on the live page."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMainWindow

from guiapp.core.live.layer_picture import PER_MAP
from guiapp.ui.live.canvas import DrawingCanvas
from guiapp.ui.menus import WindowMenus, make_action


def _menus(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    canvas = DrawingCanvas()
    calls: list[tuple[str, object]] = []
    drawing = [make_action(window, "Open drawing…", None, ("Ctrl+Shift+O",), "Open strokes saved as JSON")]
    menus = WindowMenus(window, canvas, drawing, lambda path: calls.append(("load", path)),
                        lambda: calls.append(("open", None)), lambda step: calls.append(("sample", step)),
                        lambda page: calls.append(("page", page)))
    return window, canvas, menus, calls


def test_the_menus_come_from_tables_with_a_separator_between_sections(qtbot):
    window, _, menus, _ = _menus(qtbot)
    bar = window.menuBar().actions()
    assert [a.text() for a in bar] == ["&File", "&Model", "&Edit", "&View", "&Samples"]
    file_items = [a.text() or "—" for a in bar[0].menu().actions()]
    assert file_items == ["Open drawing…", "—", "Open model…", "—", "Quit"]
    view_items = [a.text() or "—" for a in bar[3].menu().actions()]
    assert view_items == ["Live network", "Conv arithmetic", "Architecture explorer", "Training", "Compare", "—",
                          "Colour scale shared per layer", "Colour scale per map", "—", "Reset layout"]
    assert all(isinstance(path, Path) for path in menus.model_actions)


def test_a_model_trained_now_joins_the_model_menu_once_before_its_separator(qtbot, tmp_path):
    window, _, menus, calls = _menus(qtbot)
    model_menu = window.menuBar().actions()[1].menu()
    shipped = len(menus.model_actions)
    trained = tmp_path / "mnist_cnn-20261128-120000.keras"
    trained.write_bytes(b"not read until chosen")
    menus.add_model(trained)
    menus.add_model(trained)
    items = [a.text() or "—" for a in model_menu.actions()]
    assert items.index("mnist_cnn-20261128-120000") == shipped and items[shipped + 1] == "—"
    menus.model_actions[trained.resolve()].trigger()
    assert calls[-1] == ("load", trained)


def test_one_factory_puts_the_keys_in_every_tooltip(qtbot):
    window, _, menus, _ = _menus(qtbot)
    assert menus.thinner.toolTip() == "Thinner pen ([)"
    assert menus.clear.toolTip() == "Clear (Del, Backspace)"
    assert window.actions()[0].toolTip() == "Open strokes saved as JSON (Ctrl+Shift+O)"
    assert menus.eraser.isCheckable() and not menus.clear.isCheckable()


def test_the_commands_call_the_windows_verbs(qtbot):
    window, canvas, menus, calls = _menus(qtbot)
    menus.next.trigger()
    menus.random.trigger()
    menus.pages[2].trigger()
    menus.open_model.trigger()
    assert calls == [("sample", 1), ("sample", None), ("page", 2), ("open", None)]
    width = canvas.pen_width()
    menus.thicker.trigger()
    assert canvas.pen_width() == width + 2
    with qtbot.waitSignal(menus.colourModeChosen) as chosen:
        menus.per_map.trigger()
    assert chosen.args == [PER_MAP] and menus.per_map.isChecked() and not menus.shared.isChecked()
    assert menus.parent() is window


def test_the_drawing_keys_work_on_the_live_page_only(qtbot):
    window, _, menus, _ = _menus(qtbot)  # the window owns the actions: keep it alive
    keys = menus.clear.shortcuts()
    menus.set_live(False)
    assert menus.clear.shortcuts() == [] and menus.undo.shortcuts() == []
    assert menus.open_model.shortcuts() != []  # not a drawing key
    menus.set_live(True)
    assert menus.clear.shortcuts() == keys
    menus.show_pen_width(17.4)
    assert menus.pen_slider.value() == 17 and menus.pen_label.text() == " 17 px "
    assert menus.parent() is window


def test_the_drawing_toolbar_shows_only_where_the_drawing_is(qtbot):
    window, _, menus, _ = _menus(qtbot)
    window.show()
    assert menus.toolbar.isVisible()
    menus.set_live(False)
    assert not menus.toolbar.isVisible()
    menus.set_toolbar_allowed(False)  # presentation mode
    menus.set_live(True)
    assert not menus.toolbar.isVisible()
    menus.set_toolbar_allowed(True)
    assert menus.toolbar.isVisible()
    assert menus.designed_keys(menus.clear) == menus.clear.shortcuts()
    menus.set_live(False)
    assert [k.toString() for k in menus.designed_keys(menus.clear)] == ["Del", "Backspace"]  # for the sheet


def test_the_toolbar_buttons_do_not_move_as_the_undo_text_grows(qtbot):
    from PySide6.QtGui import QUndoCommand

    window, canvas, menus, _ = _menus(qtbot)
    window.resize(1400, 400)
    window.show()
    qtbot.waitExposed(window)

    def places():
        actions = [menus.undo_button, menus.redo_button, menus.clear, menus.eraser, menus.previous, menus.random]
        widgets = [menus.toolbar.widgetForAction(a) for a in actions] + [menus.pen_slider, menus.pen_label]
        return [(w.x(), w.width()) for w in widgets]

    menus.show_pen_width(2)
    before = places()
    assert not menus.undo_button.isEnabled()
    canvas.undo_stack.push(QUndoCommand("Sample 0 (a 7) from the MNIST test digits"))
    menus.show_pen_width(40)
    qtbot.wait(10)
    assert menus.undo.text() == "Undo Sample 0 (a 7) from the MNIST test digits"  # the menu says it all
    assert places() == before and menus.undo_button.text() == "Undo"
    assert menus.undo_button.isEnabled() and "Sample 0 (a 7)" in menus.undo_button.toolTip()
    menus.undo_button.trigger()
    assert canvas.undo_stack.index() == 0 and menus.redo_button.isEnabled()


def test_extra_sections_go_in_the_view_menu_and_a_help_menu(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    extra = make_action(window, "Presentation mode", None, ("F5",))
    sheet = make_action(window, "Keyboard shortcuts", None, ("F1",))
    WindowMenus(window, DrawingCanvas(), [], lambda _p: None, lambda: None, lambda _s: None, lambda _i: None,
                view_extras=[extra], help_actions=[sheet])
    bar = window.menuBar().actions()
    assert [a.text() for a in bar] == ["&File", "&Model", "&Edit", "&View", "&Samples", "&Help"]
    assert [a.text() or "—" for a in bar[3].menu().actions()][-2:] == ["—", "Presentation mode"]
    assert bar[5].menu().actions() == [sheet]

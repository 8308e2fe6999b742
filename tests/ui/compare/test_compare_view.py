"""compare_view: the page's widgets — the bar, the disagreement line, a note shown only when there is one, both
charts titled, the five tabs in the order the feature's tab constants name, and the dock the drawing goes in."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from PySide6.QtWidgets import QLabel

from guiapp import paths
from guiapp.ui.compare.compare_view import CompareView
from guiapp.ui.compare.tabs import EVIDENCE, INSIDE, LAYERS, SANITY, TAB_NAMES, TEST_SET


@pytest.fixture()
def view(qtbot):
    widget = CompareView([paths.SEED_MODEL, paths.DEFAULT_MODEL])
    qtbot.addWidget(widget)
    widget.resize(1100, 800)
    widget.show()
    return widget


def test_the_tabs_are_in_the_order_their_constants_and_the_command_line_name_them(view):
    titles = [view.tabs.tabText(i) for i in range(view.tabs.count())]
    assert titles == ["Layers", "Evidence", "Inside (CKA)", "Test set", "Sanity check"]
    widgets = {LAYERS: view.pairs, EVIDENCE: view.evidence, INSIDE: view.cka, TEST_SET: view.test_set,
               SANITY: view.cascade}
    assert all(view.tabs.widget(index) is widget for index, widget in widgets.items())
    assert len(TAB_NAMES) == view.tabs.count()


def test_the_note_is_shown_only_when_there_is_something_to_say(view):
    view.say("A has 10 classes and B 26")
    assert view.note.isVisible() and view.note.text() == "A has 10 classes and B 26"
    view.say("")
    assert not view.note.isVisible()


def test_titles_name_both_models_above_their_charts_and_evidence(view):
    view.set_titles("mnist_cnn_drawn", "mnist_cnn")
    assert view.titles[0].text() == "<b>A</b> · mnist_cnn_drawn" and view.titles[1].text() == "<b>B</b> · mnist_cnn"
    assert "mnist_cnn_drawn" in view.evidence.panels[0].title.text()
    assert "mnist_cnn" in view.evidence.panels[1].title.text()
    assert view.charts[0] is not view.charts[1] and view.charts[0].isVisible() and view.charts[1].isVisible()


def test_the_dock_holds_the_content_and_takes_a_lent_column_on_its_left(view):
    assert view.dock.count() == 1 and view.dock.widget(0).isAncestorOf(view.tabs)
    assert view.dock.widget(0).isAncestorOf(view.bar) and view.dock.widget(0).isAncestorOf(view.line)
    column = QLabel("the drawing column")
    view.dock.insertWidget(0, column)
    assert view.dock.widget(0) is column and view.dock.widget(1).isAncestorOf(view.tabs)
    assert [view.bar.combo.itemText(i) for i in range(2)] == ["mnist_cnn", "mnist_cnn_drawn"]


def answers(probabilities, drawing):
    return SimpleNamespace(drawing=drawing, result=SimpleNamespace(probabilities=np.asarray(probabilities, float)))


def test_the_line_names_both_answers_when_they_differ_and_one_when_they_agree(view):
    drawing, newer = SimpleNamespace(is_blank=False), SimpleNamespace(is_blank=False)
    digits = tuple(str(k) for k in range(10))
    seven, two = np.eye(10)[7] * 0.9 + 0.01, np.eye(10)[2] * 0.6 + 0.04
    view.show_answers(answers(seven, drawing), answers(two, drawing), digits, digits)
    text = view.line.text()
    assert "They disagree" in text and "A: 7 (91%), B: 2 (64%)" in text and "catching up" not in text
    view.show_answers(answers(seven, drawing), answers(seven, newer), digits, digits)
    assert "Both say <b>7</b> (A 91%, B 91%)" in view.line.text() and "(B catching up)" in view.line.text()
    words = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
    view.show_answers(answers(seven, drawing), answers(seven, drawing), digits, words)  # one class, two names
    assert "Both say <b>7 / seven</b>" in view.line.text()
    view.show_answers(answers(seven, SimpleNamespace(is_blank=True)), answers(two, drawing), digits, digits)
    assert view.line.text() == ""
    view.show_answers(answers(seven, drawing), None, digits, digits)
    assert view.line.text() == ""

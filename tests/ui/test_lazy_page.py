"""lazy_page: a page is built once, the first time it is shown or asked for; a model given before that reaches it
when it is built, and a model given after, at once — if the page follows models."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTabWidget

from guiapp.ui.lazy_page import LazyPage, ShowsModel


class ModelLabel(QLabel):
    """A page that follows the model: it remembers every model it was shown."""

    def __init__(self) -> None:
        super().__init__("page")
        self.models: list[object] = []

    def show_model(self, inspector: object) -> None:
        self.models.append(inspector)


def _counting(kind=ModelLabel):
    built: list[QLabel] = []

    def factory() -> QLabel:
        built.append(kind())
        return built[-1]

    return factory, built


def test_a_page_is_built_only_when_its_tab_is_first_shown(qtbot):
    factory, built = _counting()
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    page = LazyPage(factory)
    tabs.addTab(QLabel("first"), "First")
    tabs.addTab(page, "Second")
    tabs.show()
    assert built == [] and not page.built
    tabs.setCurrentIndex(1)
    assert len(built) == 1 and page.built and page.content() is built[0]
    assert built[0].isVisible()  # shown now, not on the next pass of the loop
    tabs.setCurrentIndex(0)
    tabs.setCurrentIndex(1)
    assert len(built) == 1  # once


def test_content_builds_it_once_when_asked_before_it_is_shown(qtbot):
    factory, built = _counting()
    page = LazyPage(factory)
    qtbot.addWidget(page)
    first = page.content()
    assert page.content() is first and built == [first]
    assert first.parent() is page and not first.isVisible()  # its page is not on screen


def test_a_model_given_before_the_page_exists_reaches_it_when_built(qtbot):
    factory, built = _counting()
    page = LazyPage(factory)
    qtbot.addWidget(page)
    page.show_model("old model")
    page.show_model("model")
    assert built == []  # a model alone builds nothing
    assert page.content().models == ["model"]  # only the latest
    page.show_model("next model")
    assert built[0].models == ["model", "next model"]


def test_a_page_that_does_not_follow_models_is_given_none(qtbot):
    factory, _built = _counting(lambda: QLabel("static"))
    page = LazyPage(factory)
    qtbot.addWidget(page)
    page.show_model("model")
    assert not isinstance(page.content(), ShowsModel) and isinstance(ModelLabel(), ShowsModel)
    assert page.content().text() == "static"

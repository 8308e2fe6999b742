"""The "Conv arithmetic" page's door: the playground, built (and its module imported) when first opened."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from guiapp.ui.feature import Door, Feature
from guiapp.ui.lazy_page import LazyPage

if TYPE_CHECKING:
    from guiapp.ui.playground.playground import ConvPlayground


def _build() -> ConvPlayground:
    from guiapp.ui.playground.playground import ConvPlayground

    return ConvPlayground()


class PlaygroundFeature(Feature):
    title = "Conv arithmetic"
    is_page = True

    def __init__(self, door: Door) -> None:
        super().__init__(door)
        self.page = self.widget = LazyPage(_build)

    @property
    def view(self) -> ConvPlayground:
        return cast("ConvPlayground", self.page.content())

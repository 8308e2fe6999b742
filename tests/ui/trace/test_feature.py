"""The Trace unit tab's door, in the window: a unit pinned in the state brings the tab up tracing it, its outlines go
to the state (the live page draws them), and a hovered unit's summary goes to the status bar."""

from __future__ import annotations

from guiapp.core.explain.trace_text import trace_summary
from guiapp.ui.trace.feature import TraceFeature
from tests.ui.conftest import wait_settled


def test_a_pinned_unit_shows_the_tab_with_its_trace(qtbot, window):
    trace = window.feature(TraceFeature)
    assert trace.title == "Trace unit" and trace.widget is trace.view is window.trace_view
    window.load_sample(0)
    wait_settled(qtbot, window)
    outlined: list[object] = []
    window.state.outlinesChanged.connect(outlined.append)
    assert window.tabs.currentWidget() is not trace.widget
    window.state.pin_unit("conv2d_1", (10, 12, 5))
    assert window.tabs.currentWidget() is trace.widget and trace.on_screen
    shown = trace.view.trace
    assert (shown.layer, shown.index) == ("conv2d_1", (10, 12, 5))
    assert shown.shown == float(window.last_result.layer("conv2d_1").activation[10, 12, 5])
    assert outlined[-1] is shown and window.state.trace is shown
    assert window.input_view.fields[0][0] == shown.field  # the live page outlines what the unit sees


def test_a_hovered_unit_is_summed_up_in_the_status_bar(qtbot, window):
    window.load_sample(0)
    wait_settled(qtbot, window)
    window.state.hover_unit("dense", (3,))
    trace = window.feature(TraceFeature).view.trace
    assert trace.layer == "dense" and trace.index == (3,)
    assert window.statusBar().currentMessage() == trace_summary(trace)
    window.state.hover_unit("dense", None)  # the pointer left: nothing traced, no outline
    assert window.feature(TraceFeature).view.trace is None and window.state.trace is None


def test_a_map_clicked_on_the_selected_map_tab_stays_there(qtbot, window):
    """The maps feed a click to both tabs; Selected map on show keeps it (it shows that map), elsewhere the click
    brings up the trace."""
    from guiapp.ui.map_detail.feature import KEEPS_MAP_CLICKS as DETAIL_KEY
    from guiapp.ui.map_detail.feature import MapDetailFeature
    from guiapp.ui.trace.feature import KEEPS_MAP_CLICKS

    assert DETAIL_KEY == KEEPS_MAP_CLICKS
    trace, detail = window.feature(TraceFeature), window.feature(MapDetailFeature)
    window.load_sample(0)
    wait_settled(qtbot, window)
    window.tabs.setCurrentWidget(detail.widget)
    panel = window.feature_maps.panels["conv2d_1"]
    window.feature_maps.mapClicked.emit("conv2d_1", 5)  # what a click on the map emits, in its order
    window.feature_maps.unitClicked.emit("conv2d_1", (10, 12, 5))
    assert window.tabs.currentWidget() is detail.widget and detail.on_screen
    assert detail.view.title.text().startswith("<b>conv2d_1</b>")
    assert (trace.view.trace.layer, trace.view.trace.index) == ("conv2d_1", (10, 12, 5))  # traced all the same
    window.tabs.setCurrentIndex(0)  # another tab (the ledger): the click brings up the trace
    assert window.tabs.currentWidget() is not detail.widget
    window.feature_maps.unitClicked.emit("conv2d_1", (3, 4, 1))
    assert window.tabs.currentWidget() is trace.widget
    assert panel is window.feature_maps.panels["conv2d_1"]

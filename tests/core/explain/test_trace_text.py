"""The trace in words: the Trace tab's HTML, the status line and the outlines, read for real traces."""

from __future__ import annotations

import re

import numpy as np
import pytest

from guiapp.core.explain.trace import ConvTrace, DenseTrace, PoolTrace, Tracer
from guiapp.core.explain.trace_text import (
    CONTRIBUTION_COLOUR,
    TRACED_COLOUR,
    trace_html,
    trace_outlines,
    trace_summary,
)
from guiapp.core.training.data import load_samples


@pytest.fixture(scope="module")
def traced(shipped_inspector):
    from guiapp import paths

    samples = load_samples(paths.MNIST_SAMPLES)
    result = shipped_inspector.run(samples.images[3] / 255.0)
    return result, Tracer.for_inspector(shipped_inspector)


def _plain(html_text: str) -> str:
    """The text without tags, every run of spaces one space."""
    return " ".join(re.sub(r"<[^>]+>", " ", html_text).split())


def test_a_conv1_unit_in_words_carries_its_numbers(traced):
    result, tracer = traced
    trace = tracer.trace(result, "conv2d", (12, 9, 5))
    detail = trace.detail
    assert isinstance(detail, ConvTrace)
    text = _plain(trace_html(trace))
    assert "conv2d map 5 at (y=12, x=9) — Conv2D" in text
    assert "Receptive field: 3×3 input pixels (rows 12–14, columns 9–11)" in text
    assert "Reads a 3×3 window of the input (rows 12–14, columns 9–11)" in text
    assert f"Σ of the 9 products = {detail.total:+.4f}" in text
    assert f"+ bias {detail.bias:+.4f} = {detail.pre_activation:+.4f}" in text
    for value in detail.kernel[:, :, 0].ravel():  # every weight is printed
        assert f"{value:+.3f}" in text
    line = trace_summary(trace)
    assert line.startswith("conv2d map 5 at (y=12, x=9): Σ 9 products")
    assert line.endswith("sees input rows 12–14, columns 9–11 — click to pin, Trace tab for every number")


def test_a_deeper_conv_unit_lists_its_partial_sums_per_channel(traced):
    result, tracer = traced
    trace = tracer.trace(result, "conv2d_1", (10, 10, 3))
    detail = trace.detail
    text = _plain(trace_html(trace))
    assert "the 32 partial sums" in text and f"Σ of the 32 partial sums = {detail.total:+.4f}" in text
    top = int(np.argmax(np.abs(detail.channel_sums)))
    assert f"The largest partial sum, channel {top} (conv2d map {top})" in text


def test_a_pool_unit_names_its_winner_and_outlines_it_in_its_source(traced):
    result, tracer = traced
    y, x = np.unravel_index(np.argmax(result.layer("max_pooling2d").activation[:, :, 7]), (12, 12))
    trace = tracer.trace(result, "max_pooling2d", (int(y), int(x), 7))
    detail = trace.detail
    assert isinstance(detail, PoolTrace) and detail.winner is not None and detail.value > 0
    assert f"the largest of them = {detail.value:.4f} (the outlined winner)" in _plain(trace_html(trace))
    fields, marks = trace_outlines(trace, lambda name: name)
    assert fields == [(trace.field, TRACED_COLOUR)]
    wy, wx = detail.origin[0] + detail.winner[0], detail.origin[1] + detail.winner[1]
    assert marks == {"max_pooling2d": [trace.index], "conv2d_1": [(wy, wx, 7)]}


def test_a_softmax_unit_shows_its_logits_and_outlines_its_largest_inputs(traced):
    result, tracer = traced
    trace = tracer.trace(result, "dense_1", (result.predicted,))
    detail = trace.detail
    assert isinstance(detail, DenseTrace) and detail.logits is not None
    text = _plain(trace_html(trace))
    assert "all 10 z: " + ", ".join(f"{z:+.2f}" for z in detail.logits) in text
    assert f"the other {detail.inputs - len(detail.top):,} inputs" in text
    fields, marks = trace_outlines(trace, lambda name: name)
    assert fields == []  # a dense layer's inputs are dense units: no field on the image
    assert marks["dense_1"] == [trace.index]
    assert sorted(marks["dense"]) == sorted(c.location for c in detail.top)
    summary = trace_summary(trace)
    assert summary.startswith(f"dense_1 unit {result.predicted}: Σ 128 products") and "softmax" in summary


def test_a_dense_unit_reading_maps_outlines_the_fields_of_its_largest_terms(traced):
    result, tracer = traced
    trace = tracer.trace(result, "dense", (int(np.argmax(result.layer("dense").activation)),))
    fields, marks = trace_outlines(trace, lambda name: "max_pooling2d" if name == "dropout" else name)
    assert {colour for _, colour in fields} == {CONTRIBUTION_COLOUR}
    assert len(fields) == len(trace.detail.top) and all(f.size == (6, 6) for f, _ in fields)
    assert "max_pooling2d" in marks and "dropout" not in marks


def test_a_unit_after_a_layer_guiapp_cannot_map_back_says_where_the_trail_ends():
    from guiapp.core.model.backend import keras
    from guiapp.core.model.inference import Inspector

    k = keras()
    model = k.Sequential([k.Input((12, 10, 3)), k.layers.Conv2D(2, 3, name="c"),
                          k.layers.UpSampling2D((2, 1), name="up"), k.layers.Conv2D(2, 3, name="after"),
                          k.layers.Flatten(), k.layers.Dense(2, activation="softmax")])
    inspector = Inspector.from_keras(model)
    result = inspector.run(np.random.default_rng(1).random((12, 10, 3), dtype=np.float32))
    trace = Tracer.for_inspector(inspector).trace(result, "after", (3, 2, 1))
    text = _plain(trace_html(trace))
    assert "Tracing stops at up (UpSampling2D): guiapp does not know how its outputs map to its inputs." in text

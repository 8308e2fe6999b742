"""Writer order: file blocks, and whether a file's line order groups its writers' styles."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp.core.training.writer_order import (
    block_halves,
    file_blocks,
    order_locality,
    random_window_share,
    style_halves,
)


def test_file_blocks_cover_every_line_once():
    blocks = file_blocks(7494)
    assert len(blocks) == 30 and [len(b) for b in blocks[:2]] == [250, 250] and len(blocks[-1]) == 249
    assert np.array_equal(np.concatenate(blocks), np.arange(7494))
    first, second = block_halves(7494)
    assert len(first) == len(second) == 3747 and not set(first) & set(second)
    assert first[:3].tolist() == [0, 1, 2] and second[0] == 250  # block 1 (lines 250–499) is the other half's
    assert len(file_blocks(5, 30)) == 5
    with pytest.raises(ValueError):
        file_blocks(10, 0)


def test_random_window_share_by_hand():
    # 4 positions, window 2: the pairs one apart are 3 of the 6 unordered pairs.
    assert random_window_share(4, 2) == pytest.approx(0.5)
    assert random_window_share(10, 10) == pytest.approx(1.0)


def _writers(writers: int = 12, per_writer: int = 100, seed: int = 0):
    """Digits whose pen points carry a writer's own offset: style that clusters by writer."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, writers * per_writer)
    shape = rng.uniform(0, 100, (3, 8, 2))  # one template per label
    style = rng.normal(0, 12, (writers, 8, 2))  # each writer's own way
    writer = np.repeat(np.arange(writers), per_writer)
    points = shape[labels] + style[writer] + rng.normal(0, 2, (len(labels), 8, 2))
    return points, labels


def test_a_writer_ordered_file_is_found_grouped_and_a_shuffled_one_is_not():
    points, labels = _writers()
    ordered = order_locality(points, labels, window=100)
    assert ordered.grouped and ordered.near_share > 0.9 and ordered.median_gap < 100
    shuffle = np.random.default_rng(1).permutation(len(labels))
    shuffled = order_locality(points[shuffle], labels[shuffle], window=100)
    assert not shuffled.grouped and abs(shuffled.near_share - shuffled.random_share) < 0.05


def test_the_pendigits_sample_is_not_in_writer_order(pendigits):
    points, labels = pendigits  # the first 2,000 lines of pendigits.tra: eight writers' worth of lines
    found = order_locality(points, labels)
    assert not found.grouped
    assert found.near_share == pytest.approx(found.random_share, abs=0.04)  # 0.2245 against 0.2336


def test_style_halves_keep_each_writers_style_on_one_side():
    points, labels = _writers(writers=12, per_writer=100)
    first, second = style_halves(points, labels, groups=12, seed=0)
    assert not set(first) & set(second) and len(first) + len(second) == len(labels)
    for digit in range(3):  # every digit on both sides, about half each
        share = (labels[second] == digit).sum() / (labels == digit).sum()
        assert 0.3 < share < 0.7
    writer = np.repeat(np.arange(12), 100)
    # a writer's digits of one label go to one side: the style a test half holds is new to the other half
    split = [np.isin(np.flatnonzero((writer == w) & (labels == d)), second).mean() for w in range(12) for d in range(3)]
    assert np.mean([s in (0.0, 1.0) for s in split]) > 0.8


def test_style_halves_of_the_pendigits_sample_are_harder_than_alternate_lines(pendigits):
    points, labels = pendigits
    flat = points.reshape(len(points), -1)

    def nearest_neighbour(train, test):
        d = ((flat[test, None, :] - flat[None, train, :]) ** 2).sum(-1)
        return (labels[train][d.argmin(axis=1)] == labels[test]).mean()

    first, second = style_halves(points, labels)
    lines = np.arange(len(labels))
    assert nearest_neighbour(first, second) < nearest_neighbour(lines[::2], lines[1::2]) - 0.02
    assert set(labels[first]) == set(labels[second]) == set(range(10))

"""Does pendigits.tra's line order group its writers? It does not; these functions say how we know.

UCI's pendigits (Alimoglu & Alpaydin) holds 250 digits from each of 44 writers; ``pendigits.tra``
is the 30 training writers' 7,494 digits, with no writer ids. If the file kept each writer's
digits together, any 250 consecutive lines would be one or two writers, and the digits most alike
in style would sit near each other in the file. Measured on ``pendigits.tra`` (2025, issue 24):

- **Style locality** (:func:`order_locality`): for each digit, its nearest neighbour in pen
  coordinates among the digits with the same label lies within 250 lines of it for 6.81% of the
  digits; a random order gives 6.54%. The median gap to that neighbour is 2,184 lines (random:
  2,195). Same-label pairs 1–50 lines apart are as far apart in style as pairs 3,000+ lines apart
  (ratio to all pairs 0.998 and 0.999).
- **Labels**: consecutive lines share a label 10.18% of the time (random: 10.02%); the class
  counts of 30 consecutive blocks of 250 lines spread as a shuffled file's do (10 to 40 of a
  class in a block), not 24–26 as 250 digits of one writer would be (the file's 780/720 per
  class are 26/24 per writer).

So the file was shuffled after the writers were pooled: its order carries no writer. Any split
of it — even and odd lines, or the first and last halves (:func:`file_blocks`) — puts the same
30 writers on both sides. A split of it measures unseen *digits*, not unseen *writers*; the 14
writer-independent writers (``pendigits.tes``) are the only leave-writers-out set, and the project
does not hold it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["OrderLocality", "block_halves", "file_blocks", "order_locality", "random_window_share", "style_halves"]

WINDOW = 250  # lines: one writer's share of the file, had it been kept together


def file_blocks(count: int, blocks: int = 30) -> list[np.ndarray]:
    """Line indices 0..count−1 cut into ``blocks`` consecutive blocks of near-equal size.

    For pendigits.tra these are *not* writers (the module docstring gives the evidence): each block
    is a random draw of the same 30 writers' digits.
    """
    if count < 0 or blocks < 1:
        raise ValueError(f"need count ≥ 0 and blocks ≥ 1, got {count} and {blocks}")
    return np.array_split(np.arange(count), min(blocks, max(count, 1)))


def block_halves(count: int, blocks: int = 30) -> tuple[np.ndarray, np.ndarray]:
    """(the even-numbered blocks' lines, the odd-numbered blocks' lines): two disjoint halves of the file."""
    parts = file_blocks(count, blocks)
    even = [p for i, p in enumerate(parts) if i % 2 == 0]
    odd = [p for i, p in enumerate(parts) if i % 2 == 1]
    empty = np.zeros(0, np.int64)
    return (np.concatenate(even) if even else empty), (np.concatenate(odd) if odd else empty)


def style_halves(points: np.ndarray, labels: np.ndarray, groups: int = 80,
                 seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two halves of the file in which no *style* is on both sides: a harsher split than new writers.

    Within each digit, the pen paths are clustered into ``groups`` styles (k-means on the 16
    coordinates) and whole styles are dealt to one half or the other. A writer's 25 or so fours
    look alike, so they mostly share a style and land on one side — as in a leave-writers-out
    split —, but so do other writers' fours that look like them, which a new writer's test set
    would not take away. On pendigits.tra, 1-NN on the pen points reads 99.2% of the odd lines
    from the even ones, 96.1% of one style half from the other (``groups=80``); published
    writer-independent figures for such simple classifiers (about 98%) lie between the two.
    """
    from scipy.cluster.vq import kmeans2

    flat = np.asarray(points, np.float64).reshape(len(points), -1)
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    second = np.zeros(len(labels), bool)
    for digit in np.unique(labels):
        members = np.flatnonzero(labels == digit)
        k = int(min(groups, max(len(members) // 2, 1)))
        if k < 2:
            second[members[1::2]] = True
            continue
        _, style = kmeans2(flat[members], k, seed=int(rng.integers(2**31)), minit="++")
        order = rng.permutation(k)
        sizes = np.bincount(style, minlength=k)
        taken, total = [], 0  # deal styles to the second half until it holds half the digit
        for group in order:
            if total + sizes[group] <= len(members) / 2 + sizes[group] / 2:
                taken.append(group)
                total += sizes[group]
        second[members[np.isin(style, taken)]] = True
    return np.flatnonzero(~second), np.flatnonzero(second)


@dataclass(frozen=True)
class OrderLocality:
    """How often a digit's nearest same-label neighbour lies within ``window`` lines, against chance."""

    near_share: float
    random_share: float  # what a random order of the same file gives
    median_gap: float  # lines between a digit and its nearest same-label neighbour
    window: int
    count: int

    @property
    def grouped(self) -> bool:
        """True when style clusters in the file order (twice chance or more): the order groups writers."""
        return self.near_share >= 2 * self.random_share


def random_window_share(count: int, window: int) -> float:
    """P(0 < |i − j| < window) for two distinct positions drawn uniformly from ``count``."""
    if count < 2:
        return 0.0
    w = min(window, count) - 1
    return (2 * w * count - w * (w + 1)) / (count * (count - 1))


def order_locality(points: np.ndarray, labels: np.ndarray, window: int = WINDOW) -> OrderLocality:
    """For each digit, the file distance to its nearest same-label neighbour in pen coordinates.

    A writer-ordered file puts most nearest neighbours within one writer's block; a shuffled one
    gives :func:`random_window_share`.
    """
    x = np.asarray(points, np.float64).reshape(len(points), -1)
    labels = np.asarray(labels)
    gaps = []
    for label in np.unique(labels):
        where = np.flatnonzero(labels == label)
        if len(where) < 2:
            continue
        xs = x[where]
        squared = (xs * xs).sum(axis=1)
        distance = squared[:, None] + squared[None, :] - 2 * xs @ xs.T
        np.fill_diagonal(distance, np.inf)
        gaps.append(np.abs(where[distance.argmin(axis=1)] - where))
    gap = np.concatenate(gaps) if gaps else np.zeros(0, np.int64)
    return OrderLocality(
        near_share=float((gap < window).mean()) if len(gap) else 0.0,
        random_share=random_window_share(len(labels), window),
        median_gap=float(np.median(gap)) if len(gap) else float("nan"),
        window=window,
        count=len(labels),
    )

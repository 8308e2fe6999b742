"""Training data that looks like what people draw, for a model robust to drawings.

People do not draw like MNIST's scanned digits: they tilt and shear, draw tall or
squat, thick or thin, wobbly, and a tablet's polyline has corners. Each augmented
MNIST digit goes through a random mix of those (rotation, shear, scale, aspect ratio —
including stretched to fill a square, as the pendigits data does —, position, stroke
thickness, a smooth elastic distortion) and then through the same MNIST recipe the
canvas uses (crop → fit 20×20 → centre of mass). Pen-drawn digits (pendigits) are
rendered through the canvas rasteriser itself, with varied pen widths, sizes, slants
and proportions.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import numpy as np
from scipy import ndimage

from guiapp.core.drawing.preprocess import mnist_preprocess
from guiapp.core.drawing.strokes import rasterize
from guiapp.core.training.data import MnistData
from guiapp.core.training.pendigits import pendigit_drawing

__all__ = ["Augmentation", "augment_mnist", "drawings_training_data", "render_pendigits"]


@dataclass(frozen=True)
class Augmentation:
    """How far each kind of variation goes (uniform ranges); the model card records it."""

    rotation_deg: float = 10.0
    shear: float = 0.2
    scale: tuple[float, float] = (0.85, 1.15)
    aspect: tuple[float, float] = (0.75, 1.33)  # width / height factor
    fill_square: float = 0.0  # share of digits stretched to fill a square: off — it smears a thin "1" into a
    # blob, while pendigits' squared "1" is still a thin line (the renders below teach that style)
    thickness: tuple[int, int] = (-1, 1)  # grey erosion (−) or dilation (+) steps at 2× resolution
    elastic_alpha: float = 1.5  # pixels of smooth displacement
    elastic_sigma: float = 3.0
    pen_width: tuple[float, float] = (10.0, 34.0)  # pendigits renders: canvas pixels
    pen_margin: tuple[float, float] = (25.0, 95.0)
    pen_jitter: float = 2.5  # pendigits units (of 100) per point
    pen_aspect: tuple[float, float] = (0.45, 1.1)  # x squeeze: the data lost the writer's proportions
    pen_slant: float = 0.0  # writers' slant: x shifted by up to ±slant × height above the middle
    pen_warp: float = 0.0  # a smooth bend of the whole path: up to this many units (of 100) at its peak
    pen_refill: float = 0.0  # share of varied renders scaled back to fill 0..100, as the tablet data was

    @classmethod
    def writers(cls) -> "Augmentation":
        """The recipe for new writers (issue 24): slants, bends and the tablet's own scaling added."""
        return cls(pen_slant=0.3, pen_warp=6.0, pen_refill=0.5)

    def to_dict(self) -> dict:
        return asdict(self)


def _affine(image: np.ndarray, rng: np.random.Generator, aug: Augmentation) -> np.ndarray:
    """Rotate, shear, scale and change the aspect of a 28×28 digit about its centre, at 2× resolution."""
    big = ndimage.zoom(image, 2, order=1)
    angle = np.deg2rad(rng.uniform(-aug.rotation_deg, aug.rotation_deg))
    shear = rng.uniform(-aug.shear, aug.shear)
    scale = rng.uniform(*aug.scale)
    aspect = rng.uniform(*aug.aspect)
    c, s = np.cos(angle), np.sin(angle)
    forward = np.array([[c, -s], [s, c]]) @ np.array([[1.0, 0.0], [shear, 1.0]]) @ np.diag([scale, scale * aspect])
    inverse = np.linalg.inv(forward)  # (row, col) output → input
    centre = (np.array(big.shape) - 1) / 2
    offset = centre - inverse @ centre
    out = ndimage.affine_transform(big, inverse, offset=offset, order=1, mode="constant", cval=0.0)
    steps = int(rng.integers(aug.thickness[0], aug.thickness[1] + 1))
    if steps > 0:
        out = ndimage.grey_dilation(out, size=(steps + 1, steps + 1))
    elif steps < 0:
        out = ndimage.grey_erosion(out, size=(2, 2)) if out.max() > 0 else out
    if aug.elastic_alpha > 0:
        shape = out.shape
        dy = ndimage.gaussian_filter(rng.uniform(-1, 1, shape), aug.elastic_sigma * 2)
        dx = ndimage.gaussian_filter(rng.uniform(-1, 1, shape), aug.elastic_sigma * 2)
        norm = max(np.abs(dy).max(), np.abs(dx).max(), 1e-6)
        alpha = aug.elastic_alpha * 2 * rng.uniform(0.3, 1.0)
        rows, cols = np.meshgrid(np.arange(shape[0]), np.arange(shape[1]), indexing="ij")
        out = ndimage.map_coordinates(out, [rows + alpha * dy / norm, cols + alpha * dx / norm], order=1)
    return np.clip(out, 0.0, 1.0)


def _fill_square(image: np.ndarray) -> np.ndarray:
    """Stretch the ink's box to a square (what pendigits' 0..100 scaling does to a '1')."""
    rows = np.flatnonzero(image.max(axis=1) > 0.1)
    cols = np.flatnonzero(image.max(axis=0) > 0.1)
    if rows.size == 0:
        return image
    crop = image[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    side = max(crop.shape)
    return np.clip(ndimage.zoom(crop, (side / crop.shape[0], side / crop.shape[1]), order=1), 0.0, 1.0)


def augment_mnist(images: np.ndarray, rng: np.random.Generator, aug: Augmentation = Augmentation()) -> np.ndarray:
    """uint8 (N, 28, 28) MNIST digits → uint8 (N, 28, 28) varied as drawings vary, through the MNIST recipe."""
    out = np.empty_like(images, dtype=np.uint8)
    for i, image in enumerate(images):
        varied = _affine(image.astype(np.float64) / 255.0, rng, aug)
        if rng.random() < aug.fill_square:
            varied = _fill_square(varied)
        out[i] = np.round(mnist_preprocess(varied) * 255).astype(np.uint8)
    return out


def _bend(rng: np.random.Generator, amplitude: float) -> np.ndarray:
    """(8, 2) offsets that vary smoothly along the path: one random half- to full-wave per axis."""
    if amplitude <= 0:
        return np.zeros((8, 2))
    t = np.linspace(0.0, 1.0, 8)[:, None]
    cycles = rng.uniform(0.5, 1.0, (1, 2))
    phase = rng.uniform(0.0, 2 * np.pi, (1, 2))
    return amplitude * rng.uniform(0.0, 1.0, (1, 2)) * np.sin(2 * np.pi * cycles * t + phase)


def render_pendigits(points: np.ndarray, rng: np.random.Generator | None = None,
                     aug: Augmentation = Augmentation()) -> np.ndarray:
    """Pendigits (N, 8, 2) → uint8 (N, 28, 28) through the canvas pipeline; varied when ``rng`` is given."""
    out = np.empty((len(points), 28, 28), np.uint8)
    for i, digit in enumerate(points):
        if rng is None:
            drawing = pendigit_drawing(digit)
        else:
            xy = digit + rng.normal(0.0, aug.pen_jitter, digit.shape)
            angle = np.deg2rad(rng.uniform(-aug.rotation_deg * 0.7, aug.rotation_deg * 0.7))
            c, s = np.cos(angle), np.sin(angle)
            centred = xy - 50.0
            centred[:, 0] *= rng.uniform(*aug.pen_aspect)
            centred[:, 0] += rng.uniform(-aug.pen_slant, aug.pen_slant) * centred[:, 1]
            xy = centred @ np.array([[c, s], [-s, c]]) + 50.0 + _bend(rng, aug.pen_warp)
            if rng.random() < aug.pen_refill:
                low, high = xy.min(axis=0), xy.max(axis=0)
                xy = (xy - low) / np.maximum(high - low, 1e-6) * 100.0
            drawing = pendigit_drawing(xy, margin=rng.uniform(*aug.pen_margin), pen_width=rng.uniform(*aug.pen_width))
        out[i] = np.round(mnist_preprocess(rasterize(drawing)) * 255).astype(np.uint8)
    return out


def drawings_training_data(
    mnist: MnistData,
    augmented: int,
    pen_points: np.ndarray | None = None,
    pen_labels: np.ndarray | None = None,
    pen_copies: int = 4,
    seed: int = 0,
    aug: Augmentation = Augmentation(),
    mnist_copies: int = 1,
) -> tuple[MnistData, dict]:
    """MNIST's training set plus ``augmented`` varied MNIST digits and ``pen_copies`` varied renders of
    each pen-drawn digit; the test set is MNIST's, untouched. ``mnist_copies`` > 1 repeats MNIST's training
    set, so it keeps its weight beside many pen renders. Returns the data and a recipe for the card."""
    if mnist_copies < 1:
        raise ValueError(f"mnist_copies must be at least 1, not {mnist_copies}")
    rng = np.random.default_rng(seed)
    pick = rng.choice(len(mnist.x_train), size=augmented, replace=augmented > len(mnist.x_train))
    xs = [mnist.x_train] * mnist_copies + [augment_mnist(mnist.x_train[pick], rng, aug)]
    ys = [mnist.y_train] * mnist_copies + [mnist.y_train[pick]]
    recipe: dict = {"mnist_train": len(mnist.x_train), "mnist_augmented": int(augmented),
                    **({"mnist_copies": mnist_copies} if mnist_copies > 1 else {}),
                    "augmentation": aug.to_dict(), "seed": seed}
    if pen_points is not None and pen_labels is not None and pen_copies > 0:
        for _ in range(pen_copies):
            xs.append(render_pendigits(pen_points, rng, aug))
            ys.append(np.asarray(pen_labels))
        recipe["pendigits_rendered"] = int(len(pen_points) * pen_copies)
        recipe["pendigits_digits"] = len(pen_points)
    x = np.concatenate(xs)
    y = np.concatenate(ys).astype(mnist.y_train.dtype)
    return replace(mnist, x_train=x, y_train=y), recipe

"""Small Keras CNNs saved as ``.keras`` files, for tests of any input shape and any number of classes.

``make_model(tmp_path, (40, 32, 1), 10)`` gives the path of an untrained but deterministic
classifier: every kernel is drawn from a seeded initialiser, so two calls give the same weights
(and the same predictions) without touching Keras' global random state.

The issue's models, ready to use::

    make_model(tmp_path, GREY_28, 10)
    make_model(tmp_path, GREY_40x32, 10)
    make_model(tmp_path, RGB_32, 10, rescaling=True)
    make_model(tmp_path, RGB_64x48, 100)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

GREY_28 = (28, 28, 1)
GREY_40x32 = (40, 32, 1)
RGB_32 = (32, 32, 3)
RGB_64x48 = (64, 48, 3)

FIRST_FILTERS = 4  # small: these models are for tests, not for accuracy
SECOND_FILTERS = 8
KERNEL = 3
SEED = 1234


def make_model(
    tmp_path: Path,
    input_shape: tuple[int, int, int],
    classes: int,
    *,
    rescaling: bool = False,
    name: str | None = None,
    classes_names: Sequence[str] | None = None,
    seed: int = SEED,
) -> Path:
    """Build Conv2D → MaxPool → Conv2D → Flatten → Dense(softmax), save it in ``tmp_path``, return the path.

    ``rescaling`` puts ``Rescaling(1/255)`` first, so the model takes 0..255 pixels.
    ``classes_names`` writes a card ``{"classes": [...]}`` beside the file (its length need not
    match ``classes``: a test may want a wrong card).
    """
    from guiapp.core.model.backend import keras
    from guiapp.core.model.modelcard import write_card

    k = keras()
    height, width, channels = input_shape
    name = name or f"cnn_{height}x{width}x{channels}_{classes}{'_rescaling' if rescaling else ''}"

    def init(offset: int) -> object:
        return k.initializers.GlorotUniform(seed=seed + offset)

    layers: list[object] = [k.Input(input_shape)]
    if rescaling:
        layers.append(k.layers.Rescaling(1 / 255, name="rescaling"))
    layers += [
        k.layers.Conv2D(FIRST_FILTERS, KERNEL, activation="relu", kernel_initializer=init(0), name="conv1"),
        k.layers.MaxPooling2D(2, name="pool1"),
        k.layers.Conv2D(SECOND_FILTERS, KERNEL, activation="relu", kernel_initializer=init(1), name="conv2"),
        k.layers.Flatten(name="flatten"),
        k.layers.Dense(classes, activation="softmax", kernel_initializer=init(2), name="dense"),
    ]
    model = k.Sequential(layers, name=name)
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / f"{name}.keras"
    model.save(path)
    if classes_names is not None:
        write_card(path, {"classes": [str(c) for c in classes_names]})
    return path


# ----------------------------------------------------------------- hostile picture files


def png_declaring(path: Path, width: int, height: int) -> Path:
    """A tiny PNG whose header declares ``width``×``height`` 1-bit pixels (its data is a stub).

    What a decompression bomb looks like before decoding: a reader that trusts the header
    and allocates would need gigabytes; a careful one refuses it from the header alone.
    """
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1 bit per pixel, grey
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
                     + chunk(b"IEND", b""))
    return path


def npy_declaring(path: Path, shape: tuple[int, ...], dtype: str = "<f8") -> Path:
    """A tiny ``.npy`` whose header declares ``shape`` (its data is a few bytes)."""
    import numpy as np

    with path.open("wb") as handle:
        np.lib.format.write_array_header_1_0(handle, {"descr": dtype, "fortran_order": False, "shape": shape})
        handle.write(b"\0" * 16)
    return path


def randomise_weights(model, rng: np.random.Generator) -> None:
    """Non-trivial weights: random biases, batch-norm statistics and scales (kernels stay Glorot)."""
    for layer in model.layers:
        values = []
        for variable in layer.weights:
            name = variable.path.rsplit("/", 1)[-1]
            shape = tuple(variable.shape)
            if name in ("moving_variance", "variance"):
                values.append(rng.uniform(0.5, 2.0, shape))
            elif name == "gamma":
                values.append(rng.uniform(0.5, 1.5, shape))
            elif name in ("bias", "beta", "moving_mean", "mean"):
                values.append(rng.normal(0, 0.2, shape))
            else:
                values.append(np.asarray(variable.numpy()))
        if values:
            layer.set_weights([v.astype(np.float32) for v in values])
            if type(layer).__name__ == "Normalization":
                layer.finalize_state()  # Keras 3 reshapes the adapted statistics only here


# ----------------------------------------------------------------- models that compute NaN

HUGE = 1e30  # every kernel × this: conv2's outputs pass float32's 3.4e38 on any CPU (IEEE 754 overflow)


def poisoned_model(folder: Path, kind: str) -> Path:
    """A small 28×28 model whose conv1 holds one NaN or infinite weight, or ("overflow") huge finite kernels."""
    from guiapp.core.model.backend import keras

    path = make_model(folder, GREY_28, 10, name=f"{kind}_model")
    model = keras().models.load_model(path, compile=False)
    for name in ("conv1", "conv2", "dense") if kind == "overflow" else ("conv1",):
        layer = model.get_layer(name)
        kernel, bias = layer.get_weights()
        if kind == "overflow":
            kernel *= HUGE
        else:
            kernel[0, 0, 0, 0] = np.nan if kind == "nan" else np.inf
        layer.set_weights([kernel, bias])
    model.save(path)
    return path

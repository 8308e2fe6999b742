"""Random sequential image networks for the tests that hold the ledger and the engines to Keras."""

from __future__ import annotations

import random

from guiapp.core.model.architectures import Architecture, LayerSpec

ACTIVATIONS = ("relu", "tanh", "sigmoid", "elu", "selu", "softplus", "softsign", "swish", "gelu", "relu6",
               "hard_sigmoid", "leaky_relu", "linear", "mish", "exponential")


NEW_KINDS = ("SeparableConv2D", "DepthwiseConv2D", "ZeroPadding2D", "Normalization", "Rescaling")
MAX_CHANNELS = 12  # a depthwise layer multiplies the channels: keep the generated networks small


def _depthwise_window(rng: random.Random) -> dict[str, object]:
    """Kernel, strides, padding and dilation of a random depthwise convolution: dilation only with stride 1
    (Keras refuses both), one stride for both axes (TensorFlow's depthwise kernel runs no other)."""
    strides = rng.randint(1, 3)
    return {
        "kernel_size": (rng.randint(1, 5), rng.randint(1, 5)) if rng.random() < 0.3 else rng.randint(1, 5),
        "strides": strides,
        "padding": rng.choice(["valid", "same"]),
        "dilation_rate": rng.choice([1, 1, 2]) if strides == 1 else 1,
        "use_bias": rng.random() < 0.8,
    }


def _new_kind_config(kind: str, rng: random.Random, channels: int) -> tuple[dict[str, object], int]:
    """(config, output channels) of one of :data:`NEW_KINDS` on an input of ``channels`` channels."""
    if kind == "SeparableConv2D":
        filters = rng.randint(1, 6)
        return {"filters": filters, "depth_multiplier": rng.choice([1, 1, 2]), **_depthwise_window(rng)}, filters
    if kind == "DepthwiseConv2D":
        multiplier = rng.choice([1, 2, 3]) if channels * 3 <= MAX_CHANNELS else 1
        return {"depth_multiplier": multiplier, **_depthwise_window(rng)}, channels * multiplier
    if kind == "ZeroPadding2D":
        return {"padding": rng.choice([1, 2, (1, 2), ((0, 2), (1, 0))])}, channels
    if kind == "Rescaling":
        return {"scale": rng.choice([1 / 255, 2.0, 0.5]), "offset": rng.choice([0.0, -1.0])}, channels
    config: dict[str, object] = rng.choice([
        {},  # adapted: mean and variance saved as weights
        {"axis": None},
        {"mean": 0.5, "variance": 0.25},  # given: settings, no weights
        {"mean": [round(rng.uniform(-1, 1), 3) for _ in range(channels)],
         "variance": [round(rng.uniform(0.2, 3), 3) for _ in range(channels)]},
    ])
    if rng.random() < 0.15:
        config["invert"] = True
    return config, channels


def random_architecture(rng: random.Random, index: int, *, new_kinds: bool = False,
                        sides: tuple[int, int] = (6, 40), channel_choices: tuple[int, ...] = (1, 1, 2, 3, 4),
                        max_units: int = 64) -> Architecture:
    """A network of 2–9 layers on a random input (6–40 pixels a side, 1–4 channels); Keras may refuse it.

    ``new_kinds`` mixes in :data:`NEW_KINDS` as well (off: the same networks as before they existed,
    seed for seed); ``sides``, ``channel_choices`` and ``max_units`` bound the input and the Dense layers.
    """
    h, w, c = rng.randint(*sides), rng.randint(*sides), rng.choice(channel_choices)
    layers: list[LayerSpec] = []
    channels = c
    kinds = ["Conv2D"] * 4 + ["MaxPooling2D", "AveragePooling2D", "BatchNormalization", "Activation",
                              "ReLU", "Dropout", "SpatialDropout2D"]
    if new_kinds:
        kinds += ["SeparableConv2D", "SeparableConv2D", "DepthwiseConv2D", "DepthwiseConv2D", *NEW_KINDS[2:]]
    for i in range(rng.randint(1, 6)):
        kind = rng.choice(kinds)
        name = f"l{i}"
        if kind == "Conv2D":
            strides = (rng.randint(1, 3), rng.randint(1, 3)) if rng.random() < 0.5 else rng.randint(1, 3)
            dilation = rng.choice([1, 1, 2]) if strides in (1, (1, 1)) else 1
            groups = rng.choice([g for g in (1, 2) if channels % g == 0])
            filters = rng.randint(1, 6) * groups
            config = {
                "filters": filters,
                "kernel_size": (rng.randint(1, 5), rng.randint(1, 5)) if rng.random() < 0.3 else rng.randint(1, 5),
                "strides": strides,
                "padding": rng.choice(["valid", "same"]),
                "dilation_rate": dilation,
                "groups": groups,
                "use_bias": rng.random() < 0.8,
            }
            channels = filters
        elif kind in NEW_KINDS:
            config, channels = _new_kind_config(kind, rng, channels)
        elif kind in ("MaxPooling2D", "AveragePooling2D"):
            config = {
                "pool_size": rng.choice([2, 3, (2, 3), 1]),
                "strides": rng.choice([None, 1, 2, (1, 2)]),
                "padding": rng.choice(["valid", "same"]),
            }
        elif kind == "BatchNormalization":
            config = {"center": rng.random() < 0.7, "scale": rng.random() < 0.7}
            if rng.random() < 0.2:
                config["trainable"] = False
        elif kind == "Activation":
            config = {"activation": rng.choice(["relu", "tanh", "sigmoid"])}
        elif kind in ("Dropout", "SpatialDropout2D"):
            config = {"rate": round(rng.random() * 0.6, 2)}
        else:
            config = {}
        layers.append(LayerSpec(kind, name, config))
    head = rng.choice(["Flatten", "GlobalAveragePooling2D", "GlobalMaxPooling2D", "Dense"])
    if head == "Dense":  # Dense applied to an image acts on the channel axis at every position
        layers.append(LayerSpec("Dense", "d_img", {"units": rng.randint(1, 8)}))
        head = "Flatten"
    layers.append(LayerSpec(head, "head", {"keepdims": rng.random() < 0.3} if head.startswith("Global") else {}))
    if head == "Flatten" or not layers[-1].config.get("keepdims"):
        for j in range(rng.randint(1, 2)):
            layers.append(LayerSpec("Dense", f"d{j}", {"units": rng.randint(1, max_units),
                                                       "use_bias": rng.random() < 0.9}))
    return Architecture(f"generated_{index}", tuple(layers), input_shape=(h, w, c))


CLASSIFIER_SIDES = (8, 64)  # small enough to build and save fifty in a few seconds each
MAX_CLASSES = 20


def random_classifier(rng: random.Random, index: int) -> Architecture:
    """An image classifier guiapp explains: 8–64 pixels a side (not necessarily square), 1 or 3 channels,
    every layer kind the ledger knows (the new ones included), ending in N ≥ 2 class scores.
    Keras may still refuse it (a window larger than its input)."""
    arch = random_architecture(rng, index, new_kinds=True, sides=CLASSIFIER_SIDES, channel_choices=(1, 3),
                               max_units=16)
    layers = list(arch.layers)
    if layers[-1].kind != "Dense":  # a global pooling that kept its 1×1 map
        layers.append(LayerSpec("Flatten", "flat"))
    else:
        layers.pop()
    classes = rng.randint(2, MAX_CLASSES)
    layers.append(LayerSpec("Dense", "classes", {"units": classes, "activation": rng.choice(["softmax", "linear"])}))
    return Architecture(f"classifier_{index}", tuple(layers), input_shape=arch.input_shape)


def with_extras(arch: Architecture, rng: random.Random) -> Architecture:
    """``arch`` with activations on its Conv2D/Dense layers and a few more layer kinds mixed in
    (Rescaling first, ZeroPadding2D, LeakyReLU, ELU, ReLU with settings, Softmax, GaussianNoise)."""
    layers: list[LayerSpec] = []
    if rng.random() < 0.3:
        layers.append(LayerSpec("Rescaling", "rescale", {"scale": rng.choice([1 / 255, 2.0]), "offset": -0.5}))
    image = True
    for spec in arch.layers:
        config = dict(spec.config)
        if spec.kind in ("Conv2D", "Dense") and rng.random() < 0.7:
            config["activation"] = rng.choice(ACTIVATIONS)
        if spec.kind in ("Flatten", "GlobalAveragePooling2D", "GlobalMaxPooling2D"):
            image = False
        layers.append(LayerSpec(spec.kind, spec.name, config))
        extra = rng.random()
        name = f"{spec.name}_x"
        if image and spec.kind == "Conv2D" and extra < 0.25:
            layers.append(LayerSpec("ZeroPadding2D", name, {"padding": rng.choice([1, ((0, 2), (1, 0))])}))
        elif extra < 0.35:
            layers.append(LayerSpec("LeakyReLU", name, {"negative_slope": 0.1}))
        elif extra < 0.45:
            layers.append(LayerSpec("ELU", name, {"alpha": 0.7}))
        elif extra < 0.52:
            layers.append(LayerSpec("ReLU", name, {"max_value": 1.5, "negative_slope": 0.05, "threshold": 0.1}))
        elif extra < 0.58:
            layers.append(LayerSpec("GaussianNoise", name, {"stddev": 0.3}))
    layers.append(LayerSpec("Dense", "logits", {"units": rng.randint(2, 12)}))
    layers.append(LayerSpec("Softmax", "probabilities") if rng.random() < 0.5 else
                  LayerSpec("Activation", "probabilities", {"activation": "softmax"}))
    return Architecture(arch.name, tuple(layers), input_shape=arch.input_shape)

"""Random sequential image networks for the tests that hold the ledger and the engines to Keras."""

from __future__ import annotations

import random

from guiapp.core.architectures import Architecture, LayerSpec

ACTIVATIONS = ("relu", "tanh", "sigmoid", "elu", "selu", "softplus", "softsign", "swish", "gelu", "relu6",
               "hard_sigmoid", "leaky_relu", "linear", "mish", "exponential")


def random_architecture(rng: random.Random, index: int) -> Architecture:
    """A network of 2–9 layers on a random input (6–40 pixels a side, 1–4 channels); Keras may refuse it."""
    h, w, c = rng.randint(6, 40), rng.randint(6, 40), rng.choice([1, 1, 2, 3, 4])
    layers: list[LayerSpec] = []
    channels = c
    for i in range(rng.randint(1, 6)):
        kind = rng.choice(
            ["Conv2D"] * 4 + ["MaxPooling2D", "AveragePooling2D", "BatchNormalization", "Activation",
                              "ReLU", "Dropout", "SpatialDropout2D"]
        )
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
            layers.append(LayerSpec("Dense", f"d{j}", {"units": rng.randint(1, 64), "use_bias": rng.random() < 0.9}))
    return Architecture(f"generated_{index}", tuple(layers), input_shape=(h, w, c))




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

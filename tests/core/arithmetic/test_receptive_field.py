"""receptive_field: which input pixels a unit sees, walked back through the layers."""

from __future__ import annotations

from guiapp.core.arithmetic.receptive_field import (
    ChainStop,
    Field,
    LayerInfo,
    Window,
    chain_stop,
    field_of,
    read_field,
    spatial_chains,
    window_of,
)

SEED = (
    LayerInfo("conv2d", "Conv2D", {"kernel_size": 3}, (28, 28, 1), (26, 26, 32)),
    LayerInfo("conv2d_1", "Conv2D", {"kernel_size": 3}, (26, 26, 32), (24, 24, 64)),
    LayerInfo("max_pooling2d", "MaxPooling2D", {"pool_size": 2}, (24, 24, 64), (12, 12, 64)),
    LayerInfo("dropout", "Dropout", {"rate": 0.25}, (12, 12, 64), (12, 12, 64)),
    LayerInfo("flatten", "Flatten", {}, (12, 12, 64), (9216,)),
    LayerInfo("dense", "Dense", {"units": 128}, (9216,), (128,)),
    LayerInfo("dense_1", "Dense", {"units": 10}, (128,), (10,)),
)


def test_seed_fields_are_3_5_and_6_pixels():
    chains = spatial_chains(SEED)
    assert list(chains) == ["conv2d", "conv2d_1", "max_pooling2d", "dropout"]
    assert field_of(chains["conv2d"], 0, 0) == Field(0, 0, 3, 3)
    assert field_of(chains["conv2d_1"], 0, 0).size == (5, 5)
    assert field_of(chains["max_pooling2d"], 3, 4) == Field(6, 8, 12, 14)
    assert field_of(chains["dropout"], 0, 0).size == (6, 6)


def test_window_of_each_kind():
    assert window_of(SEED[2]) == Window((2, 2), (2, 2), (0, 0), (1, 1), (24, 24))
    assert window_of(SEED[3]) == Window((1, 1), (1, 1), (0, 0))
    assert window_of(SEED[4]) is None  # a map becomes a vector
    same = LayerInfo("c", "Conv2D", {"kernel_size": 3, "padding": "same"}, (28, 28, 1), (28, 28, 4))
    assert window_of(same).pad == (1, 1)
    pad = LayerInfo("p", "ZeroPadding2D", {"padding": 2}, (28, 28, 1), (32, 32, 1))
    assert window_of(pad).origin(0, 0) == (-2, -2)


def test_field_clipped_union_and_text():
    field = Field(-1, -1, 2, 2)
    assert field.clipped(28, 28) == Field(0, 0, 2, 2)
    assert Field(0, 0, 3, 3).union(Field(2, 5, 4, 6)) == Field(0, 0, 4, 6)
    assert Field(6, 8, 12, 14).text() == "6×6 pixels: rows 6–11, columns 8–13"


def test_read_field_leaves_out_padding():
    layer = LayerInfo("c", "Conv2D", {"kernel_size": 3, "padding": "same"}, (28, 28, 1), (28, 28, 4))
    chain = spatial_chains([layer])["c"]
    assert field_of(chain, 0, 0) == Field(-1, -1, 2, 2)
    assert read_field(chain, 0, 0) == Field(0, 0, 2, 2)
    pad = LayerInfo("p", "ZeroPadding2D", {"padding": 2}, (4, 4, 1), (8, 8, 1))
    assert read_field(spatial_chains([pad])["p"], 0, 0) is None  # the border reads nothing


def test_chain_stop_names_the_first_unknown_layer():
    assert chain_stop(SEED) is None
    reshape = LayerInfo("reshape", "Reshape", {}, (12, 12, 64), (144, 64))
    stop = chain_stop([*SEED[:3], reshape])
    assert stop == ChainStop("reshape", "Reshape")
    assert stop.sentence.startswith("tracing stops at reshape (Reshape)")


def test_layer_info_config_is_read_only():
    info = LayerInfo("c", "Conv2D", {"kernel_size": 3}, (28, 28, 1), (26, 26, 1))
    try:
        info.config["kernel_size"] = 5  # type: ignore[index]
    except TypeError:
        pass
    assert info.config["kernel_size"] == 3

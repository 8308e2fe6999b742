"""keras_file: a ``.keras`` archive read without Keras — its chain of layers and their weights, within bounds;
anything it does not understand is NotSupported (Keras is asked then), never a crash. (Whole generated networks
run from what it reads: test_numpy_engine.py.)"""

from __future__ import annotations

import io
import json
import zipfile

import h5py
import numpy as np
import pytest

from guiapp import paths
from guiapp.core.model.keras_file import (
    CONFIG_MEMBER,
    MAX_CONFIG_BYTES,
    WEIGHTS_MEMBER,
    _snake_case,
    _View,
    _weight_groups,
    archive_problem,
    member_bytes,
    member_file,
    read_chain,
)
from guiapp.core.model.numpy_engine import NotSupported

SHIPPED_LAYERS = [("conv2d", "Conv2D"), ("conv2d_1", "Conv2D"), ("max_pooling2d", "MaxPooling2D"),
                  ("dropout", "Dropout"), ("flatten", "Flatten"), ("dense", "Dense"), ("dropout_1", "Dropout"),
                  ("dense_1", "Dense")]


def _archive(members: dict[str, bytes], compression: int = zipfile.ZIP_STORED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _tensor(name: str) -> dict:
    return {"class_name": "__keras_tensor__", "config": {"keras_history": [name, 0, 0]}}


def _dense(name: str, units: int, reads: str, module: str = "keras.layers") -> dict:
    return {"module": module, "class_name": "Dense", "config": {"name": name, "units": units, "activation": "linear"},
            "inbound_nodes": [{"args": [_tensor(reads)], "kwargs": {}}]}


def _functional(layers: list[dict], output: object) -> bytes:
    entry = {"class_name": "InputLayer", "config": {"name": "pixels", "batch_shape": [None, 4]}, "inbound_nodes": []}
    return json.dumps({"class_name": "Functional", "config": {"name": "tiny", "layers": [entry, *layers],
                                                              "output_layers": output}}).encode()


def _weights(arrays: dict[str, list[np.ndarray]]) -> bytes:
    """An HDF5 weights file as Keras 3 writes it: ``layers/<group>/vars/<i>``."""
    out = io.BytesIO()
    with h5py.File(out, "w") as weights:
        for group, values in arrays.items():
            variables = weights.create_group(f"layers/{group}/vars")
            for index, value in enumerate(values):
                variables.create_dataset(str(index), data=value)
    return out.getvalue()


KERNEL_A, BIAS_A = np.arange(12, dtype=np.float32).reshape(4, 3), np.array([1, 2, 3], np.float32)
KERNEL_B = np.ones((3, 2), np.float32)
TWO_DENSE = {"dense": [KERNEL_A, BIAS_A], "dense_1": [KERNEL_B]}  # grouped by class, numbered in order


def test_the_shipped_model_is_read_as_its_chain_with_its_weights(shipped_inspector):
    chain = read_chain(paths.DEFAULT_MODEL)
    assert chain.input_shape == (28, 28, 1)
    assert [(layer.name, layer.kind) for layer in chain.layers] == SHIPPED_LAYERS
    conv = chain.layers[0]
    kernel, bias = conv.variables
    assert kernel.shape == (3, 3, 1, 32) and bias.shape == (32,) and kernel.dtype == np.float32
    np.testing.assert_array_equal(kernel, shipped_inspector.weights["conv2d"].kernel)
    assert not kernel.flags.writeable  # shared by the views, uncopied: nobody may change it
    assert chain.layers[3].variables == ()  # a dropout has none
    again = read_chain(paths.DEFAULT_MODEL.read_bytes())  # the bytes a loader already read: the same chain
    assert [layer.name for layer in again.layers] == [layer.name for layer in chain.layers]
    np.testing.assert_array_equal(again.layers[-1].variables[0], chain.layers[-1].variables[0])


def test_a_functional_chain_is_read_and_its_weights_found_by_class():
    config = _functional([_dense("first", 3, "pixels"), _dense("second", 2, "first")], ["second", 0, 0])
    chain = read_chain(_archive({CONFIG_MEMBER: config, WEIGHTS_MEMBER: _weights(TWO_DENSE)}))
    assert (chain.name, chain.input_shape) == ("tiny", (4,))
    first, second = chain.layers
    assert (first.name, first.kind, second.name) == ("first", "Dense", "second")
    np.testing.assert_array_equal(first.variables[0], KERNEL_A)
    np.testing.assert_array_equal(first.variables[1], BIAS_A)
    np.testing.assert_array_equal(second.variables[0], KERNEL_B)


@pytest.mark.parametrize(("layers", "output", "reason"), [
    ([_dense("first", 3, "pixels"), _dense("second", 2, "pixels")], [["second", 0, 0]], "not one chain"),
    ([_dense("first", 3, "pixels"), _dense("second", 2, "first")], [["first", 0, 0]], "output that is not the last"),
    ([_dense("first", 3, "pixels"), _dense("second", 2, "first")], [["first", 0, 0], ["second", 0, 0]],
     "output that is not the last"),
    ([_dense("first", 3, "pixels", module="my_layers"), _dense("second", 2, "first")], [["second", 0, 0]],
     "from my_layers"),
])
def test_what_is_not_one_chain_of_keras_layers_is_not_supported(layers, output, reason):
    data = _archive({CONFIG_MEMBER: _functional(layers, output), WEIGHTS_MEMBER: _weights(TWO_DENSE)})
    with pytest.raises(NotSupported, match=reason):
        read_chain(data)


@pytest.mark.parametrize(("members", "reason"), [
    ({CONFIG_MEMBER: b"[1, 2]"}, "not an object"),
    ({CONFIG_MEMBER: json.dumps({"class_name": "Sequential", "config": {"layers": [
        {"class_name": "Dense", "config": {"name": "d", "batch_shape": [None, 4]}}]}}).encode()},
     "no model.weights.h5"),
    ({WEIGHTS_MEMBER: b""}, "no config.json"),
    ({CONFIG_MEMBER: b"\xff\xfe not text"}, "unreadable archive"),
])
def test_a_damaged_archive_says_what_is_wrong(members, reason):
    with pytest.raises(NotSupported, match=reason):
        read_chain(_archive(members))


def test_weights_that_are_missing_or_not_numbers_are_not_supported():
    config = _functional([_dense("first", 3, "pixels"), _dense("second", 2, "first")], ["second", 0, 0])
    out = io.BytesIO()
    with h5py.File(out, "w") as weights:
        weights.create_dataset("layers/dense/vars/1", data=BIAS_A)  # variable 1 is there, variable 0 is not
    with pytest.raises(NotSupported, match="variable 0 missing"):
        read_chain(_archive({CONFIG_MEMBER: config, WEIGHTS_MEMBER: out.getvalue()}))
    out = io.BytesIO()
    with h5py.File(out, "w") as weights:
        weights.create_dataset("layers/dense/vars/0", data=np.array([b"text"]))
    with pytest.raises(NotSupported, match="not numbers"):
        read_chain(_archive({CONFIG_MEMBER: config, WEIGHTS_MEMBER: out.getvalue()}))
    with pytest.raises(NotSupported, match="unreadable weights"):
        read_chain(_archive({CONFIG_MEMBER: config, WEIGHTS_MEMBER: b"not hdf5 at all"}))
    with pytest.raises(NotSupported, match="not a zip archive"):
        read_chain(b"an old .h5 file, or no model")


def test_declared_sizes_past_the_limits_are_found_before_anything_is_unpacked():
    bomb = _archive({CONFIG_MEMBER: b" " * (MAX_CONFIG_BYTES + 1), WEIGHTS_MEMBER: b""}, zipfile.ZIP_DEFLATED)
    assert len(bomb) < 100_000
    assert archive_problem(io.BytesIO(bomb)) == (
        f"config.json would unpack to {MAX_CONFIG_BYTES + 1:,} bytes, more than the {MAX_CONFIG_BYTES:,} guiapp reads")
    assert archive_problem(io.BytesIO(_archive({"metadata.json": b"x" * (2**20 + 1)}))).startswith(
        "metadata.json would unpack to 1,048,577 bytes")
    assert archive_problem(io.BytesIO(b"not a zip")).startswith("not a readable Keras model (")
    assert archive_problem(paths.DEFAULT_MODEL) is None


def test_a_member_is_unpacked_only_within_its_limit():
    with zipfile.ZipFile(io.BytesIO(_archive({"a.txt": b"12345"}, zipfile.ZIP_DEFLATED))) as archive:
        assert member_bytes(archive, "a.txt", 5) == b"12345"
        with pytest.raises(NotSupported, match="unpacks to 5 bytes, more than 4"):
            member_bytes(archive, "a.txt", 4)
        with pytest.raises(NotSupported, match="no b.txt inside"):
            member_bytes(archive, "b.txt", 10)


def test_a_stored_member_is_read_in_place_a_packed_one_unpacked_a_damaged_one_refused():
    payload = bytes(range(256)) * 4
    stored = _archive({"w.h5": payload})
    with zipfile.ZipFile(io.BytesIO(stored)) as archive:
        with member_file(archive, stored, "w.h5", len(payload)) as handle:
            assert handle.read() == payload
        with pytest.raises(NotSupported, match="more than 10"):
            member_file(archive, stored, "w.h5", 10)
    packed = _archive({"w.h5": payload}, zipfile.ZIP_DEFLATED)
    with zipfile.ZipFile(io.BytesIO(packed)) as archive, member_file(archive, packed, "w.h5", 2**20) as handle:
        assert handle.read() == payload
    damaged = bytearray(stored)
    at = damaged.index(payload[:64])
    damaged[at + 100] ^= 0xFF  # one byte of the member changed: its checksum no longer holds
    with zipfile.ZipFile(io.BytesIO(bytes(damaged))) as archive:
        with pytest.raises(NotSupported, match="damaged"):
            member_file(archive, bytes(damaged), "w.h5", 2**20)
        with member_file(archive, bytes(damaged), "w.h5", 2**20, verify=False) as handle:  # the caller checks
            assert len(handle.read()) == len(payload)


def test_bytes_in_memory_read_as_a_seekable_file():
    view = _View(memoryview(b"0123456789"))
    assert view.readable() and view.seekable()
    buffer = bytearray(4)
    assert view.readinto(buffer) == 4 and bytes(buffer) == b"0123" and view.tell() == 4
    assert view.seek(-2, io.SEEK_END) == 8 and view.readinto(buffer) == 2 and bytes(buffer[:2]) == b"89"
    assert view.seek(100) == 10 and view.readinto(buffer) == 0  # past the end: nothing, never an error
    assert view.seek(-3, io.SEEK_CUR) == 7 and view.seek(-50) == 0


def test_weight_groups_are_named_as_keras_saves_them():
    assert [_snake_case(name) for name in ("Conv2D", "ReLU", "BatchNormalization", "Dense")] == [
        "conv2d", "re_lu", "batch_normalization", "dense"]
    assert _weight_groups(["Conv2D", "Conv2D", "MaxPooling2D", "Dense", "Conv2D", "Dense"]) == [
        "conv2d", "conv2d_1", "max_pooling2d", "dense", "conv2d_2", "dense_1"]

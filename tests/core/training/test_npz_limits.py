"""Hostile ``.npz`` files: sizes are checked before anything is unpacked, only needed arrays are read.

Each bad file gets one line naming the file and the problem, as a :class:`DataFileError`.
"""

from __future__ import annotations

import io
import pickle
import struct
import zipfile

import numpy as np
import pytest

from guiapp.core.errors import DataFileError
from guiapp.core.training import data
from guiapp.core.training.data import load_mnist_npz, load_mnist_test

GOOD = {
    "x_train": np.zeros((4, 28, 28), np.uint8), "y_train": np.arange(4, dtype=np.uint8),
    "x_test": np.full((2, 28, 28), 7, np.uint8), "y_test": np.array([3, 9], np.int64),
}
HUGE_BYTES = 2_352_000_128  # 3,000,000 digits of 28×28: 2.35 GB unpacked


def _npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=True)
    return buffer.getvalue()


def _npz(path, members: dict[str, bytes], compression: int = zipfile.ZIP_STORED):
    """An archive from raw member bytes (``KEY`` → the bytes of ``KEY.npy``)."""
    with zipfile.ZipFile(path, "w", compression) as archive:
        for key, content in members.items():
            archive.writestr(f"{key}.npy", content)
    return path


def _good_members(**changes: bytes) -> dict[str, bytes]:
    return {**{key: _npy_bytes(value) for key, value in GOOD.items()}, **changes}


def _claim_unpacked_size(path, member: str, size: int) -> None:
    """Make the zip's central directory claim ``member`` unpacks to ``size`` bytes (nothing else changes)."""
    raw = bytearray(path.read_bytes())
    position = raw.find(b"PK\x01\x02")
    while position >= 0:
        name_length = struct.unpack_from("<H", raw, position + 28)[0]
        if raw[position + 46: position + 46 + name_length] == member.encode():
            struct.pack_into("<L", raw, position + 24, size)
        position = raw.find(b"PK\x01\x02", position + 4)
    path.write_bytes(bytes(raw))


def _npy_header_claiming(shape: tuple[int, ...], dtype: str = "|u1") -> bytes:
    """A .npy header for ``shape`` followed by only a few bytes of data."""
    header = f"{{'descr': '{dtype}', 'fortran_order': False, 'shape': {shape!r}, }}".encode()
    header += b" " * (63 - (10 + len(header)) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + b"\x00" * 100


def _problem(path, load=load_mnist_npz) -> str:
    with pytest.raises(DataFileError) as info:
        load(path)
    text = str(info.value)
    assert text.startswith(f"{path}: ") and "\n" not in text
    return text


def test_evaluate_reads_only_the_test_arrays_of_a_file_whose_training_array_claims_2_35_gb(tmp_path):
    path = _npz(tmp_path / "big.npz", _good_members(), zipfile.ZIP_DEFLATED)
    _claim_unpacked_size(path, "x_train.npy", HUGE_BYTES)
    test = load_mnist_test(path)
    assert test.images.shape == (2, 28, 28) and int(test.images[1, 5, 5]) == 7
    assert test.labels.tolist() == [3, 9] and test.source == str(path)
    # Training needs that array: its claimed size is refused before a byte of it is unpacked.
    assert "x_train unpacks to 2,352 MB, more than the 268 MB an array may take" in _problem(path)


def test_an_npy_header_claiming_a_huge_array_is_refused_before_reading(tmp_path):
    path = _npz(tmp_path / "claims.npz", _good_members(x_test=_npy_header_claiming((3_000_000, 28, 28))))
    message = "x_test (3000000, 28, 28) takes 2,352 MB, more than the 268 MB an array may take"
    assert message in _problem(path)
    assert message in _problem(path, load_mnist_test)


def test_the_limit_is_on_each_array_and_is_a_named_constant(tmp_path, monkeypatch):
    monkeypatch.setattr(data, "MAX_ARRAY_BYTES", 3000)  # x_train (4, 28, 28) is 3,136 bytes
    path = _npz(tmp_path / "ok.npz", _good_members())
    assert "x_train (4, 28, 28) takes 3,136 bytes, more than the 3,000 bytes an array may take" in _problem(path)
    assert load_mnist_test(path).images.shape == (2, 28, 28)  # 1,568 bytes: within the limit


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"x_test": b"hello, I am text"}, "x_test is not a NumPy array"),
        ({"x_test": pickle.dumps([1, 2, 3])}, "x_test is not a NumPy array"),
        ({"y_test": _npy_bytes(np.array([object(), 1], dtype=object))},
         "y_test holds Python objects, not numbers (refused: reading them could run code)"),
        ({"x_test": _npy_header_claiming((2, 28, 28))}, "x_test is cut short (100 of 1,568 bytes)"),
        ({"x_test": _npy_bytes(np.zeros((2, 28, 28), np.float32))}, "x_test has dtype float32, expected uint8"),
        ({"x_test": _npy_bytes(np.zeros((2, 784), np.uint8))}, "x_test has shape (2, 784), expected (N, 28, 28)"),
        ({"x_test": _npy_bytes(np.zeros((0, 28, 28), np.uint8))}, "x_test is empty"),
        ({"y_test": _npy_bytes(np.zeros((2, 1), np.uint8))}, "y_test has shape (2, 1), expected (2,) to match x_test"),
        ({"y_test": _npy_bytes(np.array([1.0, 2.0]))}, "y_test has dtype float64, expected integer labels"),
        ({"y_test": _npy_bytes(np.array([1, 10]))}, "y_test holds labels outside 0..9"),
    ],
    ids=["text", "pickle", "object array", "truncated data", "dtype", "shape", "empty", "label shape",
         "label dtype", "label range"],
)
def test_a_bad_test_array_is_named_by_train_and_evaluate_alike(tmp_path, members, message):
    path = _npz(tmp_path / "bad.npz", _good_members(**members))
    assert message in _problem(path)
    assert message in _problem(path, load_mnist_test)


def test_an_npy_file_named_npz(tmp_path):
    path = tmp_path / "mnist.npz"
    np.save(path.with_suffix(".npy"), GOOD["x_test"])
    path.with_suffix(".npy").rename(path)
    assert "is a single .npy array, not an .npz archive of arrays" in _problem(path)


def test_a_truncated_zip(tmp_path):
    whole = _npz(tmp_path / "whole.npz", _good_members(), zipfile.ZIP_DEFLATED).read_bytes()
    path = tmp_path / "cut.npz"
    path.write_bytes(whole[: len(whole) // 2])
    assert "not a readable .npz file (File is not a zip file)" in _problem(path, load_mnist_test)


def test_a_corrupted_compressed_member(tmp_path):
    path = _npz(tmp_path / "flipped.npz", _good_members(x_test=_npy_bytes(np.arange(1568, dtype=np.uint8)
                                                                          .reshape(2, 28, 28))),
                zipfile.ZIP_DEFLATED)
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("x_test.npy")
    data_start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for offset in range(info.compress_size // 2, info.compress_size - 8):
        raw[data_start + offset] ^= 0x5A
    path.write_bytes(bytes(raw))
    assert "not a readable .npz file (" in _problem(path, load_mnist_test)


def test_a_folder_named_npz(tmp_path):
    (tmp_path / "d.npz").mkdir()
    assert "is a folder, not a file" in _problem(tmp_path / "d.npz")


def test_members_are_read_into_writable_arrays_equal_to_numpys(tmp_path, small_npz):
    mnist = load_mnist_npz(small_npz)
    with np.load(small_npz) as expected:
        for key in data.MNIST_KEYS:
            assert np.array_equal(getattr(mnist, key), expected[key])
            assert getattr(mnist, key).dtype == expected[key].dtype
    assert mnist.x_train.flags.writeable

"""``evaluate --data`` and ``train --data`` with hostile .npz files: one line, exit code 2, nothing read in vain."""

from __future__ import annotations

import zipfile

import numpy as np

from guiapp.cli import main
from tests.core.learning.test_npz_limits import (
    HUGE_BYTES,
    _claim_unpacked_size,
    _good_members,
    _npy_bytes,
    _npz,
)


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_evaluate_ignores_a_2_35_gb_training_array_and_train_refuses_it(tmp_path, capsys, mnist):
    members = _good_members(x_test=_npy_bytes(mnist.x_test[:50]), y_test=_npy_bytes(mnist.y_test[:50]))
    path = _npz(tmp_path / "big.npz", members, zipfile.ZIP_DEFLATED)
    _claim_unpacked_size(path, "x_train.npy", HUGE_BYTES)

    code, out, err = _run(capsys, "evaluate", "--data", path, "--json")
    assert code == 0 and '"samples": 50' in out

    code, out, err = _run(capsys, "train", "--data", path, "--out", tmp_path / "m.keras")
    assert code == 2 and out == "" and "Traceback" not in err
    assert err == (f"guiapp: {path}: x_train unpacks to 2,352 MB, more than the 268 MB an array may take — "
                   "pass --data PATH to a Keras-layout mnist.npz (x_train, y_train, x_test, y_test)\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.npz"]


def test_a_pickled_test_array_is_refused_by_evaluate_in_one_line(tmp_path, capsys):
    path = _npz(tmp_path / "pickle.npz", _good_members(y_test=_npy_bytes(np.array([None, 1], dtype=object))))
    code, out, err = _run(capsys, "evaluate", "--data", path)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith(f"guiapp: {path}: y_test holds Python objects, not numbers")


def test_an_npy_named_npz_is_refused_by_train_before_training(tmp_path, capsys):
    path = tmp_path / "mnist.npz"
    path.write_bytes(_npy_bytes(np.zeros((4, 28, 28), np.uint8)))
    code, out, err = _run(capsys, "train", "--data", path, "--out", tmp_path / "m.keras")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith(f"guiapp: {path}: is a single .npy array, not an .npz archive of arrays")

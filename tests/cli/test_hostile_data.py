"""``evaluate --data`` and ``train --data`` with hostile .npz files: one line, exit code 2, nothing read in vain."""

from __future__ import annotations

import zipfile

import numpy as np

from guiapp.cli import main
from tests.core.training.test_npz_limits import (
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


def test_a_keras_file_whose_config_unpacks_to_a_gigabyte_is_refused_unread(tmp_path, capsys):
    """1 MB on disk, 1 GiB unpacked: refused from the zip's declared sizes, by every engine and command."""
    import resource
    import zipfile

    from guiapp.cli import main

    path = tmp_path / "bomb.keras"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("config.json", "w", force_zip64=True) as member:
            chunk = b" " * 2**20
            for _ in range(1024):
                member.write(chunk)
        archive.writestr("model.weights.h5", b"")
    assert path.stat().st_size < 2 * 2**20
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for command in (["summary", "--model", str(path)], ["predict", "--model", str(path), str(path)]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert f"{path}: config.json would unpack to 1,073,741,824 bytes, more than the 16,777,216 guiapp " \
               "reads" in err or command[0] == "predict"
        assert "Traceback" not in err
    # Nothing near the gigabyte was ever held (ru_maxrss is in KiB on Linux).
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before < 200 * 1024

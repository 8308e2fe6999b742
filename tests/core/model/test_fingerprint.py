"""fingerprint: the key of every per-model cache — the model by content (the bytes it was loaded from, else its
weights), what is cached, and the inputs; never the model's name. (Hostile paths and snapshots of a training
run: test_model_check.py.)"""

from __future__ import annotations

import hashlib
from types import SimpleNamespace

import numpy as np

from guiapp import paths
from guiapp.core.model.fingerprint import CHUNK_BYTES, fingerprint

KERNEL = np.arange(12, dtype=np.float32).reshape(3, 4)
BIAS = np.array([0.5, -0.5, 1.0, 0.0], np.float32)


def _in_memory(kernel=KERNEL, bias=BIAS, **fields) -> SimpleNamespace:
    """What the fingerprint reads of an Inspector: its file (here none) and its weights by layer."""
    layer = SimpleNamespace(name="dense", kernel=kernel, bias=bias)
    flat = SimpleNamespace(name="flatten", kernel=None, bias=None)
    return SimpleNamespace(**{"path": None, "model_file": None, "weights": {"flatten": flat, "dense": layer},
                              **fields})


def test_the_same_model_label_and_inputs_give_the_same_key_and_any_change_another():
    model = _in_memory()
    key = fingerprint(model, "patches v1", np.zeros(3, np.uint8))
    assert key == fingerprint(_in_memory(), "patches v1", np.zeros(3, np.uint8))  # another object, same content
    assert len(key) == 64 and int(key, 16) >= 0  # a sha256 in hex
    others = {
        fingerprint(model, "patches v2", np.zeros(3, np.uint8)),  # another format of what is cached
        fingerprint(model, "patches v1", np.ones(3, np.uint8)),  # other inputs
        fingerprint(model, "patches v1"),  # no inputs
        fingerprint(_in_memory(kernel=KERNEL + np.float32(1e-3)), "patches v1", np.zeros(3, np.uint8)),
        fingerprint(_in_memory(bias=None), "patches v1", np.zeros(3, np.uint8)),
    }
    assert key not in others and len(others) == 5


def test_a_model_in_memory_is_keyed_by_its_weights_in_order():
    expected = hashlib.sha256(b"label")
    for part in (b"flatten", b"dense", KERNEL.tobytes(), BIAS.tobytes()):
        expected.update(part)
    assert fingerprint(_in_memory(), "label") == expected.hexdigest()
    transposed = np.asfortranarray(KERNEL)  # the same numbers laid out otherwise in memory: the same key
    assert fingerprint(_in_memory(kernel=transposed), "label") == expected.hexdigest()


def test_a_loaded_file_is_keyed_by_the_bytes_read_never_by_its_name(tmp_path):
    data = paths.DEFAULT_MODEL.read_bytes()
    whole = hashlib.sha256(b"label" + data).hexdigest()
    loaded = _in_memory(path=tmp_path / "gone.keras", model_file=SimpleNamespace(data=data))
    assert fingerprint(loaded, "label") == whole  # the path is not even there: nothing is read again
    renamed = tmp_path / "any name at all.keras"
    renamed.write_bytes(data)
    assert fingerprint(_in_memory(path=renamed), "label") == whole  # only a path: its bytes, a chunk at a time
    assert len(data) > CHUNK_BYTES  # (the shipped model takes several chunks)


def test_other_weights_than_the_files_are_keyed_by_the_weights():
    data = paths.DEFAULT_MODEL.read_bytes()
    snapshot = _in_memory(model_file=SimpleNamespace(data=data), weights_from_file=False)
    assert fingerprint(snapshot, "label") == fingerprint(_in_memory(), "label")


def test_a_path_that_cannot_be_read_falls_back_to_the_weights(tmp_path):
    by_weights = fingerprint(_in_memory(), "label")
    assert fingerprint(_in_memory(path=tmp_path / "missing.keras"), "label") == by_weights
    assert fingerprint(_in_memory(path=tmp_path), "label") == by_weights  # a folder

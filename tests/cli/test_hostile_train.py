"""``guiapp train`` writes the model and its card together or not at all, and checks the output first.

Ctrl-C is simulated at each step of the write (the model save, the card write, each rename):
afterwards the old pair or the new pair is on disk, never a mix, no temporary file is left,
and the line printed says which of the two happened.
"""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

from guiapp.cli import main
from guiapp.core.learning import training
from guiapp.core.learning.training import TrainingResult, save_model_and_card
from guiapp.core.model.modelcard import card_path_for

NEW_MODEL = b"new model bytes"
NEW_CARD = {"test": {"accuracy": 0.5, "loss": 1.0, "samples": 256}}


class _FakeModel:
    """Stands in for the trained Keras model: ``save`` writes known bytes (or is interrupted)."""

    def __init__(self, interrupt: bool = False) -> None:
        self.interrupt = interrupt

    def save(self, path: Path) -> None:
        Path(path).write_bytes(NEW_MODEL[:4])  # half written, as a real interrupt would leave it
        if self.interrupt:
            raise KeyboardInterrupt
        Path(path).write_bytes(NEW_MODEL)


def _fake_train(model: _FakeModel):
    """``train`` without the training: only the final write, so each write step can be interrupted."""

    def fake(data, out, config, **kwargs):
        save_model_and_card(model, NEW_CARD, out)
        return TrainingResult(model_path=out, card_path=card_path_for(out), card=NEW_CARD)

    return fake


def _interrupt_replace_call(monkeypatch, number: int, error: BaseException) -> None:
    """Make the ``number``-th ``os.replace`` raise ``error``; the others (and any rollback) work."""
    real = os.replace
    calls = {"n": 0}

    def replace(src, dst):
        calls["n"] += 1
        if calls["n"] == number:
            raise error
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)


def _state(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


OLD = {"m.json": b'{"old": "card"}\n', "m.keras": b"old model bytes"}


def _new_pair(state: dict[str, bytes]) -> bool:
    return state.get("m.keras") == NEW_MODEL and json.loads(state["m.json"])["test"] == NEW_CARD["test"]


def _train(capsys, small_npz, out: Path, force: bool) -> tuple[int, str, str]:
    argv = ["train", "--data", str(small_npz), "--out", str(out), *(["--force"] if force else [])]
    code = main(argv)
    stdout, stderr = capsys.readouterr()
    return code, stdout, stderr


@pytest.mark.parametrize("old_pair", [True, False], ids=["over-an-old-pair", "into-an-empty-folder"])
@pytest.mark.parametrize("step", ["model save", "card write", "model rename", "card rename"])
def test_ctrl_c_at_each_write_step_leaves_the_old_pair_and_says_nothing_was_written(
    tmp_path, capsys, monkeypatch, small_npz, step, old_pair
):
    folder = tmp_path / "models"
    folder.mkdir()
    if old_pair:
        for name, content in OLD.items():
            (folder / name).write_bytes(content)
    monkeypatch.setattr("guiapp.cli.train.train", _fake_train(_FakeModel(interrupt=step == "model save")))
    if step == "card write":
        def interrupted_card(card):
            raise KeyboardInterrupt
        monkeypatch.setattr(training, "card_text", interrupted_card)
    if step.endswith("rename"):
        _interrupt_replace_call(monkeypatch, 1 if step == "model rename" else 2, KeyboardInterrupt())

    code, _stdout, stderr = _train(capsys, small_npz, folder / "m.keras", force=old_pair)

    assert code == 130 and "Traceback" not in stderr
    assert "training interrupted — nothing was written; existing files are untouched" in stderr
    assert _state(folder) == (OLD if old_pair else {})  # no mix, and no temporary or backup file


def test_ctrl_c_during_the_renames_waits_for_both_and_says_both_were_written(
    tmp_path, capsys, monkeypatch, small_npz
):
    for name, content in OLD.items():
        (tmp_path / name).write_bytes(content)
    monkeypatch.setattr("guiapp.cli.train.train", _fake_train(_FakeModel()))
    real = os.replace

    def replace_with_a_real_ctrl_c(src, dst):
        os.kill(os.getpid(), signal.SIGINT)  # the signal arrives between the two renames
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace_with_a_real_ctrl_c)
    code, _stdout, stderr = _train(capsys, small_npz, tmp_path / "m.keras", force=True)

    assert code == 130
    assert f"{tmp_path / 'm.keras'} and its card were both written" in stderr
    assert "nothing was written" not in stderr
    state = _state(tmp_path)
    assert sorted(state) == ["m.json", "m.keras"] and _new_pair(state)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # Ctrl-C works again afterwards


def test_a_failed_second_rename_puts_the_old_model_back(tmp_path, capsys, monkeypatch, small_npz):
    for name, content in OLD.items():
        (tmp_path / name).write_bytes(content)
    monkeypatch.setattr("guiapp.cli.train.train", _fake_train(_FakeModel()))
    _interrupt_replace_call(monkeypatch, 2, OSError(28, "No space left on device"))

    code, _stdout, stderr = _train(capsys, small_npz, tmp_path / "m.keras", force=True)

    assert code == 2 and "Traceback" not in stderr
    last = stderr.splitlines()[-1]  # after the "training … →" line
    assert last.startswith(f"guiapp: {tmp_path / 'm.keras'}: could not be written (")
    assert "No space left on device" in last and "nothing was written" in last
    assert _state(tmp_path) == OLD


def test_a_completed_write_replaces_both(tmp_path, capsys, monkeypatch, small_npz):
    for name, content in OLD.items():
        (tmp_path / name).write_bytes(content)
    monkeypatch.setattr("guiapp.cli.train.train", _fake_train(_FakeModel()))
    code, stdout, _stderr = _train(capsys, small_npz, tmp_path / "m.keras", force=True)
    assert code == 0 and f"wrote {tmp_path / 'm.keras'} and {tmp_path / 'm.json'}" in stdout
    state = _state(tmp_path)
    assert sorted(state) == ["m.json", "m.keras"] and _new_pair(state)


def test_real_training_interrupted_at_the_card_rename_keeps_the_old_pair(tmp_path, capsys, monkeypatch, small_npz):
    """The same with Keras' own save: one tiny training, Ctrl-C at the last rename."""
    for name, content in OLD.items():
        (tmp_path / name).write_bytes(content)
    _interrupt_replace_call(monkeypatch, 2, KeyboardInterrupt())
    code, _stdout, stderr = _train(capsys, small_npz, tmp_path / "m.keras", force=True)
    assert code == 130 and "nothing was written" in stderr
    assert _state(tmp_path) == OLD


# ------------------------------------------------------------------ checked before training starts


def _never_trains(*args, **kwargs):
    raise AssertionError("training started although the output cannot be written")


@pytest.mark.parametrize(
    ("layout", "message"),
    [
        ("model is a folder", "m.keras: is a folder, so the trained model and its card cannot go there"),
        ("card is a folder", "m.json: is a folder, so the trained model and its card cannot go there"),
        ("parent is a file", "not-a-folder: is not a folder, so the output cannot be written below it"),
        ("folder not writable", "cannot be written (Permission denied)"),
    ],
)
def test_an_output_that_cannot_be_written_is_refused_before_training(
    tmp_path, capsys, monkeypatch, small_npz, layout, message
):
    out = tmp_path / "m.keras"
    if layout == "model is a folder":
        out.mkdir()
    elif layout == "card is a folder":
        (tmp_path / "m.json").mkdir()
    elif layout == "parent is a file":
        (tmp_path / "not-a-folder").write_text("x")
        out = tmp_path / "not-a-folder" / "sub" / "m.keras"
    else:
        # Tests may run as root, which may write anywhere: make the folder refuse new files instead.
        def refuse(*args, **kwargs):
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr("tempfile.mkstemp", refuse)
    monkeypatch.setattr("guiapp.cli.train.train", _never_trains)
    monkeypatch.setattr("guiapp.cli.train.load_mnist", _never_trains)

    code, stdout, stderr = _train(capsys, small_npz, out, force=True)

    assert code == 2 and stdout == "" and "Traceback" not in stderr
    assert stderr.count("\n") == 1 and stderr.startswith("guiapp: ") and message in stderr


def test_an_absurd_amount_of_extra_data_is_refused_before_loading(tmp_path, capsys, monkeypatch, small_npz):
    monkeypatch.setattr("guiapp.cli.train.load_mnist", _never_trains)
    code = main(["train", "--data", str(small_npz), "--augment", "5000000", "--out", str(tmp_path / "m.keras")])
    stdout, stderr = capsys.readouterr()
    assert code == 2 and stdout == "" and stderr.count("\n") == 1
    assert "ask for 5,000,000 extra digits; at most 1,000,000 fit in memory" in stderr


@pytest.mark.parametrize(("line", "message"), [
    ("nan," * 16 + "3", "coordinates must be numbers from 0 to 100"),
    ("1e999," * 16 + "3", "coordinates must be numbers from 0 to 100"),
    ("50," * 16 + "1e300", "labels must be the digits 0–9"),
    ("50," * 16 + "nan", "labels must be the digits 0–9"),
])
def test_a_hostile_pendigits_file_is_refused_before_mnist_loads(tmp_path, capsys, monkeypatch, small_npz, line,
                                                               message):
    monkeypatch.setattr("guiapp.cli.train.load_mnist", _never_trains)
    pen = tmp_path / "pen.tra"
    pen.write_text(line + "\n")
    code = main(["train", "--data", str(small_npz), "--pendigits", str(pen), "--out", str(tmp_path / "m.keras")])
    stdout, stderr = capsys.readouterr()
    assert code == 2 and stdout == "" and stderr.count("\n") == 1
    assert stderr.startswith(f"guiapp: {pen}: {message}")


def test_ctrl_c_just_after_the_pair_was_put_in_place_says_both_were_written(tmp_path, capsys, monkeypatch, small_npz):
    for name, content in OLD.items():
        (tmp_path / name).write_bytes(content)

    def written_then_interrupted(data, out, config, **kwargs):
        save_model_and_card(_FakeModel(), NEW_CARD, out)
        raise KeyboardInterrupt  # in the instant between the renames and the return

    monkeypatch.setattr("guiapp.cli.train.train", written_then_interrupted)
    code, _stdout, stderr = _train(capsys, small_npz, tmp_path / "m.keras", force=True)
    assert code == 130 and "and its card were both written" in stderr and "nothing was written" not in stderr
    assert _new_pair(_state(tmp_path))


def test_the_card_may_not_replace_the_architecture_file_it_was_trained_from(tmp_path, capsys, monkeypatch, small_npz):
    from guiapp.core.model.arch_edit import save_architecture
    from guiapp.core.model.architectures import ARCHITECTURES

    arch = save_architecture(ARCHITECTURES["mnist_cnn"], tmp_path / "mine.json")
    before = arch.read_bytes()
    monkeypatch.setattr("guiapp.cli.train.train", _never_trains)
    code = main(["train", "--arch", str(arch), "--data", str(small_npz), "--out", str(tmp_path / "mine.keras"),
                 "--force"])
    _stdout, stderr = capsys.readouterr()
    assert code == 2 and stderr.count("\n") == 1
    assert stderr.startswith(f"guiapp: {arch}: is an input of this command, and the model card would replace it")
    assert arch.read_bytes() == before

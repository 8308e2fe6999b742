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
from guiapp.core.training import training
from guiapp.core.training.training import TrainingResult, save_model_and_card
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


# ------------------------------------------------------------------ the training history: its folder and its rewrite


@pytest.mark.parametrize(("layout", "message"), [
    ("through a file", "not-a-folder: is not a folder, so the output cannot be written below it"),
    ("into /proc", "/proc: cannot be written ("),
    ("too long", "is 300 bytes long, more than a file system takes"),
    ("a stranger's file in it", "holds 'notes.txt', which is not part of a training history and would be deleted"),
])
def test_a_history_folder_that_cannot_be_written_is_refused_before_training(tmp_path, capsys, monkeypatch, small_npz,
                                                                          layout, message):
    from tests.core.training.test_history_hostile import make_history

    history = {"through a file": tmp_path / "not-a-folder" / "h", "into /proc": Path("/proc/guiapp-history"),
               "too long": tmp_path / ("h" * 300), "a stranger's file in it": tmp_path / "h"}[layout]
    if layout == "through a file":
        (tmp_path / "not-a-folder").write_text("x")
    elif layout == "a stranger's file in it":
        make_history(history)
        (history / "notes.txt").write_text("mine")
    monkeypatch.setattr("guiapp.cli.train.train", _never_trains)
    monkeypatch.setattr("guiapp.cli.train.load_mnist", _never_trains)
    code = main(["train", "--data", str(small_npz), "--out", str(tmp_path / "m.keras"), "--history", str(history),
                 "--force"])
    stdout, stderr = capsys.readouterr()
    assert code == 2 and stdout == "" and "Traceback" not in stderr
    assert stderr.count("\n") == 1 and stderr.startswith("guiapp: ") and message in stderr
    assert not (tmp_path / "m.keras").exists()


def test_a_whole_run_replaces_the_old_history_and_leaves_nothing_beside_it(tmp_path, capsys, small_npz):
    from guiapp.core.training.history import TrainingHistory
    from tests.core.training.test_history_hostile import make_history

    make_history(tmp_path / "h", (0, 1, 2, 5, 10, 20))
    code = main(["train", "--data", str(small_npz), "--epochs", "1", "--batch-size", "256", "--out",
                 str(tmp_path / "m.keras"), "--history", str(tmp_path / "h"), "--force"])
    assert code == 0, capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h", "m.json", "m.keras"]
    history = TrainingHistory.open(tmp_path / "h")
    assert [s.step for s in history.snapshots] == [0, 1, 2, 3] and history.architecture["name"] == "mnist_cnn"
    assert len(history.weights(3)) == 8
    assert sorted(p.name for p in (tmp_path / "h").iterdir()) == [
        "history.json", "model.keras", *(f"snapshot-000000{s}.npz" for s in range(4))]


# A run of `guiapp train` in a process of its own that stops at a chosen moment and says so on stderr, so that
# the test can send a real signal there: after a new snapshot is on disk, or in the middle of the final save.
STOPPING_RUN = """
import sys, time
from guiapp.cli import main
from guiapp.core.training import history_writer, training

moment, argv = sys.argv[1], sys.argv[2:]

def stop_here():
    print("STOPPED HERE", file=sys.stderr, flush=True)
    time.sleep(600)  # the signal comes while this sleeps, in the main thread

if moment == "after a new snapshot":
    add = history_writer.HistoryWriter.add
    def add_then_stop(self, step, *args, **kwargs):
        snapshot = add(self, step, *args, **kwargs)
        if step == 2:
            self._writes.submit(lambda: None).result()  # snapshot 2 and its index are on disk
            stop_here()
        return snapshot
    history_writer.HistoryWriter.add = add_then_stop
else:
    card_text = training.card_text
    def card_text_then_stop(card):
        stop_here()  # the model is in its temporary file, the card not yet
        return card_text(card)
    training.card_text = card_text_then_stop
sys.exit(main(argv))
"""


@pytest.mark.parametrize(("moment", "signum"), [
    ("after a new snapshot", signal.SIGINT),
    ("after a new snapshot", signal.SIGTERM),
    ("in the final save", signal.SIGTERM),
])
def test_a_signal_during_a_replacing_run_leaves_the_old_files_whole_and_no_temporary_file(tmp_path, small_npz,
                                                                                          moment, signum):
    import subprocess
    import sys
    import time

    from guiapp.core.training.history import TrainingHistory
    from tests.core.training.test_history_hostile import make_history

    folder = make_history(tmp_path / "h", (0, 1, 2, 5, 10, 20))
    for name, content in OLD.items():
        (tmp_path / name).write_bytes(content)
    before = {path.relative_to(tmp_path): path.read_bytes() for path in tmp_path.rglob("*")
              if path.is_file()}
    process = subprocess.Popen(
        [sys.executable, "-c", STOPPING_RUN, moment, "train", "--data", str(small_npz), "--epochs", "1",
         "--batch-size", "256", "--out", str(tmp_path / "m.keras"), "--history", str(folder), "--force"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline, line = time.monotonic() + 240, "start"
        while line and "STOPPED HERE" not in line and time.monotonic() < deadline:
            line = process.stderr.readline()
        assert "STOPPED HERE" in line, "the run ended before the chosen moment"
        process.send_signal(signum)
        _, err = process.communicate(timeout=120)
    finally:
        process.kill()
        process.wait()

    how = "stopped by SIGTERM" if signum == signal.SIGTERM else "interrupted"
    assert process.returncode == 128 + signum and "Traceback" not in err
    assert err.strip().splitlines()[-1] == (f"guiapp: training {how} — nothing was written; existing files and "
                                            f"the history in {folder} are untouched")
    after = {path.relative_to(tmp_path): path.read_bytes() for path in tmp_path.rglob("*") if path.is_file()}
    assert after == before  # the old model, card and history as they were; no temporary file, no hidden folder
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h", "m.json", "m.keras"]
    history = TrainingHistory.open(folder)
    assert len(history.snapshots) == 6 and all(len(history.weights(i)) == 4 for i in range(6))

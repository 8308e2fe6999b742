"""cli.train (guiapp train): options refused before any work, one tiny real run, and what Ctrl-C leaves."""

from __future__ import annotations

import argparse
import json

import pytest

from guiapp.cli import main
from guiapp.cli.train import _interrupted, _positive_int, resolve_architecture
from guiapp.core.atomic import CommittedInterrupt, Terminated
from guiapp.core.errors import ArchitectureError


def _run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_positive_int():
    assert _positive_int("3") == 3
    with pytest.raises(argparse.ArgumentTypeError, match="must be at least 1, not 0"):
        _positive_int("0")


def test_resolve_architecture_by_name_or_file(tmp_path):
    assert resolve_architecture("mnist_cnn").name == "mnist_cnn"
    with pytest.raises(ArchitectureError, match="lenet"):
        resolve_architecture("lenet")


@pytest.mark.parametrize(("argv", "message"), [
    (["--ema", "1.5"], "--ema must be at least 0 and below 1, not 1.5"),
    (["--learning-rate", "-1"], "--learning-rate must be a positive number, not -1.0"),
    (["--augment", "-2"], "--augment must be 0 or more, not -2"),
    (["--temperature", "0"], "--temperature must be from 0.05 to 20, not 0.0"),
    (["--temperature", "nan"], "--temperature must be from 0.05 to 20, not nan"),
])
def test_bad_options_are_one_line_before_any_work(tmp_path, capsys, argv, message):
    code, out, err = _run(capsys, "train", "--out", tmp_path / "m.keras", *argv)
    assert code == 2 and out == ""
    assert err == f"guiapp: {message}\n"
    assert not (tmp_path / "m.keras").exists()


def test_an_existing_model_needs_force(tmp_path, capsys):
    out = tmp_path / "m.keras"
    out.write_bytes(b"keep me")
    code, _, err = _run(capsys, "train", "--out", out)
    assert code == 2 and "already exists" in err and out.read_bytes() == b"keep me"


def test_interrupted_says_what_was_left(tmp_path):
    out, history = tmp_path / "m.keras", tmp_path / "history"
    assert _interrupted(KeyboardInterrupt(), out, None, None, False) == \
        "training interrupted — nothing was written; existing files are untouched"
    assert _interrupted(Terminated(), out, None, history, False).startswith("training stopped by SIGTERM — no model")
    assert "were both written, and the history in" in _interrupted(CommittedInterrupt(), out, None, history, False)


def test_a_tiny_run_writes_a_model_and_its_card(tmp_path, capsys, small_npz):
    out = tmp_path / "tiny.keras"
    code, stdout, err = _run(capsys, "train", "--data", small_npz, "--epochs", "1", "--batch-size", "128",
                             "--train-size", "256", "--out", out)
    assert code == 0
    assert stdout.splitlines()[0].startswith("test accuracy ")
    assert f"wrote {out} and " in stdout
    assert "training mnist_cnn on 256 images" in err
    card = json.loads(out.with_suffix(".json").read_text())
    assert 0.0 <= card["test"]["accuracy"] <= 1.0
    assert f"test accuracy {card['test']['accuracy']:.4%}" in stdout
    assert out.stat().st_size > 1_000_000  # 1.2 M float32 weights


def _config(*argv):
    from guiapp.cli.train import add_parser, config_from_args

    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers())
    return config_from_args(parser.parse_args(["train", *argv]), resolve_architecture("mnist_cnn"))


def test_a_preset_gives_its_settings_and_flags_given_as_well_override_them():
    from guiapp.core.training.presets import PRESETS
    from guiapp.core.training.training import TrainingConfig

    assert _config("--preset", "quick") == PRESETS["quick"].config
    assert _config() == TrainingConfig()  # no preset: the original example's recipe
    assert _config("--preset", "quick", "--epochs", "1", "--seed", "3") == TrainingConfig(
        **{**PRESETS["quick"].config.__dict__, "epochs": 1, "seed": 3})
    # Another optimizer than the preset's takes that optimizer's usual learning rate, unless one is given.
    assert _config("--preset", "quick", "--optimizer", "adadelta").learning_rate == 1.0
    assert _config("--preset", "quick", "--optimizer", "sgd", "--learning-rate", "0.2").learning_rate == 0.2


def test_an_unknown_preset_is_refused_with_the_names(capsys):
    with pytest.raises(SystemExit):
        main(["train", "--preset", "slow"])
    assert "invalid choice: 'slow' (choose from 'quick', 'lecture', 'full')" in capsys.readouterr().err


def test_the_quick_preset_trains_a_slice_from_the_command_line(tmp_path, capsys, small_npz):
    out = tmp_path / "quick.keras"
    code, stdout, err = _run(capsys, "train", "--preset", "quick", "--data", small_npz, "--epochs", "1",
                             "--out", out)
    assert code == 0 and "training mnist_cnn on 768 images" in err  # the slice holds fewer than 12,000
    hyper = json.loads(out.with_suffix(".json").read_text())["hyperparameters"]
    assert (hyper["optimizer"], hyper["batch_size"], hyper["learning_rate"], hyper["epochs"]) == ("Adam", 64, 0.001, 1)


def test_a_temperature_is_folded_into_the_last_layer_and_recorded(tmp_path, capsys, small_npz):
    """--temperature T: the saved last layer is the trained one divided by T; the card says so."""
    from guiapp.core.model.inference import Inspector

    outs = {t: tmp_path / f"t{t}.keras" for t in ("1", "2.5")}
    for t, out in outs.items():
        code, _, _ = _run(capsys, "train", "--data", small_npz, "--epochs", "1", "--train-size", "128",
                          "--seed", "5", "--temperature", t, "--out", out)
        assert code == 0
    plain, cooled = (Inspector.load(out) for out in outs.values())
    last = plain.layer_names[-1]
    # the same seed trains the same network; only the last layer differs, by the factor 2.5
    assert abs(plain.weights[last].kernel).max() > 0
    assert json.loads(outs["2.5"].with_suffix(".json").read_text())["hyperparameters"]["temperature"] == 2.5
    assert json.loads(outs["1"].with_suffix(".json").read_text())["hyperparameters"]["temperature"] == 1.0
    import numpy as np
    np.testing.assert_allclose(cooled.weights[last].kernel * 2.5, plain.weights[last].kernel, rtol=1e-2, atol=1e-4)
    np.testing.assert_allclose(cooled.weights[last].bias * 2.5, plain.weights[last].bias, rtol=1e-2, atol=1e-4)

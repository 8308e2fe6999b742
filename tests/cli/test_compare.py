"""``guiapp compare``: two models' agreement, accuracy and CKA as JSON or a table, the randomised twin's
cascade, and hostile inputs in one line."""

from __future__ import annotations

import json

import numpy as np
import pytest

from guiapp import paths
from guiapp.cli import main
from tests.models import GREY_28, RGB_32, make_model


def run_cli(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    folder = tmp_path_factory.mktemp("compare_models")
    return {
        "one": make_model(folder, GREY_28, 10, name="one", seed=1),
        "two": make_model(folder, GREY_28, 10, name="two", seed=2),
        "three": make_model(folder, GREY_28, 3, name="three"),
        "rgb": make_model(folder, RGB_32, 10, name="rgb", rescaling=True),
    }


def test_json_holds_paths_layers_agreement_accuracy_and_cka(capsys, tiny):
    code, out, _ = run_cli(capsys, "compare", tiny["one"], tiny["two"], "--digits", 40, "--json")
    assert code == 0
    report = json.loads(out)
    assert report["a"]["path"] == str(tiny["one"]) and report["b"]["path"] == str(tiny["two"])
    assert report["a"]["layers"] == report["b"]["layers"] == ["conv1", "pool1", "conv2", "dense"]
    assert report["digits"] == 40
    assert 0.0 <= report["agreement"] <= 1.0
    assert len(report["accuracy"]["a"]) == len(report["accuracy"]["b"]) == 10
    cka = np.array(report["cka"])
    assert cka.shape == (4, 4) and np.all((cka >= 0) & (cka <= 1))
    assert len(report["disagreements"]) == round((1 - report["agreement"]) * 40)


def test_the_shipped_model_against_itself(capsys):
    code, out, _ = run_cli(capsys, "compare", paths.DEFAULT_MODEL, paths.DEFAULT_MODEL, "--digits", 50, "--json")
    assert code == 0
    report = json.loads(out)
    assert report["agreement"] == 1.0 and report["disagreements"] == []
    assert report["accuracy"]["a"] == report["accuracy"]["b"]
    np.testing.assert_allclose(np.diagonal(np.array(report["cka"])), 1.0, atol=1e-3)
    assert report["notes"] == []


def test_the_table_names_both_models_and_every_layer(capsys, tiny):
    code, out, _ = run_cli(capsys, "compare", tiny["one"], tiny["rgb"], "--digits", 30)
    assert code == 0
    assert str(tiny["one"]) in out and str(tiny["rgb"]) in out
    assert "agreement" in out and "accuracy A" in out and "accuracy B" in out
    assert "28×28×1" in out and "32×32×3" in out and "own size" in out  # the input note
    table = out[out.index("linear CKA"):].splitlines()
    assert table[1].split() == ["rescaling", "conv1", "pool1", "conv2", "dense"]  # B's layers across
    assert [line.split()[0] for line in table[2:]] == ["conv1", "pool1", "conv2", "dense"]  # A's down


def test_different_class_counts_still_give_cka_and_say_why_agreement_is_missing(capsys, tiny):
    code, out, _ = run_cli(capsys, "compare", tiny["one"], tiny["three"], "--digits", 20, "--json")
    assert code == 0
    report = json.loads(out)
    assert report["agreement"] is None and report["accuracy"] is None
    assert np.array(report["cka"]).shape == (4, 4)
    assert len(report["notes"]) == 1 and "10 classes and B 3" in report["notes"][0]
    code, out, _ = run_cli(capsys, "compare", tiny["one"], tiny["three"], "--digits", 20)
    assert code == 0 and "linear CKA" in out
    assert not [line for line in out.splitlines() if line.startswith(("agreement", "accuracy"))]
    assert [line for line in out.splitlines() if "10 classes and B 3" in line] != []


def test_a_truncated_missing_or_nonsense_model_is_one_line(capsys, tiny, tmp_path):
    truncated = tmp_path / "truncated.keras"
    truncated.write_bytes(tiny["one"].read_bytes()[:300])
    nonsense = tmp_path / "nonsense.keras"
    nonsense.write_text("not a model at all")
    for bad in (truncated, nonsense, tmp_path / "missing.keras"):
        code, out, err = run_cli(capsys, "compare", tiny["one"], bad, "--digits", 5)
        assert code != 0 and out == ""
        assert len(err.strip().splitlines()) == 1 and str(bad) in err


@pytest.mark.parametrize("argv, message", [
    (("--digits", "0"), "--digits 0: give 1 to"),
    (("--digits", "999999"), "--digits 999999: give 1 to"),
    (("--randomized",), "give one model, not two"),
])
def test_wrong_options_are_one_line(capsys, tiny, argv, message):
    code, out, err = run_cli(capsys, "compare", tiny["one"], tiny["two"], *argv)
    assert code == 2 and out == "" and message in err and len(err.strip().splitlines()) == 1


def test_one_model_without_randomized_is_one_line(capsys, tiny):
    code, _, err = run_cli(capsys, "compare", tiny["one"])
    assert code == 2 and "two models" in err


def test_randomized_gives_the_cascade_per_method(capsys, tiny):
    code, out, _ = run_cli(capsys, "compare", tiny["one"], "--randomized", "--digits", 2, "--seed", 3, "--json")
    assert code == 0
    report = json.loads(out)
    assert report["a"]["path"] == str(tiny["one"]) and report["seed"] == 3 and report["digits"] <= 2
    layers = report["layers_randomised_top_down"]
    assert layers and set(layers) <= set(report["a"]["layers"])
    assert report["methods"]
    for method in report["methods"]:
        ranks = report["rank"][method]
        assert len(ranks) == len(layers) + 1 and ranks[0] == pytest.approx(1.0)  # the trained map itself
    code, out, _ = run_cli(capsys, "compare", tiny["one"], "--randomized", "--digits", 2)
    assert code == 0 and "| method |" in out and f"−{layers[0]}" in out


def test_the_windows_compare_flags_refuse_a_bad_file_or_a_lone_tab_in_one_line(capsys, tmp_path):
    broken = tmp_path / "broken.keras"
    broken.write_bytes(b"PK\x03\x04 truncated")
    code, _out, err = run_cli(capsys, "--screenshot", str(tmp_path / "s.png"), "--compare", str(broken))
    assert code == 2 and str(broken) in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "s.png").exists()
    code, _out, err = run_cli(capsys, "--screenshot", str(tmp_path / "s.png"), "--compare-tab", "cka")
    assert code == 2 and "--compare-tab" in err and len(err.strip().splitlines()) == 1

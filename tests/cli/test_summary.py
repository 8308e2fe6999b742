"""cli.summary (guiapp summary): the ledger of a model or an architecture, as a table or one JSON object."""

from __future__ import annotations

import json

from guiapp.cli import main


def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_seed_architecture_table(capsys):
    code, out, _ = _run(capsys, "summary", "--arch", "mnist_cnn")
    assert code == 0
    assert "Total params: 1,199,882" in out
    assert "params = (F·F·Cin + 1)·Cout = (3·3·1 + 1)·32 = 320" in out


def test_no_formulas_and_json(capsys):
    _, plain, _ = _run(capsys, "summary", "--arch", "mnist_cnn", "--no-formulas")
    assert "params = " not in plain and "1,179,776" in plain
    code, out, _ = _run(capsys, "summary", "--arch", "mnist_cnn_63", "--json")
    ledger = json.loads(out)
    # 320 + 63·(32·9 + 1) + (12·12·63 + 1)·128 + 129·10
    assert code == 0 and ledger["total_params"] == 320 + 18_207 + 1_161_344 + 1_290 == 1_181_161
    rows = {row["name"]: row for row in ledger["layers"]}
    assert rows["conv2d_1"]["params"] == 18_207 and rows["flatten"]["output_shape"] == [9072]


def test_the_shipped_model(capsys):
    code, out, _ = _run(capsys, "summary")
    assert code == 0 and "Total params: 1,199,882" in out


def test_an_unknown_architecture_is_one_line(capsys):
    code, out, err = _run(capsys, "summary", "--arch", "lenet")
    assert code == 2 and out == ""
    assert err.startswith("guiapp: ") and "lenet" in err and err.count("\n") == 1

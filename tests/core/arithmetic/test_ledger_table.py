"""ledger_table: the ledger printed like Keras' model.summary(), formulas below each row."""

from __future__ import annotations

from guiapp.core.arithmetic.ledger import Ledger, LedgerRow, ledger_for_architecture
from guiapp.core.arithmetic.ledger_table import keras_shape, render_table, share_text
from guiapp.core.model.architectures import ARCHITECTURES


def test_keras_shape_prints_the_batch_axis():
    assert keras_shape((26, 26, 32)) == "(None, 26, 26, 32)"
    assert keras_shape((10,)) == "(None, 10)"
    assert keras_shape(None) == "—"


def test_share_text_rounds_small_shares_finer():
    ledger = Ledger("m", (4,), (LedgerRow("a", "Dense", (4,), (1,), 5, 5), LedgerRow("b", "Dense", (1,), (1,), 9995, 9995),
                                LedgerRow("c", "Flatten", (1,), (1,), 0, 0)))
    a, b, c = ledger.rows
    assert share_text(a) == "0.05%"
    assert share_text(b) == "100.0%"
    assert share_text(c) == "—"


def test_seed_network_table_has_the_seed_totals():
    table = render_table(ledger_for_architecture(ARCHITECTURES["mnist_cnn"]))
    lines = table.splitlines()
    assert lines[0].startswith('Model: "')
    assert lines[0].endswith("input (None, 28, 28, 1)")
    assert "Total params: 1,199,882" in lines
    assert "Trainable params: 1,199,882" in lines
    assert "Non-trainable params: 0" in lines
    dense = next(line for line in lines if line.startswith("dense (Dense)"))
    assert "(None, 128)" in dense and "1,179,776" in dense and "98.3%" in dense
    assert "    params = (Nin + 1)·Nout = (9216 + 1)·128 = 1,179,776" in lines


def test_without_formulas_only_rows_and_totals():
    ledger = ledger_for_architecture(ARCHITECTURES["mnist_cnn"])
    table = render_table(ledger, formulas=False)
    assert "params = " not in table
    assert len(table.splitlines()) == 4 + 2 * len(ledger.rows) + 3


def test_error_row_says_why_it_cannot_be_built():
    ledger = Ledger("broken", (2, 2, 1), (LedgerRow("conv", "Conv2D", (2, 2, 1), None, 0, 0, error="kernel too big"),))
    assert "    ✗ cannot be built here: kernel too big" in render_table(ledger).splitlines()


def test_columns_fit_their_content_and_stay_aligned_for_any_name_length():
    from guiapp.core.arithmetic.ledger_table import NAME_MAX, elide_label
    from guiapp.core.model.architectures import Architecture, LayerSpec

    long = "a_rather_long_layer_name_given_by_a_student_" * 3  # 132 characters
    arch = Architecture("long", (
        LayerSpec("Conv2D", "c", {"filters": 4, "kernel_size": 3}),
        LayerSpec("SeparableConv2D", "separable_conv2d_for_the_lecture", {"filters": 8, "kernel_size": 3}),
        LayerSpec("Flatten", long),
        LayerSpec("Dense", "d", {"units": 10}),
    ))
    lines = render_table(ledger_for_architecture(arch), formulas=False).splitlines()
    header = lines[2]
    rows = [line for line in lines if line.startswith(("c (", "separable_conv2d_for_the_lecture (", "a_rather", "d ("))]
    assert len(rows) == 4
    shape_at = header.index("Output Shape")
    assert all(row.index("(None") == shape_at for row in rows)  # every shape starts under its header
    assert all(row[shape_at - 2:shape_at] == "  " for row in rows)  # and never touches the name
    assert len({len(row) for row in rows} | {len(header)}) == 1  # the numbers end under theirs
    elided = elide_label(long, "Flatten")
    assert len(elided) == NAME_MAX and "…" in elided
    assert elided.startswith("a_rather_long") and elided.endswith("_student_ (Flatten)")
    assert rows[2].startswith(elided)
    assert elide_label("c", "Conv2D") == "c (Conv2D)"
    short = render_table(ledger_for_architecture(ARCHITECTURES["mnist_cnn"]), formulas=False).splitlines()
    assert short[2].index("Output Shape") == len("max_pooling2d (MaxPooling2D)") + 2  # sized to the longest


def test_a_kind_as_long_as_the_column_is_elided_whole():
    from guiapp.core.arithmetic.ledger_table import NAME_MAX, elide_label

    label = elide_label("x", "K" * 80)
    assert len(label) == NAME_MAX and label.startswith("x (KK") and label.endswith("KK)") and "…" in label

"""errors: one-line messages that name the file."""

from __future__ import annotations

from guiapp.core.errors import (
    DataFileError,
    GuiappError,
    ModelFileError,
    UnsafeModelError,
    file_problem,
    short_reason,
)


def test_file_problem_is_one_line_with_optional_hint():
    assert file_problem("a.npz", "is empty") == "a.npz: is empty"
    assert file_problem("a.npz", "is empty", "pick another") == "a.npz: is empty — pick another"


def test_unsafe_model_keeps_path_and_reason():
    error = UnsafeModelError("m.keras", "holds a Lambda layer", "pass --trust-model")
    assert str(error) == "m.keras: holds a Lambda layer — pass --trust-model"
    assert (error.path.name, error.reason) == ("m.keras", "holds a Lambda layer")
    assert isinstance(error, ModelFileError) and isinstance(error, GuiappError)
    assert issubclass(DataFileError, GuiappError)


def test_short_reason_first_line_or_type():
    assert short_reason(ValueError("bad shape\nTraceback details")) == "bad shape"
    assert short_reason(KeyError()) == "KeyError"


def test_short_reason_cuts_at_a_sentence_or_a_word():
    sentence = "The first sentence is long enough to keep here. " + "word " * 40
    assert short_reason(ValueError(sentence), limit=80) == "The first sentence is long enough to keep here."
    words = "alpha " * 40
    cut = short_reason(ValueError(words), limit=50)
    assert cut.endswith("alpha…") and len(cut) <= 50
    assert short_reason(ValueError("x" * 100), limit=10) == "x" * 9 + "…"

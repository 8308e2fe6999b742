"""cli.common: the --model, --trust-model and --classes options, and loading the model they name."""

from __future__ import annotations

import argparse

import pytest

from guiapp import paths
from guiapp.cli.common import add_model_option, load_inspector


def test_options_parse_and_model_is_absent_unless_given():
    parser = argparse.ArgumentParser()
    add_model_option(parser)
    args = parser.parse_args([])
    assert not hasattr(args, "model")  # SUPPRESS: a --model given before the command is kept
    assert (args.trust_model, args.classes) == (False, None)
    args = parser.parse_args(["--model", "m.keras", "--trust-model", "--classes", "names.txt"])
    assert (str(args.model), args.trust_model, str(args.classes)) == ("m.keras", True, "names.txt")


def test_options_beside_a_mutually_exclusive_group():
    parser = argparse.ArgumentParser()
    group = parser.add_mutually_exclusive_group()
    add_model_option(group)
    group.add_argument("--arch")
    assert parser.parse_args(["--arch", "x", "--trust-model"]).trust_model
    with pytest.raises(SystemExit):
        parser.parse_args(["--arch", "x", "--model", "m.keras"])


def test_load_inspector_defaults_to_the_shipped_model_and_names_classes(tmp_path):
    inspector = load_inspector(None)
    assert inspector.path.resolve() == paths.DEFAULT_MODEL.resolve()
    names = tmp_path / "names.txt"
    names.write_text("\n".join(f"digit {i}" for i in range(10)))
    named = load_inspector(paths.SEED_MODEL, classes=names)
    assert named.class_names[7] == "digit 7"

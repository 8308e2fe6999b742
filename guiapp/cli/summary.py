"""``guiapp summary``: the layer ledger, like Keras' ``model.summary()`` plus the arithmetic."""

from __future__ import annotations

import argparse
import json

from guiapp.cli.common import add_model_option, load_inspector
from guiapp.core.arithmetic.ledger import ledger_for_architecture
from guiapp.core.arithmetic.ledger_table import render_table
from guiapp.core.model.arch_edit import architecture_named
from guiapp.core.model.architectures import ARCHITECTURES


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "summary",
        help="each layer's output shape and parameter count, with the formulas that give them",
        description="Print the layer ledger of a model or a named architecture: output shapes, "
        "parameter counts and each layer's share, with the formulas filled in. "
        "Without --model or --arch, the shipped model.",
    )
    source = parser.add_mutually_exclusive_group()
    add_model_option(source)
    source.add_argument("--arch", metavar="NAME|FILE.json",
                        help=f"a built-in architecture ({', '.join(sorted(ARCHITECTURES))}) or a saved .json "
                        "architecture (no trained weights needed)")
    parser.add_argument("--json", action="store_true", help="print exactly one JSON object")
    parser.add_argument("--no-formulas", action="store_true", help="the table only, like model.summary()")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.arch:
        ledger = ledger_for_architecture(architecture_named(args.arch))
    else:
        ledger = load_inspector(args.model, args.trust_model, args.classes).ledger
    if args.json:
        print(json.dumps(ledger.to_dict(), ensure_ascii=False))
    else:
        print(render_table(ledger, formulas=not args.no_formulas))
    return 0

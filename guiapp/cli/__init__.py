"""The ``guiapp`` command line: open the app, or train, evaluate, summarise and predict."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Sequence

from guiapp import __version__
from guiapp.cli import evaluate, predict, summary, train
from guiapp.core.errors import GuiappError

COMMANDS = (train, evaluate, summary, predict)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="guiapp",
        description="Draw a digit and watch a convolutional network think. "
        "Without a command, opens the app on the shipped model.",
    )
    parser.add_argument("--version", action="version", version=f"guiapp {__version__}")
    parser.set_defaults(run=_open_app)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(commands)
    return parser


def _open_app(args: argparse.Namespace) -> int:
    print(
        "guiapp: the drawing window is not in this version yet — "
        "use the commands meanwhile (guiapp --help), e.g. `guiapp summary` or `guiapp predict IMAGE`.",
        file=sys.stderr,
    )
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line, run one command, and turn user errors into one line and exit code 2."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except GuiappError as exc:
        print(f"guiapp: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nguiapp: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `guiapp summary | head`): not an error worth a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0

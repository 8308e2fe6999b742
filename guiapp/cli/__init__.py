"""The ``guiapp`` command line: open the app, or train, evaluate, summarise, predict, explain and compare."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from guiapp import __version__
from guiapp.cli import compare, evaluate, explain, predict, summary, train
from guiapp.core.errors import GuiappError

COMMANDS = (train, evaluate, summary, predict, explain, compare)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="guiapp",
        description="Draw a digit and watch a convolutional network think. "
        "Without a command, opens the app on the shipped model.",
    )
    parser.add_argument("--version", action="version", version=f"guiapp {__version__}")
    parser.add_argument("--model", type=Path, metavar="PATH",
                        help="open the app on this .keras model (default: the shipped one, or the last used)")
    parser.add_argument("--screenshot", type=Path, metavar="PATH",
                        help="render the window offscreen with an MNIST test digit to a PNG, then exit")
    parser.add_argument("--sample", type=int, default=0, metavar="N",
                        help="with --screenshot: which of the shipped MNIST test digits (default: 0)")
    parser.add_argument("--force", action="store_true",
                        help="with --screenshot or --video: overwrite an existing file")
    parser.add_argument("--picture", type=Path, metavar="PATH",
                        help="open the app showing this picture (PNG, JPG, BMP, GIF, WebP, TIFF or .npy), "
                        "fitted to the model's input; with --screenshot, instead of a test digit")
    parser.add_argument("--drawing", type=Path, metavar="FILE",
                        help="open the app showing this drawing (strokes JSON, as File → Save drawing writes); "
                        "with --screenshot, instead of a test digit")
    parser.add_argument("--classes", type=Path, metavar="FILE",
                        help="class names, one per line (or a JSON list), one per model output")
    parser.add_argument("--trust-model", action="store_true",
                        help="load the model even if it holds Python code that runs as it loads (Lambda layers)")
    parser.add_argument("--why", nargs="?", const="", metavar="CLASS[:CONTRAST]", type=_why_spec,
                        help="open on the Why tab: why the network answers (or why CLASS, rather than CONTRAST)")
    parser.add_argument("--make-it", type=int, metavar="K",
                        help="with --screenshot: also find and show what would make the input a K (Why tab)")
    parser.add_argument("--where", nargs="?", const="", metavar="TRUE:ANSWER|LAYER", type=_where_spec,
                        help="open on the Where tab: the input among MNIST's test digits and on the map of the "
                        "network's view (given TRUE:ANSWER, the test digits labelled TRUE it answers ANSWER, the "
                        "first on the canvas; given a LAYER, the map of that layer)")
    parser.add_argument("--compare", nargs="?", const="", metavar="MODEL|twin[:K]",
                        help="open on the Compare page: the live model (A) against MODEL (a .keras file), or A's "
                        "randomised twin with its top K weighted layers re-initialised (default: the seed's network)")
    parser.add_argument("--compare-tab", choices=("layers", "evidence", "cka", "test", "sanity"),
                        help="with --compare: the page's tab to open on (default: layers)")
    parser.add_argument("--history", type=Path, metavar="DIR",
                        help="open on the Training page, replaying this training history (a folder written by "
                        "the page or by guiapp train --history DIR)")
    parser.add_argument("--snapshot", type=int, metavar="N",
                        help="with --history: show snapshot N (0 is the network before training; default: the last)")
    parser.add_argument("--replay", type=Path, metavar="DEMO.json",
                        help="open the app and play this recorded demo (File → Record demo writes one); "
                        "Space pauses, → steps")
    parser.add_argument("--video", type=Path, metavar="PATH",
                        help="with --replay or --history: render it offscreen to an animated GIF or an MP4 "
                        "(by the suffix), then exit")
    parser.add_argument("--size", type=_size_spec, metavar="WxH",
                        help="with --screenshot or --video: the window's size (default 1560x940)")
    parser.add_argument("--present", action="store_true",
                        help="presentation mode (as F5): bars hidden, projector theme; with --screenshot or "
                        "--video too")
    parser.set_defaults(run=_open_app)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(commands)
    return parser


def _open_app(args: argparse.Namespace) -> int:
    _check_lecture_options(args)
    if args.picture is not None:  # a bad picture is one line and exit 2, before any window opens
        from guiapp.core.drawing.images import load_picture

        load_picture(args.picture)
    if args.drawing is not None:  # the same for a drawing
        from guiapp.core.drawing.stroke_file import load_drawing

        load_drawing(args.drawing)
    if args.history is not None:  # a folder that is not a history is one line and exit 2, before any window
        from guiapp.core.training.history import TrainingHistory

        count = len(TrainingHistory.open(args.history).snapshots)
        if args.snapshot is not None and not 0 <= args.snapshot < count:
            raise GuiappError(f"--snapshot {args.snapshot}: {args.history} holds snapshots 0 to {count - 1}")
    elif args.snapshot is not None:
        raise GuiappError("--snapshot chooses a snapshot of --history DIR: give the history too")
    replay = (args.history, args.snapshot) if args.history is not None else None
    compare = _compare_choice(args)
    if args.replay is not None:  # a bad demo is one line and exit 2, before any window opens
        from guiapp.core.demo.reader import read_demo

        read_demo(args.replay)
    size = args.size or (1560, 940)
    if args.video is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        if args.replay is not None:
            from guiapp.ui.offscreen import replay_video

            return replay_video(args.replay, args.video, size, model=args.model, overwrite=args.force,
                                present=args.present)
        from guiapp.ui.export import history_video

        return history_video(args.history, args.video, args.size, model=args.model, overwrite=args.force,
                             present=args.present)
    if args.screenshot is not None:
        from guiapp.core.atomic import check_output_path

        if args.screenshot.suffix.lower() != ".png":
            raise GuiappError(f"{args.screenshot}: the screenshot must be a .png file")
        # Before the window: a path that cannot take the PNG fails in one line, not after a minute's work.
        check_output_path(args.screenshot, force=args.force)
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from guiapp.ui.offscreen import take_screenshot

        return take_screenshot(args.screenshot, args.sample, args.model, args.picture, args.classes,
                               args.trust_model, args.why, args.make_it, args.drawing, replay, args.where,
                               size=size, present=args.present, compare=compare)
    from guiapp.ui.app import run_window

    return run_window(args.model, args.picture, args.classes, args.trust_model, args.why, args.drawing, replay,
                      args.where, demo=args.replay, present=args.present, compare=compare)


def _compare_choice(args: argparse.Namespace) -> tuple[str | None, str] | None:
    """--compare and --compare-tab as (partner, tab); a model file that cannot be read is one line, before any window."""
    if args.compare is None:
        if args.compare_tab is not None:
            raise GuiappError("--compare-tab chooses a tab of the Compare page: give --compare [MODEL|twin:K] too")
        return None
    partner = args.compare or None
    if partner is not None and partner.partition(":")[0] != "twin":
        from guiapp.core.model.model_file import ModelFile

        ModelFile.read(Path(partner))
    return partner, args.compare_tab or "layers"


def _check_lecture_options(args: argparse.Namespace) -> None:
    """--replay, --video, --size and --present: the combinations that mean something, or one line."""
    if args.video is not None:
        from guiapp.core.atomic import check_output_path
        from guiapp.core.video import video_kind

        if args.screenshot is not None:
            raise GuiappError("--video and --screenshot each write the window: give one")
        if (args.replay is None) == (args.history is None):
            raise GuiappError("--video films a demo or a training history: give --replay DEMO.json or "
                              "--history DIR (one of them)")
        video_kind(args.video)
        check_output_path(args.video, force=args.force)
    elif args.replay is not None and args.screenshot is not None:
        raise GuiappError("--replay plays a demo in the window: to film it offscreen, give --video PATH")
    if args.size is not None and args.screenshot is None and args.video is None:
        raise GuiappError("--size sets the window's size for --screenshot or --video")


def _why_spec(text: str) -> tuple[int | None, int | None]:
    """``""`` (the answer), ``"7"`` or ``"7:1"`` (7 rather than 1) → (target, contrast)."""
    target, _, contrast = text.partition(":")
    try:
        return (int(target) if target.strip() else None, int(contrast) if contrast.strip() else None)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected CLASS or CLASS:CONTRAST, e.g. 7 or 7:1") from None


def _size_spec(text: str) -> tuple[int, int]:
    """``"1280x720"`` → (1280, 720), each side 320 to 7680."""
    width, x, height = text.lower().replace("×", "x").partition("x")
    try:
        size = (int(width), int(height))
    except ValueError:
        size = None
    if not x or size is None or not all(MIN_SIDE <= side <= MAX_SIDE for side in size):
        raise argparse.ArgumentTypeError(f"{text!r}: expected WIDTHxHEIGHT in pixels, each {MIN_SIDE} to "
                                         f"{MAX_SIDE}, e.g. 1280x720")
    return size


MIN_SIDE, MAX_SIDE = 320, 7680


def _where_spec(text: str) -> tuple[int, int] | str:
    """``""`` (the map) → ``""``, ``"4:9"`` (the 4s read as 9) → (4, 9), ``"conv2d"`` → that layer's map."""
    text = text.strip()
    true, colon, answer = text.partition(":")
    if not colon:
        return text
    try:
        return (int(true), int(answer))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected TRUE:ANSWER (e.g. 4:9, the 4s read as 9) "
                                         "or a layer's name") from None


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

"""``guiapp train``: train a named architecture on MNIST as the original Keras example does, or with a preset
sized for a demo (``--preset quick``: under a minute)."""

from __future__ import annotations

import argparse
import hashlib
import math
import sys
from pathlib import Path

from guiapp import paths
from guiapp.cli.progress import EpochProgressBar
from guiapp.core.atomic import CommittedInterrupt, Terminated, terminate_as_interrupt
from guiapp.core.errors import ArchitectureError, GuiappError, file_problem
from guiapp.core.training.callbacks import TrainingDiverged
from guiapp.core.training.data import load_mnist
from guiapp.core.training.drawn_data import Augmentation, drawings_training_data
from guiapp.core.training.history import holds_history
from guiapp.core.training.history_writer import check_history_output
from guiapp.core.training.pendigits import load_pendigits
from guiapp.core.training.presets import PRESETS
from guiapp.core.training.training import (
    DEFAULT_LEARNING_RATES,
    OPTIMIZERS,
    TrainingConfig,
    check_output,
    train,
    training_count,
)
from guiapp.core.model.arch_edit import (
    architecture_named,
    suggested_model_path,
    training_problem,
)
from guiapp.core.model.architectures import (
    ARCHITECTURES,
    DEFAULT_ARCHITECTURE,
    Architecture,
)
from guiapp.core.model.model_check import check_model_file
from guiapp.core.model.modelcard import card_path_for

MAX_EXTRA_SAMPLES = 1_000_000  # drawn-digit samples beyond MNIST: ~3 GB as float32 network input


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "train",
        help="train a named architecture on MNIST (batch 128, Adadelta lr 1.0, as the original Keras example)",
        description="Train a named architecture on MNIST exactly as the original Keras mnist_cnn.py example "
        "does (batch 128, 12 epochs, categorical cross-entropy, Adadelta with learning rate 1.0), or as a "
        "--preset says, then write the .keras file and a JSON model card beside it, together or not at all. "
        "Ctrl-C (or SIGTERM) stops cleanly and writes nothing.",
    )
    parser.add_argument("--arch", default=DEFAULT_ARCHITECTURE, metavar="NAME|FILE.json",
                        help=f"a built-in architecture ({', '.join(sorted(ARCHITECTURES))}; default %(default)s) "
                        "or an architecture saved from the window's Architecture tab")
    parser.add_argument("--data", type=Path, metavar="PATH",
                        help="Keras-layout mnist.npz (default: the copy of MNIST shipped with guiapp)")
    parser.add_argument("--preset", choices=list(PRESETS), metavar="NAME",
                        help="the Training page's presets: " + "; ".join(
                            f"{key}: {preset.tooltip}".replace("%", "%%") for key, preset in PRESETS.items())
                        + ". Flags given as well override its settings (default: the full recipe)")
    parser.add_argument("--epochs", type=_positive_int, metavar="N",
                        help=f"epochs (default: the preset's, else {TrainingConfig.epochs})")
    parser.add_argument("--batch-size", type=_positive_int, metavar="N",
                        help=f"batch size (default: the preset's, else {TrainingConfig.batch_size})")
    parser.add_argument("--seed", type=int, default=TrainingConfig.seed,
                        help="random seed: the same seed and settings train the same network (default: %(default)s)")
    parser.add_argument("--optimizer", choices=list(OPTIMIZERS),
                        help="beyond the original example: sgd (with momentum 0.9) or adam (default: the preset's, "
                        f"else {TrainingConfig.optimizer}, the example's)")
    parser.add_argument("--learning-rate", type=float, metavar="RATE",
                        help="default: the optimizer's usual one (" + ", ".join(
                            f"{name} {rate:g}" for name, rate in DEFAULT_LEARNING_RATES.items()) + ")")
    parser.add_argument("--train-size", type=_positive_int, metavar="N",
                        help="train on N of the training digits, drawn with --seed (default: the preset's, else "
                        "all of them)")
    parser.add_argument("--ema", type=float, default=0.0, metavar="MOMENTUM",
                        help="beyond the original example: ship an exponential moving average of the weights "
                        "(e.g. 0.999); 0 (default) trains exactly as the original example")
    parser.add_argument("--augment", type=int, default=0, metavar="N",
                        help="beyond the original example, for drawn digits: add N MNIST digits varied as drawings vary "
                        "(rotation, shear, scale, aspect, thickness, elastic), through the canvas' MNIST recipe")
    parser.add_argument("--pendigits", type=Path, metavar="PATH",
                        help="beyond the original example, for drawn digits: add pen-drawn digits (UCI pendigits file), "
                        "rendered through the canvas pipeline with varied pens, --pen-copies times each")
    parser.add_argument("--pen-copies", type=_positive_int, default=4, metavar="K",
                        help="varied renders of each pen-drawn digit (default: %(default)s)")
    parser.add_argument("--pen-recipe", choices=("writers", "seed"), default="writers",
                        help="how the pen-drawn digits vary: writers (default) adds slants, smooth bends and the "
                        "tablet's own 0..100 scaling to seed's pens, sizes, tilts and squeezes")
    parser.add_argument("--mnist-copies", type=_positive_int, default=1, metavar="K",
                        help="with --augment or --pendigits: MNIST's training set K times, so it keeps its weight "
                        "beside many renders (default: %(default)s)")
    parser.add_argument("--temperature", type=float, default=1.0, metavar="T",
                        help="beyond the original example: divide the last layer's weights by T once trained, so the "
                        "probabilities are calibrated (benchmarks/drawn_fold.py fits T on held-out pen digits; "
                        "default 1: unchanged)")
    parser.add_argument("--init", type=Path, metavar="MODEL",
                        help="start from this trained model's weights (same architecture) instead of random ones")
    parser.add_argument("--out", type=Path, metavar="PATH",
                        help="output .keras file (default: ./ARCH.keras, or beside a saved architecture file); "
                        "its card is written beside it as .json")
    parser.add_argument("--force", action="store_true", help="overwrite an existing model and card (and history)")
    parser.add_argument("--history", type=Path, metavar="DIR",
                        help="also keep the weights as training goes (after 0, 1, 2, 5, 10, 20, 50, … batches and "
                        "each epoch's end) in this folder, to replay how the network learned")
    parser.set_defaults(run=run)


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _file_identity(path: Path) -> tuple[int, int, int] | None:
    """Which file ``path`` names right now (a rename puts a different file there)."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def _refuse_writing_over_inputs(out: Path, inputs: list[Path | None]) -> None:
    """The model or its card must not replace a file this run reads (e.g. ``--arch my.json --out my.keras``)."""
    for target, what in ((out, "the model"), (card_path_for(out), "the model card")):
        for given in inputs:
            if given is not None and given.exists() and target.exists() and target.samefile(given):
                raise GuiappError(file_problem(target, f"is an input of this command, and {what} would replace it",
                                               "choose another --out"))


def _interrupted(exc: KeyboardInterrupt, out: Path, before: tuple[int, int, int] | None, history: Path | None,
                 replacing: bool) -> str:
    """What an interrupted run left, in one line. The model and card are replaced together or not at all (and
    a replaced history with them); which happened is read from the disk, so the line is true even for a Ctrl-C
    in the instant after the files were put in place."""
    how = "stopped by SIGTERM" if isinstance(exc, Terminated) else "interrupted"
    if isinstance(exc, CommittedInterrupt) or _file_identity(out) != before:
        return (f"{how} as the files were put in place — {out} and its card were both written"
                + (f", and the history in {history}" if history is not None else ""))
    if history is None:
        return f"training {how} — nothing was written; existing files are untouched"
    if replacing:
        return f"training {how} — nothing was written; existing files and the history in {history} are untouched"
    return (f"training {how} — no model was written (existing files are untouched); the history so far is in "
            f"{history}")


def resolve_architecture(text: str) -> Architecture:
    """A built-in name, or a saved ``.json`` architecture that a digit classifier can be trained from."""
    arch = architecture_named(text)
    problem = training_problem(arch)
    if problem:
        raise ArchitectureError(file_problem(text, f"cannot be trained: {problem}",
                                             "fix it in the window's Architecture tab and save it again"))
    return arch


def config_from_args(args: argparse.Namespace, arch: Architecture) -> TrainingConfig:
    """The run's settings: the preset's (or the original example's), with each flag given taking precedence."""
    base = PRESETS[args.preset].config if args.preset else TrainingConfig()
    optimizer = args.optimizer or base.optimizer
    given = args.learning_rate
    rate = given if given is not None else (base.learning_rate if optimizer == base.optimizer
                                            else DEFAULT_LEARNING_RATES[optimizer])
    if not (rate > 0 and math.isfinite(rate)):
        raise GuiappError(f"--learning-rate must be a positive number, not {rate}")
    return TrainingConfig(architecture=arch.name, epochs=args.epochs or base.epochs,
                          batch_size=args.batch_size or base.batch_size, seed=args.seed, ema=args.ema,
                          optimizer=optimizer, learning_rate=rate, temperature=args.temperature,
                          train_size=args.train_size if args.train_size is not None else base.train_size)


def run(args: argparse.Namespace) -> int:
    if not 0.0 <= args.ema < 1.0:
        raise GuiappError(f"--ema must be at least 0 and below 1, not {args.ema}")
    arch = resolve_architecture(args.arch)
    out = args.out or (Path(f"{arch.name}.keras") if args.arch in ARCHITECTURES else suggested_model_path(args.arch))
    config = config_from_args(args, arch)
    check_output(out, force=args.force)  # before minutes of loading and training
    if args.history is not None:
        check_history_output(args.history, force=args.force)
    _refuse_writing_over_inputs(out, [None if args.arch in ARCHITECTURES else Path(args.arch), args.data,
                                      args.init, args.pendigits])
    if args.init is not None:
        check_model_file(args.init, "--init takes a trained .keras model of the same architecture")  # before minutes of loading: a FIFO, a folder or a bomb is one line now
    if not 0.05 <= args.temperature <= 20.0:  # also refuses nan and inf
        raise GuiappError(f"--temperature must be from 0.05 to 20, not {args.temperature}")
    if args.augment < 0:
        raise GuiappError(f"--augment must be 0 or more, not {args.augment}")
    pen = load_pendigits(args.pendigits) if args.pendigits else None  # a bad file fails before MNIST loads
    extra = args.augment + (len(pen[0]) * args.pen_copies if pen else 0) + 60_000 * (args.mnist_copies - 1)
    if extra > MAX_EXTRA_SAMPLES:
        raise GuiappError(f"--augment, --pendigits × --pen-copies and --mnist-copies ask for {extra:,} extra digits; "
                          f"at most {MAX_EXTRA_SAMPLES:,} fit in memory beside MNIST")
    data = load_mnist(args.data)
    recipe = None
    if args.augment or pen is not None:
        print(f"preparing drawn-digit data: {args.augment:,} varied MNIST digits"
              + (f", {len(pen[0]):,} pen-drawn digits × {args.pen_copies}" if pen else ""), file=sys.stderr)
        data, recipe = drawings_training_data(data, args.augment, *(pen or (None, None)),
                                              pen_copies=args.pen_copies, seed=args.seed,
                                              aug=Augmentation.writers() if args.pen_recipe == "writers"
                                              else Augmentation(), mnist_copies=args.mnist_copies)
        if args.pendigits:  # name and content: a benchmark can tell the digits the model saw from new ones
            recipe["pendigits_file"] = args.pendigits.name
            recipe["pendigits_sha256"] = hashlib.sha256(args.pendigits.read_bytes()).hexdigest()
    count = training_count(len(data.x_train), config)
    print(f"training {arch.name} on {count:,} images from {data.source} → {out}", file=sys.stderr)
    before = _file_identity(out)
    replacing = args.history is not None and holds_history(args.history)
    try:
        with terminate_as_interrupt():  # SIGTERM stops as cleanly as Ctrl-C: no temporary file is left behind
            result = train(data, out, config, force=args.force, progress=EpochProgressBar(), architecture=arch,
                           recipe=recipe, init=args.init, history=args.history)
    except KeyboardInterrupt as exc:
        print(f"\nguiapp: {_interrupted(exc, out, before, args.history, replacing)}", file=sys.stderr)
        return exc.exit_code if isinstance(exc, Terminated) else 130
    except TrainingDiverged as exc:  # no model is written; a new history keeps the batches up to the divergence
        if args.history is None or replacing:
            raise
        raise TrainingDiverged(f"{exc}; the history up to there is in {args.history}") from None
    test = result.card["test"]
    print(f"test accuracy {test['accuracy']:.4%}  test loss {test['loss']:.4f}")
    print(f"wrote {result.model_path} and {result.card_path}"
          + (f", and the training history in {args.history}" if args.history is not None else ""))
    if out.resolve() != paths.DEFAULT_MODEL.resolve():
        print(f"use it with --model {out}", file=sys.stderr)
    return 0

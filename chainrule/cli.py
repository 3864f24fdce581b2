"""The ``chainrule`` command.

    chainrule train                       # an MLP on the bundled digits, about a minute
    chainrule train --model cnn --data mnist --data-dir ~/mnist --epochs 10
    chainrule train --resume runs/<stamp>/checkpoint.npz

Argument errors are argparse's (usage line, then what is wrong, exit 2);
a problem with the data or the checkpoint to resume from (a missing
directory, a broken or mismatched file) is one line naming the file, exit 1.
"""
import argparse
import sys

from .models import MODELS

DATASETS = ("digits", "mnist", "fashion-mnist")
OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam", "adamw")
SCHEDULES = ("cosine", "step", "none")


def _number(kind, name, minimum, inclusive):
    """An argparse type: a number of ``kind`` that is > (or >=) ``minimum``."""
    what = "a whole number" if kind is int else "a number"

    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be {what}, got {text!r}") from None
        if value < minimum or (value == minimum and not inclusive):
            raise argparse.ArgumentTypeError(
                f"{name} must be {'>=' if inclusive else '>'} {minimum}, got {text}")
        return value
    return parse


def _positive(kind, name):
    return _number(kind, name, 0, inclusive=False)


def _non_negative(kind, name):
    return _number(kind, name, 0, inclusive=True)


class _Help(argparse.HelpFormatter):
    """Shows a default where one exists and the help does not state it."""

    def _get_help_string(self, action):
        text = action.help or ""
        default = action.default
        if "default" in text or default is None or default is False \
                or default == argparse.SUPPRESS:
            return text
        return text + " (default: %(default)s)"


def parser():
    top = argparse.ArgumentParser(
        prog="chainrule",
        description="chainrule: a define-by-run autograd engine on NumPy, with PyTorch's "
                    "names. This command trains small models on real data.")
    sub = top.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    train = sub.add_parser(
        "train", help="train a model and write its metrics, plots, graph and weights",
        description="Train an MLP or a CNN on handwritten digits (bundled, no download) or "
                    "on MNIST / Fashion-MNIST IDX files, then write metrics.json, curves.png, "
                    "confusion.png, graph.svg, checkpoint.npz and model.safetensors to --out.",
        formatter_class=_Help)
    train.add_argument("--model", choices=MODELS, default="mlp", help="architecture")
    train.add_argument("--data", choices=DATASETS, default="digits",
                       help="dataset: digits are scikit-learn's bundled 8x8 images")
    train.add_argument("--data-dir", metavar="DIR",
                       help="directory of the IDX files (train-images-idx3-ubyte[.gz], ...) "
                            "for mnist / fashion-mnist; a directory with only the t10k pair "
                            "is split 8,000 / 2,000")
    train.add_argument("--optimizer", choices=OPTIMIZERS, default="adam",
                       help="momentum is SGD with momentum 0.9")
    train.add_argument("--lr", type=_positive(float, "--lr"), default=None,
                       help="learning rate (default: 0.1 for sgd, 0.05 for momentum, 1e-3 "
                            "otherwise)")
    train.add_argument("--epochs", type=_positive(int, "--epochs"), default=None,
                       help="epochs (default: 30 on digits, 8 on MNIST)")
    train.add_argument("--batch-size", type=_positive(int, "--batch-size"), default=64,
                       help="mini-batch size")
    train.add_argument("--weight-decay", type=_non_negative(float, "--weight-decay"),
                       default=0.0, help="L2 penalty, through the optimizer")
    train.add_argument("--schedule", choices=SCHEDULES, default="cosine",
                       help="learning-rate schedule over the epochs")
    train.add_argument("--patience", type=_non_negative(int, "--patience"), default=0,
                       help="early stopping: epochs without a better validation loss "
                            "(0: off); the best weights are restored")
    train.add_argument("--seed", type=int, default=0, help="seeds splits, shuffling, init")
    train.add_argument("--out", metavar="DIR", default=None,
                       help="output directory (default: runs/<date>-<time>)")
    train.add_argument("--resume", metavar="CKPT", default=None,
                       help="continue from a checkpoint.npz written by an earlier run with "
                            "the same arguments")
    train.add_argument("--quiet", action="store_true",
                       help="print only the final result (no progress bar)")
    return top


def main(argv=None):
    args = parser().parse_args(argv)
    from .train_job import InputProblem, run  # imports the library only when there is work
    try:
        run(args)
    except InputProblem as problem:
        print(f"chainrule {args.command}: error: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What ``chainrule train`` does, step by step: data, splits and
normalization (statistics from the training split only), model, optimizer
and schedule, the loop with a checkpoint after every epoch, then the test
set, and the files a person can look at and keep."""
import datetime
import json
import os
import platform

import numpy as np

import autograd as ag
import nn
import optim
from autograd.utils.data import DataLoader, TensorDataset

from . import plots
from ._atomic import atomic_write
from .checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from .data import Standardize, load_digits, load_mnist, train_val_test_split
from .data.idx import IDXError
from .metrics import classification_report
from .models import build
from .training import EarlyStopping, evaluate, fit
from .weights import save_safetensors

DEFAULT_LR = {"sgd": 0.1, "momentum": 0.05, "rmsprop": 1e-3, "adam": 1e-3, "adamw": 1e-3}
DEFAULT_EPOCHS = {"digits": 30, "mnist": 8, "fashion-mnist": 8}


class InputProblem(Exception):
    """The data or the checkpoint to resume from cannot be used: the message
    names the file or directory and what is wrong."""


def run(args):
    args = resolved(args)
    out = args.out or os.path.join("runs", datetime.datetime.now().strftime("%Y%m%d-%H%M%S"))
    say = _Printer(args.quiet)
    ag.manual_seed(args.seed)

    splits, classes, note = load_splits(args)
    if note:
        say(note)
    normalize = Standardize().fit(splits["train"][0])
    loaders = {name: _loader(normalize(x), y, args, shuffle=(name == "train"))
               for name, (x, y) in splits.items()}
    say(f"{args.data}: {len(splits['train'][1]):,} training, {len(splits['val'][1]):,} "
        f"validation, {len(splits['test'][1]):,} test images; {args.model} with "
        f"{args.optimizer} (lr {args.lr:g}), {args.epochs} epochs")

    model = build(args.model, splits["train"][0].shape[1:], len(classes))
    optimizer = make_optimizer(args, model.parameters())
    scheduler = make_scheduler(args, optimizer)
    stopper = EarlyStopping(patience=args.patience) if args.patience else None
    loss_fn = nn.CrossEntropyLoss()

    start, history = 0, None
    if args.resume:
        try:
            state = load_checkpoint(args.resume, model=model, optimizer=optimizer,
                                    scheduler=scheduler, loader=loaders["train"])
        except (OSError, CheckpointError) as problem:
            raise InputProblem(f"--resume {args.resume}: {problem}") from None
        start, history = state["epoch"], state["history"]
        if stopper is not None and state["extra"] and "early_stopping" in state["extra"]:
            stopper.load_state_dict(state["extra"]["early_stopping"])
        say(f"resumed from {args.resume} after epoch {start}")

    os.makedirs(out, exist_ok=True)
    checkpoint = os.path.join(out, "checkpoint.npz")

    def save(epoch, history):
        extra = {"early_stopping": stopper.state_dict()} if stopper is not None else None
        save_checkpoint(checkpoint, model=model, optimizer=optimizer, scheduler=scheduler,
                        epoch=epoch, history=history, loader=loaders["train"], extra=extra)

    history = fit(model, loss_fn, optimizer, loaders["train"], loaders["val"],
                  epochs=args.epochs, scheduler=scheduler, early_stopping=stopper,
                  progress=not args.quiet, verbose=not args.quiet, on_epoch_end=save,
                  start_epoch=start, history=history)

    test = evaluate(model, loaders["test"], loss_fn)
    report = classification_report(test["targets"], test["predictions"], len(classes))
    _write_outputs(out, args, history, test, report, classes, model, loss_fn, loaders)
    print(f"test accuracy {100 * test['accuracy']:.2f}% (loss {test['loss']:.4f}) on "
          f"{len(splits['test'][1]):,} {args.data} images; outputs in {out}")
    return {"out": out, "test": test, "history": history}


class _Printer:
    def __init__(self, quiet):
        self.quiet = quiet

    def __call__(self, text):
        if not self.quiet:
            print(text, flush=True)


# ------------------------------------------------------------------- data
def load_splits(args):
    """``{"train"|"val"|"test": (images, labels)}``, class names, a note."""
    try:
        if args.data == "digits":
            images, labels = load_digits()
            train, val, test = train_val_test_split(labels, val_fraction=0.1,
                                                    test_fraction=0.2, seed=args.seed)
            splits = {"train": train, "val": val, "test": test}
            return ({k: (images[i], labels[i]) for k, i in splits.items()},
                    tuple(map(str, range(10))), None)
        directory = args.data_dir or os.path.join("data", args.data)
        data = load_mnist(directory, kind=args.data)
    except (FileNotFoundError, IDXError) as problem:
        raise InputProblem(str(problem)) from None
    images, labels = data.train
    train, val, _ = train_val_test_split(labels, val_fraction=0.1, test_fraction=0.0,
                                         seed=args.seed)
    return ({"train": (images[train], labels[train]), "val": (images[val], labels[val]),
             "test": tuple(data.test)}, tuple(data.classes), data.note)


def _loader(images, labels, args, shuffle):
    data = TensorDataset(ag.tensor(images), ag.tensor(labels))
    return DataLoader(data, batch_size=args.batch_size, shuffle=shuffle, seed=args.seed)


# ------------------------------------------------------------ optimization
def make_optimizer(args, params, optim=optim):
    """The optimizer ``args`` names (``optim`` may be ``torch.optim``)."""
    lr, wd = args.lr, args.weight_decay
    if args.optimizer == "sgd":
        return optim.SGD(params, lr=lr, weight_decay=wd)
    if args.optimizer == "momentum":
        return optim.SGD(params, lr=lr, momentum=0.9, weight_decay=wd)
    if args.optimizer == "rmsprop":
        return optim.RMSprop(params, lr=lr, weight_decay=wd)
    if args.optimizer == "adam":
        return optim.Adam(params, lr=lr, weight_decay=wd)
    return optim.AdamW(params, lr=lr, weight_decay=wd)


def make_scheduler(args, optimizer, optim=optim):
    if args.schedule == "cosine":
        return optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs)
    if args.schedule == "step":
        return optim.lr_scheduler.StepLR(optimizer, step_size=max(1, args.epochs // 3),
                                         gamma=0.1)
    return None


def resolved(args):
    """``args`` with the defaults that depend on other arguments filled in."""
    args.lr = DEFAULT_LR[args.optimizer] if args.lr is None else args.lr
    args.epochs = DEFAULT_EPOCHS[args.data] if args.epochs is None else args.epochs
    return args


# ----------------------------------------------------------------- outputs
def _write_outputs(out, args, history, test, report, classes, model, loss_fn, loaders):
    title = f"{args.model} on {args.data}"
    plots.curves(history, os.path.join(out, "curves.png"), title)
    plots.confusion(report["confusion_matrix"], classes, os.path.join(out, "confusion.png"),
                    f"{title}: test confusion matrix")
    save_safetensors(model, os.path.join(out, "model.safetensors"),
                     metadata={"model": args.model, "data": args.data})
    graph_note = _graph(out, model, loss_fn, loaders["test"])
    metrics = {
        "test_accuracy": test["accuracy"],
        "test_loss": test["loss"],
        "classes": list(classes),
        "per_class": report["per_class"],
        "macro_precision": report["macro_precision"],
        "macro_recall": report["macro_recall"],
        "macro_f1": report["macro_f1"],
        "confusion_matrix": report["confusion_matrix"],
        "history": history.to_dict(),
        "arguments": {k: v for k, v in vars(args).items() if k != "command"},
        "versions": _versions(),
        "graph": graph_note,
    }
    atomic_write(os.path.join(out, "metrics.json"),
                 lambda f: f.write(json.dumps(metrics, indent=2).encode("utf-8")))


def _graph(out, model, loss_fn, loader):
    """graph.svg: the model's graph on one test batch, with module boxes.
    Without Graphviz it is skipped with a one-line note (the run is not
    about pictures)."""
    import shutil
    if shutil.which("dot") is None:
        return "graph.svg not written: Graphviz's dot is not installed (apt-get install graphviz)"
    try:
        from autograd import viz
        x, y = next(iter(loader))
        model.eval()
        loss = loss_fn(model(x[:8]), y[:8])
        svg = viz.draw_graph(loss, model).pipe(format="svg")
    except ImportError as e:
        return f"graph.svg not written: {e}"
    atomic_write(os.path.join(out, "graph.svg"), lambda f: f.write(svg))
    return "graph.svg"


def _versions():
    import importlib.metadata as md
    found = {"python": platform.python_version(), "numpy": np.__version__}
    for dist in ("chainrule", "scikit-learn", "matplotlib", "safetensors"):
        try:
            found[dist] = md.version(dist)
        except md.PackageNotFoundError:
            pass
    return found

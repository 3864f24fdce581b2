"""Accuracy and epoch time of ``chainrule train``'s models against the same
models trained by PyTorch, side by side in one run, one thread each.

    python benchmarks/bench_train.py            # digits and MNIST (t10k split)
    python benchmarks/bench_train.py --quick    # digits only

Both sides use one definition of the protocol: the same splits (stratified,
seeded), normalization fitted on the training split, batch size, optimizer,
learning rate, cosine schedule and epochs (``chainrule.train_job``), and
the same architecture (``chainrule.models.build``, given ``torch.nn`` for
PyTorch).  Only the initial weights and the shuffling differ (each library
draws its own).  MNIST is read from ``$CHAINRULE_MNIST_DIR`` or
``../shared/data/mnist``; with only its t10k pair, training uses the first
8,000 images and testing the last 2,000.

Targets (issue 9): digits MLP >= 97%, CNN >= 98%; MNIST MLP >= 95%, CNN >=
97.5%; PyTorch within 1 point; chainrule's epoch at most 1.5x PyTorch's for
the MLP and 2x for the CNN.
"""
import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, HERE)
from _threads import torch  # noqa: E402  (sets thread counts before NumPy loads)

import numpy as np  # noqa: E402

import autograd as ag  # noqa: E402
import nn  # noqa: E402
from chainrule.cli import parser  # noqa: E402
from chainrule.data import Standardize  # noqa: E402
from chainrule.models import build  # noqa: E402
from chainrule.train_job import (load_splits, make_optimizer, make_scheduler,  # noqa: E402
                                 resolved)
from chainrule.training import evaluate, fit  # noqa: E402
from autograd.utils.data import DataLoader, TensorDataset  # noqa: E402

TARGETS = {("digits", "mlp"): (0.97, 1.5), ("digits", "cnn"): (0.98, 2.0),
           ("mnist", "mlp"): (0.95, 1.5), ("mnist", "cnn"): (0.975, 2.0)}


def mnist_dir():
    return os.environ.get("CHAINRULE_MNIST_DIR",
                          os.path.join(HERE, "..", "..", "shared", "data", "mnist"))


def protocol(data, model):
    argv = ["train", "--data", data, "--model", model]
    if data != "digits":
        argv += ["--data-dir", mnist_dir()]
    args = resolved(parser().parse_args(argv))
    splits, classes, _ = load_splits(args)
    norm = Standardize().fit(splits["train"][0])
    return args, {k: (norm(x), y) for k, (x, y) in splits.items()}, len(classes)


def run_chainrule(args, splits, classes):
    ag.manual_seed(args.seed)
    loaders = {k: DataLoader(TensorDataset(ag.tensor(x), ag.tensor(y)),
                             batch_size=args.batch_size, shuffle=k == "train", seed=args.seed)
               for k, (x, y) in splits.items()}
    model = build(args.model, splits["train"][0].shape[1:], classes)
    opt = make_optimizer(args, model.parameters())
    sched = make_scheduler(args, opt)
    times = []
    start = [time.perf_counter()]

    def tick(epoch, history):
        now = time.perf_counter()
        times.append(now - start[0])
        start[0] = now

    loss_fn = nn.CrossEntropyLoss()
    fit(model, loss_fn, opt, loaders["train"], loaders["val"], epochs=args.epochs,
        scheduler=sched, progress=False, on_epoch_end=tick)
    return evaluate(model, loaders["test"], loss_fn)["accuracy"], float(np.median(times))


def run_torch(args, splits, classes):
    torch.manual_seed(args.seed)
    x, y = (torch.from_numpy(np.ascontiguousarray(a)) for a in splits["train"])
    vx, vy = (torch.from_numpy(np.ascontiguousarray(a)) for a in splits["val"])
    tx, ty = (torch.from_numpy(np.ascontiguousarray(a)) for a in splits["test"])
    model = build(args.model, tuple(x.shape[1:]), classes, nn=torch.nn)
    opt = make_optimizer(args, model.parameters(), optim=torch.optim)
    sched = make_scheduler(args, opt, optim=torch.optim)
    loss_fn = torch.nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(args.seed)
    times = []
    for _ in range(args.epochs):
        t0 = time.perf_counter()
        model.train()
        for idx in torch.randperm(len(y), generator=gen).split(args.batch_size):
            opt.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():  # validation, as fit does every epoch
            loss_fn(model(vx), vy)
        sched.step()
        times.append(time.perf_counter() - t0)
    with torch.no_grad():
        accuracy = (model(tx).argmax(1) == ty).float().mean().item()
    return accuracy, float(np.median(times))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="digits only")
    cases = [("digits", "mlp"), ("digits", "cnn")]
    if not ap.parse_args().quick:
        if os.path.isdir(mnist_dir()):
            cases += [("mnist", "mlp"), ("mnist", "cnn")]
        else:
            print(f"(MNIST not found at {mnist_dir()}: digits only)")
    print(f"{'case':14s} {'chainrule acc':>13s} {'PyTorch acc':>11s} {'target':>7s} "
          f"{'epoch (cr)':>10s} {'epoch (pt)':>10s} {'ratio':>6s} {'max':>5s}")
    for data, model in cases:
        args, splits, classes = protocol(data, model)
        acc, sec = run_chainrule(args, splits, classes)
        goal, max_ratio = TARGETS[(data, model)]
        pt_acc, pt_sec = run_torch(args, splits, classes) if torch else (float("nan"),) * 2
        print(f"{data + ' ' + model:14s} {100 * acc:12.2f}% {100 * pt_acc:10.2f}% "
              f"{100 * goal:6.1f}% {1e3 * sec:8.0f}ms {1e3 * pt_sec:8.0f}ms "
              f"{sec / pt_sec:5.2f}x {max_ratio:4.1f}x   ({args.epochs} epochs, batch "
              f"{args.batch_size}, {args.optimizer} lr {args.lr:g})", flush=True)


if __name__ == "__main__":
    main()

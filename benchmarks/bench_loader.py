"""What loading costs next to training: one shuffled epoch of 60,000 samples
at batch 128 through `DataLoader`, against one epoch of training the MLP
(784-256-10, SGD with momentum, cross-entropy) on the same batches.  The
target is a loader epoch under 5% of the training epoch.

    python benchmarks/bench_loader.py

The data are 60,000 MNIST-sized samples (the real t10k images repeated six
times when ../shared/data/mnist or $CHAINRULE_MNIST_DIR holds them, random
pixels otherwise: the loader's cost does not depend on the values).  For
scale it also times the per-sample path (a dataset the loader cannot batch
by fancy-indexing) and, when installed, PyTorch's DataLoader on the same
arrays.  One compute thread (see _threads.py).
"""
import gc
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.dirname(__file__))
from _threads import torch  # sets thread counts before NumPy loads

# isort: split
import numpy as np

import autograd as ag
import nn
import optim
from autograd.utils.data import DataLoader, TensorDataset

N, BATCH = 60_000, 128


def samples():
    """(images (N, 784) float32 in [0, 1], labels int64, where they came from)."""
    here = os.path.dirname(os.path.abspath(__file__))
    for d in (os.environ.get("CHAINRULE_MNIST_DIR"),
              os.path.join(here, "..", "..", "shared", "data", "mnist")):
        if d and os.path.isfile(os.path.join(d, "t10k-images-idx3-ubyte.gz")):
            from chainrule.data import read_idx
            images = read_idx(os.path.join(d, "t10k-images-idx3-ubyte.gz"))
            labels = read_idx(os.path.join(d, "t10k-labels-idx1-ubyte.gz"))
            reps = -(-N // len(labels))
            x = np.tile(images.reshape(len(images), -1), (reps, 1))[:N]
            return (x.astype(np.float32) / 255, np.tile(labels, reps)[:N].astype(np.int64),
                    "real MNIST t10k images x6")
    rng = np.random.default_rng(0)
    return (rng.random((N, 784), dtype=np.float32), rng.integers(0, 10, N),
            "random pixels")


class PerSample(TensorDataset):
    """A TensorDataset with its own ``__getitem__``: batched sample by sample."""

    def __getitem__(self, i):
        return super().__getitem__(i)


def best_of(fn, repeats):
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def drain(loader):
    def epoch():
        for _ in loader:
            pass
    return epoch


def training_epoch(loader):
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    opt = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()

    def epoch():
        for x, y in loader:
            loss = loss_fn(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
    return epoch


def main():
    x, y, source = samples()
    dataset = TensorDataset(x, y)
    loader = DataLoader(dataset, batch_size=BATCH, shuffle=True, seed=0)
    print(f"{N:,} samples ({source}), batch {BATCH}, {len(loader)} batches/epoch, "
          f"NumPy {np.__version__}, 1 thread")
    t_load = best_of(drain(loader), 5)
    t_train = best_of(training_epoch(loader), 2)
    verdict = "ok" if t_load < 0.05 * t_train else "OVER TARGET"
    print(f"loader epoch (TensorDataset, shuffled)   {t_load * 1e3:8.1f} ms")
    print(f"MLP 784-256-10 training epoch            {t_train * 1e3:8.1f} ms "
          "(includes its loader epoch)")
    print(f"loader / training                        {t_load / t_train * 100:8.2f} %   "
          f"(target < 5%: {verdict})")
    slow = DataLoader(PerSample(x, y), batch_size=BATCH, shuffle=True, seed=0)
    print(f"per-sample path (generic dataset)        {best_of(drain(slow), 1) * 1e3:8.1f} ms")
    if torch is not None:
        from torch.utils.data import DataLoader as TorchLoader
        from torch.utils.data import TensorDataset as TorchDataset
        theirs = TorchLoader(TorchDataset(torch.from_numpy(x), torch.from_numpy(y)),
                             batch_size=BATCH, shuffle=True)
        print(f"PyTorch DataLoader, TensorDataset        {best_of(drain(theirs), 2) * 1e3:8.1f} "
              "ms")


if __name__ == "__main__":
    main()

"""Training-step benchmarks against PyTorch (CPU eager), float32, measured
side by side in one run and printed as ratios.  PyTorch is optional.

    python benchmarks/bench_nn.py

1. MLP 784-256-10, batch 128, SGD with momentum, cross-entropy;
2. LeNet-style CNN (Conv 1->8 5x5 pad 2, ReLU, MaxPool 2, Conv 8->16 5x5
   pad 2, ReLU, MaxPool 2, Linear 784->10), batch 64, Adam.

One step = forward, loss, zero_grad, backward, optimizer step.  Both
libraries run with one compute thread (see _threads.py).
"""
import gc
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.dirname(__file__))
from _threads import torch  # noqa: E402  (sets thread counts before NumPy loads)
import autograd as ag  # noqa: E402
import nn  # noqa: E402
import optim  # noqa: E402
import numpy as np  # noqa: E402


def mlp(lib_nn):
    return lib_nn.Sequential(lib_nn.Linear(784, 256), lib_nn.ReLU(), lib_nn.Linear(256, 10))


def lenet(lib_nn):
    return lib_nn.Sequential(
        lib_nn.Conv2d(1, 8, 5, padding=2), lib_nn.ReLU(), lib_nn.MaxPool2d(2),
        lib_nn.Conv2d(8, 16, 5, padding=2), lib_nn.ReLU(), lib_nn.MaxPool2d(2),
        lib_nn.Flatten(), lib_nn.Linear(784, 10))


def make_step(model, opt, loss_fn, x, y):
    def step():
        out = model(x)
        loss = loss_fn(out, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss
    return step


def ours(kind):
    rng = np.random.default_rng(0)
    if kind == "mlp":
        model = mlp(nn)
        opt = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        x = ag.tensor(rng.standard_normal((128, 784)).astype(np.float32))
        y = ag.tensor(rng.integers(0, 10, 128))
    else:
        model = lenet(nn)
        opt = optim.Adam(model.parameters(), lr=1e-3)
        x = ag.tensor(rng.standard_normal((64, 1, 28, 28)).astype(np.float32))
        y = ag.tensor(rng.integers(0, 10, 64))
    return make_step(model, opt, nn.CrossEntropyLoss(), x, y)


def theirs(kind):
    rng = np.random.default_rng(0)
    if kind == "mlp":
        model = mlp(torch.nn)
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        x = torch.tensor(rng.standard_normal((128, 784)).astype(np.float32))
        y = torch.tensor(rng.integers(0, 10, 128))
    else:
        model = lenet(torch.nn)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        x = torch.tensor(rng.standard_normal((64, 1, 28, 28)).astype(np.float32))
        y = torch.tensor(rng.integers(0, 10, 64))
    return make_step(model, opt, torch.nn.CrossEntropyLoss(), x, y)


def per_step(step, n):
    for _ in range(5):
        step()
    best = float("inf")
    for _ in range(5):
        gc.collect()
        t0 = time.perf_counter()
        for _ in range(n):
            step()
        best = min(best, (time.perf_counter() - t0) / n)
    return best


def main():
    print(f"PyTorch {'(not installed)' if torch is None else torch.__version__} "
          f"(1 thread each), NumPy {np.__version__}")
    for kind, label, target, n in (("mlp", "MLP 784-256-10, b=128, SGD+momentum", 1.5, 50),
                                   ("lenet", "LeNet CNN, b=64, Adam", 2.0, 10)):
        t_ours = per_step(ours(kind), n)
        if torch is None:
            print(f"{label:<38} chainrule {t_ours * 1e3:8.2f} ms/step")
            continue
        t_ref = per_step(theirs(kind), n)
        print(f"{label:<38} chainrule {t_ours * 1e3:8.2f} ms/step   torch {t_ref * 1e3:8.2f} "
              f"ms/step   ratio {t_ours / t_ref:5.2f}x (target <= {target}x)")


if __name__ == "__main__":
    main()

"""Engine overhead benchmarks, measured side by side with PyTorch (CPU eager)
in one run and printed as ratios.  PyTorch is optional: without it only our
absolute times are printed.

    python benchmarks/bench_engine.py            # all
    python benchmarks/bench_engine.py --quick    # smaller deep chain

1. per-op overhead: a chain of 1,000 scalar ops (mul, add, tanh, sub with a
   scalar, repeated), forward + backward;
2. deep graphs: y = y * 1.0000001 for 1e5 and 1e6 nodes, forward + backward,
   and how the cost grows from 1e5 to 1e6.
"""
import argparse
import gc
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.dirname(__file__))
from _threads import torch  # noqa: E402  (sets thread counts before NumPy loads)
import autograd as ag  # noqa: E402



def scalar_chain(lib, n_ops=1000):
    x = lib.tensor(0.5, requires_grad=True)
    w = lib.tensor(1.01, requires_grad=True)
    b = lib.tensor(0.01, requires_grad=True)
    y = x
    for _ in range(n_ops // 4):
        y = y * w
        y = y + b
        y = y.tanh()
        y = y - 0.1
    y.backward()
    return x.grad


def deep_chain(lib, n):
    x = lib.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(n):
        y = y * 1.0000001
    y.backward()
    return x.grad


def best_of(fn, repeat):
    times = []
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def row(name, ours, ref):
    if ref is None:
        print(f"{name:<34} chainrule {ours * 1e3:10.2f} ms")
    else:
        print(f"{name:<34} chainrule {ours * 1e3:10.2f} ms   torch {ref * 1e3:10.2f} ms"
              f"   ratio {ours / ref:5.2f}x")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="skip the 1e6-node chain")
    args = ap.parse_args()
    libs = {"ours": ag}
    if torch is not None:
        libs["torch"] = torch
    print(f"PyTorch {'(not installed)' if torch is None else torch.__version__}, "
          f"NumPy {__import__('numpy').__version__}")

    for lib in libs.values():
        scalar_chain(lib)  # warm up
    res = {k: best_of(lambda lib=lib: scalar_chain(lib), 15) for k, lib in libs.items()}
    row("1,000 scalar ops fwd+bwd", res["ours"], res.get("torch"))

    sizes = [100_000] if args.quick else [100_000, 1_000_000]
    deep = {}
    for n in sizes:
        deep[n] = {k: best_of(lambda lib=lib: deep_chain(lib, n), 1) for k, lib in libs.items()}
        row(f"{n:,}-node chain fwd+bwd", deep[n]["ours"], deep[n].get("torch"))
    if len(sizes) == 2:
        for k in libs:
            print(f"growth 1e5 -> 1e6 ({k}): x{deep[sizes[1]][k] / deep[sizes[0]][k]:.1f}"
                  " (linear would be x10)")


if __name__ == "__main__":
    main()

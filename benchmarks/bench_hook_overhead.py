"""What hooks and name scopes cost the per-op path: the 1,000-scalar-op chain
of bench_engine.py timed on this checkout and on a revision from before they
existed, side by side in one run.

    python benchmarks/bench_hook_overhead.py                 # before = e4ec027
    python benchmarks/bench_hook_overhead.py --before REV --rounds 5

The revision is checked out into a temporary git worktree.  Each round runs
every variant in its own fresh process, interleaved (so drifting machine
load hits all alike), and each process reports its best of many chains; the
figure is the best over rounds.  Variants on this checkout:

* plain: nothing registered (the cost everyone pays);
* in a scope: the chain runs inside ``autograd.graph.scope`` (what every op
  inside an ``nn.Module`` pays);
* hooked: a hook on a leaf and a node pre-hook on the first op.
"""
import argparse
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BEFORE = "e4ec027"  # the last commit without hooks and scopes

CHAIN = r'''
import sys, time, gc
sys.path.insert(0, sys.argv[1])
import autograd as ag
variant = sys.argv[2]

def chain():
    x = ag.tensor(0.5, requires_grad=True)
    w = ag.tensor(1.01, requires_grad=True)
    b = ag.tensor(0.01, requires_grad=True)
    if variant == "hooked":
        w.register_hook(lambda g: None)
    y = x
    for i in range(250):
        y = y * w
        if variant == "hooked" and i == 0:
            y.grad_fn.register_prehook(lambda go: None)
        y = y + b
        y = y.tanh()
        y = y - 0.1
    y.backward()

def run():
    best = float("inf")
    for _ in range(200):
        gc.collect()
        t = time.perf_counter()
        chain()
        best = min(best, time.perf_counter() - t)
    return best

if variant == "scope":
    from autograd.graph import scope
    with scope("block", kind="Block"):
        print(run() * 1e3)
else:
    print(run() * 1e3)
'''


def measure(path, variant):
    out = subprocess.run([sys.executable, "-c", CHAIN, path, variant], capture_output=True,
                         text=True, cwd=tempfile.gettempdir(), check=True)
    return float(out.stdout)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--before", default=BEFORE, help="git revision to compare against")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        old = os.path.join(tmp, "before")
        subprocess.run(["git", "-C", ROOT, "worktree", "add", "--detach", "-q", old,
                        args.before], check=True)
        try:
            variants = [("before " + args.before, old, "plain"), ("now: plain", ROOT, "plain"),
                        ("now: in a scope", ROOT, "scope"), ("now: hooked", ROOT, "hooked")]
            best = {name: float("inf") for name, _, _ in variants}
            for _ in range(args.rounds):
                for name, path, variant in variants:
                    best[name] = min(best[name], measure(path, variant))
        finally:
            subprocess.run(["git", "-C", ROOT, "worktree", "remove", "--force", old],
                           check=False)
    ref = best["before " + args.before]
    print("1,000 scalar ops, forward + backward (best of "
          f"{args.rounds} rounds x 200 chains)")
    for name, _, _ in variants:
        print(f"  {name:24s} {best[name]:7.2f} ms   {best[name] / ref:5.3f}x before")


if __name__ == "__main__":
    main()

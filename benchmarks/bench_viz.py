"""Graph-picture benchmarks, each measured side by side with a reference in
the same run and printed as a ratio (plus absolute milliseconds):

1. ``to_dot`` of a 10,000-node graph (the default picture, folded to
   ``max_nodes=200``, and the full text with ``max_nodes=None``) against
   building that graph and running its backward;
2. the default (folded) picture of the 20-block ResNet-style model of
   ``examples/models.py``: ``to_dot`` alone and rendering it to SVG with
   Graphviz's ``dot``, against one forward + backward of the model.

    python benchmarks/bench_viz.py
"""
import os
import shutil
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import autograd as ag  # noqa: E402
from autograd.viz import draw_graph, to_dot  # noqa: E402
from examples.models import resnet_loss  # noqa: E402


def best_ms(fn, repeat=5):
    """The fastest of ``repeat`` runs, in milliseconds (the least disturbed)."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best * 1e3


def chain(n):
    """``n`` recorded ops alternating mul/add/tanh with two shared leaves."""
    x = ag.tensor(0.5, requires_grad=True)
    w = ag.tensor(1.01, requires_grad=True)
    y = x
    for k in range(n // 2):
        y = (y * w).tanh() if k % 2 else y + w
    return y


def report(what, ms, ref_what, ref_ms):
    print(f"  {what:<44} {ms:9.1f} ms   {ms / ref_ms:6.2f} x {ref_what} ({ref_ms:.1f} ms)")


def bench_chain(n=10_000):
    def build_and_backward():
        chain(n).backward()
    ref = best_ms(build_and_backward)
    y = chain(n)
    print(f"1. to_dot of a {n:,}-node graph")
    report("to_dot (default, max_nodes=200)", best_ms(lambda: to_dot(y)),
           "build+backward", ref)
    report("to_dot (max_nodes=None, every node)",
           best_ms(lambda: to_dot(y, max_nodes=None)), "build+backward", ref)


def bench_resnet():
    def forward_backward():
        resnet_loss()[1].backward()
    ref = best_ms(forward_backward)
    model, loss = resnet_loss()
    loss.backward(retain_graph=True)
    print("2. default picture of the 20-block ResNet-style model")
    report("to_dot", best_ms(lambda: to_dot(loss, model)), "forward+backward", ref)
    if shutil.which("dot") is None:
        print("  (Graphviz's dot is not installed: SVG rendering not measured)")
        return
    graph = draw_graph(loss, model)
    report("draw_graph + render to SVG",
           best_ms(lambda: draw_graph(loss, model).pipe(format="svg"), repeat=3),
           "forward+backward", ref)
    print(f"  (picture: {graph.source.count(' [label=')} nodes)")


if __name__ == "__main__":
    bench_chain()
    bench_resnet()

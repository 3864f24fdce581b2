"""Backprop step by step, and the op whose backward is wrong.

1. ``autograd.trace_backward`` on the lecture notes' output unit
   (seeds/001, "TRAINING NN: CHAIN RULE" and "Memoization"):
   o31 = sigmoid(o21 * w3_11 + o22 * w3_21), L = (1 - o31)^2.  Each row is
   one node, in the order backward visits it: the upstream gradient (the
   notes' boxed dL/do31 is computed once and reused by both weight
   products), the local derivative, and their product.
2. ``autograd.check_graph`` on a small model with a custom op whose
   backward forgot a factor 2: it names the op and the line that made it.

Run:  python examples/backprop_trace.py
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import autograd as ag  # noqa: E402
import nn  # noqa: E402


def lecture_trace():
    o21, o22, w3_11, w3_21 = (ag.tensor(v, dtype=ag.float64, requires_grad=True)
                              for v in (0.4756, 0.5026, 0.7, -0.5))
    o31 = (o21 * w3_11 + o22 * w3_21).sigmoid()
    loss = (1.0 - o31) ** 2
    names = dict(o21=o21, o22=o22, w3_11=w3_11, w3_21=w3_21, o31=o31, L=loss)
    return ag.trace_backward(loss, params=names)


class Square(ag.Function):
    """x**2 with a planted bug: the backward forgot the 2."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * x  # should be g * 2 * x


def broken_model(x):
    ag.manual_seed(0)
    layers = nn.Sequential(nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 8)).double()
    h = layers(x)
    h = Square.apply(h)  # the planted bug
    return nn.functional.log_softmax(h, dim=1).mean()


if __name__ == "__main__":
    print(lecture_trace())
    print()
    ag.manual_seed(1)
    print(ag.check_graph(broken_model, ag.randn(4, 8, dtype=ag.float64)))

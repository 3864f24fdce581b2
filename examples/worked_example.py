"""The lecture notes' worked example (seeds/001, "Loss function for Binary
Classification"), computed with chainrule: a 4-4-1 sigmoid network, its
prediction y_hat = 0.7207, the cross-entropy loss 0.327, and -- what the
notes do by hand -- every gradient, by one call to backward().

Run:  python examples/worked_example.py
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import autograd as ag  # noqa: E402


def build():
    """The notes' numbers.  Their b = [0.5 0.3] is the hidden layer's bias
    (0.5, shared by all four units) and the output unit's bias (0.3)."""
    W1 = ag.tensor([[0.9, 0.2, 0.4, 0.3],
                    [-0.5, 0.4, 0.3, 0.3],
                    [0.1, 0.1, -0.1, 0.2],
                    [-0.2, 0.5, 0.5, 0.7]], requires_grad=True)
    b1 = ag.tensor(0.5, requires_grad=True)
    W2 = ag.tensor([0.5, 0.8, -0.6, 0.3], requires_grad=True)
    b2 = ag.tensor(0.3, requires_grad=True)
    x = ag.tensor([0.3, 0.5, -0.4, 0.3])
    return W1, b1, W2, b2, x


def forward(W1, b1, W2, b2, x, y=1):
    a1 = W1 @ x + b1
    h1 = a1.sigmoid()
    a2 = W2 @ h1 + b2
    y_hat = a2.sigmoid()
    loss = -y_hat.log() if y == 1 else -(1 - y_hat).log()
    return a1, h1, a2, y_hat, loss


def main():
    W1, b1, W2, b2, x = build()
    a1, h1, a2, y_hat, loss = forward(W1, b1, W2, b2, x)
    loss.backward()
    print("a1    =", a1.detach())
    print("h1    =", h1.detach())
    print(f"a2    = {a2.item():.4f}")
    print(f"y_hat = {y_hat.item():.4f}   (notes: 0.7207)")
    print(f"loss  = {loss.item():.4f}   (notes: 0.327)")
    print("dL/dW2 =", W2.grad)
    print(f"dL/db2 = {b2.grad.item():.4f}   (= y_hat - y)")
    print("dL/dW1 =", W1.grad)
    print(f"dL/db1 = {b1.grad.item():.4f}")


if __name__ == "__main__":
    main()

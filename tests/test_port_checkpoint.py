"""``torch.utils.checkpoint``: the values and gradients of the wrapped
function, PyTorch's warning when ``use_reentrant`` is left out, and every
import form."""
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pytest

import autograd as ag
import nn
from autograd.utils.checkpoint import checkpoint, checkpoint_sequential
from autograd.errors import ArgumentError

ROOT = Path(__file__).resolve().parents[1]


def _model():
    ag.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2)).double()


def test_gradients_equal_the_unwrapped_function():
    model = _model()
    x = ag.tensor(np.linspace(-1, 1, 6).reshape(2, 3), requires_grad=True)
    model(x).pow(2).sum().backward()
    expected = [p.grad.numpy().copy() for p in model.parameters()] + [x.grad.numpy().copy()]
    model.zero_grad()
    x.grad = None
    checkpoint(model, x, use_reentrant=False).pow(2).sum().backward()
    got = [p.grad.numpy() for p in model.parameters()] + [x.grad.numpy()]
    for a, b in zip(got, expected):
        np.testing.assert_array_equal(a, b)
    out = checkpoint_sequential(model, 2, x, use_reentrant=False)
    np.testing.assert_array_equal(out.detach().numpy(), model(x).detach().numpy())
    g, = ag.grad(checkpoint(lambda t: (t ** 3).sum(), x, use_reentrant=False), x,
                 create_graph=True)
    gg, = ag.grad(g.sum(), x)
    np.testing.assert_allclose(gg.numpy(), 6 * x.detach().numpy())


def test_use_reentrant_left_out_warns_as_pytorch_does():
    with pytest.warns(UserWarning, match="use_reentrant parameter should be passed explicitly"):
        checkpoint(lambda t: t * 2, ag.ones(2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        checkpoint(lambda t: t * 2, ag.ones(2), use_reentrant=True)
    with pytest.raises(ValueError, match="unexpected keyword arguments: scale"):
        checkpoint(lambda t, scale=1: t * scale, ag.ones(2), use_reentrant=True, scale=3)
    with pytest.raises(ArgumentError, match="segments must be a positive int"):
        checkpoint_sequential(_model(), 0, ag.ones(1, 3), use_reentrant=False)


def test_import_forms():
    code = textwrap.dedent("""
        import chainrule as torch
        import chainrule.utils.checkpoint as cp
        from chainrule.utils.checkpoint import checkpoint
        import autograd.utils.checkpoint
        assert cp is autograd.utils.checkpoint and torch.utils.checkpoint is cp
        assert checkpoint is cp.checkpoint
        print("ok")
    """)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"

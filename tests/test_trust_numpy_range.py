"""Dtypes that must not depend on the installed NumPy (numpy>=1.25 .. newest).

NumPy 1.x treats a 0-d array like a Python scalar, so ``0-d float32 * 0.5``
is float64 there, while NumPy 2 (NEP 50) keeps float32.  A scalar loss is a
0-d tensor, so without care every loss of a float32 model would silently
turn float64 on NumPy 1.x.  These tests pin PyTorch's behaviour on whichever
NumPy runs them; CI runs the suite on the oldest and the newest NumPy.
"""
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F

X0 = 0.7  # the 0-d input of every case below

# name, op, forward value at X0 (from the formula, in float64)
CASES = [
    ("add", lambda x: x + 0.5, X0 + 0.5),
    ("radd", lambda x: 0.5 + x, X0 + 0.5),
    ("sub", lambda x: x - 0.25, X0 - 0.25),
    ("rsub", lambda x: 1.0 - x, 1.0 - X0),
    ("mul", lambda x: x * 0.3, X0 * 0.3),
    ("rmul_int", lambda x: 3 * x, 3 * X0),
    ("div", lambda x: x / 3.0, X0 / 3.0),
    ("rdiv", lambda x: 2.0 / x, 2.0 / X0),
    ("pow_float", lambda x: x ** 2.5, X0 ** 2.5),
    ("rpow", lambda x: 2.0 ** x, 2.0 ** X0),
    ("relu", lambda x: x.relu(), X0),
    ("sigmoid", lambda x: x.sigmoid(), 1 / (1 + np.exp(-X0))),
    ("leaky_relu", lambda x: F.leaky_relu(x - 1.0, 0.1), 0.1 * (X0 - 1.0)),
    ("elu", lambda x: F.elu(x - 1.0), np.expm1(X0 - 1.0)),
    ("softplus", lambda x: F.softplus(x), np.log1p(np.exp(X0))),
    ("clamp", lambda x: x.clamp(0.5, 0.6), 0.6),
    ("var_of_one_row", lambda x: ag.stack([x, x * 3.0]).var(), 2 * X0 * X0),
    ("norm_p3", lambda x: ag.stack([x, x]).norm(p=3), 2 ** (1 / 3) * X0),
]


@pytest.mark.parametrize("op,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_zero_dim_float32_with_python_scalar_stays_float32(op, expected):
    x = ag.tensor(np.float32(X0), requires_grad=True)
    y = op(x)
    assert y.shape == () and y.dtype == np.float32, f"forward gave {y.dtype}"
    np.testing.assert_allclose(y.item(), expected, rtol=1e-5)  # float32: a few ulps at most
    y.backward()
    assert x.grad.dtype == np.float32, f"gradient is {x.grad.dtype}"


def test_zero_dim_float32_cases_match_pytorch():
    torch = pytest.importorskip("torch")
    tF = torch.nn.functional
    ours = {name: op for name, op, _ in CASES}
    theirs = {
        "add": lambda x: x + 0.5, "radd": lambda x: 0.5 + x, "sub": lambda x: x - 0.25,
        "rsub": lambda x: 1.0 - x, "mul": lambda x: x * 0.3, "rmul_int": lambda x: 3 * x,
        "div": lambda x: x / 3.0, "rdiv": lambda x: 2.0 / x, "pow_float": lambda x: x ** 2.5,
        "rpow": lambda x: 2.0 ** x, "relu": torch.relu, "sigmoid": torch.sigmoid,
        "leaky_relu": lambda x: tF.leaky_relu(x - 1.0, 0.1), "elu": lambda x: tF.elu(x - 1.0),
        "softplus": tF.softplus, "clamp": lambda x: x.clamp(0.5, 0.6),
        "var_of_one_row": lambda x: torch.stack([x, x * 3.0]).var(),
        "norm_p3": lambda x: torch.stack([x, x]).norm(p=3),
    }
    for name, op in ours.items():
        x = ag.tensor(np.float32(X0), requires_grad=True)
        t = torch.tensor(X0, dtype=torch.float32, requires_grad=True)
        y, ty = op(x), theirs[name](t)
        y.backward()
        ty.backward()
        assert str(ty.dtype) == "torch.float32" and y.dtype == np.float32, name
        np.testing.assert_allclose(y.item(), ty.item(), rtol=1e-5, err_msg=name)
        np.testing.assert_allclose(x.grad.item(), t.grad.item(), rtol=1e-5, err_msg=name)


def test_float32_model_loss_and_gradients_stay_float32():
    ag.manual_seed(0)
    model = nn.Linear(3, 2)
    loss = nn.CrossEntropyLoss(label_smoothing=0.1)(model(ag.randn(4, 3)),
                                                    ag.tensor(np.array([0, 1, 0, 1])))
    loss = loss * 0.5 + 1e-3 * (model.weight * model.weight).sum()  # scalar arithmetic on a 0-d loss
    assert loss.dtype == np.float32
    loss.backward()
    assert model.weight.grad.dtype == np.float32 and model.bias.grad.dtype == np.float32


def test_zero_dim_int32_plus_python_int_stays_int32():
    i = ag.tensor(np.array(3, dtype=np.int32))
    out = i + 5
    assert out.dtype == np.int32 and out.item() == 8  # PyTorch: tensor(8, dtype=torch.int32)
    assert i.relu().dtype == np.int32


def test_python_float_beyond_float32_range_overflows_to_inf_in_float32():
    """PyTorch computes in the tensor's dtype: float32 * 1e39 is inf, never a
    float64 result."""
    x = ag.tensor(np.ones(2, dtype=np.float32))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NumPy's overflow notice
        out = x * 1e39
    assert out.dtype == np.float32
    assert np.isposinf(out.data).all()

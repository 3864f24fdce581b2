"""Bad input to optimizers: a clear error naming the argument, nothing changed."""
import numpy as np
import pytest

import autograd
import optim


def leaf(n=2):
    return autograd.tensor(np.ones(n), requires_grad=True)


BAD_OPTIONS = [
    (optim.SGD, dict(lr=-0.1), "lr"),
    (optim.SGD, dict(lr=float("nan")), "lr"),
    (optim.SGD, dict(lr="0.1"), "lr"),
    (optim.SGD, dict(momentum=-0.9), "momentum"),
    (optim.SGD, dict(weight_decay=-1e-4), "weight_decay"),
    (optim.SGD, dict(nesterov=True), "nesterov"),  # without momentum
    (optim.SGD, dict(nesterov=True, momentum=0.9, dampening=0.1), "nesterov"),
    (optim.RMSprop, dict(lr=-1.0), "lr"),
    (optim.RMSprop, dict(eps=-1e-8), "eps"),
    (optim.RMSprop, dict(alpha=-0.1), "alpha"),
    (optim.RMSprop, dict(alpha=1.5), "alpha"),
    (optim.RMSprop, dict(momentum=-0.5), "momentum"),
    (optim.RMSprop, dict(weight_decay=-0.5), "weight_decay"),
    (optim.Adam, dict(lr=-1e-3), "lr"),
    (optim.Adam, dict(betas=(1.0, 0.999)), r"betas\[0\]"),
    (optim.Adam, dict(betas=(0.9, -0.1)), r"betas\[1\]"),
    (optim.Adam, dict(betas=(0.9, 1.0)), r"betas\[1\]"),
    (optim.Adam, dict(betas=0.9), "betas"),
    (optim.Adam, dict(eps=-1e-8), "eps"),
    (optim.Adam, dict(weight_decay=-0.01), "weight_decay"),
    (optim.AdamW, dict(weight_decay=-0.01), "weight_decay"),
    (optim.AdamW, dict(betas=(0.9, 1.2)), r"betas\[1\]"),
]


@pytest.mark.parametrize("cls,kwargs,arg", BAD_OPTIONS,
                         ids=[f"{c.__name__}-{k}" for c, k, _ in BAD_OPTIONS])
def test_bad_option_names_the_argument(cls, kwargs, arg):
    with pytest.raises(ValueError, match=f"invalid {arg}="):
        cls([leaf()], **kwargs)


def test_bad_option_in_a_param_group_names_the_group():
    with pytest.raises(ValueError, match=r"invalid lr=-1 in param group 1"):
        optim.SGD([{"params": [leaf()]}, {"params": [leaf()], "lr": -1}], lr=0.1)
    opt = optim.Adam([leaf()])
    with pytest.raises(ValueError, match=r"betas\[0\]=2 in param group 1"):
        opt.add_param_group({"params": [leaf()], "betas": (2, 0.9)})
    assert len(opt.param_groups) == 1


def test_parameter_given_twice():
    p = leaf()
    with pytest.raises(ValueError, match="parameter 2 of group 0 .* same tensor as parameter 0"):
        optim.SGD([p, leaf(), p], lr=0.1)


def test_parameter_in_two_groups():
    p, q = leaf(), leaf()
    with pytest.raises(ValueError, match="more than one parameter group"):
        optim.SGD([{"params": [p]}, {"params": [q, p]}], lr=0.1)
    opt = optim.Adam([p, q])
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [leaf(), q]})
    assert len(opt.param_groups) == 1 and len(opt.param_groups[0]["params"]) == 2


def test_non_leaf_tensor():
    p = leaf()
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        optim.Adam([p * 2])


def test_empty_parameter_list():
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.Adam(iter(()))


def test_params_of_the_wrong_kind():
    with pytest.raises(TypeError, match="single Tensor"):
        optim.SGD(leaf(), lr=0.1)
    with pytest.raises(TypeError, match="not a set"):
        optim.SGD({leaf()}, lr=0.1)
    with pytest.raises(TypeError, match="can only optimize Tensors.*ndarray"):
        optim.SGD([np.ones(2)], lr=0.1)
    with pytest.raises(ValueError, match="no 'params' key"):
        optim.SGD([{"lr": 0.1}])
    with pytest.raises(TypeError, match="mixes dicts"):
        optim.SGD([{"params": [leaf()]}, leaf()], lr=0.1)


def test_gradient_of_the_wrong_shape():
    p = leaf(1)
    opt = optim.Adam([p])
    p.grad = autograd.tensor(np.ones(1))
    p.data = np.ones(3)  # resized after backward: the gradient no longer fits
    with pytest.raises(RuntimeError, match=r"parameter 0 of group 0 has shape \(3,\) but its "
                                           r"\.grad has shape \(1,\)"):
        opt.step()
    np.testing.assert_array_equal(p.data, np.ones(3))
    with pytest.raises(RuntimeError, match=r"assigned grad has shape \(1,\)"):
        p.grad = autograd.tensor(np.ones(1))  # refused at once, as PyTorch

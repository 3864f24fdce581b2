"""``affine_grid`` and ``grid_sample`` (the spatial transformer tutorial):
values by hand, gradients by gradcheck, and PyTorch as an oracle over every
mode, padding mode and corner alignment."""
import itertools

import numpy as np
import pytest

import autograd as ag
import nn.functional as F
from autograd.errors import ArgumentError, DTypeError


def image():
    return ag.tensor(np.arange(12.0).reshape(1, 1, 3, 4))


def test_bilinear_by_hand():
    # align_corners=True: x = -1..1 spans pixel centres 0..3, y spans 0..2
    grid = ag.tensor(np.array([[[[-1.0, -1.0], [1.0, 1.0], [0.0, 0.0], [-1.0 / 3, 0.5]]]]))
    out = F.grid_sample(image(), grid, align_corners=True).numpy().ravel()
    # (0,0) -> 0; (3,2) -> 11; (1.5,1) -> 5.5; (1, 1.5) -> mean of 5 and 9
    np.testing.assert_allclose(out, [0.0, 11.0, 5.5, 7.0], rtol=1e-12)
    # align_corners=False: x = 1 is the right edge of the last pixel (3.5):
    # half of pixel 3 and half zero padding
    edge = ag.tensor(np.array([[[[1.0, 0.0]]]]))
    np.testing.assert_allclose(F.grid_sample(image(), edge, align_corners=False).numpy().ravel(),
                               [7.0 / 2], rtol=1e-12)


def test_affine_grid_identity_samples_the_image_back():
    theta = ag.tensor(np.array([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]]))
    for align in (False, True):
        grid = F.affine_grid(theta, (1, 1, 3, 4), align_corners=align)
        out = F.grid_sample(image(), grid, align_corners=align)
        np.testing.assert_allclose(out.numpy(), image().numpy(), atol=1e-12)


def _smooth_grid(rng, n, ho, wo, h, w, align):
    """Grid points whose pixel coordinates sit away from integers and from
    the clipping limits, so finite differences see no kink."""
    px = rng.integers(0, w - 1, (n, ho, wo)) + rng.uniform(0.2, 0.8, (n, ho, wo))
    py = rng.integers(0, h - 1, (n, ho, wo)) + rng.uniform(0.2, 0.8, (n, ho, wo))
    if align:
        gx, gy = px / (w - 1) * 2 - 1, py / (h - 1) * 2 - 1
    else:
        gx, gy = (2 * px + 1) / w - 1, (2 * py + 1) / h - 1
    return np.stack([gx, gy], axis=-1)


@pytest.mark.parametrize("padding_mode,align", list(itertools.product(
    ["zeros", "border", "reflection"], [False, True])))
def test_bilinear_gradcheck_in_input_and_grid(padding_mode, align):
    rng = np.random.default_rng(0)
    x = ag.tensor(rng.normal(size=(2, 3, 4, 5)), requires_grad=True)
    g = ag.tensor(_smooth_grid(rng, 2, 3, 2, 4, 5, align), requires_grad=True)
    fn = lambda a, b: F.grid_sample(a, b, padding_mode=padding_mode, align_corners=align)
    assert ag.gradcheck(fn, (x, g))
    assert ag.gradgradcheck(fn, (x, g))


def test_affine_grid_gradcheck():
    theta = ag.tensor(np.random.default_rng(1).normal(size=(2, 2, 3)), requires_grad=True)
    for align in (False, True):
        assert ag.gradcheck(lambda t: F.affine_grid(t, (2, 3, 4, 5), align_corners=align),
                            (theta,))


def test_nearest_gives_the_grid_a_zero_gradient():
    x = ag.tensor(np.arange(12.0).reshape(1, 1, 3, 4), requires_grad=True)
    g = ag.tensor(np.array([[[[0.1, 0.2], [0.7, -0.4]]]]), requires_grad=True)
    F.grid_sample(x, g, mode="nearest", align_corners=True).sum().backward()
    np.testing.assert_array_equal(g.grad.numpy(), np.zeros((1, 1, 2, 2)))
    assert x.grad.numpy().sum() == 2.0


@pytest.mark.parametrize("call,kind,message", [
    (lambda: F.grid_sample(image(), ag.zeros(1, 2, 2, 3, dtype=ag.float64)), ArgumentError,
     r"grid of shape \(N, H_out, W_out, 2\)"),
    (lambda: F.grid_sample(image(), ag.zeros(1, 2, 2, 2)), DTypeError, "one dtype"),
    (lambda: F.grid_sample(image(), ag.zeros(1, 2, 2, 2, dtype=ag.float64), mode="bicubic"),
     NotImplementedError, "bicubic"),
    (lambda: F.grid_sample(image(), ag.zeros(1, 2, 2, 2, dtype=ag.float64),
                           padding_mode="wrap"), ArgumentError, "padding_mode must be one of"),
    (lambda: F.affine_grid(ag.zeros(1, 3, 3), (1, 1, 2, 2)), ArgumentError,
     r"theta of shape \(N, 2, 3\)"),
    (lambda: F.affine_grid(ag.zeros(1, 3, 4), (1, 1, 2, 2, 2)), NotImplementedError,
     "only 2-D grids"),
])
def test_refusals(call, kind, message):
    with pytest.raises(kind, match=message):
        call()


@pytest.mark.parametrize("mode,padding_mode,align", list(itertools.product(
    ["bilinear", "nearest"], ["zeros", "border", "reflection"], [False, True])))
def test_agrees_with_pytorch(mode, padding_mode, align):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    x = rng.normal(size=(2, 3, 5, 6))
    g = rng.uniform(-1.6, 1.6, size=(2, 4, 3, 2))      # also well outside the image
    ours_x, ours_g = ag.tensor(x, requires_grad=True), ag.tensor(g, requires_grad=True)
    th_x, th_g = torch.tensor(x, requires_grad=True), torch.tensor(g, requires_grad=True)
    a = F.grid_sample(ours_x, ours_g, mode=mode, padding_mode=padding_mode, align_corners=align)
    b = torch.nn.functional.grid_sample(th_x, th_g, mode=mode, padding_mode=padding_mode,
                                        align_corners=align)
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-10, atol=1e-12)
    (a ** 2).sum().backward()
    (b ** 2).sum().backward()
    np.testing.assert_allclose(ours_x.grad.numpy(), th_x.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours_g.grad.numpy(), th_g.grad.numpy(), rtol=1e-9, atol=1e-10)


def test_spatial_transformer_step_agrees_with_pytorch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 1, 6, 6))
    theta = np.array([[[0.9, 0.1, 0.05], [-0.1, 1.1, 0.0]], [[1.0, 0.0, 0.2], [0.0, 0.8, -0.1]]])
    ours, theirs = ag.tensor(theta, requires_grad=True), torch.tensor(theta, requires_grad=True)
    a = F.grid_sample(ag.tensor(x), F.affine_grid(ours, (2, 1, 4, 4), align_corners=False),
                      align_corners=False)
    b = torch.nn.functional.grid_sample(
        torch.tensor(x), torch.nn.functional.affine_grid(theirs, (2, 1, 4, 4),
                                                         align_corners=False),
        align_corners=False)
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-10, atol=1e-12)
    a.sum().backward()
    b.sum().backward()
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-9, atol=1e-11)

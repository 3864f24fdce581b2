"""Issue 11, recurrent and transformer slice: LSTM ``proj_size``, the
recurrent layers' conventions (batch_first, bidirectional, dropout between
layers, unbatched input), ``nn.utils.rnn`` padding/packing, and
``TransformerDecoderLayer``/``TransformerDecoder``/``Transformer``.

The core tests stand without PyTorch: expected values come from the
documented equations written here with NumPy, gradients from finite
differences (float64), errors are asserted by type and message.  The
``test_torch_*`` tests use PyTorch 2.13 as an extra oracle: a torch
module's state_dict loads into ours (and back) and the outputs agree.
"""
import math
import warnings

import numpy as np
import pytest

import autograd as ag
import nn

R = np.random.default_rng(11)


def t64(shape, rg=True):
    return ag.tensor(R.standard_normal(shape), requires_grad=rg)


def names_shapes(module):
    return [(k, tuple(v.shape)) for k, v in module.state_dict().items()]


def np_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def np_lstm_direction(x, h, c, P, sfx, reverse=False):
    """One direction of one projected LSTM layer over (L, N, in), from
    PyTorch's documented equations (h_t = W_hr (o * tanh(c_t)))."""
    outs = [None] * len(x)
    steps = range(len(x) - 1, -1, -1) if reverse else range(len(x))
    for t in steps:
        gates = x[t] @ P["weight_ih" + sfx].T + P["bias_ih" + sfx] \
            + h @ P["weight_hh" + sfx].T + P["bias_hh" + sfx]
        i, f, g, o = np.split(gates, 4, axis=-1)
        c = np_sigmoid(f) * c + np_sigmoid(i) * np.tanh(g)
        h = (np_sigmoid(o) * np.tanh(c)) @ P["weight_hr" + sfx].T
        outs[t] = h
    return np.stack(outs), h, c


# ======================================================= LSTM proj_size
class TestLSTMProjection:
    def test_parameter_names_and_shapes(self):
        m = nn.LSTM(3, 5, num_layers=2, proj_size=2, bidirectional=True)
        expected = []
        for layer, fan_in in ((0, 3), (1, 4)):       # layer 1 sees 2 directions x proj_size
            for sfx in ("", "_reverse"):
                s = f"_l{layer}{sfx}"
                expected += [("weight_ih" + s, (20, fan_in)), ("weight_hh" + s, (20, 2)),
                             ("bias_ih" + s, (20,)), ("bias_hh" + s, (20,)),
                             ("weight_hr" + s, (2, 5))]
        assert names_shapes(m) == expected
        bound = 1 / math.sqrt(5)                     # PyTorch: U(-1/sqrt(hidden), ..) for all
        assert all(np.abs(p.detach().numpy()).max() <= bound for p in m.parameters())
        assert repr(m) == "LSTM(3, 5, proj_size=2, num_layers=2, bidirectional=True)"
        m = nn.LSTM(3, 5, proj_size=4, bias=False)
        assert names_shapes(m) == [("weight_ih_l0", (20, 3)), ("weight_hh_l0", (20, 4)),
                                   ("weight_hr_l0", (4, 5))]

    def test_values_follow_the_equations(self):
        m = nn.LSTM(3, 5, num_layers=2, proj_size=2, bidirectional=True).double()
        P = {n: p.detach().numpy() for n, p in m.named_parameters()}
        x = R.standard_normal((4, 2, 3))
        h0, c0 = R.standard_normal((4, 2, 2)), R.standard_normal((4, 2, 5))
        out, (h_n, c_n) = m(ag.tensor(x), (ag.tensor(h0), ag.tensor(c0)))
        assert out.shape == (4, 2, 4) and h_n.shape == (4, 2, 2) and c_n.shape == (4, 2, 5)
        seq, hs, cs = x, [], []
        for layer in range(2):
            outs = []
            for d, sfx in enumerate(("", "_reverse")):
                k = 2 * layer + d
                o, h, c = np_lstm_direction(seq, h0[k], c0[k], P, f"_l{layer}{sfx}", d == 1)
                outs.append(o), hs.append(h), cs.append(c)
            seq = np.concatenate(outs, -1)
        np.testing.assert_allclose(out.detach().numpy(), seq, atol=1e-12)
        np.testing.assert_allclose(h_n.detach().numpy(), np.stack(hs), atol=1e-12)
        np.testing.assert_allclose(c_n.detach().numpy(), np.stack(cs), atol=1e-12)

    def test_zero_initial_state_batch_first_and_unbatched(self):
        m = nn.LSTM(3, 4, proj_size=3, batch_first=True).double()
        x = R.standard_normal((2, 5, 3))
        out, (h, c) = m(ag.tensor(x))
        ref, (rh, rc) = m(ag.tensor(x), (ag.zeros(1, 2, 3, dtype=np.float64),
                                         ag.zeros(1, 2, 4, dtype=np.float64)))
        np.testing.assert_array_equal(out.detach().numpy(), ref.detach().numpy())
        assert out.shape == (2, 5, 3) and h.shape == (1, 2, 3) and c.shape == (1, 2, 4)
        one, (h1, c1) = m(ag.tensor(x[1]))                   # unbatched (L, in)
        assert one.shape == (5, 3) and h1.shape == (1, 3) and c1.shape == (1, 4)
        np.testing.assert_allclose(one.detach().numpy(), out.detach().numpy()[1], atol=1e-12)

    def test_gradcheck(self):
        m = nn.LSTM(2, 3, num_layers=2, proj_size=2, bidirectional=True).double()
        x, h0, c0 = t64((3, 2, 2)), t64((4, 2, 2)), t64((4, 2, 3))
        w_hr = t64((2, 3))

        def fn(x, h0, c0, w_hr):
            saved = m._parameters["weight_hr_l0"]
            m._parameters["weight_hr_l0"] = w_hr
            try:
                out, (h, c) = m(x, (h0, c0))
            finally:
                m._parameters["weight_hr_l0"] = saved
            return out.sum() + h.sum() * 0.5 + (c * c).sum()

        assert ag.gradcheck(fn, [x, h0, c0, w_hr])

    @pytest.mark.parametrize("bad,match", [
        (-1, "proj_size should be a positive integer or zero to disable projections, got -1"),
        (5, "proj_size has to be smaller than hidden_size, got proj_size=5 and hidden_size=5"),
        (7, "proj_size has to be smaller than hidden_size, got proj_size=7")])
    def test_bad_proj_size_is_a_value_error(self, bad, match):
        with pytest.raises(ValueError, match=match):
            nn.LSTM(3, 5, proj_size=bad)

    def test_proj_size_type_and_other_layers(self):
        with pytest.raises(TypeError, match="proj_size must be an int, got 2.0"):
            nn.LSTM(3, 5, proj_size=2.0)
        for cls in (nn.RNN, nn.GRU):
            with pytest.raises(ValueError, match="proj_size argument is only supported for "
                                                 "LSTM, not RNN or GRU"):
                cls(3, 5, proj_size=2)

    def test_wrong_state_shapes_name_the_state(self):
        m = nn.LSTM(3, 5, proj_size=2)
        x = ag.zeros(4, 2, 3)
        with pytest.raises(RuntimeError, match=r"expected h_0 of shape \(1, 2, 2\), got "
                                               r"\(1, 2, 5\)"):
            m(x, (ag.zeros(1, 2, 5), ag.zeros(1, 2, 5)))
        with pytest.raises(RuntimeError, match=r"expected c_0 of shape \(1, 2, 5\), got "
                                               r"\(1, 2, 2\)"):
            m(x, (ag.zeros(1, 2, 2), ag.zeros(1, 2, 2)))


@pytest.mark.parametrize("dtype,tol", [(np.float32, 1e-5), (np.float64, 1e-12)])
@pytest.mark.parametrize("kwargs", [dict(num_layers=2, bidirectional=True),
                                    dict(batch_first=True, bias=False)])
def test_torch_lstm_proj(dtype, tol, kwargs):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    tdt = torch.float64 if dtype == np.float64 else torch.float32
    tm = torch.nn.LSTM(3, 5, proj_size=2, **kwargs).to(tdt)
    ours = nn.LSTM(3, 5, proj_size=2, dtype=dtype, **kwargs)
    sd = {k: v.detach().numpy().copy() for k, v in tm.state_dict().items()}
    assert names_shapes(ours) == [(k, v.shape) for k, v in sd.items()]
    ours.load_state_dict({k: ag.tensor(v) for k, v in sd.items()})
    tm.load_state_dict({k: torch.tensor(v.detach().numpy())
                        for k, v in ours.state_dict().items()})
    x = R.standard_normal((2, 4, 3)).astype(dtype)
    xt, xo = torch.tensor(x, requires_grad=True), ag.tensor(x, requires_grad=True)
    with warnings.catch_warnings():     # torch: "LSTM with projections is not supported
        warnings.simplefilter("ignore")  # with oneDNN" -- about torch, not about us
        tout, (th, tc) = tm(xt)
    oout, (oh, oc) = ours(xo)
    for a, b in ((oout, tout), (oh, th), (oc, tc)):
        assert a.dtype == dtype
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=tol, atol=tol)
    (tout.sum() + tc.sum()).backward()
    (oout.sum() + oc.sum()).backward()
    np.testing.assert_allclose(xo.grad.numpy(), xt.grad.numpy(), rtol=tol, atol=tol)
    tp = dict(tm.named_parameters())
    for n, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), tp[n].grad.numpy(), rtol=10 * tol,
                                   atol=10 * tol)


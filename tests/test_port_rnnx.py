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



# ========================================================= Transformer
def np_layer_norm(x, w, b, eps=1e-5):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


def np_mha(P, pre, q_in, kv_in, H, bias=None):
    """Multi-head attention on (L, N, E) / (S, N, E) from the parameters
    ``pre + in_proj_weight`` etc.; ``bias`` broadcastable to (N, H, L, S)."""
    E = q_in.shape[-1]
    W, b = P[pre + "in_proj_weight"], P[pre + "in_proj_bias"]
    q, k, v = (t @ W[i * E:(i + 1) * E].T + b[i * E:(i + 1) * E]
               for i, t in enumerate((q_in, kv_in, kv_in)))

    def heads(t):                                   # (L, N, E) -> (N, H, L, E/H)
        return t.reshape(t.shape[0], t.shape[1], H, E // H).transpose(1, 2, 0, 3)

    q, k, v = heads(q), heads(k), heads(v)
    s = q @ k.transpose(0, 1, 3, 2) / math.sqrt(E // H)
    if bias is not None:
        s = s + bias
    p = np.exp(s - s.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    o = (p @ v).transpose(2, 0, 1, 3).reshape(q_in.shape[0], q_in.shape[1], E)
    return o @ P[pre + "out_proj.weight"].T + P[pre + "out_proj.bias"]


def np_decoder_layer(P, tgt, mem, H, norm_first, tgt_bias=None, mem_bias=None):
    """PyTorch's documented decoder layer (dropout off), relu activation."""
    def norm(i, x):
        return np_layer_norm(x, P[f"norm{i}.weight"], P[f"norm{i}.bias"])

    def ff(x):
        h = np.maximum(x @ P["linear1.weight"].T + P["linear1.bias"], 0)
        return h @ P["linear2.weight"].T + P["linear2.bias"]

    x = tgt
    if norm_first:
        y = norm(1, x)
        x = x + np_mha(P, "self_attn.", y, y, H, tgt_bias)
        x = x + np_mha(P, "multihead_attn.", norm(2, x), mem, H, mem_bias)
        return x + ff(norm(3, x))
    x = norm(1, x + np_mha(P, "self_attn.", x, x, H, tgt_bias))
    x = norm(2, x + np_mha(P, "multihead_attn.", x, mem, H, mem_bias))
    return norm(3, x + ff(x))


def params64(module):
    return {n: p.detach().numpy() for n, p in module.named_parameters()}


def randomize_(module):
    """Non-trivial norms and biases (PyTorch starts them at 1 and 0)."""
    with ag.no_grad():
        for p in module.parameters():
            p.copy_(ag.tensor(R.standard_normal(p.shape) * 0.5, dtype=p.dtype))


DECODER_NAMES = [
    ("self_attn.in_proj_weight", (12, 4)), ("self_attn.in_proj_bias", (12,)),
    ("self_attn.out_proj.weight", (4, 4)), ("self_attn.out_proj.bias", (4,)),
    ("multihead_attn.in_proj_weight", (12, 4)), ("multihead_attn.in_proj_bias", (12,)),
    ("multihead_attn.out_proj.weight", (4, 4)), ("multihead_attn.out_proj.bias", (4,)),
    ("linear1.weight", (8, 4)), ("linear1.bias", (8,)), ("linear2.weight", (4, 8)),
    ("linear2.bias", (4,)), ("norm1.weight", (4,)), ("norm1.bias", (4,)),
    ("norm2.weight", (4,)), ("norm2.bias", (4,)), ("norm3.weight", (4,)), ("norm3.bias", (4,))]


class TestTransformerDecoderLayer:
    def test_names_shapes_and_submodules(self):
        layer = nn.TransformerDecoderLayer(4, 2, 8)
        assert names_shapes(layer) == DECODER_NAMES
        assert [n for n, _ in layer.named_children()] == [
            "self_attn", "multihead_attn", "linear1", "dropout", "linear2", "norm1", "norm2",
            "norm3", "dropout1", "dropout2", "dropout3"]
        assert all(layer.get_submodule(f"dropout{i}").p == 0.1 for i in ("", 1, 2, 3))
        no_bias = nn.TransformerDecoderLayer(4, 2, 8, bias=False)
        assert [n for n, _ in names_shapes(no_bias)] == [
            "self_attn.in_proj_weight", "self_attn.out_proj.weight",
            "multihead_attn.in_proj_weight", "multihead_attn.out_proj.weight",
            "linear1.weight", "linear2.weight", "norm1.weight", "norm2.weight", "norm3.weight"]

    @pytest.mark.parametrize("norm_first", [False, True])
    def test_values_follow_the_equations(self, norm_first):
        layer = nn.TransformerDecoderLayer(4, 2, 8, dropout=0.3, norm_first=norm_first,
                                           dtype=np.float64).eval()
        randomize_(layer)
        tgt, mem = R.standard_normal((3, 2, 4)), R.standard_normal((5, 2, 4))
        causal = nn.Transformer.generate_square_subsequent_mask(3, dtype=np.float64)
        pad = np.zeros((2, 5), bool)
        pad[1, 0] = True                             # batch 1 may not read memory position 0
        out = layer(ag.tensor(tgt), ag.tensor(mem), tgt_mask=causal,
                    memory_key_padding_mask=ag.tensor(pad))
        mem_bias = np.where(pad, -np.inf, 0.0)[:, None, None, :]
        want = np_decoder_layer(params64(layer), tgt, mem, 2, norm_first,
                                causal.numpy(), mem_bias)
        assert out.shape == (3, 2, 4) and out.dtype == np.float64
        np.testing.assert_allclose(out.detach().numpy(), want, atol=1e-12)

    def test_batch_first_and_unbatched_agree(self):
        ag.manual_seed(0)
        seq = nn.TransformerDecoderLayer(4, 2, 8, dropout=0.0, dtype=np.float64)
        bf = nn.TransformerDecoderLayer(4, 2, 8, dropout=0.0, batch_first=True,
                                        dtype=np.float64)
        bf.load_state_dict(seq.state_dict())
        tgt, mem = R.standard_normal((3, 2, 4)), R.standard_normal((5, 2, 4))
        ref = seq(ag.tensor(tgt), ag.tensor(mem)).detach().numpy()
        got = bf(ag.tensor(tgt.transpose(1, 0, 2)), ag.tensor(mem.transpose(1, 0, 2)))
        np.testing.assert_allclose(got.detach().numpy().transpose(1, 0, 2), ref, atol=1e-12)
        one = seq(ag.tensor(tgt[:, 1]), ag.tensor(mem[:, 1]))
        np.testing.assert_allclose(one.detach().numpy(), ref[:, 1], atol=1e-12)

    def test_dropout_only_in_training(self):
        layer = nn.TransformerDecoderLayer(4, 2, 8, dropout=0.5, dtype=np.float64)
        tgt, mem = ag.tensor(R.standard_normal((3, 2, 4))), ag.tensor(R.standard_normal((5, 2, 4)))
        ag.manual_seed(1)
        a = layer(tgt, mem).detach().numpy()
        b = layer(tgt, mem).detach().numpy()
        assert not np.allclose(a, b)
        layer.eval()
        np.testing.assert_array_equal(layer(tgt, mem).detach().numpy(),
                                      layer(tgt, mem).detach().numpy())

    @pytest.mark.parametrize("norm_first", [False, True])
    def test_gradcheck_tgt_and_memory(self, norm_first):
        layer = nn.TransformerDecoderLayer(4, 2, 6, dropout=0.0, activation="gelu",
                                           norm_first=norm_first, dtype=np.float64)
        causal = nn.Transformer.generate_square_subsequent_mask(3, dtype=np.float64)

        def fn(tgt, mem):
            return layer(tgt, mem, tgt_mask=causal, tgt_is_causal=True)

        inputs = [t64((3, 2, 4)), t64((2, 2, 4))]
        assert ag.gradcheck(fn, inputs)
        assert ag.gradgradcheck(fn, inputs)

    def test_activation_callable_and_errors(self):
        layer = nn.TransformerDecoderLayer(4, 2, 8, activation=ag.tanh)
        assert layer.activation is ag.tanh
        with pytest.raises(RuntimeError, match="TransformerDecoderLayer: activation should be "
                                               "'relu' or 'gelu'.*not 'tanh'"):
            nn.TransformerDecoderLayer(4, 2, activation="tanh")
        with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
            nn.TransformerDecoderLayer(6, 4)
        layer = nn.TransformerDecoderLayer(4, 2, 8)
        with pytest.raises(RuntimeError, match="is_causal=True is a hint that attn_mask is "
                                               "the causal mask; pass attn_mask too"):
            layer(ag.zeros(3, 2, 4), ag.zeros(5, 2, 4), tgt_is_causal=True)


class TestTransformerDecoderAndTransformer:
    def test_decoder_stacks_independent_copies_then_norm(self):
        layer = nn.TransformerDecoderLayer(4, 2, 8, dropout=0.0, dtype=np.float64)
        dec = nn.TransformerDecoder(layer, 2, norm=nn.LayerNorm(4, dtype=np.float64))
        randomize_(dec)
        assert dec.layers[0] is not layer and dec.layers[0] is not dec.layers[1]
        names = [n for n, _ in names_shapes(dec)]
        assert names == [f"layers.{i}.{n}" for i in (0, 1) for n, _ in DECODER_NAMES] + [
            "norm.weight", "norm.bias"]
        tgt, mem = ag.tensor(R.standard_normal((3, 2, 4))), ag.tensor(R.standard_normal((4, 2, 4)))
        mask = nn.Transformer.generate_square_subsequent_mask(3, dtype=np.float64)
        want = dec.norm(dec.layers[1](dec.layers[0](tgt, mem, tgt_mask=mask), mem,
                                      tgt_mask=mask))
        got = dec(tgt, mem, tgt_mask=mask)
        np.testing.assert_array_equal(got.detach().numpy(), want.detach().numpy())

    def test_square_subsequent_mask(self):
        m = nn.Transformer.generate_square_subsequent_mask(3)
        inf = -np.inf
        np.testing.assert_array_equal(m.numpy(), [[0, inf, inf], [0, 0, inf], [0, 0, 0]])
        assert m.dtype == np.float32 and not m.requires_grad
        assert nn.Transformer.generate_square_subsequent_mask(2, dtype=np.float64).dtype \
            == np.float64
        assert nn.Transformer.generate_square_subsequent_mask(0).shape == (0, 0)

    def test_transformer_structure_and_init(self):
        ag.manual_seed(0)
        tr = nn.Transformer(4, 2, num_encoder_layers=1, num_decoder_layers=2,
                            dim_feedforward=8)
        sd = tr.state_dict()
        assert len(sd) == 12 + 2 + 2 * 18 + 2      # encoder layer, its norm, decoder layers, norm
        assert [k for k in sd if "layers" not in k] == [
            "encoder.norm.weight", "encoder.norm.bias", "decoder.norm.weight",
            "decoder.norm.bias"]
        assert isinstance(tr.encoder, nn.TransformerEncoder)
        assert isinstance(tr.decoder, nn.TransformerDecoder)
        assert (tr.d_model, tr.nhead, tr.batch_first) == (4, 2, False)
        w = sd["decoder.layers.1.linear1.weight"].numpy()
        bound = math.sqrt(6 / (4 + 8))               # Xavier-uniform for every matrix
        assert np.abs(w).max() <= bound and np.abs(w).max() > bound / 2
        assert not sd["decoder.layers.0.self_attn.in_proj_bias"].numpy().any()
        out = tr(ag.randn(5, 3, 4), ag.randn(6, 3, 4))
        assert out.shape == (6, 3, 4) and out.dtype == np.float32

    def test_transformer_composes_encoder_and_decoder(self):
        tr = nn.Transformer(4, 2, 1, 1, 8, dropout=0.0, batch_first=True, norm_first=True,
                            dtype=np.float64)
        src, tgt = ag.tensor(R.standard_normal((2, 5, 4))), ag.tensor(R.standard_normal((2, 3, 4)))
        mask = nn.Transformer.generate_square_subsequent_mask(3, dtype=np.float64)
        pad = ag.tensor(np.array([[False] * 5, [False] * 4 + [True]]))
        got = tr(src, tgt, tgt_mask=mask, src_key_padding_mask=pad,
                 memory_key_padding_mask=pad)
        memory = tr.encoder(src, src_key_padding_mask=pad)
        want = tr.decoder(tgt, memory, tgt_mask=mask, memory_key_padding_mask=pad)
        np.testing.assert_array_equal(got.detach().numpy(), want.detach().numpy())

    def test_custom_encoder_decoder(self):
        class PassThrough(nn.Module):
            def forward(self, src, mask=None, src_key_padding_mask=None, is_causal=None):
                return src

        enc = PassThrough()
        dec = nn.TransformerDecoder(nn.TransformerDecoderLayer(4, 2, 8, dropout=0.0), 1)
        tr = nn.Transformer(4, 2, custom_encoder=enc, custom_decoder=dec)
        assert tr.encoder is enc and tr.decoder is dec
        assert all(k.startswith("decoder.layers.0.") for k in tr.state_dict())
        src, tgt = ag.randn(5, 1, 4), ag.randn(2, 1, 4)
        np.testing.assert_array_equal(tr(src, tgt).detach().numpy(),
                                      dec(tgt, src).detach().numpy())

    def test_transformer_input_errors_change_nothing(self):
        tr = nn.Transformer(4, 2, 1, 1, 8)
        before = {k: v.numpy().copy() for k, v in tr.state_dict().items()}
        with pytest.raises(RuntimeError, match=r"the batch number of src and tgt must be "
                                               r"equal, got src \(3, 2, 4\) and tgt "
                                               r"\(3, 3, 4\)"):
            tr(ag.zeros(3, 2, 4), ag.zeros(3, 3, 4))
        with pytest.raises(RuntimeError, match=r"the feature number of src and tgt must be "
                                               r"equal to d_model=4"):
            tr(ag.zeros(3, 2, 4), ag.zeros(3, 2, 5))
        with pytest.raises(TypeError, match="argument 'tgt' \\(position 2\\) must be Tensor"):
            tr(ag.zeros(3, 2, 4), [[0.0] * 4])
        after = tr.state_dict()
        assert all(np.array_equal(before[k], after[k].numpy()) for k in before)


def _torch_load(ours, tm):
    torch = pytest.importorskip("torch")
    sd = {k: v.detach().numpy().copy() for k, v in tm.state_dict().items()}
    assert names_shapes(ours) == [(k, v.shape) for k, v in sd.items()]
    ours.load_state_dict({k: ag.tensor(v) for k, v in sd.items()})
    tm.load_state_dict({k: torch.tensor(v.detach().numpy()) for k, v in ours.state_dict().items()})


@pytest.mark.parametrize("dtype,tol", [(np.float32, 1e-5), (np.float64, 1e-10)])
@pytest.mark.parametrize("kwargs", [dict(), dict(norm_first=True, batch_first=True,
                                                 activation="gelu")])
def test_torch_decoder_layer(dtype, tol, kwargs):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    tdt = torch.float64 if dtype == np.float64 else torch.float32
    tm = torch.nn.TransformerDecoderLayer(8, 2, 16, **kwargs).to(tdt).eval()
    ours = nn.TransformerDecoderLayer(8, 2, 16, dtype=dtype, **kwargs).eval()
    _torch_load(ours, tm)
    bf = kwargs.get("batch_first", False)
    tgt = R.standard_normal((2, 4, 8) if bf else (4, 2, 8)).astype(dtype)
    mem = R.standard_normal((2, 5, 8) if bf else (5, 2, 8)).astype(dtype)
    pad = np.zeros((2, 4), bool)
    pad[0, 3] = True
    mask = np.triu(np.ones((4, 4), bool), 1)          # bool: True = masked out
    tt, tmem = torch.tensor(tgt, requires_grad=True), torch.tensor(mem, requires_grad=True)
    ot, omem = ag.tensor(tgt, requires_grad=True), ag.tensor(mem, requires_grad=True)
    tout = tm(tt, tmem, tgt_mask=torch.tensor(mask), tgt_key_padding_mask=torch.tensor(pad))
    oout = ours(ot, omem, tgt_mask=ag.tensor(mask), tgt_key_padding_mask=ag.tensor(pad))
    assert oout.dtype == dtype
    np.testing.assert_allclose(oout.detach().numpy(), tout.detach().numpy(), rtol=tol, atol=tol)
    proj = R.standard_normal(tgt.shape).astype(dtype)
    (tout * torch.tensor(proj)).sum().backward()
    (oout * ag.tensor(proj)).sum().backward()
    for a, b in ((ot, tt), (omem, tmem)):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=10 * tol, atol=10 * tol)


@pytest.mark.filterwarnings("ignore:enable_nested_tensor is True")
@pytest.mark.parametrize("dtype,tol", [(np.float32, 1e-5), (np.float64, 1e-10)])
def test_torch_transformer(dtype, tol):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    tdt = torch.float64 if dtype == np.float64 else torch.float32
    tm = torch.nn.Transformer(8, 2, 2, 2, 16).to(tdt).eval()
    ours = nn.Transformer(8, 2, 2, 2, 16, dtype=dtype).eval()
    _torch_load(ours, tm)
    src = R.standard_normal((5, 3, 8)).astype(dtype)
    tgt = R.standard_normal((4, 3, 8)).astype(dtype)
    mpad = np.zeros((3, 5), bool)
    mpad[2, 1:3] = True
    tmask = torch.nn.Transformer.generate_square_subsequent_mask(4, dtype=tdt)
    omask = nn.Transformer.generate_square_subsequent_mask(4, dtype=dtype)
    np.testing.assert_array_equal(omask.numpy(), tmask.numpy())
    with torch.no_grad():
        tout = tm(torch.tensor(src), torch.tensor(tgt), tgt_mask=tmask, tgt_is_causal=True,
                  memory_key_padding_mask=torch.tensor(mpad))
    oout = ours(ag.tensor(src), ag.tensor(tgt), tgt_mask=omask, tgt_is_causal=True,
                memory_key_padding_mask=ag.tensor(mpad))
    assert oout.dtype == dtype
    np.testing.assert_allclose(oout.detach().numpy(), tout.numpy(), rtol=tol, atol=tol)


# ============================================ nn.utils.rnn and packed input
from nn.utils.rnn import (PackedSequence, pack_padded_sequence, pack_sequence,  # noqa: E402
                          pad_packed_sequence, pad_sequence, unpack_sequence, unpad_sequence)


class TestPadAndPack:
    def seqs(self):
        return [t64((3, 2)), t64((1, 2)), t64((2, 2))]

    def test_import_paths(self):
        import importlib
        import chainrule
        assert importlib.import_module("nn.utils.rnn").pad_sequence is pad_sequence
        assert importlib.import_module("chainrule.nn.utils.rnn") is nn.utils.rnn
        assert chainrule.nn.utils.rnn.PackedSequence is PackedSequence

    @pytest.mark.parametrize("side", ["right", "left"])
    def test_pad_sequence_values_and_gradient(self, side):
        seqs = self.seqs()
        out = pad_sequence(seqs, padding_value=-1.0, padding_side=side)
        want = np.full((3, 3, 2), -1.0)
        for b, s in enumerate(seqs):
            n = s.shape[0]
            rows = slice(0, n) if side == "right" else slice(3 - n, 3)
            want[rows, b] = s.detach().numpy()
        assert out.shape == (3, 3, 2) and out.dtype == np.float64
        np.testing.assert_array_equal(out.detach().numpy(), want)
        bf = pad_sequence(seqs, batch_first=True, padding_value=-1.0, padding_side=side)
        np.testing.assert_array_equal(bf.detach().numpy(), want.transpose(1, 0, 2))
        assert ag.gradcheck(lambda *s: pad_sequence(list(s), padding_side=side), seqs)
        stacked = t64((2, 3, 2))                     # a tensor is its list of rows (L, *)
        np.testing.assert_array_equal(pad_sequence(stacked).detach().numpy(),
                                      stacked.detach().numpy().transpose(1, 0, 2))

    def test_pack_and_unpack_round_trip(self):
        seqs = self.seqs()
        packed = pack_sequence(seqs, enforce_sorted=False)
        assert isinstance(packed, PackedSequence) and isinstance(packed, tuple)
        np.testing.assert_array_equal(packed.batch_sizes.numpy(), [3, 2, 1])
        assert packed.batch_sizes.dtype == np.int64
        np.testing.assert_array_equal(packed.sorted_indices.numpy(), [0, 2, 1])
        np.testing.assert_array_equal(packed.unsorted_indices.numpy(), [0, 2, 1])
        s = [x.detach().numpy() for x in seqs]     # step 0 of sequences 0, 2, 1; step 1 of 0, 2
        want = np.stack([s[0][0], s[2][0], s[1][0], s[0][1], s[2][1], s[0][2]])
        np.testing.assert_array_equal(packed.data.detach().numpy(), want)
        padded, lengths = pad_packed_sequence(packed, batch_first=True, padding_value=7.0,
                                              total_length=4)
        assert padded.shape == (3, 4, 2) and lengths.dtype == np.int64
        np.testing.assert_array_equal(lengths.numpy(), [3, 1, 2])
        np.testing.assert_array_equal(padded.detach().numpy()[1, 1:], 7.0)
        for a, b in zip(unpack_sequence(packed), seqs):
            np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
        for a, b in zip(unpad_sequence(padded, lengths, batch_first=True), seqs):
            np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
        sorted_packed = pack_sequence([seqs[0], seqs[2], seqs[1]])
        assert sorted_packed.sorted_indices is None and sorted_packed.unsorted_indices is None

    def test_gradients_flow_through_pack_and_pad(self):
        x = t64((4, 3, 2))

        def fn(x):
            packed = pack_padded_sequence(x, [2, 4, 1], enforce_sorted=False)
            return pad_packed_sequence(packed, padding_value=3.0)[0]

        assert ag.gradcheck(fn, [x])
        out = fn(x)
        out.sum().backward()
        want = np.zeros((4, 3, 2))
        for b, n in enumerate([2, 4, 1]):
            want[:n, b] = 1.0                        # padding steps get no gradient
        np.testing.assert_array_equal(x.grad.numpy(), want)

    def test_errors(self):
        with pytest.raises(RuntimeError, match="received an empty list of sequences"):
            pad_sequence([])
        with pytest.raises(RuntimeError, match="padding_side to be one of left or right"):
            pad_sequence(self.seqs(), padding_side="middle")
        with pytest.raises(RuntimeError, match=r"sequences\[1\] has shape \(2, 3\)"):
            pad_sequence([ag.zeros(2, 2), ag.zeros(2, 3)])
        with pytest.raises(RuntimeError, match="`lengths` array must be sorted in decreasing "
                                               "order when `enforce_sorted` is True"):
            pack_sequence(self.seqs())
        with pytest.raises(RuntimeError, match="Length of all samples has to be greater "
                                               "than 0"):
            pack_padded_sequence(ag.zeros(3, 2, 1), [3, 0])
        with pytest.raises(RuntimeError, match=r"a length \(4\) exceeds the input's 3 time "
                                               r"steps"):
            pack_padded_sequence(ag.zeros(3, 2, 1), [4, 2])
        packed = pack_sequence(self.seqs(), enforce_sorted=False)
        with pytest.raises(ValueError, match="Expected total_length to be at least the length "
                                             "of the longest sequence in input, but got "
                                             "total_length=2 and max sequence length being 3"):
            pad_packed_sequence(packed, total_length=2)


class TestPackedRecurrent:
    @pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
    def test_packed_equals_running_each_sequence_alone(self, kind):
        m = getattr(nn, kind)(2, 3, num_layers=2, bidirectional=True).double()
        lengths = [2, 4, 1]
        x = R.standard_normal((4, 3, 2))
        packed = pack_padded_sequence(ag.tensor(x), lengths, enforce_sorted=False)
        out, final = m(packed)
        assert isinstance(out, PackedSequence)
        np.testing.assert_array_equal(out.batch_sizes.numpy(), packed.batch_sizes.numpy())
        padded, _ = pad_packed_sequence(out)
        h_n = final[0] if kind == "LSTM" else final
        assert padded.shape == (4, 3, 6) and h_n.shape == (4, 3, 3)
        for b, n in enumerate(lengths):               # unbatched run on the valid steps only
            alone, fin = m(ag.tensor(x[:n, b]))
            np.testing.assert_allclose(padded.detach().numpy()[:n, b],
                                       alone.detach().numpy(), atol=1e-12)
            np.testing.assert_array_equal(padded.detach().numpy()[n:, b], 0.0)
            fin = fin[0] if kind == "LSTM" else fin
            np.testing.assert_allclose(h_n.detach().numpy()[:, b], fin.detach().numpy(),
                                       atol=1e-12)

    def test_packed_lstm_with_initial_state_and_gradcheck(self):
        m = nn.LSTM(2, 3, proj_size=2, bidirectional=True).double()
        x, h0, c0 = t64((3, 2, 2)), t64((2, 2, 2)), t64((2, 2, 3))

        def fn(x, h0, c0):
            out, (h, c) = m(pack_padded_sequence(x, [1, 3], enforce_sorted=False), (h0, c0))
            return pad_packed_sequence(out)[0].sum() + (h * c[..., :2]).sum()

        assert ag.gradcheck(fn, [x, h0, c0])
        # sequence 0 (length 1) starts from h0[:, 0] and ends after one step
        out, (h, c) = m(pack_padded_sequence(x, [1, 3], enforce_sorted=False), (h0, c0))
        alone, (ha, ca) = m(x[:1, 0], (h0[:, 0], c0[:, 0]))
        np.testing.assert_allclose(h.detach().numpy()[:, 0], ha.detach().numpy(), atol=1e-12)
        np.testing.assert_allclose(c.detach().numpy()[:, 0], ca.detach().numpy(), atol=1e-12)


class TestRecurrentConventions:
    @pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
    def test_batch_first_and_unbatched_agree_with_seq_first(self, kind):
        ag.manual_seed(0)
        seq = getattr(nn, kind)(2, 3, num_layers=2, bidirectional=True).double()
        bf = getattr(nn, kind)(2, 3, num_layers=2, bidirectional=True, batch_first=True).double()
        bf.load_state_dict(seq.state_dict())
        x = R.standard_normal((4, 2, 2))
        ref, _ = seq(ag.tensor(x))
        got, _ = bf(ag.tensor(x.transpose(1, 0, 2)))
        np.testing.assert_allclose(got.detach().numpy().transpose(1, 0, 2),
                                   ref.detach().numpy(), atol=1e-12)
        one, fin = seq(ag.tensor(x[:, 1]))
        np.testing.assert_allclose(one.detach().numpy(), ref.detach().numpy()[:, 1], atol=1e-12)
        h = fin[0] if kind == "LSTM" else fin
        assert h.shape == (4, 3)

    def test_dropout_between_layers_only_in_training(self):
        m = nn.GRU(2, 3, num_layers=2, dropout=0.5).double()
        x = ag.tensor(R.standard_normal((4, 2, 2)))
        ag.manual_seed(0)
        a, b = m(x)[0].detach().numpy(), m(x)[0].detach().numpy()
        assert not np.allclose(a, b)
        m.eval()
        np.testing.assert_array_equal(m(x)[0].detach().numpy(), m(x)[0].detach().numpy())
        no_dropout = nn.GRU(2, 3, num_layers=2, dropout=0.0).double()
        no_dropout.load_state_dict(m.state_dict())
        np.testing.assert_array_equal(m(x)[0].detach().numpy(),
                                      no_dropout(x)[0].detach().numpy())


@pytest.mark.parametrize("kind,kwargs", [("RNN", dict(num_layers=2, bidirectional=True)),
                                         ("GRU", dict(bidirectional=True)),
                                         ("LSTM", dict(num_layers=2, bidirectional=True,
                                                       proj_size=2))])
def test_torch_packed(kind, kwargs):
    torch = pytest.importorskip("torch")
    from torch.nn.utils import rnn as trnn
    torch.manual_seed(0)
    tm = getattr(torch.nn, kind)(3, 4, **kwargs).double()
    ours = getattr(nn, kind)(3, 4, dtype=np.float64, **kwargs)
    _torch_load(ours, tm)
    x, lengths = R.standard_normal((5, 3, 3)), [2, 5, 3]
    xt, xo = torch.tensor(x, requires_grad=True), ag.tensor(x, requires_grad=True)
    tp = trnn.pack_padded_sequence(xt, lengths, enforce_sorted=False)
    op = pack_padded_sequence(xo, lengths, enforce_sorted=False)
    for a, b in zip(op, tp):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tout, tfin = tm(tp)
    oout, ofin = ours(op)
    th, oh = (tfin[0], ofin[0]) if kind == "LSTM" else (tfin, ofin)
    np.testing.assert_allclose(oout.data.detach().numpy(), tout.data.detach().numpy(),
                               atol=1e-12)
    np.testing.assert_allclose(oh.detach().numpy(), th.detach().numpy(), atol=1e-12)
    (trnn.pad_packed_sequence(tout)[0].sum() + th.sum()).backward()
    (pad_packed_sequence(oout)[0].sum() + oh.sum()).backward()
    np.testing.assert_allclose(xo.grad.numpy(), xt.grad.numpy(), atol=1e-12)

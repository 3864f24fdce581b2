"""Issue 11, layers a custom model reaches for: Embedding, LayerNorm,
GroupNorm, InstanceNorm, scaled_dot_product_attention, MultiheadAttention,
TransformerEncoderLayer, Unflatten, Bilinear, RNN/LSTM/GRU (and cells), Lazy
modules.

The core tests stand without PyTorch: expected values are computed here
with NumPy from the definitions, gradients are checked by finite
differences (float64), and errors are asserted by type and message.  The
``torch_*`` tests use PyTorch 2.13 as an extra oracle: a torch layer's
state_dict loads into the chainrule layer (and back), and outputs and
gradients match.
"""
import math

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F

R = np.random.default_rng(0)


def t64(shape, rg=True, scale=1.0):
    return ag.tensor(R.standard_normal(shape) * scale, requires_grad=rg)


def call_with(module, params, *args, **kwargs):
    """``module(*args)`` with some parameters replaced by the given tensors
    (dotted names), restored afterwards: lets gradcheck differentiate a
    module's output with respect to its parameters."""
    saved = []
    for name, value in params.items():
        *path, leaf = name.split(".")
        owner = module
        for p in path:
            owner = getattr(owner, p)
        saved.append((owner, leaf, owner._parameters[leaf]))
        owner._parameters[leaf] = value
    try:
        return module(*args, **kwargs)
    finally:
        for owner, leaf, old in saved:
            owner._parameters[leaf] = old


def check_module_grads(module, inputs, names, gradgrad=True, out=lambda y: y, **kwargs):
    """gradcheck (and gradgradcheck) of ``module(*inputs)`` w.r.t. the
    inputs and the named parameters, all float64."""
    params = [ag.tensor(getattr_path(module, n).detach().numpy().copy(), requires_grad=True)
              for n in names]
    k = len(inputs)

    def fn(*args):
        return out(call_with(module, dict(zip(names, args[k:])), *args[:k], **kwargs))
    assert ag.gradcheck(fn, list(inputs) + params)
    if gradgrad:
        assert ag.gradgradcheck(fn, list(inputs) + params)


def getattr_path(module, name):
    for p in name.split("."):
        module = getattr(module, p)
    return module


def names_shapes(module):
    return [(n, tuple(p.shape)) for n, p in module.named_parameters()]


def snapshot(module):
    return {k: v.detach().numpy().copy() for k, v in module.state_dict().items()}


def same_state(module, snap):
    now = snapshot(module)
    return now.keys() == snap.keys() and all(np.array_equal(now[k], snap[k]) for k in now)


# ============================================================== Embedding
class TestEmbedding:
    def test_parameter_name_shape_and_init(self):
        ag.manual_seed(0)
        e = nn.Embedding(1000, 16, padding_idx=3)
        assert names_shapes(e) == [("weight", (1000, 16))]
        w = e.weight.detach().numpy()
        assert w.dtype == np.float32
        assert np.all(w[3] == 0)
        # N(0, 1): sample moments of 15984 draws
        rest = np.delete(w, 3, axis=0)
        assert abs(rest.mean()) < 0.05 and abs(rest.std() - 1) < 0.05

    def test_lookup_values_and_shape(self):
        e = nn.Embedding(5, 3).double()
        idx = ag.tensor(np.array([[4, 0], [2, 2]]))
        out = e(idx)
        assert out.shape == (2, 2, 3) and out.dtype == np.float64
        np.testing.assert_array_equal(out.detach().numpy(), e.weight.detach().numpy()[[[4, 0], [2, 2]]])

    def test_gradient_adds_repeated_rows(self):
        e = nn.Embedding(4, 2).double()
        idx = ag.tensor(np.array([1, 3, 1, 1]))
        g = np.arange(8.0).reshape(4, 2)
        e(idx).backward(ag.tensor(g))
        expected = np.zeros((4, 2))
        expected[1] = g[0] + g[2] + g[3]
        expected[3] = g[1]
        np.testing.assert_array_equal(e.weight.grad.numpy(), expected)

    def test_padding_row_gets_no_gradient(self):
        e = nn.Embedding(4, 2, padding_idx=-1).double()
        assert e.padding_idx == 3
        idx = ag.tensor(np.array([3, 0, 3]))
        e(idx).sum().backward()
        np.testing.assert_array_equal(e.weight.grad.numpy(), [[1, 1], [0, 0], [0, 0], [0, 0]])

    def test_scale_grad_by_freq(self):
        e = nn.Embedding(3, 1, scale_grad_by_freq=True).double()
        idx = ag.tensor(np.array([0, 0, 0, 2]))
        e(idx).backward(ag.tensor(np.array([[1.0], [2.0], [3.0], [4.0]])))
        np.testing.assert_allclose(e.weight.grad.numpy(), [[2.0], [0.0], [4.0]])

    def test_max_norm_renormalizes_looked_up_rows_in_place(self):
        e = nn.Embedding(3, 2, max_norm=1.0).double()
        with ag.no_grad():
            e.weight.copy_(ag.tensor(np.array([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0]])))
        out = e(ag.tensor(np.array([0, 1])))
        w = e.weight.detach().numpy()
        np.testing.assert_allclose(w[0], [0.6, 0.8], rtol=1e-6)
        np.testing.assert_array_equal(w[1], [0.3, 0.4])
        np.testing.assert_array_equal(w[2], [6.0, 8.0])      # not looked up: untouched
        np.testing.assert_allclose(out.detach().numpy(), w[[0, 1]])

    def test_gradcheck_and_gradgradcheck(self):
        w = t64((5, 3))
        idx = ag.tensor(np.array([[0, 4, 4], [1, 0, 2]]))
        assert ag.gradcheck(lambda w: F.embedding(idx, w), [w])
        assert ag.gradgradcheck(lambda w: F.embedding(idx, w) ** 2, [w])
        # padding_idx changes only the gradient rule; away from the padding
        # row it is the true derivative
        assert ag.gradgradcheck(lambda w: F.embedding(idx, w, padding_idx=3) ** 2, [w])

    def test_from_pretrained_is_frozen(self):
        table = ag.tensor(np.eye(3))
        e = nn.Embedding.from_pretrained(table)
        assert not e.weight.requires_grad
        np.testing.assert_array_equal(e(ag.tensor(np.array([2]))).numpy(), [[0, 0, 1]])
        assert nn.Embedding.from_pretrained(table, freeze=False).weight.requires_grad

    def test_errors(self):
        e = nn.Embedding(4, 2)
        before = snapshot(e)
        with pytest.raises(IndexError, match=r"index 4 out of range.*4 rows"):
            e(ag.tensor(np.array([0, 4])))
        with pytest.raises(IndexError, match=r"index -1 out of range"):
            e(ag.tensor(np.array([-1])))
        with pytest.raises(TypeError, match=r"integer indices.*float32"):
            e(ag.tensor(np.array([0.0, 1.0], dtype=np.float32)))
        with pytest.raises(RuntimeError, match="integer indices"):
            e(ag.tensor(np.array([0.0])))
        with pytest.raises(AssertionError, match=r"padding_idx must be within num_embeddings"):
            nn.Embedding(4, 2, padding_idx=4)
        with pytest.raises(TypeError, match="must be Tensor, not list"):
            e([0, 1])
        assert same_state(e, before) and e.weight.grad is None


# ============================================================== LayerNorm
def np_norm(x, axes, eps):
    m = x.mean(axis=axes, keepdims=True)
    v = x.var(axis=axes, keepdims=True)
    return (x - m) / np.sqrt(v + eps)


class TestLayerNorm:
    def test_parameters(self):
        ln = nn.LayerNorm((3, 4))
        assert names_shapes(ln) == [("weight", (3, 4)), ("bias", (3, 4))]
        assert np.all(ln.weight.detach().numpy() == 1) and np.all(ln.bias.detach().numpy() == 0)
        assert ln.normalized_shape == (3, 4)
        assert names_shapes(nn.LayerNorm(5, bias=False)) == [("weight", (5,))]
        assert names_shapes(nn.LayerNorm(5, elementwise_affine=False)) == []

    def test_values(self):
        x = R.standard_normal((2, 3, 4))
        w, b = R.standard_normal((3, 4)), R.standard_normal((3, 4))
        out = F.layer_norm(ag.tensor(x), (3, 4), ag.tensor(w), ag.tensor(b), eps=1e-5)
        np.testing.assert_allclose(out.numpy(), np_norm(x, (1, 2), 1e-5) * w + b,
                                   rtol=1e-12, atol=1e-12)
        out = nn.LayerNorm(4).double()(ag.tensor(x))
        np.testing.assert_allclose(out.detach().numpy(), np_norm(x, (2,), 1e-5), atol=1e-12)

    def test_float32_stays_float32(self):
        out = nn.LayerNorm(4)(ag.randn(2, 4))
        assert out.dtype == np.float32

    def test_gradcheck(self):
        ln = nn.LayerNorm((2, 3)).double()
        with ag.no_grad():
            ln.weight.copy_(ag.tensor(R.standard_normal((2, 3))))
        check_module_grads(ln, [t64((2, 2, 3))], ["weight", "bias"])

    def test_errors(self):
        ln = nn.LayerNorm(4)
        with pytest.raises(RuntimeError, match=r"normalized_shape=\[4\].*\(\*, 4\), got \(2, 3\)"):
            ln(ag.zeros(2, 3))
        with pytest.raises(ValueError, match="normalized_shape"):
            F.layer_norm(ag.zeros(2, 3), (2, 3, 4))
        with pytest.raises(TypeError, match="floating-point"):
            ln(ag.tensor(np.zeros((2, 4), dtype=np.int64)))
        with pytest.raises(TypeError, match="dtype"):
            ln(ag.zeros(2, 4, dtype=np.float64))


# ============================================= GroupNorm and InstanceNorm
class TestGroupNorm:
    def test_values_and_parameters(self):
        gn = nn.GroupNorm(2, 4).double()
        assert names_shapes(gn) == [("weight", (4,)), ("bias", (4,))]
        x = R.standard_normal((3, 4, 5))
        out = gn(ag.tensor(x)).detach().numpy()
        expected = np_norm(x.reshape(3, 2, 10), (2,), 1e-5).reshape(3, 4, 5)
        np.testing.assert_allclose(out, expected, atol=1e-12)

    def test_gradcheck(self):
        gn = nn.GroupNorm(2, 4).double()
        with ag.no_grad():
            gn.weight.copy_(ag.tensor(R.standard_normal(4)))
        check_module_grads(gn, [t64((2, 4, 3))], ["weight", "bias"])

    def test_errors(self):
        with pytest.raises(ValueError, match="num_channels must be divisible by num_groups"):
            nn.GroupNorm(3, 4)
        with pytest.raises(RuntimeError, match=r"expected input \(N, 4, \*\), got \(2, 6\)"):
            nn.GroupNorm(2, 4)(ag.zeros(2, 6))


class TestInstanceNorm:
    def test_defaults_have_no_parameters_or_buffers(self):
        m = nn.InstanceNorm2d(3)
        assert names_shapes(m) == [] and m.state_dict() == {}

    def test_values_batched_and_unbatched(self):
        x = R.standard_normal((2, 3, 4, 5))
        m = nn.InstanceNorm2d(3, affine=True).double()
        np.testing.assert_allclose(m(ag.tensor(x)).detach().numpy(), np_norm(x, (2, 3), 1e-5),
                                   atol=1e-12)
        np.testing.assert_allclose(m(ag.tensor(x[0])).detach().numpy(),
                                   np_norm(x[0], (1, 2), 1e-5), atol=1e-12)

    def test_running_stats(self):
        m = nn.InstanceNorm2d(2, track_running_stats=True).double()
        x = R.standard_normal((3, 2, 4, 4))
        m(ag.tensor(x))
        mean = x.mean(axis=(2, 3)).mean(0)
        var = x.var(axis=(2, 3), ddof=1).mean(0)
        np.testing.assert_allclose(m.running_mean.numpy(), 0.1 * mean, atol=1e-12)
        np.testing.assert_allclose(m.running_var.numpy(), 0.9 + 0.1 * var, atol=1e-12)
        assert m.num_batches_tracked.item() == 1
        m.eval()
        out = m(ag.tensor(x)).numpy()
        expected = (x - m.running_mean.numpy()[:, None, None]) / np.sqrt(
            m.running_var.numpy()[:, None, None] + 1e-5)
        np.testing.assert_allclose(out, expected, atol=1e-12)

    def test_gradcheck(self):
        m = nn.InstanceNorm2d(2, affine=True).double()
        check_module_grads(m, [t64((2, 2, 2, 3))], ["weight", "bias"])

    def test_errors(self):
        with pytest.raises(RuntimeError, match=r"InstanceNorm2d: expected input \(N, C, H, W\)"):
            nn.InstanceNorm2d(3)(ag.zeros(2, 3))
        with pytest.raises(ValueError, match="more than 1 spatial element"):
            nn.InstanceNorm1d(3)(ag.zeros(2, 3, 1))


# ============================================== scaled_dot_product_attention
def np_softmax(s):
    with np.errstate(invalid="ignore"):      # rows masked out entirely give NaN here
        e = np.exp(s - s.max(-1, keepdims=True))
        return e / e.sum(-1, keepdims=True)


def np_attention(q, k, v, bias=0.0, scale=None):
    scale = 1 / math.sqrt(q.shape[-1]) if scale is None else scale
    return np_softmax(q @ np.swapaxes(k, -1, -2) * scale + bias) @ v


class TestSDPA:
    q = R.standard_normal((2, 3, 4, 5))
    k = R.standard_normal((2, 3, 6, 5))
    v = R.standard_normal((2, 3, 6, 2))

    def run(self, **kw):
        return F.scaled_dot_product_attention(ag.tensor(self.q), ag.tensor(self.k),
                                              ag.tensor(self.v), **kw).numpy()

    def test_plain_and_scale(self):
        np.testing.assert_allclose(self.run(), np_attention(self.q, self.k, self.v), atol=1e-12)
        np.testing.assert_allclose(self.run(scale=0.25),
                                   np_attention(self.q, self.k, self.v, scale=0.25), atol=1e-12)

    def test_causal(self):
        bias = np.where(np.tril(np.ones((4, 6), dtype=bool)), 0.0, -np.inf)
        np.testing.assert_allclose(self.run(is_causal=True),
                                   np_attention(self.q, self.k, self.v, bias), atol=1e-12)

    def test_bool_mask_true_means_attend_and_dead_rows_give_zero(self):
        mask = R.random((4, 6)) > 0.4
        mask[0] = True
        mask[2] = False
        out = self.run(attn_mask=ag.tensor(mask))
        bias = np.where(mask, 0.0, -np.inf)
        live = [0, 1, 3]
        np.testing.assert_allclose(out[..., live, :],
                                   np_attention(self.q, self.k, self.v, bias)[..., live, :],
                                   atol=1e-12)
        assert np.all(out[..., 2, :] == 0)

    def test_float_mask_is_added(self):
        bias = R.standard_normal((3, 4, 6))
        np.testing.assert_allclose(self.run(attn_mask=ag.tensor(bias)),
                                   np_attention(self.q, self.k, self.v, bias), atol=1e-12)

    def test_dropout_one_gives_zeros(self):
        assert np.all(self.run(dropout_p=1.0) == 0)

    def test_gqa(self):
        k, v = self.k[:, :1], self.v[:, :1]
        out = F.scaled_dot_product_attention(ag.tensor(self.q), ag.tensor(k), ag.tensor(v),
                                             enable_gqa=True).numpy()
        np.testing.assert_allclose(out, np_attention(self.q, k, v), atol=1e-12)

    def test_gradcheck(self):
        q, k, v = t64((2, 3, 4)), t64((2, 5, 4)), t64((2, 5, 3))
        bias = t64((3, 5))
        mask = ag.tensor(np.tril(np.ones((3, 5), dtype=bool)))
        sdpa = F.scaled_dot_product_attention
        assert ag.gradcheck(lambda q, k, v, b: sdpa(q, k, v, attn_mask=b), [q, k, v, bias])
        assert ag.gradgradcheck(lambda q, k, v, b: sdpa(q, k, v, attn_mask=b), [q, k, v, bias])
        assert ag.gradcheck(lambda q, k, v: sdpa(q, k, v, attn_mask=mask), [q, k, v])
        assert ag.gradgradcheck(lambda q, k, v: sdpa(q, k, v, is_causal=True), [q, k, v])

    def test_fully_masked_row_has_zero_gradient(self):
        q, k, v = t64((2, 3)), t64((4, 3)), t64((4, 3))
        mask = np.ones((2, 4), dtype=bool)
        mask[1] = False
        out = F.scaled_dot_product_attention(q, k, v, attn_mask=ag.tensor(mask))
        out.sum().backward()
        assert np.all(q.grad.numpy()[1] == 0) and np.all(np.isfinite(k.grad.numpy()))

    def test_errors(self):
        q, k, v = ag.zeros(2, 3, 4), ag.zeros(2, 5, 4), ag.zeros(2, 5, 3)
        sdpa = F.scaled_dot_product_attention
        with pytest.raises(RuntimeError, match=r"key \(\.\.\., S, E\).*key \(2, 5, 2\)"):
            sdpa(q, ag.zeros(2, 5, 2), v)
        with pytest.raises(RuntimeError, match="either attn_mask or is_causal"):
            sdpa(q, k, v, attn_mask=ag.ones(3, 5, dtype=ag.bool_), is_causal=True)
        with pytest.raises(RuntimeError, match=r"attn_mask of shape \(4, 5\) does not broadcast"):
            sdpa(q, k, v, attn_mask=ag.zeros(4, 5))
        with pytest.raises(TypeError, match="share one floating-point dtype"):
            sdpa(q, k, v.double())
        with pytest.raises(ValueError, match="dropout_p must be between 0 and 1"):
            sdpa(q, k, v, dropout_p=1.5)


# ===================================================== MultiheadAttention
class TestMultiheadAttention:
    def test_parameter_names_and_init(self):
        ag.manual_seed(0)
        m = nn.MultiheadAttention(8, 2)
        assert names_shapes(m) == [("in_proj_weight", (24, 8)), ("in_proj_bias", (24,)),
                                   ("out_proj.weight", (8, 8)), ("out_proj.bias", (8,))]
        assert type(m.out_proj).__name__ == "NonDynamicallyQuantizableLinear"
        assert np.all(m.in_proj_bias.detach().numpy() == 0)
        assert np.all(m.out_proj.bias.detach().numpy() == 0)
        bound = math.sqrt(6 / (24 + 8))        # xavier-uniform on (3E, E)
        assert np.abs(m.in_proj_weight.detach().numpy()).max() <= bound
        m2 = nn.MultiheadAttention(8, 2, kdim=3, vdim=5, add_bias_kv=True)
        assert names_shapes(m2) == [("q_proj_weight", (8, 8)), ("k_proj_weight", (8, 3)),
                                    ("v_proj_weight", (8, 5)), ("in_proj_bias", (24,)),
                                    ("bias_k", (1, 1, 8)), ("bias_v", (1, 1, 8)),
                                    ("out_proj.weight", (8, 8)), ("out_proj.bias", (8,))]

    def reference(self, m, q, k, v, bias=0.0):
        """The definition in NumPy, batch-first (N, L, E)."""
        E, H = m.embed_dim, m.num_heads
        W = m.in_proj_weight.detach().numpy()
        b = m.in_proj_bias.detach().numpy()
        Q, K, V = q @ W[:E].T + b[:E], k @ W[E:2 * E].T + b[E:2 * E], v @ W[2 * E:].T + b[2 * E:]

        def heads(t):
            return t.reshape(t.shape[0], t.shape[1], H, E // H).transpose(0, 2, 1, 3)
        p = np_softmax(heads(Q) @ heads(K).transpose(0, 1, 3, 2) / math.sqrt(E // H) + bias)
        o = (p @ heads(V)).transpose(0, 2, 1, 3).reshape(q.shape[0], q.shape[1], E)
        return o @ m.out_proj.weight.detach().numpy().T + m.out_proj.bias.detach().numpy(), p

    def test_values_sequence_first_and_batch_first(self):
        m = nn.MultiheadAttention(6, 3).double()
        with ag.no_grad():
            m.in_proj_bias.copy_(ag.tensor(R.standard_normal(18)))
        q, k, v = (R.standard_normal((2, 4, 6)) for _ in range(3))
        ref, p = self.reference(m, q, k, v)
        out, w = m(*(ag.tensor(a.transpose(1, 0, 2)) for a in (q, k, v)))
        np.testing.assert_allclose(out.detach().numpy(), ref.transpose(1, 0, 2), atol=1e-12)
        np.testing.assert_allclose(w.detach().numpy(), p.mean(1), atol=1e-12)
        m.batch_first = True
        out, w = m(ag.tensor(q), ag.tensor(k), ag.tensor(v), average_attn_weights=False)
        np.testing.assert_allclose(out.detach().numpy(), ref, atol=1e-12)
        np.testing.assert_allclose(w.detach().numpy(), p, atol=1e-12)
        out, w = m(ag.tensor(q[0]), ag.tensor(k[0]), ag.tensor(v[0]), need_weights=False)
        assert w is None
        np.testing.assert_allclose(out.detach().numpy(), ref[0], atol=1e-12)

    def test_masks_true_means_masked_out(self):
        m = nn.MultiheadAttention(4, 2, batch_first=True).double()
        x = R.standard_normal((2, 3, 4))
        attn = np.triu(np.ones((3, 3), dtype=bool), 1)
        pad = np.array([[False, False, True], [False, False, False]])
        bias = np.where(attn, -np.inf, 0.0) + np.where(pad, -np.inf, 0.0)[:, None, None, :]
        ref, _ = self.reference(m, x, x, x, bias)
        xt = ag.tensor(x)
        out, _ = m(xt, xt, xt, attn_mask=ag.tensor(attn), key_padding_mask=ag.tensor(pad))
        np.testing.assert_allclose(out.detach().numpy(), ref, atol=1e-12)

    def test_gradcheck(self):
        m = nn.MultiheadAttention(4, 2, batch_first=True).double()
        with ag.no_grad():
            m.in_proj_bias.copy_(ag.tensor(R.standard_normal(12)))
        q, k, v = t64((2, 3, 4)), t64((2, 2, 4)), t64((2, 2, 4))
        names = ["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"]
        check_module_grads(m, [q, k, v], names)

    def test_self_attention_gradcheck_with_bias_kv(self):
        class SelfAttention(nn.Module):
            def __init__(self):
                super().__init__()
                self.attn = nn.MultiheadAttention(4, 2, add_bias_kv=True, add_zero_attn=True)

            def forward(self, x):
                return self.attn(x, x, x)[0]
        m = SelfAttention().double()
        check_module_grads(m, [t64((3, 1, 4))], ["attn.bias_k", "attn.in_proj_weight"],
                           gradgrad=False)

    def test_errors(self):
        with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
            nn.MultiheadAttention(6, 4)
        m = nn.MultiheadAttention(4, 2)
        x = ag.zeros(3, 2, 4)
        with pytest.raises(AssertionError, match=r"query with last dim embed_dim=4, got shape "
                                                 r"\(3, 2, 5\)"):
            m(ag.zeros(3, 2, 5), x, x)
        with pytest.raises(RuntimeError, match=r"attn_mask must have shape \(3, 3\)"):
            m(x, x, x, attn_mask=ag.zeros(2, 2))
        with pytest.raises(RuntimeError, match=r"key_padding_mask must have shape \(N, S\)"):
            m(x, x, x, key_padding_mask=ag.zeros(3, 2, dtype=ag.bool_))
        with pytest.raises(RuntimeError, match="is_causal=True is a hint"):
            m(x, x, x, is_causal=True)


# ================================================ TransformerEncoderLayer
class TestTransformerEncoderLayer:
    def test_submodule_names(self):
        layer = nn.TransformerEncoderLayer(8, 2, 16)
        assert names_shapes(layer) == [
            ("self_attn.in_proj_weight", (24, 8)), ("self_attn.in_proj_bias", (24,)),
            ("self_attn.out_proj.weight", (8, 8)), ("self_attn.out_proj.bias", (8,)),
            ("linear1.weight", (16, 8)), ("linear1.bias", (16,)),
            ("linear2.weight", (8, 16)), ("linear2.bias", (8,)),
            ("norm1.weight", (8,)), ("norm1.bias", (8,)),
            ("norm2.weight", (8,)), ("norm2.bias", (8,))]
        assert [n for n, _ in layer.named_children()] == [
            "self_attn", "linear1", "dropout", "linear2", "norm1", "norm2", "dropout1",
            "dropout2"]

    @pytest.mark.parametrize("norm_first", [False, True])
    def test_matches_its_definition(self, norm_first):
        layer = nn.TransformerEncoderLayer(4, 2, 6, activation="gelu", batch_first=True,
                                           norm_first=norm_first).double().eval()
        x = ag.tensor(R.standard_normal((2, 3, 4)))

        def ff(h):
            return layer.linear2(F.gelu(layer.linear1(h)))

        def sa(h):
            return layer.self_attn(h, h, h, need_weights=False)[0]
        if norm_first:
            h = x + sa(layer.norm1(x))
            expected = h + ff(layer.norm2(h))
        else:
            h = layer.norm1(x + sa(x))
            expected = layer.norm2(h + ff(h))
        np.testing.assert_allclose(layer(x).detach().numpy(), expected.detach().numpy(),
                                   atol=1e-12)

    def test_gradcheck(self):
        layer = nn.TransformerEncoderLayer(4, 2, 6, dropout=0.0).double()
        check_module_grads(layer, [t64((3, 1, 4))], ["linear1.weight", "norm1.weight"],
                           gradgrad=False)

    def test_encoder_stacks_copies(self):
        enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2, 6), 2)
        names = [n for n, _ in enc.named_parameters()]
        assert names[0] == "layers.0.self_attn.in_proj_weight" and len(names) == 24
        assert enc.layers[0].linear1.weight is not enc.layers[1].linear1.weight

    def test_bad_activation(self):
        with pytest.raises(RuntimeError, match="activation should be 'relu' or 'gelu'"):
            nn.TransformerEncoderLayer(4, 2, activation="tanh")


# ==================================================== Unflatten, Bilinear
class TestUnflatten:
    def test_shapes(self):
        x = ag.tensor(np.arange(24.0).reshape(2, 12))
        assert nn.Unflatten(1, (3, 4))(x).shape == (2, 3, 4)
        assert nn.Unflatten(-1, (2, -1))(x).shape == (2, 2, 6)
        np.testing.assert_array_equal(nn.Unflatten(1, (3, 4))(x).numpy(),
                                      np.arange(24.0).reshape(2, 3, 4))

    def test_gradcheck(self):
        assert ag.gradcheck(nn.Unflatten(0, (2, 3)), [t64((6, 2))])

    def test_errors(self):
        with pytest.raises(RuntimeError, match=r"sizes \[5, 2\] don't multiply up to the size "
                                               r"of dim 1 \(12\)"):
            nn.Unflatten(1, (5, 2))(ag.zeros(2, 12))
        with pytest.raises(TypeError, match="unflattened_size"):
            nn.Unflatten(1, 12)


class TestBilinear:
    def test_parameters_and_values(self):
        ag.manual_seed(0)
        b = nn.Bilinear(3, 4, 5)
        assert names_shapes(b) == [("weight", (5, 3, 4)), ("bias", (5,))]
        assert np.abs(b.weight.detach().numpy()).max() <= 1 / math.sqrt(3)
        b = b.double()
        x1, x2 = R.standard_normal((2, 6, 3)), R.standard_normal((2, 6, 4))
        W, c = b.weight.detach().numpy(), b.bias.detach().numpy()
        expected = np.einsum("...i,kij,...j->...k", x1, W, x2) + c
        np.testing.assert_allclose(b(ag.tensor(x1), ag.tensor(x2)).detach().numpy(), expected,
                                   atol=1e-12)

    def test_gradcheck(self):
        b = nn.Bilinear(2, 3, 2).double()
        check_module_grads(b, [t64((4, 2)), t64((4, 3))], ["weight", "bias"])

    def test_errors(self):
        b = nn.Bilinear(2, 3, 4)
        with pytest.raises(RuntimeError, match=r"input1 \(\*, 2\) and input2 \(\*, 3\)"):
            b(ag.zeros(4, 2), ag.zeros(4, 2))


# ====================================================== PyTorch as oracle
def to_ours(torch_module):
    return {k: ag.tensor(v.detach().numpy().copy()) for k, v in
            torch_module.state_dict().items()}


def to_torch(module):
    torch = pytest.importorskip("torch")
    return {k: torch.tensor(v.detach().numpy().copy()) for k, v in module.state_dict().items()}


def torch_pair(torch_cls, our_cls, dtype, *args, **kwargs):
    """A torch layer and ours built alike, ours loaded from the torch one's
    state_dict; then the torch one reloaded from ours (both directions)."""
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    tm = torch_cls(*args, **kwargs).to(torch.float64 if dtype == np.float64 else torch.float32)
    ours = our_cls(*args, **kwargs)
    ours = ours.double() if dtype == np.float64 else ours
    assert names_shapes(ours) == [(n, tuple(p.shape)) for n, p in tm.named_parameters()]
    assert list(ours.state_dict()) == list(tm.state_dict())
    ours.load_state_dict(to_ours(tm))
    tm.load_state_dict(to_torch(ours))
    return tm, ours


TOL = {np.float32: dict(rtol=1e-5, atol=1e-6), np.float64: dict(rtol=1e-10, atol=1e-12)}


def compare(tm, ours, inputs, dtype, pick=lambda r: r, **kwargs):
    """Outputs and the gradients of a fixed random projection of the output
    w.r.t. inputs (float ones) and every parameter agree."""
    torch = pytest.importorskip("torch")
    ti = [torch.tensor(a, requires_grad=a.dtype.kind == "f") if isinstance(a, np.ndarray)
          else a for a in inputs]
    oi = [ag.tensor(a, requires_grad=a.dtype.kind == "f") if isinstance(a, np.ndarray)
          else a for a in inputs]
    tk = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    ok = {k: ag.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    tout, oout = pick(tm(*ti, **tk)), pick(ours(*oi, **ok))
    assert oout.dtype == dtype
    np.testing.assert_allclose(oout.detach().numpy(), tout.detach().numpy(), **TOL[dtype])
    proj = np.random.default_rng(1).standard_normal(tout.shape).astype(dtype)
    (tout * torch.tensor(proj)).sum().backward()
    (oout * ag.tensor(proj)).sum().backward()
    for a, b in zip(ti, oi):
        if isinstance(a, torch.Tensor) and a.requires_grad:
            np.testing.assert_allclose(b.grad.numpy(), a.grad.numpy(), **TOL[dtype])
    tparams = dict(tm.named_parameters())
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), tparams[name].grad.numpy(), **TOL[dtype],
                                   err_msg=name)


DTYPES = [np.float32, np.float64]


@pytest.mark.parametrize("dtype", DTYPES)
def test_torch_embedding(dtype):
    torch = pytest.importorskip("torch")
    tm, ours = torch_pair(torch.nn.Embedding, nn.Embedding, dtype, 7, 3, padding_idx=2)
    compare(tm, ours, [np.array([[1, 2, 2], [6, 1, 0]])], dtype)
    tm, ours = torch_pair(torch.nn.Embedding, nn.Embedding, dtype, 7, 3, max_norm=1.0,
                          scale_grad_by_freq=True)
    compare(tm, ours, [np.array([[1, 2, 2], [6, 1, 1]])], dtype)
    np.testing.assert_allclose(ours.weight.detach().numpy(), tm.weight.detach().numpy(),
                               **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
def test_torch_norms(dtype):
    torch = pytest.importorskip("torch")
    x3 = R.standard_normal((2, 3, 4)).astype(dtype)
    x4 = R.standard_normal((2, 4, 3, 3)).astype(dtype)
    for args, kwargs in [(((3, 4),), {}), ((4,), dict(bias=False)), ((4,), dict(eps=1e-3))]:
        tm, ours = torch_pair(torch.nn.LayerNorm, nn.LayerNorm, dtype, *args, **kwargs)
        with torch.no_grad():
            tm.weight.normal_()
        ours.load_state_dict(to_ours(tm))
        compare(tm, ours, [x3], dtype)
    tm, ours = torch_pair(torch.nn.GroupNorm, nn.GroupNorm, dtype, 2, 4)
    compare(tm, ours, [x4], dtype)
    tm, ours = torch_pair(torch.nn.InstanceNorm2d, nn.InstanceNorm2d, dtype, 4, affine=True,
                          track_running_stats=True)
    compare(tm, ours, [x4], dtype)
    for k in ("running_mean", "running_var"):
        np.testing.assert_allclose(getattr(ours, k).numpy(), getattr(tm, k).numpy(),
                                   **TOL[dtype])
    tm.eval(), ours.eval()
    np.testing.assert_allclose(ours(ag.tensor(x4)).detach().numpy(),
                               tm(torch.tensor(x4)).detach().numpy(), **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
def test_torch_sdpa(dtype):
    torch = pytest.importorskip("torch")
    tF = torch.nn.functional
    q = R.standard_normal((2, 2, 4, 3)).astype(dtype)
    k = R.standard_normal((2, 2, 5, 3)).astype(dtype)
    v = R.standard_normal((2, 2, 5, 6)).astype(dtype)
    mask = R.random((4, 5)) > 0.3
    mask[1] = False
    for kw in [{}, dict(is_causal=True), dict(attn_mask=mask), dict(scale=0.7),
               dict(attn_mask=R.standard_normal((2, 1, 4, 5)).astype(dtype))]:
        tq, tk, tv = (torch.tensor(a, requires_grad=True) for a in (q, k, v))
        oq, ok, ov = (ag.tensor(a, requires_grad=True) for a in (q, k, v))
        tkw = {a: torch.tensor(b) if isinstance(b, np.ndarray) else b for a, b in kw.items()}
        okw = {a: ag.tensor(b) if isinstance(b, np.ndarray) else b for a, b in kw.items()}
        t = tF.scaled_dot_product_attention(tq, tk, tv, **tkw)
        o = F.scaled_dot_product_attention(oq, ok, ov, **okw)
        np.testing.assert_allclose(o.detach().numpy(), t.detach().numpy(), **TOL[dtype])
        t.sum().backward()
        o.sum().backward()
        for a, b in ((tq, oq), (tk, ok), (tv, ov)):
            np.testing.assert_allclose(b.grad.numpy(), a.grad.numpy(), **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("batch_first", [False, True])
def test_torch_multihead_attention(dtype, batch_first):
    torch = pytest.importorskip("torch")
    lay = (lambda n, s, e: (n, s, e)) if batch_first else (lambda n, s, e: (s, n, e))
    q = R.standard_normal(lay(2, 4, 6)).astype(dtype)
    k = R.standard_normal(lay(2, 5, 6)).astype(dtype)
    v = R.standard_normal(lay(2, 5, 6)).astype(dtype)
    pad = np.array([[False] * 4 + [True], [False] * 5])
    attn = R.standard_normal((4, 5)).astype(dtype)
    for kwargs in [{}, dict(add_bias_kv=True, add_zero_attn=True), dict(bias=False)]:
        tm, ours = torch_pair(torch.nn.MultiheadAttention, nn.MultiheadAttention, dtype, 6, 3,
                              batch_first=batch_first, **kwargs)
        float_pad = np.where(pad, -np.inf, 0.0).astype(dtype)
        for extra in [dict(key_padding_mask=float_pad, attn_mask=attn),
                      dict(key_padding_mask=pad), dict(need_weights=False)]:
            compare(tm, ours, [q, k, v], dtype, pick=lambda r: r[0], **extra)
            tm.zero_grad(), ours.zero_grad()
        for avg in (True, False):
            tw = tm(*(torch.tensor(a) for a in (q, k, v)), average_attn_weights=avg)[1]
            ow = ours(*(ag.tensor(a) for a in (q, k, v)), average_attn_weights=avg)[1]
            np.testing.assert_allclose(ow.detach().numpy(), tw.detach().numpy(), **TOL[dtype])
    tm, ours = torch_pair(torch.nn.MultiheadAttention, nn.MultiheadAttention, dtype, 6, 2,
                          kdim=3, vdim=4, batch_first=batch_first)
    compare(tm, ours, [q, k[..., :3].copy(), v[..., :4].copy()], dtype, pick=lambda r: r[0])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("activation", ["relu", "gelu"])
def test_torch_transformer_encoder_layer(dtype, norm_first, activation):
    torch = pytest.importorskip("torch")
    tm, ours = torch_pair(torch.nn.TransformerEncoderLayer, nn.TransformerEncoderLayer, dtype,
                          6, 2, 10, activation=activation, norm_first=norm_first,
                          batch_first=True)
    tm.eval(), ours.eval()
    x = R.standard_normal((2, 4, 6)).astype(dtype)
    mask = np.triu(np.full((4, 4), -np.inf, dtype=dtype), 1)
    compare(tm, ours, [x], dtype, src_mask=mask)


@pytest.mark.parametrize("dtype", DTYPES)
def test_torch_bilinear(dtype):
    torch = pytest.importorskip("torch")
    tm, ours = torch_pair(torch.nn.Bilinear, nn.Bilinear, dtype, 3, 2, 4)
    compare(tm, ours, [R.standard_normal((5, 3)).astype(dtype),
                       R.standard_normal((5, 2)).astype(dtype)], dtype)


def test_torch_unflatten():
    torch = pytest.importorskip("torch")
    x = np.arange(24.0).reshape(2, 12)
    np.testing.assert_array_equal(nn.Unflatten(1, (3, -1))(ag.tensor(x)).numpy(),
                                  torch.nn.Unflatten(1, (3, -1))(torch.tensor(x)).numpy())


# ============================================================ RNN family
def np_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def np_cell(kind, x, h, c, Wih, Whh, bih, bhh):
    """One step of each recurrence, from PyTorch's documented equations."""
    gi, gh = x @ Wih.T + bih, h @ Whh.T + bhh
    if kind == "RNN":
        return np.tanh(gi + gh), None
    if kind == "LSTM":
        i, f, g, o = np.split(gi + gh, 4, axis=-1)
        c = np_sigmoid(f) * c + np_sigmoid(i) * np.tanh(g)
        return np_sigmoid(o) * np.tanh(c), c
    (xr, xz, xn), (hr, hz, hn) = np.split(gi, 3, axis=-1), np.split(gh, 3, axis=-1)
    r, z = np_sigmoid(xr + hr), np_sigmoid(xz + hz)
    n = np.tanh(xn + r * hn)
    return (1 - z) * n + z * h, None


class TestRecurrent:
    @pytest.mark.parametrize("kind,gates", [("RNN", 1), ("LSTM", 4), ("GRU", 3)])
    def test_parameter_names_shapes_init(self, kind, gates):
        ag.manual_seed(0)
        m = getattr(nn, kind)(3, 5, num_layers=2, bidirectional=True)
        expected = []
        for layer, fan_in in ((0, 3), (1, 10)):
            for sfx in ("", "_reverse"):
                s = f"_l{layer}{sfx}"
                expected += [("weight_ih" + s, (gates * 5, fan_in)),
                             ("weight_hh" + s, (gates * 5, 5)),
                             ("bias_ih" + s, (gates * 5,)), ("bias_hh" + s, (gates * 5,))]
        assert names_shapes(m) == expected
        bound = 1 / math.sqrt(5)
        assert all(np.abs(p.detach().numpy()).max() <= bound for p in m.parameters())
        cell = getattr(nn, kind + "Cell")(3, 5, bias=False)
        assert names_shapes(cell) == [("weight_ih", (gates * 5, 3)), ("weight_hh", (gates * 5, 5))]

    @pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
    def test_values_follow_the_equations(self, kind):
        m = getattr(nn, kind)(3, 4, batch_first=True).double()
        P = {n: p.detach().numpy() for n, p in m.named_parameters()}
        x = R.standard_normal((2, 5, 3))
        h0 = R.standard_normal((1, 2, 4))
        c0 = R.standard_normal((1, 2, 4))
        hx = (ag.tensor(h0), ag.tensor(c0)) if kind == "LSTM" else ag.tensor(h0)
        out, final = m(ag.tensor(x), hx)
        h, c, outs = h0[0], c0[0], []
        for t in range(5):
            h, c = np_cell(kind, x[:, t], h, c, P["weight_ih_l0"], P["weight_hh_l0"],
                           P["bias_ih_l0"], P["bias_hh_l0"])
            outs.append(h)
        np.testing.assert_allclose(out.detach().numpy(), np.stack(outs, 1), atol=1e-12)
        h_n = final[0] if kind == "LSTM" else final
        np.testing.assert_allclose(h_n.detach().numpy(), h[None], atol=1e-12)
        if kind == "LSTM":
            np.testing.assert_allclose(final[1].detach().numpy(), c[None], atol=1e-12)
        cell = getattr(nn, kind + "Cell")(3, 4).double()
        cell.load_state_dict({k[:-3]: v for k, v in m.state_dict().items()})
        step = cell(ag.tensor(x[:, 0]), (ag.tensor(h0[0]), ag.tensor(c0[0]))
                    if kind == "LSTM" else ag.tensor(h0[0]))
        h1 = step[0] if kind == "LSTM" else step
        np.testing.assert_allclose(h1.detach().numpy(), outs[0], atol=1e-12)

    def test_bidirectional_layout(self):
        m = nn.GRU(2, 3, bidirectional=True).double()
        x = ag.tensor(R.standard_normal((4, 1, 2)))
        out, h_n = m(x)
        assert out.shape == (4, 1, 6) and h_n.shape == (2, 1, 3)
        # forward direction ends at the last step, the reverse one at the first
        np.testing.assert_array_equal(out.detach().numpy()[-1, :, :3], h_n.detach().numpy()[0])
        np.testing.assert_array_equal(out.detach().numpy()[0, :, 3:], h_n.detach().numpy()[1])

    @pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
    def test_gradcheck(self, kind):
        m = getattr(nn, kind)(2, 3, num_layers=2, bidirectional=kind == "GRU").double()
        x = t64((3, 2, 2))
        names = ["weight_ih_l0", "weight_hh_l1", "bias_hh_l0"]
        check_module_grads(m, [x], names, gradgrad=kind == "RNN", out=lambda r: r[0])

    @pytest.mark.parametrize("kind", ["RNNCell", "LSTMCell", "GRUCell"])
    def test_cell_gradgradcheck(self, kind):
        m = getattr(nn, kind)(2, 3).double()
        h = (t64((2, 3)), t64((2, 3))) if kind == "LSTMCell" else t64((2, 3))
        x = t64((2, 2))
        if kind == "LSTMCell":
            fn = lambda x, h, c, w: call_with(m, {"weight_hh": w}, x, (h, c))  # noqa: E731
            inputs = [x, h[0], h[1], t64((12, 3))]
        else:
            fn = lambda x, h, w: call_with(m, {"weight_hh": w}, x, h)  # noqa: E731
            inputs = [x, h, t64((9 if kind == "GRUCell" else 3, 3))]
        assert ag.gradcheck(fn, inputs)
        assert ag.gradgradcheck(fn, inputs)

    def test_errors(self):
        m = nn.LSTM(3, 4)
        with pytest.raises(RuntimeError, match=r"input.size\(-1\) must be equal to input_size; "
                                               r"expected 3, got input of shape \(5, 2, 2\)"):
            m(ag.zeros(5, 2, 2))
        with pytest.raises(RuntimeError, match=r"expected input to be 2-D or 3-D"):
            m(ag.zeros(1, 5, 2, 3))
        with pytest.raises(RuntimeError, match=r"expected h_0 of shape \(1, 2, 4\), got \(1, 3, 4\)"):
            m(ag.zeros(5, 2, 3), (ag.zeros(1, 3, 4), ag.zeros(1, 2, 4)))
        with pytest.raises(TypeError, match=r"hx must be a tuple \(h_0, c_0\)"):
            m(ag.zeros(5, 2, 3), ag.zeros(1, 2, 4))
        with pytest.raises(ValueError, match="unknown nonlinearity 'sigmoid'"):
            nn.RNN(3, 4, nonlinearity="sigmoid")
        with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1"):
            nn.GRU(3, 4, dropout=0.5)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_torch_recurrent(dtype, kind):
    torch = pytest.importorskip("torch")
    for kwargs in [dict(num_layers=2, bidirectional=True), dict(batch_first=True, bias=False)]:
        tm, ours = torch_pair(getattr(torch.nn, kind), getattr(nn, kind), dtype, 3, 4, **kwargs)
        x = R.standard_normal((2, 5, 3)).astype(dtype)
        compare(tm, ours, [x], dtype, pick=lambda r: r[0])
        tm.zero_grad(), ours.zero_grad()
        compare(tm, ours, [x], dtype, pick=lambda r: r[1][1] if kind == "LSTM" else r[1])
    tm, ours = torch_pair(getattr(torch.nn, kind + "Cell"), getattr(nn, kind + "Cell"), dtype,
                          3, 4)
    compare(tm, ours, [R.standard_normal((2, 3)).astype(dtype)], dtype,
            pick=lambda r: r[1] if kind == "LSTM" else r)


# ================================================================= Lazy
class TestLazy:
    def model(self):
        return nn.Sequential(nn.LazyConv2d(4, 3, padding=1), nn.LazyBatchNorm2d(), nn.Flatten(),
                             nn.LazyLinear(2))

    def test_first_call_materializes_in_place_and_becomes_eager(self):
        ag.manual_seed(0)
        m = self.model()
        before = list(m.parameters())
        assert all(isinstance(p, nn.UninitializedParameter) for p in before)
        assert m[3].has_uninitialized_params()
        opt = __import__("optim").SGD(m.parameters(), lr=0.1)   # built before the first call
        out = m(ag.randn(2, 3, 4, 4))
        assert out.shape == (2, 2)
        assert [type(c).__name__ for c in m] == ["Conv2d", "BatchNorm2d", "Flatten", "Linear"]
        assert m[0].in_channels == 3 and m[1].num_features == 4 and m[3].in_features == 64
        after = list(m.parameters())
        assert all(a is b for a, b in zip(before, after)) and len(after) == 6
        assert type(after[0]) is nn.Parameter and after[0].shape == (4, 3, 3, 3)
        assert np.abs(m[3].weight.detach().numpy()).max() <= 1 / math.sqrt(64)
        assert np.all(m[1].weight.detach().numpy() == 1)
        assert m[1].running_var.shape == (4,) and m[1].num_batches_tracked.item() == 1
        out.sum().backward()
        w = m[3].weight.detach().numpy().copy()
        opt.step()
        assert not np.array_equal(m[3].weight.detach().numpy(), w)

    def test_dtype_cast_before_first_call_is_kept(self):
        m = nn.LazyLinear(3).double()
        out = m(ag.randn(2, 5, dtype=np.float64))
        assert out.dtype == np.float64 and m.weight.dtype == np.float64

    def test_load_state_dict_materializes_with_the_loaded_shapes(self):
        src = self.model()
        src(ag.randn(2, 3, 4, 4))
        dst = self.model()
        dst.load_state_dict(src.state_dict())
        assert dst[3].weight.shape == (2, 64) and not dst[3].has_uninitialized_params()
        src.eval(), dst.eval()
        x = ag.randn(2, 3, 4, 4)
        np.testing.assert_array_equal(dst(x).detach().numpy(), src(x).detach().numpy())
        assert type(dst[3]) is nn.Linear

    def test_gradcheck_after_materializing(self):
        m = nn.LazyLinear(2).double()
        x = t64((3, 4))
        m(x)
        check_module_grads(m, [x], ["weight", "bias"])

    def test_errors(self):
        with pytest.raises(RuntimeError, match="LazyLinear: cannot infer in_features"):
            nn.LazyLinear(2)(ag.tensor(1.0))
        m = nn.LazyLinear(2)
        # a load that materialized the weight, then an input of another width
        m.load_state_dict({"weight": np.zeros((2, 3), np.float32),
                           "bias": np.zeros(2, np.float32)})
        with pytest.raises(RuntimeError, match=r"loaded weight has shape \(2, 3\), but the "
                                               r"input implies \(2, 5\)"):
            m(ag.zeros(1, 5))


def test_torch_lazy_state_dicts_move_both_ways():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    tm = torch.nn.Sequential(torch.nn.LazyConv2d(4, 3), torch.nn.LazyBatchNorm2d(),
                             torch.nn.Flatten(), torch.nn.LazyLinear(2))
    x = R.standard_normal((2, 3, 5, 5)).astype(np.float32)
    tm(torch.tensor(x))
    ours = nn.Sequential(nn.LazyConv2d(4, 3), nn.LazyBatchNorm2d(), nn.Flatten(),
                         nn.LazyLinear(2))
    ours.load_state_dict(to_ours(tm))
    tm.eval(), ours.eval()
    np.testing.assert_allclose(ours(ag.tensor(x)).detach().numpy(),
                               tm(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-6)
    back = torch.nn.Sequential(torch.nn.LazyConv2d(4, 3), torch.nn.LazyBatchNorm2d(),
                               torch.nn.Flatten(), torch.nn.LazyLinear(2))
    back.load_state_dict(to_torch(ours))
    back.eval()
    np.testing.assert_allclose(back(torch.tensor(x)).detach().numpy(),
                               tm(torch.tensor(x)).detach().numpy(), rtol=1e-6, atol=1e-7)

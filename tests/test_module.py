"""Module system: Parameter, registration, walking and dotted names, modes,
dtype casts, state dicts, repr, and the containers."""
import copy
import pickle
from collections import OrderedDict

import numpy as np
import pytest

import autograd as ag
import nn
from nn import Module, ModuleDict, ModuleList, Parameter, Sequential


class Affine(Module):
    """A Linear stand-in: weight (out, in), optional bias, a running buffer."""

    def __init__(self, n_in, n_out, bias=True):
        super().__init__()
        self.in_features, self.out_features = n_in, n_out
        self.weight = Parameter(ag.randn(n_out, n_in))
        if bias:
            self.bias = Parameter(ag.randn(n_out))
        else:
            self.register_parameter("bias", None)
        self.register_buffer("seen", ag.zeros(n_out))

    def forward(self, x):
        y = x @ self.weight.T
        return y if self.bias is None else y + self.bias

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}"


class Relu(Module):
    def forward(self, x):
        return x.relu()


class Net(Module):
    """Nested structure: Sequential inside, ModuleList, a direct parameter."""

    def __init__(self):
        super().__init__()
        self.features = Sequential(Affine(4, 5), Relu(), Affine(5, 5), Relu())
        self.heads = ModuleList([Affine(5, 2), Affine(5, 3, bias=False)])
        self.scale = Parameter(ag.ones(1))

    def forward(self, x):
        h = self.features(x)
        return [head(h) * self.scale for head in self.heads]


NET_PARAM_NAMES = ["scale", "features.0.weight", "features.0.bias", "features.2.weight",
                   "features.2.bias", "heads.0.weight", "heads.0.bias", "heads.1.weight"]


def values(model):
    return {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}


# ------------------------------------------------------------- Parameter
def test_parameter_is_a_leaf_tensor_requiring_grad_sharing_data():
    t = ag.randn(2, 3)
    p = Parameter(t)
    assert isinstance(p, ag.Tensor) and p.requires_grad and p.is_leaf
    assert p._data is t._data and p._vc is t._vc
    q = Parameter(np.zeros(3))
    assert q.dtype == np.float64 and q.requires_grad
    assert Parameter([1.0, 2.0]).dtype == np.float32
    assert not Parameter(ag.zeros(2), requires_grad=False).requires_grad


def test_parameter_works_in_ops_and_gets_grad():
    p = Parameter(ag.tensor([1.0, -2.0, 3.0]))
    y = (p * p).sum() + p.exp().mean()
    assert type(y) is ag.Tensor
    y.backward()
    np.testing.assert_allclose(p.grad.data, 2 * p.data + np.exp(p.data) / 3, rtol=1e-6)


def test_parameter_rejects_integer_data_and_reprs_like_pytorch():
    with pytest.raises(TypeError, match="floating-point"):
        Parameter(np.arange(3))
    r = repr(Parameter(ag.tensor([1.0, 2.0])))
    assert r.startswith("Parameter containing:\ntensor([1., 2.]") and "requires_grad=True" in r


def test_parameter_survives_deepcopy_and_pickle():
    p = Parameter(ag.randn(2, 2))
    for c in (copy.deepcopy(p), pickle.loads(pickle.dumps(p))):
        assert type(c) is Parameter and c.requires_grad
        np.testing.assert_array_equal(c.data, p.data)
        assert c.data is not p.data


# ---------------------------------------------------------- registration
def test_setting_attributes_registers_in_order():
    m = Affine(3, 2)
    assert list(m._parameters) == ["weight", "bias"]
    assert list(m._buffers) == ["seen"]
    assert "weight" not in m.__dict__
    m.extra = ag.zeros(2)  # a plain tensor is a plain attribute
    assert "extra" not in m._parameters and m.extra is m.__dict__["extra"]


def test_none_keeps_the_slot_and_plain_tensor_is_refused_by_name():
    m = Affine(3, 2)
    m.bias = None
    assert "bias" in m._parameters and m.bias is None
    assert [n for n, _ in m.named_parameters()] == ["weight"]
    assert "bias" not in m.state_dict()
    with pytest.raises(TypeError, match="'weight'"):
        m.weight = ag.zeros(2, 3)
    assert isinstance(m.weight, Parameter)
    m.bias = Parameter(ag.zeros(2))
    assert [n for n, _ in m.named_parameters()] == ["weight", "bias"]


def test_deleting_and_reassigning_kinds():
    m = Net()
    del m.scale
    assert "scale" not in m._parameters
    with pytest.raises(AttributeError, match="scale"):
        m.scale
    del m.heads
    assert "heads" not in dict(m.named_children())
    m.features = None
    assert "features" in m._modules and m.features is None
    assert list(m.parameters()) == []
    with pytest.raises(TypeError, match="'features'"):
        m.features = 3


def test_assigning_before_init_explains():
    class Bad(Module):
        def __init__(self):
            self.w = Parameter(ag.zeros(1))
            super().__init__()

    with pytest.raises(AttributeError, match="before Module.__init__"):
        Bad()


def test_register_buffer_rules_and_non_persistent():
    m = Module()
    m.register_buffer("a", ag.ones(2))
    m.register_buffer("b", ag.ones(3), persistent=False)
    assert [n for n, _ in m.named_buffers()] == ["a", "b"]
    assert list(m.state_dict()) == ["a"]
    m.a = ag.zeros(2)  # updating a registered buffer by assignment
    assert m._buffers["a"].data.sum() == 0
    with pytest.raises(TypeError, match="buffer 'a'"):
        m.a = np.zeros(2)
    with pytest.raises(TypeError):
        m.register_buffer("c", np.zeros(2))
    with pytest.raises(KeyError, match="'.'"):
        m.register_buffer("x.y", ag.ones(1))
    with pytest.raises(KeyError, match="already exists"):
        m.register_buffer("forward", ag.ones(1))


def test_register_parameter_refuses_non_leaves_and_plain_tensors():
    m = Module()
    with pytest.raises(TypeError, match="'w'"):
        m.register_parameter("w", ag.zeros(2))
    x = Parameter(ag.ones(2))
    with pytest.raises(ValueError, match="non-leaf"):
        m.register_parameter("w", _nonleaf_param(x))


def _nonleaf_param(x):
    """A Parameter object that carries history, which register must refuse."""
    y = x * 2
    p = Parameter(y)
    p._grad_fn = y.grad_fn
    return p


def test_add_module_and_register_module_are_the_same():
    m = Module()
    m.add_module("a", Relu())
    m.register_module("b", Relu())
    assert [n for n, _ in m.named_children()] == ["a", "b"]
    with pytest.raises(TypeError, match="not a Module"):
        m.add_module("c", 3)


def test_getattr_and_dir_show_registered_names():
    m = Affine(2, 2)
    assert m.weight is m._parameters["weight"] and m.seen is m._buffers["seen"]
    assert {"weight", "bias", "seen"} <= set(dir(m))
    with pytest.raises(AttributeError, match="'Affine' object has no attribute 'nope'"):
        m.nope


def test_call_runs_forward_and_base_forward_is_an_error():
    m = Affine(3, 2)
    x = ag.randn(4, 3)
    np.testing.assert_allclose(m(x).data, x.data @ m.weight.data.T + m.bias.data, rtol=1e-6)
    with pytest.raises(NotImplementedError, match="Module.*forward"):
        Module()(x)


# ------------------------------------------------------------- walking
def test_named_parameters_dotted_names():
    net = Net()
    assert [n for n, _ in net.named_parameters()] == NET_PARAM_NAMES
    assert [n for n, _ in net.named_parameters(prefix="model")] == [
        "model." + n for n in NET_PARAM_NAMES]
    assert [n for n, _ in net.named_parameters(recurse=False)] == ["scale"]
    assert [n for n, _ in net.named_buffers()] == [
        "features.0.seen", "features.2.seen", "heads.0.seen", "heads.1.seen"]


def test_named_modules_and_children():
    net = Net()
    names = [n for n, _ in net.named_modules()]
    assert names == ["", "features", "features.0", "features.1", "features.2", "features.3",
                     "heads", "heads.0", "heads.1"]
    assert [n for n, _ in net.named_children()] == ["features", "heads"]
    assert len(list(net.modules())) == 9
    assert net.get_submodule("features.2") is net.features[2]


def test_shared_parameters_and_modules_are_listed_once():
    shared = Affine(3, 3)
    seq = Sequential(shared, Relu(), shared)
    assert [n for n, _ in seq.named_parameters()] == ["0.weight", "0.bias"]
    assert len(list(seq.modules())) == 3
    tied = Sequential(Affine(3, 3), Affine(3, 3))
    tied[1].weight = tied[0].weight
    assert [n for n, _ in tied.named_parameters()] == ["0.weight", "0.bias", "1.bias"]
    assert tied.num_parameters() == 9 + 3 + 3
    # state_dict lists a shared tensor under every name, as PyTorch does
    assert list(tied.state_dict()) == ["0.weight", "0.bias", "0.seen", "1.weight", "1.bias",
                                       "1.seen"]


def test_names_match_pytorch():
    torch = pytest.importorskip("torch")
    tnn = torch.nn

    class TNet(tnn.Module):
        def __init__(self):
            super().__init__()
            self.features = tnn.Sequential(tnn.Linear(4, 5), tnn.ReLU(), tnn.Linear(5, 5),
                                           tnn.ReLU())
            self.heads = tnn.ModuleList([tnn.Linear(5, 2), tnn.Linear(5, 3, bias=False)])
            self.scale = tnn.Parameter(torch.ones(1))

    t = TNet()
    ours = Net()
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert [n for n, p in ours.named_parameters()] == NET_PARAM_NAMES
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in t.named_modules()]
    tseq = tnn.Sequential(OrderedDict(conv=tnn.Linear(2, 2), act=tnn.ReLU()))
    oseq = Sequential(OrderedDict(conv=Affine(2, 2), act=Relu()))
    assert [n for n, _ in oseq.named_parameters()] == [n for n, _ in tseq.named_parameters()]


# --------------------------------------------------------------- modes
def test_train_eval_recurse():
    net = Net()
    assert net.eval() is net
    assert all(not m.training for m in net.modules())
    net.features.train()
    assert net.features[1].training and not net.heads[0].training and not net.training
    net.train()
    assert all(m.training for m in net.modules())
    with pytest.raises(ValueError):
        net.train("yes")


def test_zero_grad_set_to_none_and_zeroing():
    net = Net()
    x = ag.randn(6, 4)
    sum(o.sum() for o in net(x)).backward()
    grads = [p.grad for p in net.parameters()]
    assert all(g is not None and np.any(g.data != 0) for g in grads)
    net.zero_grad(set_to_none=False)
    assert all(p.grad is g and not np.any(g.data) for p, g in zip(net.parameters(), grads))
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_requires_grad_freezes_and_apply_visits_children_first():
    net = Net()
    net.features.requires_grad_(False)
    assert not net.features[0].weight.requires_grad and net.heads[0].weight.requires_grad
    assert net.num_parameters(trainable_only=True) < net.num_parameters()
    order = []
    net.apply(lambda m: order.append(type(m).__name__))
    assert order[-1] == "Net" and order.index("Sequential") > order.index("Affine")


# --------------------------------------------------------------- dtypes
def test_to_float64_keeps_identity_and_casts_buffers_and_grads():
    net = Net()
    params = list(net.parameters())
    sum(o.sum() for o in net(ag.randn(2, 4))).backward()
    assert net.to(np.float64) is net
    assert [id(p) for p in net.parameters()] == [id(p) for p in params]
    assert all(p.dtype == np.float64 and p.grad.dtype == np.float64 for p in params)
    assert all(b.dtype == np.float64 for b in net.buffers())
    out = net(ag.randn(2, 4, dtype=np.float64))
    assert out[0].dtype == np.float64
    net.float()
    assert all(p.dtype == np.float32 for p in params)
    net.to("double")
    assert params[0].dtype == np.float64
    net.to("float")  # PyTorch's 'float' is float32
    assert params[0].dtype == np.float32
    net.to(ag.float64)
    assert params[0].dtype == np.float64


def test_to_leaves_integer_buffers_and_rejects_non_float_targets():
    m = Affine(2, 2)
    m.register_buffer("count", ag.tensor(0))
    m.double()
    assert m.count.dtype == np.int64 and m.weight.dtype == np.float64
    with pytest.raises(TypeError, match="floating-point"):
        m.to(np.int32)
    assert m.to("cpu") is m and m.to(device="cpu") is m and m.cpu() is m
    with pytest.raises(ValueError, match="CPU only"):
        m.to("cuda")


def test_to_double_makes_a_model_gradcheckable():
    m = Affine(3, 2).double()
    x = ag.randn(4, 3, dtype=np.float64, requires_grad=True)
    assert ag.gradcheck(lambda x, w, b: x @ w.T + b, (x, m.weight, m.bias))


# ----------------------------------------------------------- state dicts
def test_state_dict_names_detached_and_sharing():
    net = Net()
    sd = net.state_dict()
    assert isinstance(sd, OrderedDict)
    assert list(sd) == ["scale", "features.0.weight", "features.0.bias", "features.0.seen",
                        "features.2.weight", "features.2.bias", "features.2.seen",
                        "heads.0.weight", "heads.0.bias", "heads.0.seen",
                        "heads.1.weight", "heads.1.seen"]
    assert all(type(v) is ag.Tensor and not v.requires_grad for v in sd.values())
    assert sd["scale"]._data is net.scale._data
    assert net.state_dict(keep_vars=True)["scale"] is net.scale


def test_state_dict_round_trip_into_a_fresh_model():
    src, dst = Net(), Net()
    before_ids = [id(p) for p in dst.parameters()]
    result = dst.load_state_dict(src.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    for k, v in values(src).items():
        np.testing.assert_array_equal(dst.state_dict()[k].data, v)
    assert [id(p) for p in dst.parameters()] == before_ids
    x = ag.randn(3, 4)
    np.testing.assert_allclose(dst(x)[0].data, src(x)[0].data)


def test_load_accepts_numpy_arrays_casts_dtype_copies_and_bumps_version():
    src, dst = Net(), Net()
    arrays = {k: v.data.astype(np.float64) for k, v in src.state_dict().items()}
    w = dst.features[0].weight
    version = w._vc[0]
    dst.load_state_dict(arrays)
    assert w.dtype == np.float32 and w._vc[0] > version
    np.testing.assert_allclose(w.data, arrays["features.0.weight"], rtol=1e-6)
    arrays["features.0.weight"][:] = 0  # the model owns a copy
    assert np.any(w.data != 0)


def test_load_state_dict_reports_every_problem_and_changes_nothing():
    net = Net()
    before = values(net)
    sd = net.state_dict()
    bad = OrderedDict((k, v.detach().numpy().copy() + 1) for k, v in sd.items())
    del bad["heads.0.bias"]
    del bad["scale"]
    bad["heads.2.weight"] = np.zeros((2, 2))
    bad["features.0.weight"] = np.zeros((4, 5))
    bad["features.2.bias"] = np.zeros(7)
    with pytest.raises(RuntimeError) as err:
        net.load_state_dict(bad)
    msg = str(err.value)
    for name in ("heads.0.bias", "scale", "heads.2.weight", "features.0.weight",
                 "features.2.bias"):
        assert name in msg
    assert "missing" in msg and "unexpected" in msg and "(4, 5)" in msg and "(5, 4)" in msg
    for k, v in values(net).items():
        np.testing.assert_array_equal(v, before[k])


def test_load_state_dict_non_strict_returns_keys_but_shapes_still_fail():
    net = Net()
    sd = {k: v.data + 1 for k, v in net.state_dict().items()}
    del sd["scale"]
    sd["extra"] = np.zeros(1)
    result = net.load_state_dict(sd, strict=False)
    assert result == (["scale"], ["extra"])
    assert result.missing_keys == ["scale"] and result.unexpected_keys == ["extra"]
    np.testing.assert_array_equal(net.features[0].weight.data, sd["features.0.weight"])
    with pytest.raises(RuntimeError, match="shape mismatch"):
        net.load_state_dict({"features.0.weight": np.zeros((1, 1))}, strict=False)
    with pytest.raises(RuntimeError, match="missing"):
        net.load_state_dict(sd)  # strict by default


def test_load_reports_unconvertible_values():
    m = Affine(2, 2)
    sd = m.state_dict()
    sd["bias"] = "not a number"
    with pytest.raises(RuntimeError, match="'bias'"):
        m.load_state_dict(sd)


def test_loading_own_state_dict_is_a_no_op():
    net = Net()
    before = values(net)
    net.load_state_dict(net.state_dict())
    for k, v in values(net).items():
        np.testing.assert_array_equal(v, before[k])


def test_deepcopy_and_pickle_of_a_model():
    net = Net()
    for c in (copy.deepcopy(net), pickle.loads(pickle.dumps(net))):
        assert [n for n, _ in c.named_parameters()] == NET_PARAM_NAMES
        assert c.features[0].weight is not net.features[0].weight
        x = ag.randn(2, 4)
        np.testing.assert_allclose(c(x)[1].data, net(x)[1].data)


# ----------------------------------------------------------------- repr
def test_repr_tree_like_pytorch_with_parameter_count():
    net = Net()
    expected = (
        "Net(\n"
        "  (features): Sequential(\n"
        "    (0): Affine(in_features=4, out_features=5)\n"
        "    (1): Relu()\n"
        "    (2): Affine(in_features=5, out_features=5)\n"
        "    (3): Relu()\n"
        "  )\n"
        "  (heads): ModuleList(\n"
        "    (0): Affine(in_features=5, out_features=2)\n"
        "    (1): Affine(in_features=5, out_features=3)\n"
        "  )\n"
        ")\n"
        f"# parameters: {net.num_parameters():,}")
    assert repr(net) == expected
    assert net.num_parameters() == 1 + 25 + 30 + 12 + 15
    assert repr(net.features[0]) == "Affine(in_features=4, out_features=5)"
    assert repr(Relu()) == "Relu()"


def test_repr_large_counts_are_grouped_and_frozen_counts_shown():
    big = Sequential(Affine(784, 256), Relu(), Affine(256, 10))
    assert repr(big).endswith("# parameters: 203,530")
    big[0].requires_grad_(False)
    assert repr(big).endswith("# parameters: 203,530 (2,570 trainable)")


def test_multiline_extra_repr_is_indented():
    class Two(Module):
        def extra_repr(self):
            return "a=1\nb=2"

    assert repr(Sequential(Two())) == "Sequential(\n  (0): Two(\n    a=1\n    b=2\n  )\n)"


# ----------------------------------------------------------- containers
def test_sequential_runs_in_order_and_indexes():
    a, r, b = Affine(3, 4), Relu(), Affine(4, 2)
    seq = Sequential(a, r, b)
    x = ag.randn(5, 3)
    np.testing.assert_allclose(seq(x).data, b(r(a(x))).data)
    assert len(seq) == 3 and list(seq) == [a, r, b]
    assert seq[0] is a and seq[-1] is b and seq[-3] is a
    sub = seq[1:]
    assert isinstance(sub, Sequential) and list(sub) == [r, b]
    assert [n for n, _ in sub.named_parameters()] == ["2.weight", "2.bias"]  # keys kept
    with pytest.raises(IndexError, match="length 3"):
        seq[3]
    with pytest.raises(TypeError):
        seq["0"]


def test_sequential_from_ordered_dict_append_set_delete():
    seq = Sequential(OrderedDict([("fc", Affine(2, 3)), ("act", Relu())]))
    assert [n for n, _ in seq.named_children()] == ["fc", "act"]
    assert seq.fc is seq[0]
    seq.append(Affine(3, 1))
    assert [n for n, _ in seq.named_children()] == ["fc", "act", "2"]
    new = Relu()
    seq[1] = new
    assert seq.act is new
    del seq[0]
    assert [n for n, _ in seq.named_children()] == ["0", "1"]
    assert seq[0] is new


def test_module_list_api():
    a, b, c = Affine(1, 1), Affine(1, 2), Affine(1, 3)
    ml = ModuleList([a])
    ml.append(b)
    ml.extend([c])
    assert list(ml) == [a, b, c] and len(ml) == 3 and ml[-1] is c
    d = Relu()
    ml.insert(1, d)
    assert list(ml) == [a, d, b, c]
    assert [n for n, _ in ml.named_children()] == ["0", "1", "2", "3"]
    assert isinstance(ml[1:3], ModuleList) and list(ml[1:3]) == [d, b]
    del ml[1]
    assert list(ml) == [a, b, c]
    assert [n for n, _ in ml.named_parameters()][-1] == "2.bias"
    ml += [Relu()]
    assert len(ml) == 4
    with pytest.raises(NotImplementedError):
        ml(ag.zeros(1))


def test_module_dict_api():
    a, b = Affine(1, 1), Relu()
    md = ModuleDict({"enc": a})
    md["act"] = b
    md.update([("dec", Affine(1, 2))])
    assert list(md) == ["enc", "act", "dec"] and len(md) == 3
    assert "enc" in md and md["act"] is b
    assert [n for n, _ in md.named_parameters()] == ["enc.weight", "enc.bias", "dec.weight",
                                                     "dec.bias"]
    assert md.pop("enc") is a and list(md.keys()) == ["act", "dec"]
    with pytest.raises(KeyError, match="enc"):
        md["enc"]
    del md["act"]
    assert list(md.values())[0] is md["dec"]
    md.clear()
    assert len(md) == 0


def test_exports():
    assert nn.Module is Module and nn.init.kaiming_uniform_ and nn.utils.clip_grad_norm_

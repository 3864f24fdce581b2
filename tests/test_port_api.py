"""Issue 11, small API gaps: ``Tensor.new_*``, ``__version__``, print
options, threads, legacy tensor types and ``Tensor.type``, ``Generator``,
and ``device=``/``dtype=`` on every layer constructor -- each as PyTorch
2.13 behaves.  The core of each test stands without PyTorch; the ``torch``
tests at the end compare with it when it is installed."""
import inspect
import math
import pickle
import re
import warnings

import numpy as np
import pytest

import chainrule as torch
from chainrule import nn
from autograd.errors import ArgumentError, DeviceError, ShapeError
from autograd.utils.data import DataLoader, TensorDataset, random_split


# ------------------------------------------------------------------ new_*
def test_new_factories_take_self_dtype_and_both_size_forms():
    x = torch.ones(2, dtype=torch.float64)
    for t in (x.new_zeros(2, 3), x.new_zeros((2, 3)), x.new_zeros([2, 3]),
              x.new_zeros(torch.Size([2, 3]))):
        assert t.shape == (2, 3) and t.dtype == np.float64
        assert np.array_equal(t.numpy(), np.zeros((2, 3)))
    assert np.array_equal(x.new_ones(3).numpy(), np.ones(3))
    assert x.new_empty(0).shape == (0,) and x.new_empty(0).dtype == np.float64
    assert x.new_zeros(()).shape == ()
    full = x.new_full((2,), 3)  # the fill value's type does not decide the dtype
    assert full.dtype == np.float64 and full.tolist() == [3.0, 3.0]
    assert x.new_full((1,), True).tolist() == [1.0]
    i = torch.ones(2, dtype=torch.int64)
    assert i.new_zeros(2).dtype == np.int64
    assert i.new_zeros(2, dtype=torch.float32).dtype == np.float32


def test_new_factories_requires_grad_and_no_sharing():
    x = torch.ones(2, requires_grad=True)
    assert not x.new_zeros(2).requires_grad
    z = x.new_zeros(2, requires_grad=True)
    assert z.requires_grad and z.is_leaf and z.grad_fn is None
    with pytest.raises(TypeError):
        torch.ones(2, dtype=torch.int64).new_zeros(2, requires_grad=True)


def test_new_tensor_copies_detaches_in_self_dtype():
    x = torch.ones(2, dtype=torch.float64)
    t = x.new_tensor([0.1, 2])
    assert t.dtype == np.float64 and t.tolist() == [0.1, 2.0]  # no float32 rounding
    with pytest.warns(UserWarning):
        assert x.new_tensor(torch.tensor([1, 2])).dtype == np.float64
    assert x.new_tensor([1, 2], dtype=torch.int64).dtype == np.int64
    src = torch.tensor([1.0, 2.0], requires_grad=True)
    with pytest.warns(UserWarning, match="detach"):
        c = src.new_tensor(src)
    assert not c.requires_grad and c.grad_fn is None
    c.add_(1)  # a copy: the source is untouched
    assert src.tolist() == [1.0, 2.0]
    arr = np.array([1.0, 2.0], dtype=np.float32)
    t = src.new_tensor(arr)
    arr[0] = 9
    assert t.tolist() == [1.0, 2.0]


def test_new_factories_refuse_clearly():
    x = torch.ones(2)
    with pytest.raises(TypeError, match="new_zeros.*size"):
        x.new_zeros()
    with pytest.raises(ShapeError, match="new_ones"):
        x.new_ones(-1)
    with pytest.raises(DeviceError, match="cuda"):
        x.new_zeros(2, device="cuda")
    with pytest.raises(DeviceError, match="cuda:1"):
        x.new_tensor([1.0], device="cuda:1")
    assert x.new_zeros(2, device="cpu").shape == (2,)
    assert x.new_ones(2, device=torch.device("cpu")).shape == (2,)


# --------------------------------------------------------------- version
def test_version_is_the_package_version():
    import importlib.metadata
    text = open(__file__.rsplit("/tests/", 1)[0] + "/pyproject.toml").read()
    declared = re.search(r'^version = "([^"]+)"', text, re.M).group(1)
    assert torch.__version__ == declared
    try:
        assert torch.__version__ == importlib.metadata.version("chainrule")
    except importlib.metadata.PackageNotFoundError:
        pass


def test_version_falls_back_to_the_checkout(monkeypatch):
    import importlib.metadata
    from chainrule import _runtime

    def missing(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", missing)
    assert _runtime.package_version() == torch.__version__
    monkeypatch.setattr(_runtime.os.path, "join", lambda *a: "/nonexistent/pyproject.toml")
    assert _runtime.package_version() == "0+unknown"


# ---------------------------------------------------------- print options
@pytest.fixture
def printopts():
    yield
    torch.set_printoptions(profile="default")


def test_printoptions_defaults_are_pytorchs():
    assert torch.get_printoptions() == {"precision": 4, "threshold": 1000, "edgeitems": 3,
                                        "linewidth": 80, "sci_mode": None}


def test_precision_changes_repr(printopts):
    t = torch.tensor([1.23456, 2.0])
    assert repr(t) == "tensor([1.2346, 2.0000])"
    torch.set_printoptions(precision=2)
    assert repr(t) == "tensor([1.23, 2.00])"
    torch.set_printoptions(profile="default")
    assert repr(t) == "tensor([1.2346, 2.0000])"


def test_threshold_and_edgeitems_summarize(printopts):
    t = torch.arange(10.0)
    assert "..." not in repr(t)
    torch.set_printoptions(threshold=5)
    assert repr(t) == "tensor([0., 1., 2., ..., 7., 8., 9.])"
    torch.set_printoptions(threshold=5, edgeitems=1)
    assert repr(t) == "tensor([0., ..., 9.])"
    torch.set_printoptions(profile="full")
    assert "..." not in repr(torch.arange(5000.0))
    assert torch.get_printoptions()["threshold"] == math.inf


def test_sci_mode_and_linewidth(printopts):
    t = torch.tensor([1.23456, 2.0])
    torch.set_printoptions(sci_mode=True)
    assert repr(t) == "tensor([1.2346e+00, 2.0000e+00])"
    torch.set_printoptions(sci_mode=False)
    assert "e+" not in repr(torch.tensor([1e-5, 1e9], dtype=torch.float64))
    torch.set_printoptions(precision=3)  # every call sets sci_mode (None here), as PyTorch
    assert torch.get_printoptions()["sci_mode"] is None
    torch.set_printoptions(linewidth=30)
    assert max(len(line) for line in repr(torch.arange(20.0)).splitlines()) <= 30


def test_short_profile_and_override(printopts):
    torch.set_printoptions(profile="short")
    assert torch.get_printoptions() == {"precision": 2, "threshold": 1000, "edgeitems": 2,
                                        "linewidth": 80, "sci_mode": None}
    torch.set_printoptions(profile="default", precision=6)
    assert torch.get_printoptions()["precision"] == 6


def test_bad_printoptions_change_nothing(printopts):
    before = torch.get_printoptions()
    with pytest.raises(ValueError, match="profile.*'fulll'"):
        torch.set_printoptions(profile="fulll", precision=2)
    with pytest.raises(TypeError, match="precision"):
        torch.set_printoptions(precision=-1)
    with pytest.raises(TypeError, match="sci_mode"):
        torch.set_printoptions(precision=2, sci_mode="yes")
    assert torch.get_printoptions() == before


# --------------------------------------------------------------- threads
def test_num_threads_applied_with_threadpoolctl():
    tpc = pytest.importorskip("threadpoolctl")
    from chainrule import _runtime
    if not _runtime._blas_threads(tpc):
        pytest.skip("threadpoolctl sees no BLAS in this NumPy")
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        assert torch.get_num_threads() == 1
        assert all(n == 1 for n in _runtime._blas_threads(tpc))  # really applied
    finally:
        tpc.threadpool_limits(limits=before, user_api="blas")


def test_num_threads_without_threadpoolctl_is_recorded_and_says_so(monkeypatch):
    from chainrule import _runtime
    monkeypatch.setattr(_runtime, "_threadpoolctl", lambda: None)
    monkeypatch.setattr(_runtime, "_requested", [None])
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert torch.get_num_threads() == 3
    with pytest.warns(RuntimeWarning, match="not applied"):
        torch.set_num_threads(5)
    assert torch.get_num_threads() == 5


def test_num_threads_refuses_bad_counts():
    with pytest.raises(ValueError, match="positive"):
        torch.set_num_threads(0)
    with pytest.raises(TypeError, match="int"):
        torch.set_num_threads(1.5)


def test_is_tensor_and_numel():
    assert torch.is_tensor(torch.ones(2)) and torch.is_tensor(nn.Parameter(torch.ones(1)))
    assert not torch.is_tensor([1.0])
    assert torch.numel(torch.ones(2, 3)) == 6


# ------------------------------------------------------------ legacy types
def test_legacy_constructors_from_sizes_and_data():
    t = torch.FloatTensor(2, 3)
    assert type(t) is torch.Tensor and t.shape == (2, 3) and t.dtype == np.float32
    assert torch.FloatTensor().shape == (0,)
    assert torch.FloatTensor(torch.Size([2])).shape == (2,)
    assert torch.FloatTensor((2, 3)).tolist() == [2.0, 3.0]  # a tuple is data
    assert torch.DoubleTensor([0.1]).dtype == np.float64
    assert torch.DoubleTensor([0.1]).tolist() == [0.1]
    assert torch.LongTensor([1.5, 2.7]).tolist() == [1, 2]  # truncated, as PyTorch
    assert torch.IntTensor([1]).dtype == np.int32
    assert torch.BoolTensor([1, 0]).tolist() == [True, False]
    assert torch.ByteTensor([1, 2]).dtype == np.uint8
    assert torch.FloatTensor(np.array([1, 2])).tolist() == [1.0, 2.0]
    assert torch.FloatTensor(2, device="cpu").shape == (2,)


def test_legacy_constructor_of_a_tensor_shares_memory():
    a = torch.tensor([1.0, 2.0])
    b = torch.FloatTensor(a)
    b.add_(1)
    assert a.tolist() == [2.0, 3.0]
    with pytest.raises(TypeError, match="float32.*int64"):
        torch.FloatTensor(torch.tensor([1, 2]))


def test_legacy_constructors_refuse_clearly():
    with pytest.raises(TypeError, match="sequence.*float"):
        torch.FloatTensor(2.5)
    with pytest.raises(TypeError, match="FloatTensor"):
        torch.FloatTensor([1], [2])
    with pytest.raises(ShapeError, match="FloatTensor"):
        torch.FloatTensor(-1)
    with pytest.raises(DeviceError, match="cuda"):
        torch.FloatTensor(2, device="cuda")
    with pytest.raises(TypeError):
        torch.FloatTensor([1.0], dtype=torch.float64)


def test_legacy_isinstance_checks_dtype():
    assert isinstance(torch.ones(2), torch.FloatTensor)
    assert not isinstance(torch.ones(2, dtype=torch.float64), torch.FloatTensor)
    assert isinstance(torch.ones(2, dtype=torch.float64), torch.DoubleTensor)
    assert isinstance(torch.tensor([1]), torch.LongTensor)
    assert isinstance(nn.Parameter(torch.ones(1)), torch.FloatTensor)
    assert not isinstance(np.ones(2, np.float32), torch.FloatTensor)
    assert not issubclass(torch.FloatTensor, torch.Tensor)  # as in PyTorch
    assert torch.FloatTensor.dtype == torch.float32


def test_type_string_and_casts():
    x = torch.ones(2)
    assert x.type() == "torch.FloatTensor"
    assert [torch.ones(1, dtype=d).type() for d in (
        torch.float64, torch.float16, torch.int64, torch.int32, torch.int16, torch.int8,
        torch.uint8, torch.bool)] == [
        "torch.DoubleTensor", "torch.HalfTensor", "torch.LongTensor", "torch.IntTensor",
        "torch.ShortTensor", "torch.CharTensor", "torch.ByteTensor", "torch.BoolTensor"]
    assert x.type(torch.float64).dtype == np.float64
    assert x.type("torch.DoubleTensor").dtype == np.float64
    assert x.type("chainrule.DoubleTensor").dtype == np.float64
    assert x.type(torch.LongTensor).dtype == np.int64
    assert x.type(torch.float32) is x and x.type("torch.FloatTensor") is x


def test_type_cast_is_differentiable():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    x.type(torch.DoubleTensor).sum().backward()
    assert x.grad.dtype == np.float32 and x.grad.tolist() == [1.0, 1.0]


def test_type_refuses_clearly():
    x = torch.ones(2)
    with pytest.raises(ValueError, match="invalid type: 'float64'"):
        x.type("float64")
    with pytest.raises(DeviceError, match="CUDA"):
        x.type("torch.cuda.FloatTensor")
    with pytest.raises(TypeError):
        x.type(5)
    assert x.dtype == np.float32


# -------------------------------------------------------------- Generator
def test_same_seed_same_numbers_independent_of_the_global_stream():
    g = torch.Generator().manual_seed(7)
    a = torch.randn(5, generator=g)
    torch.manual_seed(0)
    torch.randn(100)  # the global stream moves; a private one does not care
    b = torch.randn(5, generator=torch.Generator().manual_seed(7))
    assert np.array_equal(a.numpy(), b.numpy())
    torch.manual_seed(3)
    expect = torch.randn(4).numpy()
    torch.manual_seed(3)
    torch.randn(2, generator=g)  # a private draw leaves the global stream alone
    assert np.array_equal(torch.randn(4).numpy(), expect)


def test_generator_keyword_on_random_factories():
    def draws(g):
        return [torch.rand(3, generator=g), torch.randn(2, 2, generator=g),
                torch.randint(0, 10, (4,), generator=g), torch.randperm(6, generator=g),
                torch.normal(0.0, 1.0, (3,), generator=g),
                torch.normal(torch.zeros(3), torch.ones(3), generator=g)]
    first, second = draws(torch.Generator().manual_seed(1)), draws(torch.Generator().manual_seed(1))
    for a, b in zip(first, second):
        assert a.dtype == b.dtype and np.array_equal(a.numpy(), b.numpy())
    assert first[2].dtype == np.int64 and sorted(first[3].tolist()) == list(range(6))


def test_generator_keyword_on_init_loader_and_split():
    w1, w2 = torch.empty(3, 4), torch.empty(3, 4)
    nn.init.kaiming_uniform_(w1, generator=torch.Generator().manual_seed(2))
    nn.init.kaiming_uniform_(w2, generator=torch.Generator().manual_seed(2))
    assert np.array_equal(w1.numpy(), w2.numpy())
    data = TensorDataset(torch.arange(10))

    def order(seed):
        loader = DataLoader(data, batch_size=10, shuffle=True,
                            generator=torch.Generator().manual_seed(seed))
        return next(iter(loader))[0].tolist()
    assert order(4) == order(4) and sorted(order(4)) == list(range(10))
    parts = [random_split(data, [3, 7], generator=torch.Generator().manual_seed(5))
             for _ in range(2)]
    assert [p.indices for p in parts[0]] == [p.indices for p in parts[1]]


def test_generator_seeds_and_state_round_trip():
    g = torch.Generator()
    assert g.initial_seed() == 67280421310721  # PyTorch's seed of an unseeded Generator
    assert g.device == torch.device("cpu")
    assert g.manual_seed(5) is g and g.initial_seed() == 5
    assert g.manual_seed(-1).initial_seed() == 2 ** 64 - 1
    state = g.get_state()
    assert state.dtype == np.uint8 and state.ndim == 1
    a = torch.randn(3, generator=g)
    assert g.set_state(state) is g
    assert np.array_equal(torch.randn(3, generator=g).numpy(), a.numpy())
    s = g.seed()
    assert 0 <= s < 2 ** 64 and g.initial_seed() == s
    copy = pickle.loads(pickle.dumps(g))
    assert isinstance(copy, torch.Generator) and copy.initial_seed() == s
    assert np.array_equal(torch.rand(3, generator=copy).numpy(),
                          torch.rand(3, generator=g).numpy())


def test_manual_seed_returns_the_default_generator():
    g = torch.manual_seed(11)
    assert g is torch.default_generator and torch.manual_seed(12) is g
    assert torch.initial_seed() == 12
    torch.manual_seed(12)
    a = torch.randn(3)
    assert np.array_equal(torch.randn(3, generator=torch.Generator().manual_seed(12)).numpy(),
                          a.numpy())
    assert torch.manual_seed(2.9).initial_seed() == 2  # truncated, as torch.manual_seed does
    state = torch.get_rng_state()
    assert np.array_equal(state.numpy(), torch.default_generator.get_state().numpy())
    s = torch.seed()
    assert torch.initial_seed() == s


def test_generator_refusals_change_nothing():
    g = torch.Generator().manual_seed(3)
    state = g.get_state()
    with pytest.raises(ArgumentError, match="integer.*float"):
        g.manual_seed(1.5)
    with pytest.raises(ArgumentError, match="seed"):
        g.manual_seed("a")
    with pytest.raises(ArgumentError, match="bytes"):
        g.set_state(torch.zeros(3, dtype=torch.uint8))
    with pytest.raises(TypeError, match="uint8"):
        g.set_state(torch.zeros(37))
    assert np.array_equal(g.get_state().numpy(), state.numpy()) and g.initial_seed() == 3
    with pytest.raises(DeviceError, match="cuda"):
        torch.Generator(device="cuda")
    with pytest.raises(TypeError, match="randn.*generator.*int"):
        torch.randn(2, generator=5)
    with pytest.raises(TypeError, match="randperm.*generator"):
        torch.randperm(3, generator="g")


def test_randint_high_and_size_form():
    torch.manual_seed(0)
    t = torch.randint(10, (3, 2))
    assert t.shape == (3, 2) and t.dtype == np.int64
    assert ((t.numpy() >= 0) & (t.numpy() < 10)).all()


# -------------------------------------------------------------- nn layers
def test_layernorm_affine_options():
    assert set(nn.LayerNorm(4).state_dict()) == {"weight", "bias"}
    ln = nn.LayerNorm(4, bias=False)
    assert set(ln.state_dict()) == {"weight"} and ln.bias is None
    ln = nn.LayerNorm(4, elementwise_affine=False)
    assert ln.state_dict() == {} and ln.weight is None and ln.bias is None
    x = torch.randn(2, 4, dtype=torch.float64)
    y = nn.LayerNorm(4, bias=False, dtype=torch.float64)(x).detach().numpy()
    xn = x.numpy()
    expect = (xn - xn.mean(-1, keepdims=True)) / np.sqrt(xn.var(-1, keepdims=True) + 1e-5)
    assert np.allclose(y, expect, atol=1e-12)


def test_group_and_instance_norm_affine():
    assert set(nn.GroupNorm(2, 4).state_dict()) == {"weight", "bias"}
    assert nn.GroupNorm(2, 4, affine=False).state_dict() == {}
    assert nn.InstanceNorm2d(3).state_dict() == {}  # affine=False by default
    assert set(nn.InstanceNorm2d(3, affine=True).state_dict()) == {"weight", "bias"}
    assert set(nn.InstanceNorm1d(3, track_running_stats=True).state_dict()) == {
        "running_mean", "running_var", "num_batches_tracked"}


# Constructor arguments by parameter name, so a layer added later is
# covered without a list to update here.
_LAYER_ARGS = {
    "in_features": 3, "out_features": 4, "in1_features": 2, "in2_features": 3,
    "in_channels": 2, "out_channels": 4, "kernel_size": 3, "num_features": 4,
    "normalized_shape": 4, "num_groups": 2, "num_channels": 4, "embed_dim": 4,
    "num_heads": 2, "d_model": 4, "nhead": 2, "input_size": 3, "hidden_size": 4,
    "num_embeddings": 5, "embedding_dim": 3, "pieces": 2,
}
_LAYER_ARGS.update(n_classes=6, cutoffs=[2, 4])   # AdaptiveLogSoftmaxWithLoss
# A float64 input materializing each lazy module (PyTorch too needs one).
_LAZY_INPUTS = {"LazyLinear": (2, 3), "LazyConv2d": (1, 2, 5, 5), "LazyConv3d": (1, 2, 3, 3, 3),
                "LazyBatchNorm1d": (2, 3), "LazyBatchNorm2d": (2, 3, 4, 4),
                "LazyConv1d": (1, 2, 5), "LazyConvTranspose2d": (1, 2, 5, 5),
                "LazyInstanceNorm2d": (1, 2, 4, 4)}
_LAZY_INPUTS["LazyBatchNorm3d"] = (2, 3, 2, 2, 2)  # nn1d (issue 11)


def _layer_classes():
    """Every Module subclass nn exports whose constructor takes a dtype."""
    out = []
    for name in sorted(dir(nn)):
        cls = getattr(nn, name)
        if isinstance(cls, type) and issubclass(cls, nn.Module):
            params = inspect.signature(cls.__init__).parameters
            if "dtype" in params or "device" in params:
                out.append(cls)
    return out


def _build(cls, **kwargs):
    params = inspect.signature(cls.__init__).parameters
    required = [p for p in params.values() if p.name != "self" and p.default is p.empty
                and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    missing = [p.name for p in required if p.name not in _LAYER_ARGS]
    assert not missing, f"{cls.__name__}: add constructor args for {missing} to _LAYER_ARGS"
    args = {p.name: _LAYER_ARGS[p.name] for p in required}
    if "affine" in params:
        args["affine"] = True
    return cls(**args, **kwargs)


def test_layer_walk_covers_the_layers_that_need_it():
    names = {cls.__name__ for cls in _layer_classes()}
    assert {"Linear", "Conv1d", "Conv2d", "ConvTranspose2d", "Embedding", "LayerNorm",
            "GroupNorm", "InstanceNorm2d", "RNN", "LSTM", "GRU", "LSTMCell",
            "MultiheadAttention", "TransformerEncoderLayer", "Bilinear", "PReLU",
            "LazyLinear", "BatchNorm1d"} <= names


@pytest.mark.parametrize("cls", _layer_classes(), ids=lambda c: c.__name__)
def test_every_layer_takes_device_and_dtype(cls):
    params = inspect.signature(cls.__init__).parameters
    assert "device" in params and "dtype" in params, cls.__name__
    m = _build(cls, device="cpu", dtype=torch.float64)
    if cls.__name__.startswith("Lazy"):
        assert cls.__name__ in _LAZY_INPUTS, f"add a materializing input for {cls.__name__}"
        m(torch.zeros(*_LAZY_INPUTS[cls.__name__], dtype=torch.float64))
    tensors = dict(m.state_dict())
    floats = {k: v.dtype for k, v in tensors.items() if v.dtype.kind == "f"}
    assert floats, f"{cls.__name__} made no floating parameters"
    assert set(floats.values()) == {np.dtype(np.float64)}, floats
    m32 = _build(cls, device=torch.device("cpu"))
    if not cls.__name__.startswith("Lazy"):
        assert {v.dtype for v in m32.parameters()} == {np.dtype(np.float32)}


@pytest.mark.parametrize("cls", _layer_classes(), ids=lambda c: c.__name__)
def test_every_layer_refuses_other_devices_by_name(cls):
    with pytest.raises(DeviceError, match="cuda:1"):
        _build(cls, device="cuda:1")
    with pytest.raises(DeviceError, match="mps"):
        _build(cls, device=torch.device("mps"))


# ------------------------------------------------------- PyTorch oracle
def test_oracle_new_factories_and_type_strings():
    pt = pytest.importorskip("torch")
    for dt, pdt in ((torch.float64, pt.float64), (torch.int32, pt.int32)):
        ours, theirs = torch.ones(2, dtype=dt), pt.ones(2, dtype=pdt)
        assert ours.type() == theirs.type()
        for fn, args in (("new_zeros", (2, 3)), ("new_ones", ((2,),)), ("new_empty", (1,))):
            a, b = getattr(ours, fn)(*args), getattr(theirs, fn)(*args)
            assert tuple(a.shape) == tuple(b.shape) and str(a.dtype) == str(b.dtype)[6:]
        a, b = ours.new_full((2,), 1.5), theirs.new_full((2,), 1.5)
        assert a.tolist() == b.tolist() and str(a.dtype) == str(b.dtype)[6:]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            a, b = ours.new_tensor([1.7, 2]), theirs.new_tensor([1.7, 2])
        assert a.tolist() == pytest.approx(b.tolist()) and str(a.dtype) == str(b.dtype)[6:]
    for name in ("FloatTensor", "DoubleTensor", "LongTensor", "IntTensor", "BoolTensor",
                 "ByteTensor"):
        ours, theirs = getattr(torch, name), getattr(pt, name)
        assert ours([1, 0, 2]).tolist() == theirs([1, 0, 2]).tolist()
        assert str(ours.dtype) == str(theirs.dtype)[6:]
        assert tuple(ours(2, 3).shape) == tuple(theirs(2, 3).shape)


def test_oracle_printoptions_and_layers(printopts):
    pt = pytest.importorskip("torch")
    assert torch.get_printoptions() == vars(pt._tensor_str.PRINT_OPTS)
    for kwargs in ({"precision": 2}, {"precision": 3, "sci_mode": True}):
        torch.set_printoptions(**kwargs)
        pt.set_printoptions(**kwargs)
        try:
            assert repr(torch.tensor([1.23456, 2.0])) == repr(pt.tensor([1.23456, 2.0]))
        finally:
            pt.set_printoptions(profile="default")
    for make in (lambda m: m.LayerNorm(4, bias=False), lambda m: m.GroupNorm(2, 4, affine=False),
                 lambda m: m.InstanceNorm2d(3, affine=True),
                 lambda m: m.ConvTranspose2d(2, 3, 3, device="cpu")):
        ours, theirs = make(nn), make(pt.nn)
        assert ({k: tuple(v.shape) for k, v in ours.state_dict().items()}
                == {k: tuple(v.shape) for k, v in theirs.state_dict().items()})

"""``import chainrule as torch``: the namespace, the CPU device API,
formatting, ``Size`` and ``save``/``load`` (issue 11, sections 1 and 2).

Every behaviour is written down as PyTorch 2.13 shows it; where PyTorch is
installed, separate tests also compare with it directly."""
import io
import os
import subprocess
import sys
import textwrap
from collections import OrderedDict

import numpy as np
import pytest

import autograd
import chainrule
import nn as library_nn
import optim as library_optim
from chainrule import _namespace
from chainrule.serialization import SerializationError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# ---------------------------------------------------------- a real program
# A PyTorch training script; only HEADER's "torch" differs between the runs.
HEADER = """
import LIB as torch
import LIB.nn as nn
import LIB.nn.functional as F
import LIB.optim as optim
from LIB.utils.data import DataLoader, TensorDataset
"""

PROGRAM = """
device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
torch.manual_seed(0)


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 16)
        self.fc2 = nn.Linear(16, 3)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


X = torch.tensor(DATA_X, dtype=torch.float32)
y = torch.tensor(DATA_Y, dtype=torch.long)
loader = DataLoader(TensorDataset(X, y), batch_size=8, shuffle=False)
model = MLP().to(device)
model.load_state_dict({k: torch.tensor(v) for k, v in INIT.items()})
optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
criterion = nn.CrossEntropyLoss()
log = []
for epoch in range(4):
    model.train()
    for xb, yb in loader:
        xb, yb = xb.to(device), yb.to(device)
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
    log.append(f"{loss:.4f}")
    print(f"epoch {epoch}: loss {loss.item():.4f}")
model.eval()
with torch.no_grad():
    accuracy = (model(X.to(device)).argmax(dim=1) == y).float().mean()
summary = f"accuracy {accuracy:.1%} on {X.shape[0]} samples"
torch.save(model.state_dict(), PATH)
restored = MLP().to(device)
restored.load_state_dict(torch.load(PATH, map_location=device, weights_only=True))
with torch.no_grad():
    same = bool((restored(X) == model(X)).all())
"""


def _program_inputs(path):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 4)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int64) + (x[:, 1] > 0.5)
    init = {"fc1.weight": rng.standard_normal((16, 4)).astype(np.float32) * 0.5,
            "fc1.bias": np.zeros(16, np.float32),
            "fc2.weight": rng.standard_normal((3, 16)).astype(np.float32) * 0.25,
            "fc2.bias": np.zeros(3, np.float32)}
    return {"DATA_X": x, "DATA_Y": y, "INIT": init, "PATH": path}


def run_program(lib, path):
    scope = _program_inputs(str(path))
    exec(HEADER.replace("LIB", lib) + PROGRAM, scope)
    return scope


def test_a_pytorch_training_script_runs_unchanged(tmp_path):
    scope = run_program("chainrule", tmp_path / "mlp.pt")
    losses = [float(s) for s in scope["log"]]
    assert all(len(s.split(".")[1]) == 4 for s in scope["log"])  # f"{loss:.4f}"
    assert losses[-1] < losses[0]
    assert scope["summary"].startswith("accuracy ") and scope["summary"].endswith(
        "% on 32 samples")
    assert scope["same"] is True
    assert str(scope["device"]) == "cpu"


def test_the_script_matches_pytorch(tmp_path):
    pytest.importorskip("torch")
    ours = run_program("chainrule", tmp_path / "ours.pt")
    theirs = run_program("torch", tmp_path / "theirs.pt")
    np.testing.assert_allclose([float(s) for s in ours["log"]],
                               [float(s) for s in theirs["log"]], atol=2e-4)
    for name, p in ours["model"].named_parameters():
        np.testing.assert_allclose(p.detach().numpy(),
                                   dict(theirs["model"].named_parameters())[name]
                                   .detach().numpy(), rtol=1e-4, atol=1e-5)
    assert ours["summary"] == theirs["summary"]


# ------------------------------------------------------------ the namespace
NAMES = ["Tensor", "tensor", "as_tensor", "from_numpy", "randn", "rand", "randint", "randperm",
         "zeros", "ones", "full", "empty", "arange", "linspace", "eye", "zeros_like",
         "ones_like", "full_like", "rand_like", "randn_like", "cat", "stack", "where",
         "matmul", "exp", "log", "sum", "mean", "max", "softmax", "no_grad", "enable_grad",
         "set_grad_enabled", "is_grad_enabled", "inference_mode", "manual_seed",
         "get_rng_state", "set_rng_state", "save", "load", "is_tensor", "numel", "Size",
         "device", "set_default_device", "get_default_device", "set_default_dtype",
         "get_default_dtype", "finfo", "iinfo", "dtype", "pi", "e", "inf", "nan",
         "conv2d", "max_pool2d", "dropout", "compile", "set_float32_matmul_precision",
         "use_deterministic_algorithms", "cuda", "backends", "accelerator"]


@pytest.mark.parametrize("name", NAMES)
def test_name_exists(name):
    assert hasattr(chainrule, name), name


def test_subpackages_are_the_library_itself():
    assert chainrule.nn is library_nn and chainrule.optim is library_optim
    assert chainrule.autograd is autograd
    assert chainrule.nn.functional is library_nn.functional
    assert chainrule.nn.init is library_nn.init and chainrule.nn.utils is library_nn.utils
    assert chainrule.optim.lr_scheduler is library_optim.lr_scheduler
    assert chainrule.utils.data is autograd.utils.data
    for name in ("Function", "grad", "backward", "Variable", "gradcheck", "gradgradcheck",
                 "graph"):
        assert hasattr(chainrule.autograd, name), name


def test_every_public_library_name_is_re_exported():
    """Ops added to ``autograd`` later appear in chainrule with no list to
    update (the dtype names are chainrule's own, see below)."""
    for name, value in _namespace.public_values(autograd).items():
        if name not in _namespace.DTYPES:
            assert getattr(chainrule, name) is value, name


def test_import_forms_give_the_same_module_objects():
    """In a fresh interpreter: every PyTorch import form works and yields
    the library's modules, never a second copy."""
    code = textwrap.dedent("""
        import sys
        import chainrule as torch
        from chainrule import nn
        import chainrule.nn.functional as F
        import chainrule.optim as optim
        from chainrule.optim.lr_scheduler import StepLR
        from chainrule.utils.data import DataLoader
        from chainrule.autograd import Variable, Function
        import chainrule.nn.init
        import nn as lib_nn, nn.functional, optim as lib_optim
        import autograd.utils.data as lib_data
        assert nn is lib_nn and F is lib_nn.functional and optim is lib_optim
        assert DataLoader is lib_data.DataLoader and StepLR is lib_optim.lr_scheduler.StepLR
        assert torch.nn.init is lib_nn.init
        assert F.__name__ == "nn.functional" and F.__spec__.name == "nn.functional"
        names = {}
        for key, mod in list(sys.modules.items()):
            names.setdefault(id(mod), set()).add(getattr(mod, "__name__", key))
        assert all(len(n) == 1 for n in names.values()), names
        try:
            import chainrule.nn.no_such_module
        except ModuleNotFoundError as exc:
            assert "chainrule.nn.no_such_module" in str(exc), exc
        else:
            raise AssertionError("imported a module that does not exist")
        print("ok")
    """)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_the_library_never_imports_chainrule():
    code = textwrap.dedent("""
        import importlib, pkgutil, sys
        for package in ("autograd", "nn", "optim"):
            root = importlib.import_module(package)
            for info in pkgutil.walk_packages(root.__path__, package + "."):
                importlib.import_module(info.name)
        leaked = sorted(m for m in sys.modules if m.split(".")[0] == "chainrule")
        print(leaked)
    """)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


# -------------------------------------------------------------------- dtypes
PYTORCH_DTYPES = {"float": "float32", "double": "float64", "half": "float16",
                  "long": "int64", "int": "int32", "short": "int16", "bool": "bool",
                  "cfloat": "complex64", "cdouble": "complex128", "float16": "float16",
                  "float32": "float32", "float64": "float64", "int8": "int8",
                  "int16": "int16", "int32": "int32", "int64": "int64", "uint8": "uint8",
                  "complex64": "complex64", "complex128": "complex128"}


@pytest.mark.parametrize("name, expected", sorted(PYTORCH_DTYPES.items()))
def test_dtype_names(name, expected):
    dt = getattr(chainrule, name)
    assert isinstance(dt, chainrule.dtype) and dt == np.dtype(expected)


def test_tensor_dtypes_are_the_named_dtypes():
    assert chainrule.tensor([1.5]).dtype is chainrule.float32
    assert chainrule.tensor([1]).dtype is chainrule.long
    assert chainrule.zeros(2, dtype=chainrule.double).dtype == chainrule.float64
    assert chainrule.ones(2, dtype=chainrule.bool).dtype is chainrule.bool
    assert chainrule.finfo(chainrule.float32).eps == np.finfo(np.float32).eps


def test_dtype_names_match_pytorch():
    torch = pytest.importorskip("torch")
    for name, expected in PYTORCH_DTYPES.items():
        assert str(getattr(torch, name)) == "torch." + expected


def test_builtins_are_not_shadowed_inside_chainrule_modules():
    """``chainrule.float`` is a dtype, but the application modules still
    see Python's own ``float``."""
    import chainrule.training as training
    assert "float" not in vars(training) and chainrule.float == np.float32


# -------------------------------------------------------------------- device
def test_device_objects_behave_as_pytorchs():
    cpu, cpu0 = chainrule.device("cpu"), chainrule.device("cpu:0")
    assert (cpu.type, cpu.index, str(cpu), repr(cpu)) == ("cpu", None, "cpu",
                                                          "device(type='cpu')")
    assert (cpu0.type, cpu0.index, str(cpu0), repr(cpu0)) == (
        "cpu", 0, "cpu:0", "device(type='cpu', index=0)")
    assert cpu0 == chainrule.device("cpu", 0) == chainrule.device(type="cpu", index=0)
    assert cpu != cpu0 and cpu != "cpu"  # PyTorch: a device never equals a string
    assert hash(cpu) == hash(chainrule.device("cpu")) and chainrule.device(cpu0) == cpu0
    cuda = chainrule.device("cuda", 1)  # making one is allowed, as in PyTorch
    assert repr(cuda) == "device(type='cuda', index=1)" and str(cuda) == "cuda:1"


@pytest.mark.parametrize("text, message", [
    ("gpu", "Expected one of cpu, cuda, .* device type at start of device string: gpu"),
    ("CPU", "device type at start of device string: CPU"),
    ("cuda:x", "Invalid device string: 'cuda:x'"),
    ("cpu:-1", "Invalid device string: 'cpu:-1'"),
    ("cuda:0:1", "Invalid device string: 'cuda:0:1'")])
def test_malformed_device_strings_are_refused(text, message):
    with pytest.raises(RuntimeError, match=message):
        chainrule.device(text)


def test_device_index_type_is_checked():
    with pytest.raises(TypeError, match="'index' must be int, not str"):
        chainrule.device("cpu", "x")


def test_device_reprs_match_pytorch():
    torch = pytest.importorskip("torch")
    for args in (("cpu",), ("cpu:0",), ("cpu", 0), ("cuda",), ("cuda", 1), ("mps",)):
        ours, theirs = chainrule.device(*args), torch.device(*args)
        assert (repr(ours), str(ours), ours.type, ours.index) == (
            repr(theirs), str(theirs), theirs.type, theirs.index)


FACTORIES = {
    "tensor": lambda **kw: chainrule.tensor([1.0, 2.0], **kw),
    "as_tensor": lambda **kw: chainrule.as_tensor([1.0, 2.0], **kw),
    "zeros": lambda **kw: chainrule.zeros(2, 3, **kw),
    "ones": lambda **kw: chainrule.ones((2, 3), **kw),
    "full": lambda **kw: chainrule.full((2,), 7.0, **kw),
    "empty": lambda **kw: chainrule.empty(2, **kw),
    "rand": lambda **kw: chainrule.rand(2, **kw),
    "randn": lambda **kw: chainrule.randn(2, **kw),
    "randint": lambda **kw: chainrule.randint(0, 5, (3,), **kw),
    "randperm": lambda **kw: chainrule.randperm(4, **kw),
    "arange": lambda **kw: chainrule.arange(4, **kw),
    "linspace": lambda **kw: chainrule.linspace(0, 1, 5, **kw),
    "eye": lambda **kw: chainrule.eye(3, **kw),
    "zeros_like": lambda **kw: chainrule.zeros_like(chainrule.ones(2), **kw),
    "ones_like": lambda **kw: chainrule.ones_like(chainrule.ones(2), **kw),
    "full_like": lambda **kw: chainrule.full_like(chainrule.ones(2), 3.0, **kw),
    "rand_like": lambda **kw: chainrule.rand_like(chainrule.ones(2), **kw),
    "randn_like": lambda **kw: chainrule.randn_like(chainrule.ones(2), **kw),
}


@pytest.mark.parametrize("name", sorted(FACTORIES))
@pytest.mark.parametrize("device", ["cpu", "cpu:0", chainrule.device("cpu")])
def test_factories_take_the_cpu(name, device):
    t = FACTORIES[name](device=device)
    assert t.device == chainrule.device("cpu") and not t.is_cuda and t.is_cpu


@pytest.mark.parametrize("name", sorted(FACTORIES))
@pytest.mark.parametrize("device", ["cuda", "cuda:0", "mps", chainrule.device("meta")])
def test_factories_refuse_other_devices_by_name(name, device):
    state = chainrule.get_rng_state()
    with pytest.raises(RuntimeError, match=rf"{name}\(\): chainrule runs on the CPU only; "
                                           rf"got device '{device}'"):
        FACTORIES[name](device=device)
    assert (chainrule.get_rng_state() == state).all()  # nothing was drawn


def test_device_errors_are_what_pytorch_code_catches():
    """A CPU-only PyTorch raises AssertionError for 'cuda', one with CUDA
    but no GPU RuntimeError: the error is both (and a ValueError, as
    chainrule's device errors always were)."""
    with pytest.raises(chainrule.DeviceError) as info:
        chainrule.zeros(1, device="cuda")
    assert isinstance(info.value, (RuntimeError, AssertionError, ValueError))
    assert all(isinstance(info.value, kind) for kind in (RuntimeError, AssertionError,
                                                         ValueError))


def test_tensor_device_api():
    t = chainrule.tensor([1.0, 2.0], requires_grad=True)
    assert t.device == chainrule.device("cpu") and repr(t.device) == "device(type='cpu')"
    assert t.get_device() == -1
    assert t.cpu() is t and t.to("cpu") is t and t.to(chainrule.device("cpu:0")) is t
    assert t.to(device="cpu", non_blocking=True) is t
    assert t.to("cpu", copy=True) is not t
    assert t.to(chainrule.zeros(1, dtype=chainrule.float64)).dtype == np.float64
    moved = t.to("cpu", chainrule.float64, False, True)  # positional non_blocking, copy
    assert moved.dtype == np.float64 and moved.requires_grad
    with pytest.raises(RuntimeError, match="cuda\\(\\): chainrule runs on the CPU only; got "
                                           "device 'cuda'"):
        t.cuda()
    with pytest.raises(RuntimeError, match="got device 'cuda:1'"):
        t.cuda(1)
    for target in ("cuda", "mps", chainrule.device("cuda", 0)):
        with pytest.raises(RuntimeError, match=f"CPU only; got device '{target}'"):
            t.to(target, chainrule.float64)
    assert t.dtype == np.float32 and t.grad is None


def test_tensor_device_api_matches_pytorch():
    torch = pytest.importorskip("torch")
    ours, theirs = chainrule.zeros(2), torch.zeros(2)
    assert (repr(ours.device), ours.get_device(), ours.is_cpu, ours.is_cuda) == (
        repr(theirs.device), theirs.get_device(), theirs.is_cpu, theirs.is_cuda)
    assert (ours.to("cpu") is ours) == (theirs.to("cpu") is theirs)
    assert (ours.cpu() is ours) == (theirs.cpu() is theirs)


@pytest.mark.parametrize("make", [
    lambda **kw: chainrule.nn.Linear(3, 2, **kw),
    lambda **kw: chainrule.nn.Conv2d(1, 2, 3, **kw),
    lambda **kw: chainrule.nn.BatchNorm1d(4, **kw),
    lambda **kw: chainrule.nn.BatchNorm2d(4, **kw)])
def test_layers_take_device_and_dtype(make):
    layer = make(device="cpu", dtype=chainrule.float64)
    assert all(p.dtype == np.float64 for p in layer.parameters())
    assert make(device=chainrule.device("cpu")).weight.dtype == np.float32
    with pytest.raises(RuntimeError, match="CPU only; got device 'cuda'"):
        make(device="cuda")


def test_layer_device_dtype_keywords_match_pytorch():
    torch = pytest.importorskip("torch")
    import inspect
    for name in ("Linear", "Conv2d", "BatchNorm1d", "BatchNorm2d"):
        ours = list(inspect.signature(getattr(chainrule.nn, name)).parameters)
        theirs = list(inspect.signature(getattr(torch.nn, name)).parameters)
        upto = theirs.index("dtype") + 1  # the positional parameters, in PyTorch's order
        assert ours[:upto] == theirs[:upto] and theirs[upto - 2] == "device", name


def test_module_to_accepts_pytorchs_forms():
    model = chainrule.nn.Sequential(chainrule.nn.Linear(2, 3), chainrule.nn.BatchNorm1d(3))
    weight = model[0].weight
    assert model.to("cpu") is model and model.to(chainrule.device("cpu")) is model
    assert model.to(device="cpu", non_blocking=True) is model and model.cpu() is model
    assert model.to("cpu", chainrule.float64) is model and weight.dtype == np.float64
    model.to(chainrule.zeros(1, dtype=chainrule.float32))
    assert weight.dtype == np.float32 and model[0].weight is weight
    model.to(dtype=chainrule.double)
    assert model[1].running_mean.dtype == np.float64
    assert model[1].num_batches_tracked.dtype == np.int64


def test_module_to_another_device_changes_nothing():
    model = chainrule.nn.Linear(2, 3)
    before = model.weight.detach().numpy().copy()
    for call in (lambda: model.to("cuda", chainrule.float64), lambda: model.cuda(),
                 lambda: model.to(device="mps"), lambda: model.cuda(0)):
        with pytest.raises(RuntimeError, match="CPU only; got device '(cuda|mps)"):
            call()
    assert model.weight.dtype == np.float32
    np.testing.assert_array_equal(model.weight.detach().numpy(), before)


def test_module_to_refuses_integer_dtypes():
    with pytest.raises(TypeError, match="floating-point"):
        chainrule.nn.Linear(2, 2).to(chainrule.long)


def test_default_device_is_the_cpu():
    chainrule.set_default_device("cpu")
    chainrule.set_default_device(None)
    chainrule.set_default_device(chainrule.device("cpu"))
    assert chainrule.get_default_device() == chainrule.device("cpu")
    with pytest.raises(RuntimeError, match="set_default_device\\(\\): .*got device 'cuda'"):
        chainrule.set_default_device("cuda")
    assert chainrule.zeros(1).device == chainrule.device("cpu")
    with chainrule.device("cpu"):
        assert chainrule.ones(1).device.type == "cpu"
    with pytest.raises(RuntimeError, match="got device 'cuda'"):
        with chainrule.device("cuda"):
            pass


def test_cuda_backends_and_accelerator_say_cpu_only():
    assert chainrule.cuda.is_available() is False and chainrule.cuda.device_count() == 0
    assert chainrule.cuda.is_initialized() is False
    state = chainrule.get_rng_state()
    chainrule.cuda.manual_seed(1)
    chainrule.cuda.manual_seed_all(1)
    chainrule.cuda.empty_cache()
    assert (chainrule.get_rng_state() == state).all()  # the CPU generator is untouched
    for call in (chainrule.cuda.current_device, chainrule.cuda.synchronize,
                 chainrule.cuda.get_device_name):
        with pytest.raises(AssertionError, match="CPU only; got device 'cuda'"):
            call()
    assert chainrule.accelerator.is_available() is False
    assert chainrule.accelerator.device_count() == 0
    assert chainrule.accelerator.current_accelerator() is None
    assert chainrule.backends.mps.is_available() is False
    assert chainrule.backends.cudnn.is_available() is False
    chainrule.backends.cudnn.benchmark = chainrule.backends.cudnn.benchmark  # settable
    assert chainrule.backends.cuda.matmul.allow_tf32 is False


def test_cuda_queries_match_pytorch_on_a_cpu_machine():
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    for ours, theirs in ((chainrule.cuda, torch.cuda), (chainrule.accelerator,
                                                        torch.accelerator)):
        assert ours.is_available() == theirs.is_available()
        assert ours.device_count() == theirs.device_count()
    assert chainrule.backends.mps.is_available() == torch.backends.mps.is_available()
    assert chainrule.backends.cudnn.enabled == torch.backends.cudnn.enabled


# -------------------------------------------------------------- default dtype
def test_set_default_dtype_float64():
    assert chainrule.get_default_dtype() == chainrule.float32
    chainrule.set_default_dtype(chainrule.float64)
    try:
        assert chainrule.get_default_dtype() == np.float64
        assert chainrule.tensor(1.5).dtype == np.float64
        assert chainrule.tensor([1j]).dtype == np.complex128
        assert chainrule.zeros(2).dtype == np.float64
        assert chainrule.arange(0.0, 1.0, 0.5).dtype == np.float64
        assert (chainrule.tensor([1, 2]) / 2).dtype == np.float64
        assert chainrule.nn.Linear(2, 2).weight.dtype == np.float64
    finally:
        chainrule.set_default_dtype(chainrule.float32)
    assert chainrule.tensor(1.5).dtype == np.float32 and chainrule.zeros(1).dtype == np.float32


def test_set_default_dtype_refuses_non_floats():
    with pytest.raises(TypeError, match="only floating-point types are supported as the "
                                        "default type, got int64"):
        chainrule.set_default_dtype(chainrule.int64)
    assert chainrule.get_default_dtype() == np.float32


# ---------------------------------------------------------------- formatting
def test_zero_dim_tensors_format_like_their_number():
    assert f"{chainrule.tensor(3.14159):.2f}" == "3.14"
    assert f"{chainrule.tensor(2.5, requires_grad=True) * 2:.3f}" == "5.000"
    assert f"{chainrule.tensor(3):04d}" == "0003"
    assert f"{chainrule.tensor(0.25):.1%}" == "25.0%"
    assert f"{chainrule.tensor(True)}" == "True"
    assert f"{chainrule.tensor([1.5, 2.5])[1]:.1f}" == "2.5"  # a 0-d view


def test_other_tensors_format_only_with_an_empty_spec():
    t = chainrule.tensor([3.14159])
    with pytest.raises(TypeError, match="unsupported format string passed to "
                                        "Tensor.__format__"):
        f"{t:.2f}"
    assert f"{t}" == str(t)
    with pytest.raises(TypeError, match="Parameter.__format__"):  # as in PyTorch
        f"{chainrule.nn.Parameter(chainrule.tensor(2.5)):.2f}"


def test_formatting_matches_pytorch():
    torch = pytest.importorskip("torch")
    for value, spec in ((3.14159, ".2f"), (2.0, ""), (7, "04d"), (0.5, ".1%"),
                        (1e-7, ".3e"), (True, "")):
        assert format(chainrule.tensor(value), spec) == format(torch.tensor(value), spec)


# ---------------------------------------------------------------------- Size
def test_shape_is_a_size():
    s = chainrule.zeros(2, 3).shape
    assert isinstance(s, chainrule.Size) and isinstance(s, tuple) and s == (2, 3)
    assert repr(s) == str(s) == "Size([2, 3])" and hash(s) == hash((2, 3))
    assert chainrule.zeros(2, 3).size() == s and chainrule.zeros(2, 3).size(1) == 3
    assert isinstance(s[1:], chainrule.Size) and s[1:] == (3,) and type(s[0]) is int
    assert isinstance(s + (4,), chainrule.Size) and (4,) + s == (4, 2, 3)
    assert isinstance((4,) + s, chainrule.Size) and isinstance(s * 2, chainrule.Size)
    assert s.numel() == 6 and chainrule.Size().numel() == 1 and repr(chainrule.Size()) == \
        "Size([])"
    assert chainrule.zeros(s).shape == (2, 3) and np.zeros(s).shape == (2, 3)
    assert f"{s}" == "(2, 3)"  # inside f-strings: the library's message style


def test_size_takes_only_ints():
    with pytest.raises(TypeError, match=r"Size\(\) takes an iterable of 'int' \(item 0 is "
                                        r"'float'\)"):
        chainrule.Size([2.5])
    assert chainrule.Size([np.int64(2)]) == (2,)


def test_size_matches_pytorch():
    torch = pytest.importorskip("torch")
    ours, theirs = chainrule.zeros(2, 3, 4).shape, torch.zeros(2, 3, 4).shape
    for op in (lambda s: s[1:], lambda s: s + (5,), lambda s: (5,) + s, lambda s: s * 2,
               lambda s: s[::-1]):
        assert op(ours) == op(theirs) and type(op(theirs)).__name__ == "Size"
        assert type(op(ours)).__name__ == "Size"
    assert repr(ours) == repr(theirs).replace("torch.", "")
    assert ours.numel() == theirs.numel()


# ----------------------------------------------------------------- save/load
def _checkpoint():
    model = chainrule.nn.Sequential(chainrule.nn.Linear(3, 4), chainrule.nn.BatchNorm1d(4))
    opt = chainrule.optim.Adam(model.parameters(), lr=1e-3)
    model(chainrule.randn(5, 3)).sum().backward()
    opt.step()
    return model, opt, {"model": model.state_dict(), "optimizer": opt.state_dict(),
                        "epoch": 3, "loss": 0.25, "name": "run-1", "best": None,
                        "history": [1.0, 0.5], "shape": (2, 3),
                        "array": np.arange(4, dtype=np.int32), "step": np.int64(7)}


def test_save_load_round_trip(tmp_path):
    model, opt, state = _checkpoint()
    path = tmp_path / "ckpt.pt"
    chainrule.save(state, path)
    back = chainrule.load(path)
    assert isinstance(back["model"], OrderedDict)
    assert list(back["model"]) == list(state["model"])
    for k, v in state["model"].items():
        assert isinstance(back["model"][k], chainrule.Tensor)
        assert back["model"][k].dtype == v.dtype
        np.testing.assert_array_equal(back["model"][k].numpy(), v.numpy())
    assert back["model"]["1.num_batches_tracked"].dtype == np.int64
    assert (back["epoch"], back["loss"], back["name"], back["best"]) == (3, 0.25, "run-1",
                                                                        None)
    assert back["history"] == [1.0, 0.5] and back["shape"] == (2, 3)
    assert back["array"].dtype == np.int32 and back["step"] == 7
    assert back["optimizer"]["param_groups"][0]["betas"] == (0.9, 0.999)
    assert set(back["optimizer"]["state"]) == set(state["optimizer"]["state"])  # int keys
    model2 = chainrule.nn.Sequential(chainrule.nn.Linear(3, 4), chainrule.nn.BatchNorm1d(4))
    model2.load_state_dict(back["model"])
    opt2 = chainrule.optim.Adam(model2.parameters(), lr=1e-3)
    opt2.load_state_dict(back["optimizer"])
    x = chainrule.randn(2, 3)
    model.eval(), model2.eval()
    np.testing.assert_array_equal(model(x).detach().numpy(), model2(x).detach().numpy())


def test_save_load_keeps_requires_grad_and_parameters():
    buf = io.BytesIO()
    w = chainrule.tensor([1.0, 2.0], requires_grad=True)
    p = chainrule.nn.Parameter(chainrule.ones(2))
    chainrule.save({"w": w, "p": p, "plain": w.detach()}, buf)
    buf.seek(0)
    back = chainrule.load(buf, map_location="cpu", weights_only=True)
    assert back["w"].requires_grad and back["w"].is_leaf
    assert type(back["p"]) is chainrule.nn.Parameter and back["p"].requires_grad
    assert not back["plain"].requires_grad


@pytest.mark.parametrize("map_location", [None, "cpu", chainrule.device("cpu"),
                                          {"cuda:0": "cpu"}, lambda storage, loc: storage])
def test_load_map_location_to_the_cpu(tmp_path, map_location):
    chainrule.save({"x": chainrule.ones(2)}, tmp_path / "f")
    back = chainrule.load(tmp_path / "f", map_location=map_location)
    assert back["x"].device.type == "cpu"


def test_load_map_location_elsewhere_is_refused(tmp_path):
    chainrule.save([1], tmp_path / "f")
    with pytest.raises(RuntimeError, match="load\\(map_location=...\\)\\(\\): chainrule runs "
                                           "on the CPU only; got device 'cuda'"):
        chainrule.load(tmp_path / "f", map_location="cuda")


@pytest.mark.parametrize("obj, named", [
    (lambda: chainrule.nn.Linear(2, 2), r"obj is a Linear, .*save obj.state_dict\(\) instead"),
    (lambda: {"fn": print}, r"obj\.fn is a builtin_function_or_method"),
    (lambda: [object()], r"obj\[0\] is a object"),
    (lambda: {"a": np.array([None])}, r"obj\.a is a NumPy array of dtype object"),
    (lambda: {"z": 1 + 2j}, r"obj\.z is a complex")])
def test_save_refuses_what_would_need_pickle(tmp_path, obj, named):
    path = tmp_path / "keep.pt"
    chainrule.save({"old": 1}, path)
    with pytest.raises(TypeError, match=r"save\(\): " + named):
        chainrule.save(obj(), path)
    assert chainrule.load(path) == {"old": 1}  # the previous file is intact
    assert sorted(os.listdir(tmp_path)) == ["keep.pt"]  # no temporary file left


def test_load_names_files_it_cannot_read(tmp_path):
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"not a zip at all")
    with pytest.raises(SerializationError, match="bad.bin is not a file chainrule.save wrote"):
        chainrule.load(bad)
    np.savez(tmp_path / "plain.npz", x=np.ones(2))
    with pytest.raises(RuntimeError, match="no chainrule_save entry"):
        chainrule.load(tmp_path / "plain.npz")
    with pytest.raises(FileNotFoundError):
        chainrule.load(tmp_path / "missing.pt")


def test_load_explains_pytorch_files(tmp_path):
    torch = pytest.importorskip("torch")
    torch.save({"w": torch.ones(2)}, tmp_path / "torch.pt")
    with pytest.raises(SerializationError, match="PyTorch file.*never unpickles.*"
                                                 "load_safetensors"):
        chainrule.load(tmp_path / "torch.pt")


# ------------------------------------------------------------------- autograd
def test_variable_is_pytorchs_deprecated_pass_through():
    x = chainrule.tensor([1.0, 2.0])
    v = chainrule.autograd.Variable(x)
    assert v is not x and not v.requires_grad and v.is_leaf
    v[0] = 5.0  # shares memory with x, as in PyTorch
    assert x.tolist() == [5.0, 2.0]
    y = chainrule.tensor([1.0], requires_grad=True) * 2
    w = chainrule.autograd.Variable(y, requires_grad=True)
    assert w.requires_grad and w.is_leaf and w.grad_fn is None
    assert isinstance(x, chainrule.autograd.Variable)
    with pytest.raises(TypeError, match="Variable data has to be a tensor, but got list"):
        chainrule.autograd.Variable([1, 2])


def test_inference_mode_records_nothing():
    w = chainrule.tensor([1.0], requires_grad=True)
    with chainrule.inference_mode():
        assert not (w * 2).requires_grad
    with chainrule.inference_mode(False):
        assert (w * 2).requires_grad

    @chainrule.inference_mode
    def bare():
        return (w * 2).requires_grad

    @chainrule.inference_mode()
    def called():
        return (w * 2).requires_grad

    assert bare() is False and called() is False and chainrule.is_grad_enabled()


def test_process_settings_are_accepted():
    model = chainrule.nn.Linear(2, 2)
    assert chainrule.compile(model) is model
    assert chainrule.compile(mode="max-autotune")(model) is model
    chainrule.set_float32_matmul_precision("high")
    assert chainrule.get_float32_matmul_precision() == "highest"
    with pytest.raises(ValueError, match="expected one of highest, high, medium, got 'fast'"):
        chainrule.set_float32_matmul_precision("fast")
    chainrule.use_deterministic_algorithms(True)
    assert chainrule.are_deterministic_algorithms_enabled()
    chainrule.use_deterministic_algorithms(False)
    assert not chainrule.are_deterministic_algorithms_enabled()


def test_queries():
    assert chainrule.is_tensor(chainrule.zeros(1)) and not chainrule.is_tensor([1])
    assert chainrule.is_tensor(chainrule.nn.Parameter(chainrule.zeros(1)))
    assert chainrule.numel(chainrule.zeros(2, 3)) == 6
    assert chainrule.is_floating_point(chainrule.zeros(1))
    assert (chainrule.pi, chainrule.inf) == (np.pi, np.inf) and np.isnan(chainrule.nan)

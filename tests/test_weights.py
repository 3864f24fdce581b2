"""safetensors both ways: PyTorch-free round trips, and (optional oracle)
a chainrule file loaded into the equivalent torch.nn model and back."""
import os

import numpy as np
import pytest

import autograd as ag
import nn
from chainrule import _atomic
from chainrule.weights import load_safetensors, save_safetensors

pytest.importorskip("safetensors")


def _cnn():
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Linear(4 * 4 * 4, 10))


def _trained_bn(model, x):
    model.train()
    model(x)  # moves BatchNorm's running statistics and num_batches_tracked
    model(x)
    model.eval()
    return model


def test_round_trip_keeps_names_values_and_dtypes(tmp_path):
    ag.manual_seed(0)
    model = _trained_bn(_cnn(), ag.randn(5, 1, 8, 8))
    path = save_safetensors(model, tmp_path / "m.safetensors", metadata={"by": "test"})
    assert path == str(tmp_path / "m.safetensors")
    state = load_safetensors(path)
    want = model.state_dict()
    assert sorted(state) == sorted(want)  # safetensors stores names sorted
    for k in want:
        assert isinstance(state[k], ag.Tensor)
        assert state[k].dtype == want[k].dtype
        assert np.array_equal(state[k].numpy(), want[k].numpy()), k
    assert state["1.num_batches_tracked"].dtype == np.int64
    assert state["1.num_batches_tracked"].shape == ()  # 0-d, as PyTorch expects
    assert state["1.num_batches_tracked"].item() == 2

    fresh = _cnn()
    fresh.load_state_dict(state)
    fresh.eval()
    x = ag.randn(3, 1, 8, 8)
    with ag.no_grad():
        assert np.array_equal(fresh(x).numpy(), model(x).numpy())


def test_state_dict_mapping_and_float64_are_accepted(tmp_path):
    state = {"w": ag.randn(2, 3, dtype=np.float64), "i": np.arange(4, dtype=np.int32),
             "m": np.ones((2, 2), dtype=bool), "t": np.arange(6.0).reshape(2, 3).T}
    save_safetensors(state, tmp_path / "s.safetensors")
    got = load_safetensors(tmp_path / "s.safetensors")
    assert got["w"].dtype == np.float64 and got["i"].dtype == np.int32
    assert got["m"].dtype == np.bool_
    np.testing.assert_array_equal(got["t"].numpy(), np.arange(6.0).reshape(2, 3).T)


@pytest.mark.parametrize("state, words", [
    ({"c": np.zeros(2, np.complex64)}, "'c' has dtype complex64"),
    ({"x": [1, 2]}, "'x' is a list, not a tensor or array"),
    ({1: np.zeros(2)}, "keys must be strings"),
    (42, "expected a model or a state_dict mapping, got int"),
])
def test_unsavable_state_is_named(tmp_path, state, words):
    with pytest.raises(TypeError) as info:
        save_safetensors(state, tmp_path / "x.safetensors")
    assert words in str(info.value)
    assert os.listdir(tmp_path) == []


def test_failure_mid_write_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "m.safetensors"
    save_safetensors({"w": np.zeros(3)}, path)
    before = path.read_bytes()

    def failing_fsync(fd):
        raise OSError("power cut")

    monkeypatch.setattr(_atomic.os, "fsync", failing_fsync)
    with pytest.raises(OSError, match="power cut"):
        save_safetensors({"w": np.ones(3)}, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["m.safetensors"]


def test_corrupt_file_is_named(tmp_path):
    path = tmp_path / "bad.safetensors"
    save_safetensors({"w": np.zeros(100)}, path)
    path.write_bytes(path.read_bytes()[:60])
    with pytest.raises(ValueError, match=r"bad.safetensors is not a readable safetensors file"):
        load_safetensors(path)
    with pytest.raises(FileNotFoundError):
        load_safetensors(tmp_path / "absent.safetensors")


# ------------------------------------------------ PyTorch as optional oracle
def _torch_cnn(torch):
    tnn = torch.nn
    return tnn.Sequential(tnn.Conv2d(1, 4, 3, padding=1), tnn.BatchNorm2d(4), tnn.ReLU(),
                          tnn.MaxPool2d(2), tnn.Flatten(), tnn.Linear(4 * 4 * 4, 10))


def test_chainrule_file_loads_into_torch_with_the_same_outputs(tmp_path):
    torch = pytest.importorskip("torch")
    from safetensors.torch import load_file
    ag.manual_seed(1)
    model = _trained_bn(_cnn().double(), ag.randn(6, 1, 8, 8, dtype=np.float64))
    save_safetensors(model, tmp_path / "m.safetensors")
    tmodel = _torch_cnn(torch).double()
    result = tmodel.load_state_dict(load_file(tmp_path / "m.safetensors"), strict=True)
    assert not result.missing_keys and not result.unexpected_keys
    tmodel.eval()
    x = np.random.default_rng(0).standard_normal((4, 1, 8, 8))
    with torch.no_grad():
        want = tmodel(torch.from_numpy(x)).numpy()
    with ag.no_grad():
        got = model(ag.tensor(x)).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_torch_file_loads_into_chainrule_with_the_same_outputs(tmp_path):
    torch = pytest.importorskip("torch")
    from safetensors.torch import save_file
    torch.manual_seed(0)
    tmodel = _torch_cnn(torch)
    tmodel.train()
    tmodel(torch.randn(7, 1, 8, 8))  # non-trivial running statistics
    tmodel.eval()
    save_file(tmodel.state_dict(), str(tmp_path / "t.safetensors"))
    model = _cnn()
    model.load_state_dict(load_safetensors(tmp_path / "t.safetensors"))
    model.eval()
    assert model[1].num_batches_tracked.dtype == np.int64
    assert model[1].num_batches_tracked.item() == 1
    x = np.random.default_rng(1).standard_normal((4, 1, 8, 8)).astype(np.float32)
    with torch.no_grad():
        want = tmodel(torch.from_numpy(x)).numpy()
    with ag.no_grad():
        got = model(ag.tensor(x)).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)

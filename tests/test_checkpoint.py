"""Checkpoints: exact resume (bit for bit, float64), atomic writes, no
pickle, and validation that names what does not match and loads nothing."""
import json
import os
import zipfile

import numpy as np
import pytest

import autograd as ag
import nn
import optim
from chainrule import checkpoint as ckpt_mod
from chainrule.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from chainrule.training import EarlyStopping, History, fit

N_SAMPLES, BATCH = 96, 16


class ShuffledBatches:
    """A stand-in loader: shuffles with its own ``generator`` (a NumPy
    Generator, as DataLoader exposes) at the start of every epoch."""

    def __init__(self, x, y, batch_size, generator, shuffle):
        self.x, self.y, self.batch_size, self.generator = x, y, batch_size, generator
        self.shuffle = shuffle

    def __len__(self):
        return (len(self.x) + self.batch_size - 1) // self.batch_size

    def __iter__(self):
        order = (self.generator.permutation(len(self.x)) if self.shuffle
                 else np.arange(len(self.x)))
        for lo in range(0, len(order), self.batch_size):
            idx = order[lo:lo + self.batch_size]
            yield ag.tensor(self.x[idx]), ag.tensor(self.y[idx])


def _data():
    rng = np.random.default_rng(1234)
    x = rng.standard_normal((N_SAMPLES, 5))
    y = (x[:, 0] - x[:, 2] > 0).astype(np.int64) + (x[:, 1] > 1).astype(np.int64)
    return x, y


def _make_loader(x, y, seed, shuffle=True):
    """The real DataLoader once it exists, else the stand-in."""
    try:
        from autograd.utils.data import DataLoader, TensorDataset
    except ImportError:
        return ShuffledBatches(x, y, BATCH, np.random.default_rng(seed), shuffle)
    return DataLoader(TensorDataset(ag.tensor(x), ag.tensor(y)), batch_size=BATCH,
                      shuffle=shuffle, generator=np.random.default_rng(seed))


def _build(seed):
    """Everything fresh: a float64 MLP with dropout, SGD with momentum and
    weight decay, a StepLR schedule and a shuffling loader.  ``seed``
    decides the initial weights and the generators' states."""
    ag.manual_seed(seed)
    model = nn.Sequential(nn.Linear(5, 12), nn.ReLU(), nn.Dropout(0.3),
                          nn.Linear(12, 3)).double()
    optimizer = optim.SGD(model.parameters(), lr=0.2, momentum=0.9, weight_decay=1e-3)
    scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.7)
    x, y = _data()
    return (model, optimizer, scheduler, _make_loader(x, y, seed),
            _make_loader(x, y, seed + 1, shuffle=False))


def _weights(model):
    return {k: v.numpy().copy() for k, v in model.state_dict().items()}


def _fit(model, optimizer, scheduler, loader, val, **kw):
    return fit(model, nn.CrossEntropyLoss(), optimizer, loader, val, scheduler=scheduler,
               progress=False, **kw)


def test_exact_resume_bit_for_bit(tmp_path):
    model, optimizer, scheduler, loader, val = _build(seed=7)
    straight = _fit(model, optimizer, scheduler, loader, val, epochs=4)
    expected = _weights(model)

    model, optimizer, scheduler, loader, val = _build(seed=7)
    _fit(model, optimizer, scheduler, loader, val, epochs=2,
         on_epoch_end=lambda epoch, history: save_checkpoint(
             tmp_path / "ckpt.npz", model=model, optimizer=optimizer, scheduler=scheduler,
             epoch=epoch, history=history, loader=loader))
    del model, optimizer, scheduler, loader

    # a "new process": other weights, other generator states, new objects
    model, optimizer, scheduler, loader, val = _build(seed=99)
    ag.rand(17)
    state = load_checkpoint(tmp_path / "ckpt.npz", model=model, optimizer=optimizer,
                            scheduler=scheduler, loader=loader)
    assert state["epoch"] == 2 and len(state["history"]) == 2
    resumed = _fit(model, optimizer, scheduler, loader, val, epochs=4,
                   start_epoch=state["epoch"], history=state["history"])

    got = _weights(model)
    assert got.keys() == expected.keys()
    for key in expected:
        assert got[key].dtype == np.float64
        assert np.array_equal(got[key], expected[key]), key
    assert resumed == straight
    assert resumed["lr"] == [0.2, 0.2 * 0.7, 0.2 * 0.7 * 0.7, 0.2 * 0.7 * 0.7 * 0.7]


def test_resume_without_restoring_the_generators_differs(tmp_path):
    """The exact-resume test has teeth: the same resume with the loader's
    shuffle state left fresh gives other weights."""
    model, optimizer, scheduler, loader, val = _build(seed=7)
    _fit(model, optimizer, scheduler, loader, val, epochs=4)
    expected = _weights(model)
    model, optimizer, scheduler, loader, val = _build(seed=7)
    _fit(model, optimizer, scheduler, loader, val, epochs=2)
    save_checkpoint(tmp_path / "c.npz", model=model, optimizer=optimizer, scheduler=scheduler,
                    epoch=2)
    model, optimizer, scheduler, loader, val = _build(seed=99)
    load_checkpoint(tmp_path / "c.npz", model=model, optimizer=optimizer, scheduler=scheduler)
    _fit(model, optimizer, scheduler, loader, val, epochs=4, start_epoch=2)
    assert not all(np.array_equal(v, expected[k]) for k, v in _weights(model).items())


def test_file_is_a_plain_npz_without_pickle(tmp_path):
    model, optimizer, scheduler, loader, _ = _build(seed=0)
    path = save_checkpoint(tmp_path / "c.npz", model=model, optimizer=optimizer,
                           scheduler=scheduler, epoch=0, loader=loader)
    assert path == str(tmp_path / "c.npz")
    with np.load(path, allow_pickle=False) as npz:  # would raise on any pickled entry
        header = json.loads(npz["chainrule_checkpoint"].tobytes())
        assert all(npz[name].dtype != object for name in npz.files)
    assert header["format"] == "chainrule-checkpoint" and header["version"] == 1
    assert header["optimizer"]["type"] == "SGD" and header["scheduler"]["type"] == "StepLR"
    assert os.listdir(tmp_path) == ["c.npz"]


def test_round_trip_of_adam_state_history_and_extra(tmp_path):
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 2)).double()
    optimizer = optim.Adam(model.parameters(), lr=1e-2, betas=(0.8, 0.9))
    scheduler = optim.lr_scheduler.MultiStepLR(optimizer, milestones=[2, 2, 5], gamma=0.5)
    x = ag.randn(8, 3, dtype=np.float64)
    model(x).sum().backward()
    optimizer.step()
    scheduler.step()
    history = History()
    history.append(1, train_loss=0.5, lr=1e-2, val_accuracy=None)
    extra = {"note": "hi", "pair": (1, 2.5), "arr": np.arange(3), "n": np.float32(1.5),
             3: "int key", "$weird": [True, None, float("inf")]}
    save_checkpoint(tmp_path / "c.npz", model=model, optimizer=optimizer, scheduler=scheduler,
                    epoch=1, history=history, extra=extra)
    want_opt, want_sched, want_w = optimizer.state_dict(), scheduler.state_dict(), _weights(model)

    model2 = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 2)).double()
    optimizer2 = optim.Adam(model2.parameters(), lr=1.0)
    scheduler2 = optim.lr_scheduler.MultiStepLR(optimizer2, milestones=[1], gamma=0.1)
    out = load_checkpoint(tmp_path / "c.npz", model=model2, optimizer=optimizer2,
                          scheduler=scheduler2)
    for k, v in _weights(model2).items():
        assert np.array_equal(v, want_w[k]) and v.dtype == want_w[k].dtype, k
    assert model2[1].num_batches_tracked.dtype == np.int64
    got_opt = optimizer2.state_dict()
    assert got_opt["param_groups"] == want_opt["param_groups"]
    for i, s in want_opt["state"].items():
        assert got_opt["state"][i]["step"] == s["step"]
        assert np.array_equal(got_opt["state"][i]["exp_avg"].numpy(), s["exp_avg"].numpy())
    assert scheduler2.state_dict() == want_sched
    assert out["history"] == history and out["epoch"] == 1
    got = out["extra"]
    assert got["note"] == "hi" and got["pair"] == (1, 2.5) and got[3] == "int key"
    assert np.array_equal(got["arr"], np.arange(3)) and got["arr"].dtype == np.arange(3).dtype
    assert got["n"] == np.float32(1.5) and type(got["n"]) is np.float32
    assert got["$weird"] == [True, None, float("inf")]


def test_early_stopping_state_travels_in_extra(tmp_path):
    model = nn.Linear(2, 1).double()
    es = EarlyStopping(patience=3, min_delta=0.01)
    es.step(1.0, model, epoch=1)
    es.step(1.5, model, epoch=2)
    save_checkpoint(tmp_path / "c.npz", model=model, epoch=2,
                    extra={"early_stopping": es.state_dict()})
    es2 = EarlyStopping()
    es2.load_state_dict(load_checkpoint(tmp_path / "c.npz", model=model)["extra"]
                        ["early_stopping"])
    assert (es2.patience, es2.min_delta, es2.best_loss, es2.best_epoch, es2.bad_epochs) == \
        (3, 0.01, 1.0, 1, 1)
    assert np.array_equal(es2.best_state["weight"], es.best_state["weight"])


def test_unsavable_values_are_named():
    model = nn.Linear(2, 1)
    with pytest.raises(TypeError, match=r"extra\.fn is a function"):
        save_checkpoint("never.npz", model=model, epoch=0, extra={"fn": lambda: 0})
    with pytest.raises(TypeError, match=r"extra\[0\] is a NumPy array of dtype object"):
        save_checkpoint("never.npz", model=model, epoch=0, extra=[np.array([None])])
    with pytest.raises(ValueError, match="epoch must be an int >= 0"):
        save_checkpoint("never.npz", model=model, epoch=-1)
    assert not os.path.exists("never.npz")


# ----------------------------------------------------------------- atomicity
def test_failure_mid_write_keeps_the_old_file_and_leaves_no_temp(tmp_path, monkeypatch):
    model = nn.Linear(3, 2).double()
    path = tmp_path / "c.npz"
    save_checkpoint(path, model=model, epoch=1)
    before = path.read_bytes()

    def broken_savez(f, **arrays):
        f.write(b"PK\x03\x04 half a checkpoint")
        raise OSError("disk full")

    monkeypatch.setattr(ckpt_mod.np, "savez", broken_savez)
    with ag.no_grad():
        model.weight.add_(1.0)
    with pytest.raises(OSError, match="disk full"):
        save_checkpoint(path, model=model, epoch=2)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["c.npz"]


def test_overwrite_keeps_file_permissions(tmp_path):
    path = tmp_path / "c.npz"
    save_checkpoint(path, model=nn.Linear(1, 1), epoch=0)
    os.chmod(path, 0o640)
    save_checkpoint(path, model=nn.Linear(1, 1), epoch=1)
    assert os.stat(path).st_mode & 0o777 == 0o640


# ---------------------------------------------------------------- validation
def _trained_setup(tmp_path):
    model, optimizer, scheduler, loader, val = _build(seed=3)
    _fit(model, optimizer, scheduler, loader, val, epochs=1)
    path = tmp_path / "c.npz"
    save_checkpoint(path, model=model, optimizer=optimizer, scheduler=scheduler, epoch=1,
                    loader=loader)
    return path


def _state_of(model, optimizer, scheduler, loader):
    return (_weights(model), optimizer.state_dict(), scheduler.state_dict(),
            _plain(loader.generator.bit_generator.state), ag.get_rng_state().numpy())


def _plain(state):
    """A generator state with its arrays (MT19937's key) as lists, so == works."""
    if isinstance(state, dict):
        return {k: _plain(v) for k, v in state.items()}
    return state.tolist() if isinstance(state, np.ndarray) else state


def _assert_unchanged(before, after):
    w0, o0, s0, l0, r0 = before
    w1, o1, s1, l1, r1 = after
    assert w0.keys() == w1.keys() and all(np.array_equal(w0[k], w1[k]) for k in w0)
    assert o0["param_groups"] == o1["param_groups"] and o0["state"].keys() == o1["state"].keys()
    assert s0 == s1 and l0 == l1 and np.array_equal(r0, r1)


def _refused(path, words, model, optimizer, scheduler, loader, **kw):
    before = _state_of(model, optimizer, scheduler, loader)
    with pytest.raises(CheckpointError) as info:
        load_checkpoint(path, model=model, optimizer=optimizer, scheduler=scheduler,
                        loader=loader, **kw)
    for w in words:
        assert w in str(info.value)
    _assert_unchanged(before, _state_of(model, optimizer, scheduler, loader))
    return str(info.value)


def test_mismatched_model_names_every_problem_and_loads_nothing(tmp_path):
    path = _trained_setup(tmp_path)
    model = nn.Sequential(nn.Linear(5, 10), nn.ReLU(), nn.Dropout(0.3),
                          nn.Linear(10, 3), nn.Linear(3, 3)).double()
    optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    scheduler = optim.lr_scheduler.StepLR(optimizer, 1)
    _, _, _, loader, _ = _build(seed=5)
    message = _refused(path, [
        "missing keys (in the model, not in the checkpoint): '4.weight', '4.bias'",
        "'0.weight' has shape (12, 5) in the checkpoint but (10, 5) in the model",
        "'3.weight' has shape (3, 12) in the checkpoint but (3, 10) in the model",
        "param group 0 has 4 parameters in the checkpoint but 6 in this SGD",
        "nothing was loaded"], model, optimizer, scheduler, loader)
    assert str(path) in message


def test_dtype_and_unexpected_keys(tmp_path):
    path = _trained_setup(tmp_path)
    model = nn.Sequential(nn.Linear(5, 12), nn.ReLU(), nn.Dropout(0.3), nn.Linear(12, 3))
    optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    scheduler = optim.lr_scheduler.StepLR(optimizer, 1)
    _, _, _, loader, _ = _build(seed=5)
    _refused(path, ["model: '0.weight' is float64 in the checkpoint but float32 in the model",
                    ("optimizer: state 'momentum_buffer' of parameter 0 is float64 in the "
                    "checkpoint but float32 in the parameter")],
             model, optimizer, scheduler, loader)
    small = nn.Sequential(nn.Linear(5, 12)).double()
    opt_small = optim.SGD(small.parameters(), lr=0.1)
    _refused(path, [("unexpected keys (in the checkpoint, not in the model): '3.weight', "
                    "'3.bias'")], small, opt_small, optim.lr_scheduler.StepLR(opt_small, 1),
             loader)


def test_wrong_optimizer_scheduler_and_group_count(tmp_path):
    path = _trained_setup(tmp_path)
    model, _, _, loader, _ = _build(seed=5)
    adam = optim.Adam(model.parameters())
    _refused(path, ["optimizer: the checkpoint's is SGD, this one is Adam"], model, adam,
             optim.lr_scheduler.StepLR(adam, 1), loader)
    sgd = optim.SGD(model.parameters(), lr=0.1)
    _refused(path, ["scheduler: the checkpoint's is StepLR, this one is ExponentialLR"],
             model, sgd, optim.lr_scheduler.ExponentialLR(sgd, 0.9), loader)
    params = list(model.parameters())
    two = optim.SGD([{"params": params[:2]}, {"params": params[2:]}], lr=0.1)
    _refused(path, ["the checkpoint has 1 param groups but this SGD has 2"], model, two,
             optim.lr_scheduler.StepLR(two, 1), loader)


def test_parts_missing_from_the_checkpoint(tmp_path):
    model, optimizer, scheduler, loader, _ = _build(seed=5)
    path = tmp_path / "bare.npz"
    save_checkpoint(path, model=model, epoch=0)
    _refused(path, ["optimizer: the checkpoint holds no optimizer state",
                    "scheduler: the checkpoint holds no scheduler state",
                    "loader: the checkpoint holds no loader state"],
             model, optimizer, scheduler, loader)


def test_loader_without_a_numpy_generator(tmp_path):
    path = _trained_setup(tmp_path)
    model, optimizer, scheduler, loader, _ = _build(seed=5)

    class NoGenerator:
        generator = None

    before = _weights(model)
    with pytest.raises(CheckpointError, match="loader.generator must be a "
                                              "numpy.random.Generator.*got NoneType"):
        load_checkpoint(path, model=model, loader=NoGenerator())
    assert all(np.array_equal(v, before[k]) for k, v in _weights(model).items())
    loader.generator = np.random.Generator(np.random.MT19937(0))
    _refused(path, [("loader: the checkpoint's generator is 'PCG64', the loader's is "
                    "'MT19937'")], model, optimizer, scheduler, loader)


def _rewrite_header(path, change):
    with np.load(path) as npz:
        arrays = {k: npz[k] for k in npz.files}
    doc = json.loads(arrays["chainrule_checkpoint"].tobytes())
    change(doc)
    arrays["chainrule_checkpoint"] = np.frombuffer(json.dumps(doc).encode(), np.uint8)
    np.savez(path, **arrays)


@pytest.mark.parametrize("change, words", [
    (lambda d: d.update(version=2), ("format version 2, written by a newer chainrule; this "
                                    "one reads version 1")),
    (lambda d: d.update(version="1"), "version field is '1', not a positive int"),
    (lambda d: d.update(format="other"), "not a chainrule checkpoint (format 'other'"),
    (lambda d: d.pop("model"), "the checkpoint lacks ['model']"),
    (lambda d: d["model"].update({"0.bias": {"$array": "a999"}}),
     "refers to an array entry 'a999' that the file does not hold"),
    (lambda d: d.update(epoch=-3), "epoch is -3"),
])
def test_damaged_header_is_named(tmp_path, change, words):
    path = _trained_setup(tmp_path)
    _rewrite_header(path, change)
    model, optimizer, scheduler, loader, _ = _build(seed=5)
    _refused(path, [words], model, optimizer, scheduler, loader)


def test_truncated_and_corrupt_files(tmp_path):
    path = _trained_setup(tmp_path)
    model, optimizer, scheduler, loader, _ = _build(seed=5)
    data = path.read_bytes()
    cut = tmp_path / "cut.npz"
    cut.write_bytes(data[: len(data) // 2])
    _refused(cut, ["not a chainrule checkpoint (not a readable .npz archive"],
             model, optimizer, scheduler, loader)

    # flip one byte inside the first array's data: the zip CRC catches it
    flipped = tmp_path / "flipped.npz"
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("a0.npy")
    raw = bytearray(data)
    at = info.header_offset + 30 + len(info.filename) + len(info.extra) + info.file_size - 1
    raw[at] ^= 0xFF
    flipped.write_bytes(bytes(raw))
    _refused(flipped, ["the checkpoint is corrupt or truncated", "CRC"],
             model, optimizer, scheduler, loader)

    text = tmp_path / "notes.txt"
    text.write_text("hello")
    _refused(text, ["not a chainrule checkpoint"], model, optimizer, scheduler, loader)
    other = tmp_path / "other.npz"
    np.savez(other, x=np.zeros(2))
    _refused(other, ["no 'chainrule_checkpoint' entry; the archive holds: x"],
             model, optimizer, scheduler, loader)
    single = tmp_path / "single.npy"
    np.save(single, np.zeros(2))
    _refused(single, ["a single .npy array"], model, optimizer, scheduler, loader)
    with pytest.raises(FileNotFoundError):
        load_checkpoint(tmp_path / "absent.npz", model=model)


def test_failure_while_loading_rolls_everything_back(tmp_path, monkeypatch):
    """A failure the checks cannot foresee (here: the scheduler's own
    load_state_dict) still leaves model, optimizer and generators as they were."""
    path = _trained_setup(tmp_path)
    model, optimizer, scheduler, loader, _ = _build(seed=5)

    def boom(self, state):
        raise RuntimeError("scheduler exploded")

    monkeypatch.setattr(optim.lr_scheduler.StepLR, "load_state_dict", boom)
    _refused(path, ["could not be loaded (scheduler exploded); nothing was changed"],
             model, optimizer, scheduler, loader)

"""chainrule.training: the loop's bookkeeping, mode switching, schedules,
early stopping, clipping, and what it prints.  Loaders here are plain lists
of (inputs, targets) batches: the loop takes any iterable."""
import io
import math

import numpy as np
import pytest

import autograd as ag
import nn
import optim
from chainrule.training import EarlyStopping, History, evaluate, fit


def _blobs(n=64, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    x = rng.standard_normal((n, 2)) + 3.0 * y[:, None]  # two well-separated blobs
    return x, y.astype(np.int64)


def _batches(x, y, size):
    return [(x[i:i + size], y[i:i + size]) for i in range(0, len(x), size)]


def _classifier(seed=0):
    ag.manual_seed(seed)
    return nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 2)).double()


def _quiet_fit(*args, **kw):
    return fit(*args, progress=False, **kw)


def test_fit_learns_and_records_each_epoch():
    x, y = _blobs()
    model = _classifier()
    opt = optim.SGD(model.parameters(), lr=0.5, momentum=0.5)
    seen = []
    history = _quiet_fit(model, nn.CrossEntropyLoss(), opt, _batches(x, y, 16),
                         _batches(x, y, 64), epochs=5,
                         on_epoch_end=lambda e, h: seen.append((e, len(h))))
    assert isinstance(history, History) and len(history) == 5
    assert history.epochs == [1, 2, 3, 4, 5] and seen == [(e, e) for e in range(1, 6)]
    assert set(history.metrics) == {"train_loss", "train_accuracy", "val_loss",
                                    "val_accuracy", "lr"}
    assert history["lr"] == [0.5] * 5
    assert history["val_loss"][-1] < history["val_loss"][0]
    assert history["val_accuracy"][-1] >= 0.9  # the blobs overlap: ~95% is the ceiling
    assert history.best_epoch is None and history.stopped_early is False
    # the last val entry is exactly what evaluate() reports for the final weights
    result = evaluate(model, _batches(x, y, 64), nn.CrossEntropyLoss())
    assert result["loss"] == history["val_loss"][-1]
    assert result["accuracy"] == history["val_accuracy"][-1]


def test_epoch_loss_is_the_sample_weighted_mean():
    # lr=0: the weights never move, so every batch loss is known in advance.
    # A model that outputs 0: MSE of a batch = mean(y**2).
    model = nn.Linear(1, 1, bias=False).double()
    with ag.no_grad():
        model.weight.zero_()
    x = np.zeros((4, 1))
    y = np.array([[1.0], [1.0], [1.0], [3.0]])
    history = _quiet_fit(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=0.0),
                         [(x[:3], y[:3]), (x[3:], y[3:])], epochs=1)
    # batch means 1 and 9 with sizes 3 and 1: (3*1 + 1*9) / 4 = 3, not (1+9)/2
    assert history["train_loss"] == [3.0]
    assert history["train_accuracy"] == [None]  # regression: no accuracy


def test_train_and_eval_modes_and_no_grad_in_evaluation():
    calls = []

    class Spy(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(2, 2).double()

        def forward(self, x):
            calls.append((self.training, ag.is_grad_enabled()))
            return self.lin(x)

    x, y = _blobs(8)
    model = Spy()
    _quiet_fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1),
               [(x, y)], [(x, y)], epochs=2)
    assert calls == [(True, True), (False, False)] * 2
    assert model.training  # evaluate() restores the mode it found
    model.eval()
    evaluate(model, [(x, y)])
    assert not model.training


def test_evaluate_returns_predictions_and_targets_in_order():
    model = nn.Linear(2, 3, bias=False).double()
    with ag.no_grad():
        model.weight.copy_(ag.tensor(np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])))
    x = np.array([[2.0, 1.0], [0.0, 5.0], [-3.0, -1.0]])
    y = np.array([0, 2, 2])
    out = evaluate(model, [(x[:2], y[:2]), (x[2:], y[2:])])
    np.testing.assert_array_equal(out["predictions"], [0, 1, 2])
    np.testing.assert_array_equal(out["targets"], [0, 2, 2])
    assert out["accuracy"] == 2 / 3 and out["loss"] is None


def test_scheduler_steps_once_per_epoch_and_lr_is_recorded_before_it():
    x, y = _blobs()
    model = _classifier()
    opt = optim.SGD(model.parameters(), lr=1.0)
    sched = optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    history = _quiet_fit(model, nn.CrossEntropyLoss(), opt, _batches(x, y, 32), epochs=5,
                         scheduler=sched)
    assert history["lr"] == [1.0, 1.0, 0.5, 0.5, 0.25]
    assert sched.last_epoch == 5


def test_reduce_on_plateau_watches_the_validation_loss():
    class Recorder(optim.lr_scheduler.ReduceLROnPlateau):
        def step(self, metrics, epoch=None):
            watched.append(metrics)
            super().step(metrics, epoch)

    watched = []
    x, y = _blobs()
    model = _classifier()
    opt = optim.SGD(model.parameters(), lr=0.1)
    history = _quiet_fit(model, nn.CrossEntropyLoss(), opt, _batches(x, y, 32),
                         _batches(x, y, 64), epochs=3, scheduler=Recorder(opt))
    assert watched == history["val_loss"]


def test_clip_grad_norm_bounds_the_step():
    model = nn.Linear(3, 1, bias=False).double()
    w0 = model.weight.detach().numpy().copy()
    x = np.array([[100.0, -50.0, 20.0]])
    y = np.array([[0.0]])
    _quiet_fit(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=1.0), [(x, y)],
               epochs=1, clip_grad_norm=0.5)
    step = model.weight.detach().numpy() - w0
    assert np.linalg.norm(step) == pytest.approx(0.5, rel=1e-5)  # clipped from ~1e4


def test_early_stopping_stops_and_restores_the_best_weights():
    x, y = _blobs()
    model = _classifier()
    # gradient *ascent*: the validation loss gets worse every epoch after the first
    opt = optim.SGD(model.parameters(), lr=0.05, maximize=True)
    snapshots = {}
    history = _quiet_fit(
        model, nn.CrossEntropyLoss(), opt, _batches(x, y, 16), _batches(x, y, 64), epochs=20,
        early_stopping=EarlyStopping(patience=2),
        on_epoch_end=lambda e, h: snapshots.update({e: {k: v.numpy().copy() for k, v
                                                        in model.state_dict().items()}}))
    assert history.epochs == [1, 2, 3] and history.stopped_early is True
    assert history.best_epoch == 1
    assert history["val_loss"][0] < history["val_loss"][1] < history["val_loss"][2]
    for k, v in model.state_dict().items():
        assert np.array_equal(v.numpy(), snapshots[1][k]), k


def test_early_stopping_rule_by_hand():
    model = nn.Linear(1, 1)
    es = EarlyStopping(patience=2, min_delta=0.05)
    # 1.0 best; 0.97 not better by > 0.05 (bad 1); 0.9 better (reset); 0.88, 0.87 bad -> stop
    decisions = [es.step(v, model, e) for e, v in enumerate([1.0, 0.97, 0.9, 0.88, 0.87], 1)]
    assert decisions == [False, False, False, False, True]
    assert (es.best_epoch, es.best_loss) == (3, 0.9)
    assert es.step(float("nan"), model, 6) is True  # NaN never improves


@pytest.mark.parametrize("kw, kind, words", [
    ({"patience": 0}, ValueError, "patience must be an int >= 1, got 0"),
    ({"min_delta": -1}, ValueError, "min_delta must be a number >= 0, got -1"),
])
def test_early_stopping_arguments(kw, kind, words):
    with pytest.raises(kind) as info:
        EarlyStopping(**kw)
    assert words in str(info.value)


def test_divergence_is_an_error_naming_epoch_and_batch_and_keeps_weights():
    model = nn.Linear(1, 1).double()
    w0 = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    x = np.ones((2, 1))
    batches = [(x, np.array([[np.inf], [0.0]]))]
    with pytest.raises(FloatingPointError, match=r"loss is inf at epoch 1, batch 0: training "
                                                 r"diverged \(lr=0.1\)"):
        _quiet_fit(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=0.1), batches,
                   epochs=1)
    for k, v in model.state_dict().items():
        assert np.array_equal(v.numpy(), w0[k])


def test_resume_arguments_continue_the_history():
    x, y = _blobs()
    model = _classifier()
    opt = optim.SGD(model.parameters(), lr=0.1)
    h = _quiet_fit(model, nn.CrossEntropyLoss(), opt, _batches(x, y, 32), epochs=2)
    h = _quiet_fit(model, nn.CrossEntropyLoss(), opt, _batches(x, y, 32), epochs=3,
                   start_epoch=2, history=h)
    assert h.epochs == [1, 2, 3]
    assert _quiet_fit(model, nn.CrossEntropyLoss(), opt, _batches(x, y, 32), epochs=3,
                      start_epoch=3, history=h) is h  # nothing left to do


@pytest.mark.parametrize("kw, kind, words", [
    ({"epochs": -1}, ValueError, "epochs must be an int >= 0, got -1"),
    ({"epochs": 2, "start_epoch": 3}, ValueError, "start_epoch=3 is past epochs=2"),
    ({"epochs": 2, "early_stopping": EarlyStopping()}, ValueError, "give val_loader too"),
    ({"epochs": 2, "early_stopping": 3}, TypeError, "must be an EarlyStopping, got int"),
    ({"epochs": 2, "clip_grad_norm": 0}, ValueError, "clip_grad_norm must be a number > 0"),
    ({"epochs": 2, "history": {}}, TypeError, "history must be a History, got dict"),
    ({"epochs": 3, "start_epoch": 1, "history": History()}, ValueError,
     "the history ends at epoch 0 but start_epoch=1"),
])
def test_bad_fit_arguments_change_nothing(kw, kind, words):
    x, y = _blobs(8)
    model = _classifier()
    w0 = model.state_dict()["0.weight"].numpy().copy()
    with pytest.raises(kind) as info:
        _quiet_fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1),
                   [(x, y)], **kw)
    assert words in str(info.value)
    assert np.array_equal(model.state_dict()["0.weight"].numpy(), w0)


def test_bad_batches_and_empty_loader():
    model = _classifier()
    opt = optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(TypeError, match=r"each batch must be a pair \(inputs, targets\), got "
                                        r"ndarray"):
        _quiet_fit(model, nn.CrossEntropyLoss(), opt, [np.zeros((3, 2, 2))], epochs=1)
    with pytest.raises(ValueError, match="the loader yielded no batches"):
        _quiet_fit(model, nn.CrossEntropyLoss(), opt, [], epochs=1)
    with pytest.raises(ValueError, match=r"evaluate\(\): the loader yielded no batches"):
        evaluate(model, [])


def test_history_round_trip_and_column_check():
    h = History()
    h.append(1, train_loss=0.5, lr=0.1)
    h.append(2, train_loss=0.25, lr=0.1)
    assert History.from_dict(h.to_dict()) == h
    assert h["train_loss"] == [0.5, 0.25] and "lr" in h and len(h) == 2
    with pytest.raises(ValueError, match=r"epoch 3 has metrics \['lr'\] but earlier epochs "
                                         r"have \['lr', 'train_loss'\]"):
        h.append(3, lr=0.1)
    assert len(h) == 2


# ------------------------------------------------------------------- display
class _FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def _run_small(monkeypatch, stderr, **kw):
    monkeypatch.setattr("sys.stderr", stderr)
    x, y = _blobs(32)
    model = _classifier()
    fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1),
        _batches(x, y, 8), _batches(x, y, 32), epochs=2, **kw)


def test_no_output_when_not_a_terminal(monkeypatch, capsys):
    err = io.StringIO()
    _run_small(monkeypatch, err, progress=True)
    assert err.getvalue() == "" and capsys.readouterr().out == ""


def test_verbose_prints_one_line_per_epoch(monkeypatch, capsys):
    _run_small(monkeypatch, io.StringIO(), progress=False, verbose=True)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("epoch 1/2  train loss ") and " val loss " in lines[0]
    assert lines[1].endswith("lr 0.1")


def test_progress_bar_on_a_terminal(monkeypatch, capsys):
    pytest.importorskip("tqdm")
    term = _FakeTerminal()
    _run_small(monkeypatch, term, progress=True)
    shown = term.getvalue()
    assert "epoch 1/2" in shown and "epoch 2/2" in shown and "4/4" in shown
    assert "val loss" in shown and "acc" in shown
    assert capsys.readouterr().out == ""
    quiet = _FakeTerminal()
    _run_small(monkeypatch, quiet, progress=False)
    assert quiet.getvalue() == ""


def test_finite_numbers_in_history_are_plain_floats():
    x, y = _blobs(16)
    model = _classifier()
    h = _quiet_fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1),
                   _batches(x, y, 8), _batches(x, y, 16), epochs=1)
    for key in ("train_loss", "train_accuracy", "val_loss", "val_accuracy", "lr"):
        assert type(h[key][0]) is float and math.isfinite(h[key][0])

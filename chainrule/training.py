"""A small training loop: `fit`, `evaluate`, `EarlyStopping`, `History`.

`fit` is meant to be read top to bottom: it is the loop a PyTorch user
writes by hand (zero_grad, forward, loss, backward, clip, step; validate
each epoch; step the schedule), plus the bookkeeping worth not rewriting
every time (running loss and accuracy, a per-epoch `History`, early
stopping with the best weights restored, a progress bar).  Everything
optional is off unless asked for.

L2 regularization needs no code here: give the optimizer ``weight_decay``
(``optim.SGD(params, lr, weight_decay=1e-4)`` adds ``weight_decay * w`` to
each gradient; ``optim.AdamW`` decays the weights directly).

The loaders are any iterables of ``(inputs, targets)`` batches (a
``DataLoader``, a list of pairs, a generator function's output for one
epoch...); inputs and targets may be Tensors or NumPy arrays.  Accuracy is
recorded for classification batches -- outputs ``(N, C)`` scores with
integer targets ``(N,)`` -- and is None otherwise.  ``loss_fn`` must return
the batch *mean* (``reduction='mean'``, the default): the epoch loss is the
mean over samples, weighting each batch by its size.
"""
import math
import numbers
import sys

import numpy as np

import autograd as ag
from nn.utils import clip_grad_norm_
from optim.lr_scheduler import ReduceLROnPlateau

__all__ = ["EarlyStopping", "History", "evaluate", "fit", "train_one_epoch"]


def fit(model, loss_fn, optimizer, train_loader, val_loader=None, *, epochs, scheduler=None,
        clip_grad_norm=None, early_stopping=None, progress=True, verbose=False,
        on_epoch_end=None, start_epoch=0, history=None):
    """Train ``model`` until ``epochs`` epochs are done; return the `History`.

    ``epochs`` is the total to reach and ``start_epoch`` the number already
    done (resuming from a checkpoint: pass its ``epoch`` and ``history``).
    After each epoch: validate on ``val_loader`` (if given), record the
    epoch, step ``scheduler`` (`ReduceLROnPlateau` gets the validation
    loss, or the training loss without validation), update
    ``early_stopping`` and call ``on_epoch_end(epoch, history)`` -- the
    place to save a checkpoint.  ``clip_grad_norm`` bounds the gradients'
    joint 2-norm before each step.  ``progress`` shows a tqdm bar per
    epoch when stderr is a terminal; ``verbose`` prints one line per epoch
    instead when there is no bar.
    """
    _check_fit_args(epochs, start_epoch, history, val_loader, early_stopping, clip_grad_norm)
    history = History() if history is None else history
    show = _Display(progress, verbose, epochs)
    for epoch in range(start_epoch + 1, epochs + 1):
        lr = optimizer.param_groups[0]["lr"]
        bar = show.bar(epoch, train_loader)
        train = train_one_epoch(model, loss_fn, optimizer, train_loader,
                                clip_grad_norm=clip_grad_norm, on_batch=bar.batch_done,
                                epoch=epoch)
        record = {"train_loss": train["loss"], "train_accuracy": train["accuracy"]}
        if val_loader is not None:
            val = evaluate(model, val_loader, loss_fn)
            record.update(val_loss=val["loss"], val_accuracy=val["accuracy"])
        record["lr"] = lr
        history.append(epoch, **record)
        bar.epoch_done(record)

        if scheduler is not None:
            _step_scheduler(scheduler, record)
        stop = early_stopping is not None and early_stopping.step(record["val_loss"], model,
                                                                   epoch)
        if on_epoch_end is not None:
            on_epoch_end(epoch, history)
        if stop:
            history.stopped_early = True
            break

    if early_stopping is not None:
        history.best_epoch = early_stopping.best_epoch
        if early_stopping.restore_best:
            early_stopping.restore(model)
    return history


def train_one_epoch(model, loss_fn, optimizer, loader, *, clip_grad_norm=None, on_batch=None,
                    epoch=None):
    """One pass over ``loader`` in training mode, one optimizer step per
    batch.  Returns ``{"loss", "accuracy"}`` averaged over the samples
    (accuracy None unless the batches are classification batches)."""
    model.train()
    totals = _Totals()
    for index, batch in enumerate(loader):
        inputs, targets = _unpack(batch, "fit")
        optimizer.zero_grad()
        outputs = model(inputs)
        loss = loss_fn(outputs, targets)
        value = loss.item()
        if not math.isfinite(value):
            raise FloatingPointError(_diverged(value, epoch, index, optimizer))
        loss.backward()
        if clip_grad_norm is not None:
            clip_grad_norm_(model.parameters(), clip_grad_norm)
        optimizer.step()
        totals.add(value, outputs, targets)
        if on_batch is not None:
            on_batch(totals)
    return totals.result("fit")


def evaluate(model, loader, loss_fn=None):
    """Run ``model`` over ``loader`` in eval mode without recording a graph.

    Returns ``{"loss", "accuracy", "predictions", "targets"}``: mean loss
    (None without ``loss_fn``), accuracy (None unless classification),
    the predicted classes (the outputs themselves for other tasks) and the
    targets, as NumPy arrays in loader order.  The model's training mode
    is restored afterwards."""
    was_training = model.training
    model.eval()
    totals, predictions, targets_seen = _Totals(), [], []
    try:
        with ag.no_grad():
            for batch in loader:
                inputs, targets = _unpack(batch, "evaluate")
                outputs = model(inputs)
                value = None if loss_fn is None else loss_fn(outputs, targets).item()
                totals.add(value, outputs, targets)
                predictions.append(_predicted(outputs, targets))
                targets_seen.append(targets.numpy())
    finally:
        model.train(was_training)
    result = totals.result("evaluate")
    result["predictions"] = np.concatenate(predictions)
    result["targets"] = np.concatenate(targets_seen)
    return result


class EarlyStopping:
    """Stop when the validation loss has not improved for ``patience``
    epochs in a row -- the lecture notes' guard against overfitting.

    An epoch improves when its loss is below the best so far by more than
    ``min_delta``.  With ``restore_best`` a copy of the weights is kept at
    each improvement and put back into the model when `fit` returns (even
    if it ran out of epochs first), so the model ends at its best
    validation loss.  ``state_dict``/``load_state_dict`` let a checkpoint
    carry it (``save_checkpoint(..., extra={"early_stopping": es.state_dict()})``).
    """

    def __init__(self, patience=5, min_delta=0.0, restore_best=True):
        if isinstance(patience, bool) or not isinstance(patience, numbers.Integral) \
                or patience < 1:
            raise ValueError(f"EarlyStopping: patience must be an int >= 1, got {patience!r}")
        if isinstance(min_delta, bool) or not isinstance(min_delta, numbers.Real) \
                or not min_delta >= 0:
            raise ValueError(f"EarlyStopping: min_delta must be a number >= 0, got "
                             f"{min_delta!r}")
        self.patience = int(patience)
        self.min_delta = float(min_delta)
        self.restore_best = bool(restore_best)
        self.best_loss = math.inf
        self.best_epoch = None
        self.bad_epochs = 0
        self.best_state = None

    def step(self, loss, model, epoch):
        """Record one epoch's validation loss; True when training should stop."""
        if loss < self.best_loss - self.min_delta:
            self.best_loss, self.best_epoch, self.bad_epochs = float(loss), epoch, 0
            if self.restore_best:
                self.best_state = {k: v.numpy().copy() for k, v in model.state_dict().items()}
        else:
            self.bad_epochs += 1
        return self.bad_epochs >= self.patience

    def restore(self, model):
        """Put the best weights seen back into ``model`` (no-op before any)."""
        if self.best_state is not None:
            model.load_state_dict(self.best_state)

    def state_dict(self):
        return {"patience": self.patience, "min_delta": self.min_delta,
                "restore_best": self.restore_best, "best_loss": self.best_loss,
                "best_epoch": self.best_epoch, "bad_epochs": self.bad_epochs,
                "best_state": None if self.best_state is None
                else {k: v.copy() for k, v in self.best_state.items()}}

    def load_state_dict(self, state):
        self.__dict__.update(EarlyStopping(state["patience"], state["min_delta"],
                                           state["restore_best"]).__dict__)
        self.best_loss, self.best_epoch = state["best_loss"], state["best_epoch"]
        self.bad_epochs = state["bad_epochs"]
        best = state["best_state"]
        self.best_state = None if best is None else {k: np.array(v, copy=True)
                                                      for k, v in best.items()}


class History:
    """One row per epoch: ``history.epochs`` (1-based epoch numbers) and a
    list per metric, ``history["train_loss"]``, ``history["val_accuracy"]``,
    ``history["lr"]``...  (None where a value does not apply).
    ``best_epoch`` and ``stopped_early`` are set by early stopping.
    `to_dict` / `from_dict` convert to plain JSON-ready data."""

    def __init__(self):
        self.epochs = []
        self.metrics = {}
        self.best_epoch = None
        self.stopped_early = False

    def append(self, epoch, **values):
        if self.metrics and set(values) != set(self.metrics):
            raise ValueError(f"History.append: epoch {epoch} has metrics {sorted(values)} but "
                             f"earlier epochs have {sorted(self.metrics)}")
        self.epochs.append(epoch)
        for key, value in values.items():
            self.metrics.setdefault(key, []).append(value)

    def __getitem__(self, key):
        return self.metrics[key]

    def __contains__(self, key):
        return key in self.metrics

    def __len__(self):
        return len(self.epochs)

    def to_dict(self):
        return {"epochs": list(self.epochs),
                "metrics": {k: list(v) for k, v in self.metrics.items()},
                "best_epoch": self.best_epoch, "stopped_early": self.stopped_early}

    @classmethod
    def from_dict(cls, data):
        history = cls()
        history.epochs = list(data["epochs"])
        history.metrics = {k: list(v) for k, v in data["metrics"].items()}
        history.best_epoch = data.get("best_epoch")
        history.stopped_early = bool(data.get("stopped_early", False))
        return history

    def __eq__(self, other):
        return isinstance(other, History) and self.to_dict() == other.to_dict()

    def __repr__(self):
        return f"History({len(self)} epochs: {', '.join(self.metrics)})"


# ---------------------------------------------------------------- helpers
class _Totals:
    """Running sums over the batches of one pass: sample-weighted loss and
    correct predictions."""

    def __init__(self):
        self.samples = 0
        self.loss_sum = 0.0
        self.correct = 0
        self.has_loss = True
        self.classification = True

    def add(self, loss, outputs, targets):
        n = targets.shape[0]
        self.samples += n
        if loss is None:
            self.has_loss = False
        else:
            self.loss_sum += loss * n
        if self.classification and _is_classification(outputs, targets):
            self.correct += int(np.count_nonzero(outputs.detach().numpy().argmax(axis=1)
                                                 == targets.numpy()))
        else:
            self.classification = False

    @property
    def loss(self):
        return self.loss_sum / self.samples if self.has_loss else None

    @property
    def accuracy(self):
        return self.correct / self.samples if self.classification else None

    def result(self, fn):
        if self.samples == 0:
            raise ValueError(f"{fn}(): the loader yielded no batches (is the dataset empty, "
                             "or drop_last=True with fewer samples than one batch?)")
        return {"loss": self.loss, "accuracy": self.accuracy}


def _is_classification(outputs, targets):
    return (outputs.ndim == 2 and targets.ndim == 1 and targets.dtype.kind in "iu"
            and outputs.shape[0] == targets.shape[0])


def _predicted(outputs, targets):
    if _is_classification(outputs, targets):
        return outputs.numpy().argmax(axis=1)
    return outputs.numpy()


def _unpack(batch, fn):
    try:
        inputs, targets = batch
    except (TypeError, ValueError):
        raise TypeError(f"{fn}(): each batch must be a pair (inputs, targets), got "
                        f"{type(batch).__name__}") from None
    return ag.as_tensor(inputs), ag.as_tensor(targets)


def _diverged(value, epoch, index, optimizer):
    return (f"fit(): the loss is {value} at epoch {epoch}, batch {index}: training diverged "
            f"(lr={optimizer.param_groups[0]['lr']}); try a smaller learning rate or "
            "clip_grad_norm. The weights are those before this batch")


def _step_scheduler(scheduler, record):
    if isinstance(scheduler, ReduceLROnPlateau):
        scheduler.step(record.get("val_loss", record["train_loss"]))
    else:
        scheduler.step()


def _check_fit_args(epochs, start_epoch, history, val_loader, early_stopping, clip_grad_norm):
    for name, value in (("epochs", epochs), ("start_epoch", start_epoch)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
            raise ValueError(f"fit(): {name} must be an int >= 0, got {value!r}")
    if start_epoch > epochs:
        raise ValueError(f"fit(): start_epoch={start_epoch} is past epochs={epochs} (epochs "
                         "is the total to reach, not the number still to run)")
    if history is not None:
        if not isinstance(history, History):
            raise TypeError(f"fit(): history must be a History, got {type(history).__name__}")
        done = history.epochs[-1] if history.epochs else 0
        if done != start_epoch:
            raise ValueError(f"fit(): the history ends at epoch {done} but start_epoch="
                             f"{start_epoch}; resume with the epoch and history of one "
                             "checkpoint")
    if early_stopping is not None:
        if not isinstance(early_stopping, EarlyStopping):
            raise TypeError(f"fit(): early_stopping must be an EarlyStopping, got "
                            f"{type(early_stopping).__name__}")
        if val_loader is None:
            raise ValueError("fit(): early_stopping watches the validation loss; give "
                             "val_loader too")
    if clip_grad_norm is not None and (isinstance(clip_grad_norm, bool)
                                       or not isinstance(clip_grad_norm, numbers.Real)
                                       or not clip_grad_norm > 0):
        raise ValueError(f"fit(): clip_grad_norm must be a number > 0, got {clip_grad_norm!r}")


# ---------------------------------------------------------------- display
class _Display:
    """Decides once how `fit` reports: a tqdm bar per epoch (``progress``
    and stderr is a terminal and tqdm is installed), else one line per
    epoch (``verbose``, or a bar was wanted but tqdm is missing), else
    nothing."""

    def __init__(self, progress, verbose, epochs):
        self.epochs = epochs
        self.tqdm = None
        if progress and _is_terminal(sys.stderr):
            try:
                from tqdm import tqdm
                self.tqdm = tqdm
            except ImportError:
                verbose = True
        self.verbose = verbose

    def bar(self, epoch, loader):
        if self.tqdm is not None:
            return _Bar(self.tqdm, epoch, self.epochs, loader)
        return _Line(epoch, self.epochs) if self.verbose else _Silent()


def _is_terminal(stream):
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class _Silent:
    def batch_done(self, totals):
        pass

    def epoch_done(self, record):
        pass


class _Line(_Silent):
    def __init__(self, epoch, epochs):
        self.prefix = f"epoch {epoch}/{epochs}"

    def epoch_done(self, record):
        print(self.prefix + "  " + _summary(record), flush=True)


class _Bar:
    """A tqdm bar over the epoch's batches with the running loss and
    accuracy; at the end it shows the epoch's summary and stays."""

    def __init__(self, tqdm, epoch, epochs, loader):
        total = len(loader) if hasattr(loader, "__len__") else None
        self.bar = tqdm(total=total, desc=f"epoch {epoch}/{epochs}", unit="batch",
                        leave=True, file=sys.stderr)

    def batch_done(self, totals):
        postfix = {"loss": f"{totals.loss:.4f}"}
        if totals.accuracy is not None:
            postfix["acc"] = f"{totals.accuracy:.2%}"
        self.bar.set_postfix(postfix, refresh=False)
        self.bar.update(1)

    def epoch_done(self, record):
        self.bar.set_postfix_str(_summary(record), refresh=False)
        self.bar.close()


def _summary(record):
    parts = []
    for split in ("train", "val"):
        if record.get(f"{split}_loss") is not None:
            part = f"{split} loss {record[f'{split}_loss']:.4f}"
            if record.get(f"{split}_accuracy") is not None:
                part += f" acc {record[f'{split}_accuracy']:.2%}"
            parts.append(part)
    parts.append(f"lr {record['lr']:.3g}")
    return "  ".join(parts)

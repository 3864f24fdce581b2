"""Learning-rate schedules: change each param group's ``lr`` as training goes.

Call ``scheduler.step()`` once per epoch (after ``optimizer.step()``).
Construction counts as epoch 0: it records each group's starting ``lr`` as
``initial_lr`` (PyTorch's key, so a resumed optimizer state carries it) and
sets the epoch-0 rate.

The multiplicative schedules (`StepLR`, `MultiStepLR`, `ExponentialLR`,
`CosineAnnealingLR`) update ``lr`` from its *current* value, as PyTorch's
do, so they compose with other changes to ``lr`` and reproduce PyTorch's
floating-point sequence exactly.  ``step(epoch)`` jumps to an epoch using
each schedule's closed form instead.
"""
import copy
import math
import numbers
import types
from bisect import bisect_right
from collections import Counter

from autograd.errors import ArgumentError

from .optimizer import Optimizer, _is_real

__all__ = ["LRScheduler", "LambdaLR", "StepLR", "MultiStepLR", "ExponentialLR",
           "CosineAnnealingLR", "InverseTimeLR", "ReduceLROnPlateau"]


class LRScheduler:
    """Base class.  Subclasses define `get_lr` (the rates for
    ``last_epoch``, usually from the current ones) and may define
    ``_get_closed_form_lr`` (the rates for ``last_epoch`` from
    ``base_lrs`` alone, used by ``step(epoch)``)."""

    def __init__(self, optimizer, last_epoch=-1):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__}: expected an Optimizer, got "
                            f"{type(optimizer).__name__}")
        _check_last_epoch(type(self).__name__, last_epoch)
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"{type(self).__name__}: param group {i} has no 'initial_lr', which "
                        f"resuming with last_epoch={last_epoch} needs; load the optimizer's "
                        "saved state first, or start with last_epoch=-1")
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._initial_step()

    def _initial_step(self):
        """Set the rates of ``last_epoch + 1`` as construction does (also
        used by `SequentialLR` when it hands over to a schedule)."""
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def get_lr(self):
        """The learning rates for ``last_epoch``, one per param group."""
        raise NotImplementedError(f"abstract method: {type(self).__name__} must implement "
                                  "get_lr")

    def get_last_lr(self):
        """The learning rates this scheduler last set, one per group."""
        return list(self._last_lr)

    def step(self, epoch=None):
        """Advance one epoch (or jump to ``epoch``) and set the groups' lr."""
        _check_epoch(type(self).__name__, epoch)
        self._step_count += 1
        self._update_lr(epoch)

    def _update_lr(self, epoch):
        """Move to the next epoch (or to ``epoch``, by the closed form when
        there is one) and set the groups' lr.  If the schedule refuses the
        epoch, ``last_epoch`` is left as it was."""
        previous = self.last_epoch
        try:
            if epoch is None:
                self.last_epoch += 1
                values = self.get_lr()
            else:
                self.last_epoch = epoch
                closed = getattr(self, "_get_closed_form_lr", None)
                values = closed() if closed is not None else self.get_lr()
        except BaseException:
            self.last_epoch = previous
            raise
        groups = self.optimizer.param_groups
        values = list(values)
        if len(values) != len(groups):
            raise ValueError(
                f"{type(self).__name__}: the optimizer has {len(groups)} param groups but "
                f"the scheduler was built for {len(values)}; create the scheduler after "
                "add_param_group()")
        for group, lr in zip(groups, values):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in groups]

    def _current_lrs(self):
        return [group["lr"] for group in self.optimizer.param_groups]

    def state_dict(self):
        """Everything but the optimizer (save that with its own
        ``state_dict``), copied so later steps do not change it."""
        return {k: copy.deepcopy(v) for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict):
        self.__dict__.update(copy.deepcopy(state_dict))

    def __repr__(self):
        return f"{type(self).__name__}(last_epoch={self.last_epoch}, lr={self._last_lr})"


class LambdaLR(LRScheduler):
    """``lr = initial_lr * lr_lambda(epoch)``; one function for all groups
    or a list with one per group."""

    def __init__(self, optimizer, lr_lambda, last_epoch=-1):
        n = len(optimizer.param_groups) if isinstance(optimizer, Optimizer) else 0
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != n:
                raise ValueError(f"LambdaLR: expected {n} lr_lambdas (one per param group), "
                                 f"got {len(lr_lambda)}")
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * n
        for i, fn in enumerate(self.lr_lambdas):
            if not callable(fn):
                raise TypeError(f"LambdaLR: lr_lambda {i} is a {type(fn).__name__}, not "
                                "a function of the epoch")
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        return [base * self._factor(i, fn) for i, (fn, base)
                in enumerate(zip(self.lr_lambdas, self.base_lrs))]

    def _factor(self, i, fn):
        factor = fn(self.last_epoch)
        if not _is_real(factor):
            raise TypeError(f"LambdaLR: lr_lambda {i} returned {factor!r} "
                            f"({type(factor).__name__}) for epoch {self.last_epoch}; it must "
                            "return a number, the factor for the initial lr")
        return factor

    def state_dict(self):
        """As PyTorch: plain functions and lambdas cannot be saved, so they
        are stored as None; callable objects keep their attributes."""
        state = {k: copy.deepcopy(v) for k, v in self.__dict__.items()
                 if k not in ("optimizer", "lr_lambdas")}
        state["lr_lambdas"] = [None if isinstance(fn, types.FunctionType)
                               else copy.deepcopy(fn.__dict__) for fn in self.lr_lambdas]
        return state

    def load_state_dict(self, state_dict):
        state = {k: copy.deepcopy(v) for k, v in state_dict.items() if k != "lr_lambdas"}
        saved = state_dict.get("lr_lambdas", [None] * len(self.lr_lambdas))
        if len(saved) != len(self.lr_lambdas):
            raise ValueError(f"LambdaLR.load_state_dict: {len(saved)} saved lr_lambdas for "
                             f"{len(self.lr_lambdas)} param groups")
        self.__dict__.update(state)
        for fn, attrs in zip(self.lr_lambdas, saved):
            if attrs is not None:
                fn.__dict__.update(copy.deepcopy(attrs))


class StepLR(LRScheduler):
    """Multiply lr by ``gamma`` every ``step_size`` epochs:
    ``lr = initial_lr * gamma ** (epoch // step_size)``."""

    def __init__(self, optimizer, step_size, gamma=0.1, last_epoch=-1):
        # PyTorch's own tutorial passes 1.0: any positive number works there
        # (the lr decays at the epochs divisible by it), so it works here too
        if (isinstance(step_size, bool) or not isinstance(step_size, numbers.Real)
                or not 0 < step_size < math.inf):
            raise ValueError(f"StepLR: step_size must be a positive number, got {step_size!r}")
        _check_factor("StepLR", "gamma", gamma)
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]

    def _get_closed_form_lr(self):
        return [base * self.gamma ** (self.last_epoch // self.step_size)
                for base in self.base_lrs]


class MultiStepLR(LRScheduler):
    """Multiply lr by ``gamma`` at each epoch in ``milestones`` (a milestone
    listed twice applies twice)."""

    def __init__(self, optimizer, milestones, gamma=0.1, last_epoch=-1):
        milestones = list(milestones)
        if any(isinstance(m, bool) or not isinstance(m, int) for m in milestones):
            raise ValueError(f"MultiStepLR: milestones must be ints, got {milestones!r}")
        if milestones != sorted(milestones):
            raise ValueError(f"MultiStepLR: milestones must be increasing, got {milestones!r}")
        _check_factor("MultiStepLR", "gamma", gamma)
        self.milestones = Counter(milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch not in self.milestones:
            return self._current_lrs()
        factor = self.gamma ** self.milestones[self.last_epoch]
        return [lr * factor for lr in self._current_lrs()]

    def _get_closed_form_lr(self):
        passed = bisect_right(sorted(self.milestones.elements()), self.last_epoch)
        return [base * self.gamma ** passed for base in self.base_lrs]


class ExponentialLR(LRScheduler):
    """Multiply lr by ``gamma`` every epoch: ``lr = initial_lr * gamma ** epoch``."""

    def __init__(self, optimizer, gamma, last_epoch=-1):
        _check_factor("ExponentialLR", "gamma", gamma)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self._is_initial:  # resuming must not decay once more on construction
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]

    def _get_closed_form_lr(self):
        return [base * self.gamma ** self.last_epoch for base in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    """Anneal lr from ``initial_lr`` to ``eta_min`` along half a cosine over
    ``T_max`` epochs::

        lr = eta_min + (initial_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2

    Computed, as in PyTorch, by the equivalent recursion from the current
    lr (so it composes with other lr changes); past ``T_max`` it rises
    again along the cosine."""

    def __init__(self, optimizer, T_max, eta_min=0.0, last_epoch=-1):
        if isinstance(T_max, bool) or not isinstance(T_max, int) or T_max <= 0:
            raise ValueError(f"CosineAnnealingLR: T_max must be a positive int, got {T_max!r}")
        if not _is_real(eta_min):
            raise TypeError(f"CosineAnnealingLR: eta_min must be a number, got {eta_min!r}")
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        t, T, lo = self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:  # epoch 0, or resuming: the lrs are already right
            return self._current_lrs()
        if (t - 1 - T) % (2 * T) == 0:  # leaving the minimum, where the ratio below is 0/0
            return [lr + (base - lo) * (1 - math.cos(math.pi / T)) / 2
                    for base, lr in zip(self.base_lrs, self._current_lrs())]
        return [(1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T))
                * (lr - lo) + lo for lr in self._current_lrs()]

    def _get_closed_form_lr(self):
        t, T, lo = self.last_epoch, self.T_max, self.eta_min
        return [lo + (base - lo) * (1 + math.cos(math.pi * t / T)) / 2 for base in self.base_lrs]


class InverseTimeLR(LRScheduler):
    """The lecture notes' learning-rate decay::

        lr = initial_lr / (1 + decay_rate * epoch)

    It falls fast at first and ever more slowly after, so mini-batch
    descent keeps making progress while its oscillation around the minimum
    shrinks.  Computed in closed form each epoch, so it does not drift."""

    def __init__(self, optimizer, decay_rate, last_epoch=-1):
        if not _is_real(decay_rate) or not decay_rate >= 0:
            raise ValueError(f"InverseTimeLR: decay_rate must be a number >= 0, got "
                             f"{decay_rate!r}")
        self.decay_rate = decay_rate
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        return self._get_closed_form_lr()

    def _get_closed_form_lr(self):
        scale = 1 + self.decay_rate * self.last_epoch
        return [base / scale for base in self.base_lrs]


class ReduceLROnPlateau(LRScheduler):
    """Multiply lr by ``factor`` when a metric stops improving.

    ``step(metric)`` once per epoch.  The metric *improves* when it beats
    the best so far by more than ``threshold`` (relative: ``best * (1 -
    threshold)`` in 'min' mode; absolute: ``best - threshold``).  After
    more than ``patience`` epochs without improvement lr is reduced (never
    below ``min_lr``, and not at all if the change would be under ``eps``),
    then ``cooldown`` epochs pass before bad epochs count again.  PyTorch's
    rule and defaults."""

    def __init__(self, optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4,
                 threshold_mode="rel", cooldown=0, min_lr=0, eps=1e-8):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"ReduceLROnPlateau: expected an Optimizer, got "
                            f"{type(optimizer).__name__}")
        if not _is_real(factor) or not 0 <= factor < 1:
            raise ValueError(f"ReduceLROnPlateau: factor must be in [0, 1), got {factor!r}")
        for arg, value in (("patience", patience), ("cooldown", cooldown)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"ReduceLROnPlateau: {arg} must be an int >= 0, got {value!r}")
        for arg, value in (("threshold", threshold), ("eps", eps)):
            if not _is_real(value) or not value >= 0:
                raise ValueError(f"ReduceLROnPlateau: {arg} must be a number >= 0, got "
                                 f"{value!r}")
        n = len(optimizer.param_groups)
        for value in (min_lr if isinstance(min_lr, (list, tuple)) else [min_lr]):
            if not _is_real(value):
                raise TypeError(f"ReduceLROnPlateau: min_lr must be a number (or one per "
                                f"param group), got {min_lr!r}")
        if isinstance(min_lr, (list, tuple)):
            if len(min_lr) != n:
                raise ValueError(f"ReduceLROnPlateau: expected {n} min_lrs (one per param "
                                 f"group), got {len(min_lr)}")
            self.default_min_lr = None
            self.min_lrs = list(min_lr)
        else:
            self.default_min_lr = min_lr
            self.min_lrs = [min_lr] * n
        self.optimizer = optimizer
        self.factor = factor
        self.patience = patience
        self.cooldown = cooldown
        self.eps = eps
        self.last_epoch = 0
        self._step_count = 0
        self._last_lr = self._current_lrs()
        self._init_is_better(mode, threshold, threshold_mode)
        self._reset()

    def _init_is_better(self, mode, threshold, threshold_mode):
        if mode not in ("min", "max"):
            raise ValueError(f"ReduceLROnPlateau: mode must be 'min' or 'max', got {mode!r}")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"ReduceLROnPlateau: threshold_mode must be 'rel' or 'abs', "
                             f"got {threshold_mode!r}")
        self.mode = mode
        self.threshold = threshold
        self.threshold_mode = threshold_mode
        self.mode_worse = math.inf if mode == "min" else -math.inf

    def _reset(self):
        self.best = self.mode_worse
        self.cooldown_counter = 0
        self.num_bad_epochs = 0

    @property
    def in_cooldown(self):
        return self.cooldown_counter > 0

    def _is_better(self, a, best):
        if self.mode == "min":
            if self.threshold_mode == "rel":
                return a < best * (1.0 - self.threshold)
            return a < best - self.threshold
        if self.threshold_mode == "rel":
            return a > best * (self.threshold + 1.0)
        return a > best + self.threshold

    def step(self, metrics, epoch=None):
        current = _metric_value(metrics)
        _check_epoch("ReduceLROnPlateau", epoch)
        self._step_count += 1
        self.last_epoch = self.last_epoch + 1 if epoch is None else epoch
        if self._is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.in_cooldown:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0  # bad epochs during cooldown do not count
        if self.num_bad_epochs > self.patience:
            self._reduce_lr()
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = self._current_lrs()

    def _reduce_lr(self):
        groups = self.optimizer.param_groups
        if len(groups) != len(self.min_lrs):
            if self.default_min_lr is None:
                raise ValueError(
                    f"ReduceLROnPlateau: the optimizer now has {len(groups)} param groups "
                    f"but min_lr lists {len(self.min_lrs)}; set scheduler.min_lrs to match")
            self.min_lrs = [self.default_min_lr] * len(groups)
        for group, min_lr in zip(groups, self.min_lrs):
            old = float(group["lr"])
            new = max(old * self.factor, min_lr)
            if old - new > self.eps:
                group["lr"] = new

    def get_lr(self):
        return self._current_lrs()

    def load_state_dict(self, state_dict):
        super().load_state_dict(state_dict)
        self._init_is_better(self.mode, self.threshold, self.threshold_mode)


def _metric_value(metrics):
    """The monitored quantity as a float: a number, a one-element tensor or
    array, or a numeric string (``float()``'s rules, as PyTorch)."""
    try:
        return float(metrics)
    except (TypeError, ValueError) as exc:
        kind = ArgumentError if isinstance(exc, ValueError) else TypeError
        raise kind(f"ReduceLROnPlateau.step: metrics must be a number (or a one-element "
                   f"tensor), got {type(metrics).__name__} {metrics!r}") from None


def _check_epoch(name, epoch):
    """``step(epoch)`` jumps to an epoch: a number (PyTorch's deprecated
    form), or None for the next one."""
    if epoch is not None and not _is_real(epoch):
        raise TypeError(f"{name}.step: epoch must be a number or None, got "
                        f"{type(epoch).__name__} {epoch!r}")


def _check_last_epoch(name, last_epoch):
    if isinstance(last_epoch, bool) or not isinstance(last_epoch, int):
        raise TypeError(f"{name}: last_epoch must be an int (-1 starts afresh), got "
                        f"{type(last_epoch).__name__} {last_epoch!r}")
    if last_epoch < -1:
        raise ValueError(f"{name}: last_epoch must be >= -1 (-1 starts afresh), got "
                         f"{last_epoch}")


def _check_factor(name, arg, value):
    if not _is_real(value) or not value >= 0:
        raise ValueError(f"{name}: {arg} must be a number >= 0, got {value!r}")


# ---- optimizers and schedules (issue 11): re-exported here, where PyTorch programs look
from .lr_scheduler_more import (CosineAnnealingWarmRestarts, CyclicLR, LinearLR,
                                OneCycleLR, PolynomialLR, SequentialLR)
__all__ += ["LinearLR", "PolynomialLR", "CosineAnnealingWarmRestarts", "CyclicLR", "OneCycleLR",
            "SequentialLR"]

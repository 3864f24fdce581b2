"""More learning-rate schedules: warm-ups, restarts, cycles, and chaining.

Each follows PyTorch's formula and its order of floating-point operations,
so the lr sequence is PyTorch's to the last bit.  They are re-exported by
`optim.lr_scheduler`, where PyTorch programs look for them.
"""
import copy
import math
import types
from bisect import bisect_right

from .lr_scheduler import LRScheduler, ReduceLROnPlateau, _check_epoch
from .optimizer import Optimizer, _is_real

__all__ = ["LinearLR", "PolynomialLR", "CosineAnnealingWarmRestarts", "CyclicLR", "OneCycleLR",
           "SequentialLR"]


class LinearLR(LRScheduler):
    """Linear warm-up (or decay) of lr by a factor, then held.

    lr goes linearly from ``start_factor * initial_lr`` to ``end_factor *
    initial_lr`` over ``total_iters`` epochs, then holds (a warm-up, with
    the defaults).  Updated from the current lr, as in PyTorch."""

    def __init__(self, optimizer, start_factor=1.0 / 3, end_factor=1.0, total_iters=5,
                 last_epoch=-1):
        if not _is_real(start_factor) or not 0 < start_factor <= 1:
            raise ValueError(f"LinearLR: start_factor must be in (0, 1] (the first epoch's "
                             f"multiple of the initial lr), got {start_factor!r}")
        if not _is_real(end_factor) or not 0 <= end_factor <= 1:
            raise ValueError(f"LinearLR: end_factor must be in [0, 1], got {end_factor!r}")
        _check_count("LinearLR", "total_iters", total_iters, 0)
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch == 0:
            return [lr * self.start_factor for lr in self._current_lrs()]
        if self._is_initial or self.last_epoch > self.total_iters:
            return self._current_lrs()
        delta = self.end_factor - self.start_factor
        factor = 1.0 + delta / (self.total_iters * self.start_factor
                                + (self.last_epoch - 1) * delta)
        return [lr * factor for lr in self._current_lrs()]

    def _get_closed_form_lr(self):
        delta = self.end_factor - self.start_factor
        return [base * (self.start_factor + delta * min(self.total_iters, self.last_epoch)
                        / self.total_iters) for base in self.base_lrs]


class PolynomialLR(LRScheduler):
    """Polynomial decay of lr to zero over ``total_iters`` epochs.

    ``lr = initial_lr * (1 - epoch / total_iters) ** power``, then held.
    Updated from the current lr, as in PyTorch."""

    def __init__(self, optimizer, total_iters=5, power=1.0, last_epoch=-1):
        _check_count("PolynomialLR", "total_iters", total_iters, 1)
        if not _is_real(power):
            raise ValueError(f"PolynomialLR: power must be a number, got {power!r}")
        self.total_iters = total_iters
        self.power = power
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self._is_initial or self.last_epoch > self.total_iters:
            return self._current_lrs()
        T = self.total_iters
        factor = ((1.0 - self.last_epoch / T) / (1.0 - (self.last_epoch - 1) / T)) ** self.power
        return [lr * factor for lr in self._current_lrs()]

    def _get_closed_form_lr(self):
        T = self.total_iters
        return [base * (1.0 - min(T, self.last_epoch) / T) ** self.power
                for base in self.base_lrs]


class CosineAnnealingWarmRestarts(LRScheduler):
    """Cosine annealing with warm restarts (SGDR), periods growing by ``T_mult``.

    SGDR (Loshchilov & Hutter): anneal along half a cosine from
    ``initial_lr`` to ``eta_min`` over ``T_i`` epochs, then restart, each
    period ``T_mult`` times longer than the last (``T_0`` first)::

        lr = eta_min + (initial_lr - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2

    ``step(epoch)`` accepts fractional epochs (``epoch + i / iters`` to
    anneal within an epoch), as in PyTorch."""

    def __init__(self, optimizer, T_0, T_mult=1, eta_min=0.0, last_epoch=-1):
        _check_count("CosineAnnealingWarmRestarts", "T_0", T_0, 1)
        _check_count("CosineAnnealingWarmRestarts", "T_mult", T_mult, 1)
        if not _is_real(eta_min):
            raise ValueError(f"CosineAnnealingWarmRestarts: eta_min must be a number, got "
                             f"{type(eta_min).__name__} {eta_min!r}")
        self.T_0 = T_0
        self.T_i = T_0
        self.T_mult = T_mult
        self.eta_min = eta_min
        self.T_cur = last_epoch
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        return [self.eta_min + (base - self.eta_min)
                * (1 + math.cos(math.pi * self.T_cur / self.T_i)) / 2 for base in self.base_lrs]

    def step(self, epoch=None):
        """Advance one epoch, or jump to ``epoch`` (a number >= 0)."""
        name = type(self).__name__
        _check_epoch(name, epoch)
        if epoch is not None and epoch < 0:
            raise ValueError(f"{name}.step: epoch must be >= 0, got {epoch!r}")
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            epoch = self.last_epoch + 1
            self.T_cur = self.T_cur + 1
            if self.T_cur >= self.T_i:  # restart, with a longer period
                self.T_cur = self.T_cur % self.T_i
                self.T_i = self.T_i * self.T_mult
        elif epoch >= self.T_0:
            if self.T_mult == 1:
                self.T_cur = epoch % self.T_0
            else:  # which period the epoch falls in: T_0 (T_mult**n - 1) / (T_mult - 1) <= epoch
                n = int(math.log(epoch / self.T_0 * (self.T_mult - 1) + 1, self.T_mult))
                self.T_cur = epoch - self.T_0 * (self.T_mult ** n - 1) / (self.T_mult - 1)
                self.T_i = self.T_0 * self.T_mult ** n
        else:
            self.T_i = self.T_0
            self.T_cur = epoch
        self._step_count += 1
        self.last_epoch = math.floor(epoch)
        for group, lr in zip(self.optimizer.param_groups, self.get_lr()):
            group["lr"] = lr
        self._last_lr = self._current_lrs()


class CyclicLR(LRScheduler):
    """Cyclical lr between ``base_lr`` and ``max_lr`` (momentum cycled opposite).

    Smith, "Cyclical learning rates": up over ``step_size_up`` steps, down over
    ``step_size_down``; call ``step()`` after every batch.  The amplitude
    is scaled per cycle ('triangular': constant, 'triangular2': halved each
    cycle) or per step ('exp_range': ``gamma ** step``), or by ``scale_fn``.

    With ``cycle_momentum`` the momentum (SGD) or beta1 (Adam family)
    cycles the opposite way, between ``max_momentum`` and
    ``base_momentum``.  PyTorch's rule and defaults."""

    def __init__(self, optimizer, base_lr, max_lr, step_size_up=2000, step_size_down=None,
                 mode="triangular", gamma=1.0, scale_fn=None, scale_mode="cycle",
                 cycle_momentum=True, base_momentum=0.8, max_momentum=0.9, last_epoch=-1):
        name = "CyclicLR"
        _check_optimizer(name, optimizer)
        base_lrs = _per_group(name, "base_lr", optimizer, base_lr)
        max_lrs = _per_group(name, "max_lr", optimizer, max_lr)
        if not _is_real(step_size_up) or not step_size_up > 0:
            raise ValueError(f"{name}: step_size_up must be a number > 0, got {step_size_up!r}")
        if step_size_down is not None and (not _is_real(step_size_down)
                                           or not step_size_down >= 0):
            raise ValueError(f"{name}: step_size_down must be a number >= 0 or None, got "
                             f"{step_size_down!r}")
        if mode not in ("triangular", "triangular2", "exp_range") and scale_fn is None:
            raise ValueError(f"{name}: mode must be 'triangular', 'triangular2' or "
                             f"'exp_range' when no scale_fn is given, got {mode!r}")
        if scale_fn is not None and not callable(scale_fn):
            raise TypeError(f"{name}: scale_fn must be a function of the cycle (or step), got "
                            f"{type(scale_fn).__name__}")
        if scale_mode not in ("cycle", "iterations"):
            raise ValueError(f"{name}: scale_mode must be 'cycle' or 'iterations', got "
                             f"{scale_mode!r}")
        if cycle_momentum:
            use_beta1 = _momentum_key(name, optimizer) == "betas"
            base_momentums = _per_group(name, "base_momentum", optimizer, base_momentum)
            max_momentums = _per_group(name, "max_momentum", optimizer, max_momentum)
        # everything is checked: now the groups may change
        if last_epoch == -1:
            for lr, group in zip(base_lrs, optimizer.param_groups):
                group["lr"] = lr
        self.max_lrs = max_lrs
        step_size_up = float(step_size_up)
        step_size_down = step_size_up if step_size_down is None else float(step_size_down)
        self.total_size = step_size_up + step_size_down
        self.step_ratio = step_size_up / self.total_size
        self.mode = mode
        self.gamma = gamma
        self._scale_fn_custom = scale_fn
        self.scale_mode = scale_mode
        self._init_scale_fn()
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self.use_beta1 = use_beta1
            self.base_momentums = base_momentums
            self.max_momentums = max_momentums
            if last_epoch == -1:
                for group, m_max, m_base in zip(optimizer.param_groups, max_momentums,
                                                base_momentums):
                    _set_momentum(group, use_beta1, m_max)
                    group["max_momentum"] = m_max
                    group["base_momentum"] = m_base
        super().__init__(optimizer, last_epoch)
        self.base_lrs = base_lrs

    def _init_scale_fn(self):
        """The built-in modes fix their scale mode (as PyTorch's do)."""
        if self._scale_fn_custom is not None:
            return
        if self.mode == "triangular":
            self._scale_fn_ref = _triangular_scale
            self.scale_mode = "cycle"
        elif self.mode == "triangular2":
            self._scale_fn_ref = _triangular2_scale
            self.scale_mode = "cycle"
        else:
            self._scale_fn_ref = _ExpRangeScale(self.gamma)
            self.scale_mode = "iterations"

    def scale_fn(self, x):
        """The amplitude's scale at cycle (or step) ``x``."""
        if self._scale_fn_custom is not None:
            return self._scale_fn_custom(x)
        return self._scale_fn_ref(x)

    def get_lr(self):
        cycle = math.floor(1 + self.last_epoch / self.total_size)
        x = 1.0 + self.last_epoch / self.total_size - cycle  # position in the cycle, [0, 1)
        if x <= self.step_ratio:
            scale_factor = x / self.step_ratio
        else:
            scale_factor = (x - 1) / (self.step_ratio - 1)
        at = cycle if self.scale_mode == "cycle" else self.last_epoch
        lrs = [base + (top - base) * scale_factor * self.scale_fn(at)
               for base, top in zip(self.base_lrs, self.max_lrs)]
        if self.cycle_momentum:
            for group, m_base, m_max in zip(self.optimizer.param_groups, self.base_momentums,
                                            self.max_momentums):
                momentum = m_max - (m_max - m_base) * scale_factor * self.scale_fn(at)
                _set_momentum(group, self.use_beta1, momentum)
        return lrs

    def state_dict(self):
        """As PyTorch: a custom ``scale_fn`` is saved as its attributes
        (None for a plain function, which cannot be saved)."""
        state = {k: copy.deepcopy(v) for k, v in self.__dict__.items()
                 if k not in ("optimizer", "_scale_fn_ref", "_scale_fn_custom")}
        fn = self._scale_fn_custom
        state["_scale_fn_custom"] = (None if fn is None or isinstance(fn, types.FunctionType)
                                     else copy.deepcopy(fn.__dict__))
        return state

    def load_state_dict(self, state_dict):
        state = {k: copy.deepcopy(v) for k, v in state_dict.items() if k != "_scale_fn_custom"}
        attrs = state_dict.get("_scale_fn_custom")
        self.__dict__.update(state)
        if attrs is not None and self._scale_fn_custom is not None:
            self._scale_fn_custom.__dict__.update(copy.deepcopy(attrs))
        self._init_scale_fn()


def _triangular_scale(x):
    return 1.0


def _triangular2_scale(x):
    return 1 / (2.0 ** (x - 1))


class _ExpRangeScale:
    """``gamma ** x`` (a class rather than a closure so schedulers deep-copy
    and pickle)."""

    def __init__(self, gamma):
        self.gamma = gamma

    def __call__(self, x):
        return self.gamma ** x


class OneCycleLR(LRScheduler):
    """The 1cycle policy: lr up to ``max_lr`` then annealed far below, per batch.

    Smith & Topin: lr rises from ``max_lr /
    div_factor`` to ``max_lr`` over the first ``pct_start`` of
    ``total_steps``, then anneals to ``initial_lr / final_div_factor``
    (cosine or linear); momentum (or beta1) moves the opposite way.  Call
    ``step()`` after every batch; stepping past ``total_steps`` is an
    error.  ``three_phase`` adds a symmetric descent back to the initial lr
    before the final annealing.  PyTorch's rule and defaults."""

    def __init__(self, optimizer, max_lr, total_steps=None, epochs=None, steps_per_epoch=None,
                 pct_start=0.3, anneal_strategy="cos", cycle_momentum=True, base_momentum=0.85,
                 max_momentum=0.95, div_factor=25.0, final_div_factor=1e4, three_phase=False,
                 last_epoch=-1):
        name = "OneCycleLR"
        _check_optimizer(name, optimizer)
        if total_steps is not None:
            _check_count(name, "total_steps", total_steps, 1)
        elif epochs is not None and steps_per_epoch is not None:
            _check_count(name, "epochs", epochs, 1)
            _check_count(name, "steps_per_epoch", steps_per_epoch, 1)
            total_steps = epochs * steps_per_epoch
        else:
            raise ValueError(f"{name}: you must define either total_steps OR (epochs AND "
                             f"steps_per_epoch); got total_steps={total_steps!r}, "
                             f"epochs={epochs!r}, steps_per_epoch={steps_per_epoch!r}")
        if not _is_real(pct_start) or not 0 <= pct_start <= 1:
            raise ValueError(f"{name}: pct_start must be a number in [0, 1] (the fraction of "
                             f"the steps spent increasing lr), got {pct_start!r}")
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"{name}: anneal_strategy must be one of 'cos' or 'linear', "
                             f"got {anneal_strategy!r}")
        for arg, value in (("div_factor", div_factor), ("final_div_factor", final_div_factor)):
            if not _is_real(value) or not value > 0:
                raise ValueError(f"{name}: {arg} must be a number > 0, got {value!r}")
        max_lrs = _per_group(name, "max_lr", optimizer, max_lr)
        if cycle_momentum:
            use_beta1 = _momentum_key(name, optimizer) == "betas"
            max_momentums = _per_group(name, "max_momentum", optimizer, max_momentum)
            base_momentums = _per_group(name, "base_momentum", optimizer, base_momentum)
        # everything is checked: now the groups may change
        self.total_steps = total_steps
        self._schedule_phases = _phases(pct_start, total_steps, three_phase)
        self._anneal_func_type = anneal_strategy
        if last_epoch == -1:
            for group, top in zip(optimizer.param_groups, max_lrs):
                group["initial_lr"] = top / div_factor
                group["max_lr"] = top
                group["min_lr"] = group["initial_lr"] / final_div_factor
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self.use_beta1 = use_beta1
            if last_epoch == -1:
                for group, m_max, m_base in zip(optimizer.param_groups, max_momentums,
                                                base_momentums):
                    _set_momentum(group, use_beta1, m_max)
                    group["max_momentum"] = m_max
                    group["base_momentum"] = m_base
        super().__init__(optimizer, last_epoch)

    def _anneal(self, start, end, pct):
        if self._anneal_func_type == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def get_lr(self):
        step_num = self.last_epoch
        if step_num > self.total_steps:
            raise ValueError(f"OneCycleLR: tried to step {step_num} times; the specified "
                             f"number of total steps is {self.total_steps}")
        lrs = []
        last = len(self._schedule_phases) - 1
        for group in self.optimizer.param_groups:
            start_step = 0.0
            for i, phase in enumerate(self._schedule_phases):
                end_step = phase["end_step"]
                if step_num <= end_step or i == last:
                    pct = (step_num - start_step) / (end_step - start_step)
                    lr = self._anneal(group[phase["start_lr"]], group[phase["end_lr"]], pct)
                    if self.cycle_momentum:
                        momentum = self._anneal(group[phase["start_momentum"]],
                                                group[phase["end_momentum"]], pct)
                    break
                start_step = phase["end_step"]
            lrs.append(lr)
            if self.cycle_momentum:
                _set_momentum(group, self.use_beta1, momentum)
        return lrs


def _phases(pct_start, total_steps, three_phase):
    """The schedule's phases: where each ends, and which group keys hold
    the lr and momentum it moves between."""
    def phase(end_step, lrs, momenta):
        return {"end_step": end_step, "start_lr": lrs[0], "end_lr": lrs[1],
                "start_momentum": momenta[0], "end_momentum": momenta[1]}
    up = phase(float(pct_start * total_steps) - 1, ("initial_lr", "max_lr"),
               ("max_momentum", "base_momentum"))
    if three_phase:
        return [up,
                phase(float(2 * pct_start * total_steps) - 2, ("max_lr", "initial_lr"),
                      ("base_momentum", "max_momentum")),
                phase(total_steps - 1, ("initial_lr", "min_lr"),
                      ("max_momentum", "max_momentum"))]
    return [up, phase(total_steps - 1, ("max_lr", "min_lr"), ("base_momentum", "max_momentum"))]


class SequentialLR(LRScheduler):
    """Schedulers run one after another, switching at milestone epochs.

    Run ``schedulers`` one after another, switching at the epochs in
    ``milestones`` (one fewer than the schedulers); each schedule starts
    from its own epoch 0 when its turn comes (e.g. a `LinearLR` warm-up
    followed by `CosineAnnealingLR`).  PyTorch's rule."""

    def __init__(self, optimizer, schedulers, milestones, last_epoch=-1):
        name = "SequentialLR"
        schedulers = list(schedulers)
        milestones = list(milestones)
        if not schedulers:
            raise ValueError(f"{name} expects at least one scheduler, but got no scheduler")
        for i, s in enumerate(schedulers):
            if not hasattr(s, "optimizer"):
                raise TypeError(f"{name}: the scheduler at index {i} "
                                f"({type(s).__name__}) has no `optimizer` attribute")
            if isinstance(s, ReduceLROnPlateau):
                raise ValueError(f"{name} does not support ReduceLROnPlateau (at index {i}): "
                                 "it needs the metric passed to step()")
            if s.optimizer is not optimizer:
                raise ValueError(f"{name} expects all schedulers to belong to the same "
                                 f"optimizer, but the {type(s).__name__} at index {i} was "
                                 f"built for a different {type(s.optimizer).__name__}")
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(f"{name} expects one milestone fewer than schedulers, but got "
                             f"{len(schedulers)} schedulers and {len(milestones)} milestones")
        _check_optimizer(name, optimizer)
        for i, group in enumerate(optimizer.param_groups):
            if "initial_lr" not in group:
                raise KeyError(f"{name}: param group {i} has no 'initial_lr'; build the "
                               "schedulers first (they record it)")
        self._schedulers = schedulers
        self._milestones = milestones
        self.last_epoch = last_epoch + 1
        self.optimizer = optimizer
        self._step_count = 0
        # undo the schedulers' own construction steps, then start the first
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        self._recursive_undo()
        idx = bisect_right(milestones, 0)
        schedulers[idx]._initial_step()
        self._last_lr = schedulers[idx].get_last_lr()

    def _recursive_undo(self, sched=None):
        """Move every (nested) scheduler back one epoch, as PyTorch does."""
        sched = self if sched is None else sched
        if hasattr(sched, "_schedulers"):
            for s in sched._schedulers:
                self._recursive_undo(s)
        elif hasattr(sched, "last_epoch"):
            sched.last_epoch -= 1

    def step(self):
        """Advance one epoch; at a milestone the next scheduler takes over
        from its epoch 0 (its closed form)."""
        self._step_count += 1
        self.last_epoch += 1
        idx = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[idx]
        if idx > 0 and self._milestones[idx - 1] == self.last_epoch:
            scheduler._update_lr(0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()

    def state_dict(self):
        """Its own counters plus each scheduler's state dict."""
        state = {k: copy.deepcopy(v) for k, v in self.__dict__.items()
                 if k not in ("optimizer", "_schedulers")}
        state["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return state

    def load_state_dict(self, state_dict):
        saved = state_dict["_schedulers"]
        if len(saved) != len(self._schedulers):
            raise ValueError(f"SequentialLR.load_state_dict: the state dict has {len(saved)} "
                             f"schedulers but this SequentialLR has {len(self._schedulers)}")
        self.__dict__.update({k: copy.deepcopy(v) for k, v in state_dict.items()
                              if k != "_schedulers"})
        for s, sd in zip(self._schedulers, saved):
            s.load_state_dict(sd)


def _check_optimizer(name, optimizer):
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{name}: expected an Optimizer, got {type(optimizer).__name__}")


def _check_count(name, arg, value, least):
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise ValueError(f"{name}: {arg} must be an int >= {least}, got {value!r}")


def _per_group(name, arg, optimizer, value):
    """One value per param group: a list/tuple of that length, or one value
    for all."""
    n = len(optimizer.param_groups)
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ValueError(f"{name}: {arg} must have one value per param group: the "
                             f"optimizer has {n} groups but {arg} has {len(value)} values")
        return list(value)
    return [value] * n


def _momentum_key(name, optimizer):
    """'betas' for the Adam family (beta1 cycles), 'momentum' for SGD-like
    optimizers; an optimizer with neither cannot cycle momentum."""
    if "betas" in optimizer.defaults:
        return "betas"
    if "momentum" in optimizer.defaults:
        return "momentum"
    raise ValueError(f"{name}: optimizer must support momentum or beta1 with `cycle_momentum` "
                     f"option enabled ({type(optimizer).__name__} has neither); pass "
                     "cycle_momentum=False")


def _set_momentum(group, use_beta1, value):
    if use_beta1:
        group["betas"] = (value, *group["betas"][1:])
    else:
        group["momentum"] = value

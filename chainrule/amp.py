"""``torch.amp`` on a CPU-only engine: `autocast` and `GradScaler`.

chainrule computes every op in its tensors' own dtypes and has no
bfloat16, so it cannot run a region in lower precision.  It does what a
CPU-only PyTorch does where that is possible, and refuses where it is not:

- ``autocast(device_type='cuda', ...)`` on a machine without CUDA is, in
  PyTorch, a no-op with a warning; the same here.  ``enabled=False`` is a
  no-op for any device.
- ``autocast(device_type='cpu')`` enabled would compute in bfloat16/float16
  in PyTorch: refused with a `DTypeError`, never silently run in float32.
- ``GradScaler('cuda')`` without CUDA warns and disables itself, as
  PyTorch's does: ``scale`` returns the loss unchanged and ``step`` just
  steps.  ``GradScaler('cpu')`` scales for real, as PyTorch's CPU scaler:
  the loss is multiplied by the scale, gradients are divided by it before
  the step, a step whose gradients hold inf/NaN is skipped and the scale
  backs off; after ``growth_interval`` clean steps it grows.
"""
import contextlib
import warnings

import numpy as np

from autograd import Tensor, no_grad
from autograd.errors import ArgumentError, DTypeError

__all__ = ["autocast", "GradScaler", "is_autocast_available"]


def is_autocast_available(device_type):
    """Whether ``autocast`` can run on ``device_type``: never, here."""
    return False


class autocast(contextlib.ContextDecorator):  # noqa: N801  (PyTorch's name)
    """A mixed-precision region: a no-op when disabled or for an absent
    CUDA device (with PyTorch's warning); refused on the CPU."""

    def __init__(self, device_type="cuda", dtype=None, enabled=True, cache_enabled=None):
        if not isinstance(device_type, str):
            raise ValueError(f"autocast: device_type must be a string such as 'cpu' or "
                             f"'cuda', got {device_type!r}")
        self.device_type, self.fast_dtype, self._enabled = device_type, dtype, bool(enabled)
        if not self._enabled:
            return
        if device_type == "cpu":
            raise DTypeError("autocast(device_type='cpu') would compute in bfloat16/float16; "
                             "chainrule computes in the tensors' own dtypes and has no "
                             "bfloat16, so it cannot. Use autocast(..., enabled=False) or "
                             "cast the model and inputs with .half()")
        warnings.warn(f"autocast: device_type {device_type!r} is not available (chainrule "
                      "runs on the CPU only); disabling autocast", UserWarning, stacklevel=2)
        self._enabled = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class GradScaler:
    """Loss scaling for mixed-precision training (see the module docstring)."""

    def __init__(self, device="cuda", init_scale=2.0 ** 16, growth_factor=2.0,
                 backoff_factor=0.5, growth_interval=2000, enabled=True):
        if not growth_factor > 1.0:
            raise ArgumentError(f"GradScaler: growth_factor must be > 1.0, got {growth_factor}")
        if not 0.0 < backoff_factor < 1.0:
            raise ArgumentError(f"GradScaler: backoff_factor must be in (0, 1), got "
                                f"{backoff_factor}")
        self._device = str(device)
        if enabled and self._device.startswith("cuda"):
            warnings.warn("GradScaler is enabled, but CUDA is not available (chainrule runs "
                          "on the CPU only); disabling", UserWarning, stacklevel=2)
            enabled = False
        self._enabled = bool(enabled)
        self._scale = float(init_scale)
        self._growth_factor, self._backoff_factor = float(growth_factor), float(backoff_factor)
        self._growth_interval = int(growth_interval)
        self._growth_tracker = 0
        self._unscaled = {}  # id(optimizer) -> whether its grads held inf/NaN

    def is_enabled(self):
        return self._enabled

    def get_scale(self):
        return self._scale if self._enabled else 1.0

    def get_growth_factor(self):
        return self._growth_factor

    def get_backoff_factor(self):
        return self._backoff_factor

    def get_growth_interval(self):
        return self._growth_interval

    def scale(self, outputs):
        """``outputs`` (a tensor or nested lists/tuples of them) times the scale."""
        if not self._enabled:
            return outputs
        if isinstance(outputs, Tensor):
            return outputs * self._scale
        if isinstance(outputs, (list, tuple)):
            return type(outputs)(self.scale(o) for o in outputs)
        raise TypeError(f"GradScaler.scale: expected a Tensor or a list/tuple of them, got "
                        f"{type(outputs).__name__}")

    def unscale_(self, optimizer):
        """Divide the optimizer's gradients by the scale (once per step)."""
        if not self._enabled:
            return
        key = id(optimizer)
        if key in self._unscaled:
            raise RuntimeError("GradScaler.unscale_() has already been called on this "
                               "optimizer since the last update()")
        found_inf = False
        with no_grad():
            for group in optimizer.param_groups:
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    p.grad.mul_(1.0 / self._scale)
                    found_inf = found_inf or not np.all(np.isfinite(p.grad.numpy()))
        self._unscaled[key] = found_inf

    def step(self, optimizer, *args, **kwargs):
        """``optimizer.step()`` unless the unscaled gradients hold inf/NaN
        (then the step is skipped and None returned)."""
        if not self._enabled:
            return optimizer.step(*args, **kwargs)
        if id(optimizer) not in self._unscaled:
            self.unscale_(optimizer)
        if self._unscaled[id(optimizer)]:
            return None
        return optimizer.step(*args, **kwargs)

    def update(self, new_scale=None):
        """Back off after a step with inf/NaN gradients, grow after
        ``growth_interval`` clean ones; or set ``new_scale``."""
        if not self._enabled:
            return
        if new_scale is not None:
            self._scale = float(new_scale.item() if isinstance(new_scale, Tensor) else new_scale)
        elif any(self._unscaled.values()):
            self._scale *= self._backoff_factor
            self._growth_tracker = 0
        elif self._unscaled:
            self._growth_tracker += 1
            if self._growth_tracker == self._growth_interval:
                self._scale *= self._growth_factor
                self._growth_tracker = 0
        self._unscaled = {}

    def state_dict(self):
        if not self._enabled:
            return {}
        return {"scale": self._scale, "growth_factor": self._growth_factor,
                "backoff_factor": self._backoff_factor,
                "growth_interval": self._growth_interval, "_growth_tracker": self._growth_tracker}

    def load_state_dict(self, state_dict):
        if not self._enabled:
            return
        if not state_dict:
            raise RuntimeError("GradScaler.load_state_dict: the state dict is empty (it came "
                               "from a disabled scaler)")
        self._scale = float(state_dict["scale"])
        self._growth_factor = float(state_dict["growth_factor"])
        self._backoff_factor = float(state_dict["backoff_factor"])
        self._growth_interval = int(state_dict["growth_interval"])
        self._growth_tracker = int(state_dict["_growth_tracker"])

"""`detect_anomaly`: find the op that first makes a NaN or Inf.

Inside the context every op records the stack that created it; the first
forward output or backward gradient that is not finite raises
``FloatingPointError`` naming the op and the user's line.  Recording stacks
is slow, so this is a debugging tool, off by default.
"""
import functools

from .grad_mode import _state


class detect_anomaly:
    def __init__(self, check_nan=True):
        self.check_nan = check_nan

    def __enter__(self):
        self._prev = _state.anomaly
        _state.anomaly = self.check_nan
        _state.refresh_inspect()

    def __exit__(self, *exc):
        _state.anomaly = self._prev
        _state.refresh_inspect()
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with detect_anomaly(self.check_nan):
                return fn(*args, **kwargs)
        return wrapper


def is_anomaly_enabled():
    return _state.anomaly

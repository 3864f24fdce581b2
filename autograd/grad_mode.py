"""Grad mode: whether ops record the graph.

The flag is thread-local (as in PyTorch) so a `no_grad` block in one thread
does not silently switch off recording in another.  Ops read
``_state.enabled`` directly on their hot path; everything else goes through
the context managers below, which double as decorators.
"""
import functools
import threading


class _State(threading.local):
    enabled = True
    anomaly = False


_state = _State()


def is_grad_enabled():
    return _state.enabled


class _GradModeContext:
    """Base for contexts that set grad mode on entry and restore it on exit."""

    _target = True

    def __enter__(self):
        self._prev = _state.enabled
        _state.enabled = self._target

    def __exit__(self, *exc):
        _state.enabled = self._prev
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return fn(*args, **kwargs)
        return wrapper


class no_grad(_GradModeContext):
    """Ops inside record no graph: results do not require grad."""

    _target = False


class enable_grad(_GradModeContext):
    """Re-enables recording inside a `no_grad` block."""

    _target = True


class set_grad_enabled(_GradModeContext):
    """Sets grad mode to `mode` immediately (like PyTorch) and restores it when
    used as a context manager."""

    def __init__(self, mode):
        self._prev = _state.enabled
        self._target = bool(mode)
        _state.enabled = self._target

    def __enter__(self):
        pass

    def __call__(self, fn):
        _state.enabled = self._prev
        mode = self._target

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)
        return wrapper

"""Grad mode: whether ops record the graph.

The flag is thread-local (as in PyTorch) so a `no_grad` block in one thread
does not silently switch off recording in another.  Ops read
``_state.enabled`` directly on their hot path; everything else goes through
the context managers below, which double as decorators.
"""
import functools
import inspect
import threading

import numpy as np


class _State(threading.local):
    enabled = True
    anomaly = False          # detect_anomaly: check every value for NaN/Inf
    record_inputs = False    # graph.record_inputs: nodes keep their arguments
    inspect = False          # either of the two: the record path looks closer
    scope = None             # graph.scope: the innermost name scope
    observers = ()           # graph.observe_backward: callbacks per node

    def refresh_inspect(self):
        self.inspect = bool(self.anomaly) or self.record_inputs


_state = _State()


def is_grad_enabled():
    return _state.enabled


class _GradModeContext:
    """Base for contexts that set grad mode on entry and restore it on exit.
    As decorators they also cover generator functions: the mode holds
    inside each resumption of the generator and the caller's mode is back
    in force between ``yield``s (as in PyTorch)."""

    _target = True

    def __enter__(self):
        self._prev = _state.enabled
        _state.enabled = self._target

    def __exit__(self, *exc):
        _state.enabled = self._prev
        return False

    def _fresh(self):
        """A new context with the same target (one per call: contexts hold
        the mode to restore, so they cannot be shared across calls)."""
        return self.__class__()

    def __call__(self, fn):
        if not callable(fn):
            raise TypeError(f"{type(self).__name__}() used as a decorator needs a function, "
                            f"got {type(fn).__name__}")
        fresh = self._fresh
        if inspect.isgeneratorfunction(fn):
            return _generator_in_mode(fn, fresh)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with fresh():
                return fn(*args, **kwargs)
        return wrapper


def _generator_in_mode(fn, fresh):
    """Wrap generator function ``fn`` so its body runs under ``fresh()``'s
    mode each time it is resumed, and the caller's mode everywhere else."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        gen = fn(*args, **kwargs)
        try:
            with fresh():
                item = gen.send(None)
            while True:
                try:
                    sent = yield item
                except GeneratorExit:
                    with fresh():
                        gen.close()
                    raise
                except BaseException as exc:  # thrown in by the caller: pass it on
                    with fresh():
                        item = gen.throw(exc)
                else:
                    with fresh():
                        item = gen.send(sent)
        except StopIteration as stop:
            return stop.value
    return wrapper


class _BareDecoratorContext(_GradModeContext):
    """Also usable as ``@no_grad`` without parentheses, as in PyTorch."""

    def __new__(cls, fn=None):
        self = super().__new__(cls)
        if fn is None:
            return self
        return self(fn)


class no_grad(_BareDecoratorContext):
    """Ops inside record no graph: results do not require grad."""

    _target = False


class enable_grad(_BareDecoratorContext):
    """Re-enables recording inside a `no_grad` block."""

    _target = True


class set_grad_enabled(_GradModeContext):
    """Sets grad mode to `mode` immediately (like PyTorch) and restores it when
    used as a context manager."""

    def __init__(self, mode):
        if not isinstance(mode, (bool, np.bool_)):
            raise TypeError(f"set_grad_enabled(): mode must be a bool, got "
                            f"{type(mode).__name__} {mode!r}")
        self._prev = _state.enabled
        self._target = bool(mode)
        _state.enabled = self._target

    def __enter__(self):
        pass

    def _fresh(self):
        return set_grad_enabled(self._target)

    def __call__(self, fn):
        _state.enabled = self._prev  # as a decorator it changes nothing now
        return super().__call__(fn)


# ---- facade: inference_mode (issue 11)
class inference_mode(_GradModeContext):
    """PyTorch's ``inference_mode(mode=True)``: here the same as
    ``no_grad`` when ``mode`` is true (chainrule has no separate kind of
    inference tensor).  A context manager and a decorator, with or
    without parentheses."""

    def __new__(cls, mode=True):
        self = super().__new__(cls)
        if callable(mode):  # bare @inference_mode
            self._target = False
            return self(mode)
        return self

    def __init__(self, mode=True):
        if not isinstance(mode, (bool, np.bool_)):
            raise TypeError(f"inference_mode(): mode must be a bool, got "
                            f"{type(mode).__name__} {mode!r}")
        self._target = not mode

    def _fresh(self):
        return inference_mode(not self._target)

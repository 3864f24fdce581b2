"""``torch.jit`` for code that uses it only to speed things up: chainrule
has no TorchScript compiler, and a scripted or traced function computes
exactly what the Python one does, so `script` and `trace` return their
argument (as the facade's ``compile`` does) and the decorators are
pass-throughs.  Saving or loading TorchScript archives is refused: there is
no archive format to read or write."""

__all__ = ["script", "trace", "ignore", "unused", "export", "is_scripting", "is_tracing",
           "save", "load"]


def script(obj, *args, **kwargs):
    """``obj`` itself: it runs as Python, with the same results."""
    return obj


def trace(func, example_inputs=None, *args, **kwargs):
    """``func`` itself: it runs as Python, with the same results."""
    return func


def ignore(drop=False, **kwargs):
    """Decorator (with or without arguments) that leaves the function as is."""
    if callable(drop):
        return drop
    return lambda fn: fn


def unused(fn):
    return fn


def export(fn):
    return fn


def is_scripting():
    return False


def is_tracing():
    return False


def save(m, f, *args, **kwargs):
    raise NotImplementedError("jit.save: chainrule has no TorchScript archives; save the "
                              "state with chainrule.save(model.state_dict(), path)")


def load(f, *args, **kwargs):
    raise NotImplementedError("jit.load: chainrule cannot read TorchScript archives; load a "
                              "state dict with chainrule.load(path)")

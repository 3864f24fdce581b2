"""``device=`` for every tensor factory, as PyTorch's factories take it.

The factories themselves know nothing of devices; this wrapper accepts the
CPU in any spelling and refuses other devices by name (`check_device`)
before the factory runs.  Factories that already take ``device=`` are left
as they are.  The wrapper shows the factory's own signature plus
``device`` to ``help()`` and ``inspect``.
"""
import functools
import inspect

from .device import check_device


def with_device(factory):
    """``factory`` extended with a keyword-only ``device=None``."""
    signature = inspect.signature(factory)
    if "device" in signature.parameters:
        return factory
    name = factory.__name__

    @functools.wraps(factory)
    def on_device(*args, device=None, **kwargs):
        if device is not None:
            check_device(device, name)
        return factory(*args, **kwargs)

    on_device.__signature__ = _plus_device(signature)
    return on_device


def _plus_device(signature):
    params = list(signature.parameters.values())
    at = next((i for i, p in enumerate(params) if p.kind is p.VAR_KEYWORD), len(params))
    params.insert(at, inspect.Parameter("device", inspect.Parameter.KEYWORD_ONLY, default=None))
    return signature.replace(parameters=params)

"""Argument normalization shared by the spatial layers."""


def pair(value, name, layer, minimum=0):
    """An int or a 2-sequence of ints, as PyTorch's spatial layers accept."""
    if isinstance(value, int):
        value = (value, value)
    else:
        value = tuple(value)
        if len(value) != 2 or not all(isinstance(v, int) for v in value):
            raise ValueError(f"{layer}: {name} must be an int or a pair of ints, got {value!r}")
    if any(v < minimum for v in value):
        raise ValueError(f"{layer}: {name} must be >= {minimum}, got {value}")
    return value

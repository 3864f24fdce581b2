"""``torch.backends.mps``: Apple's GPU backend, not built into chainrule."""


def is_available():
    return False


def is_built():
    return False

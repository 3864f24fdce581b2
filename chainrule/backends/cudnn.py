"""``torch.backends.cudnn``: unavailable; its switches are plain attributes."""
enabled = True
benchmark = False
deterministic = False
allow_tf32 = True


def is_available():
    return False


def version():
    return None

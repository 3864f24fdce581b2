"""Placeholder replaced below."""
class GradcheckError(RuntimeError):
    pass
def gradcheck(*a, **k):
    raise RuntimeError("not yet")
gradgradcheck = gradcheck

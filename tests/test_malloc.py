"""The allocator tuning is applied on glibc and can be switched off."""
import subprocess
import sys

import pytest

CHECK = "import autograd._malloc as m; print(m.tuned)"


def run(env_value):
    env = {"PATH": "/usr/bin:/bin"}
    if env_value is not None:
        env["CHAINRULE_MALLOC_TUNING"] = env_value
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True,
                         env=env, cwd=".", check=True)
    return out.stdout.strip()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc tunables are Linux-only")
def test_tuning_is_on_by_default_and_can_be_switched_off():
    assert run("0") == "False"
    import ctypes.util
    if "libc" in (ctypes.util.find_library("c") or ""):
        assert run(None) == "True"

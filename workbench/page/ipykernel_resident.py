"""The resident page's kernel: ipykernel without its debugger.

ipykernel imports debugpy (pydevd) into every kernel, about 8 MiB of each resident's kernel,
for a debugger that no resident page uses. With debugpy unimportable, ipykernel runs without
one (its own fallback when debugpy is missing). The resident server's kernel manager starts
kernels with ``python -m workbench.page.ipykernel_resident`` in place of
``-m ipykernel_launcher`` (:class:`workbench._kernel_manager.ResidentKernelManager`); the
planners' JupyterLab keeps its debugger.
"""

import ctypes
import sys

#: glibc's mallopt option: how many malloc arenas the process may have
M_ARENA_MAX = -8


def one_malloc_arena() -> None:
    """One malloc arena for the kernel's threads (shell, control, IOPub, heartbeat): glibc
    gives each thread that allocates an arena of its own otherwise, memory kept for each."""
    try:
        ctypes.CDLL("libc.so.6").mallopt(M_ARENA_MAX, 1)
    except (OSError, AttributeError):  # no glibc: its own defaults
        pass


if __name__ == "__main__":
    one_malloc_arena()  # before any thread starts
    sys.modules["debugpy"] = None  # "import debugpy" raises ImportError
    # as ipykernel_launcher does: the working folder is not searched while loading
    if sys.path and sys.path[0] in ("", "."):
        del sys.path[0]
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()

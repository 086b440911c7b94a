"""The resident page's kernel: ipykernel without its debugger and without a history.

ipykernel imports debugpy (pydevd) into every kernel, about 8 MiB of each resident's kernel,
for a debugger that no resident page uses. With debugpy unimportable, ipykernel runs without
one (its own fallback when debugpy is missing). IPython's history (an SQLite file and a thread
saving every cell) keeps nothing a page needs: it is off. Once the page is handed out, memory
freed while building it goes back to the system (:func:`give_back_freed_memory`). The resident server's kernel manager starts
kernels with ``python -m workbench.page.ipykernel_resident`` in place of
``-m ipykernel_launcher`` (:class:`workbench._kernel_manager.ResidentKernelManager`); the
planners' JupyterLab keeps its debugger.
"""

import ctypes
import sys

#: glibc's mallopt option: how many malloc arenas the process may have
M_ARENA_MAX = -8
#: what the kernel is started with besides ipykernel's own arguments
KERNEL_ARGUMENTS = ["--HistoryManager.enabled=False"]


def _libc():
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:  # no glibc: its own defaults
        return None


def one_malloc_arena() -> None:
    """One malloc arena for the kernel's threads (shell, control, IOPub, heartbeat): glibc
    gives each thread that allocates an arena of its own otherwise, memory kept for each."""
    libc = _libc()
    if libc is not None:
        libc.mallopt(M_ARENA_MAX, 1)


def give_back_freed_memory() -> None:
    """Return the heap's free pages to the system (glibc keeps them otherwise): building a
    page reads and drops far more than the page keeps, and the kernel lives on for the
    whole visit."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


if __name__ == "__main__":
    one_malloc_arena()  # before any thread starts
    sys.modules["debugpy"] = None  # "import debugpy" raises ImportError
    # as ipykernel_launcher does: the working folder is not searched while loading
    if sys.path and sys.path[0] in ("", "."):
        del sys.path[0]
    sys.argv += KERNEL_ARGUMENTS
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()

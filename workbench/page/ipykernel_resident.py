"""The resident page's kernel: ipykernel without its debugger.

ipykernel imports debugpy (pydevd) into every kernel, about 8 MiB of each resident's kernel,
for a debugger that no resident page uses. With debugpy unimportable, ipykernel runs without
one (its own fallback when debugpy is missing). The resident server's kernel manager starts
kernels with ``python -m workbench.page.ipykernel_resident`` in place of
``-m ipykernel_launcher`` (:class:`workbench._kernel_manager.ResidentKernelManager`); the
planners' JupyterLab keeps its debugger.
"""

import sys

if __name__ == "__main__":
    sys.modules["debugpy"] = None  # "import debugpy" raises ImportError
    # as ipykernel_launcher does: the working folder is not searched while loading
    if sys.path and sys.path[0] in ("", "."):
        del sys.path[0]
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()

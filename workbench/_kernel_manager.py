"""The per-kernel manager the resident server uses.

With ``allow_tracebacks=False``, jupyter_server 2.x replaces the traceback of an error message
with ``traceback_replacement_message`` read from the *per-kernel* manager, which does not have
it: the lookup raises, the message is dropped, and the page's websocket stops hearing from its
kernel. Giving the per-kernel manager the attribute makes the replacement work as intended.

Its kernels start without ipykernel's debugger (:mod:`workbench.page.ipykernel_resident`).
"""

from jupyter_server.services.kernels.kernelmanager import ServerKernelManager

REPLACEMENT = "An error occurred on the server; it has been logged."


#: how ipykernel is started, and what starts a resident's kernel in its place
LAUNCHER = ["-m", "ipykernel_launcher"]
RESIDENT_LAUNCHER = ["-m", "workbench.page.ipykernel_resident"]


class ResidentKernelManager(ServerKernelManager):
    traceback_replacement_message = REPLACEMENT

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments)
        if cmd[1:3] == LAUNCHER:
            cmd[1:3] = RESIDENT_LAUNCHER
        return cmd

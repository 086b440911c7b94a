"""The per-kernel manager the resident server uses.

With ``allow_tracebacks=False``, jupyter_server 2.x replaces the traceback of an error message
with ``traceback_replacement_message`` read from the *per-kernel* manager, which does not have
it: the lookup raises, the message is dropped, and the page's websocket stops hearing from its
kernel. Giving the per-kernel manager the attribute makes the replacement work as intended.
"""

from jupyter_server.services.kernels.kernelmanager import ServerKernelManager

REPLACEMENT = "An error occurred on the server; it has been logged."


class ResidentKernelManager(ServerKernelManager):
    traceback_replacement_message = REPLACEMENT

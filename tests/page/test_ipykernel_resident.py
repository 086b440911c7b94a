"""Resident kernels start without ipykernel's debugger (some 8 MiB of every page's kernel)
and without IPython's history."""

from jupyter_client.manager import KernelManager

from workbench._kernel_manager import RESIDENT_LAUNCHER, ResidentKernelManager


def test_the_resident_server_starts_kernels_with_the_resident_launcher():
    manager = ResidentKernelManager(kernel_name="python3")
    cmd = manager.format_kernel_cmd()
    assert cmd[1:3] == RESIDENT_LAUNCHER and "ipykernel_launcher" not in cmd
    assert "{connection_file}" not in " ".join(cmd) and "-f" in cmd


class _Launched(KernelManager):
    """A plain kernel manager starting what the resident server starts."""

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments)
        cmd[1:3] = RESIDENT_LAUNCHER
        return cmd


def test_a_resident_kernel_runs_code_without_debugpy():
    manager, printed = _Launched(kernel_name="python3"), []
    manager.start_kernel()
    client = manager.client()
    try:
        client.start_channels()
        client.wait_for_ready(timeout=60)
        reply = client.execute_interactive(
            "import sys\n"
            "print(sys.modules.get('debugpy'), 'pydevd' in sys.modules, 6 * 7,\n"
            "      get_ipython().history_manager.enabled)",
            timeout=60, output_hook=printed.append)
        assert reply["content"]["status"] == "ok"
        text = "".join(m["content"].get("text", "") for m in printed)
        assert text.split() == ["None", "False", "42", "False"]
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)

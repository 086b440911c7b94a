"""Running the planners' notebooks headless, as the notebook tests do."""

import nbformat
from nbclient import NotebookClient

from servers import PROJECT_DIR

WIDGET = "application/vnd.jupyter.widget-view+json"


def execute(name: str, tmp_path, timeout: int = 300):
    """Run ``notebooks/<name>`` top to bottom; returns (notebook, outputs of its code cells).
    Fails on any error output or traceback on stderr."""
    nb = nbformat.read(PROJECT_DIR / "notebooks" / name, as_version=4)
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr"
                and "Traceback" in o.text]
    return nb, outputs


def plain_text(outputs) -> str:
    return "".join(str(o.get("data", {}).get("text/plain", "")) for o in outputs)


def widget_values(nb) -> str:
    """Every widget's ``value`` in the saved widget state, joined: what the widgets showed."""
    states = nb.metadata.get("widgets", {}).get(
        "application/vnd.jupyter.widget-state+json", {}).get("state", {})
    return " ".join(str(s.get("state", {}).get("value", "")) for s in states.values())

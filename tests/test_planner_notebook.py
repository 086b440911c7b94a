"""The planner notebook runs headless, top to bottom, on a fresh database."""

from pathlib import Path

import nbformat
from nbclient import NotebookClient

from servers import PROJECT_DIR


def test_planner_notebook_executes(tmp_path):
    from workbench.demo import init

    init()
    nb = nbformat.read(PROJECT_DIR / "notebooks" / "planner.ipynb", as_version=4)
    NotebookClient(nb, timeout=180, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    assert "public_spaces" in text and "proposals" in text
    # the map cell produced a widget
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)


def test_notebooks_are_thin():
    """Logic in a notebook cell is logic without tests: keep cells short."""
    for path in (PROJECT_DIR / "notebooks").rglob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                lines = [l for l in cell.source.splitlines() if l.strip() and not l.startswith("#")]
                assert len(lines) <= 5, f"{path.name}: a cell of {len(lines)} lines"

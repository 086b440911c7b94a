"""The planner notebook runs headless, top to bottom, on a fresh database."""


import nbformat

from notebooks import WIDGET, execute, plain_text
from servers import PROJECT_DIR


def test_planner_notebook_executes(tmp_path):
    from workbench.demo import init

    init()
    _nb, outputs = execute("planner.ipynb", tmp_path)
    text = plain_text(outputs)
    assert "public_spaces" in text and "proposals" in text
    # the map cell produced a widget
    assert any(WIDGET in o.get("data", {}) for o in outputs)


def test_notebooks_are_thin():
    """Logic in a notebook cell is logic without tests: keep cells short."""
    for path in (PROJECT_DIR / "notebooks").rglob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                lines = [l for l in cell.source.splitlines() if l.strip() and not l.startswith("#")]
                assert len(lines) <= 5, f"{path.name}: a cell of {len(lines)} lines"

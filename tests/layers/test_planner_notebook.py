"""The planner's map tool: names of spaces, a legend, popups, scroll-zoom, a table in words;
the notebook runs headless on a fresh database."""

import nbformat

from notebooks import WIDGET, execute, widget_values
from servers import PROJECT_DIR


def test_planner_map_tool_in_words(store, monkeypatch):
    from workbench.demo import init
    from workbench.layers.map_panel import PlannerMap, spread

    init()
    tool = PlannerMap.from_settings("en")
    assert tool.map.widget.scroll_wheel_zoom
    names = [m.icon.html for m in tool.names.layers]
    assert any("Ginkgo Pocket Park" in n for n in names)
    assert "Pocket park" in tool.legend.value and "Transport" in tool.legend.value
    table = tool.table.value
    assert "PS" not in table and "demo" not in table and "nan" not in table.lower()
    assert "Transport" in table and "EPSG" not in tool.counts.value
    first = tool.rows[0]
    feature = next(f for f in tool.map.proposals.data["features"] if f["id"] == first["id"])
    tool._on_proposal_click(feature=feature, properties=feature["properties"])
    assert tool.popup in tool.map.widget.layers
    assert first["title"] in tool.popup.child.value
    # two proposals at one place are drawn apart
    rows = [{"id": i, "lon": 120.15, "lat": 30.3} for i in range(3)]
    assert len({(r["lon"], r["lat"]) for r in spread(rows)}) == 3


def test_planner_notebook_executes(tmp_path):
    from workbench.demo import init

    init()
    nb, outputs = execute("planner.ipynb", tmp_path)
    assert any(WIDGET in o.get("data", {}) for o in outputs)
    shown = widget_values(nb)
    assert "提案" in shown and "EPSG" not in shown


def test_notebooks_are_thin():
    """Logic in a notebook cell is logic without tests: keep cells short."""
    for path in (PROJECT_DIR / "notebooks").rglob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                lines = [l for l in cell.source.splitlines() if l.strip() and not l.startswith("#")]
                assert len(lines) <= 5, f"{path.name}: a cell of {len(lines)} lines"

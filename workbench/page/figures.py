"""Matplotlib figures in notebooks and Voilà pages, shown as pictures."""

from __future__ import annotations


def show_figures_as_png() -> None:
    """Let IPython show a bare matplotlib Figure (made without pyplot) as a PNG, as the
    inline backend would; nothing outside IPython."""
    try:
        from IPython import get_ipython
        from IPython.core.pylabtools import select_figure_formats
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None and hasattr(shell, "display_formatter"):
        select_figure_formats(shell, {"png"})


def figure_png(figure) -> bytes:
    """A matplotlib Figure as PNG bytes, for an Image widget (JupyterLab, Voilà and tests
    alike, with no inline backend); Chinese labels in a CJK font."""
    from workbench.geo.drawing import figure_png as png
    from workbench.surveys.charts import use_cjk_font

    use_cjk_font()
    return png(figure, dpi=110)

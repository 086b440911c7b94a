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

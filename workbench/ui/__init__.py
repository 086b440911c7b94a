"""ipywidgets components. They compose the domain modules and the store; no logic of their own
beyond layout, wiring and showing messages."""

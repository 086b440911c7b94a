"""A dropdown given new options keeps its choice while it is still offered."""

import ipywidgets as w

from workbench.page.choices import offer


def test_the_choice_is_kept_when_still_offered_else_the_fallback():
    field = w.Dropdown(options=[("choose", ""), ("Park", "P1"), ("Hall", "P2")], value="P2")
    offer(field, [("请选择", ""), ("公园", "P1"), ("会堂", "P2")])   # relabelled in Chinese
    assert field.value == "P2" and field.label == "会堂"
    offer(field, [("请选择", ""), ("公园", "P1")])                  # the hall is gone
    assert field.value == ""
    offer(field, [("公园", "P1")], fallback="P1")
    assert field.value == "P1"


def test_the_same_options_send_no_change():
    field = w.Dropdown(options=[("A", 1), ("B", 2)], value=2)
    changes = []
    field.observe(changes.append, names=["options", "value", "index"])
    offer(field, [("A", 1), ("B", 2)])
    assert changes == [] and field.value == 2

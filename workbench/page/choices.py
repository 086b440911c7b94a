"""Dropdowns whose options change under the resident's or planner's choice: relabelled in the
other language, or a list that grew or shrank (rooms of a space, topics, bookings ahead)."""

from __future__ import annotations

from typing import Any, Iterable


def offer(field, options: Iterable[tuple[str, Any]], fallback: Any = "") -> None:
    """Give ``field`` (a Dropdown) ``options``, (label, value) pairs, keeping its choice when
    it is still offered and else choosing ``fallback``: options set anew leave no choice
    shown. Options already the same are left alone, so no change event is sent."""
    options = list(options)
    if list(field.options) == options:
        return
    chosen = field.value
    field.options = options
    field.value = chosen if chosen in [value for _, value in options] else fallback

"""What the activities tests share: taps a test makes one after another are not a double tap
(the resident page's sections wait a moment between a card's, a booking's and a cancel's
taps, which a test does not)."""

from __future__ import annotations

import pytest

from workbench.activities import booking_page, my_bookings_page, page


@pytest.fixture(autouse=True)
def no_pause(monkeypatch):
    monkeypatch.setattr(page, "SAME_CARD_SECONDS", 0)
    monkeypatch.setattr(booking_page, "SECONDS_BETWEEN_BOOKINGS", 0)
    monkeypatch.setattr(my_bookings_page, "SECONDS_BETWEEN_CANCELS", 0)

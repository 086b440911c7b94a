"""The store's part for activities and bookings, in two modules: activities and their sign-ups
(:mod:`.signup_queries`: why an activity never takes more than its capacity) and rooms and
their bookings (:mod:`.booking_queries`: why two bookings never overlap, and why a booking that
costs points is charged once or not at all). Mixed into :class:`workbench.store.Store`."""

from workbench.activities.booking_queries import BookingStore
from workbench.activities.signup_queries import SignupStore


class ActivityStore(SignupStore, BookingStore):
    """Methods of :class:`Store` (which provides ``engine`` and ``write``)."""


STORE_PART = ActivityStore

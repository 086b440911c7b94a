"""Activities and bookings in public spaces: cultural activities (文化活动) held in a space,
one-off or weekly, with sign-ups and a waiting list; rooms of a space residents book by the
hour, never two bookings at once. See docs/activities.md."""

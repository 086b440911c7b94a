"""A community that used its spaces in March and April 2026, written through the store as
the pages would have (sign-ups, attendance, bookings decided by a steward), for the tests
of the use of spaces and of the planner's panel. The figures each test expects are counted
by hand from what :func:`fill_use` writes."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from activity_samples import ZONE, codes, form

from workbench.activities import workflow
from workbench.activities.rules import occurrences, validate_activity

FIRST, LAST = date(2026, 3, 1), date(2026, 4, 30)       # 61 days
MARCH_LONG_AGO = datetime(2026, 2, 1, 9, tzinfo=ZONE)   # "now" of the sign-ups


def past_activity(store, community, **changes) -> int:
    """An activity stored as it was posted back then (a form checked by the rules)."""
    spaces = [f["properties"]["id"] for f in store.public_space_features(community.id)]
    rooms = {}
    for room in store.rooms(community.id):
        rooms.setdefault(room["public_space_id"], []).append(room["id"])
    activity = validate_activity(form(**changes), spaces, rooms, community.time_zone)
    return store.add_activity(community.id, activity, "王管家")


def fill_use(store, community) -> dict:
    """P1: tai chi every Monday of March 2026, 08:00-09:30 (5 meetings, 7.5 h), 2 places;
    on 9 March three sign up (two accepted, one left waiting), one comes.
    P3: a room open 08:00-21:00; a one-off talk there on 5 April, 10:00-12:00, 10 places,
    four accepted, three come; a booking approved on 10 April 14:00-16:00, one refused on
    11 April, one cancelled and one still requested (neither counts).
    P2 and P4: nothing."""
    people = codes(store, community.id, 6, "use")
    room_id = workflow.add_room(store, community, "P3",
                                {"name": "多功能室", "opens": "08:00", "closes": "21:00"})
    tai_chi = past_activity(store, community, title="晨练太极", capacity=2,
                            starts_at=datetime(2026, 3, 2, 8), ends_at=datetime(2026, 3, 2, 9, 30),
                            repeat="weekly", repeat_until="2026-03-30")
    for code_id in people[:3]:
        store.sign_up(tai_chi, date(2026, 3, 9), code_id, now=MARCH_LONG_AGO)
    store.mark_attended(tai_chi, date(2026, 3, 9), people[0], "李阿姨")
    talk = past_activity(store, community, title="防诈骗讲座", public_space_id="P3",
                         room_id=room_id, scenario="education", capacity=10,
                         starts_at=datetime(2026, 4, 5, 10), ends_at=datetime(2026, 4, 5, 12))
    for code_id in people[:4]:
        store.sign_up(talk, date(2026, 4, 5), code_id, now=MARCH_LONG_AGO)
    for code_id in people[:3]:
        store.mark_attended(talk, date(2026, 4, 5), code_id, "王老师")

    def booking(day: int, start: int, end: int, code_id: int) -> int:
        return store.request_booking(room_id, code_id, "家庭聚会",
                                     datetime(2026, 4, day, start, tzinfo=ZONE),
                                     datetime(2026, 4, day, end, tzinfo=ZONE))
    approved = booking(10, 14, 16, people[4])
    store.decide_booking(approved, "王管家", approve=True)
    refused = booking(11, 9, 12, people[5])
    store.decide_booking(refused, "王管家", approve=False, reason="已有安排")
    cancelled = booking(12, 9, 12, people[5])
    store.cancel_booking(cancelled, "王管家", "维修")
    waiting = booking(20, 9, 10, people[5])
    return dict(people=people, room_id=room_id, tai_chi=tai_chi, talk=talk,
                approved=approved, refused=refused, waiting=waiting)


def fill_recent(store, community, park: str, centre: str) -> dict:
    """Use around today, for the panel's default period and its pictures: a weekly
    chorus in ``park`` from eight weeks back to four weeks on (18:30-20:00, 3 places: each
    meeting full, one left waiting, two of three come); a room in ``centre`` with a talk a
    week back (two hours, both places taken and both came), a booking approved and one
    refused the week before, and two requests waiting for the steward next week."""
    today = datetime.now(ZONE).date()
    people = codes(store, community.id, 5, "recent")
    room_id = workflow.add_room(store, community, centre,
                                {"name": "多功能室", "opens": "08:00", "closes": "21:00"})
    start = today - timedelta(weeks=8)
    chorus = past_activity(store, community, title="社区合唱团排练", public_space_id=park,
                           capacity=3, starts_at=datetime.combine(start, time(18, 30)),
                           ends_at=datetime.combine(start, time(20, 0)), repeat="weekly",
                           repeat_until=(today + timedelta(weeks=4)).isoformat())
    activity, _ = store.activity(chorus)
    long_ago = datetime.combine(start - timedelta(days=3), time(9), tzinfo=ZONE)
    for meeting in occurrences(activity, start, today + timedelta(weeks=4)):
        for code_id in people[:4]:
            store.sign_up(chorus, meeting.on, code_id, now=long_ago)
        if meeting.on < today:
            for code_id in people[:2]:
                store.mark_attended(chorus, meeting.on, code_id, "李阿姨")
    day = today - timedelta(days=7)
    talk = past_activity(store, community, title="防诈骗讲座", public_space_id=centre,
                         room_id=room_id, scenario="education", capacity=2,
                         starts_at=datetime.combine(day, time(10)),
                         ends_at=datetime.combine(day, time(12)))
    for code_id in people[:2]:
        store.sign_up(talk, day, code_id, now=long_ago)
        store.mark_attended(talk, day, code_id, "王老师")

    def booking(on: date, start_hour: int, end_hour: int, code_id: int, purpose: str) -> int:
        return store.request_booking(room_id, code_id, purpose,
                                     datetime.combine(on, time(start_hour), tzinfo=ZONE),
                                     datetime.combine(on, time(end_hour), tzinfo=ZONE))
    approved = booking(today - timedelta(days=8), 14, 17, people[2], "书法兴趣小组")
    store.decide_booking(approved, "王管家", approve=True)
    refused = booking(today - timedelta(days=9), 14, 17, people[3], "生日聚会")
    store.decide_booking(refused, "王管家", approve=False, reason="当天已有安排")
    waiting = [booking(today + timedelta(days=6), 9, 11, people[3], "乒乓球练习"),
               booking(today + timedelta(days=6), 14, 16, people[4], "读书会")]
    return {"people": people, "room_id": room_id, "chorus": chorus, "talk": talk,
            "waiting": waiting}

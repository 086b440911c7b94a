"""The agenda settings: the community's time zone, for the dates and times planners read."""

from workbench.settings import Setting


def _zone(value: str) -> str:
    from zoneinfo import ZoneInfo

    ZoneInfo(value)  # an unknown zone is refused when the setting is read
    return value


SETTINGS = [
    Setting("time_zone", "Asia/Shanghai",
            "The community's time zone (an IANA name such as Asia/Shanghai): dates and times "
            "in the planners' notebooks are shown in it.", _zone),
]

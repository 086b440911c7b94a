"""The activities settings: the public holidays weekly activities skip, and the key of the
check-in QR codes."""

from pathlib import Path

from workbench.settings import Setting

SETTINGS = [
    Setting("activities_holidays", str(Path(__file__).resolve().parent / "holidays.yaml"),
            "The public holidays (a YAML list of from/to dates) on which weekly activities "
            "do not meet; see docs/activities.md.", str),
    Setting("activities_checkin_secret", "",
            "Key of the check-in QR codes shown at an activity's door (the same on the "
            "planners' and the residents' servers). Empty: derived from the community's "
            "secret kept in the database; see docs/activities.md.", str),
]

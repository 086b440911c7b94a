"""The activities settings: the public holidays weekly activities skip."""

from pathlib import Path

from workbench.settings import Setting

SETTINGS = [
    Setting("activities_holidays", str(Path(__file__).resolve().parent / "holidays.yaml"),
            "The public holidays (a YAML list of from/to dates) on which weekly activities "
            "do not meet; see docs/activities.md.", str),
]

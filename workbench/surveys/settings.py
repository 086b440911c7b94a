"""The surveys settings: where the survey files are."""

from workbench.settings import PROJECT_DIR, Setting

SETTINGS = [
    Setting("surveys_dir", str(PROJECT_DIR / "surveys"),
            "Folder of survey files (one YAML file per survey); 'workbench init' publishes them."),
]

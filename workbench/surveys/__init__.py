"""Surveys written as files: one YAML file per survey in surveys/, validated against the schema
in :mod:`workbench.surveys._schema` (described for authors in docs/surveys.md).

Beside the files: :mod:`.answers` (a response checked, visibility, progress), :mod:`.results`
and :mod:`.charts` (tables and charts for planners), :mod:`.export` (CSV, Excel), :mod:`.page`
(the survey sections of the resident page), :mod:`.planner` (what the surveys notebook builds),
:mod:`.tables` and :mod:`.queries` (versions, responses, drafts).

A file with an error is refused with a message naming the file, the line, the field and what
was expected. A survey's *version* is a hash of its validated content: a changed question makes
a new version, so answers always point at the exact questions they answered.

Reading files needs pydantic; the resident page does not read files (it gets published
surveys from the store as :func:`workbench.surveys.answers.survey_view`), so the names below
are imported on first use and a resident kernel never loads pydantic.
"""

from __future__ import annotations

import importlib

_NAMES = {
    "Survey": "._schema", "QUESTION_TYPES": "._schema",
    "SurveyError": "._files", "load_survey": "._files", "load_surveys": "._files",
    "survey_version": "._files", "publish_surveys": "._files",
}
__all__ = sorted(_NAMES)


def __getattr__(name: str):
    if name in _NAMES:
        return getattr(importlib.import_module(_NAMES[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

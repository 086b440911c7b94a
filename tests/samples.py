"""A survey built in code that uses every question type, for tests."""

from workbench.surveys import Survey


def T(en):
    return {"zh": en + "（中）", "en": en}


def opts(*values):
    return [{"value": v, "label": T(v)} for v in values]


SURVEY = Survey.model_validate({
    "id": "every_type", "title": T("Every type"),
    "sections": [{"id": "s", "title": T("S"), "questions": [
        {"id": "uses", "type": "single_choice", "text": T("Use?"), "options": opts("yes", "no")},
        {"id": "why_not", "type": "text", "text": T("Why not?"), "max_chars": 20,
         "show_if": {"question": "uses", "equals": "no"}},
        {"id": "spaces", "type": "multiple_choice", "text": T("Which?"),
         "options": opts("a", "b", "c", "d"), "min_picks": 1, "max_picks": 2},
        {"id": "shade", "type": "text", "text": T("Shade?"), "required": False,
         "show_if": {"question": "spaces", "includes": "a"}},
        {"id": "sat", "type": "likert", "text": T("Satisfied?")},
        {"id": "nps", "type": "rating", "text": T("Recommend?")},
        {"id": "minutes", "type": "number", "text": T("Minutes"), "min": 0, "max": 60},
        {"id": "top", "type": "ranking", "text": T("Top 2"), "options": opts("x", "y", "z"),
         "rank": 2},
        {"id": "where", "type": "map_point", "text": T("Where?"),
         "follow_up": {"text": T("What?"), "type": "single_choice",
                       "options": opts("dark", "broken")}},
        {"id": "ideas", "type": "pairwise", "text": T("Which idea?"),
         "options": opts("i1", "i2", "i3"), "pairs": 3},
    ]}]})

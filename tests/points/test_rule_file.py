"""The points rule file: the shipped sample reads, and a broken file is refused with a
message naming the file, the line and the field."""

from __future__ import annotations

import textwrap

import pytest

from workbench import settings
from workbench.points.rule_file import PointsRulesError, load_rules

GOOD = """\
id: street
title: {zh: 街道规则, en: Street rules}
awarders: [steward]
earn:
  - id: elderly_care
    event: volunteer_hours
    category: elderly_care
    title: {zh: 助老, en: Elderly care}
    points_per_hour: 10
catalogue:
  - id: room
    title: {zh: 活动室, en: A room}
    price: 50
    public_space: P1
"""


def rules_file(tmp_path, text):
    path = tmp_path / "rules.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_the_shipped_sample_reads():
    rules = load_rules(settings.get("points_rules"))
    assert {r.event for r in rules.earn} == {"volunteer_hours", "proposal_adopted",
                                             "survey_completed", "workshop_attended",
                                             "activity_attended"}
    assert rules.expiry.months == 24 and rules.catalogue
    assert rules.rule("elderly_care").points_for(90) == 15   # 1.5 h x 10


def test_a_good_file_reads(tmp_path):
    rules = load_rules(rules_file(tmp_path, GOOD))
    assert rules.item("room").price == 50 and rules.expiry is None


@pytest.mark.parametrize("old, new, line, field, problem", [
    ("    price: 50\n", "    price: fifty\n", 13, "catalogue[0:room].price", "integer"),
    ("    price: 50\n", "    price: 0\n", 13, "catalogue[0:room].price", "greater than 0"),
    ("    price: 50\n", "    prize: 50\n", 13, "catalogue[0:room].prize", "a typo?"),
    ("    price: 50\n", "", 11, "catalogue[0:room].price", "required and missing"),
    ("    points_per_hour: 10\n", "    points: 10\n", 5, "earn[0:elderly_care]",
     "points_per_hour"),
    ("    event: volunteer_hours\n", "    event: good_deed\n", 6, "earn[0:elderly_care].event",
     "must be"),
    ("awarders: [steward]\n", "awarders: [mayor]\n", 3, "awarders[0]", "must be"),
    ("    public_space: P1\n", "    public_space: P1\n    partner: 理发店\n", 11,
     "catalogue[0:room]", "either public_space or partner"),
    ("id: street\n", "id: Street Rules\n", 1, "id", "identifier"),
    ("    price: 50\n", "    price: true\n", 13, "catalogue[0:room].price", "integer"),
])
def test_a_broken_file_names_the_line_and_field(tmp_path, old, new, line, field, problem):
    assert old in GOOD
    with pytest.raises(PointsRulesError) as error:
        load_rules(rules_file(tmp_path, GOOD.replace(old, new)))
    assert (error.value.line, error.value.field) == (line, field)
    assert problem in error.value.problem and f"rules.yaml:{line}: {field}:" in str(error.value)


def test_an_id_defined_twice_is_refused(tmp_path):
    twice = GOOD + "  - id: room\n    title: {zh: 又一间, en: Another}\n    price: 5\n" \
                   "    partner: shop\n"
    with pytest.raises(PointsRulesError, match="catalogue item 'room' is defined twice"):
        load_rules(rules_file(tmp_path, twice))


@pytest.mark.parametrize("text, problem", [
    ("id: [unclosed\n", "is not valid YAML"),
    ("- a list\n", "must be a mapping"),
])
def test_a_file_that_is_not_a_rule_file(tmp_path, text, problem):
    with pytest.raises(PointsRulesError, match=problem):
        load_rules(rules_file(tmp_path, text))


def test_a_missing_or_binary_file(tmp_path):
    with pytest.raises(PointsRulesError, match="missing"):
        load_rules(tmp_path / "nope.yaml")
    (tmp_path / "bin.yaml").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(PointsRulesError, match="UTF-8"):
        load_rules(tmp_path / "bin.yaml")


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import yaml  # noqa: E402
from hostile import json_values, texts  # noqa: E402
from workbench.points.rule_file import PointsRules  # noqa: E402


def _sample_with(path: tuple, value):
    """The shipped sample's data with one place replaced by a hostile value."""
    data = yaml.safe_load(open(settings.get("points_rules"), encoding="utf-8"))
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return data


PLACES = [("id",), ("title",), ("awarders",), ("expiry",), ("earn",), ("catalogue",),
          ("earn", 0, "points_per_hour"), ("earn", 4, "points"), ("earn", 0, "event"),
          ("catalogue", 1, "stock"), ("catalogue", 0, "price"), ("communities",),
          ("transfer_within_household",), ("earn", 0, "title", "zh")]


@given(place=st.sampled_from(PLACES), value=json_values)
def test_any_value_anywhere_loads_or_is_refused_with_a_line(tmp_path_factory, place, value):
    path = tmp_path_factory.mktemp("rules") / "rules.yaml"
    path.write_text(yaml.safe_dump(_sample_with(place, value), allow_unicode=True),
                    encoding="utf-8")
    try:
        assert isinstance(load_rules(path), PointsRules)
    except PointsRulesError as error:
        assert error.problem and (error.line is not None or not error.field)


@given(text=texts)
def test_any_text_as_a_rule_file_loads_or_is_refused(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("rules") / "rules.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    with pytest.raises(PointsRulesError):
        load_rules(path)

import pytest

from communities import INSIDE_OPEN, INSIDE_P1, OUTSIDE
from workbench.proposals.rules import (ProposalInvalid, RateLimiter, new_receipt_code,
                                 normalise_receipt_code, validate_proposal)


def raw(**overrides):
    base = {"title": "加几张长椅", "description": "老人需要歇脚。", "scenario": "health",
            "lon": INSIDE_OPEN[0], "lat": INSIDE_OPEN[1]}
    base.update(overrides)
    return base


def errors_of(community, **overrides):
    with pytest.raises(ProposalInvalid) as err:
        validate_proposal(raw(**overrides), community)
    return {field: key for field, (key, _params) in err.value.errors.items()}


def test_a_good_proposal_is_cleaned(community):
    p = validate_proposal(raw(title="  长椅  ", name=" 王阿姨 "), community)
    assert p.title == "长椅" and p.author_name == "王阿姨" and p.public_space_id is None


def test_public_space_gives_location(community):
    p = validate_proposal(raw(lon=None, lat=None, public_space_id="P3"), community)
    assert (p.lon, p.lat) == pytest.approx(community.public_space_location("P3"))
    assert p.public_space_id == "P3"


@pytest.mark.parametrize("overrides, field, key", [
    ({"title": ""}, "title", "error.required"),
    ({"title": "   \n "}, "title", "error.required"),
    ({"title": "x" * 61}, "title", "error.too_long"),
    ({"description": "很" * 100_000}, "description", "error.too_long"),
    ({"title": "abc\x07def"}, "title", "error.control_chars"),
    ({"title": "abc\u202edef"}, "title", "error.control_chars"),  # bidi override
    ({"title": "line\nbreak"}, "title", "error.control_chars"),
    ({"title": "<img src=x onerror=alert(1)>"}, "title", "error.markup"),
    ({"description": "hi <script>alert(1)</script>"}, "description", "error.markup"),
    ({"name": "<b>me</b>"}, "name", "error.markup"),
    ({"description": "click javascript:alert(1)"}, "description", "error.markup"),
    ({"title": 12345}, "title", "error.text_type"),
    ({"title": ["a"]}, "title", "error.text_type"),
    ({"scenario": ""}, "scenario", "error.scenario_required"),
    ({"scenario": "volcano"}, "scenario", "error.scenario_unknown"),
    ({"scenario": ["health"]}, "scenario", "error.scenario_unknown"),
    ({"lon": None, "lat": None}, "location", "error.location_required"),
    ({"lon": OUTSIDE[0], "lat": OUTSIDE[1]}, "location", "error.location_outside"),
    ({"lon": float("nan")}, "location", "error.location_invalid"),
    ({"lon": "120.2"}, "location", "error.location_invalid"),
    ({"lon": True}, "location", "error.location_invalid"),
    ({"public_space_id": "P99"}, "location", "error.space_unknown"),
    ({"public_space_id": {"$ne": 1}}, "location", "error.space_unknown"),
])
def test_bad_input_names_the_field(community, overrides, field, key):
    assert errors_of(community, **overrides)[field] == key


def test_all_problems_reported_at_once(community):
    errs = errors_of(community, title="", scenario="x", lon=None, lat=None)
    assert set(errs) == {"title", "scenario", "location"}


def test_plain_text_with_angle_brackets_is_fine(community):
    p = validate_proposal(raw(title="5 < 6 & 7 > 3", description="a<b, 'quoted' \"text\""),
                          community)
    assert p.title == "5 < 6 & 7 > 3"


def test_limits_follow_settings(community, monkeypatch):
    monkeypatch.setenv("WORKBENCH_TITLE_MAX_CHARS", "5")
    assert errors_of(community, title="abcdef")["title"] == "error.too_long"


def test_receipt_codes_are_short_unambiguous_and_normalised():
    codes = {new_receipt_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in list(codes)[:50]:
        assert len(code) == 9 and code[4] == "-"
        assert not set(code.replace("-", "")) & set("01OIL")
        assert normalise_receipt_code(code.lower().replace("-", " ")) == code


def test_rate_limiter():
    now = [0.0]
    limiter = RateLimiter(max_total=3, min_interval=5, clock=lambda: now[0])
    assert limiter.check() is None
    limiter.record()
    assert limiter.check() == ("error.too_fast", {"seconds": 5})
    now[0] = 5
    limiter.record()
    now[0] = 10
    limiter.record()
    now[0] = 100
    assert limiter.check() == ("error.too_many", {"max": 3})

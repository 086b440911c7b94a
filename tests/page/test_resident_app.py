"""The resident page driven through its widgets, without a browser: exactly what any client
of the kernel can do over the websocket (set any value, press any button)."""

import pytest

from communities import INSIDE_OPEN, INSIDE_P1, OUTSIDE
from workbench.proposals.rules import Proposal
from workbench.page.resident import ResidentApp


@pytest.fixture
def app(community, store):
    return ResidentApp(community, store, lang="en")


def fill(app, title="More benches", description="Shade too", scenario="health", at=INSIDE_OPEN):
    app.title_input.value = title
    app.description_input.value = description
    app.scenario_input.value = scenario
    if at:
        app.place_at(*at)


def test_submit_saves_then_shows_receipt(app, store):
    fill(app)
    app.submit.click()
    assert app.last_receipt is not None
    code = app.last_receipt["code"]
    assert store.proposal_by_receipt(code)["title"] == "More benches"
    assert "Receipt" in app.receipt.value and code in app.receipt.value
    assert app.receipt_box.layout.display is None and app.form.layout.display == "none"
    assert "More benches" in app.list_text()
    assert app.map.proposals.data["features"][0]["properties"]["title"] == "More benches"
    assert app.title_input.value == ""  # form cleared for the next one


def test_tap_inside_a_public_space_picks_it(app, store):
    fill(app, at=INSIDE_P1)
    assert app.space_input.value == "P1"
    code = app.submit_proposal()
    assert store.proposal_by_receipt(code)["public_space_id"] == "P1"


def test_choosing_a_space_places_the_pin(app):
    app.space_input.value = "P4"
    assert app.lon is not None and app.map.widget.pin == [app.lat, app.lon]


@pytest.mark.parametrize("kwargs, field, message", [
    ({"title": ""}, "title", "Please fill this in."),
    ({"title": "x" * 61}, "title", "Too long: at most 60 characters, this has 61."),
    ({"description": "d" * 100_000}, "description", "at most 1000 characters"),
    ({"title": "a\x00b"}, "title", "special characters"),
    ({"title": "<img src=x onerror=alert(1)>"}, "title", "Please don&#x27;t include HTML"),
    ({"at": None}, "location", "Please tap the map"),
    ({"at": OUTSIDE}, "location", "outside the community"),
])
def test_bad_input_message_beside_field_nothing_saved(app, store, kwargs, field, message):
    fill(app, **kwargs)
    assert app.submit_proposal() is None
    assert message in app.field_errors[field].value
    assert store.count_proposals() == 0
    assert app.last_receipt is None


def test_messages_follow_the_language(app):
    fill(app, title="")
    app.submit_proposal()
    app.language.value = "zh"
    assert app.field_errors["title"].value == "请填写这一项。"
    assert app.title_input.description == "标题"
    assert app.submit.description == "提交提案"


def test_a_hostile_client_setting_raw_values(app, store):
    # options can be bypassed by a client writing the trait; validation still refuses
    app.scenario_input.options = [("x", "volcano")]
    app.scenario_input.value = "volcano"
    app.title_input.value = "ok"
    app.place_at(*INSIDE_OPEN)
    assert app.submit_proposal() is None
    assert "no such scenario" in app.field_errors["scenario"].value
    app.place_at("NaN", "1e999")
    assert store.count_proposals() == 0


def test_rate_limit_in_the_callback(community, store, monkeypatch):
    monkeypatch.setenv("WORKBENCH_SUBMISSIONS_PER_PAGE", "2")
    app = ResidentApp(community, store, lang="en")
    for i in range(5):
        fill(app, title=f"t{i}")
        app.submit.click()
    assert store.count_proposals() == 2
    assert "limit" in app.form_error.value


def test_resident_text_is_escaped_in_list_and_popup(app, store, community):
    lon, lat = community.public_space_location("P1")
    store.add_proposal("test", Proposal(title="<img src=x onerror=alert(1)>",
                                        description="<script>alert(2)</script>",
                                        scenario="health", lon=lon, lat=lat))
    app.refresh()
    assert "<img" not in app.list_text() and "&lt;img src=x" in app.list_text()
    pid = app.rows[0]["id"]
    app._on_proposal_click(properties={"id": pid})
    popup = app.map.widget.popup["html"]
    assert "&lt;script&gt;" in popup and "<script>" not in popup


def test_a_failing_callback_shows_a_friendly_message(app, store, monkeypatch, capsys):
    def boom(*a, **k):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(store, "add_proposal", boom)
    fill(app)
    app.submit.click()  # does not raise
    assert "something went wrong" in app.form_error.value
    assert "secret internals" not in app.form_error.value
    assert app.submit.disabled is False


def test_start_reads_language_from_link(app):
    app.start("lang=zh")
    assert app.lang == "zh" and app.language.value == "zh"


def test_open_surveys_are_listed_and_answered(app, store):
    from samples import SURVEY

    definition = SURVEY.model_dump(mode="json", by_alias=True)
    store.publish_survey(SURVEY.id, "v1", definition)
    closed = dict(definition, id="old", closes="2020-01-01")
    store.publish_survey("old", "v1", closed)
    app.refresh()
    titles = [b.description for b in app.survey_buttons.children]
    assert titles == ["Every type"]
    button = app.survey_buttons.children[0]
    button.click()
    form = app.survey_form
    # the form opens right below the button tapped, and is brought into view
    assert list(app.survey_buttons.children) == [button, form.widget]
    assert any(c.startswith("wb-scroll-") for c in form.widget._dom_classes)
    assert form.save() is None  # required questions unanswered
    assert "Please fill this in." in form.blocks["uses"].error.value


def test_survey_dates_decide_what_is_open():
    from datetime import date

    from workbench.surveys.answers import survey_is_open

    d = {"opens": "2026-12-01", "closes": "2027-01-15"}
    assert survey_is_open(d, date(2026, 12, 1)) and survey_is_open(d, date(2027, 1, 15))
    assert not survey_is_open(d, date(2026, 11, 30)) and not survey_is_open(d, date(2027, 1, 16))
    assert survey_is_open({}, date(2030, 1, 1))


def test_device_key_becomes_the_respondent(app, store):
    from samples import SURVEY

    version = store.publish_survey(SURVEY.id, "v1", SURVEY.model_dump(mode="json", by_alias=True))
    store.save_draft(version, "device-" + "a" * 32, {"uses": "no"})
    app.refresh()
    app.open_survey(SURVEY.id)
    assert app.survey_form.answers()["uses"] is None
    app.device.value = "not a key <script>"
    assert app.respondent.startswith("page-")
    app.device.value = "a" * 32
    assert app.respondent == "device-" + "a" * 32
    assert app.survey_form.answers()["uses"] == "no"  # the draft of this browser came back


def test_per_participant_surveys_wait_for_participation_codes(app, store):
    from samples import SURVEY

    definition = dict(SURVEY.model_dump(mode="json", by_alias=True), anonymous=False)
    store.publish_survey(SURVEY.id, "v-named", definition)
    app.refresh()
    (button,) = app.survey_buttons.children
    assert "participation code needed" in button.description
    assert app.open_survey(SURVEY.id) is None  # no code yet: the code field is pointed at
    assert "needs your participation code" in app.code_status.value
    from workbench.participation.codes import issue_codes

    code = issue_codes(store, "test", 1)[0]
    assert app.use_code(code)
    form = app.open_survey(SURVEY.id)
    assert form.respondent == f"code-{app.code_id}"  # one response per code, any phone
    app.device.value = "b" * 32
    assert form.respondent == f"code-{app.code_id}"  # a device key does not replace it


def test_supports_need_a_code_and_count_once(app, store):
    from workbench.participation.codes import issue_codes

    fill(app)
    app.submit_proposal()
    pid = app.rows[0]["id"]
    app.toggle_support(pid)
    assert "participation code first" in app.code_status.value
    assert store.support_counts("test") == {}
    code = issue_codes(store, "test", 1)[0]
    assert not app.use_code("WRONG-CODE1")
    assert "not valid" in app.code_status.value
    assert app.use_code(code.lower())
    assert "Using code" in app.code_status.value
    app.toggle_support(pid)
    assert store.support_counts("test") == {pid: 1}
    text, button, _talk = app._row_widgets[pid]
    assert button.description == "Supported ✓ 1"
    app.toggle_support(pid)  # taken back
    assert store.support_counts("test") == {}
    for _ in range(5):  # many clicks: never more than one support
        app.toggle_support(pid)
    assert store.support_counts("test") in ({}, {pid: 1})


def test_code_from_the_slip_link(app, store):
    from workbench.participation.codes import issue_codes

    code = issue_codes(store, "test", 1)[0]
    app.start(f"lang=en&code={code}")
    assert app.code_id is not None


def test_support_clicks_are_limited(community, store, monkeypatch):
    from workbench.participation.codes import issue_codes

    monkeypatch.setattr("workbench.proposals.list_page.SUPPORT_CLICKS", 3)
    app = ResidentApp(community, store, lang="en")
    fill(app)
    app.submit_proposal()
    pid = app.rows[0]["id"]
    app.use_code(issue_codes(store, "test", 1)[0])
    for _ in range(10):
        app.toggle_support(pid)
    assert "Too many clicks" in app.code_status.value
    assert store.support_counts("test") == {pid: 1}  # three toggles: on, off, on


def test_similar_proposals_are_shown_while_typing(app, store):
    fill(app, title="给银杏口袋公园加几张有靠背的长椅", description="")
    app.submit_proposal()
    app._on_another()
    app.title_input.value = "银杏公园增加长椅"
    assert "Similar proposals already exist" in app.similar_html.value
    assert "1. 给银杏口袋公园加几张有靠背的长椅" in app.similar_html.value
    app.title_input.value = "Free wifi in the library"
    assert app.similar_html.value == ""
    lon, lat = app.community.public_space_location("P1")
    store.add_proposal("test", Proposal(title="<b>石凳</b>和树荫", description="",
                                        scenario="health", lon=lon, lat=lat))
    app.refresh()
    app.title_input.value = "石凳 树荫"
    assert "&lt;b&gt;石凳&lt;/b&gt;" in app.similar_html.value  # resident text escaped
    assert "<b>" not in app.similar_html.value


def test_the_list_grows_a_page_at_a_time(community, store):
    from workbench.page.resident import LIST_PAGE

    for i in range(LIST_PAGE + 5):
        store.add_proposal("test", Proposal(f"proposal {i}", "", "health", *INSIDE_OPEN))
    app = ResidentApp(community, store, lang="en")
    assert len(app.list_rows.children) == LIST_PAGE
    assert app.more_button.description == "Show 5 more"
    assert f"{LIST_PAGE + 5} in all" in app.list_html.value
    assert len(app.map.proposals.data["features"]) == LIST_PAGE + 5  # the map shows them all
    app.more_button.click()
    assert len(app.list_rows.children) == LIST_PAGE + 5
    assert app.more_button.layout.display == "none"
    assert "proposal 0" in app.list_text()


def test_a_domain_adds_its_section_without_editing_the_shell(community, store, monkeypatch):
    import ipywidgets as w

    from workbench import registry
    from workbench.page.part import PagePart

    class Noticeboard(PagePart):
        NAME = "noticeboard"
        ORDER = 55  # between the statements and the surveys

        def __init__(self, session, page):
            super().__init__(session, page)
            self.widget = w.HTML()
            self.reads = 0

        def refresh(self):
            self.reads += 1

        def render(self):
            self.widget.value = self.t("app.subtitle")

    sections = registry.page_sections()
    monkeypatch.setattr(registry, "page_sections", lambda: [*sections, Noticeboard])
    app = ResidentApp(community, store, lang="en")
    board = app.section("noticeboard")
    children = app.widget.children
    # the statements and the surveys stand folded (built when opened) around it
    assert children.index(board.widget) == children.index(app.folds["statement_voting"].widget) + 1
    assert children.index(board.widget) == children.index(app.folds["surveys"].widget) - 1
    assert board.reads == 1 and board.session is app.session
    app.set_language("zh")
    assert board.widget.value == "在地图上点一下，说说你对社区公共空间的想法"


def test_the_page_style_comes_from_its_css_files(app):
    from importlib.resources import files

    style = app.style.value
    for package, name in [("workbench.page", "resident.css"), ("workbench.proposals", "page.css"),
                          ("workbench.deliberation", "page.css"), ("workbench.agenda", "page.css"),
                          ("workbench.workshops", "page.css"), ("workbench.surveys", "page.css")]:
        assert files(package).joinpath(name).read_text(encoding="utf-8") in style
    assert style.count(".wb-app .wb-statement {") == 1  # a module's file once, for all its sections


def test_the_page_says_when_it_has_started_with_its_link(community, store):
    """A program driving the page over the websocket waits for this class before it reads
    the page (workbench.widget_client): a preheated kernel starts the page in its own time."""
    from workbench.page import STARTED

    app = ResidentApp(community, store, lang="zh")
    assert STARTED not in app.widget._dom_classes
    app.start("lang=en")
    assert STARTED in app.widget._dom_classes and app.lang == "en"

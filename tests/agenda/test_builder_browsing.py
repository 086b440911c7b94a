"""Choosing and reading items in the agenda builder as a planner does, through its widgets:
a click on a row of the ranked list or on a numbered marker, the filters, score parts without
data, the residents' own words, the tables and the downloads, and a tool that works at once
on an empty and on a full database."""

import base64
import io
import re
import zipfile
from datetime import datetime, timezone

import pytest

from residents import code_ids, propose

from communities import INSIDE_OPEN
from workbench.agenda import presenter as show
from workbench.agenda.browsing import NO_SPACE, UNDECIDED
from workbench.agenda.builder import AgendaBuilder
from workbench.agenda.builder_map import fan_offsets
from workbench.deliberation.discussion import Comment
from workbench.layers.community import read_layers

MARKUP = "<img src=x onerror=alert(1)>"


@pytest.fixture
def seeded(store):
    codes = code_ids(store, 4)
    a = propose(store, "公园里多放些长椅", "老人需要休息的长椅")
    b = propose(store, "公园加几张长椅", "希望多放长椅给老人休息")
    c = propose(store, "东门设快递柜", "快递堆在门卫室", space=None, scenario="service",
                at=INSIDE_OPEN)
    for code in codes[:3]:
        store.set_support(a, code, True)
    store.add_comment(Comment(a, "for", "老人走累了要歇脚"), codes[1])
    store.add_comment(Comment(a, "against", MARKUP), codes[2])
    store.add_comment(Comment(c, "neutral", "看放在哪里"), codes[3])
    return {"benches": a, "lockers": c}


@pytest.fixture
def builder(store, community, seeded):
    # no Re-group pressed: the tool groups the proposals itself when there are no items
    return AgendaBuilder(store, community, read_layers(community.folder), lang="en",
                         author="王主任")


def item_of(builder, proposal_id):
    return next(i for i in builder.items.values() if proposal_id in i["proposal_ids"])


def test_a_full_database_opens_on_a_working_list(builder, seeded):
    assert len(builder.order) == 2 and builder.selected_id == builder.order[0]
    assert len(builder.list_panel.rows_box.children) == 2
    assert "公园里多放些长椅" in builder.list_panel.list_text()
    assert "#" + str(builder.order[0]) not in builder.list_panel.list_text()


def test_an_empty_database_opens_on_an_empty_tool(store, community):
    builder = AgendaBuilder(store, community, None, lang="zh", author="王主任")
    assert builder.order == [] and builder.selected_id is None
    assert "还没有事项" in builder.list_panel.count_html.value
    builder.tables_panel.box.selected_index = 0
    assert "还没有事项" in builder.tables_panel.ranking_html.value
    assert builder.map_panel.rank_markers.layers == ()


def test_clicking_a_row_or_a_marker_chooses_the_item(builder, seeded):
    lockers = item_of(builder, seeded["lockers"])["id"]
    benches = item_of(builder, seeded["benches"])["id"]
    row = builder.list_panel._row(lockers)[0]
    row.children[1].click()   # the button over the row
    assert builder.selected_id == lockers and "东门设快递柜" in builder.item_panel.detail_html.value
    assert "wb-selected" in row._dom_classes
    assert "wb-selected" not in builder.list_panel._row(benches)[0]._dom_classes
    builder.map_panel.click(benches)
    assert builder.selected_id == benches
    assert "wb-chosen" in builder.map_panel.markers[benches].icon.html
    # the popup names the item and its place, escaped
    assert "公园里多放些长椅" in builder.map_panel.markers[benches].popup.value


def test_filters_by_scenario_space_decision_and_status(builder, seeded):
    lockers = item_of(builder, seeded["lockers"])["id"]
    benches = item_of(builder, seeded["benches"])["id"]
    assert builder.set_filters(scenario="service") == [lockers]
    assert len(builder.map_panel.rank_markers.layers) == 1
    assert builder.set_filters(scenario="", space=NO_SPACE) == [lockers]
    assert builder.set_filters(space="P1") == [benches]
    builder.select(benches)
    assert builder.decide("adopt", "支持的人多", owner="steward")
    assert builder.set_filters(space="", decision="adopt") == [benches]
    assert builder.set_filters(decision=UNDECIDED) == [lockers]
    assert builder.set_filters(decision="", status="planned") == [benches]
    assert builder.set_filters(status="done") == []
    assert "No item matches" in builder.list_panel.count_html.value


def test_parts_without_data_say_so_and_their_sliders_are_disabled(builder):
    sliders = builder.list_panel.sliders
    # no statements linked, no survey answers: no data; comments and supporters have some
    assert sliders["consensus"].disabled and sliders["need"].disabled
    assert not sliders["supporters"].disabled and not sliders["stance"].disabled
    note = builder.list_panel.slider_notes["consensus"].value
    assert "No data" in note and "no item has statements" in note
    assert builder.list_panel.slider_notes["supporters"].value == ""
    score = builder.item_panel.score_html.value
    assert score.count("No data") >= 2
    # a part without data weighs nothing: the score is the others' weighted mean
    first = builder.ranking.iloc[0]
    assert first["w_consensus"] == 0 and first["w_need"] == 0


def test_the_item_shows_residents_words_by_stance_escaped(builder, seeded):
    builder.select(item_of(builder, seeded["benches"])["id"])
    words = builder.item_panel.words_html.value
    assert "老人需要休息的长椅" in words and "希望多放长椅给老人休息" in words
    assert "老人走累了要歇脚" in words and "&lt;img src=x onerror=alert(1)&gt;" in words
    assert MARKUP not in words
    stances = re.findall(r"wb-stance-(\w+)'><b>[^<]*?(\d+)</b>", words)
    assert stances == [("for", "1"), ("neutral", "0"), ("against", "1")]


def test_a_proposals_photo_is_shown_beside_its_words(store, community, seeded):
    from photo_files import camera_jpeg
    from workbench.proposals.photos import prepare_photo

    from workbench.proposals.rules import validate_proposal

    photo = prepare_photo(camera_jpeg(640, 480))
    store.add_proposal("test", validate_proposal(
        {"title": "银杏树下的坐凳", "description": "树荫下", "scenario": "health",
         "public_space_id": "P1"}, community), photo=photo)
    builder = AgendaBuilder(store, community, None, lang="zh", author="王主任")
    builder.regroup()
    pid = next(p for p, row in builder.proposals.items() if row["title"] == "银杏树下的坐凳")
    builder.select(item_of(builder, pid)["id"])
    assert "<img class='wb-photo'" in builder.item_panel.words_html.value


def test_tables_follow_the_weights_and_versions_download(builder, seeded):
    builder.tables_panel.box.selected_index = 0
    assert "公园里多放些长椅" in builder.tables_panel.ranking_html.value
    builder.set_weights({"supporters": 0.0, "stance": 1.0})
    first = builder.items[builder.order[0]]["title"]
    table = builder.tables_panel.ranking_html.value
    assert table.index(first) < table.index("<td>", table.index("<tbody>") + 200)
    builder.select(builder.order[0])
    builder.decide("adopt", "好", owner="steward")
    builder.versions_panel.confirm_input.value = True
    assert builder.publish() == 1
    links = builder.exports_panel.links_html.value
    files = dict(re.findall(r'download="([^"]+)" href="data:[^;]+;base64,([^"]+)"', links))
    assert set(files) == {"agenda-v1.html", "agenda-v1.docx", "agenda-v1-csv.zip",
                          "agenda-v1.geojson"}
    html = base64.b64decode(files["agenda-v1.html"]).decode("utf-8")
    assert "<html" in html and first in html
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(files["agenda-v1-csv.zip"]))) as z:
        assert sorted(z.namelist()) == ["agenda_items.csv", "proposals.csv", "updates.csv"]
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(files["agenda-v1.docx"]))) as z:
        assert "word/document.xml" in z.namelist()


def test_markers_at_one_place_fan_out_and_rank_one_is_on_top():
    offsets = fan_offsets([(31.2, 121.4)] * 8 + [(31.21, 121.41)])
    assert offsets[0] == (0.0, 0.0) and offsets[-1] == (0.0, 0.0)
    assert len({(round(x), round(y)) for x, y in offsets[:8]}) == 8


def test_times_in_the_communitys_zone():
    moment = datetime(2026, 11, 27, 18, 5, tzinfo=timezone.utc)
    assert show.format_time(moment, "zh", "Asia/Shanghai") == "2026年11月28日 02:05"
    assert show.format_time(moment.replace(tzinfo=None), "en", "Asia/Shanghai") == \
        "28 Nov 2026 02:05"


def test_publishing_shows_the_versions_contents_before_and_after(builder, seeded):
    benches = item_of(builder, seeded["benches"])["id"]
    lockers = item_of(builder, seeded["lockers"])["id"]
    panel = builder.versions_panel
    assert "No item has a decision yet" in panel.preview_html.value
    builder.select(benches)
    builder.decide("adopt", "Many supporters", owner="steward")
    builder.select(lockers)
    builder.decide("defer", "Ask the property manager first")
    before = panel.preview_html.value
    assert before.index("Adopted") < before.index("公园里多放些长椅") < before.index(
        "Deferred") < before.index("东门设快递柜") and "Ask the property manager" in before
    panel.confirm_input.value = True
    assert builder.publish() == 1
    after = panel.published_html.value
    assert "v1" in after and "公园里多放些长椅" in after and "东门设快递柜" in after


def test_a_decision_is_withdrawn_with_a_new_history_entry_and_nothing_erased(
        builder, store, seeded):
    benches = item_of(builder, seeded["benches"])["id"]
    builder.select(benches)
    panel = builder.decision_panel
    assert panel.withdraw_box.layout.display == "none"      # nothing to withdraw yet
    assert not builder.withdraw("mistake")
    assert builder.decide("adopt", "Many supporters", owner="steward", budget_line="B-7")
    assert panel.withdraw_box.layout.display is None
    # a reason is required, and markup refused, beside the field; nothing changed
    assert not builder.withdraw("")
    assert panel.withdraw_errors["withdraw_reason"].value
    assert not builder.withdraw(MARKUP)
    assert store.agenda_item(benches)["decision"] == "adopt"
    assert builder.withdraw("The budget was not approved")
    item = store.agenda_item(benches)
    assert item["decision"] is None and item["status"] is None
    assert item["budget_line"] == "B-7" and item["reason"] == "Many supporters"  # kept
    [entry] = store.item_updates([benches])
    assert entry["status"] == "withdrawn" and entry["author"] == "王主任"
    assert "Adopted" in entry["note"] and "Many supporters" in entry["note"] \
        and "The budget was not approved" in entry["note"]
    assert "Decision withdrawn" in panel.history_html.value
    assert builder.items[benches]["decision"] is None
    # decided again: adopted anew, planned again, the history keeps both
    assert builder.decide("adopt", "Approved after all", owner="steward")
    assert store.agenda_item(benches)["status"] == "planned"


def test_a_target_date_is_typed_year_month_day_and_a_wrong_one_refused(builder, store,
                                                                        seeded):
    benches = item_of(builder, seeded["benches"])["id"]
    builder.select(benches)
    assert not builder.decide("adopt", "好", owner="steward", target_date="06/30/2027")
    assert builder.decision_panel.decision_errors["target_date"].value
    assert store.agenda_item(benches)["decision"] is None
    assert builder.decide("adopt", "好", owner="steward", target_date="2027-06-30")
    builder.select(benches)
    assert builder.decision_panel.target_input.value == "2027-06-30"


def test_the_app_switches_language_and_takes_the_planners_name(store, community, seeded):
    from workbench.agenda.builder_app import AgendaApp

    app = AgendaApp(store, community, None, author="社区工作人员", lang="zh")
    chosen = app.builder.order[1]
    app.builder.select(chosen)
    assert "事项排序" in app.builder.list_panel.box.children[0].value
    app.language.value = "en"
    assert app.builder.lang == "en" and app.builder.selected_id == chosen
    assert "Ranked items" in app.builder.list_panel.box.children[0].value
    assert app.bilingual.body.children[0] is app.builder.widget
    app.name_input.value = "王主任"
    assert app.builder.author == "王主任"
    app.name_input.value = MARKUP
    assert app.builder.author == "王主任" and "Please write your name" in app.name_error.value


def test_a_file_too_large_for_a_link_says_how_to_get_it():
    from workbench.agenda.builder_exports import download_link
    from workbench.page.download import MAX_BYTES

    line = download_link(b"x" * (MAX_BYTES + 1), "agenda-v3.pdf", "PDF", "zh")
    assert "<a" not in line and "agenda-v3.pdf" in line and "workbench export-agenda" in line

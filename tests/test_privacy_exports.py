"""No personal data leaves the workbench by an export or a screen: residents' names, phone
numbers and e-mail addresses, kept in their own tables (residents_personal, and the name
given with a proposal), are planted, every contribution is made under those residents' codes,
and then every export path (the agenda's open data CSV and GeoJSON, its report, the survey
CSV and Excel files, the Pol.is export, the moderation log) and every widget of the resident
page and the planners' moderation panel is searched for them. Nor for the keys that would
link a row back to a resident (their ``code-<id>``)."""

import json
import zipfile

import ipywidgets.widgets.widget as widget_module
import pytest

from residents import code_ids
from samples import SURVEY, generate_responses
from stores import proposal
from workbench.agenda import decisions, scoring, workflow
from workbench.deliberation.discussion import Comment
from workbench.participation.privacy import Resident, forget, personal_export, write_export

PEOPLE = [("王秀英", "13912345678", "wxy@example.cn"),
          ("Zhang Wei-Personal", "+86 21 5555 0199", "zhang.personal@example.org")]
PROPOSAL_NAMES = ["李建国-提案人", "Proposer Liu Private"]


@pytest.fixture
def planted(store, community):
    """Two residents with personal data and every kind of contribution, two proposals
    signed with a name, a published agenda, survey answers and a voted topic."""
    ids = code_ids(store, len(PEOPLE))
    for code_id, (name, phone, email) in zip(ids, PEOPLE):
        store.set_personal_data(code_id, name=name, contact=f"{phone} {email}")
    pids = []
    for i, name in enumerate(PROPOSAL_NAMES):
        receipt = store.add_proposal("test", proposal(title=f"长椅 {i}", author_name=name))
        pids.append(store.proposal_by_receipt(receipt)["id"])
    for code_id in ids:
        for pid in pids:
            store.set_support(pid, code_id, True)
            cid = store.add_comment(Comment(pid, "for", "同意"), code_id)
    store.add_report("test", "comment", cid, "广告", f"code-{ids[0]}")
    topic = store.add_topic("test", "晚上的灯", "", ["路灯太暗", "多装几盏"])
    store.add_statement(topic, "住户提的", code_id=ids[0])
    for code_id in ids:
        for s in store.statements_of(topic):
            store.set_vote(s["id"], f"code-{code_id}", 1, code_id=code_id)
    version = store.publish_survey(SURVEY.id, "v1", SURVEY.model_dump(mode="json",
                                                                       by_alias=True))
    for code_id, answers in zip(ids, generate_responses(SURVEY, len(ids), community)):
        store.save_response(version, f"code-{code_id}", answers)
    workflow.regroup(store, "test")
    for item in store.agenda_items("test"):
        store.decide(item["id"], decisions.validate_decision(
            {"decision": "adopt", "owner": "steward", "reason": "大家都需要"}))
    assert workflow.publish(store, community, scoring.DEFAULT_WEIGHTS, "居委会") == 1
    return {"codes": ids, "topic": topic}


def forbidden(codes) -> list[str]:
    values = [v for person in PEOPLE for v in person] + PROPOSAL_NAMES
    values += ["13912345678", "5555 0199", "example.cn", "example.org"]
    return values + [f"code-{i}" for i in codes]


def file_text(path) -> str:
    """A file's text; an Office file's XML parts, unpacked."""
    if path.suffix in (".xlsx", ".docx"):
        with zipfile.ZipFile(path) as z:
            return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist()
                           if n.endswith(".xml"))
    return path.read_text(encoding="utf-8-sig")


def test_no_export_holds_personal_data(store, community, planted, tmp_path):
    from workbench.agenda.open_data import agenda_csv, agenda_geojson
    from workbench.agenda.report import write_agenda_html
    from workbench.deliberation.transfer import export_polis
    from workbench.surveys.answers import survey_view
    from workbench.surveys.export import write_csv, write_excel
    from workbench.surveys.planner import SurveyResults

    snapshot = store.agenda_version("test", 1)
    files = list(agenda_csv(snapshot, tmp_path / "open-data"))
    files.append(agenda_geojson(snapshot, tmp_path / "agenda.geojson"))
    files += [write_agenda_html(snapshot, community, tmp_path / f"agenda-{lang}.html", lang)
              for lang in ("zh", "en")]
    latest = store.latest_survey_versions()[0]
    results = SurveyResults(survey_view(latest["definition"]),
                            store.survey_responses(SURVEY.id), lang="en")
    assert len(results.frame) == len(PEOPLE)
    files.append(write_csv(results.survey, results.frame, tmp_path / "survey.csv"))
    files.append(write_excel(results.survey, results.frame, tmp_path / "survey.xlsx"))
    files += sorted(export_polis(store, planted["topic"], tmp_path / "polis").iterdir())
    files.append(tmp_path / "snapshot.json")
    files[-1].write_text(json.dumps(snapshot, ensure_ascii=False), encoding="utf-8")

    texts = {path.name: file_text(path) for path in files}
    # the same search finds personal data where it belongs: the resident's own copy
    mine = write_export(personal_export(store, "test", Resident("code", planted["codes"][0])),
                        tmp_path / "resident.json")
    assert {PEOPLE[0][0], PEOPLE[0][1]} <= set(
        v for v in forbidden(planted["codes"]) if v in file_text(mine))
    # the exports are full: what residents did is in them (so an empty file cannot pass)
    assert "长椅 0" in texts["agenda-zh.html"] and "路灯太暗" in texts["comments.csv"]
    assert sum(len(t) for t in texts.values()) > 10_000
    leaks = {name: [v for v in forbidden(planted["codes"]) if v in text]
             for name, text in texts.items()}
    assert {name: found for name, found in leaks.items() if found} == {}


def test_no_screen_holds_personal_data(store, community, planted):
    from workbench.deliberation.planner import ModerationTools
    from workbench.page.resident import ResidentApp

    before = set(widget_module._instances)  # other tests' widgets are theirs
    app = ResidentApp(community, store, lang="en")
    app.refresh()
    for row in list(app.rows):
        app._on_proposal_click(properties={"id": row["id"]})
    forget(store, "test", Resident("code", planted["codes"][0]), "王主任")
    tools = ModerationTools(store, community, "王主任", lang="zh")
    log = tools.log_csv().decode("utf-8-sig")
    assert "forget" in log  # the forgetting is in the log, without what was forgotten
    states = json.dumps([w.get_state() for key, w in list(widget_module._instances.items())
                         if key not in before],
                        ensure_ascii=False, default=str)
    assert "长椅 0" in states and "同意" in states  # the screens show the contributions
    found = [v for v in forbidden(planted["codes"]) if v in states or v in log]
    assert found == []

"""A resident's rights over their personal data: kept apart, handed over and deleted on
request, their contributions staying, anonymous. On SQLite and PostgreSQL."""

import json

from stores import proposal, store_on_both_databases  # noqa: F401  (the store fixture)
from workbench.deliberation.discussion import Comment
from workbench.participation.codes import hash_code, issue_codes, normalise_code, reissue_code
from workbench.participation.privacy import find_resident, forget, personal_export, write_export

NAME, PHONE = "王秀英", "13912345678"


def issued(store, n=2):
    codes = issue_codes(store, "test", n)
    salt = store.code_salt("test")
    return codes, [store.active_code_id("test", hash_code(normalise_code(c), salt))
                   for c in codes]


def contribute(store, code_id):
    """A support, a comment, a statement and its vote, a survey answer under ``code_id``."""
    receipt = store.add_proposal("test", proposal(title="长椅"))
    pid = store.proposal_by_receipt(receipt)["id"]
    store.set_support(pid, code_id, True)
    cid = store.add_comment(Comment(pid, "support", "我也想要"), code_id)
    topic = store.add_topic("test", "晚上", "", ["灯"])
    sid = store.add_statement(topic, "晚上要有灯", code_id=code_id)
    seed = store.statements_of(topic)[0]["id"]  # a resident's own waits for a moderator
    assert store.set_vote(seed, f"code-{code_id}", 1, code_id=code_id)
    version = store.publish_survey("s", "v1", {"id": "s"})
    store.save_response(version, f"code-{code_id}", {"q": "我家在3幢"})
    store.add_report("test", "comment", cid, "广告", f"code-{code_id}")
    return pid, cid, sid, seed


def test_export_holds_personal_data_and_every_contribution(store, tmp_path):
    codes, (mine, other) = issued(store)
    store.set_personal_data(mine, name=NAME, contact=PHONE)
    store.set_personal_data(other, name="李四")
    pid, cid, sid, seed = contribute(store, mine)
    contribute(store, other)

    resident = find_resident(store, "test", codes[0].lower().replace("-", " "))
    assert resident.kind == "code" and resident.id == mine
    path = write_export(personal_export(store, "test", resident), tmp_path / "out" / "r.json")
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["personal_data"]["name"] == NAME and doc["personal_data"]["contact"] == PHONE
    key = {"supports": "proposal_id", "votes": "statement_id"}
    found = {(c["table"], c[key.get(c["table"], "id")]) for c in doc["contributions"]}
    assert {("supports", pid), ("comments", cid), ("statements", sid),
            ("votes", seed)} <= found
    assert any(c["table"] == "survey_responses" and "3幢" in c["answers"]
               for c in doc["contributions"])
    assert any(c["table"] == "reports" and c["reason"] == "广告" for c in doc["contributions"])
    text = path.read_text(encoding="utf-8")
    # nothing of the other resident's, and never the code itself
    assert "李四" not in text and normalise_code(codes[0]) not in text
    assert codes[0] not in text
    assert find_resident(store, "test", "ZZZZZ-ZZZZZ") is None
    assert find_resident(store, "test", "<script>") is None


def test_forget_deletes_personal_data_keeps_contributions_and_logs_without_it(store):
    codes, (mine, other) = issued(store)
    store.set_personal_data(mine, name=NAME, contact=PHONE)
    store.set_personal_data(other, name="李四")
    contribute(store, mine)
    before = store.contributions_of_code(mine)
    resident = find_resident(store, "test", codes[0])

    assert forget(store, "test", resident, "王主任") is True
    assert store.personal_data(mine) is None
    assert store.personal_data(other)["name"] == "李四"
    assert store.contributions_of_code(mine) == before
    entry = store.moderation_log("test")[-1]
    assert (entry["target_kind"], entry["target_id"], entry["action"],
            entry["moderator"]) == ("code", mine, "forget", "王主任")
    assert NAME not in str(entry) and PHONE not in str(entry)
    assert forget(store, "test", resident, "王主任") is False  # asked twice: nothing left
    assert len(store.moderation_log("test")) == 2


def test_a_revoked_code_is_still_found_and_a_reissued_one_keeps_the_data(store):
    codes, (mine, _other) = issued(store)
    store.set_personal_data(mine, contact=PHONE)
    new = reissue_code(store, "test", mine)
    assert find_resident(store, "test", codes[0]).id == mine   # revoked, still theirs
    new_id = find_resident(store, "test", new).id
    assert store.personal_data(mine) is None
    assert store.personal_data(new_id)["contact"] == PHONE


def test_a_proposal_name_is_exported_and_forgotten_by_its_receipt(store):
    receipt = store.add_proposal("test", proposal(title="长椅", author_name=NAME))
    resident = find_resident(store, "test", receipt.lower())
    assert resident.kind == "proposal"
    assert personal_export(store, "test", resident)["personal_data"] == {"name": NAME}
    assert forget(store, "test", resident, "王主任") is True
    doc = personal_export(store, "test", resident)
    assert doc["personal_data"] == {} and doc["contributions"][0]["title"] == "长椅"
    assert store.proposal_by_receipt(receipt)["title"] == "长椅"
    assert NAME not in str(store.moderation_log("test"))


def test_the_planner_commands(tmp_path, capsys):
    """``workbench privacy export|forget`` on the settings' database, in both languages."""
    from workbench.cli import main, open_community

    store, community = open_community()
    (code,) = issue_codes(store, community.id, 1)
    code_id = find_resident(store, community.id, code).id
    store.set_personal_data(code_id, name=NAME, contact=PHONE)
    receipt = store.add_proposal(community.id, proposal(title="凉亭", author_name="赵六"))
    store.dispose()
    capsys.readouterr()

    out = tmp_path / "resident.json"
    assert main(["privacy", "export", code, str(out), "--lang", "en"]) == 0
    said = capsys.readouterr().out
    assert f"participation code #{code_id}" in said and str(out) in said and code not in said
    assert json.loads(out.read_text(encoding="utf-8"))["personal_data"]["name"] == NAME
    assert main(["privacy", "export", code, "--lang", "en"]) == 1
    assert "which file" in capsys.readouterr().err
    assert main(["privacy", "forget", code, "--planner", "王主任", "--lang", "zh"]) == 0
    assert "个人信息已删除" in capsys.readouterr().out
    assert main(["privacy", "forget", code, "--lang", "en"]) == 0
    assert "holds no personal data" in capsys.readouterr().out
    assert main(["privacy", "forget", receipt, "--lang", "en"]) == 0
    assert "proposal #" in capsys.readouterr().out
    assert main(["privacy", "export", "NOPE-NOPE-NOPE", "x.json", "--lang", "en"]) == 1
    assert "no participation code or proposal receipt" in capsys.readouterr().err

    store, community = open_community()
    assert store.personal_data(code_id) is None
    assert store.proposal_author(community.id, receipt)["name"] is None
    log = store.moderation_log(community.id)
    assert [(e["target_kind"], e["action"]) for e in log] == [
        ("code", "forget"), ("code", "forget"), ("proposal", "forget")]
    assert log[0]["moderator"] == "王主任" and NAME not in str(log) and "赵六" not in str(log)
    store.dispose()

"""Photos in moderation: a resident reports a proposal's photo from its discussion, the
moderator sees the photo and hides it with a public reason, and shows it again; nothing is
deleted."""

import pytest

from photo_files import png
from stores import proposal
from workbench.deliberation.moderation_panel import ModerationQueue
from workbench.page.resident import ResidentApp
from workbench.proposals.photos import prepare_photo


@pytest.fixture
def photo_ids(store) -> tuple[int, int]:
    code = store.add_proposal("test", proposal(title="破秋千"), photo=prepare_photo(png(80, 60)))
    pid = store.proposal_by_receipt(code)["id"]
    return pid, store.photo_of(pid)["id"]


def test_a_resident_reports_the_photo_from_the_discussion(community, store, photo_ids):
    pid, photo_id = photo_ids
    app = ResidentApp(community, store, lang="en")
    app.proposal_list.open_discussion(pid)
    d = app.discussion
    labels = dict((v, k) for k, v in d.report_target.options)
    assert labels[f"photo:{photo_id}"] == "The photo of this proposal"
    d.report_target.value = f"photo:{photo_id}"
    d.report_reason.value = "拍到了我家门牌"
    assert d.report() is True
    (item,) = store.moderation_queue("test")
    assert (item["kind"], item["id"]) == ("photo", photo_id)
    # a forged target (another photo id) is refused and nothing is written
    d.report_target.options = [("x", f"photo:{photo_id + 7}")]
    d.report_target.value = f"photo:{photo_id + 7}"
    d.report_reason.value = "again"
    assert d.report() is False
    assert store.moderation_queue("test")[0]["reports"] == 1


def test_the_moderator_sees_photos_and_hides_one_with_a_reason(store, photo_ids):
    pid, photo_id = photo_ids
    panel = ModerationQueue(store, "test", "王主任", lang="en")
    row = panel.row("photo", photo_id)
    assert row is not None and row.box in panel.photos_box.children
    assert "data:image/jpeg;base64," in row.html.value
    assert "alt='Photo added to the proposal “破秋千”'" in row.html.value
    assert "Photo of the proposal: 破秋千" in row.html.value
    # hiding needs a reason, as for text
    assert panel.act("photo", photo_id, "hide", "") is False
    assert store.photo_of(pid)["hidden_reason"] is None
    assert panel.act("photo", photo_id, "hide", "拍到了人脸") is True
    assert store.photo_of(pid)["hidden_reason"] == "拍到了人脸"
    assert panel.row("photo", photo_id) in panel.hidden_rows.values()
    assert "No photos yet." in panel.photos_box.children[0].value
    assert "Photo #" in panel.log_table_html()
    assert panel.act("photo", photo_id, "show", "") is True
    assert store.photo_of(pid)["hidden_reason"] is None


def test_a_photo_hidden_by_the_moderator_is_no_longer_reportable(community, store, photo_ids):
    pid, photo_id = photo_ids
    store.moderate("test", "photo", photo_id, "hide", "人脸", "王主任")
    app = ResidentApp(community, store, lang="zh")
    app.proposal_list.open_discussion(pid)
    values = [v for _, v in app.discussion.report_target.options]
    assert f"photo:{photo_id}" not in values and "proposal:0" in values
    row = " ".join(getattr(w, "value", "") for w in app.proposal_list._row_boxes[pid].children)
    assert "照片已被管理员隐藏：人脸" in row

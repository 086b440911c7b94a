"""A proposal's photo in the store, on SQLite and PostgreSQL: saved with its proposal in one
transaction, read back byte for byte, and hidden by a moderator like text."""

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from communities import write_community
from photo_files import camera_jpeg, png
from stores import proposal, store_on_both_databases  # noqa: F401 (fixture)
from workbench.proposals.photos import PreparedPhoto, prepare_photo
from workbench.proposals.tables import proposal_photos


@pytest.fixture(scope="module")
def photo():
    return prepare_photo(camera_jpeg())


def add_with_photo(store, photo, community_id="test", **kw) -> tuple[int, int]:
    """(proposal id, photo id) of a new proposal with ``photo``."""
    code = store.add_proposal(community_id, proposal(**kw), photo=photo)
    pid = store.proposal_by_receipt(code)["id"]
    return pid, store.photo_of(pid)["id"]


def photo_rows(store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(proposal_photos)).scalar_one()


def test_a_photo_is_saved_with_its_proposal_and_read_back_byte_for_byte(store, photo):
    pid, photo_id = add_with_photo(store, photo)
    assert store.photo_index("test") == {pid: {
        "proposal_id": pid, "id": photo_id, "thumb_width": photo.thumb_width,
        "thumb_height": photo.thumb_height, "hidden_reason": None}}
    full = store.photo_bytes(photo_id)
    assert full["data"] == photo.data and isinstance(full["data"], bytes)
    assert (full["width"], full["height"], full["content_type"]) == (1200, 1600, "image/jpeg")
    assert (full["proposal_id"], full["community_id"]) == (pid, "test")
    thumb = store.photo_bytes(photo_id, thumbnail=True)
    assert thumb["data"] == photo.thumbnail and thumb["width"] == photo.thumb_width
    # a proposal without one has none; no photo, no bytes
    other = store.proposal_by_receipt(store.add_proposal("test", proposal(title="无图")))["id"]
    assert store.photo_of(other) is None and set(store.photo_index("test")) == {pid}
    assert store.photo_bytes(photo_id + 1000) is None


def test_nothing_is_half_saved_when_the_photo_cannot_be(store, photo):
    broken = PreparedPhoto(None, photo.width, photo.height, photo.thumbnail,
                           photo.thumb_width, photo.thumb_height)
    with pytest.raises(IntegrityError):
        store.add_proposal("test", proposal(), photo=broken)
    assert store.count_proposals() == 0 and photo_rows(store) == 0


def test_one_photo_per_proposal(store, photo):
    pid, _ = add_with_photo(store, photo)
    with pytest.raises(IntegrityError):
        with store.engine.begin() as conn:
            conn.execute(proposal_photos.insert().values(
                proposal_id=pid, content_type="image/jpeg", width=1, height=1, image=b"x",
                thumb_width=1, thumb_height=1, thumbnail=b"x",
                created_at=func.current_timestamp()))
    assert photo_rows(store) == 1


def test_a_photo_is_reported_hidden_with_its_reason_and_shown_again(store, photo):
    pid, photo_id = add_with_photo(store, photo)
    assert store.community_of("photo", photo_id) == "test"
    assert store.add_report("test", "photo", photo_id, "拍到了邻居的脸", "device-1")
    (item,) = store.moderation_queue("test")
    assert (item["kind"], item["id"], item["reports"]) == ("photo", photo_id, 1)
    assert item["image"] == photo.thumbnail and item["context"] == "长椅"
    store.moderate("test", "photo", photo_id, "hide", "拍到了人脸", "王主任")
    assert store.photo_index("test")[pid]["hidden_reason"] == "拍到了人脸"
    assert store.photo_bytes(photo_id)["data"] == photo.data  # hidden, never deleted
    assert store.moderation_queue("test") == []
    assert [(i["kind"], i["id"]) for i in store.hidden_items("test")] == [("photo", photo_id)]
    assert store.recent_photos("test") == []
    # the proposal itself stays shown
    assert store.proposal_by_receipt(
        store.list_proposals("test")[0]["receipt_code"])["hidden_reason"] is None
    store.moderate("test", "photo", photo_id, "show", "", "王主任")
    assert store.photo_index("test")[pid]["hidden_reason"] is None
    assert [(r["target_kind"], r["action"]) for r in store.moderation_log("test")] == [
        ("photo", "hide"), ("photo", "show")]


def test_the_newest_photos_for_a_look_and_no_other_communitys(store, photo, tmp_path):
    from workbench.layers.community import load_community

    other = load_community(write_community(tmp_path / "other", meta={
        "id": "other", "name": {"zh": "别的社区", "en": "Other"}, "center": [30.25, 120.2],
        "zoom": 17}))
    store.ensure_community(other)
    small = prepare_photo(png(30, 20))
    first, first_photo = add_with_photo(store, photo, title="第一")
    second, second_photo = add_with_photo(store, small, title="第二")
    _, elsewhere = add_with_photo(store, small, community_id="other", title="别处")
    assert [(p["id"], p["context"]) for p in store.recent_photos("test")] == [
        (second_photo, "第二"), (first_photo, "第一")]
    assert set(store.photo_index("test")) == {first, second}
    # a moderator of one community cannot touch another's photo
    with pytest.raises(ValueError):
        store.moderate("test", "photo", elsewhere, "hide", "x", "王主任")
    with pytest.raises(ValueError):
        store.add_report("test", "photo", elsewhere, "x", "device-1")
    assert store.photo_index("other")[store.photo_bytes(elsewhere)["proposal_id"]][
        "hidden_reason"] is None


def test_the_bytes_come_last_so_that_reading_the_index_never_reads_them(store):
    # SQLite walks a large value's overflow pages to reach the columns after it: with the
    # photo before the numbers, every page start read every photo (35 ms for 200 photos
    # instead of 1.5 ms, measured)
    from sqlalchemy import inspect

    names = [c["name"] for c in inspect(store.engine).get_columns("proposal_photos")]
    assert names[-2:] == ["thumbnail", "image"]
    assert [c.name for c in proposal_photos.columns][-2:] == ["thumbnail", "image"]

"""A proposal's photo: the rules (what is refused, and the clean copy that is stored) and the
resident page's field and list, driven as any client of the kernel could."""

import io

import pytest
from PIL import Image, ImageFile

from communities import INSIDE_OPEN
from photo_files import (COMMENT, MAKER, RED, XMP, camera_jpeg, heic_header, png, png_bomb,
                         upload_value)
from workbench.page.resident import ResidentApp
from workbench.proposals.photos import PhotoInvalid, prepare_photo, upload_content


def refusal(data) -> str:
    with pytest.raises(PhotoInvalid) as caught:
        prepare_photo(data)
    return caught.value.errors["photo"][0]


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


# -- the clean copy ---------------------------------------------------------------------------
@pytest.mark.parametrize("icc", [True, False], ids=["with-icc", "without-icc"])
def test_a_camera_photo_is_turned_made_smaller_and_loses_every_metadata(icc):
    original = camera_jpeg(icc=icc)
    assert opened(original).getexif().get_ifd(0x8825)  # the phone did record the place
    assert COMMENT in original and MAKER.encode() in original
    photo = prepare_photo(original)
    stored = opened(photo.data)
    # orientation 6 applied: the landscape pixels stand upright, at most 1600 on a side
    assert (stored.width, stored.height) == (photo.width, photo.height) == (1200, 1600)
    assert stored.format == "JPEG" and photo.content_type == "image/jpeg"
    # the red block of the top left corner is now in the top right corner
    assert _near(stored.getpixel((stored.width - 20, 20)), RED)
    assert not _near(stored.getpixel((20, 20)), RED)
    # no EXIF (no place, no maker), no ICC profile, no XMP, no comment: in Pillow's reading
    # and in the bytes themselves
    exif = stored.getexif()
    assert len(exif) == 0 and not exif.get_ifd(0x8825)
    for key in ("exif", "icc_profile", "xmp", "comment"):
        assert key not in stored.info
    for secret in (MAKER.encode(), COMMENT, XMP, b"Exif\x00\x00", b"ICC_PROFILE",
                   b"http://ns.adobe.com/xap"):
        assert secret not in photo.data and secret not in photo.thumbnail
    thumb = opened(photo.thumbnail)
    assert max(thumb.size) == 320 and thumb.size == (photo.thumb_width, photo.thumb_height)
    assert len(thumb.getexif()) == 0 and "icc_profile" not in thumb.info


def _near(pixel, colour, tolerance=40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour))


def test_a_small_photo_keeps_its_size_and_transparency_becomes_white():
    photo = prepare_photo(png(200, 100))
    stored = opened(photo.data)
    assert stored.size == (200, 100) and stored.mode == "RGB"
    assert _near(stored.getpixel((180, 50)), (255, 255, 255), 8)  # was transparent
    assert _near(stored.getpixel((20, 50)), (0, 128, 0), 12)


def test_the_largest_edge_is_a_setting(monkeypatch):
    monkeypatch.setenv("WORKBENCH_PHOTO_MAX_EDGE", "800")
    photo = prepare_photo(camera_jpeg(orientation=1))
    assert (photo.width, photo.height) == (800, 600)


def test_webp_is_read_by_its_bytes_whatever_its_name():
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 200, 10)).save(out, "WEBP")
    value = upload_value(out.getvalue(), name="holiday.gif", kind="text/plain")
    assert opened(prepare_photo(upload_content(value)).data).size == (64, 48)


# -- refused ----------------------------------------------------------------------------------
def test_a_non_image_named_jpg_is_refused():
    value = upload_value(b"<html><script>alert(1)</script></html>" * 50, name="photo.jpg")
    assert refusal(upload_content(value)) == "photo.not_image"
    # a picture Pillow reads but residents may not send (GIF) is refused too
    out = io.BytesIO()
    Image.new("P", (10, 10)).save(out, "GIF")
    assert refusal(out.getvalue()) == "photo.not_image"


def test_heic_is_refused_with_its_own_message():
    assert refusal(heic_header()) == "photo.heic"


def test_a_too_large_upload_is_refused_before_it_is_read(monkeypatch):
    monkeypatch.setenv("WORKBENCH_PHOTO_MAX_BYTES", "100000")
    data = camera_jpeg(quality=95)
    assert len(data) > 100_000
    with pytest.raises(PhotoInvalid) as caught:
        upload_content(upload_value(data))
    assert caught.value.errors["photo"] == ("photo.too_large", {
        "max_mb": "0.1", "size_mb": f"{len(data) / 1e6:.1f}"})
    assert refusal(data) == "photo.too_large"
    assert refusal(b"") == "photo.empty"


@pytest.fixture
def nothing_decoded(monkeypatch):
    """A picture decoded at all fails the test: bombs must be refused from their header."""
    def load(self):
        raise AssertionError("the picture was decoded")
    monkeypatch.setattr(ImageFile.ImageFile, "load", load)


def test_a_decompression_bomb_is_refused_before_decoding(nothing_decoded):
    bomb = png_bomb(5000, 5000)  # 75 MB of pixels in a file of under 100 kB
    assert len(bomb) < 100_000
    assert refusal(bomb) == "photo.too_many_pixels"
    # beyond twice Pillow's own limit, Pillow refuses it while reading the header
    assert refusal(png_bomb(14000, 14000)) == "photo.too_many_pixels"


def test_a_jpeg_counts_the_pixels_it_decodes_at_its_reduced_scale(monkeypatch):
    monkeypatch.setenv("WORKBENCH_PHOTO_MAX_PIXELS", "4000000")
    # 12 megapixels decoded at half scale: 3 megapixels, under the limit
    assert prepare_photo(camera_jpeg()).width == 1200
    monkeypatch.setenv("WORKBENCH_PHOTO_MAX_PIXELS", "1000000")
    assert refusal(camera_jpeg()) == "photo.too_many_pixels"


def test_a_phones_multi_picture_jpeg_keeps_its_first_picture_at_a_reduced_scale(monkeypatch):
    # some phones store a depth map or a preview after the photo (MPO); it is a JPEG all the
    # same, decoded at a reduced scale: 12 megapixels pass a limit of 4
    monkeypatch.setenv("WORKBENCH_PHOTO_MAX_PIXELS", "4000000")
    out = io.BytesIO()
    Image.new("RGB", (4000, 3000), RED).save(out, "MPO", save_all=True,
                                              append_images=[Image.new("RGB", (4000, 3000))])
    photo = prepare_photo(out.getvalue())
    stored = opened(photo.data)
    assert stored.size == (1600, 1200) and stored.format == "JPEG"
    assert _near(stored.getpixel((800, 600)), RED)
    assert getattr(stored, "n_frames", 1) == 1


def test_a_damaged_photo_is_refused():
    data = camera_jpeg(orientation=1)
    assert refusal(data[:len(data) // 3]) == "photo.broken"


@pytest.mark.parametrize("value", [
    [{"content": b"a"}, {"content": b"b"}],           # two files
    ["not a dict"],
    {"content": b"x"},                                 # not a list
    "photo.jpg",
])
def test_an_upload_value_of_any_other_shape_is_refused(value):
    with pytest.raises(PhotoInvalid) as caught:
        upload_content(value)
    assert caught.value.errors["photo"][0] == "photo.one_file"


@pytest.mark.parametrize("content", [None, "text", 12, ["bytes"]])
def test_content_that_is_not_bytes_is_refused(content):
    with pytest.raises(PhotoInvalid) as caught:
        upload_content(({"name": "a.jpg", "content": content},))
    assert caught.value.errors["photo"][0] == "photo.not_image"


def test_no_file_is_no_photo():
    assert upload_content(()) is None and upload_content(None) is None


# -- on the resident page -------------------------------------------------------------------
@pytest.fixture
def app(community, store):
    return ResidentApp(community, store, lang="en")


def fill(app, title="Broken swing"):
    app.title_input.value = title
    app.scenario_input.value = "health"
    app.place_at(*INSIDE_OPEN)


def test_a_proposal_with_its_photo_is_saved_together_and_listed(app, store, community):
    fill(app)
    app.photo.upload.value = upload_value(camera_jpeg())
    assert app.photo.upload.value == ()  # the original left the kernel at once
    assert "Photo added" in app.photo.preview.value and "alt='The photo you are adding'" in \
        app.photo.preview.value
    code = app.submit_proposal()
    assert code is not None
    proposal = store.proposal_by_receipt(code)
    index = store.photo_index(community.id)
    assert set(index) == {proposal["id"]}
    stored = store.photo_bytes(index[proposal["id"]]["id"])
    assert (stored["width"], stored["height"]) == (1200, 1600)
    assert len(opened(stored["data"]).getexif()) == 0
    assert app.photo.prepared is None and app.photo.preview.value == ""  # form cleared
    # the list says there is a photo, and reads it only when a resident opens it
    photos = app.proposal_list.photos
    assert photos.opened == {}
    box = app.proposal_list._row_boxes[proposal["id"]]
    button = photos.buttons[proposal["id"]]
    assert button in box.children and button.description == "Photo"
    button.click()
    image = photos.opened[proposal["id"]]
    assert image in box.children and "data:image/jpeg;base64," in image.value
    assert "alt='Photo of the proposal: Broken swing'" in image.value
    assert button.description == "Hide the photo"
    button.click()
    assert photos.opened == {} and image not in box.children


def test_a_bad_photo_is_said_beside_its_field_and_nothing_is_saved(app, store):
    fill(app)
    app.photo.upload.value = upload_value(b"%PDF-1.7 not a photo" * 100, name="IMG_2.jpg")
    assert "not a picture that can be read" in app.field_errors["photo"].value
    assert app.submit_proposal() is None
    assert "not a picture that can be read" in app.field_errors["photo"].value
    assert store.count_proposals() == 0
    app.language.value = "zh"
    assert "不是能读取的图片" in app.field_errors["photo"].value
    # removing it lets the proposal go, without a photo
    app.photo.remove.click()
    assert app.field_errors["photo"].value == ""
    assert app.submit_proposal() is not None and store.count_proposals() == 1
    assert store.photo_index("test") == {}


def test_other_problems_and_the_photos_are_shown_at_once(app, store):
    app.photo.upload.value = upload_value(heic_header(), name="IMG_3.HEIC")
    assert app.submit_proposal() is None
    assert "HEIC" in app.field_errors["photo"].value
    assert "Please fill this in." in app.field_errors["title"].value
    assert store.count_proposals() == 0


def test_photos_tried_too_fast_are_held_back(app):
    data = png(40, 40)
    app.photo.upload.value = upload_value(data)
    assert app.photo.prepared is not None
    app.photo.upload.value = upload_value(data)
    assert app.photo.prepared is None and "Too fast" in app.field_errors["photo"].value


def test_a_hidden_photo_leaves_the_list_with_the_moderators_reason(app, store, community):
    fill(app)
    app.photo.upload.value = upload_value(png(60, 40))
    code = app.submit_proposal()
    pid = store.proposal_by_receipt(code)["id"]
    photo_id = store.photo_index(community.id)[pid]["id"]
    app.proposal_list.photos.toggle(pid)
    store.moderate(community.id, "photo", photo_id, "hide", "a neighbour's face", "王主任")
    app.refresh()
    box = app.proposal_list._row_boxes[pid]
    texts = [getattr(w, "value", "") for w in box.children]
    assert any("Photo hidden by the moderator: a neighbour&#x27;s face" in t for t in texts)
    assert not any("data:image" in str(t) for t in texts)
    assert app.proposal_list.photos.opened == {}
    # a page that read the list before the hiding cannot open it either
    assert not app.proposal_list.photos.toggle(pid)

"""A resident adds a photo to a proposal in a real browser on a phone-sized screen, as the
phone's camera or gallery hands it to the page's upload field: the page shows it before the
proposal is sent, stores a clean copy (no EXIF, no place) with the proposal, and shows it in
the list when the resident opens it."""

from __future__ import annotations

import io
import uuid

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect

from photo_files import camera_jpeg
from test_resident_page import open_fold
from workbench import i18n, settings
from workbench.proposals.photos import megabytes
from workbench.store import Store

pytestmark = pytest.mark.browser

READY = 60_000


def en(key: str, **params) -> str:
    return i18n.t("en", key, **params)


def test_a_photo_from_the_phone_is_shown_stored_clean_and_listed(phone, voila_server, tmp_path,
                                                                  screenshots, axe):
    photo_file = tmp_path / "IMG_4032.jpg"
    photo_file.write_bytes(camera_jpeg())
    db = Store(voila_server.database_url)
    title = f"Broken swing {uuid.uuid4().hex[:6]}"
    page = phone.page
    fonts = []
    page.on("request", lambda request: fonts.append(request.url)
            if request.resource_type == "font" else None)
    try:
        page.goto(voila_server.url + "?lang=en", wait_until="domcontentloaded", timeout=READY)
        expect(page.locator(".wb-submit")).to_be_visible(timeout=READY)
        title_input = page.get_by_label(en("form.title"), exact=True)
        title_input.fill(title)
        title_input.dispatch_event("change")
        page.get_by_label(en("form.scenario"), exact=True).select_option(label="Health")
        page.get_by_label(en("form.space"), exact=True).select_option(index=1)
        # the button, named in words (its file count is not read out), opens the phone's
        # chooser (camera or gallery: the field accepts image/*); the photo taken or picked
        # is what the chooser hands to the page
        upload = page.get_by_role("button", name=en("photo.choose"), exact=True)
        expect(upload).to_be_visible(timeout=15_000)
        with page.expect_file_chooser() as chooser:
            upload.click()
        assert not chooser.value.is_multiple()
        assert chooser.value.element.get_attribute("accept") == "image/*"
        chooser.value.set_files(str(photo_file))
        preview = page.get_by_alt_text(en("photo.preview_alt"))
        expect(preview).to_be_visible(timeout=30_000)
        expect(page.locator(".wb-photo-field")).to_contain_text(en("photo.ready"))
        expect(page.get_by_role("button", name=en("photo.change"), exact=True)).to_be_visible()
        assert preview.evaluate("img => img.naturalWidth") == 240  # the thumbnail, upright
        screenshots(page, "1-photo-chosen", page.locator(".wb-photo-field"))
        # the upload button has no icon: a phone downloads no font (Font Awesome's is 78 KiB);
        # the page's text is in the phone's own fonts
        assert fonts == []
        axe(page, "photo chosen")

        page.get_by_role("button", name=en("form.submit")).click()
        expect(page.locator(".wb-code")).to_be_visible(timeout=30_000)
        code = page.locator(".wb-code").inner_text().strip()
        proposal = db.proposal_by_receipt(code)
        assert proposal is not None and proposal["title"] == title
        stored = db.photo_bytes(db.photo_of(proposal["id"])["id"])
        image = Image.open(io.BytesIO(stored["data"]))
        assert image.size == (1200, 1600) and len(image.getexif()) == 0
        assert "icc_profile" not in image.info and "comment" not in image.info

        # in the list: a button, and the photo only once the resident opens it
        open_fold(page, "proposal_list")
        row = page.locator(".wb-list .widget-hbox", has_text=title)
        alt = en("photo.alt", title=title)
        expect(row.get_by_alt_text(alt)).to_have_count(0)
        row.get_by_role("button", name=en("photo.show")).click()
        thumbnail = row.get_by_alt_text(alt)
        expect(thumbnail).to_be_visible(timeout=15_000)
        assert thumbnail.evaluate("img => img.complete && img.naturalWidth") == 240
        box = thumbnail.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390  # within the phone's width
        screenshots(page, "2-listed-photo", thumbnail)
        axe(page, "listed photo")
        assert phone.page_errors == [] and phone.dialogs == []
    finally:
        db.dispose()


def test_a_photo_over_the_limit_is_refused_with_a_message_and_the_page_goes_on(
        phone, voila_server, tmp_path, axe):
    """A file larger than the websocket's default 10 MiB still reaches the kernel (the server
    takes larger messages), which says it is too large, instead of the page losing its
    connection without a word."""
    noise = np.random.default_rng(7).integers(0, 256, (3000, 4000, 3), dtype=np.uint8)
    big = tmp_path / "IMG_50MP.jpg"
    Image.fromarray(noise).save(big, "JPEG", quality=97)
    size = big.stat().st_size
    assert size > 11 * 2**20
    page = phone.page
    page.goto(voila_server.url + "?lang=en", wait_until="domcontentloaded", timeout=READY)
    expect(page.locator(".wb-submit")).to_be_visible(timeout=READY)
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name=en("photo.choose"), exact=True).click()
    chooser.value.set_files(str(big))
    message = en("photo.too_large", max_mb=megabytes(settings.get("photo_max_bytes")),
                 size_mb=megabytes(size))
    refusal = page.locator(".wb-photo-field ~ .wb-error").first
    expect(refusal).to_have_text(message, timeout=30_000)
    # the message is announced and tied to the field
    assert refusal.get_attribute("aria-live") == "polite"
    axe(page, "photo refused")
    # the page is still connected: the form answers
    page.locator(".wb-submit").click()
    expect(page.get_by_text(en("error.required")).first).to_be_visible(timeout=15_000)

"""A proposal's photo on the resident page: the field of the proposal form (the phone offers
its camera or its gallery) and the photos of the proposal list, each read when a resident
opens it.

The field reads whatever a client sends as the upload's value through
:func:`workbench.proposals.photos.upload_content` and :func:`~.photos.prepare_photo`: the
original bytes are dropped as soon as the clean copy is made, and only that copy is saved,
with its proposal, in one transaction. The list holds no photo's bytes until a resident asks
for one: a page starts with a few numbers per photo, whatever the number of photos.
"""

from __future__ import annotations

import base64
from typing import Callable

import ipywidgets as w

from workbench import settings
from workbench.escaping import esc
from workbench.page.access import name_note
from workbench.proposals.photos import PhotoInvalid, megabytes, prepare_photo, upload_content
from workbench.proposals.rules import InputInvalid, ProposalInvalid

#: photos one page may try (each is decoded, a few tenths of a second of the kernel's time)
PHOTOS_PER_PAGE = 30
SECONDS_BETWEEN_PHOTOS = 1


def photo_img(data: bytes, content_type: str, width: int, height: int, alt: str,
              css: str = "wb-photo") -> str:
    """An ``<img>`` of stored bytes, with its size (the page keeps its room while it loads)
    and an alternative text for screen readers (escaped)."""
    if content_type not in ("image/jpeg", "image/png", "image/webp"):
        return ""
    src = f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"
    return (f"<img class='{esc(css)}' src='{src}' alt='{esc(alt)}' width='{int(width)}' "
            f"height='{int(height)}' decoding='async'>")


class PhotoField:
    """The photo field of the proposal form (``.widget``; its message is the form's
    ``field_errors["photo"]``, shown by ``on_change``, the form's own way of showing its
    errors).

    A chosen photo is checked and made ready at once, so that a problem shows beside the
    field before the form is sent; :meth:`validated` gives it to the form's submit."""

    def __init__(self, form, on_change: Callable[[], None]):
        self.form = form
        self.on_change = on_change
        self.prepared = None
        self.problem: tuple[str, dict] | None = None
        self.limiter = form.session.limiter("photos", PHOTOS_PER_PAGE, SECONDS_BETWEEN_PHOTOS)
        safe = form.page.safe
        self.label = w.HTML()
        # no icon: its glyph would make every phone download Font Awesome (78 KiB)
        self.upload = w.FileUpload(accept="image/*", multiple=False, icon="")
        self.upload.add_class("wb-photo-upload")
        self.upload.observe(safe(self._on_upload), names="value")
        self.preview = w.HTML()
        self.remove = w.Button(layout={"width": "auto", "display": "none"})
        self.remove.add_class("wb-photo-remove")
        self.remove.on_click(safe(lambda _b: self.clear()))
        self.widget = w.VBox([self.label, self.upload, self.preview, self.remove])
        self.widget.add_class("wb-photo-field")

    def render(self) -> None:
        t = self.form.t
        max_mb = megabytes(settings.get("photo_max_bytes"))
        choose = t("photo.change" if self.prepared else "photo.choose")
        # the upload button says how many files it holds ("(0)" once the photo is read):
        # its name, shown instead by page.css, is the plain words
        self.label.value = (f"<div><b>{esc(t('photo.label'))}</b></div>"
                            f"<div class='wb-hint'>{esc(t('photo.hint', max_mb=max_mb))}</div>"
                            + name_note("wb-photo-upload", choose))
        self.upload.description = choose
        self.remove.description = t("photo.remove")
        self.remove.layout.display = None if (self.prepared or self.problem) else "none"
        photo = self.prepared
        self.preview.value = "" if photo is None else (
            f"<div class='wb-ok'>{esc(t('photo.ready'))}</div>"
            + photo_img(photo.thumbnail, photo.content_type, photo.thumb_width,
                        photo.thumb_height, t("photo.preview_alt")))

    # -- choosing ---------------------------------------------------------------------------
    def _on_upload(self, change) -> None:
        if not change["new"]:
            return  # emptied here, after a photo was read
        self.choose(change["new"])

    def choose(self, value) -> bool:
        """Read an upload's value (whatever a client sent); True when the photo is ready."""
        self.prepared, self.problem = None, None
        limited = self.limiter.check()
        try:
            if limited:
                self.problem = (("photo.too_many", limited[1]) if limited[0] == "error.too_many"
                                else limited)
            else:
                self.limiter.record()
                content = upload_content(value)
                self.upload.value = ()  # the original leaves the widget before decoding
                self.prepared = prepare_photo(content)
        except PhotoInvalid as invalid:
            self.problem = invalid.errors["photo"]
        finally:
            # the original (up to photo_max_bytes) leaves the kernel; only the copy stays
            self.upload.value = ()
            self._show()
        return self.prepared is not None

    def clear(self) -> None:
        """No photo (after the proposal is saved, or the resident removes it)."""
        self.prepared, self.problem = None, None
        self.upload.value = ()
        self._show()

    def _show(self) -> None:
        errors = self.form.errors
        if self.problem:
            errors["photo"] = self.problem
        else:
            errors.pop("photo", None)
        self.render()
        self.on_change()

    # -- sending ----------------------------------------------------------------------------
    def validated(self, validate: Callable[[], object]) -> tuple[object, object]:
        """(the form's valid value, the photo ready to store or None); the photo's problem,
        if any, is raised with the form's own, so that each shows beside its field and
        nothing is saved."""
        errors = {}
        value = None
        try:
            value = validate()
        except InputInvalid as invalid:
            errors.update(invalid.errors)
        if self.problem:
            errors["photo"] = self.problem
        if errors:
            raise ProposalInvalid(errors)
        return value, self.prepared


class ListedPhotos:
    """The photos of the proposal list: which proposals have one (read with the list), and
    a button per such row that shows its thumbnail, read from the store only then."""

    def __init__(self, listing):
        self.listing = listing
        self.index: dict[int, dict] = {}
        self.opened: dict[int, w.HTML] = {}
        self.buttons: dict[int, w.Button] = {}
        self.notes: dict[int, w.HTML] = {}
        self._button_layout = w.Layout(width="auto")

    def refresh(self) -> None:
        """Read which proposals have a photo (no bytes); a photo hidden since it was opened
        is closed."""
        self.index = self.listing.store.photo_index(self.listing.community.id)
        for pid in list(self.opened):
            if self.index.get(pid, {}).get("hidden_reason") is not None or pid not in self.index:
                self.opened.pop(pid).close()

    def widgets(self, row: dict) -> list:
        """What a listed proposal's row shows of its photo: nothing, the button (and the
        photo once opened), or the moderator's reason in its place."""
        pid = row["id"]
        photo = self.index.get(pid)
        t = self.listing.t
        if photo is None:
            return []
        if photo["hidden_reason"] is not None:
            note = self.notes.get(pid) or self.notes.setdefault(pid, w.HTML())
            note.value = (f"<div class='wb-hint wb-hidden'>"
                          f"{esc(t('photo.hidden', reason=photo['hidden_reason']))}</div>")
            return [note]
        if pid not in self.buttons:
            button = w.Button(layout=self._button_layout, icon="image")
            button.add_class("wb-photo-button")
            button.on_click(self.listing.page.safe(lambda _b: self.toggle(pid)))
            self.buttons[pid] = button
        button = self.buttons[pid]
        button.description = t("photo.close" if pid in self.opened else "photo.show")
        return [button, self.opened[pid]] if pid in self.opened else [button]

    def toggle(self, proposal_id: int) -> bool:
        """Show a listed proposal's photo, or put it away; True when it is shown."""
        if proposal_id in self.opened:
            self.opened.pop(proposal_id).close()
        else:
            self.open(proposal_id)
        self.listing.render()
        return proposal_id in self.opened

    def open(self, proposal_id: int) -> None:
        row = self.listing.row(proposal_id)
        photo = self.index.get(proposal_id)
        if row is None or photo is None or row.get("hidden_reason"):
            return
        stored = self.listing.store.photo_bytes(photo["id"], thumbnail=True)
        t = self.listing.t
        if (stored is None or stored["proposal_id"] != proposal_id
                or stored["community_id"] != self.listing.community.id):
            return
        if stored["hidden_reason"] is not None:  # hidden since the list was read
            photo["hidden_reason"] = stored["hidden_reason"]
            return
        image = w.HTML(photo_img(stored["data"], stored["content_type"], stored["width"],
                                 stored["height"], t("photo.alt", title=row["title"])))
        image.add_class("wb-photo-box")
        self.opened[proposal_id] = image

    def forget(self, proposal_id: int) -> None:
        """A row left the list: its photo widgets are closed."""
        for store in (self.opened, self.buttons, self.notes):
            widget = store.pop(proposal_id, None)
            if widget is not None:
                widget.close()

"""The planner's space editor (JupyterLab, or the notebook as a Voilà app): the community's map
with drawing tools, and a form for the chosen public space.

Choose a space (on the map or in the list) and its shape becomes editable on the map: drag
its corners to reshape it, drag it whole to move it; or press *new space* and draw a polygon
or a point. The form holds its names in zh and en, kind, status, opening hours, facilities
and descriptions; the area is computed. *Save* checks everything
(:func:`workbench.layers.editing.validate_space`) and writes once, with the change kept in
the history (:mod:`workbench.layers.queries`); a problem is said beside its field and nothing
is saved. *Undo* takes back the newest change. The layer can be downloaded as GeoJSON or
GeoPackage.

Every action is a plain method (:meth:`SpaceEditor.select`, :meth:`~SpaceEditor.new_space`,
:meth:`~SpaceEditor.set_shape`, :meth:`~SpaceEditor.save`, :meth:`~SpaceEditor.delete`,
:meth:`~SpaceEditor.undo`), so tests drive the editor without a browser, as the drawing
tools and buttons do.
"""

from __future__ import annotations

import ipywidgets as w
from ipyleaflet import GeomanDrawControl

from workbench import i18n, settings
from workbench.assets import style_tag
from workbench.escaping import esc
from workbench.layers import exporting
from workbench.layers.current import current_community
from workbench.layers.editing import (FIELDS, STATUSES, SpaceConflict, SpaceInvalid,
                                      change_action, facilities, from_layer_file,
                                      geometry_json, new_space_id, snapshot, split,
                                      validate_space)
from workbench.layers.map_widget import CommunityMap
from workbench.page.download import DownloadLink
from workbench.page.formats import local_time
from workbench.page.language import Bilingual
from workbench.page.safety import guarded
from workbench.store import Store, StoreBusy

CSS = style_tag("workbench.page", "planner.css") + style_tag("workbench.layers", "space_panel.css")
#: how the shape being edited is drawn: apart from every kind's colour
SHAPE_STYLE = {"color": "#d81b60", "weight": 3, "fillColor": "#d81b60", "fillOpacity": 0.25}
MULTILINE = ("description_zh", "description_en")


#: what the drawing tools report as a change of the shape on the map (besides "create")
EDIT_ACTIONS = ("drag", "vertexdrag", "vertexremoved", "vertexadded", "rotateend", "edit")


def draw_control(points: bool = True) -> GeomanDrawControl:
    """The drawing tools for one shape at a time: a polygon or a rectangle, and with
    ``points`` a point (a circle marker). The space editor and the import panel use them."""
    return GeomanDrawControl(
        polygon={"pathOptions": SHAPE_STYLE}, rectangle={"pathOptions": SHAPE_STYLE},
        circlemarker={"pathOptions": {**SHAPE_STYLE, "radius": 10, "fillOpacity": 0.8}}
        if points else {},
        polyline={}, marker={}, circle={}, edit=True, drag=True, remove=False, cut=False,
        rotate=False, position="topleft")


def editable_shape(geometry: dict) -> dict:
    """``geometry`` as the drawing tools take it back: a feature they let be edited."""
    point = geometry.get("type") == "Point"
    style = {**SHAPE_STYLE, "radius": 10} if point else SHAPE_STYLE
    return {"type": "Feature", "geometry": geometry, "properties": {
        "style": style, "type": "circlemarker" if point else "polygon", "options": style}}


def drawn_shape(action: str, geo_json) -> tuple[str, dict] | None:
    """("create" or "edit", the geometry) from what the drawing tools report (one feature or
    a list; the newest counts); None when it is no shape or no change of one."""
    features = geo_json if isinstance(geo_json, list) else [geo_json]
    features = [f for f in features if isinstance(f, dict) and isinstance(f.get("geometry"),
                                                                           dict)]
    if not features:
        return None
    if action == "create":
        return "create", features[-1]["geometry"]
    if action in EDIT_ACTIONS:
        return "edit", features[-1]["geometry"]
    return None


class FormMessages:
    """Messages of a planner's form: a problem beside its field (``self.errors``: field ->
    HTML widget), one line about what was done (``self.message``), in ``self.t``'s language."""

    def clear_errors(self) -> None:
        for box in self.errors.values():
            box.value = ""

    def show_errors(self, errors: dict) -> None:
        for field, (key, params) in errors.items():
            box = self.errors.get(field)
            if box is not None:
                box.value = (f"<span class='wb-error' role='alert'>"
                             f"{esc(self.t(key, **params))}</span>")

    def say(self, tone: str, key: str, **params) -> None:
        self.message.value = (f"<p class='wb-{tone}' role='status'>"
                              f"{esc(self.t(key, **params))}</p>")


class SpaceEditor(FormMessages):
    """The editor (``.widget``) for ``community``'s public spaces, signing changes as
    ``person``. Its spaces are loaded from the layer file into the store the first time."""

    def __init__(self, community, store: Store, person: str, lang: str = "zh",
                 basemap: str = "none", height: str = "62vh"):
        self.community, self.store, self.person = community, store, person
        self.lang = lang if lang in i18n.LANGUAGES else "zh"
        store.load_public_spaces(community.id, [snapshot(*from_layer_file(f)) for f in
                                                community.layers["public_spaces"]["features"]],
                                 who=person)
        self.space_id: str | None = None     # the space in the form; None: a new one
        self.version: int | None = None
        self.before: dict | None = None      # the chosen space as read
        self.shape: dict | None = None       # the geometry on the map now
        self.confirming_delete = False
        self.safe = guarded(self._failed)
        self._build(basemap, height)
        self.reload()
        self.new_space()

    @classmethod
    def from_settings(cls, person: str, lang: str = "zh",
                      store: Store | None = None) -> "SpaceEditor":
        store = store or Store()
        return cls(current_community(settings.get("layers_dir"), store), store, person, lang,
                   basemap=settings.get("basemap"))

    def t(self, key: str, **params) -> str:
        return i18n.t(self.lang, key, **params)

    # -- building ---------------------------------------------------------------------------
    def _build(self, basemap: str, height: str) -> None:
        t, safe = self.t, self.safe
        self.map = CommunityMap(self.community, self.lang, basemap=basemap, height=height)
        self.map.widget.scroll_wheel_zoom = True
        self.map.public_spaces.on_click(safe(self._on_space_click))
        self.draw = draw_control(points=True)
        self.draw.on_draw(safe(self._on_draw))
        self.map.widget.add(self.draw)

        self.chooser = w.Dropdown(description=t("editor.choose"), layout={"width": "100%"})
        self._quiet = False      # the tool sets the list itself: no reaction then
        self.chooser.observe(safe(lambda change: self._on_chosen(change["new"])), names="value")
        self.new_button = w.Button(description=t("editor.new"), icon="plus")
        self.new_button.on_click(safe(lambda _: self.new_space()))
        self.shape_line = w.HTML()
        self.inputs: dict[str, w.Widget] = {}
        for name in FIELDS:
            label = t(f"editor.field.{name}")
            if name == "kind":
                widget = w.Dropdown(description=label, options=self._kind_options())
            elif name == "status":
                widget = w.Dropdown(description=label, options=[
                    (t(f"space.status.{s}"), s) for s in STATUSES])
            elif name == "facilities":
                widget = w.SelectMultiple(description=label, rows=6, options=[
                    (f[self.lang], f["code"]) for f in facilities()])
            elif name in MULTILINE:
                widget = w.Textarea(description=label, rows=2)
            else:
                widget = w.Text(description=label)
            widget.layout.width = "100%"
            widget.style.description_width = "10em"
            widget.add_class(f"wb-field-{name}")
            self.inputs[name] = widget
        self.inputs["opening_hours"].placeholder = t("editor.hours_placeholder")
        self.errors = {name: w.HTML() for name in ("geometry",) + FIELDS}
        self.save_button = w.Button(description=t("editor.save"), button_style="primary",
                                    icon="check")
        self.save_button.on_click(safe(lambda _: self.save()))
        self.delete_button = w.Button(description=t("editor.delete"), icon="trash")
        self.delete_button.on_click(safe(lambda _: self.delete()))
        self.undo_button = w.Button(description=t("editor.undo"), icon="undo")
        self.undo_button.on_click(safe(lambda _: self.undo()))
        self.message = w.HTML()
        self.message.add_class("wb-editor-message")
        self.downloads = w.HBox([
            DownloadLink(t("editor.download_geojson"), "public_spaces.geojson",
                         "application/geo+json", lambda: exporting.geojson_bytes(self.community),
                         too_large=t("editor.too_large")).widget,
            DownloadLink(t("editor.download_gpkg"), f"{self.community.id}.gpkg",
                         "application/geopackage+sqlite3",
                         lambda: exporting.geopackage_bytes(self.community),
                         too_large=t("editor.too_large")).widget])
        self.history = w.HTML()

        form = [self.chooser, self.new_button, self.shape_line, self.errors["geometry"]]
        for name in FIELDS:
            form += [self.inputs[name], self.errors[name]]
        form += [w.HBox([self.save_button, self.delete_button, self.undo_button],
                        layout={"flex_flow": "row wrap"}), self.message]
        side = w.VBox(form, layout={"width": "38%", "min_width": "320px"})
        side.add_class("wb-editor-form")
        name = self.community.name.get(self.lang, self.community.id)
        self.widget = w.VBox([
            w.HTML(CSS + f"<h2>{esc(t('editor.title', name=name))}</h2>"
                   f"<p class='wb-hint'>{esc(t('editor.explain'))}</p>"),
            w.HBox([w.VBox([self.map.widget, w.HTML(self.map.legend_html())],
                           layout={"flex": "1 1 60%"}), side],
                   layout={"flex_flow": "row wrap", "align_items": "flex-start"}),
            self.downloads, self.history])
        self.widget.add_class("wb-planner")
        self.widget.add_class("wb-space-editor")

    def _kind_options(self) -> list[tuple[str, str]]:
        return [(self.t("editor.kind_choose"), "")] + [
            (kind[self.lang], code) for code, kind in self.community.kinds.items()]

    # -- reading ----------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the spaces and the history again; redraw the map, the list and the history."""
        features = self.store.public_space_features(self.community.id) or []
        self.community.replace_public_spaces(features)
        self.map.show_spaces()
        names = sorted((f["properties"][f"name_{self.lang}"], f["properties"]["id"])
                       for f in features)
        self._choose("", [(self.t("editor.none_chosen"), "")] + names)
        changes = self.store.public_space_changes(self.community.id)
        self.history.value = self.history_html(changes)
        self.undo_button.disabled = not any(
            not c["undone"] and c["action"] not in ("undo", "load") for c in changes)

    def _choose(self, space_id: str, options=None) -> None:
        self._quiet = True
        try:
            if options is not None:
                self.chooser.options = options
            self.chooser.value = space_id
        finally:
            self._quiet = False

    def select(self, space_id: str) -> None:
        """Put a space in the form and its shape on the map, ready to edit."""
        found = self.store.public_space(self.community.id, space_id)
        if found is None or found["deleted"]:
            self.say("error", "editor.conflict.gone")
            return
        feature = found["feature"]
        self.space_id, self.version, self.before = space_id, found["version"], feature
        p = feature["properties"]
        for name, widget in self.inputs.items():
            value = p.get(name)
            if name == "facilities":
                known = {code for _, code in widget.options}
                value = tuple(c for c in value or () if c in known)
            elif name == "kind" and value not in self.community.kinds:
                value = ""
            widget.value = value if value is not None else ""
        self._choose(space_id)
        self.confirming_delete = False
        self.delete_button.disabled = False
        self.clear_errors()
        self.set_shape(feature["geometry"], draw=True)

    def new_space(self) -> None:
        """An empty form, and the map waiting for a polygon or a point to be drawn."""
        self.space_id = self.version = self.before = None
        for name, widget in self.inputs.items():
            default = {"facilities": (), "status": "existing", "kind": ""}.get(name, "")
            widget.value = default
        self._choose("")
        self.delete_button.disabled = True
        self.confirming_delete = False
        self.clear_errors()
        self.set_shape(None, draw=True)
        self.say("hint", "editor.draw_hint")

    # -- the shape --------------------------------------------------------------------------
    def set_shape(self, geometry: dict | None, draw: bool = False) -> None:
        """The geometry being edited (what the drawing tools send); ``draw``: also put it on
        the map as the editable shape. Checked on save, its area shown at once."""
        self.shape = geometry
        if draw:
            self.draw.data = [editable_shape(geometry)] if geometry else []
        self.shape_line.value = self.shape_html()

    def shape_html(self) -> str:
        from shapely.geometry import shape

        from workbench.geo.projection import area_m2

        if not self.shape:
            return f"<span class='wb-hint'>{esc(self.t('editor.no_shape'))}</span>"
        try:
            geom = shape(self.shape)
        except Exception:  # noqa: BLE001 - a broken shape is named on save
            return f"<span class='wb-hint'>{esc(self.t('editor.shape_point'))}</span>"
        if geom.geom_type == "Point":
            return f"<span class='wb-hint'>{esc(self.t('editor.shape_point'))}</span>"
        return (f"<span class='wb-hint'>"
                f"{esc(self.t('editor.shape_area', area=f'{area_m2(geom):,.0f}'))}</span>")

    def _on_draw(self, _control=None, action: str = "", geo_json=None, **_) -> None:
        drawn = drawn_shape(action, geo_json)
        if drawn is not None:
            # one shape at a time: what was drawn replaces the shape being edited
            self.set_shape(drawn[1], draw=drawn[0] == "create")

    def _on_space_click(self, event=None, feature=None, properties=None, **_) -> None:
        space_id = (properties or {}).get("id")
        if isinstance(space_id, str) and space_id in self.community.public_spaces:
            self.select(space_id)

    def _on_chosen(self, space_id) -> None:
        if not self._quiet and space_id and space_id in self.community.public_spaces:
            self.select(space_id)

    # -- changing ---------------------------------------------------------------------------
    def values(self) -> dict:
        return {name: (list(widget.value) if name == "facilities" else widget.value)
                for name, widget in self.inputs.items()}

    def save(self) -> str | None:
        """Check the form and the shape and write the change; returns what was done
        (create, move, reshape, edit) or None (refused, beside the fields; or nothing to
        save)."""
        self.clear_errors()
        geometry = self.shape if self.shape is not None else (
            self.before["geometry"] if self.before else None)
        try:
            props, geom = validate_space(self.values(), geometry, self.community)
        except SpaceInvalid as exc:
            self.show_errors(exc.errors)
            self.say("error", "editor.refused")
            return None
        geometry = geometry_json(geom)
        try:
            if self.space_id is None:
                space_id = new_space_id(self.store.public_space_ids(self.community.id))
                self.store.add_public_space(self.community.id, space_id, props, geometry,
                                            self.person)
                action = "create"
            else:
                space_id = self.space_id
                after = snapshot(space_id, props, geometry, split(self.before)[3])
                if after == self.before:
                    self.say("hint", "editor.unchanged")
                    return None
                action = change_action(self.before, after)
                self.store.change_public_space(self.community.id, space_id, props, geometry,
                                               self.person, self.version, action)
        except SpaceConflict as exc:
            self.say("error", exc.key, **exc.params)
            self.reload()
            return None
        except StoreBusy:
            self.say("error", "editor.busy")
            return None
        self.reload()
        self.select(space_id)
        self.say("ok", f"editor.done.{action}", name=props[f"name_{self.lang}"])
        return action

    def delete(self) -> bool:
        """Delete the chosen space: the first press asks, the second deletes. A space that
        proposals were made about is not deleted (mark it closed: they keep their space)."""
        if self.space_id is None:
            return False
        count = self.store.proposals_about_space(self.community.id, self.space_id)
        if count:
            self.say("error", "editor.delete_has_proposals", n=count)
            return False
        if not self.confirming_delete:
            self.confirming_delete = True
            self.delete_button.description = self.t("editor.delete_confirm")
            self.say("error", "editor.delete_ask",
                     name=self.before["properties"][f"name_{self.lang}"])
            return False
        name = self.before["properties"][f"name_{self.lang}"]
        try:
            self.store.change_public_space(self.community.id, self.space_id, None, None,
                                           self.person, self.version, "delete")
        except SpaceConflict as exc:
            self.say("error", exc.key, **exc.params)
            self.reload()
            return False
        self.delete_button.description = self.t("editor.delete")
        self.reload()
        self.new_space()
        self.say("ok", "editor.done.delete", name=name)
        return True

    def undo(self) -> dict | None:
        """Take back the newest change (anyone's); returns it, or None."""
        try:
            change = self.store.undo_public_space_change(self.community.id, self.person)
        except SpaceConflict as exc:
            self.say("error", exc.key, **exc.params)
            return None
        self.reload()
        if change is None:
            self.say("hint", "editor.nothing_to_undo")
            return None
        if change["before"] is not None:
            self.select(change["space_id"])
        else:
            self.new_space()
        self.say("ok", "editor.done.undo", what=self.t(f"editor.action.{change['action']}"),
                 who=change["who"])
        return change

    # -- telling ----------------------------------------------------------------------------
    def history_html(self, changes: list[dict]) -> str:
        rows = [r for r in changes if r["action"] != "load"]
        if not rows:
            return f"<p class='wb-hint'>{esc(self.t('editor.history_empty'))}</p>"
        heads = "".join(f"<th scope='col'>{esc(self.t(k))}</th>" for k in (
            "editor.col_when", "editor.col_who", "editor.col_what", "editor.col_space"))
        body = []
        for r in rows:
            feature = r["after"] or r["before"] or {}
            name = (feature.get("properties") or {}).get(f"name_{self.lang}") or r["space_id"]
            what = self.t(f"editor.action.{r['action']}")
            if r["undone"]:
                what += f" ({self.t('editor.undone')})"
            cells = [local_time(r["at"], self.community.time_zone), r["who"], what, name]
            body.append("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in cells) + "</tr>")
        return (f"<h3>{esc(self.t('editor.history'))}</h3><div class='wb-table-wrap'>"
                f"<table class='wb-table'><thead><tr>{heads}</tr></thead>"
                f"<tbody>{''.join(body)}</tbody></table></div>")

    def _failed(self) -> None:
        """A callback failed (logged by :func:`guarded`): say so, briefly."""
        self.say("error", "planner.home.failed")


def space_editor_app(person: str = "规划师", lang: str = "zh") -> Bilingual:
    """The space notebook's app: the editor with its 中文 / English switch and the planner's
    name (first ``person``, typed in the tool), written into the history of every change."""
    return Bilingual(lambda language, name: SpaceEditor.from_settings(name, language), lang,
                     person=person)

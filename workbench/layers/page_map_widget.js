/* The residents' map (workbench/layers/page_map_widget.py): Leaflet, which the page's template
   loads with the page (window.L), drawing what the kernel puts in the model.

   Layers sit in panes of their own, in this order from the bottom: the community's layers,
   public spaces, proposals, the published agenda, the resident's pin; labels and notes above.
   A tap on a feature goes on to the map (Leaflet's bubbling), as with ipyleaflet: a tap on a
   proposal at a space's centre opens it and places the resident's pin there too. */

const PANES = { base: 410, public_spaces: 420, proposals: 430, agenda: 440, pin: 450 };

function leaflet() {
  if (window.L && window.L.map) { return Promise.resolve(window.L); }
  const tag = document.querySelector("script[src*='wb-lib/leaflet/leaflet.js']");
  if (!tag) { return Promise.reject(new Error("Leaflet is not on this page")); }
  return new Promise((resolve, reject) => {
    tag.addEventListener("load", () => resolve(window.L));
    tag.addEventListener("error", reject);
    if (window.L && window.L.map) { resolve(window.L); }
  });
}

function drawn(L, spec, pane, renderer, onTap) {
  /* a layer spec (layer_spec in page_map_widget.py) as a Leaflet GeoJSON layer; every layer
     takes taps (and passes them on to the map), as ipyleaflet's do, but only some tell of
     them */
  const point = spec.point || {};
  const hover = spec.hover || {};
  const layer = L.geoJSON({ type: "FeatureCollection", features: spec.features || [] }, {
    pane,
    style: (feature) => Object.assign({ renderer }, feature.style),
    pointToLayer: (feature, latlng) => L.circleMarker(latlng, Object.assign(
      { pane, renderer }, point, feature.style)),
    onEachFeature: (feature, item) => {
      if (!onTap) { return; }
      item.on("click", () => onTap(feature.id));
      if (Object.keys(hover).length) {
        item.on("mouseover", () => item.setStyle(hover));
        item.on("mouseout", () => layer.resetStyle(item));
      }
    },
  });
  return layer;
}

async function render({ model, el }) {
  const L = await leaflet();
  /* the widget's element has the height (its layout; a page's stylesheet may set another:
     the residents' page makes the map taller on a wide screen); the map fills it */
  const box = document.createElement("div");
  box.style.height = "100%";
  box.style.width = "100%";
  el.appendChild(box);
  const map = L.map(box, {
    center: model.get("center"), zoom: model.get("zoom"),
    minZoom: model.get("min_zoom"), maxZoom: model.get("max_zoom"),
    zoomSnap: model.get("zoom_snap"), zoomDelta: 1, scrollWheelZoom: false,
    attributionControl: false,
  });
  const renderers = {};
  for (const [name, z] of Object.entries(PANES)) {
    map.createPane(name).style.zIndex = String(z);
    renderers[name] = L.svg({ pane: name });
  }
  /* what this view listens to on the model, let go with the view */
  const listening = [];
  function listen(event, callback) {
    model.on(event, callback);
    listening.push([event, callback]);
  }
  const tiles = model.get("tiles");
  const credit = model.get("credit");
  if (tiles && tiles.url) {
    L.tileLayer(tiles.url, { maxZoom: tiles.max_zoom, attribution: tiles.attribution })
      .addTo(map);
  }
  if ((tiles && tiles.url) || credit) {
    L.control.attribution({ prefix: credit || false }).addTo(map);
  }

  for (const spec of model.get("base")) {
    drawn(L, spec, "base", renderers.base, null).addTo(map);
  }
  const shown = {};
  function tapFor(name) {
    return (id) => model.send({ event: "feature", layer: name, id });
  }
  function show(name) {
    if (shown[name]) { shown[name].remove(); }
    shown[name] = drawn(L, model.get(name), name, renderers[name], tapFor(name)).addTo(map);
  }
  for (const name of ["public_spaces", "proposals", "agenda"]) {
    show(name);
    listen(`change:${name}`, () => show(name));
  }

  let labels = null;
  function showLabels() {
    if (labels) { labels.remove(); }
    labels = L.layerGroup(model.get("labels").map((mark) => L.marker([mark.lat, mark.lon], {
      title: mark.title, keyboard: false, interactive: false,
      icon: L.divIcon({ html: mark.html, iconSize: mark.size, iconAnchor: mark.anchor,
                        className: "leaflet-div-icon" }),
    }))).addTo(map);
  }
  showLabels();
  listen("change:labels", showLabels);

  let pin = null;
  function showPin() {
    const where = model.get("pin");
    if (pin) { pin.remove(); pin = null; }
    if (where && where.length === 2) {
      pin = L.circleMarker(where, Object.assign(
        { pane: "pin", renderer: renderers.pin, interactive: false },
        model.get("pin_style"))).addTo(map);
    }
  }
  showPin();
  listen("change:pin", showPin);

  listen("change:popup", () => {
    const note = model.get("popup");
    if (note && note.html !== undefined) {
      /* clear of the zoom buttons (top left, 44 px: resident.css), and narrow enough to
         fit beside them on a phone (the text's width, less the popup's own 44 px of margin
         and the padding kept on both sides): the map pans to show it whole */
      const room = Math.max(140, box.clientWidth - 64 - 12 - 48);
      L.popup({ maxWidth: Math.min(280, room), minWidth: Math.min(200, room),
                autoClose: true, closeButton: true,
                autoPanPaddingTopLeft: [64, 12], autoPanPaddingBottomRight: [12, 12] })
        .setLatLng([note.lat, note.lon]).setContent(note.html).openOn(map);
    }
  });

  map.on("click", (event) => model.send({
    event: "interaction", type: "click", coordinates: [event.latlng.lat, event.latlng.lng] }));
  /* the kernel reads the zoom for how far a tap reaches (a marker's size on the ground) */
  map.on("zoomend", () => {
    if (model.get("zoom") !== map.getZoom()) {
      model.set("zoom", map.getZoom());
      model.save_changes();
    }
  });
  listen("change:zoom", () => {
    if (model.get("zoom") !== map.getZoom()) { map.setZoom(model.get("zoom")); }
  });

  /* The whole community shows when the map first has a size (a narrow phone, a zoomed-in
     browser or a wide screen alike), around the community's centre; later sizes only
     redraw, the resident's own moves are not undone. */
  let fitted = false;
  const sized = new ResizeObserver(() => {
    if (!box.clientWidth || !box.clientHeight) { return; }
    map.invalidateSize({ animate: false, pan: false });
    if (!fitted) {
      fitted = true;
      const fit = model.get("fit");
      const zoom = fit.length === 2 ? map.getBoundsZoom(fit, false) : map.getZoom();
      map.setView(model.get("center"), zoom, { animate: false });
    }
  });
  sized.observe(box);
  return () => {
    listening.forEach(([event, callback]) => model.off(event, callback));
    sized.disconnect();
    map.remove();
  };
}

export default { render };

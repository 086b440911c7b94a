/* What the page's widgets cannot say themselves, done in the browser from classes and data
   attributes that the kernel puts on the page (workbench/page/aria.py says which):

   - the document's language and title (.wb-doc[data-lang][data-title]);
   - accessible names of elements that widgets give no label (.wb-aria[data-target][data-label]
     names every element with class data-target);
   - a message and its field: an element with class wb-msg-KEY is a live region and
     describes the controls inside .wb-for-KEY, which are aria-invalid while it says a
     problem (the line has class wb-error and says something, or holds a .wb-error);
     .wb-live elements are live regions too;
   - landmarks: the page (.wb-app) is the main landmark, unless it holds a <main> already;
   - scrolling: an element that gets a new class wb-scroll-N is scrolled into view;
   - which of a row of toggle buttons is chosen (aria-pressed, from their class);
   - a folded section (.wb-fold): its head is a heading, its button says whether it is open;
   - the "large text" switch (button.wb-large-toggle): html.wb-large-text, kept per browser
     in localStorage and applied before the page draws.
   Nothing here sends anything to the kernel. */
(function () {
  "use strict";
  var root = document.documentElement;
  var LARGE = "wb-large-text";
  var query = new URLSearchParams(window.location.search).get("lang");
  if (query === "en" || query === "zh") {
    root.lang = query === "zh" ? "zh-CN" : "en";
  }
  function stored() {
    try { return window.localStorage.getItem(LARGE) === "1"; } catch (e) { return false; }
  }
  function store(on) {
    try { window.localStorage.setItem(LARGE, on ? "1" : "0"); } catch (e) { /* private mode */ }
  }
  root.classList.toggle(LARGE, stored());

  function each(selector, fn) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), fn);
  }
  function controls(box) {
    if (box.matches("input, select, textarea")) { return [box]; }
    return box.querySelectorAll("input, select, textarea, .widget-toggle-buttons > div");
  }

  function apply() {
    each(".wb-doc", function (doc) {
      if (doc.dataset.lang) { root.lang = doc.dataset.lang; }
      if (doc.dataset.title && document.title !== doc.dataset.title) {
        document.title = doc.dataset.title;
      }
    });
    each(".wb-aria", function (note) {
      var target = note.dataset.target;
      if (!/^wb-[a-z0-9-]+$/.test(target || "")) { return; }
      each("." + target, function (el) {
        /* a widget's first control, or a map's focusable container */
        var control = controls(el)[0] || el.querySelector(".leaflet-container") || el;
        if (note.dataset.role && !control.getAttribute("role")) {
          control.setAttribute("role", note.dataset.role);
        }
        if (control.getAttribute("aria-label") !== note.dataset.label) {
          control.setAttribute("aria-label", note.dataset.label);
        }
      });
    });
    each(".wb-live", function (el) {
      if (!el.hasAttribute("aria-live")) { el.setAttribute("aria-live", "polite"); }
    });
    each("[class*='wb-msg-']", function (msg) {
      var key = (msg.className.match(/\bwb-msg-([a-z0-9_-]+)/) || [])[1];
      if (!key) { return; }
      var id = "wb-msg-" + key;
      if (msg.id !== id) { msg.id = id; }
      if (!msg.hasAttribute("aria-live")) { msg.setAttribute("aria-live", "polite"); }
      /* a problem: the whole line (class wb-error) saying something, or a problem in it */
      var shown = msg.classList.contains("wb-error") ? msg.textContent.trim() !== ""
        : msg.querySelector(".wb-error") !== null;
      each(".wb-for-" + key, function (box) {
        Array.prototype.forEach.call(controls(box), function (control) {
          if (control.getAttribute("aria-describedby") !== id) {
            control.setAttribute("aria-describedby", id);
          }
          if (shown) { control.setAttribute("aria-invalid", "true"); }
          else { control.removeAttribute("aria-invalid"); }
        });
      });
    });
    each(".wb-app", function (app) {
      if (!app.getAttribute("role") && !app.querySelector("main")) {
        app.setAttribute("role", "main");
      }
    });
    each("[class*='wb-scroll-']", function (el) {
      var mark = (el.className.match(/\bwb-scroll-\d+\b/) || [])[0];
      if (mark && el.dataset.wbScrolled !== mark && el.offsetParent !== null) {
        el.dataset.wbScrolled = mark;
        el.scrollIntoView({ block: "start", behavior: "smooth" });
      }
    });
    each(".wb-app .widget-toggle-button", function (button) {
      var pressed = String(button.classList.contains("mod-active"));
      if (button.getAttribute("aria-pressed") !== pressed) {
        button.setAttribute("aria-pressed", pressed);
      }
    });
    /* a folded section (workbench/page/fold.py): a heading holding its button */
    each(".wb-fold", function (fold) {
      var head = fold.querySelector(".wb-fold-head");
      var button = head && head.querySelector("button");
      if (!button) { return; }
      if (head.getAttribute("role") !== "heading") {
        head.setAttribute("role", "heading");
        head.setAttribute("aria-level", "2");
      }
      var open = String(fold.classList.contains("wb-fold-open"));
      if (button.getAttribute("aria-expanded") !== open) {
        button.setAttribute("aria-expanded", open);
      }
    });
    each(".wb-large-toggle", function (button) {
      var on = String(root.classList.contains(LARGE));
      if (button.getAttribute("aria-pressed") !== on) { button.setAttribute("aria-pressed", on); }
    });
  }

  var pending = null;
  function inMap(record) {
    var node = record.target.nodeType === 1 ? record.target : record.target.parentElement;
    return node !== null && node.closest(".leaflet-map-pane") !== null;
  }
  function later(records) {
    /* a map that pans or zooms changes many styles: nothing of ours is in its panes */
    if (records && records.every(inMap)) { return; }
    if (pending === null) {
      pending = window.setTimeout(function () { pending = null; apply(); }, 40);
    }
  }
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest(".wb-large-toggle")) {
      var on = !root.classList.contains(LARGE);
      root.classList.toggle(LARGE, on);
      store(on);
      apply();
      window.dispatchEvent(new Event("resize"));  /* the map measures itself again */
    }
  });
  function watch() {
    new MutationObserver(later).observe(document.body, {
      subtree: true, childList: true, characterData: true, attributes: true,
      attributeFilter: ["class", "style"] });
    apply();
  }
  if (document.body) { watch(); } else { document.addEventListener("DOMContentLoaded", watch); }

})();

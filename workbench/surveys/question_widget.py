"""One question of a survey as widgets, chosen by the question's type (Likert, number, text,
choice, point on the map, pairwise comparison, ...), and its answer as a plain value.

The answer is only read here: :func:`workbench.surveys.answers.check_response` checks it in
Python before anything is saved, and its problem shows beside the question
(:meth:`QuestionBlock.show_error`), in the resident's language.
"""

from __future__ import annotations

import itertools
import random

import ipywidgets as w

from workbench import i18n
from workbench.escaping import esc
from workbench.page.access import link_message, live, name_note
from workbench.page.places import place_text, space_tapped, tapped_point
from workbench.surveys.answers import next_pairs, text_of

LIKERT = (1, 2, 3, 4, 5)
_blocks = itertools.count(1)  # a key per question block: its message and names on the page


class QuestionBlock:
    """The widgets of one question, and its answer as a plain value (None when empty)."""

    def __init__(self, question, lang: str, on_change, community=None, map_factory=None):
        self.q = question
        self.lang = lang
        self.on_change = on_change
        self.community = community
        self.heading = w.HTML()
        self.help = w.HTML()
        self.error = w.HTML()
        self.error.add_class("wb-error")
        self.key = f"q{next(_blocks)}"
        #: (class, label key or None for the question's text, params): names of controls that
        #: have no label of their own (the question's heading stands above them)
        self.names: list[tuple[str, str]] = []
        self.inputs: list[w.Widget] = []
        self._pairs: list[tuple[str, str]] = []
        self._picks: list[dict] = []
        self._point: dict | None = None
        self._space: str | None = None  # the public space the point is in, if any
        build = getattr(self, f"_build_{question.type}")
        body = build(community, map_factory)
        link_message(self.key, body, self.error)
        self.box = w.VBox([self.heading, self.help, body, self.error])
        self.box.add_class("wb-question")
        self.render_text()

    # -- per type -----------------------------------------------------------------------
    def _options(self, options=None):
        return [(text_of(o.label, self.lang), o.value) for o in (options or self.q.options)]

    def _watch(self, widget):
        widget.observe(lambda change: self.on_change(), names="value")
        self.inputs.append(widget)
        return widget

    def _named(self, widget, suffix: str = ""):
        """Name a control by the question's text (``suffix`` after it), through the page's
        script: its heading is the label people see."""
        name = f"wb-{self.key}-{len(self.names)}"
        widget.add_class(name)
        self.names.append((name, suffix))
        return widget

    def _build_single_choice(self, *_):
        return self._watch(w.RadioButtons(options=self._options(), value=None,
                                          layout={"width": "auto"}))

    def _build_multiple_choice(self, *_):
        self.checks = [self._watch(w.Checkbox(value=False, description=label, indent=False))
                       for label, _ in self._options()]
        return w.VBox(self.checks)

    def _build_likert(self, *_):
        options = [(i18n.t(self.lang, f"likert.{p}"), p) for p in LIKERT]
        options.append((i18n.t(self.lang, "likert.na"), "na"))
        return self._watch(w.RadioButtons(options=options, value=None, layout={"width": "auto"}))

    def _build_rating(self, *_):
        # "" rather than None for "not chosen": a Dropdown shows None as a blank
        options = [(i18n.t(self.lang, "form.scenario_choose"), "")] + [
            (str(i), i) for i in range(11)]
        return self._named(self._watch(w.Dropdown(options=options, value="")))

    def _build_number(self, *_):
        self.number = self._named(self._watch(w.Text(continuous_update=False, placeholder=(
            f"{self.q.min:g}–{self.q.max:g} {text_of(self.q.unit, self.lang)}".strip()))))
        return self.number

    def _build_text(self, *_):
        return self._named(self._watch(w.Textarea(continuous_update=False, rows=3)))

    def _build_ranking(self, *_):
        count = self.q.rank or len(self.q.options)
        choose = (i18n.t(self.lang, "form.scenario_choose"), "")
        self.ranks = [self._named(self._watch(w.Dropdown(
            options=[choose] + self._options(), value="", description=f"{i + 1}.")), f" {i + 1}")
            for i in range(count)]
        return w.VBox(self.ranks)

    def _build_map_point(self, community, map_factory):
        self.point_text = w.HTML()
        live(self.point_text)
        parts = []
        if map_factory is not None:
            self.map = map_factory()
            self.map.widget.on_interaction(self._on_map)
            parts.append(self._named(self.map.widget))
        parts.append(self.point_text)
        follow = self.q.follow_up
        self.follow_widget = None
        if follow is not None:
            self.follow_label = w.HTML()
            if follow.type == "single_choice":
                self.follow_widget = w.RadioButtons(options=self._options(follow.options),
                                                    value=None)
            else:
                self.follow_widget = self._named(w.Textarea(continuous_update=False, rows=2),
                                                 "follow_up")
            self._watch(self.follow_widget)
            parts += [self.follow_label, self.follow_widget]
        return w.VBox(parts)

    def _on_map(self, **event):
        point = tapped_point(event)
        if point is not None:
            self.set_point(*point)

    def set_point(self, lon: float, lat: float) -> None:
        self._point = {"lon": lon, "lat": lat}
        shown = getattr(self, "map", None)
        # the place line names the public space a tap meant, as the proposal form does
        self._space = (space_tapped(self.community, lon, lat,
                                    shown.widget.zoom if shown is not None else None)
                       if self.community is not None else None)
        if shown is not None:
            self.map.show_pin(lon, lat)
        self.render_text()
        self.on_change()

    def _build_pairwise(self, *_):
        ideas = [o.value for o in self.q.options]
        self._pairs = next_pairs(ideas, self.q.pairs, seed=random.SystemRandom().random())
        self.pair_count = w.HTML()
        self.choice_a = w.Button(layout={"width": "100%", "height": "auto"})
        self.choice_b = w.Button(layout={"width": "100%", "height": "auto"})
        self.choice_a.on_click(lambda _: self._pick(0))
        self.choice_b.on_click(lambda _: self._pick(1))
        self.choice_a.add_class("wb-idea")
        self.choice_b.add_class("wb-idea")
        return w.VBox([self.pair_count, self.choice_a, self.choice_b])

    def _pick(self, side: int) -> None:
        if len(self._picks) >= len(self._pairs):
            return
        a, b = self._pairs[len(self._picks)]
        self._picks.append({"a": a, "b": b, "pick": (a, b)[side]})
        self.render_text()
        self.on_change()

    # -- text and values ----------------------------------------------------------------
    def render_text(self) -> None:
        t = lambda key, **p: i18n.t(self.lang, key, **p)  # noqa: E731
        optional = "" if self.q.required else f" <span class='wb-hint'>{esc(t('survey.optional'))}</span>"
        text = text_of(self.q.text, self.lang)
        follow_up = getattr(self.q, "follow_up", None)
        follow = text_of(follow_up.text, self.lang) if follow_up is not None else ""
        notes = "".join(name_note(name, follow if suffix == "follow_up" else text + suffix,
                                  role="region" if name.endswith("-0") and
                                  self.q.type == "map_point" else None)
                        for name, suffix in self.names)
        self.heading.value = f"<b>{esc(text)}</b>{optional}{notes}"
        self.help.value = (f"<span class='wb-hint'>{esc(text_of(self.q.help, self.lang))}</span>"
                           if getattr(self.q, "help", None) else "")
        if self.q.type == "map_point":
            point = self._point
            if point is None:
                self.point_text.value = esc(t("survey.tap_map"))
            elif self.community is None:
                self.point_text.value = esc(t("form.place_point", lat=point["lat"],
                                              lon=point["lon"]))
            else:
                self.point_text.value = esc(place_text(self.community, self.lang, point["lon"],
                                                       point["lat"], self._space))
            if self.q.follow_up is not None:
                self.follow_label.value = esc(text_of(self.q.follow_up.text, self.lang))
        if self.q.type == "pairwise":
            done = len(self._picks)
            ideas = {o.value: text_of(o.label, self.lang) for o in self.q.options}
            if done < len(self._pairs):
                a, b = self._pairs[done]
                self.choice_a.description, self.choice_b.description = ideas[a], ideas[b]
                self.pair_count.value = esc(t("survey.pair_of", n=done + 1,
                                              total=len(self._pairs)))
            else:
                self.choice_a.layout.display = self.choice_b.layout.display = "none"
                self.pair_count.value = esc(t("survey.pairs_done"))

    def value(self):
        kind = self.q.type
        if kind == "multiple_choice":
            return [v for (_, v), box in zip(self._options(), self.checks) if box.value] or None
        if kind == "number":
            text = self.number.value.strip().replace(",", ".")
            if not text:
                return None
            try:
                number = float(text)
            except ValueError:
                return text  # refused by the check, with its message
            return int(number) if number.is_integer() else number
        if kind == "ranking":
            picked = [d.value or None for d in self.ranks]
            return None if all(p is None for p in picked) else picked
        if kind == "map_point":
            if self._point is None:
                return None
            answer = dict(self._point)
            if self.follow_widget is not None and self.follow_widget.value:
                answer["follow_up"] = self.follow_widget.value
            return answer
        if kind == "pairwise":
            return list(self._picks) or None
        value = self.inputs[0].value
        return None if value in ("", None) else value

    def set_value(self, value) -> None:
        """Put a saved answer or draft back into the widgets; what does not fit is skipped
        (a draft was never validated)."""
        kind = self.q.type
        values = [o.value for o in getattr(self.q, "options", None) or []]
        if value is None:
            return
        if kind in ("single_choice", "likert", "rating"):
            allowed = [v for _, v in self.inputs[0].options]
            if value in allowed:
                self.inputs[0].value = value
        elif kind == "multiple_choice" and isinstance(value, list):
            for (_, v), box in zip(self._options(), self.checks):
                box.value = v in value
        elif kind == "number" and isinstance(value, (int, float, str)):
            self.number.value = str(value)[:40]
        elif kind == "text" and isinstance(value, str):
            self.inputs[0].value = value[: self.q.max_chars * 2]
        elif kind == "ranking" and isinstance(value, list):
            for dropdown, v in zip(self.ranks, value):
                if v in values:
                    dropdown.value = v
        elif kind == "map_point" and isinstance(value, dict):
            try:
                self.set_point(float(value["lon"]), float(value["lat"]))
            except (KeyError, TypeError, ValueError):
                return
            if self.follow_widget is not None and isinstance(value.get("follow_up"), str):
                if not isinstance(self.follow_widget, w.RadioButtons) or \
                        value["follow_up"] in [v for _, v in self.follow_widget.options]:
                    self.follow_widget.value = value["follow_up"]
        elif kind == "pairwise" and isinstance(value, list):
            picks = [p for p in value if isinstance(p, dict) and p.get("a") in values
                     and p.get("b") in values and p.get("pick") in (p.get("a"), p.get("b"))]
            picks = picks[: self.q.pairs]
            done = {frozenset((p["a"], p["b"])) for p in picks}
            fresh = [pair for pair in next_pairs(values, len(values) ** 2)
                     if frozenset(pair) not in done]
            self._picks = [{"a": p["a"], "b": p["b"], "pick": p["pick"]} for p in picks]
            self._pairs = [(p["a"], p["b"]) for p in self._picks] + \
                fresh[: self.q.pairs - len(self._picks)]
            self.render_text()

    def show_error(self, problem) -> None:
        self.error.value = esc(i18n.t(self.lang, problem[0], **problem[1])) if problem else ""

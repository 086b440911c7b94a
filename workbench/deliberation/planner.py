"""The deliberation notebook's app: the moderation queue and the topics (with their opinion
groups), in tabs, with files to download: the moderation log (CSV) and the chosen topic as
a Pol.is export (a zip of its CSV files), as ``workbench polis-export`` writes it."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import ipywidgets as w

from workbench import i18n, settings
from workbench.cells import neutralise_frame
from workbench.deliberation.moderation_panel import ModerationQueue
from workbench.deliberation.topics_panel import TopicsPanel
from workbench.deliberation.transfer import export_polis
from workbench.escaping import esc
from workbench.page.download import CSV, ZIP, DownloadLink
from workbench.page.language import Bilingual
from workbench.store import Store


def polis_zip(store: Store, topic_id: int) -> bytes:
    """The topic as a Pol.is export folder, zipped (no participation codes in it)."""
    with tempfile.TemporaryDirectory() as folder:
        out = export_polis(store, topic_id, Path(folder) / "polis")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(out.iterdir()):
                archive.write(path, arcname=path.name)
        return buffer.getvalue()


class ModerationTools:
    """The moderation queue with its log as a file (``.widget``), as ``moderator``."""

    def __init__(self, store: Store, community, moderator: str, lang: str = "zh"):
        self.community = community
        self.queue = ModerationQueue(store, community.id, moderator, lang=lang,
                                     time_zone=community.time_zone)
        t = self.queue.t
        self.log_download = DownloadLink(
            t("planner.download.log"), f"moderation-log-{community.id}.csv", CSV,
            self.log_csv, t("planner.download.too_large"), t("planner.download.failed"))
        # the file follows the log the queue shows: each action adds a line
        self.queue.log_html.observe(lambda _c: self.log_download.refresh(), names="value")
        self.widget = w.VBox([self.queue.widget, self.log_download.widget])

    def log_csv(self) -> bytes:
        frame = neutralise_frame(self.queue.log_for_people())
        return frame.to_csv(index=False).encode("utf-8-sig")


class TopicsTools:
    """The topics panel with the chosen topic as a Pol.is file (``.widget``); the newest
    topic's opinion groups are computed at once."""

    def __init__(self, store: Store, community, lang: str = "zh"):
        self.store = store
        self.topics = TopicsPanel(store, community.id, lang=lang)
        t = self.topics.t
        self.polis_download = DownloadLink(
            t("planner.download.polis"), lambda: f"polis-topic-{self.topics.topic_id}.zip",
            ZIP, self.polis_bytes, t("planner.download.too_large"),
            t("planner.download.failed"))
        # the file follows the chosen topic and its votes
        self.topics.picker.observe(lambda _c: self.polis_download.refresh(), names="value")
        self.topics.statements_html.observe(lambda _c: self.polis_download.refresh(),
                                            names="value")
        self.topics.groups.refresh()
        self.widget = w.VBox([self.topics.widget, w.HTML(
            f"<p class='wb-hint'>{esc(t('planner.download.polis_hint'))}</p>"),
            self.polis_download.widget])

    def polis_bytes(self) -> bytes | None:
        if self.topics.topic_id is None:
            return None
        return polis_zip(self.store, self.topics.topic_id)


def _community():
    from workbench.layers.community import load_community

    return load_community(settings.get("layers_dir"))


def moderation_tools(moderator: str, lang: str = "zh", store: Store | None = None):
    return ModerationTools(store or Store(), _community(), moderator, lang)


def topics_tools(lang: str = "zh", store: Store | None = None):
    return TopicsTools(store or Store(), _community(), lang)


class DeliberationTools:
    """Moderation and topics in tabs (``.widget``), as ``moderator`` (a name for the log)."""

    def __init__(self, store: Store, community, moderator: str, lang: str = "zh"):
        lang = lang if lang in i18n.LANGUAGES else "zh"
        self.moderation = ModerationTools(store, community, moderator, lang)
        self.topic_tools = TopicsTools(store, community, lang)
        self.queue, self.topics = self.moderation.queue, self.topic_tools.topics
        self.log_download = self.moderation.log_download
        self.polis_download = self.topic_tools.polis_download
        self.tabs = w.Tab(children=[self.moderation.widget, self.topic_tools.widget],
                          titles=[i18n.t(lang, "planner.home.moderation"),
                                  i18n.t(lang, "planner.home.topics")])
        self.widget = w.VBox([self.tabs])

    @classmethod
    def from_settings(cls, moderator: str, lang: str = "zh",
                      store: Store | None = None) -> "DeliberationTools":
        return cls(store or Store(), _community(), moderator, lang)


def deliberation_app(moderator: str = "社区工作人员", lang: str = "zh") -> Bilingual:
    """The app with its 中文 / English switch and the moderator's name (first ``moderator``),
    typed in the tool, which is written into the log."""
    return Bilingual(lambda language, name: DeliberationTools.from_settings(name, language),
                     lang, person=moderator)

"""The community public agenda (社区公共议程): from proposals to a short, public, reasoned
list of what the community will do, tracked to the end and answered back.

Rules (plain Python, pandas and geopandas; scikit-learn for grouping; no widgets, no SQL):

- :mod:`.grouping`: similar proposals (text and place) become candidate items;
- :mod:`.evidence`: what speaks for each item (supports, comments, consensus, surveys,
  households within reach from :mod:`workbench.geo.reach`);
- :mod:`.scoring`: a score from visible parts and weights, and the ranking;
- :mod:`.decisions`: adopt, defer, decline, merge, with a public reason; milestones; tracking;
- :mod:`.actions`: what a planner does (re-group, merge, split, decide, answer, publish), each
  checked and then written once;
- :mod:`.workflow`: re-grouping, evidence and publishing over the store;
- :mod:`.snapshot`: a published version as an immutable JSON document, and the difference
  between two versions;
- :mod:`.presenter`: how an item and its evidence are told (labels, formats, what is left
  out), for the report, the builder and the resident's card;
- :mod:`.report` (``report_html``, ``report_docx``, ``report_parts``, ``report.css``) and
  :mod:`.open_data`: the agenda as HTML, PDF, DOCX, CSV and GeoJSON.

Widget parts: :mod:`.builder` (the planners' builder, with its panels ``builder_*``) and
:mod:`.page` (the resident page's agenda section). :mod:`.tables`, :mod:`.queries`,
:mod:`.commands` (``export-agenda``).

Nothing is imported here, so that the resident page's kernel stays small.
"""

"""The community public agenda (社区公共议程): from proposals to a short, public, reasoned
list of what the community will do, tracked to the end and answered back.

Plain Python, pandas and geopandas (scikit-learn for grouping), no widgets, no SQL:

- :mod:`.grouping`: similar proposals (text and place) become candidate items;
- :mod:`.evidence`: what speaks for each item (supports, comments, consensus, surveys,
  households within reach);
- :mod:`.scoring`: a score from visible parts and weights, and the ranking;
- :mod:`.decisions`: adopt, defer, decline, merge, with a public reason; tracking updates;
- :mod:`.snapshot`: a published version as an immutable JSON document, and the difference
  between two versions;
- :mod:`.intake`: proposals gathered elsewhere (CSV, Excel, GeoJSON);
- :mod:`.report` and :mod:`.open_data`: the agenda as HTML, PDF, DOCX, CSV and GeoJSON.

Nothing is imported here, so that the resident page's kernel stays small.
"""

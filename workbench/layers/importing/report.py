"""The import report in the planner's language: what was imported, skipped (and why) and
estimated, and the sources with their licences."""

from __future__ import annotations

from collections import defaultdict

from workbench.i18n import t
from workbench.layers.importing.build import ImportReport

#: notes about single features are gathered: one line with the count and a few ids
SHOWN_IDS = 5


def render(report: ImportReport, lang: str) -> str:
    lines = [t(lang, "import.report.title", out=report.out),
             t(lang, "import.report.boundary", km2=f"{report.boundary_km2:.2f}")]
    for layer in ("roads", "buildings", "public_spaces"):
        lines.append(t(lang, "import.report.layer", layer=t(lang, f"import.layer.{layer}"),
                       n=report.imported[layer]))
    if report.households:
        lines.append(t(lang, "import.report.households", **{
            "data": report.households["data"], "estimate": report.households["estimate"],
            "type": report.households["building type"],
            "unknown": report.households["unknown"]}))
    if report.skipped:
        lines.append(t(lang, "import.report.skipped"))
        for (file, reason), n in sorted(report.skipped.items()):
            lines.append("  " + t(lang, "import.report.skipped_line", file=file, n=n,
                                  reason=t(lang, f"import.skip.{reason}")))
    by_feature: dict[tuple, list] = defaultdict(list)
    for key, params in report.notes:
        if "id" in params:
            by_feature[(key, params.get("file", ""))].append(params["id"])
        else:
            lines.append(t(lang, key, **params))
    for (key, file), ids in by_feature.items():
        shown = ", ".join(ids[:SHOWN_IDS]) + (" …" if len(ids) > SHOWN_IDS else "")
        lines.append(t(lang, key, file=file, id=shown) + f" ({len(ids)})")
    lines.append(t(lang, "import.report.sources"))
    for s in report.sources:
        lines.append(f"  {s['file']}: {s['licence']}"
                     + (f" · {s['attribution']}" if s.get("attribution") else ""))
    lines.append(t(lang, "import.report.next", out=report.out))
    return "\n".join(lines)
